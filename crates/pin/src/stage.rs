//! The `pin` stage.
//!
//! ```yaml
//! - kind: pin
//!   with:
//!     mode: check                       # pin (default) | check | update
//!     files: [k8s/deploy.yaml, compose.yaml, .github/workflows/ci.yml]
//!     build_args: {BASE: debian:12}
//!     trusted_registries: [docker.io/library, ghcr.io/acme]
//!     deny_tags: [latest]
//!     allow_unpinned: [{image: ghcr.io/acme/dev-tools, reason: "tracks nightly on purpose"}]
//!   gate:
//!     fail_on: [unpinned, drift, untrusted-registry, denied-tag]   # default: all
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use async_trait::async_trait;
use secchain_oci::OpenOptions;
use secchain_pipeline::{
    count, parse_section, ConfigProblem, Finding, Stage, StageConfig, StageContext, StageError,
    StageReport,
};

use crate::options::{Mode, PinGate, PinOptions, RULES};
use crate::plan::plan;
use crate::resolve::Resolver;
use crate::targets::{find_targets, Target};
use crate::write::{unified_diff, write_all};

/// The `pin` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct PinStage;

#[async_trait]
impl Stage for PinStage {
    fn kind(&self) -> &'static str {
        "pin"
    }

    fn summary(&self) -> &'static str {
        "pins base images and other image references to registry digests; detects moved tags"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<PinOptions, PinGate>(
            generator,
        ))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<PinOptions>("with", config.with) {
            Ok(opts) => {
                if config.dockerfile.is_none() && opts.files.is_empty() {
                    problems.push(
                        ConfigProblem::at("", "the pin stage has nothing to pin: the pipeline has no `dockerfile:` and `with.files` is empty")
                            .hint("set `dockerfile:` or list files in `with.files`"),
                    );
                }
                for f in &opts.files {
                    if !config.base_dir.join(f).is_file() {
                        problems.push(
                            ConfigProblem::at("with.files", format!("`{f}` does not exist"))
                                .hint("paths are relative to the pipeline file"),
                        );
                    }
                }
            }
            Err(p) => problems.push(p),
        }
        match parse_section::<PinGate>("gate", config.gate) {
            Ok(gate) => {
                for r in gate.fail_on.iter().filter(|r| !RULES.contains(&r.as_str())) {
                    problems.push(
                        ConfigProblem::at("gate.fail_on", format!("unknown finding kind `{r}`"))
                            .hint(format!("one of: {}", RULES.join(", "))),
                    );
                }
            }
            Err(p) => problems.push(p),
        }
        problems
    }

    fn gate_weakening(
        &self,
        base: &serde_json::Value,
        candidate: &serde_json::Value,
    ) -> Option<String> {
        let base: PinGate = parse_section("gate", base).ok()?;
        let candidate: PinGate = parse_section("gate", candidate).ok()?;
        let dropped: Vec<&String> = base
            .fail_on
            .iter()
            .filter(|r| !candidate.fail_on.contains(r))
            .collect();
        (!dropped.is_empty()).then(|| format!("it no longer fails on {dropped:?}"))
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let opts: PinOptions =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let gate: PinGate =
            parse_section("gate", &ctx.gate).map_err(|p| StageError::Config(p.message))?;
        let files = files(&ctx, &opts);
        let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut targets: Vec<Target> = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file)
                .map_err(|e| StageError::Config(format!("cannot read {}: {e}", file.display())))?;
            let found = find_targets(file, &text, &opts.build_args)
                .map_err(|e| StageError::Config(format!("{}: {}", e.file.display(), e.message)))?;
            targets.extend(found);
            texts.insert(file.clone(), text);
        }
        let to_resolve: Vec<String> = targets
            .iter()
            .filter(|t| opts.mode != Mode::Pin || !t.reference.contains('@'))
            .map(|t| t.reference.clone())
            .collect();
        ctx.events.info(
            &ctx.name,
            format!("resolving {} reference(s)", to_resolve.len()),
        );
        let resolver = Resolver::new(OpenOptions {
            insecure_registries: opts.insecure_registries.clone(),
            ..OpenOptions::default()
        });
        let results = tokio::select! {
            r = resolver.resolve_all(&to_resolve) => r,
            () = ctx.cancel.cancelled() => return Err(StageError::Cancelled),
        };
        let mut failures = Vec::new();
        let mut resolutions = BTreeMap::new();
        for (reference, result) in results {
            match result {
                Ok(r) => {
                    resolutions.insert(reference, r);
                }
                Err(e) => {
                    for t in targets.iter().filter(|t| t.reference == reference) {
                        failures.push(format!(
                            "{}:{}: {}: {e}",
                            t.file.display(),
                            t.line,
                            t.written
                        ));
                    }
                }
            }
        }
        if !failures.is_empty() {
            return Err(StageError::Runtime(format!(
                "could not resolve {} reference(s); no file was changed:\n  {}",
                failures.len(),
                failures.join("\n  ")
            )));
        }
        let planned = plan(&targets, &resolutions, &opts);
        let mut report = StageReport::default();
        let mut changed: Vec<(PathBuf, String)> = Vec::new();
        let mut diff = String::new();
        for (file, edits) in &planned.edits {
            let old = &texts[file];
            let new = secchain_dockerfile::apply_edits(old, edits)
                .map_err(|e| StageError::Runtime(format!("{}: {e}", file.display())))?;
            diff.push_str(&unified_diff(
                file.strip_prefix(&ctx.run.base_dir).unwrap_or(file),
                old,
                &new,
            ));
            changed.push((file.clone(), new));
        }
        if ctx.run.dry_run {
            report.planned_actions = changed
                .iter()
                .map(|(f, _)| {
                    format!(
                        "rewrite {} ({} reference(s) pinned)",
                        f.display(),
                        planned.edits[f].len()
                    )
                })
                .collect();
        } else if !changed.is_empty() {
            write_all(&changed)
                .map_err(|e| StageError::io("rewriting files (none was changed)", e))?;
        }
        if !diff.is_empty() {
            report
                .outputs
                .push(ctx.write_output("pins.diff", "text/x-diff", diff.as_bytes())?);
        }
        let pins_json = serde_json::to_vec_pretty(&serde_json::json!({ "pins": planned.pins }))
            .unwrap_or_default();
        report
            .outputs
            .push(ctx.write_output("pins.json", "application/json", &pins_json)?);
        for f in &planned.findings {
            report.findings.push(Finding {
                rule: format!("pin:{}", f.rule),
                severity: "error".into(),
                message: f.message.clone(),
                location: Some(f.location.clone()),
                blocking: f.allowed_by.is_none() && gate.fail_on.iter().any(|r| r == f.rule),
                suppressed_by: f.allowed_by.clone(),
            });
        }
        let pinned_now: usize = planned.edits.values().map(Vec::len).sum();
        let verb = if ctx.run.dry_run {
            "would pin"
        } else {
            "pinned"
        };
        report.summary = format!(
            "{} in {}; {verb} {pinned_now}; {}",
            count(planned.pins.len(), "reference", "references"),
            count(files.len(), "file", "files"),
            count(report.findings.len(), "finding", "findings")
        );
        report.data = serde_json::json!({ "pins": planned.pins });
        Ok(report)
    }
}

fn files(ctx: &StageContext, opts: &PinOptions) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ctx.run.dockerfile.iter().cloned().collect();
    for f in &opts.files {
        let path = ctx.run.base_dir.join(f);
        if !files.contains(&path) {
            files.push(path);
        }
    }
    files
}
