//! `report.json`: the machine-readable record of a run.
//!
//! The report's schema is versioned ([`REPORT_SCHEMA`]); fields are only ever added
//! within a version. It names the pipeline by digest, the image by digest when a stage
//! resolved it, and every stage's outcome, timings, findings and outputs with digests.

use serde::Serialize;

use crate::output::OutputRecord;
use crate::stage::Finding;

/// Identifies the report format and its version.
pub const REPORT_SCHEMA: &str = "https://secchain.dev/schemas/report/v1";

/// How a stage ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Ran, and its gate passed.
    Passed,
    /// Ran, and its gate failed (some finding is blocking).
    GateFailed,
    /// Could not run to the end (including "not implemented").
    Error,
    /// Did not run (a needed stage failed, it is disabled, or it had nothing to do).
    Skipped,
    /// Interrupted.
    Cancelled,
}

impl Outcome {
    /// The word shown in the summary table.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::GateFailed => "gate failed",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// One stage in the report.
#[derive(Clone, Debug, Serialize)]
pub struct StageRecord {
    /// Unique name.
    pub name: String,
    /// Stage kind.
    pub kind: String,
    /// Stages it waited for.
    pub needs: Vec<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// True when the failure was tolerated by `continue_on_error`.
    pub tolerated: bool,
    /// Error message, or the reason it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For an error: `config` (fix the pipeline or the arguments), `runtime`, or `not_implemented`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<&'static str>,
    /// One line for humans.
    pub summary: String,
    /// Start time (RFC 3339), absent when it never started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Number of findings, blocking or not.
    pub findings_total: usize,
    /// The findings that failed the gate.
    pub blocking_findings: Vec<Finding>,
    /// Every finding, for stages that report them.
    pub findings: Vec<Finding>,
    /// Files written, with digests.
    pub outputs: Vec<OutputRecord>,
    /// Dry run: what would have changed.
    pub planned_actions: Vec<String>,
    /// Stage-specific facts.
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
}

/// The result of a whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunResult {
    /// Every gate passed.
    Passed,
    /// A gate failed.
    GateFailed,
    /// A stage found the configuration or arguments wrong (only visible at run time).
    ConfigError,
    /// A stage could not run.
    Error,
    /// The run was interrupted.
    Cancelled,
}

impl RunResult {
    /// The documented process exit code: 0 pass, 1 gate failed, 2 configuration error,
    /// 3 runtime error, 130 interrupted.
    pub fn exit_code(self) -> i32 {
        match self {
            RunResult::Passed => 0,
            RunResult::GateFailed => 1,
            RunResult::ConfigError => 2,
            RunResult::Error => 3,
            RunResult::Cancelled => 130,
        }
    }
}

/// The pipeline a run executed.
#[derive(Clone, Debug, Serialize)]
pub struct PipelineRef {
    /// The pipeline file as given.
    pub path: String,
    /// `sha256:…` of the effective pipeline (canonical JSON after `extends:`).
    pub digest: String,
    /// The bases it extends, with digests of their text.
    pub extends: Vec<SourceRef>,
}

/// A file that contributed to the pipeline.
#[derive(Clone, Debug, Serialize)]
pub struct SourceRef {
    /// Path or URL.
    pub path: String,
    /// `sha256:…` of its bytes.
    pub digest: String,
}

/// The image the run was about.
#[derive(Clone, Debug, Serialize)]
pub struct ImageRef {
    /// As written in the pipeline.
    pub reference: String,
    /// The manifest digest a stage resolved, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// The whole `report.json`.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// [`REPORT_SCHEMA`].
    pub schema: &'static str,
    /// secchain's version.
    pub secchain_version: String,
    /// The pipeline.
    pub pipeline: PipelineRef,
    /// The image, when the pipeline names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageRef>,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Start time.
    pub started_at: String,
    /// End time.
    pub finished_at: String,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Overall result.
    pub result: RunResult,
    /// The exit code the run maps to.
    pub exit_code: i32,
    /// Every stage, in pipeline order.
    pub stages: Vec<StageRecord>,
}

/// The current time as RFC 3339 UTC with millisecond precision.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let millis = now.millisecond();
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    format!("{}.{millis:03}Z", now.format(&f).unwrap_or_default())
}

/// `n` and the noun in its number, for summary lines: `count(1, "package", "packages")`
/// is "1 package", `count(3, ...)` "3 packages".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
