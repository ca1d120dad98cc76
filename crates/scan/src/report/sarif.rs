//! SARIF 2.1.0: one rule per vulnerability id, one result per vulnerable package;
//! suppressed findings carry a SARIF `suppressions` entry with the rule and reason.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{location, ScanReport};
use crate::severity::Severity;

/// `sarifLog`.
#[derive(Serialize)]
pub struct SarifLog {
    /// The schema.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// `2.1.0`.
    pub version: &'static str,
    /// One run.
    pub runs: Vec<Run>,
}

/// `run`.
#[derive(Serialize)]
pub struct Run {
    /// The tool.
    pub tool: Tool,
    /// Results.
    pub results: Vec<SarifResult>,
}

/// `tool`.
#[derive(Serialize)]
pub struct Tool {
    /// The driver.
    pub driver: Driver,
}

/// `toolComponent`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// `secchain`.
    pub name: &'static str,
    /// Version.
    pub version: &'static str,
    /// Home page.
    pub information_uri: &'static str,
    /// Rules.
    pub rules: Vec<ReportingDescriptor>,
}

/// `reportingDescriptor`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    /// Vulnerability id.
    pub id: String,
    /// Short description.
    pub short_description: Text,
    /// Advisory URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    /// GitHub's `security-severity` and tags.
    pub properties: BTreeMap<&'static str, serde_json::Value>,
}

/// `message` / `multiformatMessageString`.
#[derive(Serialize)]
pub struct Text {
    /// Plain text.
    pub text: String,
}

/// `result`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// Rule id.
    pub rule_id: String,
    /// `error`, `warning`, `note`.
    pub level: &'static str,
    /// Message.
    pub message: Text,
    /// Where.
    pub locations: Vec<Location>,
    /// Suppressions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<SarifSuppression>,
}

/// `location`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Physical location.
    pub physical_location: PhysicalLocation,
}

/// `physicalLocation`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The artifact.
    pub artifact_location: ArtifactLocation,
}

/// `artifactLocation`.
#[derive(Serialize)]
pub struct ArtifactLocation {
    /// A path in the image, or the image.
    pub uri: String,
}

/// `suppression`.
#[derive(Serialize)]
pub struct SarifSuppression {
    /// `external`.
    pub kind: &'static str,
    /// Why.
    pub justification: String,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        _ => "note",
    }
}

/// Builds the typed SARIF log.
pub fn model(report: &ScanReport) -> SarifLog {
    let mut rules: BTreeMap<String, ReportingDescriptor> = BTreeMap::new();
    let mut results = Vec::new();
    for f in &report.findings {
        let v = &f.vuln;
        rules.entry(v.id.clone()).or_insert_with(|| {
            let mut properties = BTreeMap::new();
            let score = v
                .cvss
                .iter()
                .filter_map(|c| c.score)
                .fold(None::<f64>, |m, s| Some(m.map_or(s, |m| m.max(s))));
            let security_severity = score.unwrap_or(match v.severity {
                Severity::Critical => 9.5,
                Severity::High => 8.0,
                Severity::Medium => 5.5,
                Severity::Low => 2.0,
                Severity::Unknown => 0.0,
            });
            properties.insert(
                "security-severity",
                serde_json::json!(format!("{security_severity:.1}")),
            );
            properties.insert(
                "tags",
                serde_json::json!(["vulnerability", "security", v.severity.as_str()]),
            );
            ReportingDescriptor {
                id: v.id.clone(),
                short_description: Text {
                    text: v.title.clone().unwrap_or_else(|| v.id.clone()),
                },
                help_uri: v.url.clone(),
                properties,
            }
        });
        results.push(SarifResult {
            rule_id: v.id.clone(),
            level: level(v.severity),
            message: Text {
                text: format!(
                    "{} {}: {} ({}), fixed in {}; ids: {}",
                    v.package,
                    v.installed_version,
                    v.id,
                    v.severity,
                    v.fixed_version.as_deref().unwrap_or("no released version"),
                    v.ids.join(", ")
                ),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: v
                            .path
                            .as_deref()
                            .map(|p| p.trim_start_matches('/').to_string())
                            .unwrap_or_else(|| {
                                report.artifact.clone().unwrap_or_else(|| location(v))
                            }),
                    },
                },
            }],
            suppressions: f
                .suppressed_by
                .iter()
                .map(|s| SarifSuppression {
                    kind: "external",
                    justification: match &s.reason {
                        Some(r) => format!("{}: {r}", s.rule),
                        None => s.rule.clone(),
                    },
                })
                .collect(),
        });
    }
    SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "secchain",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/secchain/secchain",
                    rules: rules.into_values().collect(),
                },
            },
            results,
        }],
    }
}

/// Renders SARIF JSON.
pub fn render(report: &ScanReport) -> String {
    serde_json::to_string_pretty(&model(report)).unwrap_or_default()
}
