//! The `provenance` stage: one signed SLSA provenance for the whole run.
//!
//! ```yaml
//! - kind: provenance
//!   with:
//!     key: cosign.key        # as in the sign stage: a path, env://VAR; or `keyless:`
//!     format: legacy         # legacy (cosign .att tag, default) | bundle (referrer)
//!     attach: true           # default: true for registry images, false for local ones
//!     attest: [sbom, vulnerabilities]   # also attach these as their own attestations
//! ```
//!
//! The stage runs after every other stage ([`Stage::runs_last`]). It builds the
//! statement ([`crate::build_statement`]), signs it as a DSSE envelope, writes
//! `provenance.intoto.jsonl` (one envelope per line, as SLSA generators do) and
//! attaches it to the image as a cosign attestation (`--type slsaprovenance1`).
//! Before it, the SBOM (CycloneDX predicate) and the scan results (cosign's vuln
//! predicate) are attached when those stages ran, and recorded as byproducts.
//!
//! In a dry run the statement is signed with an ephemeral key, the statement says so
//! (`internalParameters.ephemeralKey`), nothing is pushed, and the pushes a real run
//! would make are listed as planned actions.

use std::path::Path;

use async_trait::async_trait;
use secchain_oci::ImageSource;
use secchain_pipeline::{
    parse_section, sha256_digest, ConfigProblem, Finding, OutputRecord, Stage, StageConfig,
    StageContext, StageError, StageReport,
};
use secchain_sign::payload::dsse::Envelope;
use secchain_sign::payload::intoto::PAYLOAD_TYPE;
use secchain_sign::{
    attest_image, attest_statement, resolved_image, stage_error, stage_signer, AttestRequest,
    KeylessConfig, PredicateType, SignOptions, SignOutcome, SignatureFormat, SignerSpec,
    StatementRequest,
};
use serde::{Deserialize, Serialize};

use crate::builder::{build_statement, ProvenanceInputs};
use crate::intoto::ResourceDescriptor;
use crate::vuln::VulnPredicate;

/// The file the signed provenance is written to, in the stage's output directory.
pub const PROVENANCE_FILE: &str = "provenance.intoto.jsonl";
/// Media type of [`PROVENANCE_FILE`].
pub const PROVENANCE_MEDIA_TYPE: &str = "application/vnd.in-toto+jsonl";

/// Which other attestations the stage attaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "ProvenanceAttestKind")]
pub enum AttestKind {
    /// The sbom stage's CycloneDX document (`--type cyclonedx`).
    Sbom,
    /// The scan stage's results (`--type vuln`).
    Vulnerabilities,
}

/// The stage's `with:`.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProvenanceWith")]
pub struct ProvenanceOptions {
    /// The signing key: a path (relative to the pipeline file) or `env://VAR`; the
    /// password comes from `COSIGN_PASSWORD`.
    #[serde(default)]
    pub key: Option<String>,
    /// Keyless signing settings (Fulcio and Rekor), instead of `key`.
    #[serde(default)]
    pub keyless: Option<KeylessConfig>,
    /// Storage format of the attestations: `legacy` (cosign `.att` tag) or `bundle` (OCI referrer).
    #[serde(default)]
    pub format: SignatureFormat,
    /// Attach the attestations to the image in its registry (default: when the image is in a registry).
    #[serde(default)]
    pub attach: Option<bool>,
    /// Other attestations to attach before the provenance, when their stages ran and passed.
    #[serde(default = "default_attest")]
    pub attest: Vec<AttestKind>,
}

fn default_attest() -> Vec<AttestKind> {
    vec![AttestKind::Sbom, AttestKind::Vulnerabilities]
}

impl Default for ProvenanceOptions {
    fn default() -> Self {
        ProvenanceOptions {
            key: None,
            keyless: None,
            format: SignatureFormat::default(),
            attach: None,
            attest: default_attest(),
        }
    }
}

impl ProvenanceOptions {
    /// The signing part, checked like the sign stage's.
    fn signing(&self) -> SignOptions {
        SignOptions {
            key: self.key.clone(),
            format: self.format,
            annotations: Default::default(),
            keyless: self.keyless.clone(),
        }
    }
}

/// The stage's `gate:`: nothing to configure; the provenance is signed and written
/// (and attached) or the stage fails.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProvenanceGate")]
pub struct ProvenanceGate {}

/// The `provenance` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProvenanceStage;

#[async_trait]
impl Stage for ProvenanceStage {
    fn kind(&self) -> &'static str {
        "provenance"
    }

    fn summary(&self) -> &'static str {
        "signs one SLSA v1 provenance linking every stage's outputs by digest, and attaches it (and the SBOM and scan results) to the image"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<
            ProvenanceOptions,
            ProvenanceGate,
        >(generator))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<ProvenanceOptions>("with", config.with) {
            Ok(opts) => problems.extend(opts.signing().problems(config.base_dir)),
            Err(p) => problems.push(p),
        }
        if let Err(p) = parse_section::<ProvenanceGate>("gate", config.gate) {
            problems.push(p);
        }
        if config.image.is_none() {
            problems.push(
                ConfigProblem::at("", "the provenance stage needs the pipeline's `image:`")
                    .hint("set `image:` to the image the provenance is about"),
            );
        }
        problems
    }

    fn runs_last(&self) -> bool {
        true
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        tokio::select! {
            r = run(&ctx) => r,
            () = ctx.cancel.cancelled() => Err(StageError::Cancelled),
        }
    }
}

async fn run(ctx: &StageContext) -> Result<StageReport, StageError> {
    let opts: ProvenanceOptions =
        parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
    let image = ctx.run.image.clone().ok_or_else(|| {
        StageError::Config("the provenance stage needs the pipeline's `image:`".into())
    })?;
    let image = resolved_image(&image, &ctx.run);
    let in_registry = matches!(ImageSource::parse(&image), Ok(ImageSource::Registry(_)));
    let attach = match opts.attach {
        Some(true) if !in_registry && !ctx.run.dry_run => {
            return Err(StageError::Config(format!(
                "{image} is not in a registry, so the provenance cannot be attached to it \
                 (set `attach: false` to only write {PROVENANCE_FILE})"
            )))
        }
        Some(a) => a,
        None => in_registry || ctx.run.dry_run,
    };
    let target = crate::subject::resolve(ctx, &image).await?;
    let signer = stage_signer(opts.key.as_deref(), opts.keyless.as_ref(), &ctx.run)?;
    // One signer for every attestation of the run (one password prompt, one certificate).
    let session = signer.open().await.map_err(stage_error)?;
    let signer = SignerSpec::Provided(session.signer.clone());
    std::fs::create_dir_all(&ctx.out_dir)
        .map_err(|e| StageError::io(format!("creating {}", ctx.out_dir.display()), e))?;

    let mut report = StageReport::default();
    let mut pushed: Vec<SignOutcome> = Vec::new();
    let mut attested: Vec<ResourceDescriptor> = Vec::new();
    if attach {
        for kind in &opts.attest {
            let Some((predicate_type, predicate)) = other_predicate(ctx, *kind)? else {
                continue;
            };
            let outcome = attest_image(&AttestRequest {
                image: image.clone(),
                digest: Some(target.digest.clone()),
                signer: signer.clone(),
                format: opts.format,
                predicate_type,
                predicate,
                dry_run: ctx.run.dry_run,
                registry: secchain_oci::OpenOptions::default(),
            })
            .await
            .map_err(stage_error)?;
            attested.push(attestation_byproduct(&outcome, &ctx.name));
            pushed.push(outcome);
        }
    }

    let dockerfile = dockerfile(ctx)?;
    let finished_on = secchain_pipeline::report::now_rfc3339();
    let mut statement = build_statement(&ProvenanceInputs {
        run: &ctx.run,
        subject: target.subjects.clone(),
        finished: &ctx.finished,
        dockerfile,
        ci: crate::ci::builder_id(),
        fallback_invocation_id: fallback_invocation_id(ctx, &target.digest),
        finished_on,
    });
    let internal = &mut statement.predicate.build_definition.internal_parameters;
    internal["ephemeralKey"] = serde_json::json!(session.signer.is_ephemeral());
    statement.predicate.run_details.byproducts.extend(attested);
    let statement_bytes = serde_json::to_vec(&statement).expect("a statement serialises");

    let envelope = if attach {
        let outcome = attest_statement(&StatementRequest {
            image: image.clone(),
            digest: Some(target.digest.clone()),
            signer: signer.clone(),
            format: opts.format,
            statement: statement_bytes,
            dry_run: ctx.run.dry_run,
            registry: secchain_oci::OpenOptions::default(),
        })
        .await
        .map_err(stage_error)?;
        let envelope = outcome.envelope.clone().ok_or_else(|| {
            StageError::Runtime("signing the provenance returned no envelope".into())
        })?;
        pushed.push(outcome);
        envelope
    } else {
        Envelope::sign(PAYLOAD_TYPE, &statement_bytes, session.signer.as_ref())
            .map_err(stage_error)?
    };
    let mut line = envelope.to_bytes();
    line.push(b'\n');
    let written = ctx.write_output(PROVENANCE_FILE, PROVENANCE_MEDIA_TYPE, &line)?;
    let provenance_digest = written.digest.clone();
    report.outputs.push(written);

    report.planned_actions = pushed
        .iter()
        .filter(|o| o.dry_run)
        .flat_map(SignOutcome::planned_actions)
        .collect();
    report.data = serde_json::json!({
        "image": image,
        "digest": target.digest,
        "subjects": target.subjects,
        "provenance_digest": provenance_digest,
        "statement_digest": sha256_digest(&envelope.payload_unverified().unwrap_or_default()),
        "ephemeral": session.signer.is_ephemeral(),
        "key_hint": session.signer.public_key().hint(),
        "public_key_pem": session.signer.public_key().to_pem(),
        "attached": attach,
        "attestations": pushed.iter().map(|o| serde_json::json!({
            "predicate_type": o.predicate_type,
            "tag": o.tag,
            "manifest_digest": o.manifest_digest,
            "payload_digest": o.payload_digest,
        })).collect::<Vec<_>>(),
    });
    let stages = ctx.finished.len();
    report.summary = match (attach, ctx.run.dry_run) {
        (_, true) => format!(
            "dry run: provenance of {} stage(s) signed with an ephemeral key; would push {} attestation(s)",
            stages,
            pushed.len()
        ),
        (true, false) => format!(
            "provenance of {stages} stage(s) signed and attached to {}@{} with {} other attestation(s)",
            target.name,
            target.digest,
            pushed.len().saturating_sub(1)
        ),
        (false, false) => {
            report.findings.push(Finding {
                rule: crate::docs::NOT_ATTACHED.into(),
                severity: "warning".into(),
                message: format!(
                    "{image} is not in a registry: the provenance is only in {PROVENANCE_FILE}"
                ),
                location: None,
                blocking: false,
                suppressed_by: None,
            });
            format!("provenance of {stages} stage(s) signed; written to {PROVENANCE_FILE}")
        }
    };
    Ok(report)
}

/// The Dockerfile as written in the pipeline (relative to it) and its digest.
fn dockerfile(ctx: &StageContext) -> Result<Option<(String, String)>, StageError> {
    let Some(path) = &ctx.run.dockerfile else {
        return Ok(None);
    };
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(path)
        .map_err(|e| StageError::io(format!("reading {}", path.display()), e))?;
    Ok(Some((
        relative(path, &ctx.run.base_dir),
        sha256_digest(&bytes),
    )))
}

/// A stable id for runs outside CI: the pipeline, the image and the start time.
fn fallback_invocation_id(ctx: &StageContext, digest: &str) -> String {
    let seed = format!(
        "{}\n{}\n{}",
        ctx.run.pipeline_digest, digest, ctx.run.started_at
    );
    format!("urn:secchain:run:{}", sha256_digest(seed.as_bytes()))
}

/// The predicate of an SBOM or vulnerability attestation, when its stage ran.
fn other_predicate(
    ctx: &StageContext,
    kind: AttestKind,
) -> Result<Option<(PredicateType, serde_json::Value)>, StageError> {
    let (stage_kind, media_type, predicate_type) = match kind {
        AttestKind::Sbom => ("sbom", "application/vnd.cyclonedx+json", "cyclonedx"),
        AttestKind::Vulnerabilities => ("scan", "application/json", "vuln"),
    };
    let Some((record, output)) = ctx.finished.iter().find_map(|r| {
        (r.kind == stage_kind && r.outcome == secchain_pipeline::Outcome::Passed)
            .then(|| r.outputs.iter().find(|o| o.media_type == media_type))
            .flatten()
            .map(|o| (r, o))
    }) else {
        return Ok(None);
    };
    let document = read_output(ctx, output)?;
    let predicate = match kind {
        AttestKind::Sbom => document,
        AttestKind::Vulnerabilities => serde_json::to_value(VulnPredicate::from_scan(
            &document,
            &record.data,
            record.started_at.as_deref(),
            &ctx.run.version,
        ))
        .expect("the vuln predicate serialises"),
    };
    let predicate_type = PredicateType::parse(predicate_type).map_err(stage_error)?;
    Ok(Some((predicate_type, predicate)))
}

/// Reads a stage output back, checking it still has the digest the stage recorded.
fn read_output(ctx: &StageContext, output: &OutputRecord) -> Result<serde_json::Value, StageError> {
    let path = ctx.run.out_root.join(&output.path);
    let bytes = std::fs::read(&path)
        .map_err(|e| StageError::io(format!("reading {}", path.display()), e))?;
    if sha256_digest(&bytes) != output.digest {
        return Err(StageError::Runtime(format!(
            "{} changed after its stage wrote it (recorded {}, now {})",
            path.display(),
            output.digest,
            sha256_digest(&bytes)
        )));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| StageError::Runtime(format!("{} is not JSON: {e}", path.display())))
}

/// A byproduct naming an attestation pushed before the provenance.
fn attestation_byproduct(outcome: &SignOutcome, stage: &str) -> ResourceDescriptor {
    let name = format!(
        "attestation/{}",
        outcome.predicate_type.as_deref().unwrap_or("unknown")
    );
    let mut d = ResourceDescriptor::named(name, &outcome.payload_digest);
    d.uri = Some(outcome.tag.clone());
    d.annotations
        .insert("stage".into(), serde_json::json!(stage));
    d.annotations.insert(
        "manifestDigest".into(),
        serde_json::json!(outcome.manifest_digest),
    );
    d
}

/// `path` shown relative to `base` when below it.
fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
