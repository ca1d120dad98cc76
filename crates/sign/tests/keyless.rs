//! Keyless signing (cargo feature `keyless`) against an in-process fake Fulcio and
//! Rekor, and the real registry.
//!
//! The public Sigstore instance is out of reach from the test machines, so the fakes
//! speak the real wire formats: Fulcio's `POST /api/v1/signingCert` (proof of
//! possession checked, a real X.509 code-signing certificate issued from a test CA
//! with Fulcio's OIDC-issuer extensions) and Rekor's `POST /api/v1/log/entries`
//! (`hashedrekord` and `dsse` entries, signed entry timestamps from a test log key).
//! What comes back is checked structurally and cryptographically here, and by the
//! real cosign: `cosign verify --certificate-chain` (legacy), and `cosign verify` /
//! `verify-attestation --trusted-root` naming the test CA and log (both formats, with
//! the log entries' promises, inclusion proofs and checkpoints verified; only the
//! certificate transparency SCT is skipped, as the fake Fulcio has no CT log).

#![cfg(feature = "keyless")]

mod common;

use std::str::FromStr as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use base64::Engine as _;
use common::World;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::elliptic_curve::Generate as _;
use p256::pkcs8::{DecodePublicKey as _, EncodePublicKey as _};
use secchain_oci::{Digest, Manifest};
use secchain_sign::bundle::Bundle;
use secchain_sign::legacy::{self, LegacyKind};
use secchain_sign::{KeylessConfig, SignatureFormat, SignatureStore, SignerSpec};
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder as _, CertificateBuilder};
use x509_cert::der::asn1::{Ia5String, OctetString, Utf8StringRef};
use x509_cert::der::oid::AssociatedOid;
use x509_cert::der::Decode as _;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{ObjectIdentifier, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::Validity;
use x509_cert::{Certificate, TbsCertificate};

const EMAIL: &str = "signer@example.com";
const ISSUER: &str = "https://issuer.example";
/// Fulcio's OIDC issuer extensions (v1: raw bytes; v2: DER UTF8String).
const FULCIO_ISSUER_V1: &str = "1.3.6.1.4.1.57264.1.1";
const FULCIO_ISSUER_V2: &str = "1.3.6.1.4.1.57264.1.8";

/// A certificate profile for the fake Fulcio: a CA, or a Fulcio-like leaf.
struct Profile {
    issuer: Name,
    subject: Name,
    leaf: bool,
}

fn ext<T: Encode + AssociatedOid>(value: &T, critical: bool) -> Extension {
    raw_ext(T::OID, value.to_der().unwrap(), critical)
}

fn raw_ext(oid: ObjectIdentifier, der: Vec<u8>, critical: bool) -> Extension {
    Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(der).unwrap(),
    }
}

use x509_cert::der::Encode;

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        if !self.leaf {
            return Ok(vec![
                ext(
                    &BasicConstraints {
                        ca: true,
                        path_len_constraint: None,
                    },
                    true,
                ),
                ext(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign), true),
            ]);
        }
        Ok(vec![
            ext(&KeyUsage(KeyUsages::DigitalSignature.into()), true),
            ext(
                &ExtendedKeyUsage(vec![ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3")]),
                false,
            ),
            ext(
                &SubjectAltName(vec![GeneralName::Rfc822Name(
                    Ia5String::new(EMAIL).unwrap(),
                )]),
                true,
            ),
            raw_ext(
                ObjectIdentifier::new_unwrap(FULCIO_ISSUER_V1),
                ISSUER.as_bytes().to_vec(),
                false,
            ),
            raw_ext(
                ObjectIdentifier::new_unwrap(FULCIO_ISSUER_V2),
                Utf8StringRef::new(ISSUER).unwrap().to_der().unwrap(),
                false,
            ),
        ])
    }
}

fn pem(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).unwrap()
}

/// The fake Sigstore: a CA, a log key, and what it was asked.
struct Fake {
    ca_key: SigningKey,
    ca_der: Vec<u8>,
    rekor_key: SigningKey,
    next_index: AtomicI64,
    entries: std::sync::Mutex<Vec<serde_json::Value>>,
}

impl Fake {
    fn new() -> Arc<Self> {
        let ca_key = SigningKey::try_generate().unwrap();
        let name = Name::from_str("CN=secchain test Fulcio,O=secchain-test").unwrap();
        let ca = CertificateBuilder::new(
            Profile {
                issuer: name.clone(),
                subject: name,
                leaf: false,
            },
            SerialNumber::from(1u32),
            Validity::from_now(Duration::from_secs(3600)).unwrap(),
            SubjectPublicKeyInfo::from_key(ca_key.verifying_key()).unwrap(),
        )
        .unwrap()
        .build::<_, DerSignature>(&ca_key)
        .unwrap();
        Arc::new(Fake {
            ca_der: ca.to_der().unwrap(),
            ca_key,
            rekor_key: SigningKey::try_generate().unwrap(),
            next_index: AtomicI64::new(1000),
            entries: std::sync::Mutex::new(Vec::new()),
        })
    }

    fn ca_name(&self) -> Name {
        Certificate::from_der(&self.ca_der)
            .unwrap()
            .tbs_certificate()
            .subject()
            .clone()
    }

    /// `POST /api/v1/signingCert`: checks the token and the proof of possession,
    /// issues a leaf for the key.
    fn signing_cert(&self, auth: &str, body: &[u8]) -> (u16, String) {
        if auth != format!("Bearer {}", token()) {
            return (401, "{\"message\":\"bad token\"}".into());
        }
        let req: serde_json::Value = serde_json::from_slice(body).unwrap();
        let spki = B64
            .decode(req["publicKey"]["content"].as_str().unwrap())
            .unwrap();
        let key = VerifyingKey::from_public_key_der(&spki).unwrap();
        let proof = B64
            .decode(req["signedEmailAddress"].as_str().unwrap())
            .unwrap();
        let sig = DerSignature::from_bytes(&proof).unwrap();
        if key.verify(EMAIL.as_bytes(), &sig).is_err() {
            return (400, "{\"message\":\"bad proof of possession\"}".into());
        }
        let leaf = CertificateBuilder::new(
            Profile {
                issuer: self.ca_name(),
                subject: Name::default(),
                leaf: true,
            },
            SerialNumber::from(self.next_index.fetch_add(1, Ordering::SeqCst) as u32),
            Validity::from_now(Duration::from_secs(600)).unwrap(),
            SubjectPublicKeyInfo::try_from(spki.as_slice()).unwrap(),
        )
        .unwrap()
        .build::<_, DerSignature>(&self.ca_key)
        .unwrap();
        (201, pem(&leaf.to_der().unwrap()) + &pem(&self.ca_der))
    }

    fn log_id(&self) -> String {
        hex::encode(Sha256::digest(
            self.rekor_key
                .verifying_key()
                .to_public_key_der()
                .unwrap()
                .as_bytes(),
        ))
    }

    /// `POST /api/v1/log/entries`: records the entry, answers like Rekor v1.
    fn log_entry(&self, body: &[u8]) -> (u16, String) {
        let entry: serde_json::Value = serde_json::from_slice(body).unwrap();
        self.entries.lock().unwrap().push(entry.clone());
        let index = self.next_index.fetch_add(1, Ordering::SeqCst);
        let body_b64 = B64.encode(serde_json::to_vec(&entry).unwrap());
        let integrated = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        // The SET signs the canonical JSON of these four fields (keys sorted).
        let set_payload = format!(
            r#"{{"body":"{body_b64}","integratedTime":{integrated},"logID":"{}","logIndex":{index}}}"#,
            self.log_id()
        );
        let set: DerSignature = self.rekor_key.sign(set_payload.as_bytes());
        // Each entry is alone in its own tree (size 1): the root is the RFC 6962 leaf
        // hash and the proof is empty; the checkpoint is a note signed by the log key.
        let leaf_hash = Sha256::digest([&[0u8][..], body].concat());
        let origin = "fake.rekor - 1";
        let note = format!("{origin}\n1\n{}\n", B64.encode(leaf_hash));
        let note_sig: DerSignature = self.rekor_key.sign(note.as_bytes());
        let key_hint = &hex::decode(self.log_id()).unwrap()[..4];
        let checkpoint = format!(
            "{note}\n\u{2014} fake.rekor {}\n",
            B64.encode([key_hint, note_sig.as_bytes()].concat())
        );
        let answer = serde_json::json!({
            hex::encode(Sha256::digest(body)): {
                "body": body_b64,
                "integratedTime": integrated,
                "logID": self.log_id(),
                "logIndex": index,
                "verification": {
                    "inclusionProof": {
                        "checkpoint": checkpoint,
                        "hashes": [],
                        "logIndex": 0,
                        "rootHash": hex::encode(leaf_hash),
                        "treeSize": 1
                    },
                    "signedEntryTimestamp": B64.encode(set.as_bytes())
                }
            }
        });
        (201, answer.to_string())
    }

    /// A Sigstore trusted root naming the test CA and log, written into the test dir.
    fn trusted_root(&self, w: &World, base: &str) -> std::path::PathBuf {
        let root = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [{
                "baseUrl": base,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": B64.encode(self.rekor_key.verifying_key().to_public_key_der().unwrap().as_bytes()),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": {"start": "2020-01-01T00:00:00Z"}
                },
                "logId": {"keyId": B64.encode(hex::decode(self.log_id()).unwrap())}
            }],
            "certificateAuthorities": [{
                "subject": {"organization": "secchain-test", "commonName": "secchain test Fulcio"},
                "uri": base,
                "certChain": {"certificates": [{"rawBytes": B64.encode(&self.ca_der)}]},
                "validFor": {"start": "2020-01-01T00:00:00Z"}
            }],
            "ctlogs": [],
            "timestampAuthorities": []
        });
        w.ctx.write("trusted_root.json", root.to_string())
    }

    /// Checks a bundle-style log entry's SET with the log key.
    fn check_set(&self, entry: &secchain_sign::bundle::TlogEntry) {
        let payload = format!(
            r#"{{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
            entry.canonicalized_body,
            entry.integrated_time,
            hex::encode(B64.decode(&entry.log_id.key_id).unwrap()),
            entry.log_index
        );
        let set = B64
            .decode(
                &entry
                    .inclusion_promise
                    .as_ref()
                    .unwrap()
                    .signed_entry_timestamp,
            )
            .unwrap();
        self.rekor_key
            .verifying_key()
            .verify(payload.as_bytes(), &DerSignature::from_bytes(&set).unwrap())
            .expect("the signed entry timestamp verifies with the log's key");
    }
}

/// Serves the fake on a loopback port; returns its base URL.
async fn serve(fake: Arc<Fake>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let fake = fake.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let (head_end, content_length) = loop {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..p]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map(|v| v.trim().parse::<usize>().unwrap())
                            .unwrap_or(0);
                        break (p + 4, len);
                    }
                };
                while buf.len() < head_end + content_length {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let body = &buf[head_end..];
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let auth = head
                    .lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                            .map(|(_, v)| v.trim().to_string())
                    })
                    .unwrap_or_default();
                let (status, answer) = match path.as_str() {
                    "/api/v1/signingCert" => fake.signing_cert(&auth, body),
                    "/api/v1/log/entries" => fake.log_entry(body),
                    _ => (404, "{}".into()),
                };
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

/// An unsigned OIDC id token (Fulcio would verify it; the fake checks it is the same).
fn token() -> String {
    let header = B64URL.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = B64URL.encode(
        serde_json::json!({
            "iss": ISSUER,
            "sub": EMAIL,
            "email": EMAIL,
            "aud": "sigstore",
            "iat": 1_767_225_600i64,
            "exp": 4_102_444_800i64
        })
        .to_string(),
    );
    format!("{header}.{claims}.c2lnbmF0dXJl")
}

fn keyless(base: &str) -> SignerSpec {
    std::env::set_var(secchain_sign::keyless::ID_TOKEN_ENV, token());
    SignerSpec::Keyless(KeylessConfig {
        fulcio_url: base.to_string(),
        rekor_url: base.to_string(),
        oidc_issuer: Some(ISSUER.to_string()),
    })
}

fn key_of(cert_der: &[u8]) -> secchain_sign::PublicKey {
    let cert = Certificate::from_der(cert_der).unwrap();
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .unwrap();
    secchain_sign::PublicKey::from_spki_der("leaf", &spki).unwrap()
}

/// The CA signed the leaf.
fn check_chain(fake: &Fake, leaf_der: &[u8]) {
    let leaf = Certificate::from_der(leaf_der).unwrap();
    let tbs = leaf.tbs_certificate().to_der().unwrap();
    let sig = DerSignature::from_bytes(leaf.signature().raw_bytes()).unwrap();
    fake.ca_key
        .verifying_key()
        .verify(&tbs, &sig)
        .expect("the leaf is signed by the CA");
}

#[tokio::test(flavor = "multi_thread")]
async fn keyless_legacy_signature_verifies_with_cosign_and_the_certificate_key() {
    let fake = Fake::new();
    let base = serve(fake.clone()).await;
    let w = World::new();
    let out = w
        .sign(
            &w.image(),
            keyless(&base),
            SignatureFormat::Legacy,
            &[("ci", "yes")],
        )
        .await;
    assert_eq!(out.signer, format!("keyless: {EMAIL}"));
    let entry = out.tlog_entry.clone().expect("a log entry");
    assert_eq!(entry.kind_version.kind, "hashedrekord");
    fake.check_set(&entry);
    let logged = fake.entries.lock().unwrap()[0].clone();
    assert_eq!(logged["kind"], "hashedrekord");

    let store = w.store();
    let subject = Digest::parse(&w.digest).unwrap();
    let (_, layers) = legacy::read_layers(&store, &subject, LegacyKind::Signature)
        .await
        .unwrap()
        .unwrap();
    let ann = layers[0].annotations.clone().unwrap();
    let cert_pem = &ann[legacy::CERTIFICATE_ANNOTATION];
    let (_, leaf_der) = pem_rfc7468::decode_vec(cert_pem.as_bytes()).unwrap();
    check_chain(&fake, &leaf_der);
    assert!(ann[legacy::CHAIN_ANNOTATION].contains("BEGIN CERTIFICATE"));
    let rekor: serde_json::Value = serde_json::from_str(&ann[legacy::BUNDLE_ANNOTATION]).unwrap();
    assert_eq!(rekor["Payload"]["logIndex"].to_string(), entry.log_index);
    assert_eq!(rekor["Payload"]["logID"], fake.log_id());

    // secchain verifies with the certificate's key...
    let policy = secchain_sign::Policy {
        key: key_of(&leaf_der),
        attestation: None,
        annotations: [("ci".to_string(), "yes".to_string())].into(),
        formats: vec![SignatureFormat::Legacy],
    };
    let report = secchain_sign::verify::verify_subject(&store, &subject, &policy)
        .await
        .unwrap();
    assert!(report.passed, "{}", report.reason);

    // ...and the real cosign verifies the certificate identity against the test CA.
    let chain = w.ctx.write("fulcio-ca.pem", pem(&fake.ca_der));
    w.cosign_ok(&[
        "verify",
        "--allow-insecure-registry",
        "--insecure-ignore-tlog=true",
        "--insecure-ignore-sct=true",
        "--new-bundle-format=false",
        "--certificate-chain",
        chain.to_str().unwrap(),
        "--certificate-identity",
        EMAIL,
        "--certificate-oidc-issuer",
        ISSUER,
        &w.image(),
    ]);
    // With a trusted root: the Rekor bundle annotation (SET) is verified too.
    w.cosign_ok(&[
        "verify",
        "--allow-insecure-registry",
        "--insecure-ignore-sct=true",
        "--new-bundle-format=false",
        "--trusted-root",
        fake.trusted_root(&w, &base).to_str().unwrap(),
        "--certificate-identity",
        EMAIL,
        "--certificate-oidc-issuer",
        ISSUER,
        &w.image(),
    ]);
}

#[tokio::test(flavor = "multi_thread")]
async fn keyless_bundles_carry_the_certificate_and_a_dsse_log_entry() {
    let fake = Fake::new();
    let base = serve(fake.clone()).await;
    let w = World::new();
    let out = w
        .sign(&w.image(), keyless(&base), SignatureFormat::Bundle, &[])
        .await;
    let att = w
        .attest(
            &w.image(),
            keyless(&base),
            SignatureFormat::Bundle,
            "slsaprovenance1",
            common::slsa_predicate(),
        )
        .await;
    assert!(out.tlog_entry.is_some() && att.tlog_entry.is_some());

    let store = w.store();
    let subject = Digest::parse(&w.digest).unwrap();
    let referrers = store.referrers(&subject).await.unwrap();
    assert_eq!(referrers.len(), 2);
    for r in referrers {
        let raw = store
            .get_manifest(&r.digest.to_string())
            .await
            .unwrap()
            .unwrap();
        let Manifest::Image(m) = Manifest::parse(&raw.bytes, None, "r").unwrap() else {
            panic!()
        };
        let bundle = Bundle::parse(&store.get_blob(&m.layers[0]).await.unwrap()).unwrap();
        let vm = &bundle.verification_material;
        assert!(vm.public_key.is_none());
        let leaf = bundle.leaf_certificate().expect("the leaf certificate");
        check_chain(&fake, &leaf);
        let entry = &vm.tlog_entries[0];
        assert_eq!(entry.kind_version.kind, "dsse");
        assert_eq!(entry.kind_version.version, "0.0.1");
        fake.check_set(entry);
        assert!(entry.inclusion_proof.is_some());
        // The logged entry holds exactly this envelope and this certificate.
        let body: serde_json::Value =
            serde_json::from_slice(&B64.decode(&entry.canonicalized_body).unwrap()).unwrap();
        let logged_env: serde_json::Value = serde_json::from_str(
            body["spec"]["proposedContent"]["envelope"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            logged_env,
            serde_json::to_value(bundle.dsse_envelope.as_ref().unwrap()).unwrap()
        );
        let verifier = B64
            .decode(
                body["spec"]["proposedContent"]["verifiers"][0]
                    .as_str()
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(String::from_utf8(verifier).unwrap(), pem(&leaf));
    }
    // Both verify with the certificate's key.
    let leaf_key = key_of(&{
        let raw = store
            .get_manifest(&out.manifest_digest)
            .await
            .unwrap()
            .unwrap();
        let Manifest::Image(m) = Manifest::parse(&raw.bytes, None, "r").unwrap() else {
            panic!()
        };
        Bundle::parse(&store.get_blob(&m.layers[0]).await.unwrap())
            .unwrap()
            .leaf_certificate()
            .unwrap()
    });
    let report = secchain_sign::verify::verify_subject(
        &store,
        &subject,
        &secchain_sign::Policy {
            key: leaf_key,
            attestation: None,
            annotations: Default::default(),
            formats: vec![SignatureFormat::Bundle],
        },
    )
    .await
    .unwrap();
    assert!(report.passed, "{}", report.reason);

    // The real cosign verifies the bundles, the certificate against the test CA and
    // the log entries (promise, inclusion proof, checkpoint) against the test log key.
    let root = fake.trusted_root(&w, &base);
    w.cosign_ok(&[
        "verify",
        "--allow-insecure-registry",
        "--insecure-ignore-sct=true",
        "--trusted-root",
        root.to_str().unwrap(),
        "--certificate-identity",
        EMAIL,
        "--certificate-oidc-issuer",
        ISSUER,
        &w.image(),
    ]);
    w.cosign_ok(&[
        "verify-attestation",
        "--allow-insecure-registry",
        "--insecure-ignore-sct=true",
        "--trusted-root",
        root.to_str().unwrap(),
        "--certificate-identity",
        EMAIL,
        "--certificate-oidc-issuer",
        ISSUER,
        "--type",
        "slsaprovenance1",
        &w.image(),
    ]);
}

#[tokio::test(flavor = "multi_thread")]
async fn keyless_failures_are_clear() {
    let fake = Fake::new();
    let base = serve(fake).await;
    std::env::set_var(secchain_sign::keyless::ID_TOKEN_ENV, token());
    // A token from another issuer than required: refused before any request.
    let err = secchain_sign::keyless::open_session(&KeylessConfig {
        fulcio_url: base.clone(),
        rekor_url: base.clone(),
        oidc_issuer: Some("https://token.actions.githubusercontent.com".into()),
    })
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("issued by `https://issuer.example`"),
        "{err}"
    );
    // Fulcio refuses: the error says so (no Fulcio at this URL).
    let err = secchain_sign::keyless::open_session(&KeylessConfig {
        fulcio_url: format!("{base}/nowhere"),
        rekor_url: base,
        oidc_issuer: None,
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("keyless signing"), "{err}");
}
