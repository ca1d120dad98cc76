//! Fixtures shared by the policy tests: inputs, options, documents as JSON.
#![allow(dead_code)]

pub mod schemas;

use secchain_policy::input::{
    IdentityMatch, KeylessIdentity, PolicyInput, Port, PredicateType, Protocol, SignatureFormat,
    Signer, PUBLIC_FULCIO, PUBLIC_REKOR,
};
use secchain_policy::options::PolicyOptions;
use secchain_policy::{generate, Document};

/// A real P-256 public key (generated once with openssl for these tests).
pub const PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJS9+y3PX/6v5yrRfvVErE5UZpsy6
uBtkg9tDJ+sd/aSL1qChl6Qscf1EWKRRWbkE1/xQ7ulElImPHGZ5rN0AvQ==
-----END PUBLIC KEY-----
";

pub const REPO: &str = "registry.example.com/team/app";
pub const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
pub const BUILDER: &str = "https://ci.example.com/secchain/builder@v1";
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const SUBJECT: &str =
    "https://github.com/team/app/.github/workflows/release.yml@refs/heads/main";

/// Key-signed input with SLSA provenance, vuln and SBOM attestations.
pub fn key_input() -> PolicyInput {
    PolicyInput {
        image_repository: REPO.into(),
        image_digest: Some(DIGEST.into()),
        signer: Signer::Key {
            public_key_pem: PUBLIC_KEY.into(),
            rekor_url: None,
        },
        tlog: true,
        signature_format: SignatureFormat::Legacy,
        attestations: vec![
            PredicateType::SlsaProvenance1,
            PredicateType::Vuln,
            PredicateType::CycloneDx,
        ],
        builder_id: Some(BUILDER.into()),
        image_user: Some("10001:10001".into()),
        exposed_ports: vec![
            Port {
                port: 8080,
                protocol: Protocol::Tcp,
            },
            Port {
                port: 8125,
                protocol: Protocol::Udp,
            },
        ],
        writable_paths: vec!["/tmp".into(), "/var/cache/app".into()],
    }
}

/// Keyless (GitHub Actions) input.
pub fn keyless_input() -> PolicyInput {
    PolicyInput {
        signer: Signer::Keyless(KeylessIdentity {
            issuer: IdentityMatch::Exact(ISSUER.into()),
            subject: IdentityMatch::Exact(SUBJECT.into()),
            fulcio_url: PUBLIC_FULCIO.into(),
            rekor_url: PUBLIC_REKOR.into(),
        }),
        ..key_input()
    }
}

/// Options requiring every attestation kind the generator knows how to check.
pub fn all_attestations() -> PolicyOptions {
    PolicyOptions {
        require_attestations: vec![
            PredicateType::SlsaProvenance1,
            PredicateType::Vuln,
            PredicateType::CycloneDx,
            PredicateType::Spdx,
        ],
        ..PolicyOptions::default()
    }
}

pub fn docs(input: &PolicyInput, options: &PolicyOptions) -> Vec<Document> {
    generate(input, options).expect("generates")
}

/// The JSON of the document in `file`.
pub fn doc_json(docs: &[Document], file: &str) -> serde_json::Value {
    docs.iter()
        .find(|d| d.file_name == file)
        .unwrap_or_else(|| panic!("no {file}"))
        .resource
        .to_json()
        .unwrap()
}

/// Several representative input/option combinations.
pub fn variants() -> Vec<(&'static str, PolicyInput, PolicyOptions)> {
    let warn = PolicyOptions {
        mode: secchain_policy::options::Mode::Warn,
        namespaces: secchain_policy::options::Namespaces {
            include: vec!["prod".into(), "staging".into()],
            exclude: vec!["kube-system".into(), "cosign-system".into()],
        },
        ..all_attestations()
    };
    let secret = PolicyOptions {
        key_secret: Some(secchain_policy::options::KeySecret {
            name: "cosign-pub".into(),
            namespace: "cosign-system".into(),
        }),
        require_attestations: vec![],
        ..PolicyOptions::default()
    };
    let mut regexp = keyless_input();
    regexp.signer = Signer::Keyless(KeylessIdentity {
        issuer: IdentityMatch::Regexp("^https://token[.]actions[.]githubusercontent[.]com$".into()),
        subject: IdentityMatch::Regexp("^https://github[.]com/team/.*$".into()),
        fulcio_url: PUBLIC_FULCIO.into(),
        rekor_url: PUBLIC_REKOR.into(),
    });
    regexp.signature_format = SignatureFormat::Bundle;
    let mut no_tlog = key_input();
    no_tlog.tlog = false;
    no_tlog.image_digest = None;
    no_tlog.image_repository = "nginx".into();
    vec![
        ("key", key_input(), all_attestations()),
        ("keyless", keyless_input(), PolicyOptions::default()),
        ("keyless-regexp-bundle", regexp, warn.clone()),
        ("key-warn", key_input(), warn),
        ("key-secret", key_input(), secret),
        ("key-no-tlog-docker-hub", no_tlog, PolicyOptions::default()),
    ]
}
