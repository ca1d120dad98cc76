//! The `lint` pipeline stage.
//!
//! ```yaml
//! dockerfile: Dockerfile
//! stages:
//!   - kind: lint
//!     with:
//!       ignored: [DL3008]                  # same keys as .secchain/lint.yaml
//!       trusted_registries: [docker.io, ghcr.io]
//!       severity: {SEC001: error}
//!       files: [Dockerfile, tools/Dockerfile]  # default: the pipeline's dockerfile
//!     gate:
//!       fail_on: warning                   # error (default), warning, info, style or none
//! ```
//!
//! Configuration is layered: `.hadolint.yaml`, then `.secchain/lint.yaml`
//! (both looked up in the pipeline file's directory), then `with.config`,
//! then `with:` itself, then `gate:`. The stage writes `lint.sarif`
//! (SARIF 2.1.0), `lint.json` and `lint.gitlab.json` (GitLab Code
//! Quality) into its output directory.

use crate::config::{Gate, LintConfig, Override, Threshold};
use crate::output;
use crate::report::LintReport;
use crate::severity::Severity;
use async_trait::async_trait;
use secchain_pipeline::{
    count, parse_section, ConfigProblem, Finding, Stage, StageConfig, StageContext, StageError,
    StageReport,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The stage's `with:` section.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "LintWith")]
pub struct LintWith {
    /// Dockerfiles to lint (relative to the pipeline file); default: the
    /// pipeline's `dockerfile:`.
    pub files: Vec<PathBuf>,
    /// An extra configuration file (same schema as `.secchain/lint.yaml`).
    pub config: Option<PathBuf>,
    /// Rule ids not to report.
    pub ignored: Vec<String>,
    /// Off-by-default rules to run.
    pub enable: Vec<String>,
    /// hadolint-style severity overrides.
    #[serde(rename = "override")]
    pub overrides: Override,
    /// Per-rule severity (`off` disables).
    #[serde(deserialize_with = "crate::config::severity_map")]
    #[schemars(schema_with = "crate::config::severity_map_schema")]
    pub severity: BTreeMap<String, String>,
    /// Trusted registries for DL3026.
    #[serde(alias = "trustedRegistries")]
    pub trusted_registries: Vec<String>,
    /// Build arguments for `ARG` expansion in `FROM`.
    pub build_args: BTreeMap<String, String>,
    /// Build context directory (for `.dockerignore`).
    pub context: Option<PathBuf>,
    /// Ignore inline ignore comments.
    pub disable_ignore_pragma: bool,
}

impl LintWith {
    fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let valid_id = |id: &str| {
            crate::rules::rule(id).is_some()
                || (id.len() > 2
                    && id[..2].eq_ignore_ascii_case("SC")
                    && id[2..].chars().all(|c| c.is_ascii_digit()))
        };
        for (field, ids) in [("ignored", &self.ignored), ("enable", &self.enable)] {
            for id in ids {
                if !valid_id(id) {
                    out.push(
                        ConfigProblem::at(&format!("with.{field}"), format!("unknown rule `{id}`"))
                            .hint("run `secchain lint --list-rules` for the rule ids"),
                    );
                }
            }
        }
        for (id, sev) in &self.severity {
            if !valid_id(id) {
                out.push(ConfigProblem::at(
                    "with.severity",
                    format!("unknown rule `{id}`"),
                ));
            }
            if Severity::parse(sev).is_none()
                && !matches!(sev.to_ascii_lowercase().as_str(), "off" | "none" | "ignore")
            {
                out.push(
                    ConfigProblem::at(
                        &format!("with.severity.{id}"),
                        format!("unknown severity `{sev}`"),
                    )
                    .hint("use error, warning, info, style or off"),
                );
            }
        }
        out
    }

    fn into_config(self, base_dir: &Path) -> Result<LintConfig, StageError> {
        let mut cfg =
            LintConfig::discover(base_dir).map_err(|e| StageError::Config(e.to_string()))?;
        if let Some(p) = &self.config {
            cfg.merge(
                LintConfig::load(&base_dir.join(p))
                    .map_err(|e| StageError::Config(e.to_string()))?,
            );
        }
        cfg.merge(LintConfig {
            ignored: self.ignored,
            enable: self.enable,
            overrides: self.overrides,
            severity: self.severity,
            trusted_registries: self.trusted_registries,
            build_args: self.build_args,
            context: self.context.map(|c| base_dir.join(c)),
            disable_ignore_pragma: self.disable_ignore_pragma,
            ..LintConfig::default()
        });
        Ok(cfg)
    }
}

fn rank(t: Threshold) -> u8 {
    match t {
        Threshold::Never => 0,
        Threshold::At(Severity::Error) => 1,
        Threshold::At(Severity::Warning) => 2,
        Threshold::At(Severity::Info) => 3,
        Threshold::At(Severity::Style) => 4,
    }
}

fn name(t: Threshold) -> String {
    match t {
        Threshold::Never => "none".into(),
        Threshold::At(s) => s.to_string(),
    }
}

/// The `lint` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct LintStage;

#[async_trait]
impl Stage for LintStage {
    fn kind(&self) -> &'static str {
        "lint"
    }

    fn summary(&self) -> &'static str {
        "lints the Dockerfile: hadolint-compatible DL rules plus secchain's SEC security rules; writes SARIF, JSON and GitLab Code Quality"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<LintWith, Gate>(
            generator,
        ))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<LintWith>("with", config.with) {
            Ok(w) => problems.extend(w.problems()),
            Err(p) => problems.push(p),
        }
        if let Err(p) = parse_section::<Gate>("gate", config.gate) {
            problems.push(p);
        }
        problems
    }

    fn gate_weakening(
        &self,
        base: &serde_json::Value,
        candidate: &serde_json::Value,
    ) -> Option<String> {
        let parse = |v| parse_section::<Gate>("gate", v).ok();
        let (base, candidate) = (parse(base)?, parse(candidate)?);
        let default = Threshold::At(Severity::Error);
        let (b, c) = (
            base.fail_on.unwrap_or(default),
            candidate.fail_on.unwrap_or(default),
        );
        (rank(c) < rank(b)).then(|| format!("it fails on {} instead of {}", name(c), name(b)))
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let with: LintWith =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let gate: Gate =
            parse_section("gate", &ctx.gate).map_err(|p| StageError::Config(p.message))?;
        let base_dir = ctx.run.base_dir.clone();
        let mut files: Vec<PathBuf> = with.files.iter().map(|f| base_dir.join(f)).collect();
        if files.is_empty() {
            match &ctx.run.dockerfile {
                Some(d) => files.push(d.clone()),
                None => {
                    return Ok(StageReport {
                        summary: "skipped: the pipeline has no dockerfile".into(),
                        skipped: Some(
                            "no `dockerfile:` in the pipeline and no `with.files`".into(),
                        ),
                        ..StageReport::default()
                    })
                }
            }
        }
        let mut cfg = with.into_config(&base_dir)?;
        if gate.fail_on.is_some() {
            cfg.gate = gate;
        }
        let report = lint_paths(&files, &cfg, &base_dir)?;
        let mut outputs = Vec::new();
        for (file, media, text) in [
            (
                "lint.sarif",
                "application/sarif+json",
                output::sarif::render(&report),
            ),
            (
                "lint.json",
                "application/json",
                output::json::render(&report),
            ),
            (
                "lint.gitlab.json",
                "application/json",
                output::gitlab::render(&report),
            ),
        ] {
            let text = ctx.redactor.redact(&text);
            outputs.push(ctx.write_output(file, media, text.as_bytes())?);
        }
        let threshold = report.threshold;
        let findings: Vec<Finding> = report
            .findings()
            .map(|f| Finding {
                rule: f.rule.clone(),
                severity: f.severity.to_string(),
                message: ctx.redactor.redact(&f.message),
                location: Some(format!(
                    "{}:{}:{}",
                    f.file, f.region.start_line, f.region.start_column
                )),
                blocking: matches!(threshold, Threshold::At(t) if f.severity >= t),
                suppressed_by: None,
            })
            .collect();
        let s = report.summary();
        let blocking = findings.iter().filter(|f| f.blocking).count();
        Ok(StageReport {
            summary: format!(
                "{} ({} error, {} warning, {} info, {} style), {blocking} blocking",
                count(findings.len(), "finding", "findings"),
                s.error,
                s.warning,
                s.info,
                s.style
            ),
            findings,
            outputs,
            data: serde_json::json!({
                "files": report.files.iter().map(|f| f.file.clone()).collect::<Vec<_>>(),
                "summary": s,
                "threshold": name(threshold),
                "passed": report.passed(),
            }),
            ..StageReport::default()
        })
    }
}

/// Lints several files into one report; paths are shown relative to
/// `base_dir` when they are below it.
pub fn lint_paths(
    files: &[PathBuf],
    cfg: &LintConfig,
    base_dir: &Path,
) -> Result<LintReport, StageError> {
    let mut report = LintReport {
        files: Vec::new(),
        threshold: cfg.threshold(),
    };
    for path in files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| StageError::io(format!("reading {}", path.display()), e))?;
        let shown = path
            .strip_prefix(base_dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let mut cfg = cfg.clone();
        if cfg.context.is_none() {
            cfg.context = path.parent().map(Path::to_path_buf);
        }
        report.extend(crate::lint_source(&shown, &text, &cfg));
    }
    Ok(report)
}
