//! Finding severities, ordered from most to least severe.

use serde::{Deserialize, Serialize};

/// How serious a finding is. Orders `Error > Warning > Info > Style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Style suggestions.
    Style,
    /// Information.
    Info,
    /// Likely problems.
    Warning,
    /// Definite problems.
    Error,
}

impl Severity {
    /// The lower-case name (`error`, `warning`, `info`, `style`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Style => "style",
        }
    }

    /// Parses a name, case-insensitively (`none`/`ignore` give `None`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "style" => Some(Severity::Style),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
