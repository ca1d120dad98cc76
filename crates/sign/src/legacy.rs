//! cosign's tag-based ("legacy") signatures and attestations.
//!
//! Signatures of image `sha256:<hex>` live in the same repository under the tag
//! `sha256-<hex>.sig`: an OCI image manifest whose layers are simple-signing payloads
//! (`application/vnd.dev.cosign.simplesigning.v1+json`), each with its base64 DER
//! signature in the `dev.cosignproject.cosign/signature` annotation. Attestations live
//! under `sha256-<hex>.att`: layers are DSSE envelopes
//! (`application/vnd.dsse.envelope.v1+json`) with an empty signature annotation and a
//! `predicateType` annotation. Keyless signatures add the certificate, chain and Rekor
//! bundle annotations.
//!
//! Signing appends a layer to what is there (several signatures accumulate; an
//! identical layer is not added twice), writes the config cosign writes (one
//! `diff_id` and one empty history entry per layer), pushes the blobs, then the
//! manifest under the tag: the tag update is the single step that makes the new
//! signature visible, so it is pushed completely or not at all. The tag is re-read
//! afterwards; when a concurrent signer replaced it without our layer, the append is
//! redone on top of theirs.
//!
//! The `predicateType` annotation is *never* trusted: verification reads the predicate
//! type from the verified envelope.

use serde::Serialize;

use secchain_oci::manifest::media_type;
use secchain_oci::{Descriptor, Digest, ImageManifest, Manifest};

use crate::error::{Error, Result};
use crate::store::SignatureStore;

/// Annotation holding a layer's base64 signature (empty for attestations).
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Annotation holding the keyless signing certificate (PEM).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// Annotation holding the keyless certificate chain (PEM).
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
/// Annotation holding the Rekor bundle (signed entry timestamp and entry).
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
/// Annotation naming an attestation layer's predicate type (unverified; informative).
pub const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";

/// How many times an append is redone after losing a race with another signer.
const MAX_ATTEMPTS: usize = 5;

/// Which tag: signatures or attestations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LegacyKind {
    /// `sha256-<hex>.sig`.
    Signature,
    /// `sha256-<hex>.att`.
    Attestation,
}

impl LegacyKind {
    /// The tag for `subject`.
    pub fn tag(self, subject: &Digest) -> String {
        match self {
            LegacyKind::Signature => secchain_oci::cosign_signature_tag(subject),
            LegacyKind::Attestation => secchain_oci::cosign_attestation_tag(subject),
        }
    }
}

/// A layer to add: its descriptor (with annotations) and its bytes.
#[derive(Clone, Debug)]
pub struct LegacyLayer {
    /// The layer descriptor, annotations included.
    pub descriptor: Descriptor,
    /// The payload or envelope bytes.
    pub data: Vec<u8>,
}

/// What [`append`] pushed.
#[derive(Clone, Debug, Serialize)]
pub struct Appended {
    /// The tag written.
    pub tag: String,
    /// The new manifest's digest.
    pub manifest_digest: Digest,
    /// The added layer's digest.
    pub layer_digest: Digest,
    /// Layers in the manifest now.
    pub layer_count: usize,
    /// False when an identical layer was already there (nothing new was signed).
    pub added: bool,
}

/// The config blob cosign writes for signature images.
#[derive(Serialize)]
struct SignatureConfig<'a> {
    architecture: &'a str,
    created: &'a str,
    history: Vec<History<'a>>,
    os: &'a str,
    rootfs: RootFs,
    config: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct History<'a> {
    created: &'a str,
}

#[derive(Serialize)]
struct RootFs {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: Vec<String>,
}

const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

fn config_for(layers: &[Descriptor]) -> Vec<u8> {
    let cfg = SignatureConfig {
        architecture: "",
        created: ZERO_TIME,
        history: layers
            .iter()
            .map(|_| History { created: ZERO_TIME })
            .collect(),
        os: "",
        rootfs: RootFs {
            kind: "layers",
            diff_ids: layers.iter().map(|l| l.digest.to_string()).collect(),
        },
        config: serde_json::Map::new(),
    };
    serde_json::to_vec(&cfg).expect("the config always serialises")
}

/// The layers currently under `kind`'s tag for `subject` (empty when there is no tag).
pub async fn read_layers(
    store: &dyn SignatureStore,
    subject: &Digest,
    kind: LegacyKind,
) -> Result<Option<(Digest, Vec<Descriptor>)>> {
    let tag = kind.tag(subject);
    let Some(raw) = store.get_manifest(&tag).await? else {
        return Ok(None);
    };
    match Manifest::parse(&raw.bytes, Some(&raw.media_type), &tag) {
        Ok(Manifest::Image(m)) => Ok(Some((raw.digest, m.layers))),
        Ok(Manifest::Index(_)) => Err(Error::Malformed(format!(
            "{}:{tag} is an index, not a cosign signature manifest",
            store.repository_name()
        ))),
        Err(e) => Err(Error::Malformed(format!(
            "{}:{tag}: {e}",
            store.repository_name()
        ))),
    }
}

/// The manifest (bytes) and config (bytes) for `layers`.
fn build(layers: &[Descriptor]) -> (Vec<u8>, Vec<u8>, Descriptor) {
    let config = config_for(layers);
    let config_desc = Descriptor::of_bytes(media_type::OCI_CONFIG, &config);
    let manifest = ImageManifest {
        schema_version: 2,
        media_type: Some(media_type::OCI_MANIFEST.to_string()),
        artifact_type: None,
        config: config_desc.clone(),
        layers: layers.to_vec(),
        subject: None,
        annotations: None,
    };
    (
        serde_json::to_vec(&manifest).expect("the manifest always serialises"),
        config,
        config_desc,
    )
}

/// Appends `layer` under `kind`'s tag for `subject`: blobs first, the manifest under
/// the tag last, then re-reads the tag to make sure a concurrent signer did not drop
/// the layer.
pub async fn append(
    store: &dyn SignatureStore,
    subject: &Digest,
    kind: LegacyKind,
    layer: &LegacyLayer,
) -> Result<Appended> {
    let tag = kind.tag(subject);
    for _ in 0..MAX_ATTEMPTS {
        let mut layers = read_layers(store, subject, kind)
            .await?
            .map(|(_, l)| l)
            .unwrap_or_default();
        let added = !layers.contains(&layer.descriptor);
        if added {
            layers.push(layer.descriptor.clone());
        }
        let (manifest, config, config_desc) = build(&layers);
        // Both blobs at once; the manifest only after both are there.
        let (payload, config) = tokio::join!(
            async {
                if added {
                    store.put_blob(&layer.descriptor, &layer.data).await
                } else {
                    Ok(())
                }
            },
            store.put_blob(&config_desc, &config)
        );
        payload?;
        config?;
        store
            .put_manifest(&tag, media_type::OCI_MANIFEST, &manifest)
            .await?;
        let manifest_digest = Digest::sha256(&manifest);
        // Did a concurrent writer replace the tag without our layer?
        match read_layers(store, subject, kind).await? {
            Some((d, now)) if d == manifest_digest || now.contains(&layer.descriptor) => {
                return Ok(Appended {
                    tag,
                    manifest_digest: d,
                    layer_digest: layer.descriptor.digest.clone(),
                    layer_count: now.len(),
                    added,
                })
            }
            _ => continue,
        }
    }
    Err(Error::Registry(format!(
        "{}:{tag} kept changing under concurrent signers; the signature was not added after {MAX_ATTEMPTS} attempts",
        store.repository_name()
    )))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::MemoryStore;

    fn layer(n: u8) -> LegacyLayer {
        let data = vec![n; 3];
        let mut d = Descriptor::of_bytes(crate::payload::simple_signing::MEDIA_TYPE, &data);
        d.annotations = Some(BTreeMap::from([(
            SIGNATURE_ANNOTATION.to_string(),
            format!("sig{n}"),
        )]));
        LegacyLayer {
            descriptor: d,
            data,
        }
    }

    #[tokio::test]
    async fn signatures_accumulate_without_duplicates() {
        let store = MemoryStore::new("r/app");
        let subject = Digest::sha256(b"image");
        let a = append(&store, &subject, LegacyKind::Signature, &layer(1))
            .await
            .unwrap();
        assert!(a.added);
        assert_eq!(a.tag, format!("sha256-{}.sig", subject.hex()));
        let b = append(&store, &subject, LegacyKind::Signature, &layer(2))
            .await
            .unwrap();
        assert_eq!(b.layer_count, 2);
        let again = append(&store, &subject, LegacyKind::Signature, &layer(2))
            .await
            .unwrap();
        assert!(!again.added);
        assert_eq!(again.layer_count, 2);
        assert_eq!(again.manifest_digest, b.manifest_digest);
        // The config lists one diff_id per layer, as cosign's.
        let raw = store.get_manifest(&b.tag).await.unwrap().unwrap();
        let Manifest::Image(m) = Manifest::parse(&raw.bytes, None, "t").unwrap() else {
            panic!()
        };
        let cfg: serde_json::Value =
            serde_json::from_slice(&store.get_blob(&m.config).await.unwrap()).unwrap();
        assert_eq!(cfg["rootfs"]["diff_ids"].as_array().unwrap().len(), 2);
        assert_eq!(cfg["history"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn config_matches_cosign() {
        // cosign 3.1's config for one layer, byte for byte.
        let mut d = Descriptor::of_bytes("x", b"");
        d.digest = Digest::parse(
            "sha256:88201865cd9fb60810f46326cdb069107756e149bcc768eae6c5231f27994aa5",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(config_for(&[d])).unwrap(),
            r#"{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:88201865cd9fb60810f46326cdb069107756e149bcc768eae6c5231f27994aa5"]},"config":{}}"#
        );
    }
}
