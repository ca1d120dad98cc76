//! The `runtime-rules` stage: profile the image, write `falco-rules.yaml` (and
//! optionally `tetragon-policy.yaml`), report the profile's risks.
//!
//! The image comes from the run's shared facts as an [`ImageProfileInput`](crate::input::ImageProfileInput)
//! ([`crate::image_input`] builds it from the subject image and its package
//! inventory once per run, unless a caller put one there). Outputs:
//! - `falco-rules.yaml`: the rules file;
//! - `image-profile.json`: the profile the rules were generated from;
//! - `tetragon-policy.yaml`: with `tetragon: true`.
//!
//! Findings (non-blocking unless `gate.forbid` names them): a shell, package
//! manager, compiler or network tool in the image, a root user, setuid executables,
//! and image values that could not be written safely into the rules.

use async_trait::async_trait;
use secchain_pipeline::{
    count, parse_section, ConfigProblem, Finding, Stage, StageConfig, StageContext, StageError,
    StageReport,
};

use crate::generate::generate;
use crate::options::{Risk, RuntimeRulesGate, RuntimeRulesOptions};
use crate::profile::{profile, ImageProfile};

/// The rules file's name in the stage's output directory.
pub const RULES_FILE: &str = "falco-rules.yaml";
/// The profile's file name.
pub const PROFILE_FILE: &str = "image-profile.json";
/// The Tetragon policy's file name.
pub const TETRAGON_FILE: &str = "tetragon-policy.yaml";

/// The `runtime-rules` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuntimeRulesStage;

#[async_trait]
impl Stage for RuntimeRulesStage {
    fn kind(&self) -> &'static str {
        "runtime-rules"
    }

    fn summary(&self) -> &'static str {
        "generates Falco rules (and optionally a Tetragon policy) that alert on whatever the image is not expected to do"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<
            RuntimeRulesOptions,
            RuntimeRulesGate,
        >(generator))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<RuntimeRulesOptions>("with", config.with) {
            Ok(opts) => problems.extend(opts.problems()),
            Err(p) => problems.push(p),
        }
        if let Err(p) = parse_section::<RuntimeRulesGate>("gate", config.gate) {
            problems.push(p);
        }
        problems
    }

    fn gate_weakening(
        &self,
        base: &serde_json::Value,
        candidate: &serde_json::Value,
    ) -> Option<String> {
        let parse = |v| parse_section::<RuntimeRulesGate>("gate", v).ok();
        let (base, candidate) = (parse(base)?, parse(candidate)?);
        let dropped: Vec<String> = base
            .forbid
            .difference(&candidate.forbid)
            .map(|r| format!("{r:?}"))
            .collect();
        (!dropped.is_empty()).then(|| format!("it no longer forbids {}", dropped.join(", ")))
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let opts: RuntimeRulesOptions =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let gate: RuntimeRulesGate =
            parse_section("gate", &ctx.gate).map_err(|p| StageError::Config(p.message))?;
        if ctx.cancel.is_cancelled() {
            return Err(StageError::Cancelled);
        }
        let shared = crate::image_input::image_profile_input(&ctx).await?;
        let mut input = (*shared).clone();
        if let Some(repository) = &opts.repository {
            input.repository = repository.clone();
        }
        if input.repository.is_empty() {
            return Err(StageError::Config(format!(
                "`{}` is a local image, not a registry repository a cluster runs: set `with.repository` (e.g. registry.example.com/team/app) so the rules match it",
                ctx.run.image.as_deref().unwrap_or_default()
            )));
        }
        let prof = profile(&input);
        let generated = generate(&prof, &opts).map_err(|e| StageError::Runtime(e.to_string()))?;
        let yaml = generated
            .rules
            .render()
            .map_err(|e| StageError::Runtime(format!("rendering the Falco rules: {e}")))?;

        let mut report = StageReport::default();
        report
            .outputs
            .push(ctx.write_output(RULES_FILE, "application/yaml", yaml.as_bytes())?);
        let profile_json = serde_json::to_vec_pretty(&prof)
            .map_err(|e| StageError::Runtime(format!("serialising the profile: {e}")))?;
        report
            .outputs
            .push(ctx.write_output(PROFILE_FILE, "application/json", &profile_json)?);

        if opts.tetragon {
            match &generated.tetragon {
                Some(policy) => {
                    let text = policy.render().map_err(|e| {
                        StageError::Runtime(format!("rendering the Tetragon policy: {e}"))
                    })?;
                    report.outputs.push(ctx.write_output(
                        TETRAGON_FILE,
                        "application/yaml",
                        text.as_bytes(),
                    )?);
                }
                None => report.findings.push(finding(
                    "runtime-rules:tetragon",
                    "warning",
                    "no Tetragon policy written: no executable of the image is known to be \
                     expected, so the allow-list would kill the entrypoint"
                        .into(),
                    None,
                    false,
                )),
            }
        }

        report.findings.extend(risk_findings(&prof, &gate));
        for s in &generated.skipped {
            report.findings.push(finding(
                Risk::SkippedValues.finding_rule(),
                "warning",
                format!("{:?} left out of {}: {}", s.value, s.list, s.reason),
                None,
                gate.forbid.contains(&Risk::SkippedValues),
            ));
        }
        for note in &prof.notes {
            report.findings.push(finding(
                "runtime-rules:profile",
                "info",
                note.clone(),
                None,
                false,
            ));
        }
        for w in &report.findings {
            if w.severity == "warning" {
                ctx.events.warn(&ctx.name, &w.message);
            }
        }

        let blocking = report.findings.iter().filter(|f| f.blocking).count();
        report.summary = format!(
            "{} Falco rules for {} ({}{}){}",
            generated.summary.len(),
            prof.repository,
            if prof.has_shell() {
                "shell"
            } else {
                "no shell"
            },
            if opts.self_contained {
                ", self-contained"
            } else {
                ""
            },
            if blocking > 0 {
                format!(
                    "; {}",
                    count(blocking, "blocking finding", "blocking findings")
                )
            } else {
                String::new()
            }
        );
        report.data = serde_json::json!({
            "rules": generated.summary,
            "relies_on_falco_defaults": generated.relies_on_defaults,
            "self_contained": opts.self_contained,
            "expected_executables": prof.expected_executables,
            "shells": prof.shells,
            "package_managers": prof.package_managers,
            "writable_dirs": prof.writable_dirs,
            "skipped_values": generated.skipped,
            "tetragon": generated.tetragon.is_some(),
        });
        Ok(report)
    }
}

fn finding(
    rule: &str,
    severity: &str,
    message: String,
    location: Option<String>,
    blocking: bool,
) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity: severity.to_string(),
        message,
        location,
        blocking,
        suppressed_by: None,
    }
}

/// One finding per risk the profile shows, blocking when the gate forbids it.
fn risk_findings(p: &ImageProfile, gate: &RuntimeRulesGate) -> Vec<Finding> {
    let list =
        |s: &std::collections::BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    let risks = [
        (
            Risk::Shell,
            !p.shells.is_empty(),
            format!("the image contains shells: {}", list(&p.shells)),
        ),
        (
            Risk::PackageManager,
            !p.package_managers.is_empty(),
            format!(
                "the image contains package managers: {}",
                list(&p.package_managers)
            ),
        ),
        (
            Risk::Compiler,
            !p.compilers.is_empty(),
            format!(
                "the image contains compilers or build tools: {}",
                list(&p.compilers)
            ),
        ),
        (
            Risk::NetworkTool,
            !p.network_tools.is_empty(),
            format!(
                "the image contains network tools: {}",
                list(&p.network_tools)
            ),
        ),
        (
            Risk::RootUser,
            p.user.is_root,
            "the image runs as root".to_string(),
        ),
        (
            Risk::Setuid,
            !p.setuid_executables.is_empty(),
            format!(
                "the image contains setuid/setgid executables: {}",
                list(&p.setuid_executables)
            ),
        ),
    ];
    risks
        .into_iter()
        .filter(|(_, present, _)| *present)
        .map(|(risk, _, message)| {
            let blocking = gate.forbid.contains(&risk);
            finding(
                risk.finding_rule(),
                if blocking { "error" } else { "info" },
                message,
                None,
                blocking,
            )
        })
        .collect()
}
