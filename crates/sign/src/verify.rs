//! `secchain verify`: checks an image's signatures or attestations with a public key.
//!
//! Both formats are read: the legacy `sha256-<hex>.sig` / `.att` tags and Sigstore
//! bundles attached as referrers. Every candidate is checked in this order, and every
//! check after the first is made **only on the bytes whose signature verified**:
//!
//! 1. `signature`: the signature verifies with the key over exactly the stored payload
//!    (legacy signatures) or the DSSE pre-authentication encoding of the envelope's
//!    payload and type (attestations, bundles);
//! 2. `payload`: the verified bytes are a simple-signing payload / an in-toto statement;
//! 3. `subject-digest`: the verified payload names the image's digest;
//! 4. `predicate-type`: the verified statement's predicate type is the one asked for
//!    (cosign's sign predicate for bundle signatures);
//! 5. `annotations`: every required annotation is in the verified payload.
//!
//! Layer annotations (`predicateType`), referrer manifest annotations and index
//! entries only say where to look; a candidate that passes all checks is counted, one
//! that fails any is not. Verification passes when at least one candidate passes
//! every check (as cosign's), and fails closed otherwise, with the reasons.

use std::collections::BTreeMap;

use base64::Engine as _;
use secchain_oci::{Descriptor, Digest, ImageSource, Manifest};
use serde::Serialize;

use crate::bundle::{self, Bundle};
use crate::error::{Error, Result};
use crate::key::{load_verification_key, KeyRef, PublicKey};
use crate::legacy::{self, LegacyKind};
use crate::payload::dsse::{self, Envelope};
use crate::payload::intoto::{self, PredicateType, Statement};
use crate::payload::simple_signing::{self, SimpleSigning};
use crate::payload::Verified;
use crate::referrers;
use crate::sign::SignatureFormat;
use crate::store::{RegistryStore, SignatureStore};

/// A request to verify an image (`secchain verify`).
#[derive(Clone, Debug)]
pub struct VerifyRequest {
    /// The image (a tag is resolved to its digest first).
    pub image: String,
    /// The public key.
    pub key: KeyRef,
    /// Verify attestations of this predicate type instead of signatures.
    pub attestation: Option<PredicateType>,
    /// Annotations every accepted signature must carry (`-a key=value`).
    pub annotations: BTreeMap<String, String>,
    /// Formats to look at; empty means both.
    pub formats: Vec<SignatureFormat>,
    /// Registry access.
    pub registry: secchain_oci::OpenOptions,
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The check passed.
    Pass,
    /// The check failed: this candidate is not accepted.
    Fail,
    /// Not applicable (not a candidate of the kind asked for, or nothing to check).
    Skip,
}

/// One check made on one candidate.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// Which signature or attestation (`legacy .sig layer 1 (sha256:…)`, `bundle sha256:…`).
    pub candidate: String,
    /// `discovery`, `fetch`, `signature`, `payload`, `subject-digest`, `predicate-type`, `annotations`.
    pub check: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub detail: String,
}

/// A signature or attestation that passed every check.
#[derive(Clone, Debug, Serialize)]
pub struct VerifiedSignature {
    /// Which one.
    pub candidate: String,
    /// Its format.
    pub format: SignatureFormat,
    /// Digest of the verified payload / envelope / bundle blob.
    pub payload_digest: String,
    /// Annotations from the verified payload.
    pub annotations: BTreeMap<String, serde_json::Value>,
    /// The verified statement's predicate type (attestations, bundles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// The verified statement (attestations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<serde_json::Value>,
}

/// The result of [`verify_image`]: one verdict per check, and the overall one.
#[derive(Clone, Debug, Serialize)]
pub struct VerificationReport {
    /// `registry/repo@sha256:…`.
    pub image: String,
    /// The digest verified against.
    pub digest: String,
    /// `signature` or `attestation`.
    pub mode: &'static str,
    /// The predicate type asked for (attestations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// What passed every check.
    pub verified: Vec<VerifiedSignature>,
    /// True when at least one signature/attestation passed every check.
    pub passed: bool,
    /// One line: what passed, or why verification failed.
    pub reason: String,
}

/// Verifies an image's signatures (or attestations): resolves the image to its
/// digest, reads both formats, and checks each candidate. Errors are for what stopped
/// verification (unreadable key, unreachable registry); failed checks are in the
/// report, with `passed == false`.
pub async fn verify_image(request: &VerifyRequest) -> Result<VerificationReport> {
    let key = load_verification_key(&request.key)?;
    let reference = match ImageSource::parse(&request.image) {
        Ok(ImageSource::Registry(r)) => r,
        Ok(_) => {
            return Err(Error::Invalid(format!(
                "{}: verification reads signatures from a registry; give a registry reference",
                request.image
            )))
        }
        Err(e) => return Err(Error::Invalid(e.to_string())),
    };
    let store = RegistryStore::new(&reference, &request.registry);
    let digest = match reference.digest() {
        Some(d) => d.clone(),
        None => store.resolve(&reference).await?,
    };
    let policy = Policy {
        key,
        attestation: request.attestation.clone(),
        annotations: request.annotations.clone(),
        formats: if request.formats.is_empty() {
            vec![SignatureFormat::Legacy, SignatureFormat::Bundle]
        } else {
            request.formats.clone()
        },
    };
    verify_subject(&store, &digest, &policy).await
}

/// What [`verify_subject`] requires.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The public key.
    pub key: PublicKey,
    /// Attestations of this type instead of signatures.
    pub attestation: Option<PredicateType>,
    /// Required annotations.
    pub annotations: BTreeMap<String, String>,
    /// Formats to read.
    pub formats: Vec<SignatureFormat>,
}

struct Run {
    checks: Vec<Check>,
    verified: Vec<VerifiedSignature>,
}

impl Run {
    fn check(
        &mut self,
        candidate: &str,
        check: &'static str,
        verdict: Verdict,
        detail: impl Into<String>,
    ) {
        self.checks.push(Check {
            candidate: candidate.to_string(),
            check,
            verdict,
            detail: detail.into(),
        });
    }

    /// Records a pass/fail and returns whether it passed.
    fn require(
        &mut self,
        candidate: &str,
        check: &'static str,
        outcome: std::result::Result<String, String>,
    ) -> bool {
        match outcome {
            Ok(d) => {
                self.check(candidate, check, Verdict::Pass, d);
                true
            }
            Err(d) => {
                self.check(candidate, check, Verdict::Fail, d);
                false
            }
        }
    }
}

/// Verifies the signatures (or attestations) of `digest` in `store` under `policy`.
pub async fn verify_subject(
    store: &dyn SignatureStore,
    digest: &Digest,
    policy: &Policy,
) -> Result<VerificationReport> {
    let mut run = Run {
        checks: Vec::new(),
        verified: Vec::new(),
    };
    for format in &policy.formats {
        match format {
            SignatureFormat::Legacy => verify_legacy(store, digest, policy, &mut run).await?,
            SignatureFormat::Bundle => verify_bundles(store, digest, policy, &mut run).await?,
        }
    }
    let mode = if policy.attestation.is_some() {
        "attestation"
    } else {
        "signature"
    };
    let passed = !run.verified.is_empty();
    let reason = if passed {
        let mut formats: Vec<String> = run.verified.iter().map(|v| v.format.to_string()).collect();
        formats.dedup();
        format!(
            "{} {mode}(s) verified ({})",
            run.verified.len(),
            formats.join(", ")
        )
    } else {
        let failures: Vec<String> = run
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .map(|c| format!("{}: {}: {}", c.candidate, c.check, c.detail))
            .collect();
        if failures.is_empty() {
            let what = match &policy.attestation {
                Some(t) => format!("attestations of type {}", t.uri()),
                None => "signatures".to_string(),
            };
            format!("no {what} found for {}@{digest}", store.repository_name())
        } else {
            format!("no valid {mode}: {}", failures.join("; "))
        }
    };
    Ok(VerificationReport {
        image: format!("{}@{digest}", store.repository_name()),
        digest: digest.to_string(),
        mode,
        predicate_type: policy.attestation.as_ref().map(|t| t.uri().to_string()),
        checks: run.checks,
        verified: run.verified,
        passed,
        reason,
    })
}

fn decode_sig(text: &str) -> std::result::Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| "the signature annotation is not base64".to_string())
}

fn check_annotations(
    have: &BTreeMap<String, serde_json::Value>,
    want: &BTreeMap<String, String>,
) -> std::result::Result<String, String> {
    let missing: Vec<String> = want
        .iter()
        .filter(|(k, v)| have.get(*k).and_then(|x| x.as_str()) != Some(v.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if missing.is_empty() {
        Ok(if want.is_empty() {
            "none required".into()
        } else {
            format!("{} required annotation(s) present", want.len())
        })
    } else {
        Err(format!(
            "required annotation(s) not in the signed payload: {}",
            missing.join(", ")
        ))
    }
}

async fn verify_legacy(
    store: &dyn SignatureStore,
    digest: &Digest,
    policy: &Policy,
    run: &mut Run,
) -> Result<()> {
    let kind = if policy.attestation.is_some() {
        LegacyKind::Attestation
    } else {
        LegacyKind::Signature
    };
    let tag = kind.tag(digest);
    let Some((_, layers)) = legacy::read_layers(store, digest, kind).await? else {
        run.check(
            &format!("legacy {tag}"),
            "discovery",
            Verdict::Skip,
            "no such tag",
        );
        return Ok(());
    };
    run.check(
        &format!("legacy {tag}"),
        "discovery",
        Verdict::Skip,
        format!("{} layer(s)", layers.len()),
    );
    for (i, layer) in layers.iter().enumerate() {
        let candidate = format!("legacy {tag} layer {} ({})", i + 1, layer.digest);
        let expected_type = match kind {
            LegacyKind::Signature => simple_signing::MEDIA_TYPE,
            LegacyKind::Attestation => dsse::MEDIA_TYPE,
        };
        if layer.media_type != expected_type {
            run.check(
                &candidate,
                "payload",
                Verdict::Skip,
                format!(
                    "layer media type {} is not {expected_type}",
                    layer.media_type
                ),
            );
            continue;
        }
        let data = match store.get_blob(layer).await {
            Ok(d) => d,
            Err(e) => {
                run.check(&candidate, "fetch", Verdict::Fail, e.to_string());
                continue;
            }
        };
        match kind {
            LegacyKind::Signature => {
                let sig = layer
                    .annotation(legacy::SIGNATURE_ANNOTATION)
                    .ok_or_else(|| "the layer has no signature annotation".to_string())
                    .and_then(decode_sig);
                let verified = sig.and_then(|s| {
                    policy
                        .key
                        .verify(&data, &s)
                        .map(|()| Verified::new(data.clone()))
                });
                let verified = match verified {
                    Ok(v) => {
                        run.check(
                            &candidate,
                            "signature",
                            Verdict::Pass,
                            "verified with the key",
                        );
                        v
                    }
                    Err(e) => {
                        run.check(&candidate, "signature", Verdict::Fail, e);
                        continue;
                    }
                };
                check_simple_signing(&candidate, &verified, digest, policy, layer, run);
            }
            LegacyKind::Attestation => {
                let envelope = match Envelope::parse(&data) {
                    Ok(e) => e,
                    Err(e) => {
                        run.check(&candidate, "payload", Verdict::Fail, e.to_string());
                        continue;
                    }
                };
                check_envelope(
                    &candidate,
                    SignatureFormat::Legacy,
                    &envelope,
                    layer.digest.to_string(),
                    digest,
                    policy,
                    run,
                );
            }
        }
    }
    Ok(())
}

fn check_simple_signing(
    candidate: &str,
    verified: &Verified<Vec<u8>>,
    digest: &Digest,
    policy: &Policy,
    layer: &Descriptor,
    run: &mut Run,
) {
    let payload = match verified.map(|b| SimpleSigning::parse(b)) {
        Ok(p) => p,
        Err(e) => {
            run.check(candidate, "payload", Verdict::Fail, e.to_string());
            return;
        }
    };
    run.check(
        candidate,
        "payload",
        Verdict::Pass,
        "a cosign simple-signing payload",
    );
    let p = payload.get();
    let named = &p.critical.image.docker_manifest_digest;
    if !run.require(
        candidate,
        "subject-digest",
        if *named == digest.to_string() {
            Ok(format!("the signed payload names {digest}"))
        } else {
            Err(format!("the signed payload is for {named}, not {digest}"))
        },
    ) {
        return;
    }
    let annotations = p.annotations();
    if !run.require(
        candidate,
        "annotations",
        check_annotations(&annotations, &policy.annotations),
    ) {
        return;
    }
    run.verified.push(VerifiedSignature {
        candidate: candidate.to_string(),
        format: SignatureFormat::Legacy,
        payload_digest: layer.digest.to_string(),
        annotations,
        predicate_type: None,
        statement: None,
    });
}

/// Checks a DSSE envelope (legacy attestation layer, or the bundle's envelope).
fn check_envelope(
    candidate: &str,
    format: SignatureFormat,
    envelope: &Envelope,
    payload_digest: String,
    digest: &Digest,
    policy: &Policy,
    run: &mut Run,
) {
    let verified = match envelope.verify(|m, s| policy.key.verify(m, s)) {
        Ok(v) => {
            run.check(
                candidate,
                "signature",
                Verdict::Pass,
                "verified with the key (DSSE)",
            );
            v
        }
        Err(e) => {
            run.check(candidate, "signature", Verdict::Fail, e);
            return;
        }
    };
    let statement = verified.map(|p| {
        if p.payload_type != intoto::PAYLOAD_TYPE {
            return Err(Error::Malformed(format!(
                "the envelope's payload type is {}, not {}",
                p.payload_type,
                intoto::PAYLOAD_TYPE
            )));
        }
        Statement::parse(&p.bytes)
    });
    let statement = match statement {
        Ok(s) => {
            run.check(candidate, "payload", Verdict::Pass, "an in-toto statement");
            s
        }
        Err(e) => {
            run.check(candidate, "payload", Verdict::Fail, e.to_string());
            return;
        }
    };
    let s = statement.get();
    let Some(subject) = s.subject_with_digest(&digest.to_string()) else {
        let named: Vec<String> = s
            .subject
            .iter()
            .flat_map(|d| d.digest.iter().map(|(a, h)| format!("{a}:{h}")))
            .collect();
        run.check(
            candidate,
            "subject-digest",
            Verdict::Fail,
            format!(
                "the signed statement's subjects are [{}], not {digest}",
                named.join(", ")
            ),
        );
        return;
    };
    run.check(
        candidate,
        "subject-digest",
        Verdict::Pass,
        format!("the signed statement names {digest}"),
    );
    let want = match &policy.attestation {
        Some(t) => t.uri().to_string(),
        None => intoto::COSIGN_SIGN_PREDICATE.to_string(),
    };
    if s.predicate_type != want {
        // Verified, but of another type (an attestation where signatures are asked
        // for, an SBOM where provenance is): not a candidate, not a failure.
        run.check(
            candidate,
            "predicate-type",
            Verdict::Skip,
            format!(
                "the signed statement's predicate type is {}, not {want}",
                s.predicate_type
            ),
        );
        return;
    }
    run.check(candidate, "predicate-type", Verdict::Pass, want.clone());
    let annotations = subject.annotations.clone().unwrap_or_default();
    if policy.attestation.is_none()
        && !run.require(
            candidate,
            "annotations",
            check_annotations(&annotations, &policy.annotations),
        )
    {
        return;
    }
    run.verified.push(VerifiedSignature {
        candidate: candidate.to_string(),
        format,
        payload_digest,
        annotations,
        predicate_type: Some(s.predicate_type.clone()),
        statement: policy
            .attestation
            .is_some()
            .then(|| serde_json::to_value(s).unwrap_or_default()),
    });
}

async fn verify_bundles(
    store: &dyn SignatureStore,
    digest: &Digest,
    policy: &Policy,
    run: &mut Run,
) -> Result<()> {
    let candidates = referrers::bundle_candidates(store, digest).await?;
    run.check(
        "bundle referrers",
        "discovery",
        Verdict::Skip,
        format!("{} referrer(s) of {digest}", candidates.len()),
    );
    for d in candidates {
        let candidate = format!("bundle {}", d.digest);
        let raw = match store.get_manifest(&d.digest.to_string()).await {
            Ok(Some(m)) => m,
            Ok(None) => {
                run.check(
                    &candidate,
                    "fetch",
                    Verdict::Fail,
                    "the referrer manifest is missing",
                );
                continue;
            }
            Err(e) => {
                run.check(&candidate, "fetch", Verdict::Fail, e.to_string());
                continue;
            }
        };
        let manifest = match Manifest::parse(&raw.bytes, Some(&raw.media_type), &candidate) {
            Ok(Manifest::Image(m)) => m,
            _ => {
                run.check(
                    &candidate,
                    "payload",
                    Verdict::Skip,
                    "not an image manifest",
                );
                continue;
            }
        };
        let is_bundle = |t: &str| t == bundle::MEDIA_TYPE || bundle::OLDER_MEDIA_TYPES.contains(&t);
        let Some(layer) = manifest.layers.iter().find(|l| is_bundle(&l.media_type)) else {
            run.check(
                &candidate,
                "payload",
                Verdict::Skip,
                "no Sigstore bundle layer",
            );
            continue;
        };
        let data = match store.get_blob(layer).await {
            Ok(b) => b,
            Err(e) => {
                run.check(&candidate, "fetch", Verdict::Fail, e.to_string());
                continue;
            }
        };
        let parsed = match Bundle::parse(&data) {
            Ok(b) => b,
            Err(e) => {
                run.check(&candidate, "payload", Verdict::Fail, e.to_string());
                continue;
            }
        };
        let Some(envelope) = parsed.dsse_envelope.as_ref() else {
            run.check(
                &candidate,
                "payload",
                Verdict::Fail,
                "the bundle holds a message signature, not a DSSE envelope; image signatures and attestations are DSSE",
            );
            continue;
        };
        check_envelope(
            &candidate,
            SignatureFormat::Bundle,
            envelope,
            layer.digest.to_string(),
            digest,
            policy,
            run,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use secchain_oci::manifest::media_type;

    use super::*;
    use crate::sign::{sign_subject, SigningSession, Subject, What};
    use crate::store::MemoryStore;
    use crate::SigningKeyPair;

    fn session(key: &SigningKeyPair) -> SigningSession {
        SigningSession {
            signer: Arc::new(key.clone()),
            tlog: None,
        }
    }

    fn policy(key: &SigningKeyPair, attestation: Option<&str>, ann: &[(&str, &str)]) -> Policy {
        Policy {
            key: key.public_key(),
            attestation: attestation.map(|t| PredicateType::parse(t).unwrap()),
            annotations: ann
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            formats: vec![SignatureFormat::Legacy, SignatureFormat::Bundle],
        }
    }

    #[tokio::test]
    async fn both_formats_round_trip_and_fail_closed() {
        let store = MemoryStore::new("r.example/app");
        let image = Descriptor::of_bytes(media_type::OCI_MANIFEST, b"an image manifest");
        let subject = Subject {
            repository: "r.example/app".into(),
            descriptor: image.clone(),
        };
        let key = SigningKeyPair::generate("test").unwrap();
        let digest = image.digest.clone();

        let none = verify_subject(&store, &digest, &policy(&key, None, &[]))
            .await
            .unwrap();
        assert!(!none.passed);
        assert!(
            none.reason.starts_with("no signatures found"),
            "{}",
            none.reason
        );

        let ann = BTreeMap::from([("env".to_string(), "prod".to_string())]);
        for format in [SignatureFormat::Legacy, SignatureFormat::Bundle] {
            sign_subject(
                &store,
                &subject,
                &session(&key),
                format,
                What::Signature { annotations: &ann },
                false,
            )
            .await
            .unwrap();
        }
        let ok = verify_subject(&store, &digest, &policy(&key, None, &[("env", "prod")]))
            .await
            .unwrap();
        assert!(ok.passed, "{}", ok.reason);
        assert_eq!(ok.verified.len(), 2);
        let wrong = verify_subject(&store, &digest, &policy(&key, None, &[("env", "dev")]))
            .await
            .unwrap();
        assert!(!wrong.passed);
        assert!(wrong.reason.contains("env=dev"), "{}", wrong.reason);
        let stranger = SigningKeyPair::generate("other").unwrap();
        assert!(
            !verify_subject(&store, &digest, &policy(&stranger, None, &[]))
                .await
                .unwrap()
                .passed
        );

        // An attestation is found as one, and is not a signature.
        let predicate = serde_json::json!({"bomFormat": "CycloneDX"});
        sign_subject(
            &store,
            &subject,
            &session(&key),
            SignatureFormat::Bundle,
            What::Attestation {
                predicate_type: &PredicateType::CycloneDx,
                predicate: &predicate,
            },
            false,
        )
        .await
        .unwrap();
        let att = verify_subject(&store, &digest, &policy(&key, Some("cyclonedx"), &[]))
            .await
            .unwrap();
        assert!(att.passed, "{}", att.reason);
        assert_eq!(
            att.verified[0].statement.as_ref().unwrap()["predicate"],
            predicate
        );
        let sigs = verify_subject(&store, &digest, &policy(&key, None, &[]))
            .await
            .unwrap();
        assert_eq!(sigs.verified.len(), 2, "{:#?}", sigs.checks);
        assert!(sigs
            .checks
            .iter()
            .any(|c| c.check == "predicate-type" && c.verdict == Verdict::Skip));
    }
}
