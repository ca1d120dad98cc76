//! The sigstore policy-controller `ClusterImagePolicy`.
//!
//! policy-controller admits an image when *any* authority matches, and an authority with
//! `attestations` checks only attestations. So the policy has two authorities with the same
//! key or identity, `signature` (the image signature) and `attestations` (every required
//! attestation, each with a Rego policy on its content), and a CIP-level Rego policy that
//! requires both. Verification follows how the pipeline signed: `ctlog.url` only when the
//! signatures went to Rekor (without it policy-controller skips the transparency log), and
//! `signatureFormat: bundle` for Sigstore bundles (legacy is policy-controller's default).

use super::{attestations, Context};
use crate::error::{Error, Result};
use crate::input::{IdentityMatch, SignatureFormat, Signer};
use crate::model::cluster_image_policy::{
    Attestation, Authority, ClusterImagePolicy, ClusterImagePolicySpec, Identity, ImagePattern,
    KeyRef, KeylessRef, Policy, SecretReference, TLog,
};
use crate::options::Mode;

/// The authority that checks the image signature.
pub const SIGNATURE_AUTHORITY: &str = "signature";
/// The authority that checks the attestations.
pub const ATTESTATION_AUTHORITY: &str = "attestations";

/// The globs matching every tag and digest of the repository (and nothing else).
pub fn globs(ctx: &Context<'_>) -> Vec<String> {
    let repo = ctx.image.ggcr_repository();
    vec![format!("{repo}:*"), format!("{repo}@sha256:*")]
}

/// Builds the policy.
pub fn build(ctx: &Context<'_>) -> Result<ClusterImagePolicy> {
    let bundle = ctx.input.signature_format == SignatureFormat::Bundle;
    let (key, keyless) = match &ctx.input.signer {
        Signer::Key { .. } if bundle => {
            return Err(Error::Unsupported(
                "policy-controller verifies Sigstore bundles only for keyless signatures; sign with the legacy format, or drop `cluster-image-policy` from `with.emit`".into(),
            ))
        }
        Signer::Key { public_key_pem, .. } => (Some(key_ref(ctx, public_key_pem)), None),
        Signer::Keyless(id) if !ctx.input.tlog => {
            return Err(Error::Unsupported(format!(
                "keyless signatures by `{}` were not recorded in a transparency log (`tlog: false`); policy-controller cannot verify them without Rekor or a timestamp authority, so drop `cluster-image-policy` from `with.emit`",
                id.subject
            )))
        }
        Signer::Keyless(id) => {
            let mut identity = Identity::default();
            match &id.issuer {
                IdentityMatch::Exact(v) => identity.issuer = Some(v.clone()),
                IdentityMatch::Regexp(v) => identity.issuer_reg_exp = Some(v.clone()),
            }
            match &id.subject {
                IdentityMatch::Exact(v) => identity.subject = Some(v.clone()),
                IdentityMatch::Regexp(v) => identity.subject_reg_exp = Some(v.clone()),
            }
            let keyless = KeylessRef {
                url: Some(id.fulcio_url.clone()),
                identities: vec![identity],
            };
            (None, Some(keyless))
        }
    };
    let ctlog = ctx.input.tlog.then(|| TLog {
        url: Some(ctx.rekor_url().to_string()),
    });
    let authority = |name: &str, attestations: Vec<Attestation>| Authority {
        name: name.to_string(),
        key: key.clone(),
        keyless: keyless.clone(),
        ctlog: ctlog.clone(),
        attestations,
        signature_format: bundle.then(|| "bundle".to_string()),
    };
    let mut authorities = vec![authority(SIGNATURE_AUTHORITY, Vec::new())];
    let mut policy = None;
    if !ctx.options.require_attestations.is_empty() {
        let mut wanted = Vec::new();
        for p in &ctx.options.require_attestations {
            wanted.push(Attestation {
                name: p.short_name(),
                predicate_type: p.uri().to_string(),
                policy: Some(Policy {
                    type_: "rego".into(),
                    data: Some(attestations::rego(p, ctx.input.builder_id.as_deref())?),
                }),
            });
        }
        let names: Vec<String> = wanted.iter().map(|a| a.name.clone()).collect();
        authorities.push(authority(ATTESTATION_AUTHORITY, wanted));
        policy = Some(Policy {
            type_: "rego".into(),
            data: Some(attestations::cip_rego(
                SIGNATURE_AUTHORITY,
                ATTESTATION_AUTHORITY,
                &names,
            )),
        });
    }
    let spec = ClusterImagePolicySpec {
        images: globs(ctx)
            .into_iter()
            .map(|glob| ImagePattern { glob })
            .collect(),
        authorities,
        policy,
        mode: Some(
            match ctx.options.mode {
                Mode::Enforce => "enforce",
                Mode::Warn => "warn",
            }
            .to_string(),
        ),
    };
    let mut cip = ClusterImagePolicy::new(&ctx.name, spec);
    cip.metadata.labels = Some(ctx.labels());
    Ok(cip)
}

fn key_ref(ctx: &Context<'_>, public_key_pem: &str) -> KeyRef {
    match &ctx.options.key_secret {
        Some(secret) => KeyRef {
            secret_ref: Some(SecretReference {
                name: secret.name.clone(),
                namespace: Some(secret.namespace.clone()),
            }),
            ..KeyRef::default()
        },
        None => KeyRef {
            data: Some(super::normalize_pem(public_key_pem)),
            ..KeyRef::default()
        },
    }
}
