//! Interoperability with the real cosign (Debian unstable's cosign 3.x) against a
//! real registry (distribution 2.8, no referrers API: the tag schema is exercised).
//!
//! Both directions, both formats, signatures and attestations, keys made by either
//! tool. cosign runs offline: `--use-signing-config=false --tlog-upload=false` to
//! sign, `--insecure-ignore-tlog=true` to verify.

mod common;

use common::{assert_failed, assert_passed, other_keys, slsa_predicate, World, PASSWORD};
use secchain_sign::SignatureFormat::{Bundle, Legacy};

const SIGN: &[&str] = &[
    "sign",
    "--use-signing-config=false",
    "--tlog-upload=false",
    "--allow-insecure-registry",
    "-y",
];
const VERIFY: &[&str] = &[
    "verify",
    "--insecure-ignore-tlog=true",
    "--allow-insecure-registry",
];
const ATTEST: &[&str] = &[
    "attest",
    "--use-signing-config=false",
    "--tlog-upload=false",
    "--allow-insecure-registry",
    "-y",
];
const VERIFY_ATTESTATION: &[&str] = &[
    "verify-attestation",
    "--insecure-ignore-tlog=true",
    "--allow-insecure-registry",
];

fn args<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn secchain_signs_legacy_cosign_verifies() {
    let w = World::new();
    let keys = w.cosign_keys();
    // Through the key file (decrypting cosign's format) once; the other tests reuse the key.
    let out = w
        .sign(
            &w.image(),
            keys.file_signer(),
            Legacy,
            &[("team", "payments")],
        )
        .await;
    assert_eq!(out.digest, w.digest);
    assert!(out.tag.ends_with(".sig"), "{}", out.tag);
    let public = &keys.public;
    let pub_s = keys.pub_str();
    let image = w.image();
    w.cosign_ok(&args(
        VERIFY,
        &[
            "--key",
            pub_s,
            "--new-bundle-format=false",
            "-a",
            "team=payments",
            &image,
        ],
    ));
    // Without a format flag cosign 3 still finds it.
    w.cosign_ok(&args(VERIFY, &["--key", pub_s, &image]));
    // An annotation that is not there.
    w.cosign_fails(&args(
        VERIFY,
        &[
            "--key",
            pub_s,
            "--new-bundle-format=false",
            "-a",
            "team=other",
            &image,
        ],
    ));
    assert_passed(
        &w.verify(&image, public, None, &[("team", "payments")], &[])
            .await,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secchain_signs_bundle_cosign_verifies() {
    let w = World::new();
    let keys = w.cosign_keys();
    let out = w
        .sign(&w.image(), keys.signer(), Bundle, &[("team", "payments")])
        .await;
    assert_eq!(out.tag, format!("{}:sha256-{}", w.repo, &w.digest[7..]));
    let public = &keys.public;
    let pub_s = keys.pub_str();
    let image = w.image();
    w.cosign_ok(&args(
        VERIFY,
        &["--key", pub_s, "-a", "team=payments", &image],
    ));
    w.cosign_fails(&args(VERIFY, &["--key", pub_s, "-a", "team=other", &image]));
    assert_passed(
        &w.verify(&image, public, None, &[("team", "payments")], &[Bundle])
            .await,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cosign_signs_both_formats_secchain_verifies() {
    let w = World::new();
    let keys = w.cosign_keys();
    let (key_s, public) = (keys.key_str(), &keys.public);
    let image = w.image();
    w.cosign_ok(&args(
        SIGN,
        &[
            "--key",
            key_s,
            "--new-bundle-format=false",
            "-a",
            "kind=legacy",
            &image,
        ],
    ));
    w.cosign_ok(&args(SIGN, &["--key", key_s, "-a", "kind=bundle", &image]));

    let legacy = w
        .verify(&image, public, None, &[("kind", "legacy")], &[Legacy])
        .await;
    assert_passed(&legacy);
    assert_eq!(legacy.verified.len(), 1);
    let bundle = w
        .verify(&image, public, None, &[("kind", "bundle")], &[Bundle])
        .await;
    assert_passed(&bundle);
    assert_eq!(bundle.verified[0].format, Bundle);
    // Both at once: each signature carries its own annotation.
    let both = w.verify(&image, public, None, &[], &[]).await;
    assert_passed(&both);
    assert_eq!(both.verified.len(), 2, "{:#?}", both.verified);
    // A required annotation neither has.
    assert_failed(
        &w.verify(&image, public, None, &[("kind", "other")], &[])
            .await,
        "required annotation",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn attestations_both_ways_both_formats() {
    let w = World::new();
    let keys = w.cosign_keys();
    let (key_s, pub_s, public) = (keys.key_str(), keys.pub_str(), &keys.public);
    let predicate = w.ctx.write("provenance.json", slsa_predicate().to_string());
    let pred_s = predicate.to_str().unwrap();

    // secchain attests (both formats) -> cosign verifies.
    let a = w.push_other("a");
    let image_a = format!("{}@{a}", w.repo);
    w.attest(
        &image_a,
        keys.signer(),
        Legacy,
        "slsaprovenance1",
        slsa_predicate(),
    )
    .await;
    w.cosign_ok(&args(
        VERIFY_ATTESTATION,
        &[
            "--key",
            pub_s,
            "--type",
            "slsaprovenance1",
            "--new-bundle-format=false",
            &image_a,
        ],
    ));
    let b = w.push_other("b");
    let image_b = format!("{}@{b}", w.repo);
    w.attest(
        &image_b,
        keys.signer(),
        Bundle,
        "slsaprovenance1",
        slsa_predicate(),
    )
    .await;
    w.cosign_ok(&args(
        VERIFY_ATTESTATION,
        &["--key", pub_s, "--type", "slsaprovenance1", &image_b],
    ));

    // cosign attests (both formats) -> secchain verifies.
    let image = w.image();
    w.cosign_ok(&args(
        ATTEST,
        &[
            "--key",
            key_s,
            "--type",
            "slsaprovenance1",
            "--predicate",
            pred_s,
            "--new-bundle-format=false",
            &image,
        ],
    ));
    w.cosign_ok(&args(
        ATTEST,
        &[
            "--key",
            key_s,
            "--type",
            "slsaprovenance1",
            "--predicate",
            pred_s,
            &image,
        ],
    ));
    let legacy = w
        .verify(&image, public, Some("slsaprovenance1"), &[], &[Legacy])
        .await;
    assert_passed(&legacy);
    let statement = legacy.verified[0].statement.as_ref().unwrap();
    assert_eq!(
        statement["predicate"]["runDetails"]["builder"]["id"],
        "https://secchain.dev/builder"
    );
    assert_passed(
        &w.verify(&image, public, Some("slsaprovenance1"), &[], &[Bundle])
            .await,
    );
    // Another predicate type is not there.
    assert_failed(
        &w.verify(&image, public, Some("cyclonedx"), &[], &[]).await,
        "no attestations of type https://cyclonedx.org/bom",
    );
    // And the attestations are not image signatures.
    assert_failed(
        &w.verify(&image, public, None, &[], &[]).await,
        "no signatures",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secchain_key_used_by_cosign_and_cosign_key_used_by_secchain() {
    let w = World::new();
    // A key secchain generated, with cosign 3's default scrypt parameters.
    let dir = w.ctx.path().join("secchain-keys");
    std::fs::create_dir_all(&dir).unwrap();
    let generated = secchain_sign::generate_key_pair(
        &dir,
        &secchain_sign::PasswordSource::given(PASSWORD),
        &secchain_sign::GenerateOptions::default(),
    )
    .unwrap();
    let text = std::fs::read_to_string(&generated.private_key).unwrap();
    assert!(text.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"));
    let image = w.image();
    let (s_key, s_pub) = (
        generated.private_key.to_str().unwrap(),
        generated.public_key.to_str().unwrap(),
    );
    w.cosign_ok(&args(
        SIGN,
        &["--key", s_key, "--new-bundle-format=false", &image],
    ));
    w.cosign_ok(&args(SIGN, &["--key", s_key, &image]));
    w.cosign_ok(&args(
        VERIFY,
        &["--key", s_pub, "--new-bundle-format=false", &image],
    ));
    w.cosign_ok(&args(VERIFY, &["--key", s_pub, &image]));
    let report = w
        .verify(&image, &generated.public_key, None, &[], &[])
        .await;
    assert_passed(&report);
    assert_eq!(report.verified.len(), 2);

    // The key cosign generated, read by secchain (in `cosign_keys`), signs; cosign verifies.
    let keys = w.cosign_keys();
    let other = w.push_other("other");
    let image2 = format!("{}@{other}", w.repo);
    w.sign(&image2, keys.signer(), Bundle, &[]).await;
    w.cosign_ok(&args(VERIFY, &["--key", keys.pub_str(), &image2]));
    // cosign's public key and secchain's reading of cosign's private key agree.
    let public =
        secchain_sign::load_verification_key(&secchain_sign::KeyRef::File(keys.public.clone()))
            .unwrap();
    assert_eq!(keys.pair.public_key(), public);
    // A wrong password is an error naming it.
    let err = secchain_sign::load_signing_key(
        &secchain_sign::KeyRef::File(other_keys().key.clone()),
        &secchain_sign::PasswordSource::given("wrong"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("wrong password"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn signatures_accumulate_across_tools_and_formats() {
    let w = World::new();
    let keys = w.cosign_keys();
    let others = other_keys();
    let (public, public2) = (&keys.public, &others.public);
    let image = w.image();
    w.sign(&image, keys.signer(), Legacy, &[("n", "1")]).await;
    w.sign(&image, others.signer(), Legacy, &[("n", "2")]).await;
    w.cosign_ok(&args(
        SIGN,
        &[
            "--key",
            keys.key_str(),
            "--new-bundle-format=false",
            "-a",
            "n=3",
            &image,
        ],
    ));
    w.sign(&image, keys.signer(), Bundle, &[("n", "4")]).await;
    w.cosign_ok(&args(SIGN, &["--key", keys.key_str(), "-a", "n=5", &image]));
    // Signing the same thing again adds nothing (deterministic ECDSA, same payload).
    let again = w.sign(&image, keys.signer(), Legacy, &[("n", "1")]).await;
    assert!(!again.added);

    let r1 = w.verify(&image, public, None, &[], &[]).await;
    assert_passed(&r1);
    let mut ns: Vec<String> = r1
        .verified
        .iter()
        .map(|v| v.annotations["n"].as_str().unwrap().to_string())
        .collect();
    ns.sort();
    assert_eq!(ns, ["1", "3", "4", "5"]);
    let r2 = w.verify(&image, public2, None, &[], &[]).await;
    assert_eq!(r2.verified.len(), 1);
    // cosign sees every signature by its key in each format.
    let pub_s = keys.pub_str();
    let legacy = w.cosign_ok(&args(
        VERIFY,
        &[
            "--key",
            pub_s,
            "--new-bundle-format=false",
            "-o",
            "json",
            &image,
        ],
    ));
    let legacy: serde_json::Value = serde_json::from_str(&legacy).unwrap();
    assert_eq!(legacy.as_array().unwrap().len(), 2, "{legacy}");
    let bundles = w.cosign_ok(&args(VERIFY, &["--key", pub_s, "-o", "json", &image]));
    let bundles: serde_json::Value = serde_json::from_str(&bundles).unwrap();
    assert_eq!(bundles.as_array().unwrap().len(), 2, "{bundles}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multi_platform_index_is_signed_by_its_own_digest() {
    let w = World::new();
    let keys = w.cosign_keys();
    let a = w.push_other("amd64");
    let b = w.push_other("arm64");
    let index_tag = format!("{}:multi", w.repo);
    w.ctx.crane(&[
        "index",
        "append",
        "-m",
        &format!("{}@{a}", w.repo),
        "-m",
        &format!("{}@{b}", w.repo),
        "-t",
        &index_tag,
    ]);
    let index_digest = w.ctx.crane(&["digest", &index_tag]);
    // Signed by tag: secchain resolves the tag and signs the index digest.
    for format in [Legacy, Bundle] {
        let out = w.sign(&index_tag, keys.signer(), format, &[]).await;
        assert_eq!(out.digest, index_digest);
    }
    let image = format!("{}@{index_digest}", w.repo);
    w.cosign_ok(&args(
        VERIFY,
        &["--key", keys.pub_str(), "--new-bundle-format=false", &image],
    ));
    w.cosign_ok(&args(VERIFY, &["--key", keys.pub_str(), &image]));
    let r = w.verify(&index_tag, &keys.public, None, &[], &[]).await;
    assert_passed(&r);
    assert_eq!(r.verified.len(), 2);
    // The platform images themselves are not signed.
    assert_failed(
        &w.verify(&format!("{}@{a}", w.repo), &keys.public, None, &[], &[])
            .await,
        "no signatures found",
    );
}
