//! Tampering: a changed payload, a wrong key, a signature for another digest, and
//! checks on an envelope other than the verified one (CVE-2022-35929's class). Both
//! secchain and the real cosign must reject each, in both formats.

mod common;

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use common::{assert_failed, other_keys, World};
use secchain_oci::manifest::media_type;
use secchain_oci::{Descriptor, Digest, ImageManifest, Manifest};
use secchain_sign::bundle::Bundle;
use secchain_sign::legacy::{self, LegacyKind};
use secchain_sign::payload::dsse::Envelope;
use secchain_sign::payload::intoto::Statement;
use secchain_sign::SignatureFormat::{Bundle as BundleFormat, Legacy};
use secchain_sign::SignatureStore;

const VERIFY: &[&str] = &[
    "verify",
    "--insecure-ignore-tlog=true",
    "--allow-insecure-registry",
];

/// Runs `cosign verify`, asserts it fails, and that its error mentions `why`.
fn cosign_rejects(w: &World, public: &str, image: &str, legacy_format: bool, why: &str) {
    let err = cosign_verify(w, public, image, legacy_format);
    assert!(
        err.contains(why),
        "cosign failed, but not with `{why}`:\n{err}"
    );
}

const BAD_SIGNATURE: &str = "invalid signature when validating ASN.1 encoded signature";
const BAD_ENVELOPE: &str = "accepted signatures do not match threshold";

fn cosign_verify(w: &World, public: &str, image: &str, legacy_format: bool) -> String {
    let mut a: Vec<&str> = VERIFY.to_vec();
    a.extend(["--key", public]);
    if legacy_format {
        a.push("--new-bundle-format=false");
    }
    a.push(image);
    w.cosign_fails(&a)
}

/// Replaces the `.sig`/`.att` manifest of `subject` by one with `layers`.
async fn put_legacy(
    store: &dyn SignatureStore,
    subject: &Digest,
    kind: LegacyKind,
    layers: Vec<(Descriptor, Vec<u8>)>,
) {
    for (d, data) in &layers {
        store.put_blob(d, data).await.unwrap();
    }
    let config = b"{}".to_vec();
    let config_desc = Descriptor::of_bytes(media_type::OCI_CONFIG, &config);
    store.put_blob(&config_desc, &config).await.unwrap();
    let m = ImageManifest {
        schema_version: 2,
        media_type: Some(media_type::OCI_MANIFEST.into()),
        artifact_type: None,
        config: config_desc,
        layers: layers.into_iter().map(|(d, _)| d).collect(),
        subject: None,
        annotations: None,
    };
    store
        .put_manifest(
            &kind.tag(subject),
            media_type::OCI_MANIFEST,
            &serde_json::to_vec(&m).unwrap(),
        )
        .await
        .unwrap();
}

/// Replaces the referrers of `subject` by one bundle manifest holding `bundle_bytes`.
async fn put_bundle(
    store: &dyn SignatureStore,
    subject: &Digest,
    subject_size: u64,
    bundle_bytes: &[u8],
) {
    let subject_desc = Descriptor::new(media_type::DOCKER_MANIFEST, subject.clone(), subject_size);
    let m = secchain_sign::bundle::referrer_manifest(
        bundle_bytes,
        &subject_desc,
        "https://sigstore.dev/cosign/sign/v1",
        "2026-01-01T00:00:00Z",
    );
    store.put_blob(&m.layers[0], bundle_bytes).await.unwrap();
    store.put_blob(&m.config, b"{}").await.unwrap();
    let bytes = serde_json::to_vec(&m).unwrap();
    let digest = Digest::sha256(&bytes);
    store
        .put_manifest(&digest.to_string(), media_type::OCI_MANIFEST, &bytes)
        .await
        .unwrap();
    let mut entry = Descriptor::new(media_type::OCI_MANIFEST, digest, bytes.len() as u64);
    entry.artifact_type = m.artifact_type.clone();
    let mut index = secchain_oci::ImageIndex::empty_oci();
    index.manifests.push(entry);
    store
        .put_manifest(
            &subject.to_tag(),
            media_type::OCI_INDEX,
            &serde_json::to_vec(&index).unwrap(),
        )
        .await
        .unwrap();
}

/// The bundle secchain pushed for `subject` (the only referrer).
async fn read_bundle(store: &dyn SignatureStore, subject: &Digest) -> Bundle {
    let refs = store.referrers(subject).await.unwrap();
    assert_eq!(refs.len(), 1, "{refs:?}");
    let raw = store
        .get_manifest(&refs[0].digest.to_string())
        .await
        .unwrap()
        .unwrap();
    let Manifest::Image(m) = Manifest::parse(&raw.bytes, None, "referrer").unwrap() else {
        panic!("not a manifest")
    };
    Bundle::parse(&store.get_blob(&m.layers[0]).await.unwrap()).unwrap()
}

fn manifest_size(w: &World, digest: &str) -> u64 {
    w.ctx
        .crane(&["manifest", &format!("{}@{digest}", w.repo)])
        .len() as u64
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_payload_is_rejected_legacy() {
    let w = World::new();
    let keys = w.cosign_keys();
    w.sign(&w.image(), keys.signer(), Legacy, &[("env", "prod")])
        .await;
    let store = w.store();
    let subject = w.subject();
    let (_, layers) = legacy::read_layers(&store, &subject, LegacyKind::Signature)
        .await
        .unwrap()
        .unwrap();
    // Same signature annotation, payload edited to claim another annotation value.
    let original = store.get_blob(&layers[0]).await.unwrap();
    let edited = String::from_utf8(original)
        .unwrap()
        .replace("\"prod\"", "\"dev\"")
        .into_bytes();
    let mut d = Descriptor::of_bytes(&layers[0].media_type, &edited);
    d.annotations = layers[0].annotations.clone();
    put_legacy(&store, &subject, LegacyKind::Signature, vec![(d, edited)]).await;

    cosign_rejects(&w, keys.pub_str(), &w.image(), true, BAD_SIGNATURE);
    let r = w
        .verify(&w.image(), &keys.public, None, &[], &[Legacy])
        .await;
    assert_failed(&r, "signature: the signature does not verify");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_payload_is_rejected_bundle() {
    let w = World::new();
    let keys = w.cosign_keys();
    w.sign(&w.image(), keys.signer(), BundleFormat, &[("env", "prod")])
        .await;
    let store = w.store();
    let subject = w.subject();
    let mut bundle = read_bundle(&store, &subject).await;
    let env = bundle.dsse_envelope.as_mut().unwrap();
    let statement = String::from_utf8(B64.decode(&env.payload).unwrap()).unwrap();
    env.payload = B64.encode(statement.replace("\"prod\"", "\"dev\""));
    put_bundle(
        &store,
        &subject,
        manifest_size(&w, &w.digest),
        &bundle.to_bytes(),
    )
    .await;

    cosign_rejects(&w, keys.pub_str(), &w.image(), false, BAD_ENVELOPE);
    let r = w
        .verify(&w.image(), &keys.public, None, &[], &[BundleFormat])
        .await;
    assert_failed(&r, "does not verify");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_is_rejected() {
    let w = World::new();
    let keys = w.cosign_keys();
    let stranger = other_keys();
    let image = w.image();
    w.sign(&image, keys.signer(), Legacy, &[]).await;
    w.sign(&image, keys.signer(), BundleFormat, &[]).await;
    cosign_rejects(&w, stranger.pub_str(), &image, true, BAD_SIGNATURE);
    cosign_rejects(&w, stranger.pub_str(), &image, false, BAD_ENVELOPE);
    for format in [Legacy, BundleFormat] {
        let r = w
            .verify(&image, &stranger.public, None, &[], &[format])
            .await;
        assert_failed(&r, "does not verify with the given public key");
    }
    // The right key still verifies both.
    let ok = w.verify(&image, &keys.public, None, &[], &[]).await;
    assert_eq!(ok.verified.len(), 2, "{}", ok.reason);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signature_for_another_digest_is_rejected() {
    let w = World::new();
    let keys = w.cosign_keys();
    let store = w.store();
    let a = w.subject();
    let b_digest = w.push_other("b");
    let b = Digest::parse(&b_digest).unwrap();
    let image_b = format!("{}@{b_digest}", w.repo);
    w.sign(&w.image(), keys.signer(), Legacy, &[]).await;
    w.sign(&w.image(), keys.signer(), BundleFormat, &[]).await;

    // Legacy: A's `.sig` manifest copied under B's tag.
    let (_, layers) = legacy::read_layers(&store, &a, LegacyKind::Signature)
        .await
        .unwrap()
        .unwrap();
    let mut copied = Vec::new();
    for l in layers {
        let data = store.get_blob(&l).await.unwrap();
        copied.push((l, data));
    }
    put_legacy(&store, &b, LegacyKind::Signature, copied).await;
    // Bundle: A's bundle attached to B as a referrer.
    let bundle = read_bundle(&store, &a).await;
    put_bundle(&store, &b, manifest_size(&w, &b_digest), &bundle.to_bytes()).await;

    cosign_rejects(
        &w,
        keys.pub_str(),
        &image_b,
        true,
        "invalid or missing digest in claim",
    );
    cosign_rejects(
        &w,
        keys.pub_str(),
        &image_b,
        false,
        "does not match any digest in statement",
    );
    let r = w.verify(&image_b, &keys.public, None, &[], &[Legacy]).await;
    assert_failed(
        &r,
        &format!("the signed payload is for {}, not {b_digest}", w.digest),
    );
    let r = w
        .verify(&image_b, &keys.public, None, &[], &[BundleFormat])
        .await;
    assert_failed(&r, "subject-digest");
    // A itself still verifies.
    let ok = w.verify(&w.image(), &keys.public, None, &[], &[]).await;
    assert_eq!(ok.verified.len(), 2, "{}", ok.reason);
}

/// CVE-2022-35929's class: the predicate type and subject must come from the envelope
/// whose signature verified, never from a sibling layer or a layer annotation.
#[tokio::test(flavor = "multi_thread")]
async fn checks_are_made_on_the_verified_envelope_only() {
    let w = World::new();
    let keys = w.cosign_keys();
    let store = w.store();
    let subject = w.subject();
    // A genuinely signed CycloneDX attestation, labelled as SLSA provenance in the
    // (unsigned) layer annotation...
    w.attest(
        &w.image(),
        keys.signer(),
        Legacy,
        "cyclonedx",
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5"}),
    )
    .await;
    let (_, layers) = legacy::read_layers(&store, &subject, LegacyKind::Attestation)
        .await
        .unwrap()
        .unwrap();
    let genuine = store.get_blob(&layers[0]).await.unwrap();
    let mut relabelled = layers[0].clone();
    relabelled.annotations = Some(BTreeMap::from([
        (legacy::SIGNATURE_ANNOTATION.into(), String::new()),
        (
            legacy::PREDICATE_TYPE_ANNOTATION.into(),
            "https://slsa.dev/provenance/v1".into(),
        ),
    ]));
    // ...next to a forged SLSA envelope carrying the genuine envelope's signature.
    let genuine_env = Envelope::parse(&genuine).unwrap();
    let forged_statement = Statement::for_image(
        Some(&w.repo),
        &w.digest,
        None,
        "https://slsa.dev/provenance/v1",
        common::slsa_predicate(),
    )
    .unwrap();
    let forged = Envelope {
        payload: B64.encode(forged_statement.to_bytes()),
        payload_type: genuine_env.payload_type.clone(),
        signatures: genuine_env.signatures.clone(),
    }
    .to_bytes();
    let mut forged_desc = Descriptor::of_bytes(&layers[0].media_type, &forged);
    forged_desc.annotations = relabelled.annotations.clone();
    put_legacy(
        &store,
        &subject,
        LegacyKind::Attestation,
        vec![(relabelled, genuine), (forged_desc, forged)],
    )
    .await;

    let r = w
        .verify(
            &w.image(),
            &keys.public,
            Some("slsaprovenance1"),
            &[],
            &[Legacy],
        )
        .await;
    assert!(!r.passed, "{:#?}", r.checks);
    // The genuine one is recognised for what its signed statement says it is.
    let cdx = w
        .verify(&w.image(), &keys.public, Some("cyclonedx"), &[], &[Legacy])
        .await;
    assert!(cdx.passed, "{}", cdx.reason);
    // cosign agrees.
    let a: Vec<&str> = vec![
        "verify-attestation",
        "--insecure-ignore-tlog=true",
        "--allow-insecure-registry",
        "--key",
        keys.pub_str(),
        "--type",
        "slsaprovenance1",
        "--new-bundle-format=false",
    ];
    let image = w.image();
    let mut a2 = a.clone();
    a2.push(&image);
    w.cosign_fails(&a2);
}
