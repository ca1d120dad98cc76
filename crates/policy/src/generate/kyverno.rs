//! The Kyverno `ClusterPolicy` with one `verifyImages` rule.
//!
//! The rule matches Pods (Kyverno's auto-gen extends it to Deployments, Jobs, …) in the
//! selected namespaces, requires the signature (`required`), a digest (`verifyDigest`) and,
//! when enforcing, rewrites tags to the verified digest (`mutateDigest`; Kyverno forbids it
//! in Audit mode). Each required attestation is checked with `conditions` on its predicate.
//! Key signatures carry no certificate, so their SCT check is off; `rekor.ignoreTlog` follows
//! whether the pipeline wrote to the transparency log.

use super::{attestations, Context};
use crate::error::{Error, Result};
use crate::input::{IdentityMatch, SignatureFormat, Signer, PUBLIC_FULCIO};
use crate::model::kyverno::{
    Attestation, Attestor, AttestorSet, ClusterPolicy, ClusterPolicySpec, CtLog, FailureAction,
    ImageVerification, ImageVerificationType, KeylessAttestor, MatchResources, Rekor,
    ResourceDescription, ResourceFilter, Rule, SecretReference, StaticKeyAttestor,
};
use crate::options::Mode;

/// Kyverno `imageReferences` for every tag and digest of the repository.
pub fn image_references(ctx: &Context<'_>) -> Vec<String> {
    let repo = ctx.image.repository();
    vec![format!("{repo}:*"), format!("{repo}@*")]
}

/// Builds the policy.
pub fn build(ctx: &Context<'_>) -> Result<ClusterPolicy> {
    let action = match ctx.options.mode {
        Mode::Enforce => FailureAction::Enforce,
        Mode::Warn => FailureAction::Audit,
    };
    let attestors = vec![AttestorSet {
        count: None,
        entries: vec![attestor(ctx)?],
    }];
    let mut checks = Vec::new();
    for p in &ctx.options.require_attestations {
        checks.push(Attestation {
            type_: p.uri().to_string(),
            attestors: attestors.clone(),
            conditions: attestations::kyverno_conditions(p, ctx.input.builder_id.as_deref())?,
        });
    }
    let verify = ImageVerification {
        failure_action: Some(action),
        type_: (ctx.input.signature_format == SignatureFormat::Bundle)
            .then_some(ImageVerificationType::SigstoreBundle),
        image_references: image_references(ctx),
        attestors,
        attestations: checks,
        mutate_digest: action == FailureAction::Enforce,
        verify_digest: true,
        required: true,
    };
    let namespaces = &ctx.options.namespaces;
    let pods = |namespaces: &[String]| MatchResources {
        any: vec![ResourceFilter {
            resources: ResourceDescription {
                kinds: vec!["Pod".into()],
                namespaces: namespaces.to_vec(),
            },
        }],
    };
    let rule = Rule {
        name: "verify-image".into(),
        match_: pods(&namespaces.include),
        exclude: (!namespaces.exclude.is_empty()).then(|| pods(&namespaces.exclude)),
        verify_images: vec![verify],
    };
    let spec = ClusterPolicySpec {
        validation_failure_action: Some(action),
        background: Some(false),
        webhook_timeout_seconds: Some(30),
        rules: vec![rule],
    };
    let mut policy = ClusterPolicy::new(&ctx.name, spec);
    policy.metadata.labels = Some(ctx.labels());
    Ok(policy)
}

fn rekor(ctx: &Context<'_>) -> Rekor {
    if ctx.input.tlog {
        Rekor {
            url: Some(ctx.rekor_url().to_string()),
            ignore_tlog: None,
        }
    } else {
        Rekor {
            url: None,
            ignore_tlog: Some(true),
        }
    }
}

fn attestor(ctx: &Context<'_>) -> Result<Attestor> {
    Ok(match &ctx.input.signer {
        Signer::Key { public_key_pem, .. } => {
            let mut keys = StaticKeyAttestor {
                rekor: Some(rekor(ctx)),
                ctlog: Some(CtLog {
                    ignore_sct: Some(true),
                }),
                ..StaticKeyAttestor::default()
            };
            match &ctx.options.key_secret {
                Some(s) => {
                    keys.secret = Some(SecretReference {
                        name: s.name.clone(),
                        namespace: s.namespace.clone(),
                    })
                }
                None => keys.public_keys = Some(super::normalize_pem(public_key_pem)),
            }
            Attestor {
                keys: Some(keys),
                keyless: None,
            }
        }
        Signer::Keyless(id) => {
            if id.fulcio_url.trim_end_matches('/') != PUBLIC_FULCIO {
                return Err(Error::Unsupported(format!(
                    "Kyverno verifies keyless signatures against the public Sigstore roots; a private Fulcio (`{}`) needs its root certificate, which the pipeline does not provide, so drop `kyverno` from `with.emit`",
                    id.fulcio_url
                )));
            }
            let mut keyless = KeylessAttestor {
                rekor: Some(rekor(ctx)),
                ..KeylessAttestor::default()
            };
            match &id.issuer {
                IdentityMatch::Exact(v) => keyless.issuer = Some(v.clone()),
                IdentityMatch::Regexp(v) => keyless.issuer_reg_exp = Some(v.clone()),
            }
            match &id.subject {
                IdentityMatch::Exact(v) => keyless.subject = Some(v.clone()),
                IdentityMatch::Regexp(v) => keyless.subject_reg_exp = Some(v.clone()),
            }
            Attestor {
                keys: None,
                keyless: Some(keyless),
            }
        }
    })
}
