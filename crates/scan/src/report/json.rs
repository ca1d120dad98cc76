//! The JSON report: [`super::ScanReport`] serialised as is.

use super::ScanReport;

/// Renders the report as pretty JSON.
pub fn render(report: &ScanReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
