//! Generation as a whole: deterministic bytes, YAML that reads back to the typed value,
//! headers, the emit selection, and bad input failing with the setting to fix.

mod common;

use std::collections::BTreeSet;

use secchain_policy::input::{IdentityMatch, KeylessIdentity, SignatureFormat, Signer};
use secchain_policy::options::{Emit, PolicyOptions};
use secchain_policy::render::{render, render_all, GENERATED_BY};
use secchain_policy::{generate, Error};
use serde_json::Value;

#[test]
fn output_is_byte_identical_across_runs_and_reads_back_to_the_same_value() {
    for (variant, input, options) in common::variants() {
        let a = render_all(&generate(&input, &options).unwrap()).unwrap();
        let b = render_all(&generate(&input.clone(), &options.clone()).unwrap()).unwrap();
        assert_eq!(a, b, "{variant}");
        for doc in generate(&input, &options).unwrap() {
            let text = render(&doc).unwrap();
            assert!(
                text.starts_with(GENERATED_BY),
                "{variant}/{}",
                doc.file_name
            );
            assert!(
                text.lines().nth(1).unwrap().starts_with("# "),
                "{variant}: description line"
            );
            let read: Value = serde_saphyr::from_str(&text).unwrap();
            assert_eq!(
                read,
                doc.resource.to_json().unwrap(),
                "{variant}/{}",
                doc.file_name
            );
            assert_eq!(
                text.matches("\n---").count(),
                0,
                "one resource per document"
            );
        }
    }
}

#[test]
fn emit_selects_the_documents() {
    let all: Vec<String> = generate(&common::key_input(), &PolicyOptions::default())
        .unwrap()
        .into_iter()
        .map(|d| d.file_name)
        .collect();
    assert_eq!(
        all,
        [
            "cluster-image-policy.yaml",
            "kyverno-cluster-policy.yaml",
            "validating-admission-policy.yaml",
            "validating-admission-policy-binding.yaml",
            "pod-spec-snippet.yaml"
        ]
    );
    let only = PolicyOptions {
        emit: BTreeSet::from([Emit::Kyverno]),
        ..PolicyOptions::default()
    };
    let docs = generate(&common::key_input(), &only).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].resource.kind(), "ClusterPolicy");
}

fn err(input: &secchain_policy::PolicyInput, options: &PolicyOptions) -> String {
    generate(input, options).expect_err("must fail").to_string()
}

#[test]
fn a_keyless_identity_missing_a_setting_is_named() {
    for (issuer, subject, setting) in [
        ("", common::SUBJECT, "signer.keyless.issuer"),
        (common::ISSUER, "  ", "signer.keyless.subject"),
    ] {
        let mut input = common::keyless_input();
        input.signer = Signer::Keyless(KeylessIdentity {
            issuer: IdentityMatch::Exact(issuer.into()),
            subject: IdentityMatch::Regexp(subject.into()),
            fulcio_url: "https://fulcio.sigstore.dev".into(),
            rekor_url: "https://rekor.sigstore.dev".into(),
        });
        let e = generate(&input, &PolicyOptions::default()).unwrap_err();
        assert!(
            matches!(&e, Error::Missing { setting: s, .. } if s == setting),
            "{e}"
        );
        assert!(e.to_string().contains("identity"), "{e}");
    }
}

#[test]
fn bad_input_fails_with_the_setting_to_fix() {
    let mut private_key = common::key_input();
    private_key.signer = Signer::Key {
        public_key_pem: "-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----\n"
            .into(),
        rekor_url: None,
    };
    assert!(err(&private_key, &PolicyOptions::default()).contains("signer.public_key_pem"));

    let mut no_builder = common::key_input();
    no_builder.builder_id = None;
    assert!(err(&no_builder, &PolicyOptions::default()).contains("with.builder_id"));

    for (user, why) in [
        (None, "no `User`"),
        (Some("app"), "user name"),
        (Some("0:0"), "root"),
    ] {
        let mut input = common::key_input();
        input.image_user = user.map(String::from);
        let e = err(&input, &PolicyOptions::default());
        assert!(
            e.contains("with.image_config.user") && e.contains(why),
            "{e}"
        );
    }
    // Without the pod snippet, the image user does not matter.
    let mut rootful = common::key_input();
    rootful.image_user = None;
    let no_snippet = PolicyOptions {
        emit: BTreeSet::from([Emit::ClusterImagePolicy, Emit::ValidatingAdmissionPolicy]),
        ..PolicyOptions::default()
    };
    assert!(generate(&rootful, &no_snippet).is_ok());

    let mut key_bundle = common::key_input();
    key_bundle.signature_format = SignatureFormat::Bundle;
    let e = err(&key_bundle, &PolicyOptions::default());
    assert!(
        e.contains("cluster-image-policy") && e.contains("with.emit"),
        "{e}"
    );

    let mut keyless_no_tlog = common::keyless_input();
    keyless_no_tlog.tlog = false;
    assert!(err(&keyless_no_tlog, &PolicyOptions::default()).contains("tlog"));

    let mut private_fulcio = common::keyless_input();
    if let Signer::Keyless(id) = &mut private_fulcio.signer {
        id.fulcio_url = "https://fulcio.internal.example".into();
    }
    assert!(err(&private_fulcio, &PolicyOptions::default()).contains("`kyverno`"));

    let mut local = common::key_input();
    local.image_repository = "oci:./image".into();
    assert!(err(&local, &PolicyOptions::default()).contains("with.repository"));

    let bad_ns = PolicyOptions {
        namespaces: secchain_policy::options::Namespaces {
            include: vec!["Prod".into()],
            exclude: vec![],
        },
        ..PolicyOptions::default()
    };
    assert!(err(&common::key_input(), &bad_ns).contains("namespaces.include"));
}
