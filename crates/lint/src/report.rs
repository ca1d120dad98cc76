//! Findings and reports: what `lint_source` / `lint_file` return.

use crate::config::Threshold;
use crate::severity::Severity;
use serde::Serialize;

/// A precise region of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    /// 1-based start line.
    pub start_line: u32,
    /// 1-based start column.
    pub start_column: u32,
    /// 1-based end line.
    pub end_line: u32,
    /// 1-based end column (exclusive).
    pub end_column: u32,
    /// Start byte offset.
    pub start_byte: usize,
    /// End byte offset (exclusive).
    pub end_byte: usize,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id (`DL3008`, `SEC001`).
    pub rule: String,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// Message.
    pub message: String,
    /// The file, as given.
    pub file: String,
    /// Line where the instruction starts (what hadolint reports).
    pub line: u32,
    /// Column where the instruction starts.
    pub column: u32,
    /// The offending text.
    pub region: Region,
    /// Stable fingerprint (independent of line shifts).
    pub fingerprint: String,
}

/// The findings of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// The file, as given.
    pub file: String,
    /// Findings sorted by line, column and rule.
    pub findings: Vec<Finding>,
    /// The parse error, if the file could not be parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<String>,
    /// The file text (for renderers that show source lines).
    #[serde(skip)]
    pub source: String,
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
    /// Style findings.
    pub style: usize,
}

/// The result of linting one or more files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// Per-file results.
    pub files: Vec<FileReport>,
    /// The gate threshold applied.
    pub threshold: Threshold,
}

impl LintReport {
    /// All findings of all files.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| f.findings.iter())
    }

    /// Counts per severity.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for f in self.findings() {
            match f.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
                Severity::Style => s.style += 1,
            }
        }
        s
    }

    /// Whether the gate passes: no finding at or above the threshold.
    pub fn passed(&self) -> bool {
        match self.threshold {
            Threshold::Never => true,
            Threshold::At(t) => !self.findings().any(|f| f.severity >= t),
        }
    }

    /// Merges another report's files into this one.
    pub fn extend(&mut self, other: LintReport) {
        self.files.extend(other.files);
    }
}
