//! Running one stage on its own (`secchain sbom IMAGE`, `secchain lint FILE`, …).
//!
//! A standalone command builds a one-stage pipeline in memory and runs it through the
//! same engine as `secchain run`, so it validates, reports and exits the same way.

use std::path::{Path, PathBuf};

use secchain_pipeline::{load_text, LoadOptions, LoadedPipeline, ProcessEnv, RunReport};

use crate::cli::LogFormat;
use crate::{stages, CliError};

/// What a standalone stage command runs.
pub(crate) struct SingleStage<'a> {
    /// The stage kind.
    pub kind: &'a str,
    /// `image:`.
    pub image: Option<&'a str>,
    /// `dockerfile:`.
    pub dockerfile: Option<&'a Path>,
    /// `platform:`.
    pub platform: Option<&'a str>,
    /// The stage's `with:`.
    pub with: serde_json::Value,
    /// The stage's `gate:`.
    pub gate: serde_json::Value,
    /// The output directory.
    pub out: PathBuf,
    /// Change nothing outside `out`.
    pub dry_run: bool,
}

impl SingleStage<'_> {
    /// The in-memory pipeline (JSON is YAML).
    fn pipeline_text(&self) -> String {
        let mut stage = serde_json::json!({ "kind": self.kind });
        if !self.with.is_null() {
            stage["with"] = self.with.clone();
        }
        if !self.gate.is_null() {
            stage["gate"] = self.gate.clone();
        }
        let mut doc = serde_json::json!({ "version": 1, "stages": [stage] });
        if let Some(image) = self.image {
            doc["image"] = image.into();
        }
        if let Some(dockerfile) = self.dockerfile {
            doc["dockerfile"] = dockerfile.to_string_lossy().into_owned().into();
        }
        if let Some(platform) = self.platform {
            doc["platform"] = platform.into();
        }
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Validates and runs the stage; progress goes to stderr unless `quiet`.
    pub(crate) fn run(&self, quiet: bool) -> Result<(LoadedPipeline, RunReport), CliError> {
        let registry = stages::registry();
        let name = PathBuf::from(format!("<secchain {}>", self.kind));
        let opts = LoadOptions {
            registry: &registry,
            env: &ProcessEnv,
            fetch: None,
            check_files: true,
            image: None,
        };
        let loaded = load_text(&name, &self.pipeline_text(), &opts)
            .map_err(|e| CliError::Usage(e.render()))?;
        let report = super::run::execute_loaded(
            &loaded,
            &registry,
            &self.out,
            self.dry_run,
            quiet,
            LogFormat::Text,
            None,
            None,
        )?;
        Ok((loaded, report))
    }
}
