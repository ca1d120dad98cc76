//! in-toto Statement v1 and ResourceDescriptor.
//!
//! Spec: <https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md> and
//! <https://github.com/in-toto/attestation/blob/main/spec/v1/resource_descriptor.md>.
//! Maps are `BTreeMap`s so serialisation is deterministic.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `_type` of a Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// An in-toto Statement v1 with a typed predicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement<P> {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub type_: String,
    /// What the statement is about; every entry has a digest.
    pub subject: Vec<ResourceDescriptor>,
    /// URI naming the predicate's schema.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The predicate.
    pub predicate: P,
}

/// A resource: at least one of `uri`, `digest`, `content`; here always a name or URI with a digest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    /// A name for the resource (e.g. a file path or image name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A URI locating the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Algorithm → lowercase hex digest.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    /// Where the resource can be downloaded.
    #[serde(
        rename = "downloadLocation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub download_location: Option<String>,
    /// Media type of the resource.
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Extra facts about the resource.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, serde_json::Value>,
}

impl ResourceDescriptor {
    /// A descriptor named `name` with an `algo:hex` digest (e.g. `sha256:ab…`); a
    /// digest without an algorithm prefix is taken as sha256.
    pub fn named(name: impl Into<String>, digest: &str) -> Self {
        let (algo, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
        ResourceDescriptor {
            name: Some(name.into()),
            digest: BTreeMap::from([(algo.to_string(), hex.to_ascii_lowercase())]),
            ..Default::default()
        }
    }
}
