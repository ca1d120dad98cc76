//! secchain's JSON report format.

use crate::config::Threshold;
use crate::report::{FileReport, Finding, LintReport, Summary};
use serde::Serialize;

/// The JSON document.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    /// Format version.
    pub version: u32,
    /// The tool.
    pub tool: &'static str,
    /// Whether the gate passed.
    pub passed: bool,
    /// The gate threshold.
    pub threshold: Threshold,
    /// Counts per severity.
    pub summary: Summary,
    /// Per-file results.
    pub files: &'a [FileReport],
}

/// Builds the JSON model of `report`.
pub fn model(report: &LintReport) -> JsonReport<'_> {
    JsonReport {
        version: 1,
        tool: "secchain-lint",
        passed: report.passed(),
        threshold: report.threshold,
        summary: report.summary(),
        files: &report.files,
    }
}

/// Renders `report` as pretty JSON.
pub fn render(report: &LintReport) -> String {
    serde_json::to_string_pretty(&model(report))
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// A flat list of findings in hadolint's JSON shape (`code`, `column`,
/// `file`, `level`, `line`, `message`).
pub fn render_hadolint(report: &LintReport) -> String {
    #[derive(Serialize)]
    struct H<'a> {
        code: &'a str,
        column: u32,
        file: &'a str,
        level: &'a str,
        line: u32,
        message: &'a str,
    }
    let v: Vec<H<'_>> = report
        .findings()
        .map(|f: &Finding| H {
            code: &f.rule,
            column: f.column,
            file: &f.file,
            level: f.severity.as_str(),
            line: f.line,
            message: &f.message,
        })
        .collect();
    serde_json::to_string(&v).unwrap_or_default()
}
