//! JUnit XML: one `<testcase>` per stage, failed when its gate failed, errored when it
//! could not run, skipped when it did not run.
//!
//! The de-facto schema is Jenkins' (`testsuites` > `testsuite` > `testcase` with
//! `failure`/`error`/`skipped`); the structs below follow it field by field and are
//! serialised with quick-xml, which escapes every value.

use secchain_pipeline::{Outcome, RunReport, StageRecord};
use serde::Serialize;

/// `<testsuites>`.
#[derive(Debug, Serialize)]
#[serde(rename = "testsuites")]
pub struct TestSuites {
    /// Name of the run.
    #[serde(rename = "@name")]
    pub name: String,
    /// Number of test cases.
    #[serde(rename = "@tests")]
    pub tests: usize,
    /// Failed test cases.
    #[serde(rename = "@failures")]
    pub failures: usize,
    /// Errored test cases.
    #[serde(rename = "@errors")]
    pub errors: usize,
    /// Skipped test cases.
    #[serde(rename = "@skipped")]
    pub skipped: usize,
    /// Seconds.
    #[serde(rename = "@time")]
    pub time: String,
    /// The suites (one: the pipeline).
    pub testsuite: Vec<TestSuite>,
}

/// `<testsuite>`.
#[derive(Debug, Serialize)]
pub struct TestSuite {
    /// The pipeline file.
    #[serde(rename = "@name")]
    pub name: String,
    /// Number of test cases.
    #[serde(rename = "@tests")]
    pub tests: usize,
    /// Failed test cases.
    #[serde(rename = "@failures")]
    pub failures: usize,
    /// Errored test cases.
    #[serde(rename = "@errors")]
    pub errors: usize,
    /// Skipped test cases.
    #[serde(rename = "@skipped")]
    pub skipped: usize,
    /// Seconds.
    #[serde(rename = "@time")]
    pub time: String,
    /// Start time.
    #[serde(rename = "@timestamp")]
    pub timestamp: String,
    /// One per stage.
    pub testcase: Vec<TestCase>,
}

/// `<testcase>`.
#[derive(Debug, Serialize)]
pub struct TestCase {
    /// `<stage name> gate`.
    #[serde(rename = "@name")]
    pub name: String,
    /// `secchain.<kind>`.
    #[serde(rename = "@classname")]
    pub classname: String,
    /// Seconds.
    #[serde(rename = "@time")]
    pub time: String,
    /// Present when the gate failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Problem>,
    /// Present when the stage could not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
    /// Present when the stage did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Skipped>,
}

/// `<failure>` / `<error>`.
#[derive(Debug, Serialize)]
pub struct Problem {
    /// One line.
    #[serde(rename = "@message")]
    pub message: String,
    /// `gate` or the error kind.
    #[serde(rename = "@type")]
    pub kind: String,
    /// The details (blocking findings, one per line).
    #[serde(rename = "$text")]
    pub details: String,
}

/// `<skipped>`.
#[derive(Debug, Serialize)]
pub struct Skipped {
    /// Why.
    #[serde(rename = "@message")]
    pub message: String,
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

fn case(stage: &StageRecord) -> TestCase {
    let mut case = TestCase {
        name: format!("{} gate", stage.name),
        classname: format!("secchain.{}", stage.kind),
        time: seconds(stage.duration_ms),
        failure: None,
        error: None,
        skipped: None,
    };
    match stage.outcome {
        Outcome::Passed => {}
        Outcome::GateFailed => {
            let details = stage
                .blocking_findings
                .iter()
                .map(|f| {
                    format!(
                        "{} [{}] {}{}",
                        f.rule,
                        f.severity,
                        f.message,
                        f.location
                            .as_ref()
                            .map(|l| format!(" ({l})"))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            case.failure = Some(Problem {
                message: stage.summary.clone(),
                kind: "gate".into(),
                details,
            });
        }
        Outcome::Error | Outcome::Cancelled => {
            case.error = Some(Problem {
                message: stage
                    .reason
                    .clone()
                    .unwrap_or_else(|| stage.summary.clone()),
                kind: stage.error_kind.unwrap_or("cancelled").to_string(),
                details: String::new(),
            });
        }
        Outcome::Skipped => {
            case.skipped = Some(Skipped {
                message: stage.reason.clone().unwrap_or_default(),
            })
        }
    }
    case
}

/// The run as JUnit XML.
pub fn render(report: &RunReport) -> String {
    let cases: Vec<TestCase> = report.stages.iter().map(case).collect();
    let count = |f: fn(&TestCase) -> bool| cases.iter().filter(|c| f(c)).count();
    let (failures, errors, skipped) = (
        count(|c| c.failure.is_some()),
        count(|c| c.error.is_some()),
        count(|c| c.skipped.is_some()),
    );
    let suite = TestSuite {
        name: report.pipeline.path.clone(),
        tests: cases.len(),
        failures,
        errors,
        skipped,
        time: seconds(report.duration_ms),
        timestamp: report.started_at.clone(),
        testcase: cases,
    };
    let suites = TestSuites {
        name: "secchain".into(),
        tests: suite.tests,
        failures,
        errors,
        skipped,
        time: suite.time.clone(),
        testsuite: vec![suite],
    };
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut serializer = quick_xml::se::Serializer::new(&mut xml);
    serializer.indent(' ', 2);
    // Serialising plain structs of strings and numbers cannot fail.
    let _ = suites.serialize(serializer);
    xml.push('\n');
    xml
}
