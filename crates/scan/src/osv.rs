//! The OSV schema (1.6) as typed Rust: the parts secchain reads. Unknown fields are
//! ignored so newer records still load; required fields (`id`, `modified`) are checked.

use serde::{Deserialize, Serialize};

/// One OSV record.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Vulnerability {
    /// The schema version the record says it follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// `CVE-…`, `GHSA-…`, `DSA-…`, `PYSEC-…`, …
    pub id: String,
    /// RFC 3339 time of the last change.
    pub modified: String,
    /// RFC 3339 publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Set when the record was withdrawn; such records never match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// Other ids of the same vulnerability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Ids of upstream vulnerabilities this one derives from (1.6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    /// Related but different vulnerabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// One line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Markdown details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Severity scores for the whole record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// Affected packages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<Affected>,
    /// Links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Database-specific data (GHSA puts its `severity` rating here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// A severity entry.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A CVSS vector, or the rating for `Ubuntu`.
    pub score: String,
}

/// A package the record affects.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Affected {
    /// The package (absent for records that only have `GIT` ranges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// Severity for this package only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// Version ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Ecosystem-specific data (Debian's `urgency`, Ubuntu's `priority`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Database-specific data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// A package id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Package {
    /// `Debian:12`, `PyPI`, `Alpine:v3.18`, …
    #[serde(default)]
    pub ecosystem: String,
    /// Package name as the ecosystem spells it (source package for distributions).
    #[serde(default)]
    pub name: String,
    /// Package URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A version range.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Range {
    /// `ECOSYSTEM`, `SEMVER` or `GIT`.
    #[serde(rename = "type")]
    pub kind: RangeType,
    /// The repository for `GIT` ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// Events in order.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// The kind of a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RangeType {
    /// Versions in the ecosystem's own order.
    Ecosystem,
    /// Semantic versions.
    Semver,
    /// Git commits (cannot be matched against installed versions).
    Git,
    /// A type newer than this reader.
    #[serde(other)]
    Unknown,
}

/// A range event: exactly one of its fields is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Event {
    /// The first affected version (`0` means "all earlier versions").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    /// The first fixed version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The last affected version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    /// An upper limit on the range (`*` means none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// A link.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Reference {
    /// `ADVISORY`, `WEB`, `FIX`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The URL.
    pub url: String,
}

impl Vulnerability {
    /// Parses one record, checking the fields OSV requires.
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        let v: Vulnerability = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if v.id.trim().is_empty() {
            return Err("the record has an empty `id`".into());
        }
        if v.modified.trim().is_empty() {
            return Err(format!("{}: the record has an empty `modified`", v.id));
        }
        for a in &v.affected {
            for r in &a.ranges {
                if r.events.is_empty() {
                    return Err(format!("{}: a range has no events", v.id));
                }
                for e in &r.events {
                    let set = [&e.introduced, &e.fixed, &e.last_affected, &e.limit]
                        .iter()
                        .filter(|x| x.is_some())
                        .count();
                    if set != 1 {
                        return Err(format!(
                            "{}: a range event must have exactly one of introduced/fixed/last_affected/limit",
                            v.id
                        ));
                    }
                }
            }
        }
        Ok(v)
    }

    /// The record's own rating from `database_specific.severity` (GHSA: `HIGH`,
    /// `MODERATE`, …), if any.
    pub fn rating(&self) -> Option<String> {
        self.database_specific
            .as_ref()?
            .get("severity")?
            .as_str()
            .map(str::to_string)
    }
}

/// An OSV ecosystem string split into its base and release: `Debian:12` →
/// (`Debian`, `12`), `Ubuntu:Pro:22.04:LTS` → (`Ubuntu`, `Pro:22.04:LTS`).
pub fn split_ecosystem(eco: &str) -> (&str, &str) {
    match eco.split_once(':') {
        Some((base, rel)) => (base, rel),
        None => (eco, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_real_record() {
        let json = br#"{
          "schema_version": "1.6.0",
          "id": "GHSA-c2qf-rxjj-qqgw",
          "modified": "2024-02-16T08:23:31Z",
          "aliases": ["CVE-2022-25883"],
          "summary": "semver vulnerable to Regular Expression Denial of Service",
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
          "affected": [{"package": {"ecosystem": "npm", "name": "semver"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "7.0.0"}, {"fixed": "7.5.2"}]}]}],
          "database_specific": {"severity": "MODERATE", "cwe_ids": ["CWE-1333"]},
          "x_future_field": 1
        }"#;
        let v = Vulnerability::from_json(json).unwrap();
        assert_eq!(v.aliases, ["CVE-2022-25883"]);
        assert_eq!(v.affected[0].ranges[0].kind, RangeType::Semver);
        assert_eq!(v.rating().as_deref(), Some("MODERATE"));
    }

    #[test]
    fn rejects_broken_records() {
        assert!(Vulnerability::from_json(b"{\"id\": \"X\"}").is_err());
        assert!(Vulnerability::from_json(
            b"{\"id\": \"\", \"modified\": \"2024-01-01T00:00:00Z\"}"
        )
        .is_err());
        let two = br#"{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}"#;
        assert!(Vulnerability::from_json(two).is_err());
        assert_eq!(
            split_ecosystem("Ubuntu:Pro:22.04:LTS"),
            ("Ubuntu", "Pro:22.04:LTS")
        );
        assert_eq!(split_ecosystem("PyPI"), ("PyPI", ""));
    }
}
