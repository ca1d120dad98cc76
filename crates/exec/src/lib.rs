//! The `exec` stage: a team's own command as a pipeline stage.
//!
//! ```yaml
//! - kind: exec
//!   name: unit-tests
//!   with:
//!     run: ["make", "test"]          # an argv list, or a string run by `sh -c`
//!     env: {REPORT: junit.xml}       # added to the inherited environment
//!     outputs: [junit.xml]           # files the command writes into $SECCHAIN_STAGE_OUT
//!     timeout_seconds: 600
//!   gate:
//!     exit_codes: [0]                # exit codes that pass (default: only 0)
//! ```
//!
//! The command runs in the pipeline file's directory with `SECCHAIN_STAGE_OUT` (this
//! stage's output directory), `SECCHAIN_OUT` and `SECCHAIN_IMAGE` set. Its output is
//! captured into `stdout.log` and `stderr.log` with secrets masked. Every declared
//! output must exist afterwards and is recorded with its sha256; a missing one is an
//! error. In a dry run the command is not run (it could change anything): the stage is
//! skipped and says what it would have run.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod config;
pub mod docs;

use std::process::Stdio;
use std::time::Duration;

use async_trait::async_trait;
use secchain_pipeline::{
    parse_section, ConfigProblem, Finding, Stage, StageConfig, StageContext, StageError,
    StageReport,
};
use tokio::process::Command;

pub use config::{Command as RunCommand, ExecGate, ExecOptions};

/// The `exec` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExecStage;

#[async_trait]
impl Stage for ExecStage {
    fn kind(&self) -> &'static str {
        "exec"
    }

    fn summary(&self) -> &'static str {
        "runs your own command; its exit code is the gate and its declared outputs are recorded"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<ExecOptions, ExecGate>(
            generator,
        ))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<ExecOptions>("with", config.with) {
            Ok(opts) => problems.extend(opts.problems()),
            Err(p) => problems.push(p),
        }
        if let Err(p) = parse_section::<ExecGate>("gate", config.gate) {
            problems.push(p);
        }
        problems
    }

    fn gate_weakening(
        &self,
        base: &serde_json::Value,
        candidate: &serde_json::Value,
    ) -> Option<String> {
        let parse = |v| parse_section::<ExecGate>("gate", v).ok();
        let (base, candidate) = (parse(base)?, parse(candidate)?);
        let extra: Vec<i32> = candidate
            .passing_codes()
            .into_iter()
            .filter(|c| !base.passing_codes().contains(c))
            .collect();
        (!extra.is_empty()).then(|| format!("it lets exit codes {extra:?} pass"))
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let opts: ExecOptions =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let gate: ExecGate =
            parse_section("gate", &ctx.gate).map_err(|p| StageError::Config(p.message))?;
        let shown = ctx.redactor.redact(&opts.run.display());
        if ctx.run.dry_run {
            return Ok(StageReport {
                summary: format!("not run in a dry run: `{shown}`"),
                skipped: Some("dry run: commands are not run, they could change anything".into()),
                planned_actions: vec![format!("run `{shown}`")],
                ..StageReport::default()
            });
        }
        std::fs::create_dir_all(&ctx.out_dir)
            .map_err(|e| StageError::io(format!("creating {}", ctx.out_dir.display()), e))?;
        let mut command = build_command(&opts, &ctx);
        ctx.events.info(&ctx.name, format!("running `{shown}`"));
        let child = command
            .spawn()
            .map_err(|e| StageError::Runtime(format!("cannot start `{shown}`: {e}")))?;
        let timeout = Duration::from_secs(opts.timeout_seconds.unwrap_or(3600));
        let output = tokio::select! {
            out = tokio::time::timeout(timeout, child.wait_with_output()) => match out {
                Ok(out) => out.map_err(|e| StageError::Runtime(format!("waiting for `{shown}`: {e}")))?,
                Err(_) => return Err(StageError::Runtime(format!("`{shown}` did not finish within {}s", timeout.as_secs()))),
            },
            () = ctx.cancel.cancelled() => return Err(StageError::Cancelled),
        };
        let mut report = StageReport::default();
        for (name, bytes) in [
            ("stdout.log", &output.stdout),
            ("stderr.log", &output.stderr),
        ] {
            let text = ctx.redactor.redact(&String::from_utf8_lossy(bytes));
            report
                .outputs
                .push(ctx.write_output(name, "text/plain", text.as_bytes())?);
        }
        for declared in &opts.outputs {
            let path = ctx.out_dir.join(declared);
            if !path.is_file() {
                return Err(StageError::Runtime(format!(
                    "`{shown}` did not write its declared output `{declared}` (expected at {})",
                    path.display()
                )));
            }
            report
                .outputs
                .push(ctx.record_output(&path, config::media_type_for(declared))?);
        }
        let code = output.status.code();
        let passed = code.is_some_and(|c| gate.passing_codes().contains(&c));
        let status = code.map_or_else(
            || "was killed by a signal".to_string(),
            |c| format!("exited with {c}"),
        );
        report.summary = format!("`{shown}` {status}");
        if !passed {
            report.findings.push(Finding {
                rule: "exec:exit-status".into(),
                severity: "error".into(),
                message: format!(
                    "`{shown}` {status}; passing exit codes: {:?}",
                    gate.passing_codes()
                ),
                location: None,
                blocking: true,
                suppressed_by: None,
            });
        }
        report.data = serde_json::json!({ "exit_code": code });
        Ok(report)
    }
}

fn build_command(opts: &ExecOptions, ctx: &StageContext) -> Command {
    let argv = opts.run.argv();
    let mut command = Command::new(&argv[0]);
    command
        .args(&argv[1..])
        .current_dir(&ctx.run.base_dir)
        .envs(&opts.env)
        .env("SECCHAIN_STAGE_OUT", &ctx.out_dir)
        .env("SECCHAIN_OUT", &ctx.run.out_root)
        .env(
            "SECCHAIN_IMAGE",
            ctx.run.image.as_deref().unwrap_or_default(),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}
