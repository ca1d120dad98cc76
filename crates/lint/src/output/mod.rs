//! Output formats. Every renderer returns a `String`; nothing here prints.

pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use crate::report::LintReport;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human text with source lines and carets.
    Human,
    /// secchain's JSON report.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitLab Code Quality.
    Gitlab,
}

impl Format {
    /// Parses a format name (`human`/`text`/`tty`, `json`, `sarif`, `gitlab`/`codequality`).
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "human" | "text" | "tty" => Some(Format::Human),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "gitlab" | "gitlab_codeclimate" | "codequality" | "code-quality" => {
                Some(Format::Gitlab)
            }
            _ => None,
        }
    }
}

/// Renders `report` in `format`.
pub fn render(report: &LintReport, format: Format) -> String {
    match format {
        Format::Human => human::render(report, false),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Gitlab => gitlab::render(report),
    }
}
