//! The `policy` stage: builds a [`PolicyInput`] from the run and the finished `sign`
//! stage, generates the documents, renders them all, and only then writes them.
//!
//! Without a finished sign stage and without `with.signer` the stage fails with a
//! configuration error naming both, and writes nothing. The stage changes nothing outside
//! its output directory (applying is `secchain policy apply`), so a dry run is a full run.

use async_trait::async_trait;
use secchain_pipeline::{
    parse_section, ConfigProblem, Finding, Outcome, Stage, StageConfig, StageContext, StageError,
    StageRecord, StageReport,
};
use serde_json::json;

use crate::config::PolicyWith;
use crate::error::Error;
use crate::input::{ImageConfigFacts, PolicyInput, Port, PredicateType, Signer};
use crate::options::{Emit, PolicyOptions};
use crate::reference::ImageRef;
use crate::sign_data::{self, SignFacts};
use crate::{generate, render};

/// The `policy` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct PolicyStage;

fn config_error(e: Error) -> StageError {
    StageError::Config(e.to_string())
}

#[async_trait]
impl Stage for PolicyStage {
    fn kind(&self) -> &'static str {
        "policy"
    }

    fn summary(&self) -> &'static str {
        "generates admission policies (sigstore, Kyverno, ValidatingAdmissionPolicy) and a hardened pod spec for the signed image"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::with_only::<PolicyWith>(
            generator,
        ))
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = match parse_section::<PolicyWith>("with", config.with) {
            Ok(with) => {
                let mut problems = with.problems();
                problems.extend(file_problems(&with, config));
                problems
            }
            Err(p) => vec![p],
        };
        let gate_empty =
            config.gate.is_null() || config.gate.as_object().is_some_and(|m| m.is_empty());
        if !gate_empty {
            problems.push(
                ConfigProblem::at("gate", "the `policy` stage has no gate settings").hint(
                    "remove `gate:`; the stage fails only when it cannot generate the policies",
                ),
            );
        }
        problems
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let with: PolicyWith =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        if let Some(p) = with.problems().into_iter().next() {
            return Err(StageError::Config(p.message));
        }
        let (facts, source) = sign_facts(&with, &ctx)?;
        let options = build_options(&with);
        if options.emit.contains(&crate::options::Emit::PodSnippet)
            && with.image_config.is_none()
            && ctx.run.image.is_some()
        {
            // The pod snippet is fitted to the image's own user, ports and volumes.
            ctx.facts
                .get_or_try_init(|| image_config_facts(&ctx))
                .await?;
        }
        let input = build_input(&with, &ctx, &facts)?;
        let docs = generate::generate(&input, &options).map_err(config_error)?;
        let rendered = render::render_all(&docs).map_err(|e| StageError::Runtime(e.to_string()))?;
        std::fs::create_dir_all(&ctx.out_dir)
            .map_err(|e| StageError::io(format!("creating {}", ctx.out_dir.display()), e))?;
        let mut report = StageReport::default();
        for (file, text) in &rendered {
            report
                .outputs
                .push(ctx.write_output(file, "application/yaml", text.as_bytes())?);
        }
        report.findings = findings(&facts, &options, &input);
        let signer = match &input.signer {
            Signer::Key { .. } => "key".to_string(),
            Signer::Keyless(id) => format!("keyless {} from {}", id.subject, id.issuer),
        };
        let mode = match options.mode {
            crate::options::Mode::Enforce => "enforce",
            crate::options::Mode::Warn => "warn",
        };
        report.summary = format!(
            "{} documents for {} ({signer}, {mode})",
            docs.len(),
            input.image_repository,
        );
        report.data = json!({
            "repository": input.image_repository,
            "digest": input.image_digest,
            "signer_from": source,
            "mode": options.mode,
            "documents": docs.iter().map(|d| json!({
                "file": d.file_name,
                "kind": d.resource.kind(),
                "apply": d.resource.is_applicable(),
            })).collect::<Vec<_>>(),
        });
        Ok(report)
    }
}

/// Problems only visible with the pipeline's context: a missing key file, a local image.
fn file_problems(with: &PolicyWith, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
    let mut out = Vec::new();
    if let Some(file) = with
        .signer
        .as_ref()
        .and_then(|s| s.public_key_file.as_ref())
    {
        let path = config.base_dir.join(file);
        if !path.is_file() {
            out.push(
                ConfigProblem::at(
                    "with.signer.public_key_file",
                    format!("{} does not exist", path.display()),
                )
                .hint("the path is relative to the pipeline file"),
            );
        }
    }
    let image = with.repository.as_deref().or(config.image);
    if let Some(Err(e)) = image.map(ImageRef::parse) {
        let at = if with.repository.is_some() {
            "with.repository"
        } else {
            "with"
        };
        out.push(
            ConfigProblem::at(at, e.to_string()).hint("repository: registry.example.com/team/app"),
        );
    }
    out
}

fn sign_facts(with: &PolicyWith, ctx: &StageContext) -> Result<(SignFacts, String), StageError> {
    if let Some(s) = &with.signer {
        let facts = sign_data::from_with(s, &ctx.run.base_dir).map_err(config_error)?;
        return Ok((facts, "with.signer".into()));
    }
    let record = sign_record(&ctx.finished, with.sign_stage.as_deref())?;
    if record.outcome != Outcome::Passed {
        return Err(StageError::Config(format!(
            "the sign stage `{}` did not pass ({}), so there is no signature to write policies for",
            record.name,
            record.outcome.as_str()
        )));
    }
    let facts = sign_data::from_data(&record.name, &record.data).map_err(config_error)?;
    Ok((facts, format!("stage {}", record.name)))
}

/// The finished sign stage to read: the one named by `with.sign_stage`, or the only one.
fn sign_record<'a>(
    finished: &'a [StageRecord],
    name: Option<&str>,
) -> Result<&'a StageRecord, StageError> {
    let signs: Vec<&StageRecord> = finished.iter().filter(|r| r.kind == "sign").collect();
    if let Some(name) = name {
        return signs.into_iter().find(|r| r.name == name).ok_or_else(|| {
            StageError::Config(format!(
                "`with.sign_stage` names `{name}`, but no finished sign stage has that name (is it in this stage's `needs:`?)"
            ))
        });
    }
    match signs.as_slice() {
        [] => Err(StageError::Config(
            "no signing stage: the policies need the signer, so add a `sign` stage before `policy` (or in its `needs:`), or set `with.signer` (public_key_pem, public_key_file or keyless)".into(),
        )),
        [one] => Ok(one),
        many => Err(StageError::Config(format!(
            "several sign stages finished ({}); choose one with `with.sign_stage`",
            many.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The subject image's user, exposed ports and volumes (as writable paths).
async fn image_config_facts(ctx: &StageContext) -> Result<ImageConfigFacts, StageError> {
    let subject = secchain_image::subject(ctx).await?;
    let config = subject.image.config();
    Ok(ImageConfigFacts {
        user: config.user().map(str::to_string),
        exposed_ports: config.exposed_ports(),
        writable_paths: config.config.volumes.keys().cloned().collect(),
    })
}

fn build_input(
    with: &PolicyWith,
    ctx: &StageContext,
    facts: &SignFacts,
) -> Result<PolicyInput, StageError> {
    let written = with
        .repository
        .as_deref()
        .or(ctx.run.image.as_deref())
        .ok_or_else(|| {
            StageError::Config(
                "no image: set the pipeline's `image:` or the policy stage's `with.repository`"
                    .into(),
            )
        })?;
    let image = ImageRef::parse(written).map_err(config_error)?;
    let digest = ctx
        .run
        .subject_digest
        .get()
        .cloned()
        .or_else(|| facts.digest.clone())
        .or(image.digest.clone());
    let builder_id = with
        .builder_id
        .clone()
        .or_else(|| facts.builder_id.clone())
        .or_else(|| provenance_builder(&ctx.finished))
        // The same CI-derived builder id the provenance stage records.
        .or_else(|| Some(secchain_provenance::ci::builder_id().builder_id));
    let facts_config = ctx.facts.get::<ImageConfigFacts>();
    let base = facts_config.as_deref().cloned().unwrap_or_default();
    let ic = with.image_config.clone().unwrap_or_default();
    let user = ic.user.or(base.user);
    let ports = ic.ports.unwrap_or(base.exposed_ports);
    let writable_paths = ic.writable_paths.unwrap_or(base.writable_paths);
    Ok(PolicyInput {
        image_repository: image.repository(),
        image_digest: digest,
        signer: facts.signer.clone(),
        tlog: facts.tlog,
        signature_format: facts.format,
        attestations: facts.attestations.clone().unwrap_or_default(),
        builder_id,
        image_user: user,
        exposed_ports: ports.iter().filter_map(|p| Port::parse(p)).collect(),
        writable_paths,
    })
}

/// `data.builder_id` of a finished provenance stage, if any.
fn provenance_builder(finished: &[StageRecord]) -> Option<String> {
    finished
        .iter()
        .filter(|r| r.kind == "provenance")
        .find_map(|r| {
            r.data
                .get("builder_id")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
}

fn build_options(with: &PolicyWith) -> PolicyOptions {
    let defaults = PolicyOptions::default();
    PolicyOptions {
        emit: with
            .emit
            .clone()
            .map(|e| e.into_iter().collect())
            .unwrap_or_else(|| Emit::ALL.into_iter().collect()),
        mode: with.mode,
        namespaces: with.namespaces.clone(),
        require_attestations: with
            .require_attestations
            .as_ref()
            .map(|list| {
                list.iter()
                    .filter_map(|a| PredicateType::parse(a))
                    .collect()
            })
            .unwrap_or(defaults.require_attestations),
        name: with.name.clone(),
        key_secret: with.key_secret.clone(),
        container_name: with.container_name.clone(),
    }
}

fn warning(rule: &str, message: String) -> Finding {
    Finding {
        rule: format!("policy:{rule}"),
        severity: "warning".into(),
        message,
        location: None,
        blocking: false,
        suppressed_by: None,
    }
}

fn findings(facts: &SignFacts, options: &PolicyOptions, input: &PolicyInput) -> Vec<Finding> {
    let mut out = Vec::new();
    if facts.ephemeral {
        out.push(warning(
            "ephemeral-key",
            "the signing key is a throw-away dry-run key: these policies would reject the real image".into(),
        ));
    }
    if let Some(pushed) = &facts.attestations {
        for p in options
            .require_attestations
            .iter()
            .filter(|p| !pushed.contains(p))
        {
            out.push(warning(
                "attestation-not-pushed",
                format!("the policies require a `{p}` attestation, but the sign stage did not report pushing one"),
            ));
        }
    }
    if input.image_digest.is_none() {
        out.push(warning(
            "no-digest",
            "the image digest is unknown: the pod snippet references the image by tag, which the ValidatingAdmissionPolicy rejects".into(),
        ));
    }
    out
}
