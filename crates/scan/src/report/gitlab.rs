//! GitLab's container-scanning report (security report schema 15.x): one
//! vulnerability per finding with identifiers, solution and dependency location.
//! Suppressed findings are left out (GitLab has no suppressed state in this format).

use serde::Serialize;

use super::{uuid_from, ScanReport};
use crate::severity::Severity;

/// The report.
#[derive(Serialize)]
pub struct Report {
    /// Schema version.
    pub version: &'static str,
    /// Vulnerabilities.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Remediations (none).
    pub remediations: Vec<serde_json::Value>,
    /// The scan.
    pub scan: Scan,
}

/// A vulnerability.
#[derive(Serialize)]
pub struct Vulnerability {
    /// A stable UUID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// `Critical`, `High`, `Medium`, `Low`, `Unknown`.
    pub severity: &'static str,
    /// How to fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
    /// Identifiers.
    pub identifiers: Vec<Identifier>,
    /// Links.
    pub links: Vec<Link>,
    /// Location.
    pub location: Location,
}

/// An identifier.
#[derive(Serialize)]
pub struct Identifier {
    /// `cve`, `ghsa`, `osv`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Display name.
    pub name: String,
    /// Value.
    pub value: String,
    /// URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A link.
#[derive(Serialize)]
pub struct Link {
    /// URL.
    pub url: String,
}

/// Container-scanning location.
#[derive(Serialize)]
pub struct Location {
    /// The package.
    pub dependency: Dependency,
    /// `debian 12`.
    pub operating_system: String,
    /// The image.
    pub image: String,
}

/// A dependency.
#[derive(Serialize)]
pub struct Dependency {
    /// The package name.
    pub package: Package,
    /// Installed version.
    pub version: String,
}

/// A package name.
#[derive(Serialize)]
pub struct Package {
    /// Name.
    pub name: String,
}

/// The scan block.
#[derive(Serialize)]
pub struct Scan {
    /// Analyzer.
    pub analyzer: Tool,
    /// Scanner.
    pub scanner: Tool,
    /// `container_scanning`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Start.
    pub start_time: String,
    /// End.
    pub end_time: String,
    /// `success`.
    pub status: &'static str,
}

/// A tool.
#[derive(Serialize)]
pub struct Tool {
    /// Id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Version.
    pub version: &'static str,
    /// Vendor.
    pub vendor: Vendor,
}

/// A vendor.
#[derive(Serialize)]
pub struct Vendor {
    /// Name.
    pub name: &'static str,
}

fn gitlab_time(rfc3339: &str) -> String {
    rfc3339.chars().take(19).collect()
}

/// Builds the typed report.
pub fn model(report: &ScanReport) -> Report {
    let os = report
        .distro
        .as_ref()
        .map(|d| format!("{} {}", d.id, d.version_id).trim().to_string())
        .unwrap_or_default();
    let image = report.artifact.clone().unwrap_or_default();
    let vulnerabilities = report
        .findings
        .iter()
        .filter(|f| f.suppressed_by.is_none())
        .map(|f| {
            let v = &f.vuln;
            Vulnerability {
                id: uuid_from(&format!(
                    "{}|{}|{}|{:?}",
                    v.id, v.package, v.installed_version, v.path
                )),
                name: format!("{} in {}", v.id, v.package),
                description: v.title.clone().unwrap_or_else(|| v.id.clone()),
                severity: match v.severity {
                    Severity::Critical => "Critical",
                    Severity::High => "High",
                    Severity::Medium => "Medium",
                    Severity::Low => "Low",
                    Severity::Unknown => "Unknown",
                },
                solution: v
                    .fixed_version
                    .as_ref()
                    .map(|fx| format!("Upgrade {} to {fx}", v.package)),
                identifiers: v
                    .ids
                    .iter()
                    .map(|id| {
                        let kind = id.split('-').next().unwrap_or("osv").to_ascii_lowercase();
                        Identifier {
                            kind,
                            name: id.clone(),
                            value: id.clone(),
                            url: Some(format!("https://osv.dev/vulnerability/{id}")),
                        }
                    })
                    .collect(),
                links: v.url.iter().map(|u| Link { url: u.clone() }).collect(),
                location: Location {
                    dependency: Dependency {
                        package: Package {
                            name: v.package.clone(),
                        },
                        version: v.installed_version.clone(),
                    },
                    operating_system: os.clone(),
                    image: image.clone(),
                },
            }
        })
        .collect();
    let tool = || Tool {
        id: "secchain",
        name: "secchain",
        version: env!("CARGO_PKG_VERSION"),
        vendor: Vendor { name: "secchain" },
    };
    Report {
        version: "15.0.7",
        vulnerabilities,
        remediations: Vec::new(),
        scan: Scan {
            analyzer: tool(),
            scanner: tool(),
            kind: "container_scanning",
            start_time: gitlab_time(&report.generated_at),
            end_time: gitlab_time(&report.generated_at),
            status: "success",
        },
    }
}

/// Renders the GitLab JSON.
pub fn render(report: &ScanReport) -> String {
    serde_json::to_string_pretty(&model(report)).unwrap_or_default()
}
