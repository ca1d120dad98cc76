//! The `sign` stage.
//!
//! ```yaml
//! - kind: sign
//!   with:
//!     key: cosign.key              # a path (relative to the pipeline file), env://VAR;
//!                                  # kms://… is reserved and rejected for now
//!     format: legacy               # legacy (default: what policy-controller and Kyverno
//!                                  # verify today) | bundle (Sigstore bundle referrer)
//!     annotations: {team: payments}
//!     keyless:                     # instead of `key`: Fulcio + Rekor (needs an OIDC token)
//!       fulcio_url: https://fulcio.sigstore.dev
//!       rekor_url: https://rekor.sigstore.dev
//!       oidc_issuer: https://token.actions.githubusercontent.com
//! ```
//!
//! Signs the pipeline's `image:` by digest (`subject_digest` when an earlier stage
//! resolved it, else the registry's answer for the tag). The key's password comes
//! from `COSIGN_PASSWORD` / `SECCHAIN_KEY_PASSWORD`; a pipeline run never prompts.
//! Without `key` and `keyless`, keyless signing is used when an identity token is in
//! the environment, else the stage fails with a configuration error.
//!
//! After pushing, the stage reads the signature back and verifies it with the public
//! key; a failure there is a blocking finding (`sign:verify-after-push`).
//!
//! In a dry run the image is signed with an ephemeral key (the report says so),
//! nothing is pushed, and `planned_actions` lists every blob and manifest a real run
//! would push. Output: `signature.json` (the [`crate::SignOutcome`]).

use std::collections::BTreeMap;
use std::path::Path;

use async_trait::async_trait;
use secchain_pipeline::{
    parse_section, ConfigProblem, Finding, RunInfo, Stage, StageConfig, StageContext, StageError,
    StageReport,
};
use serde::Deserialize;

use crate::error::Error;
use crate::key::{KeyRef, PasswordSource};
use crate::keyless::{self, KeylessConfig};
use crate::sign::{sign_image, SignRequest, SignatureFormat, SignerSpec};
use crate::verify::{verify_subject, Policy};

/// The stage's `with:`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SignWith")]
pub struct SignOptions {
    /// The signing key: a path, `env://VAR`, or (reserved) a KMS URI.
    #[serde(default)]
    pub key: Option<String>,
    /// Storage format.
    #[serde(default)]
    pub format: SignatureFormat,
    /// Annotations signed into the payload.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Keyless signing settings.
    #[serde(default)]
    pub keyless: Option<KeylessConfig>,
}

/// The stage's `gate:` (nothing to configure: a signature is pushed and verified, or
/// the stage fails).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignGate {}

impl SignOptions {
    /// Problems beyond the shape: key references, conflicting choices, URLs.
    pub fn problems(&self, base_dir: &Path) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        if self.key.is_some() && self.keyless.is_some() {
            out.push(
                ConfigProblem::at("with.keyless", "`key` and `keyless` are both set")
                    .hint("sign with a key or keylessly, not both"),
            );
        }
        if let Some(key) = &self.key {
            match KeyRef::parse(key) {
                Ok(KeyRef::Kms { scheme, .. }) => out.push(
                    ConfigProblem::at(
                        "with.key",
                        format!("KMS keys ({scheme}://) are not supported yet"),
                    )
                    .hint("use a cosign key file (secchain key generate) or env://VAR holding the key"),
                ),
                Ok(KeyRef::File(p)) => {
                    let p = if p.is_relative() { base_dir.join(p) } else { p };
                    if !p.is_file() {
                        out.push(
                            ConfigProblem::at(
                                "with.key",
                                format!("key file {} does not exist", p.display()),
                            )
                            .hint("paths are relative to the pipeline file; create a key with `secchain key generate`"),
                        );
                    }
                }
                Ok(KeyRef::Env(_)) => {}
                Err(e) => out.push(ConfigProblem::at("with.key", e.to_string()).hint(
                    "a path, env://VARIABLE, or a KMS URI (kms://, awskms://, gcpkms://, azurekms://, hashivault://)",
                )),
            }
        }
        for k in self.annotations.keys() {
            if k.is_empty() {
                out.push(ConfigProblem::at(
                    "with.annotations",
                    "an annotation key is empty",
                ));
            }
        }
        if let Some(k) = &self.keyless {
            for (field, problem) in k.problems() {
                out.push(ConfigProblem::at(&format!("with.keyless.{field}"), problem));
            }
        }
        out
    }
}

/// Who signs for a pipeline stage: an ephemeral key in a dry run; else the key
/// (`with.key`, resolved against the pipeline's directory), keyless settings, or
/// keyless when an identity token is in the environment; else a configuration error.
pub fn stage_signer(
    key: Option<&str>,
    keyless: Option<&KeylessConfig>,
    run: &RunInfo,
) -> Result<SignerSpec, StageError> {
    if run.dry_run {
        Ok(SignerSpec::Ephemeral)
    } else if let Some(key) = key {
        Ok(SignerSpec::Key {
            key: KeyRef::parse(key)
                .map_err(stage_error)?
                .resolve_against(&run.base_dir),
            password: PasswordSource::Environment,
        })
    } else if let Some(k) = keyless {
        Ok(SignerSpec::Keyless(k.clone()))
    } else if keyless::token_available() {
        Ok(SignerSpec::Keyless(KeylessConfig::default()))
    } else {
        Err(StageError::Config(
            "no signing key: set `with.key` (a cosign key file or env://VAR) or `with.keyless` \
             (with an OIDC token in SIGSTORE_ID_TOKEN or GitHub Actions' id-token)"
                .into(),
        ))
    }
}

/// The pipeline's image with a local layout or archive path resolved against the
/// pipeline file's directory (registry references unchanged).
pub fn resolved_image(image: &str, run: &RunInfo) -> String {
    match secchain_oci::ImageSource::parse(image) {
        Ok(source) => source.resolved_against(&run.base_dir).to_string(),
        Err(_) => image.to_string(),
    }
}

/// The `sign` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct SignStage;

/// Maps a signing error to a stage error: key and configuration problems are
/// configuration errors, the rest runtime errors.
pub fn stage_error(e: Error) -> StageError {
    match e {
        Error::Invalid(_)
        | Error::UnsupportedKeyRef { .. }
        | Error::KeyFormat { .. }
        | Error::MissingEnv(_)
        | Error::Password(_)
        | Error::WrongPassword { .. }
        | Error::KeyFile { .. } => StageError::Config(e.to_string()),
        other => StageError::Runtime(other.to_string()),
    }
}

#[async_trait]
impl Stage for SignStage {
    fn kind(&self) -> &'static str {
        "sign"
    }

    fn summary(&self) -> &'static str {
        "signs the image by digest with a cosign key or keylessly, as a cosign signature or Sigstore bundle"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<SignOptions, SignGate>(
            generator,
        ))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<SignOptions>("with", config.with) {
            Ok(opts) => problems.extend(opts.problems(config.base_dir)),
            Err(p) => problems.push(p),
        }
        if let Err(p) = parse_section::<SignGate>("gate", config.gate) {
            problems.push(p);
        }
        if config.image.is_none() {
            problems.push(
                ConfigProblem::at("", "the sign stage needs the pipeline's `image:`")
                    .hint("set `image:` to the registry reference to sign"),
            );
        }
        problems
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let opts: SignOptions =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let image = ctx.run.image.clone().ok_or_else(|| {
            StageError::Config("the sign stage needs the pipeline's `image:`".into())
        })?;
        let image = resolved_image(&image, &ctx.run);
        let signer = stage_signer(opts.key.as_deref(), opts.keyless.as_ref(), &ctx.run)?;
        let request = SignRequest {
            image: image.clone(),
            digest: ctx.run.subject_digest.get().cloned(),
            signer,
            format: opts.format,
            annotations: opts.annotations.clone(),
            dry_run: ctx.run.dry_run,
            registry: secchain_oci::OpenOptions::default(),
        };
        ctx.events.info(
            &ctx.name,
            format!("signing {image} ({} format)", opts.format),
        );
        let outcome = tokio::select! {
            r = sign_image(&request) => r.map_err(stage_error)?,
            () = ctx.cancel.cancelled() => return Err(StageError::Cancelled),
        };
        let _ = ctx.run.subject_digest.set(outcome.digest.clone());
        std::fs::create_dir_all(&ctx.out_dir)
            .map_err(|e| StageError::io(format!("creating {}", ctx.out_dir.display()), e))?;
        let json = serde_json::to_vec_pretty(&outcome).expect("the outcome serialises");
        let mut report = StageReport::default();
        report
            .outputs
            .push(ctx.write_output("signature.json", "application/json", &json)?);
        report.data = serde_json::json!({
            "digest": outcome.digest,
            "image": outcome.image,
            "format": outcome.format,
            "tag": outcome.tag,
            "manifest_digest": outcome.manifest_digest,
            "key_hint": outcome.key_hint,
            "ephemeral": outcome.ephemeral,
            // What the policy stage needs to name the signer (see secchain-policy's sign_data).
            "public_key_pem": outcome.public_key,
            "tlog": outcome.tlog_entry.is_some(),
        });
        if ctx.run.dry_run {
            report.planned_actions = outcome.planned_actions();
            report.summary = format!(
                "dry run: signed {} with an ephemeral key; would push {} object(s)",
                outcome.image,
                outcome.pushed.len()
            );
            if !matches!(
                secchain_oci::ImageSource::parse(&image),
                Ok(secchain_oci::ImageSource::Registry(_))
            ) {
                report.findings.push(Finding {
                    rule: "sign:local-image".into(),
                    severity: "warning".into(),
                    message: format!(
                        "{image} is not in a registry: a real run can only sign an image pushed to a registry"
                    ),
                    location: None,
                    blocking: false,
                    suppressed_by: None,
                });
            }
            return Ok(report);
        }
        report.summary = format!(
            "signed {} ({} format, {}){}",
            outcome.image,
            outcome.format,
            outcome.signer,
            if outcome.added {
                ""
            } else {
                "; the identical signature was already there"
            }
        );
        // Read it back and verify, as a consumer would.
        if let Ok(secchain_oci::ImageSource::Registry(reference)) =
            secchain_oci::ImageSource::parse(&image)
        {
            let store = crate::store::RegistryStore::new(&reference, &request.registry);
            let digest = secchain_oci::Digest::parse(&outcome.digest)
                .map_err(|e| StageError::Runtime(e.to_string()))?;
            let key = crate::PublicKey::from_pem("the signing key", &outcome.public_key)
                .map_err(stage_error)?;
            let policy = Policy {
                key,
                attestation: None,
                annotations: opts.annotations.clone(),
                formats: vec![opts.format],
            };
            let check = verify_subject(&store, &digest, &policy)
                .await
                .map_err(stage_error)?;
            if !check.passed {
                report.findings.push(Finding {
                    rule: "sign:verify-after-push".into(),
                    severity: "error".into(),
                    message: format!("the pushed signature does not verify: {}", check.reason),
                    location: Some(outcome.image.clone()),
                    blocking: true,
                    suppressed_by: None,
                });
            }
        }
        Ok(report)
    }
}
