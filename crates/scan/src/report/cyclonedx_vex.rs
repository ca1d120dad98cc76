//! A CycloneDX 1.6 document listing the vulnerable components and their
//! vulnerabilities, with VEX `analysis` for suppressed ones (`not_affected` from
//! OpenVEX becomes `not_affected` with the mapped justification, `fixed` becomes
//! `resolved`, ignore-file entries `not_affected` with the statement as detail) and
//! `exploitable` / `in_triage` otherwise.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{uuid_from, ScanReport};

/// The BOM.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    /// `CycloneDX`.
    pub bom_format: &'static str,
    /// `1.6`.
    pub spec_version: &'static str,
    /// `urn:uuid:…`.
    pub serial_number: String,
    /// 1.
    pub version: u32,
    /// Metadata.
    pub metadata: Metadata,
    /// Vulnerable components.
    pub components: Vec<Component>,
    /// Vulnerabilities.
    pub vulnerabilities: Vec<Vulnerability>,
}

/// `metadata`.
#[derive(Serialize)]
pub struct Metadata {
    /// When.
    pub timestamp: String,
    /// The tool.
    pub tools: Tools,
}

/// `tools` (1.5+ form).
#[derive(Serialize)]
pub struct Tools {
    /// Tool components.
    pub components: Vec<ToolComponent>,
}

/// A tool.
#[derive(Serialize)]
pub struct ToolComponent {
    /// `application`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Name.
    pub name: &'static str,
    /// Version.
    pub version: &'static str,
}

/// A component.
#[derive(Serialize)]
pub struct Component {
    /// `library` or `operating-system`…
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Reference.
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A vulnerability.
#[derive(Serialize)]
pub struct Vulnerability {
    /// Reference.
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    /// Id.
    pub id: String,
    /// Source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Other ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<IdRef>,
    /// Ratings.
    pub ratings: Vec<Rating>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Recommendation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    /// VEX analysis.
    pub analysis: Analysis,
    /// Affected components.
    pub affects: Vec<Affects>,
}

/// `source`.
#[derive(Serialize)]
pub struct Source {
    /// Name.
    pub name: String,
    /// URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A reference to the same vulnerability elsewhere.
#[derive(Serialize)]
pub struct IdRef {
    /// The id.
    pub id: String,
    /// Its source.
    pub source: Source,
}

/// A rating.
#[derive(Serialize)]
pub struct Rating {
    /// Score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// `critical`, `high`, … `unknown`.
    pub severity: String,
    /// `CVSSv31`, `CVSSv3`, `CVSSv2`, `CVSSv4`, `other`.
    pub method: &'static str,
    /// Vector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
}

/// `analysis`.
#[derive(Serialize)]
pub struct Analysis {
    /// `exploitable`, `in_triage`, `not_affected`, `resolved`.
    pub state: &'static str,
    /// CycloneDX justification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<&'static str>,
    /// Details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `affects`.
#[derive(Serialize)]
pub struct Affects {
    /// The component's bom-ref.
    #[serde(rename = "ref")]
    pub reference: String,
}

fn source_of(id: &str) -> Source {
    let (name, url) = if id.starts_with("CVE-") {
        ("NVD", format!("https://nvd.nist.gov/vuln/detail/{id}"))
    } else if id.starts_with("GHSA-") {
        ("GitHub", format!("https://github.com/advisories/{id}"))
    } else {
        ("OSV", format!("https://osv.dev/vulnerability/{id}"))
    };
    Source {
        name: name.into(),
        url: Some(url),
    }
}

/// OpenVEX justification → CycloneDX justification.
fn justification(reason: &str) -> Option<&'static str> {
    let first = reason.split(':').next().unwrap_or("").trim();
    Some(match first {
        "component_not_present" | "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => return None,
    })
}

/// Builds the typed BOM.
pub fn model(report: &ScanReport) -> Bom {
    let mut components: BTreeMap<String, Component> = BTreeMap::new();
    let mut vulns = Vec::new();
    for f in &report.findings {
        let v = &f.vuln;
        let bom_ref = v
            .purl
            .clone()
            .unwrap_or_else(|| format!("{}:{}@{}", v.ecosystem, v.package, v.installed_version));
        components
            .entry(bom_ref.clone())
            .or_insert_with(|| Component {
                kind: "library",
                bom_ref: bom_ref.clone(),
                name: v.package.clone(),
                version: v.installed_version.clone(),
                purl: v.purl.clone(),
            });
        let mut ratings: Vec<Rating> = v
            .cvss
            .iter()
            .map(|c| Rating {
                score: c.score,
                severity: c
                    .severity()
                    .unwrap_or(v.severity)
                    .as_str()
                    .to_ascii_lowercase(),
                method: match c.version.as_str() {
                    "3.1" => "CVSSv31",
                    "3.0" => "CVSSv3",
                    "4.0" => "CVSSv4",
                    _ => "CVSSv2",
                },
                vector: Some(c.vector.clone()),
            })
            .collect();
        if ratings.is_empty() {
            ratings.push(Rating {
                score: None,
                severity: v.severity.as_str().to_ascii_lowercase(),
                method: "other",
                vector: None,
            });
        }
        let analysis = match &f.suppressed_by {
            Some(s) if s.status.as_deref() == Some("fixed") => Analysis {
                state: "resolved",
                justification: None,
                detail: s.reason.clone(),
            },
            Some(s) => Analysis {
                state: "not_affected",
                justification: s.reason.as_deref().and_then(justification),
                detail: Some(match &s.reason {
                    Some(r) => format!("{} ({r})", s.rule),
                    None => s.rule.clone(),
                }),
            },
            None if f.blocking => Analysis {
                state: "exploitable",
                justification: None,
                detail: f.block_reason.clone(),
            },
            None => Analysis {
                state: "in_triage",
                justification: None,
                detail: None,
            },
        };
        vulns.push(Vulnerability {
            bom_ref: format!("{}#{}", v.id, bom_ref),
            id: v.id.clone(),
            source: Some(source_of(&v.id)),
            references: v
                .ids
                .iter()
                .skip(1)
                .map(|id| IdRef {
                    id: id.clone(),
                    source: source_of(id),
                })
                .collect(),
            ratings,
            description: v.title.clone(),
            recommendation: v
                .fixed_version
                .as_ref()
                .map(|fx| format!("Upgrade {} to {fx}", v.package)),
            analysis,
            affects: vec![Affects { reference: bom_ref }],
        });
    }
    Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!(
            "urn:uuid:{}",
            uuid_from(&format!("{}{:?}", report.generated_at, report.artifact))
        ),
        version: 1,
        metadata: Metadata {
            timestamp: report.generated_at.clone(),
            tools: Tools {
                components: vec![ToolComponent {
                    kind: "application",
                    name: "secchain",
                    version: env!("CARGO_PKG_VERSION"),
                }],
            },
        },
        components: components.into_values().collect(),
        vulnerabilities: vulns,
    }
}

/// Renders the CycloneDX JSON.
pub fn render(report: &ScanReport) -> String {
    serde_json::to_string_pretty(&model(report)).unwrap_or_default()
}
