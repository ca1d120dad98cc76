//! The severity scale shared by secret and hygiene findings, and the gate threshold.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is, from `low` to `critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; rarely exploitable on its own.
    Low,
    /// Exploitable with some effort or luck.
    Medium,
    /// A credential or weakness an attacker can use directly.
    High,
    /// A live credential with wide reach (private keys, cloud and registry tokens).
    Critical,
}

impl Severity {
    /// The lowercase name used in findings and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `gate.fail_on`: the lowest severity that fails the gate, or `none`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "SecretsFailOn")]
pub enum FailOn {
    /// Every finding blocks.
    Low,
    /// Medium and above block.
    Medium,
    /// High and critical block (the default).
    #[default]
    High,
    /// Only critical findings block.
    Critical,
    /// Nothing blocks.
    None,
}

impl FailOn {
    /// The lowest blocking severity (`None` when nothing blocks).
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::None => None,
        }
    }

    /// True when a finding of `severity` fails the gate.
    pub fn blocks(self, severity: Severity) -> bool {
        self.threshold().is_some_and(|t| severity >= t)
    }

    /// Strictness rank: lower lets fewer findings pass.
    pub(crate) fn rank(self) -> u8 {
        match self {
            FailOn::Low => 0,
            FailOn::Medium => 1,
            FailOn::High => 2,
            FailOn::Critical => 3,
            FailOn::None => 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_thresholds() {
        assert!(Severity::Critical > Severity::High && Severity::Medium > Severity::Low);
        assert!(FailOn::High.blocks(Severity::Critical));
        assert!(FailOn::High.blocks(Severity::High));
        assert!(!FailOn::High.blocks(Severity::Medium));
        assert!(!FailOn::None.blocks(Severity::Critical));
        assert!(FailOn::Low.rank() < FailOn::None.rank());
    }
}
