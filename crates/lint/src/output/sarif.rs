//! SARIF 2.1.0 model and renderer, in the shape GitHub code scanning
//! accepts: rule metadata with help text, levels, regions and stable
//! `partialFingerprints`.

use crate::report::LintReport;
use crate::rules::RULES;
use crate::severity::Severity;
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema URI of SARIF 2.1.0.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log.
#[derive(Debug, Serialize)]
pub struct SarifLog {
    /// Schema.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// `2.1.0`.
    pub version: &'static str,
    /// Runs (one).
    pub runs: Vec<Run>,
}

/// One analysis run.
#[derive(Debug, Serialize)]
pub struct Run {
    /// The tool.
    pub tool: Tool,
    /// Results.
    pub results: Vec<SarifResult>,
}

/// The tool.
#[derive(Debug, Serialize)]
pub struct Tool {
    /// Its driver.
    pub driver: Driver,
}

/// The tool driver with its rules.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// Name.
    pub name: &'static str,
    /// Version.
    pub version: &'static str,
    /// Semantic version.
    pub semantic_version: &'static str,
    /// Project page.
    pub information_uri: &'static str,
    /// Rules.
    pub rules: Vec<ReportingDescriptor>,
}

/// A text message.
#[derive(Debug, Serialize)]
pub struct Message {
    /// Plain text.
    pub text: String,
}

/// Help with a markdown variant.
#[derive(Debug, Serialize)]
pub struct Help {
    /// Plain text.
    pub text: String,
    /// Markdown.
    pub markdown: String,
}

/// Default configuration of a rule.
#[derive(Debug, Serialize)]
pub struct DefaultConfiguration {
    /// `error`, `warning` or `note`.
    pub level: &'static str,
}

/// Rule properties GitHub reads.
#[derive(Debug, Serialize)]
pub struct RuleProperties {
    /// Tags.
    pub tags: Vec<&'static str>,
    /// Precision.
    pub precision: &'static str,
    /// Severity score for security rules.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<&'static str>,
}

/// Rule metadata.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    /// Id.
    pub id: &'static str,
    /// Name.
    pub name: String,
    /// One line.
    pub short_description: Message,
    /// Longer text.
    pub full_description: Message,
    /// Help.
    pub help: Help,
    /// Default level.
    pub default_configuration: DefaultConfiguration,
    /// Properties.
    pub properties: RuleProperties,
}

/// Where an artifact is.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    /// URI.
    pub uri: String,
    /// Base id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

/// A region.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRegion {
    /// Start line.
    pub start_line: u32,
    /// Start column.
    pub start_column: u32,
    /// End line.
    pub end_line: u32,
    /// End column.
    pub end_column: u32,
}

/// A physical location.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
    /// The region.
    pub region: SarifRegion,
}

/// A location.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Physical location.
    pub physical_location: PhysicalLocation,
}

/// A result.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// Rule id.
    pub rule_id: String,
    /// Index into the driver's rules.
    pub rule_index: usize,
    /// Level.
    pub level: &'static str,
    /// Message.
    pub message: Message,
    /// Locations.
    pub locations: Vec<Location>,
    /// Fingerprints.
    pub partial_fingerprints: BTreeMap<&'static str, String>,
}

/// SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

fn descriptor(r: &crate::Rule) -> ReportingDescriptor {
    let security =
        r.id.starts_with("SEC") || matches!(r.id, "DL3002" | "DL3004" | "DL3026" | "DL3064");
    let markdown = format!(
        "**{}** — {}\n\n{}\n\nTriggers:\n```dockerfile\n{}```\nPasses:\n```dockerfile\n{}```\n",
        r.id, r.message, r.help, r.bad, r.good
    );
    ReportingDescriptor {
        id: r.id,
        name: r
            .name
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect(),
        short_description: Message {
            text: r.message.to_string(),
        },
        full_description: Message {
            text: r.help.to_string(),
        },
        help: Help {
            text: r.help.to_string(),
            markdown,
        },
        default_configuration: DefaultConfiguration {
            level: level(r.severity),
        },
        properties: RuleProperties {
            tags: if security {
                vec!["security", "dockerfile"]
            } else {
                vec!["maintainability", "dockerfile"]
            },
            precision: "high",
            security_severity: security.then_some(match r.severity {
                Severity::Error => "8.0",
                Severity::Warning => "5.0",
                _ => "2.0",
            }),
        },
    }
}

/// Builds the SARIF log of `report`.
pub fn model(report: &LintReport) -> SarifLog {
    let rules: Vec<ReportingDescriptor> = RULES.iter().map(|r| descriptor(r)).collect();
    let results = report
        .findings()
        .map(|f| {
            let rule_index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let mut fp = BTreeMap::new();
            fp.insert("secchainFingerprint/v1", f.fingerprint.clone());
            SarifResult {
                rule_id: f.rule.clone(),
                rule_index,
                level: level(f.severity),
                message: Message {
                    text: f.message.clone(),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: f.file.trim_start_matches("./").replace('\\', "/"),
                            uri_base_id: None,
                        },
                        region: SarifRegion {
                            start_line: f.region.start_line.max(1),
                            start_column: f.region.start_column.max(1),
                            end_line: f.region.end_line.max(f.region.start_line).max(1),
                            end_column: f.region.end_column.max(1),
                        },
                    },
                }],
                partial_fingerprints: fp,
            }
        })
        .collect();
    SarifLog {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "secchain-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/secchain/secchain",
                    rules,
                },
            },
            results,
        }],
    }
}

/// Renders `report` as SARIF 2.1.0 JSON.
pub fn render(report: &LintReport) -> String {
    serde_json::to_string_pretty(&model(report)).unwrap_or_default()
}
