//! The scan gate: which findings fail the run. Option names are Trivy's.
//!
//! ```yaml
//! gate:
//!   severity: [CRITICAL, HIGH]   # only these fail (default: CRITICAL and HIGH)
//!   ignore_unfixed: true         # findings without a fixed version never fail
//!   fail_on_kev: true            # anything in CISA's KEV catalogue fails, any severity
//!   min_epss: 0.1                # a severity match fails only if EPSS ≥ 0.1 (or unknown)
//!   fail_on_stale_ignores: true  # an ignore entry that matched nothing fails
//!   max_db_age: 7d               # older databases are reported (default 7d)…
//!   fail_on_db_age: true         # …and fail the run
//! ```
//! Suppressed findings (ignore files, VEX) never fail.

use serde::{Deserialize, Serialize};

use crate::matching::VulnFinding;
use crate::severity::Severity;

/// The default `max_db_age`.
pub const DEFAULT_MAX_DB_AGE: &str = "7d";

/// `gate:` of a `scan` stage (and the `secchain scan` flags).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ScanGate")]
pub struct Gate {
    /// Severities that fail (default `[CRITICAL, HIGH]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Vec<Severity>>,
    /// Findings without a fixed version are reported but never fail.
    #[serde(default)]
    pub ignore_unfixed: bool,
    /// Findings in CISA's KEV catalogue fail whatever their severity.
    #[serde(default)]
    pub fail_on_kev: bool,
    /// A severity match fails only when its EPSS score is at least this (unknown
    /// scores still fail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_epss: Option<f64>,
    /// Ignore entries that matched nothing fail the run.
    #[serde(default)]
    pub fail_on_stale_ignores: bool,
    /// Maximum database age (`72h`, `7d`, `2w`) before the scan warns (default 7d).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_db_age: Option<String>,
    /// An older database fails the run instead of only warning.
    #[serde(default)]
    pub fail_on_db_age: bool,
}

/// The outcome of a gate over a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GateResult {
    /// Whether the run passes.
    pub passed: bool,
    /// Blocking findings.
    pub blocking: usize,
    /// Why it failed, one line each.
    pub reasons: Vec<String>,
}

impl Gate {
    /// Parses Trivy's `--severity CRITICAL,HIGH` list.
    pub fn parse_severities(list: &str) -> Result<Vec<Severity>, String> {
        list.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| Severity::parse(s).ok_or_else(|| format!("unknown severity `{}`", s.trim())))
            .collect()
    }

    /// Severities that fail.
    pub fn severities(&self) -> Vec<Severity> {
        self.severity
            .clone()
            .unwrap_or_else(|| vec![Severity::Critical, Severity::High])
    }

    /// The maximum database age in seconds.
    pub fn max_db_age_seconds(&self) -> Option<u64> {
        parse_duration(self.max_db_age.as_deref().unwrap_or(DEFAULT_MAX_DB_AGE))
    }

    /// Problems serde cannot see: `(field, message)`.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(e) = self.min_epss {
            if !(0.0..=1.0).contains(&e) {
                out.push((
                    "min_epss",
                    format!("`min_epss` is a probability between 0 and 1, not {e}"),
                ));
            }
        }
        if let Some(a) = &self.max_db_age {
            if parse_duration(a).is_none() {
                out.push((
                    "max_db_age",
                    format!("`{a}` is not a duration like `72h`, `7d` or `2w`"),
                ));
            }
        }
        out
    }

    /// Why this (unsuppressed) finding fails the gate, or `None` if it does not.
    pub fn blocks(&self, f: &VulnFinding) -> Option<String> {
        if self.ignore_unfixed && f.fixed_version.is_none() {
            return None;
        }
        if self.fail_on_kev && f.kev.is_some() {
            return Some("known to be exploited (CISA KEV)".into());
        }
        if !self.severities().contains(&f.severity) {
            return None;
        }
        match (self.min_epss, &f.epss) {
            (Some(min), Some(e)) if e.score < min => None,
            (Some(min), Some(e)) => Some(format!(
                "severity {} with EPSS {:.3} ≥ {min}",
                f.severity, e.score
            )),
            _ => Some(format!("severity {}", f.severity)),
        }
    }

    /// Why `candidate` is weaker than this (locked) gate, or `None`.
    pub fn weakened_by(&self, candidate: &Gate) -> Option<String> {
        let mut why = Vec::new();
        let removed: Vec<String> = self
            .severities()
            .into_iter()
            .filter(|s| !candidate.severities().contains(s))
            .map(|s| s.to_string())
            .collect();
        if !removed.is_empty() {
            why.push(format!("it stops failing on {}", removed.join(", ")));
        }
        if !self.ignore_unfixed && candidate.ignore_unfixed {
            why.push("it turns on `ignore_unfixed`".into());
        }
        if self.fail_on_kev && !candidate.fail_on_kev {
            why.push("it turns off `fail_on_kev`".into());
        }
        match (self.min_epss, candidate.min_epss) {
            (None, Some(c)) => why.push(format!("it adds `min_epss: {c}`")),
            (Some(b), Some(c)) if c > b => {
                why.push(format!("it raises `min_epss` from {b} to {c}"))
            }
            _ => {}
        }
        if self.fail_on_stale_ignores && !candidate.fail_on_stale_ignores {
            why.push("it turns off `fail_on_stale_ignores`".into());
        }
        if self.fail_on_db_age && !candidate.fail_on_db_age {
            why.push("it turns off `fail_on_db_age`".into());
        }
        if let (Some(b), Some(c)) = (self.max_db_age_seconds(), candidate.max_db_age_seconds()) {
            if c > b {
                why.push(format!(
                    "it raises `max_db_age` from {} to {}",
                    format_duration(b),
                    format_duration(c)
                ));
            }
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

/// Parses `90s`, `30m`, `72h`, `7d`, `2w` (or a bare number of seconds).
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// `3d 4h`, `5h 12m`, `42s`.
pub fn format_duration(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{secs}s")
    }
}
