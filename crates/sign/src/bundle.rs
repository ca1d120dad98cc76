//! The Sigstore bundle (`application/vnd.dev.sigstore.bundle.v0.3+json`) and the OCI
//! manifest that attaches it to an image as a referrer, as cosign 3 writes them.
//!
//! ```json
//! {"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
//!  "verificationMaterial":{"publicKey":{"hint":"<b64 sha256 of the SPKI>"}},
//!  "dsseEnvelope":{"payload":"…","payloadType":"application/vnd.in-toto+json",
//!                  "signatures":[{"sig":"…"}]}}
//! ```
//!
//! Keyless bundles carry `verificationMaterial.certificate` (the Fulcio leaf) and
//! `tlogEntries` (the Rekor entry with its inclusion promise and proof) instead of a
//! key hint. Field names and shapes follow the protobuf-specs JSON mapping (64-bit
//! integers as strings, bytes as base64); empty fields are omitted.
//!
//! The referrer manifest: an OCI image manifest with `artifactType` = the bundle
//! media type, the empty config, the bundle as its only layer, the image as
//! `subject`, and cosign's annotations (`dev.sigstore.bundle.content`,
//! `dev.sigstore.bundle.predicateType`, `org.opencontainers.image.created`).

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use secchain_oci::manifest::media_type;
use secchain_oci::{Descriptor, ImageManifest};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::payload::dsse::Envelope;
use crate::store::empty_config;

/// The bundle media type (v0.3), also the referrer manifest's `artifactType`.
pub const MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Older bundle media types, read but not written.
pub const OLDER_MEDIA_TYPES: &[&str] = &[
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle.v0.2+json",
];
/// Referrer manifest annotation: what the bundle holds (`dsse-envelope`).
pub const ANNOTATION_CONTENT: &str = "dev.sigstore.bundle.content";
/// Referrer manifest annotation: the predicate type of the statement inside.
pub const ANNOTATION_PREDICATE_TYPE: &str = "dev.sigstore.bundle.predicateType";
/// Referrer manifest annotation: creation time (RFC 3339).
pub const ANNOTATION_CREATED: &str = "org.opencontainers.image.created";

/// A Sigstore bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    /// [`MEDIA_TYPE`].
    pub media_type: String,
    /// Key hint or certificate, transparency log entries.
    pub verification_material: VerificationMaterial,
    /// The signed envelope (what secchain and cosign 3 write for images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsse_envelope: Option<Envelope>,
    /// A plain message signature (`cosign sign-blob`); read only to reject it for images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_signature: Option<serde_json::Value>,
}

/// How to verify the bundle's signature.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMaterial {
    /// A key hint (key-based signing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKeyIdentifier>,
    /// The signing certificate (keyless, bundle v0.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<X509Certificate>,
    /// A certificate chain (keyless, older bundles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x509_certificate_chain: Option<X509CertificateChain>,
    /// Transparency log entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tlog_entries: Vec<TlogEntry>,
    /// RFC 3161 timestamps (read, not written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_verification_data: Option<serde_json::Value>,
}

/// `publicKey`: a hint naming the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeyIdentifier {
    /// base64(SHA-256(SPKI DER)) as cosign writes it.
    #[serde(default)]
    pub hint: String,
}

/// One DER certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct X509Certificate {
    /// base64 DER.
    pub raw_bytes: String,
}

/// A certificate chain, leaf first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct X509CertificateChain {
    /// The certificates.
    pub certificates: Vec<X509Certificate>,
}

/// A transparency log entry (protobuf-specs `TransparencyLogEntry`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TlogEntry {
    /// The entry's index in the log (decimal string).
    pub log_index: String,
    /// The log's id.
    pub log_id: LogId,
    /// Entry kind and version (`dsse`/`0.0.1`, `hashedrekord`/`0.0.1`).
    pub kind_version: KindVersion,
    /// When the log integrated the entry (Unix seconds, decimal string).
    pub integrated_time: String,
    /// The signed entry timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusion_promise: Option<InclusionPromise>,
    /// The Merkle inclusion proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusion_proof: Option<InclusionProof>,
    /// base64 of the canonicalised entry body.
    pub canonicalized_body: String,
}

/// `logId`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogId {
    /// base64 of the log's key id (SHA-256 of its public key).
    pub key_id: String,
}

/// `kindVersion`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindVersion {
    /// Entry kind.
    pub kind: String,
    /// Entry version.
    pub version: String,
}

/// `inclusionPromise`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InclusionPromise {
    /// base64 signed entry timestamp.
    pub signed_entry_timestamp: String,
}

/// `inclusionProof`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InclusionProof {
    /// Index of the entry (decimal string).
    pub log_index: String,
    /// base64 root hash.
    pub root_hash: String,
    /// Tree size (decimal string).
    pub tree_size: String,
    /// base64 sibling hashes.
    pub hashes: Vec<String>,
    /// The signed checkpoint.
    pub checkpoint: Checkpoint,
}

/// `checkpoint`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The checkpoint's signed note text.
    pub envelope: String,
}

impl Bundle {
    /// A bundle for a DSSE envelope signed with a plain key (`hint`: [`crate::PublicKey::hint`]).
    pub fn for_key(envelope: Envelope, hint: String) -> Self {
        Bundle {
            media_type: MEDIA_TYPE.into(),
            verification_material: VerificationMaterial {
                public_key: Some(PublicKeyIdentifier { hint }),
                ..VerificationMaterial::default()
            },
            dsse_envelope: Some(envelope),
            message_signature: None,
        }
    }

    /// A bundle for a DSSE envelope signed keylessly: the leaf certificate (DER) and
    /// the log entries.
    pub fn for_certificate(envelope: Envelope, leaf_der: &[u8], tlog: Vec<TlogEntry>) -> Self {
        Bundle {
            media_type: MEDIA_TYPE.into(),
            verification_material: VerificationMaterial {
                certificate: Some(X509Certificate {
                    raw_bytes: B64.encode(leaf_der),
                }),
                tlog_entries: tlog,
                ..VerificationMaterial::default()
            },
            dsse_envelope: Some(envelope),
            message_signature: None,
        }
    }

    /// The bundle's JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a bundle always serialises")
    }

    /// Parses a bundle of a known media type.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let b: Bundle = serde_json::from_slice(bytes)
            .map_err(|e| Error::Malformed(format!("not a Sigstore bundle: {e}")))?;
        if b.media_type != MEDIA_TYPE && !OLDER_MEDIA_TYPES.contains(&b.media_type.as_str()) {
            return Err(Error::Malformed(format!(
                "unknown bundle media type `{}`",
                b.media_type
            )));
        }
        Ok(b)
    }

    /// The signing certificate (DER), from `certificate` or the chain's first entry.
    pub fn leaf_certificate(&self) -> Option<Vec<u8>> {
        let vm = &self.verification_material;
        let b64 = vm
            .certificate
            .as_ref()
            .map(|c| c.raw_bytes.as_str())
            .or_else(|| {
                vm.x509_certificate_chain
                    .as_ref()
                    .and_then(|c| c.certificates.first())
                    .map(|c| c.raw_bytes.as_str())
            })?;
        B64.decode(b64).ok()
    }
}

/// The creation timestamp written into annotations: `SOURCE_DATE_EPOCH` when set
/// (reproducible builds), else now; RFC 3339 UTC, seconds precision, as cosign.
pub fn created_timestamp() -> String {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(time::OffsetDateTime::now_utc);
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    now.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// The referrer manifest attaching a bundle (`bundle_bytes`) to `subject`.
pub fn referrer_manifest(
    bundle_bytes: &[u8],
    subject: &Descriptor,
    predicate_type: &str,
    created: &str,
) -> ImageManifest {
    let annotations = BTreeMap::from([
        (ANNOTATION_CONTENT.to_string(), "dsse-envelope".to_string()),
        (
            ANNOTATION_PREDICATE_TYPE.to_string(),
            predicate_type.to_string(),
        ),
        (ANNOTATION_CREATED.to_string(), created.to_string()),
    ]);
    let mut subject = Descriptor::new(
        subject.media_type.clone(),
        subject.digest.clone(),
        subject.size,
    );
    subject.annotations = None;
    ImageManifest {
        schema_version: 2,
        media_type: Some(media_type::OCI_MANIFEST.to_string()),
        artifact_type: Some(MEDIA_TYPE.to_string()),
        config: empty_config(),
        layers: vec![Descriptor::of_bytes(MEDIA_TYPE, bundle_bytes)],
        subject: Some(subject),
        annotations: Some(annotations),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundle cosign 3.1 pushed for `cosign sign -a foo=bar` with a key.
    const COSIGN_BUNDLE: &str = r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"Pa0Oi+zOGU6DMlWqHclj8uBzecUl/1VFAfyumz+SpO8="}},"dsseEnvelope":{"payload":"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJzdWJqZWN0IjpbeyJkaWdlc3QiOnsic2hhMjU2IjoiY2M5MTMyODcwNGRjNTg4OWY3Y2JmN2Q3YzYwMTc2Mzg1MWYzMDYzYzY2MTY4NDZjMzIyMDU0YmNlY2FjMmJhNiJ9LCJhbm5vdGF0aW9ucyI6eyJmb28iOiJiYXIifX1dLCJwcmVkaWNhdGVUeXBlIjoiaHR0cHM6Ly9zaWdzdG9yZS5kZXYvY29zaWduL3NpZ24vdjEiLCJwcmVkaWNhdGUiOnt9fQ==","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"MEYCIQDlYYP5p9IJg9sC4alNbFErZeEwSF73un3EGsd9SUa1+AIhALYZbyYfytb4kdznUURr/JzuxEtNDxbG7Mf26gsLr4mk"}]}}"#;

    #[test]
    fn round_trips_cosigns_bundle_byte_for_byte() {
        let b = Bundle::parse(COSIGN_BUNDLE.as_bytes()).unwrap();
        assert_eq!(
            b.verification_material.public_key.as_ref().unwrap().hint,
            "Pa0Oi+zOGU6DMlWqHclj8uBzecUl/1VFAfyumz+SpO8="
        );
        assert_eq!(String::from_utf8(b.to_bytes()).unwrap(), COSIGN_BUNDLE);
    }

    #[test]
    fn keyless_bundle_shape() {
        let env = Bundle::parse(COSIGN_BUNDLE.as_bytes())
            .unwrap()
            .dsse_envelope
            .unwrap();
        let entry = TlogEntry {
            log_index: "42".into(),
            log_id: LogId {
                key_id: B64.encode([7u8; 32]),
            },
            kind_version: KindVersion {
                kind: "dsse".into(),
                version: "0.0.1".into(),
            },
            integrated_time: "1700000000".into(),
            inclusion_promise: Some(InclusionPromise {
                signed_entry_timestamp: B64.encode(b"set"),
            }),
            inclusion_proof: None,
            canonicalized_body: B64.encode(b"{}"),
        };
        let b = Bundle::for_certificate(env, b"\x30\x03der", vec![entry]);
        let v: serde_json::Value = serde_json::from_slice(&b.to_bytes()).unwrap();
        assert_eq!(
            v["verificationMaterial"]["certificate"]["rawBytes"],
            B64.encode(b"\x30\x03der")
        );
        assert_eq!(
            v["verificationMaterial"]["tlogEntries"][0]["logIndex"],
            "42"
        );
        assert_eq!(
            v["verificationMaterial"]["tlogEntries"][0]["kindVersion"]["kind"],
            "dsse"
        );
        assert!(v["verificationMaterial"].get("publicKey").is_none());
        assert_eq!(b.leaf_certificate().unwrap(), b"\x30\x03der");
    }

    #[test]
    fn referrer_manifest_shape() {
        let subject = Descriptor::of_bytes(media_type::OCI_MANIFEST, b"image");
        let m = referrer_manifest(
            COSIGN_BUNDLE.as_bytes(),
            &subject,
            "https://sigstore.dev/cosign/sign/v1",
            "2026-01-01T00:00:00Z",
        );
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["artifactType"], MEDIA_TYPE);
        assert_eq!(v["config"]["mediaType"], media_type::OCI_EMPTY);
        assert_eq!(
            v["config"]["digest"],
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(v["layers"][0]["mediaType"], MEDIA_TYPE);
        assert_eq!(v["subject"]["digest"], subject.digest.to_string());
        assert_eq!(v["annotations"][ANNOTATION_CONTENT], "dsse-envelope");
    }
}
