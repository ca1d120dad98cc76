//! The `Stage` trait: the only thing the engine knows about a stage.
//!
//! A stage crate implements [`Stage`] and the binary registers it in a
//! [`crate::StageRegistry`]. The engine asks a stage to check its `with:` and `gate:`
//! sections before anything runs, to judge whether a repository's gate weakens a
//! locked base gate, and finally to run with a [`StageContext`]. The stage returns a
//! [`StageReport`]: findings (each marked blocking or not by the stage's own gate),
//! the files it wrote, and what it would have changed in a dry run. Stages never print;
//! they report progress through [`StageContext::events`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::events::EventSink;
use crate::facts::SharedFacts;
use crate::node::PathSeg;
use crate::output::{self, OutputRecord};
use crate::redact::Redactor;
use crate::report::StageRecord;

/// A pipeline stage kind (lint, scan, exec, …).
#[async_trait]
pub trait Stage: Send + Sync {
    /// The `kind:` that selects this stage in a pipeline file.
    fn kind(&self) -> &'static str;

    /// One line saying what the stage does (for `secchain stages` and docs).
    fn summary(&self) -> &'static str;

    /// Checks the stage's `with:` and `gate:` sections (`Null` when absent) before anything runs.
    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem>;

    /// Why `candidate` is weaker than a locked `base` gate, or `None` if it is as strict or stricter.
    ///
    /// The default treats any change as weakening; stages that know their gate's order
    /// override it so a repository may still tighten a locked gate.
    fn gate_weakening(
        &self,
        base: &serde_json::Value,
        candidate: &serde_json::Value,
    ) -> Option<String> {
        (base != candidate).then(|| "a locked gate cannot be changed".to_string())
    }

    /// Whether the stage records the whole run and so starts only after every other
    /// stage has finished (provenance), whatever its `needs:` says.
    fn runs_last(&self) -> bool {
        false
    }

    /// The schemas of the stage's `with:` and `gate:` sections, for the pipeline file's
    /// JSON Schema; `None` leaves them unchecked by editors.
    fn config_schema(
        &self,
        _generator: &mut schemars::SchemaGenerator,
    ) -> Option<crate::schema::StageSchema> {
        None
    }

    /// What each rule and gate option of this stage means, for `secchain explain-rule`
    /// and `secchain docs`.
    fn rule_docs(&self) -> Vec<crate::docs::RuleDoc> {
        Vec::new()
    }

    /// Called for every enabled stage before any stage runs, with the context the stage
    /// will run with. A stage that reads the image registers here what it wants done in
    /// the run's single pass over the layers (see `secchain-image`), so that pass happens
    /// once whichever stage opens the image first. Must be quick and must not fail: a
    /// configuration error is reported by [`Stage::check_config`] and [`Stage::run`].
    fn prepare(&self, ctx: &StageContext) {
        let _ = ctx;
    }

    /// Runs the stage.
    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError>;
}

/// What a stage's configuration check sees.
#[derive(Clone, Copy, Debug)]
pub struct StageConfig<'a> {
    /// The stage's name.
    pub name: &'a str,
    /// `with:` (`Null` when absent).
    pub with: &'a serde_json::Value,
    /// `gate:` (`Null` when absent).
    pub gate: &'a serde_json::Value,
    /// The pipeline's `image:`.
    pub image: Option<&'a str>,
    /// The pipeline's `dockerfile:`, resolved against the pipeline file's directory.
    pub dockerfile: Option<&'a Path>,
    /// The directory relative paths in the pipeline are resolved against.
    pub base_dir: &'a Path,
}

/// A problem in a stage's configuration, located by a path below the stage entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Path from the stage entry, e.g. `[Key("with"), Key("severity")]`.
    pub path: Vec<PathSeg>,
    /// When set, the problem is about this key of the mapping at `path` (e.g. an unknown key).
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl ConfigProblem {
    /// A problem at `path` (keys separated by `.`, e.g. `"with.severity"`).
    pub fn at(path: &str, message: impl Into<String>) -> Self {
        ConfigProblem {
            path: path
                .split('.')
                .filter(|s| !s.is_empty())
                .map(|s| PathSeg::Key(s.to_string()))
                .collect(),
            key: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Turns serde's error for a stage section into a located problem: unknown fields
    /// point at the key and suggest the closest known one.
    pub fn from_serde(section: &str, err: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        let mut path: Vec<PathSeg> = vec![PathSeg::Key(section.to_string())];
        for seg in err.path().iter() {
            match seg {
                serde_path_to_error::Segment::Map { key } => path.push(PathSeg::Key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => path.push(PathSeg::Index(*index)),
                _ => {}
            }
        }
        let inner = err.inner().to_string();
        let message = inner
            .split(" at line ")
            .next()
            .unwrap_or(&inner)
            .to_string();
        let unknown = crate::load::parse_unknown_field(&message);
        let mut problem = ConfigProblem {
            key: unknown.as_ref().map(|(k, _)| k.clone()),
            path,
            message: message.clone(),
            hint: None,
        };
        if let Some((key, expected)) = unknown {
            // serde's path ends at the unknown key itself; point at the key in its mapping.
            if problem.path.last() == Some(&PathSeg::Key(key.clone())) {
                problem.path.pop();
            }
            problem.message = format!("unknown key `{key}` in `{section}`");
            problem.hint = Some(
                match crate::diag::did_you_mean(&key, expected.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("expected one of: {}", expected.join(", ")),
                },
            );
        }
        problem
    }
}

/// Deserialises a stage section (`with` or `gate`), `Null` meaning "all defaults".
pub fn parse_section<T: serde::de::DeserializeOwned + Default>(
    section: &str,
    value: &serde_json::Value,
) -> Result<T, ConfigProblem> {
    if value.is_null() {
        return Ok(T::default());
    }
    serde_path_to_error::deserialize(value).map_err(|e| ConfigProblem::from_serde(section, &e))
}

/// Everything a running stage may use.
#[derive(Clone)]
pub struct StageContext {
    /// The stage's name.
    pub name: String,
    /// `with:` (`Null` when absent).
    pub with: serde_json::Value,
    /// `gate:` (`Null` when absent).
    pub gate: serde_json::Value,
    /// Facts about the run shared by every stage.
    pub run: Arc<RunInfo>,
    /// This stage's own output directory (`<out>/<stage name>/`).
    pub out_dir: PathBuf,
    /// Values computed once per run and shared between stages (image, inventory, …).
    pub facts: SharedFacts,
    /// Records of the stages this one needs, and of every stage finished before it started.
    pub finished: Arc<Vec<StageRecord>>,
    /// Progress and log events.
    pub events: EventSink,
    /// Cancelled when the run is interrupted; long operations should stop promptly.
    pub cancel: CancellationToken,
    /// Masks secrets in anything the stage logs or writes.
    pub redactor: Redactor,
}

impl StageContext {
    /// A context for running one stage on its own, outside a pipeline run (library
    /// use and tests): outputs under `run.out_root/<name>/`, fresh shared facts, no
    /// finished stages, events discarded, nothing to redact, never cancelled.
    pub fn detached(name: &str, run: RunInfo) -> Self {
        StageContext {
            name: name.to_string(),
            with: serde_json::Value::Null,
            gate: serde_json::Value::Null,
            out_dir: run.out_root.join(name),
            run: Arc::new(run),
            facts: SharedFacts::default(),
            finished: Arc::new(Vec::new()),
            events: EventSink::discard(),
            cancel: CancellationToken::new(),
            redactor: Redactor::default(),
        }
    }

    /// Writes an output file atomically into the stage's output directory and records its digest.
    pub fn write_output(
        &self,
        file_name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<OutputRecord, StageError> {
        let path = self.out_dir.join(file_name);
        output::write_atomic(&path, bytes)
            .map_err(|e| StageError::io(format!("writing {}", path.display()), e))?;
        Ok(OutputRecord::new(
            &self.run.out_root,
            &path,
            media_type,
            bytes,
        ))
    }

    /// Records a file that something else (for example an `exec` command) wrote.
    pub fn record_output(&self, path: &Path, media_type: &str) -> Result<OutputRecord, StageError> {
        let bytes = std::fs::read(path)
            .map_err(|e| StageError::io(format!("reading {}", path.display()), e))?;
        Ok(OutputRecord::new(
            &self.run.out_root,
            path,
            media_type,
            &bytes,
        ))
    }
}

/// Facts about the whole run, the same for every stage.
#[derive(Clone, Debug, Default)]
pub struct RunInfo {
    /// The image the pipeline is about, as written (after interpolation).
    pub image: Option<String>,
    /// The Dockerfile, resolved against `base_dir`.
    pub dockerfile: Option<PathBuf>,
    /// The requested platform, if any.
    pub platform: Option<String>,
    /// The directory of the pipeline file; relative paths resolve against it.
    pub base_dir: PathBuf,
    /// The root output directory (`--out`).
    pub out_root: PathBuf,
    /// The pipeline file as given.
    pub pipeline_path: String,
    /// `sha256:…` of the effective pipeline.
    pub pipeline_digest: String,
    /// The base pipelines it extends, with the digests of their text.
    pub extends: Vec<crate::report::SourceRef>,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// secchain's version.
    pub version: String,
    /// The effective pipeline after `extends:`, as JSON.
    pub effective_pipeline: serde_json::Value,
    /// Nothing outside `--out` may change.
    pub dry_run: bool,
    /// The image's manifest digest, set by the first stage that resolves it.
    pub subject_digest: std::sync::OnceLock<String>,
}

/// What a stage produced.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StageReport {
    /// One line for the summary table ("12 findings, 0 blocking").
    pub summary: String,
    /// Everything the stage found; `blocking` ones fail the gate.
    pub findings: Vec<Finding>,
    /// Files written, with digests.
    pub outputs: Vec<OutputRecord>,
    /// In a dry run: what would have changed outside `--out`.
    pub planned_actions: Vec<String>,
    /// Set when the stage decided not to run (e.g. lint without a Dockerfile).
    pub skipped: Option<String>,
    /// Stage-specific facts for later stages and the report (digests, counts).
    pub data: serde_json::Value,
}

/// One finding of a stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Rule or advisory id (`DL3008`, `CVE-2024-1234`, `exec:exit-status`).
    pub rule: String,
    /// Severity in the stage's own scale.
    pub severity: String,
    /// What was found.
    pub message: String,
    /// Where (a file:line, a package, a layer path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Whether the stage's gate counts this finding as a failure.
    pub blocking: bool,
    /// The ignore rule or VEX statement that suppressed it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
}

/// Why a stage could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// The stage kind exists in the pipeline format but is not built yet.
    #[error(
        "the `{kind}` stage is not implemented yet (tracked in issue #{issue}); it cannot pass"
    )]
    NotImplemented {
        /// The stage kind.
        kind: String,
        /// The issue that will implement it.
        issue: u32,
    },
    /// The configuration is wrong in a way only visible at run time.
    #[error("{0}")]
    Config(String),
    /// Registry, network, subprocess or I/O failure.
    #[error("{0}")]
    Runtime(String),
    /// The run was interrupted.
    #[error("cancelled")]
    Cancelled,
}

impl StageError {
    /// A runtime error from an I/O error with context.
    pub fn io(context: impl std::fmt::Display, err: std::io::Error) -> Self {
        StageError::Runtime(format!("{context}: {err}"))
    }
}
