//! Severity levels (Trivy's scale) and how a source's own rating maps onto them.

use serde::{Deserialize, Deserializer, Serialize};

/// A severity, ordered `UNKNOWN < LOW < MEDIUM < HIGH < CRITICAL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// No score or rating known.
    Unknown,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

impl Severity {
    /// All levels, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Unknown,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// CVSS v3 qualitative rating of a score (0.0 counts as `LOW`, as Trivy does).
    pub fn from_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else {
            Severity::Low
        }
    }

    /// A source's own rating: GHSA's `MODERATE`, Ubuntu's `negligible`, Debian's
    /// `unimportant`, … (`None` for "not yet assigned" and unknown words).
    pub fn from_rating(rating: &str) -> Option<Severity> {
        match rating.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Severity::Critical),
            "high" | "important" => Some(Severity::High),
            "medium" | "moderate" => Some(Severity::Medium),
            "low" | "negligible" | "unimportant" | "minor" => Some(Severity::Low),
            _ => None,
        }
    }

    /// The upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "UNKNOWN",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Parses an upper- or lower-case name.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl schemars::JsonSchema for Severity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "VulnerabilitySeverity".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A vulnerability severity (upper or lower case).",
            "type": "string",
            "enum": ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN",
                     "critical", "high", "medium", "low", "unknown"]
        })
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Severity::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown severity `{s}`, expected one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL"
            ))
        })
    }
}
