//! cosign's vulnerability-scan predicate (`--type vuln`,
//! `https://cosign.sigstore.dev/attestation/vuln/v1`), made from the scan stage.

use serde::{Deserialize, Serialize};

/// The predicate: who scanned, with what database, the result, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VulnPredicate {
    /// How the scan was started.
    pub invocation: Invocation,
    /// The scanner and its result.
    pub scanner: Scanner,
    /// When the scan ran.
    pub metadata: ScanMetadata,
}

/// `invocation`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Invocation {
    /// Scanner parameters (the gate the scan applied).
    pub parameters: serde_json::Value,
    /// Where the scan was defined.
    pub uri: String,
    /// Identifies the event that started it.
    pub event_id: String,
    /// The builder that ran it.
    #[serde(rename = "builder.id")]
    pub builder_id: String,
}

/// `scanner`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scanner {
    /// The scanner, as a package URL.
    pub uri: String,
    /// Its version.
    pub version: String,
    /// The vulnerability database.
    pub db: ScannerDb,
    /// The scan report (secchain's JSON report).
    pub result: serde_json::Value,
}

/// `scanner.db`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScannerDb {
    /// The database's sources (comma-separated) or location.
    pub uri: String,
    /// Its snapshot digest, else its update time.
    pub version: String,
}

/// `metadata`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanMetadata {
    /// RFC 3339.
    #[serde(rename = "scanStartedOn")]
    pub scan_started_on: String,
    /// RFC 3339.
    #[serde(rename = "scanFinishedOn")]
    pub scan_finished_on: String,
}

impl VulnPredicate {
    /// The predicate for a scan stage: its JSON report, its `data` (database, gate)
    /// and start time.
    pub fn from_scan(
        report: &serde_json::Value,
        data: &serde_json::Value,
        started_on: Option<&str>,
        secchain_version: &str,
    ) -> Self {
        let db = &data["database"];
        let sources: Vec<&str> = db["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str())
            .collect();
        let version = db["digest"]
            .as_str()
            .or(db["updated_at"].as_str())
            .unwrap_or_default();
        let started = started_on.unwrap_or_default().to_string();
        VulnPredicate {
            invocation: Invocation {
                parameters: data["gate"].clone(),
                ..Invocation::default()
            },
            scanner: Scanner {
                uri: "pkg:cargo/secchain".into(),
                version: secchain_version.to_string(),
                db: ScannerDb {
                    uri: sources.join(","),
                    version: version.to_string(),
                },
                result: report.clone(),
            },
            metadata: ScanMetadata {
                scan_started_on: started.clone(),
                scan_finished_on: started,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_predicate_names_the_database_snapshot_and_keeps_the_report() {
        let data = serde_json::json!({
            "database": {"sources": ["osv:Debian", "kev"], "digest": "sha256:ab"},
            "gate": {"severity": ["CRITICAL"]},
        });
        let report = serde_json::json!({"findings": []});
        let p = VulnPredicate::from_scan(&report, &data, Some("2026-01-01T00:00:00Z"), "0.1.0");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["scanner"]["db"]["uri"], "osv:Debian,kev");
        assert_eq!(json["scanner"]["db"]["version"], "sha256:ab");
        assert_eq!(json["scanner"]["result"], report);
        assert_eq!(json["invocation"]["builder.id"], "");
        assert_eq!(json["invocation"]["parameters"]["severity"][0], "CRITICAL");
        assert_eq!(json["metadata"]["scanStartedOn"], "2026-01-01T00:00:00Z");
    }
}
