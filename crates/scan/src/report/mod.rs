//! The scan report: one typed model ([`ScanReport`]) and its renderings — a table
//! for CI logs, JSON, SARIF 2.1.0, a CycloneDX 1.6 VEX document, GitLab's
//! container-scanning report and a self-contained HTML page.

pub mod cyclonedx_vex;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod sarif;
pub mod table;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gate::{format_duration, Gate, GateResult};
use crate::ignore::{Applied, Rule, Suppression};
use crate::matching::{Distro, VulnFinding};
use crate::severity::Severity;

/// The schema id of the JSON report.
pub const SCHEMA: &str = "https://secchain.dev/schemas/scan/v1";

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "ScanReportFormat")]
pub enum Format {
    /// Text table grouped by severity.
    Table,
    /// The report as JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// CycloneDX 1.6 with vulnerabilities and VEX analysis.
    CyclonedxVex,
    /// GitLab container-scanning report.
    Gitlab,
    /// One self-contained HTML file.
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::CyclonedxVex,
        Format::Gitlab,
        Format::Html,
    ];

    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The `--format` value.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::CyclonedxVex => "cyclonedx-vex",
            Format::Gitlab => "gitlab",
            Format::Html => "html",
        }
    }

    /// The output file name and media type the stage uses.
    pub fn file(self) -> (&'static str, &'static str) {
        match self {
            Format::Table => ("scan.txt", "text/plain"),
            Format::Json => ("scan.json", "application/json"),
            Format::Sarif => ("scan.sarif", "application/sarif+json"),
            Format::CyclonedxVex => ("scan.cdx.json", "application/vnd.cyclonedx+json"),
            Format::Gitlab => ("gl-container-scanning-report.json", "application/json"),
            Format::Html => ("scan.html", "text/html"),
        }
    }

    /// Renders a report.
    pub fn render(self, report: &ScanReport) -> String {
        match self {
            Format::Table => table::render(report),
            Format::Json => json::render(report),
            Format::Sarif => sarif::render(report),
            Format::CyclonedxVex => cyclonedx_vex::render(report),
            Format::Gitlab => gitlab::render(report),
            Format::Html => html::render(report),
        }
    }
}

/// A finding with the gate's and the suppressions' verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportFinding {
    /// The vulnerability.
    #[serde(flatten)]
    pub vuln: VulnFinding,
    /// Whether it fails the gate.
    pub blocking: bool,
    /// Why it fails the gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_reason: Option<String>,
    /// The rule that suppressed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<Suppression>,
}

/// The database a scan used.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DbSummary {
    /// The file.
    pub path: String,
    /// When it was last updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Its age in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_seconds: Option<u64>,
    /// Source names.
    pub sources: Vec<String>,
    /// `sha256:…` of the database file as scanned (the snapshot the provenance records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// Counts for summaries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// All findings.
    pub total: usize,
    /// Unsuppressed findings by severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Suppressed findings.
    pub suppressed: usize,
    /// Blocking findings.
    pub blocking: usize,
}

/// A whole scan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScanReport {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// secchain's version.
    pub tool_version: &'static str,
    /// When the report was made (RFC 3339).
    pub generated_at: String,
    /// The image scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// Its distribution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distro: Option<Distro>,
    /// Packages scanned.
    pub packages_scanned: usize,
    /// The database used.
    pub database: DbSummary,
    /// The gate applied.
    pub gate_config: Gate,
    /// The gate's verdict.
    pub gate: GateResult,
    /// Warnings (old database, expired ignores).
    pub warnings: Vec<String>,
    /// Counts.
    pub counts: Counts,
    /// Findings, most severe first.
    pub findings: Vec<ReportFinding>,
    /// Ignore rules past their expiry (no longer applied).
    pub expired_ignores: Vec<Rule>,
    /// Ignore rules that matched nothing.
    pub stale_ignores: Vec<Rule>,
}

/// Everything [`build`] needs besides the findings.
#[derive(Clone, Debug, Default)]
pub struct ReportContext {
    /// The image.
    pub artifact: Option<String>,
    /// Its distribution.
    pub distro: Option<Distro>,
    /// Packages scanned.
    pub packages_scanned: usize,
    /// The database.
    pub database: DbSummary,
}

/// Applies suppressions and the gate and assembles the report.
pub fn build(
    findings: Vec<VulnFinding>,
    applied: Applied,
    gate: &Gate,
    ctx: ReportContext,
) -> ScanReport {
    let mut counts = Counts {
        total: findings.len(),
        ..Counts::default()
    };
    for s in Severity::ALL {
        counts.by_severity.insert(s.to_string(), 0);
    }
    let mut out = Vec::with_capacity(findings.len());
    for (vuln, suppressed_by) in findings.into_iter().zip(
        applied
            .suppressions
            .into_iter()
            .chain(std::iter::repeat(None)),
    ) {
        let block_reason = if suppressed_by.is_none() {
            gate.blocks(&vuln)
        } else {
            None
        };
        if suppressed_by.is_some() {
            counts.suppressed += 1;
        } else {
            *counts
                .by_severity
                .entry(vuln.severity.to_string())
                .or_default() += 1;
        }
        if block_reason.is_some() {
            counts.blocking += 1;
        }
        out.push(ReportFinding {
            blocking: block_reason.is_some(),
            block_reason,
            suppressed_by,
            vuln,
        });
    }
    let mut reasons = Vec::new();
    let mut warnings = Vec::new();
    if counts.blocking > 0 {
        reasons.push(format!("{} vulnerabilities fail the gate", counts.blocking));
    }
    if !applied.stale.is_empty() {
        let list: Vec<String> = applied
            .stale
            .iter()
            .map(|r| format!("{} ({})", r.ids.join(", "), r.location))
            .collect();
        let msg = format!("ignore entries that matched nothing: {}", list.join("; "));
        if gate.fail_on_stale_ignores {
            reasons.push(msg);
        } else {
            warnings.push(msg);
        }
    }
    for r in &applied.expired {
        warnings.push(format!(
            "ignore entry for {} at {} expired on {} and no longer applies",
            r.ids.join(", "),
            r.location,
            r.expires.as_deref().unwrap_or("?")
        ));
    }
    match (ctx.database.age_seconds, gate.max_db_age_seconds()) {
        (Some(age), Some(max)) if age > max => {
            let msg = format!(
                "the vulnerability database is {} old (max_db_age {}); run `secchain db update`",
                format_duration(age),
                format_duration(max)
            );
            if gate.fail_on_db_age {
                reasons.push(msg);
            } else {
                warnings.push(msg);
            }
        }
        _ => {}
    }
    ScanReport {
        schema: SCHEMA,
        tool_version: env!("CARGO_PKG_VERSION"),
        generated_at: crate::now_rfc3339(),
        artifact: ctx.artifact,
        distro: ctx.distro,
        packages_scanned: ctx.packages_scanned,
        database: ctx.database,
        gate_config: gate.clone(),
        gate: GateResult {
            passed: reasons.is_empty(),
            blocking: counts.blocking,
            reasons,
        },
        warnings,
        counts,
        findings: out,
        expired_ignores: applied.expired,
        stale_ignores: applied.stale,
    }
}

/// `pkg@version` plus layer and path, for locations.
pub fn location(f: &VulnFinding) -> String {
    let mut s = format!("{}@{}", f.package, f.installed_version);
    if let Some(p) = &f.path {
        s.push_str(&format!(" ({p}"));
        if let Some(l) = &f.layer {
            s.push_str(&format!(", layer {}", short_digest(l)));
        }
        s.push(')');
    } else if let Some(l) = &f.layer {
        s.push_str(&format!(" (layer {})", short_digest(l)));
    }
    s
}

/// `sha256:0123456789ab` from a full digest.
pub fn short_digest(d: &str) -> String {
    match d.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", &hex[..hex.len().min(12)]),
        None => d.chars().take(19).collect(),
    }
}

/// A deterministic UUID (RFC 4122 layout, version 4 bits) from a seed.
pub fn uuid_from(seed: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hx = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &hx[0..8],
        &hx[8..12],
        &hx[12..16],
        &hx[16..20],
        &hx[20..32]
    )
}
