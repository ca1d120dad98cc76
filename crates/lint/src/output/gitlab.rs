//! GitLab Code Quality report (a JSON array of issues).

use crate::report::LintReport;
use crate::severity::Severity;
use serde::Serialize;

/// Lines of an issue.
#[derive(Debug, Serialize)]
pub struct Lines {
    /// First line.
    pub begin: u32,
    /// Last line.
    pub end: u32,
}

/// Location of an issue.
#[derive(Debug, Serialize)]
pub struct Location {
    /// Repository-relative path.
    pub path: String,
    /// The lines.
    pub lines: Lines,
}

/// One Code Quality issue.
#[derive(Debug, Serialize)]
pub struct Issue {
    /// Always `issue`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Rule id.
    pub check_name: String,
    /// Message.
    pub description: String,
    /// Categories.
    pub categories: Vec<&'static str>,
    /// `info`, `minor`, `major`, `critical` or `blocker`.
    pub severity: &'static str,
    /// Stable fingerprint.
    pub fingerprint: String,
    /// Where.
    pub location: Location,
}

/// Maps a severity to GitLab's scale.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "minor",
        Severity::Style => "info",
    }
}

/// Builds the issues of `report`.
pub fn model(report: &LintReport) -> Vec<Issue> {
    report
        .findings()
        .map(|f| Issue {
            kind: "issue",
            check_name: f.rule.clone(),
            description: format!("{}: {}", f.rule, f.message),
            categories: vec![if f.rule.starts_with("SEC") {
                "Security"
            } else {
                "Style"
            }],
            severity: severity(f.severity),
            fingerprint: f.fingerprint.clone(),
            location: Location {
                path: f.file.trim_start_matches("./").to_string(),
                lines: Lines {
                    begin: f.region.start_line,
                    end: f.region.end_line.max(f.region.start_line),
                },
            },
        })
        .collect()
}

/// Renders `report` as Code Quality JSON.
pub fn render(report: &LintReport) -> String {
    serde_json::to_string_pretty(&model(report)).unwrap_or_else(|_| "[]".into())
}
