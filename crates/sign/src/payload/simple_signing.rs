//! cosign's simple-signing payload: what a legacy image signature signs.
//!
//! ```json
//! {"critical":{"identity":{"docker-reference":"registry.example/app"},
//!              "image":{"docker-manifest-digest":"sha256:…"},
//!              "type":"cosign container image signature"},
//!  "optional":{"key":"value"}}
//! ```
//!
//! Serialised exactly as cosign does (field order, `"optional":null` without
//! annotations, annotation keys sorted). Stored as a layer of media type
//! [`MEDIA_TYPE`] in the `sha256-<hex>.sig` manifest.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The payload's layer media type.
pub const MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// `critical.type` of a cosign image signature.
pub const SIGNATURE_TYPE: &str = "cosign container image signature";

/// The simple-signing payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimpleSigning {
    /// What is signed.
    pub critical: Critical,
    /// Annotations (`-a key=value`); `null` when there are none.
    pub optional: Option<BTreeMap<String, serde_json::Value>>,
}

/// The `critical` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Critical {
    /// The repository the image was signed in.
    pub identity: Identity,
    /// The image's manifest digest.
    pub image: Image,
    /// Always [`SIGNATURE_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
}

/// `critical.identity`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// The repository (`registry/name`, no tag or digest), as cosign writes it.
    #[serde(rename = "docker-reference")]
    pub docker_reference: String,
}

/// `critical.image`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// `sha256:<hex>` of the image manifest.
    #[serde(rename = "docker-manifest-digest")]
    pub docker_manifest_digest: String,
}

impl SimpleSigning {
    /// The payload for `digest` in `repository` with string `annotations`.
    pub fn new(repository: &str, digest: &str, annotations: &BTreeMap<String, String>) -> Self {
        SimpleSigning {
            critical: Critical {
                identity: Identity {
                    docker_reference: repository.to_string(),
                },
                image: Image {
                    docker_manifest_digest: digest.to_string(),
                },
                kind: SIGNATURE_TYPE.to_string(),
            },
            optional: (!annotations.is_empty()).then(|| {
                annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect()
            }),
        }
    }

    /// The exact bytes to sign.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a simple-signing payload always serialises")
    }

    /// Parses a payload; fails unless it is a cosign image signature payload.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let payload: SimpleSigning = serde_json::from_slice(bytes).map_err(|e| {
            Error::Malformed(format!(
                "the signed payload is not a simple-signing payload: {e}"
            ))
        })?;
        if payload.critical.kind != SIGNATURE_TYPE {
            return Err(Error::Malformed(format!(
                "the signed payload's type is `{}`, expected `{SIGNATURE_TYPE}`",
                payload.critical.kind
            )));
        }
        Ok(payload)
    }

    /// The annotations as a map (empty when `optional` is null).
    pub fn annotations(&self) -> BTreeMap<String, serde_json::Value> {
        self.optional.clone().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_like_cosign() {
        let none = SimpleSigning::new("127.0.0.1:5055/app", "sha256:cc91", &BTreeMap::new());
        assert_eq!(
            String::from_utf8(none.to_bytes()).unwrap(),
            r#"{"critical":{"identity":{"docker-reference":"127.0.0.1:5055/app"},"image":{"docker-manifest-digest":"sha256:cc91"},"type":"cosign container image signature"},"optional":null}"#
        );
        let ann = BTreeMap::from([("k".to_string(), "v".to_string()), ("a".into(), "b".into())]);
        let some = SimpleSigning::new("r/app", "sha256:cc91", &ann);
        assert!(String::from_utf8(some.to_bytes())
            .unwrap()
            .ends_with(r#""optional":{"a":"b","k":"v"}}"#));
        assert_eq!(SimpleSigning::parse(&some.to_bytes()).unwrap(), some);
    }

    #[test]
    fn rejects_other_types() {
        let mut p = SimpleSigning::new("r/app", "sha256:00", &BTreeMap::new());
        p.critical.kind = "atomic container signature".into();
        assert!(SimpleSigning::parse(&p.to_bytes()).is_err());
        assert!(SimpleSigning::parse(b"{}").is_err());
    }
}
