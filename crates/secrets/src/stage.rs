//! The `secrets` stage: secrets in every layer and in the config, and image hygiene.
//!
//! Its [`SecretVisitor`] rides the run's one pass over the subject image's layers
//! (registered in `prepare`; it walks them itself only if that pass has already
//! happened without it), then the stage scans the config,
//! runs the [`hygiene`](crate::hygiene) checks on the final filesystem, and writes
//! `secrets.json` (redacted) and `hygiene.json`. Secret findings at or above
//! `gate.fail_on` block, unless allow-listed; hygiene findings block when their rule is
//! in `gate.hygiene_fail_on`. Findings the user's allow-list suppressed stay in the
//! report (with `suppressed_by`); those of the built-in list only in `secrets.json`.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use secchain_image::{register_pass, subject, take_pass_result, Subject};
use secchain_oci::{Content, ErrorKind};
use secchain_pipeline::{
    count, parse_section, ConfigProblem, Finding, Stage, StageConfig, StageContext, StageError,
    StageReport,
};

use crate::config_scan::{mask, scan_config};
use crate::hygiene::{self, HygieneInput, HygieneOptions, HygieneReport};
use crate::options::{problems, weakening, SecretsGate, SecretsOptions};
use crate::report::{SecretFinding, SecretsDocument, SECRETS_SCHEMA};
use crate::scanner::{ScanOptions, Scanner};
use crate::visitor::{LayerScan, ScanFailed, SecretVisitor};

/// The `secrets` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct SecretsStage;

#[async_trait]
impl Stage for SecretsStage {
    fn kind(&self) -> &'static str {
        "secrets"
    }

    fn summary(&self) -> &'static str {
        "finds secrets in every layer (deleted files included) and the image config, and checks image hygiene"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<
            SecretsOptions,
            SecretsGate,
        >(generator))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let opts = parse_section::<SecretsOptions>("with", config.with);
        let gate = parse_section::<SecretsGate>("gate", config.gate);
        if let (Ok(o), Ok(g)) = (&opts, &gate) {
            out.extend(problems(o, g));
        }
        out.extend(opts.err());
        out.extend(gate.err());
        if config.image.is_none() {
            out.push(
                ConfigProblem::at("", "the secrets stage needs the pipeline's `image:`")
                    .hint("set `image:` (or pass --image)"),
            );
        }
        out
    }

    fn gate_weakening(
        &self,
        base: &serde_json::Value,
        candidate: &serde_json::Value,
    ) -> Option<String> {
        let parse = |v| parse_section::<SecretsGate>("gate", v).ok();
        match (parse(base), parse(candidate)) {
            (Some(b), Some(c)) => weakening(&b, &c),
            _ => (base != candidate).then(|| "a locked gate cannot be changed".to_string()),
        }
    }

    fn prepare(&self, ctx: &StageContext) {
        // Ride the run's one pass over the layers; a bad `with:` is reported by `run`.
        if let Ok(opts) = parse_section::<SecretsOptions>("with", &ctx.with) {
            let visitor = SecretVisitor::new(scanner_for(&opts), threaded());
            register_pass(ctx, Box::new(visitor));
        }
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let opts: SecretsOptions =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let gate: SecretsGate =
            parse_section("gate", &ctx.gate).map_err(|p| StageError::Config(p.message))?;
        let subject = subject(&ctx).await?;
        let scanner = scanner_for(&opts);
        let mut scan = match take_pass_result::<Result<LayerScan, ScanFailed>>(&ctx, &subject) {
            Some(shared) => {
                ctx.events
                    .info(&ctx.name, "scanned in the run's one pass over the layers");
                shared.map_err(|e| StageError::Runtime(e.to_string()))?
            }
            None => {
                ctx.events.info(&ctx.name, "walking the layers again");
                walk(&ctx, &subject, &scanner).await?
            }
        };
        ctx.events.info(
            &ctx.name,
            format!(
                "scanned {} files ({} MiB); skipped {} binary, {} over the size limit",
                scan.stats.files_scanned,
                scan.stats.bytes_scanned >> 20,
                scan.stats.skipped_binary,
                scan.stats.skipped_large
            ),
        );
        let config = subject.image.config();
        let mut secrets: Vec<SecretFinding> = Vec::new();
        secrets.extend(
            std::mem::take(&mut scan.matches)
                .into_iter()
                .map(|m| SecretFinding::from_layer(m, &subject.view)),
        );
        secrets.extend(
            scan_config(&scanner, config, subject.image.layers())
                .into_iter()
                .map(SecretFinding::from_config),
        );
        let hygiene = opts
            .hygiene
            .then(|| run_hygiene(&ctx, &subject, &scan, &scanner, &opts));
        let mut report = StageReport::default();
        write_outputs(
            &ctx,
            &subject,
            &secrets,
            &scan,
            hygiene.as_ref(),
            &mut report,
        )?;
        report.findings = findings(&ctx, &gate, &secrets, hygiene.as_ref());
        report.summary = summary(&secrets, hygiene.as_ref(), &report.findings);
        report.data = data(&secrets, hygiene.as_ref(), &scan);
        Ok(report)
    }
}

fn scanner_for(opts: &SecretsOptions) -> Arc<Scanner> {
    Arc::new(Scanner::new(ScanOptions {
        max_file_size: opts.max_file_size,
        allow: opts.allow.clone(),
    }))
}

/// Scanning gets its own thread when there is a second core.
fn threaded() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// Walks every layer on its own, when the run's shared pass did not include the
/// scan (the image was opened before this stage registered).
async fn walk(
    ctx: &StageContext,
    subject: &Subject,
    scanner: &Arc<Scanner>,
) -> Result<LayerScan, StageError> {
    let visitor = Content(SecretVisitor::new(Arc::clone(scanner), threaded()));
    let walked = tokio::select! {
        r = subject.image.walk_layers(visitor) => r,
        () = ctx.cancel.cancelled() => return Err(StageError::Cancelled),
    };
    let Content(visitor) = walked.map_err(|e| {
        let message = format!("scanning the layers of {}: {e}", subject.reference);
        match e.kind() {
            ErrorKind::Usage => StageError::Config(message),
            _ => StageError::Runtime(message),
        }
    })?;
    tokio::task::spawn_blocking(move || visitor.finish())
        .await
        .map_err(|e| StageError::Runtime(format!("the secret scanner failed: {e}")))?
        .map_err(|e| StageError::Runtime(e.to_string()))
}

fn run_hygiene(
    ctx: &StageContext,
    subject: &Subject,
    scan: &LayerScan,
    scanner: &Scanner,
    opts: &SecretsOptions,
) -> HygieneReport {
    let dockerfile = ctx.run.dockerfile.as_ref().and_then(|p| {
        let text = std::fs::read_to_string(p).ok()?;
        let name = p
            .strip_prefix(&ctx.run.base_dir)
            .unwrap_or(p)
            .display()
            .to_string();
        Some((name, text))
    });
    let input = HygieneInput {
        config: subject.image.config(),
        view: &subject.view,
        layers: subject.image.layers(),
        layer_bytes: Some(&scan.layer_bytes),
        dockerfile: dockerfile.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
    };
    let options = HygieneOptions {
        max_image_size: opts.max_image_size,
    };
    hygiene::check(&input, &options, &|step| {
        ctx.redactor.redact(&mask(scanner, step))
    })
}

fn write_outputs(
    ctx: &StageContext,
    subject: &Subject,
    secrets: &[SecretFinding],
    scan: &LayerScan,
    hygiene: Option<&HygieneReport>,
    report: &mut StageReport,
) -> Result<(), StageError> {
    let doc = SecretsDocument {
        schema: SECRETS_SCHEMA,
        image: &subject.reference,
        digest: subject.digest(),
        findings: secrets
            .iter()
            .filter(|s| s.suppressed_by.is_none())
            .collect(),
        suppressed: secrets
            .iter()
            .filter(|s| s.suppressed_by.is_some())
            .collect(),
        stats: &scan.stats,
    };
    report
        .outputs
        .push(ctx.write_output("secrets.json", "application/json", &json(ctx, &doc)?)?);
    if let Some(h) = hygiene {
        report.outputs.push(ctx.write_output(
            "hygiene.json",
            "application/json",
            &json(ctx, h)?,
        )?);
    }
    Ok(())
}

/// Pretty JSON with a trailing newline, with the run's registered secrets masked too.
fn json<T: serde::Serialize>(ctx: &StageContext, value: &T) -> Result<Vec<u8>, StageError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| StageError::Runtime(format!("rendering JSON: {e}")))?;
    Ok((ctx.redactor.redact(&text) + "\n").into_bytes())
}

fn findings(
    ctx: &StageContext,
    gate: &SecretsGate,
    secrets: &[SecretFinding],
    hygiene: Option<&HygieneReport>,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = secrets
        .iter()
        .filter(|s| !s.builtin_suppressed())
        .map(|s| Finding {
            rule: s.rule.to_string(),
            severity: s.severity.to_string(),
            message: ctx.redactor.redact(&s.message()),
            location: Some(ctx.redactor.redact(&s.location())),
            blocking: s.suppressed_by.is_none() && gate.fail_on.blocks(s.severity),
            suppressed_by: s.suppressed_by.clone(),
        })
        .collect();
    let blocking = gate.hygiene_rules();
    out.extend(
        hygiene
            .into_iter()
            .flat_map(|h| &h.findings)
            .map(|h| Finding {
                rule: h.rule.to_string(),
                severity: h.severity.to_string(),
                message: ctx.redactor.redact(&h.message),
                location: h.files.first().map(|f| ctx.redactor.redact(f)),
                blocking: blocking.contains(h.rule),
                suppressed_by: None,
            }),
    );
    out
}

fn summary(
    secrets: &[SecretFinding],
    hygiene: Option<&HygieneReport>,
    findings: &[Finding],
) -> String {
    let active: Vec<&SecretFinding> = secrets
        .iter()
        .filter(|s| s.suppressed_by.is_none())
        .collect();
    let hidden = active.iter().filter(|s| !s.visible_in_final_image).count();
    let mut parts = vec![count(active.len(), "secret", "secrets")];
    if hidden > 0 {
        parts[0].push_str(&format!(" ({hidden} only in earlier layers)"));
    }
    if let Some(h) = hygiene {
        parts.push(count(
            h.findings.len(),
            "hygiene finding",
            "hygiene findings",
        ));
    }
    let suppressed = secrets.len() - active.len();
    if suppressed > 0 {
        parts.push(format!("{suppressed} allow-listed"));
    }
    parts.push(format!(
        "{} blocking",
        findings.iter().filter(|f| f.blocking).count()
    ));
    parts.join(", ")
}

fn data(
    secrets: &[SecretFinding],
    hygiene: Option<&HygieneReport>,
    scan: &LayerScan,
) -> serde_json::Value {
    let active: Vec<&SecretFinding> = secrets
        .iter()
        .filter(|s| s.suppressed_by.is_none())
        .collect();
    let mut by_severity: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &active {
        *by_severity.entry(s.severity.as_str()).or_default() += 1;
    }
    serde_json::json!({
        "secrets": active.len(),
        "by_severity": by_severity,
        "only_in_earlier_layers": active.iter().filter(|s| !s.visible_in_final_image).count(),
        "in_config": active.iter().filter(|s| s.in_config).count(),
        "suppressed": secrets.len() - active.len(),
        "hygiene": hygiene.map(|h| h.findings.len()),
        "image_bytes": hygiene.map(|h| h.size.uncompressed),
        "stats": scan.stats,
    })
}
