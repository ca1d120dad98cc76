//! Manifests and indexes: OCI image manifest/index and Docker schema 2 manifest/list.
//!
//! The four formats share one JSON shape, so one set of types covers them;
//! [`Manifest::parse`] checks `schemaVersion` (schema 1 is refused with a
//! hint), tells an index from an image manifest by media type (or, when the
//! optional `mediaType` is absent, by the fields present) and validates
//! every digest.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::platform::Platform;

/// Well-known media types.
pub mod media_type {
    /// OCI image manifest.
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    /// OCI image index.
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// Docker schema 2 manifest.
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker manifest list.
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker schema 1 (signed) manifest — refused.
    pub const DOCKER_MANIFEST_V1: &str =
        "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /// OCI image config.
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    /// Docker image config.
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    /// OCI empty descriptor (`{}`), used by artifacts.
    pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
    /// OCI uncompressed layer.
    pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
    /// OCI gzip layer.
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// OCI zstd layer.
    pub const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
    /// OCI non-distributable uncompressed layer (deprecated).
    pub const OCI_LAYER_ND: &str = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    /// OCI non-distributable gzip layer (deprecated).
    pub const OCI_LAYER_ND_GZIP: &str =
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    /// OCI non-distributable zstd layer (deprecated).
    pub const OCI_LAYER_ND_ZSTD: &str =
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
    /// Docker gzip layer.
    pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// Docker uncompressed layer (used by `docker save` archives).
    pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";
    /// Docker foreign (Windows base) layer.
    pub const DOCKER_FOREIGN_LAYER_GZIP: &str =
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// The manifest types accepted when pulling.
    pub const ACCEPTED_MANIFESTS: &[&str] = &[
        OCI_INDEX,
        DOCKER_MANIFEST_LIST,
        OCI_MANIFEST,
        DOCKER_MANIFEST,
    ];
}

/// The compression of a layer blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// A plain tar stream.
    None,
    /// gzip (possibly several members).
    Gzip,
    /// zstd (possibly several frames).
    Zstd,
}

impl Compression {
    /// The compression a layer media type declares, or `None` for non-layer types.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        use media_type::*;
        match media_type {
            OCI_LAYER | OCI_LAYER_ND | DOCKER_LAYER => Some(Compression::None),
            OCI_LAYER_GZIP | OCI_LAYER_ND_GZIP | DOCKER_LAYER_GZIP | DOCKER_FOREIGN_LAYER_GZIP => {
                Some(Compression::Gzip)
            }
            OCI_LAYER_ZSTD | OCI_LAYER_ND_ZSTD => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// Detects compression from the first bytes of a blob.
    ///
    /// gzip and zstd are recognised by their magic numbers; bzip2 and xz are
    /// refused (no image tool produces them for layers); anything else is
    /// taken as a plain tar stream (the tar reader then validates it).
    pub fn sniff(prefix: &[u8]) -> Result<Self> {
        if prefix.starts_with(&[0x1f, 0x8b]) {
            Ok(Compression::Gzip)
        } else if prefix.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Ok(Compression::Zstd)
        } else if prefix.starts_with(b"BZh")
            || prefix.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0])
        {
            Err(Error::Unsupported {
                what: "bzip2/xz compressed layers".into(),
                hint: Some("recompress the layer with gzip or zstd".into()),
            })
        } else {
            Ok(Compression::None)
        }
    }
}

/// A content descriptor: media type, digest, size and optional extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// Media type of the referenced content.
    pub media_type: String,
    /// Digest of the referenced content.
    pub digest: Digest,
    /// Size in bytes of the referenced content.
    pub size: u64,
    /// Alternate download URLs (foreign layers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Platform (index entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Artifact type (OCI 1.1 referrers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Embedded content, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl Descriptor {
    /// A descriptor with just media type, digest and size.
    pub fn new(media_type: impl Into<String>, digest: Digest, size: u64) -> Self {
        Descriptor {
            media_type: media_type.into(),
            digest,
            size,
            urls: None,
            annotations: None,
            platform: None,
            artifact_type: None,
            data: None,
        }
    }

    /// The descriptor of `bytes` with `media_type`.
    pub fn of_bytes(media_type: impl Into<String>, bytes: &[u8]) -> Self {
        Self::new(media_type, Digest::sha256(bytes), bytes.len() as u64)
    }

    /// An annotation value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }
}

/// An image manifest (OCI or Docker schema 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    /// Always 2.
    pub schema_version: u32,
    /// Media type, if the manifest states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The config blob.
    pub config: Descriptor,
    /// Layers, base first.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    /// Subject (OCI 1.1 referrers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// An image index (OCI) or manifest list (Docker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    /// Always 2.
    pub schema_version: u32,
    /// Media type, if the index states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The entries.
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    /// Subject (OCI 1.1 referrers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

impl ImageIndex {
    /// An empty OCI index (for the referrers tag schema).
    pub fn empty_oci() -> Self {
        ImageIndex {
            schema_version: 2,
            media_type: Some(media_type::OCI_INDEX.to_string()),
            artifact_type: None,
            manifests: Vec::new(),
            subject: None,
            annotations: None,
        }
    }
}

/// A parsed manifest: an image manifest or an index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // parsed once per open; boxing would only hurt matching
pub enum Manifest {
    /// A single-platform image manifest.
    Image(ImageManifest),
    /// A multi-platform index / manifest list.
    Index(ImageIndex),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    schema_version: Option<u32>,
    media_type: Option<String>,
    manifests: Option<serde_json::Value>,
    config: Option<serde_json::Value>,
}

impl Manifest {
    /// Parses manifest bytes; `content_type` is the HTTP Content-Type or
    /// descriptor media type when known; `what` names the manifest in errors.
    pub fn parse(bytes: &[u8], content_type: Option<&str>, what: &str) -> Result<Self> {
        let probe: Probe = serde_json::from_slice(bytes)
            .map_err(|e| Error::invalid_image(what, format!("manifest is not valid JSON: {e}")))?;
        let media = probe
            .media_type
            .clone()
            .or_else(|| content_type.map(|c| c.split(';').next().unwrap_or(c).trim().to_string()));
        match probe.schema_version {
            Some(2) => {}
            Some(1) => {
                return Err(Error::Unsupported {
                    what: format!("{what} is a Docker schema 1 manifest"),
                    hint: Some(
                        "schema 1 is deprecated and unverifiable; re-push the image with a current Docker or crane".into(),
                    ),
                })
            }
            Some(v) => {
                return Err(Error::Unsupported {
                    what: format!("{what} has manifest schemaVersion {v}"),
                    hint: None,
                })
            }
            None => return Err(Error::invalid_image(what, "manifest has no schemaVersion")),
        }
        let is_index = match media.as_deref() {
            Some(media_type::OCI_INDEX) | Some(media_type::DOCKER_MANIFEST_LIST) => true,
            Some(media_type::OCI_MANIFEST) | Some(media_type::DOCKER_MANIFEST) => false,
            Some(media_type::DOCKER_MANIFEST_V1) => {
                return Err(Error::Unsupported {
                    what: format!("{what} is a Docker schema 1 manifest"),
                    hint: None,
                })
            }
            // Unknown or absent media type: decide by shape.
            _ => probe.manifests.is_some() && probe.config.is_none(),
        };
        if is_index {
            let idx: ImageIndex = serde_json::from_slice(bytes)
                .map_err(|e| Error::invalid_image(what, format!("invalid image index: {e}")))?;
            Ok(Manifest::Index(idx))
        } else {
            let m: ImageManifest = serde_json::from_slice(bytes)
                .map_err(|e| Error::invalid_image(what, format!("invalid image manifest: {e}")))?;
            Ok(Manifest::Image(m))
        }
    }

    /// The manifest's media type (stated, or inferred from its kind).
    pub fn media_type(&self) -> &str {
        match self {
            Manifest::Image(m) => m.media_type.as_deref().unwrap_or(media_type::OCI_MANIFEST),
            Manifest::Index(i) => i.media_type.as_deref().unwrap_or(media_type::OCI_INDEX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    #[test]
    fn parses_docker_manifest_and_oci_index() {
        let m = format!(
            r#"{{"schemaVersion":2,"mediaType":"{}","config":{{"mediaType":"{}","size":7,"digest":"{D1}"}},"layers":[{{"mediaType":"{}","size":9,"digest":"{D2}"}}]}}"#,
            media_type::DOCKER_MANIFEST,
            media_type::DOCKER_CONFIG,
            media_type::DOCKER_LAYER_GZIP
        );
        let Manifest::Image(im) = Manifest::parse(m.as_bytes(), None, "t").unwrap() else {
            panic!("not an image manifest")
        };
        assert_eq!(im.layers[0].size, 9);
        assert_eq!(
            Compression::from_media_type(&im.layers[0].media_type),
            Some(Compression::Gzip)
        );

        let idx = format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{}","size":1,"digest":"{D1}","platform":{{"architecture":"arm64","os":"linux","variant":"v8"}}}}]}}"#,
            media_type::OCI_MANIFEST
        );
        let parsed = Manifest::parse(idx.as_bytes(), None, "t").unwrap();
        let Manifest::Index(i) = &parsed else {
            panic!("not an index")
        };
        assert_eq!(
            i.manifests[0].platform.as_ref().unwrap().to_string(),
            "linux/arm64/v8"
        );
        assert_eq!(parsed.media_type(), media_type::OCI_INDEX);
    }

    #[test]
    fn refuses_schema1_and_bad_digests() {
        let e = Manifest::parse(br#"{"schemaVersion":1,"name":"x"}"#, None, "m").unwrap_err();
        assert!(e.to_string().contains("schema 1"), "{e}");
        let bad = r#"{"schemaVersion":2,"config":{"mediaType":"x","size":1,"digest":"sha256:zz"},"layers":[]}"#;
        assert!(Manifest::parse(bad.as_bytes(), None, "m").is_err());
        let neg = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"x","size":-1,"digest":"{D1}"}}}}"#
        );
        assert!(Manifest::parse(neg.as_bytes(), None, "m").is_err());
        assert!(Manifest::parse(b"not json", None, "m").is_err());
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            Compression::sniff(&[0x1f, 0x8b, 8]).unwrap(),
            Compression::Gzip
        );
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd]).unwrap(),
            Compression::Zstd
        );
        assert_eq!(Compression::sniff(b"etc/\0\0").unwrap(), Compression::None);
        assert!(Compression::sniff(b"BZh91AY").is_err());
    }
}
