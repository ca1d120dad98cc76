//! in-toto Statement v1 and the predicate types secchain attests.
//!
//! ```json
//! {"_type":"https://in-toto.io/Statement/v1",
//!  "subject":[{"name":"registry.example/app","digest":{"sha256":"…"}}],
//!  "predicateType":"https://slsa.dev/provenance/v1",
//!  "predicate":{…}}
//! ```
//!
//! Statements are written as v1; v0.1 statements (what `cosign attest` writes for
//! attestations) are read too. Image signatures in bundle format are statements of
//! predicate type [`COSIGN_SIGN_PREDICATE`] with an empty predicate, the image as the
//! only subject and the annotations on that subject, as cosign 3 writes them.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// `_type` of a Statement v1.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// `_type` of a Statement v0.1 (read only).
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// The DSSE payload type of in-toto statements.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The predicate type of an image signature in bundle format (cosign 3).
pub const COSIGN_SIGN_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";

/// An in-toto statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// [`STATEMENT_V1`] (or [`STATEMENT_V01`] when read).
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What the statement is about.
    pub subject: Vec<ResourceDescriptor>,
    /// The predicate's type URI.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The predicate.
    #[serde(default)]
    pub predicate: serde_json::Value,
}

/// A subject (in-toto ResourceDescriptor, the fields secchain uses).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    /// A name (the repository, for images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Digests by algorithm (`sha256` → hex).
    #[serde(default)]
    pub digest: BTreeMap<String, String>,
    /// Annotations (image signatures in bundle format carry `-a` here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, serde_json::Value>>,
}

impl Statement {
    /// A v1 statement about one image.
    pub fn for_image(
        name: Option<&str>,
        digest: &str,
        annotations: Option<BTreeMap<String, serde_json::Value>>,
        predicate_type: &str,
        predicate: serde_json::Value,
    ) -> Result<Self> {
        let (alg, hex) = digest
            .split_once(':')
            .ok_or_else(|| Error::Invalid(format!("`{digest}` is not a digest (alg:hex)")))?;
        Ok(Statement {
            statement_type: STATEMENT_V1.into(),
            subject: vec![ResourceDescriptor {
                name: name.map(str::to_string),
                digest: BTreeMap::from([(alg.to_string(), hex.to_string())]),
                annotations,
            }],
            predicate_type: predicate_type.to_string(),
            predicate,
        })
    }

    /// The exact bytes to sign.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a statement always serialises")
    }

    /// Parses a statement (v1 or v0.1).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let s: Statement = serde_json::from_slice(bytes).map_err(|e| {
            Error::Malformed(format!(
                "the signed payload is not an in-toto statement: {e}"
            ))
        })?;
        if s.statement_type != STATEMENT_V1 && s.statement_type != STATEMENT_V01 {
            return Err(Error::Malformed(format!(
                "the signed payload's _type is `{}`, not an in-toto statement",
                s.statement_type
            )));
        }
        Ok(s)
    }

    /// The subject whose digest is `digest` (`alg:hex`), if any.
    pub fn subject_with_digest(&self, digest: &str) -> Option<&ResourceDescriptor> {
        let (alg, hex) = digest.split_once(':')?;
        self.subject.iter().find(|s| {
            s.digest
                .get(alg)
                .is_some_and(|h| h.eq_ignore_ascii_case(hex))
        })
    }
}

/// A predicate type: one of cosign's `--type` names, or any URI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PredicateType {
    /// `slsaprovenance1`: <https://slsa.dev/provenance/v1>.
    SlsaProvenance1,
    /// `slsaprovenance` / `slsaprovenance02`: <https://slsa.dev/provenance/v0.2>.
    SlsaProvenance02,
    /// `cyclonedx`: <https://cyclonedx.org/bom>.
    CycloneDx,
    /// `spdxjson` / `spdx`: <https://spdx.dev/Document>.
    SpdxJson,
    /// `vuln`: cosign's vulnerability scan predicate.
    Vuln,
    /// `openvex`: <https://openvex.dev/ns>.
    OpenVex,
    /// `link`: in-toto link.
    Link,
    /// `custom`: cosign's generic predicate type.
    Custom,
    /// Any other predicate type URI.
    Uri(String),
}

impl PredicateType {
    /// Parses a cosign `--type` name or a URI.
    pub fn parse(input: &str) -> Result<Self> {
        Ok(match input {
            "slsaprovenance1" => PredicateType::SlsaProvenance1,
            "slsaprovenance" | "slsaprovenance02" => PredicateType::SlsaProvenance02,
            "cyclonedx" => PredicateType::CycloneDx,
            "spdx" | "spdxjson" => PredicateType::SpdxJson,
            "vuln" => PredicateType::Vuln,
            "openvex" => PredicateType::OpenVex,
            "link" => PredicateType::Link,
            "custom" => PredicateType::Custom,
            uri => {
                let known = [
                    PredicateType::SlsaProvenance1,
                    PredicateType::SlsaProvenance02,
                    PredicateType::CycloneDx,
                    PredicateType::SpdxJson,
                    PredicateType::Vuln,
                    PredicateType::OpenVex,
                    PredicateType::Link,
                    PredicateType::Custom,
                ];
                if let Some(k) = known.into_iter().find(|k| k.uri() == uri) {
                    return Ok(k);
                }
                let scheme_ok = uri
                    .split_once("://")
                    .is_some_and(|(s, rest)| !s.is_empty() && !rest.is_empty());
                if !scheme_ok || uri.chars().any(char::is_whitespace) {
                    return Err(Error::Invalid(format!(
                        "predicate type `{uri}` is neither a known name (slsaprovenance1, \
                         slsaprovenance02, cyclonedx, spdxjson, vuln, openvex, link, custom) nor a URI"
                    )));
                }
                PredicateType::Uri(uri.to_string())
            }
        })
    }

    /// The predicate type URI written into statements.
    pub fn uri(&self) -> &str {
        match self {
            PredicateType::SlsaProvenance1 => "https://slsa.dev/provenance/v1",
            PredicateType::SlsaProvenance02 => "https://slsa.dev/provenance/v0.2",
            PredicateType::CycloneDx => "https://cyclonedx.org/bom",
            PredicateType::SpdxJson => "https://spdx.dev/Document",
            PredicateType::Vuln => "https://cosign.sigstore.dev/attestation/vuln/v1",
            PredicateType::OpenVex => "https://openvex.dev/ns",
            PredicateType::Link => "https://in-toto.io/Link/v1",
            PredicateType::Custom => "https://cosign.sigstore.dev/attestation/v1",
            PredicateType::Uri(u) => u,
        }
    }
}

impl fmt::Display for PredicateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri())
    }
}

impl std::str::FromStr for PredicateType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PredicateType::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(
            PredicateType::parse("slsaprovenance1").unwrap().uri(),
            "https://slsa.dev/provenance/v1"
        );
        assert_eq!(
            PredicateType::parse("https://slsa.dev/provenance/v1").unwrap(),
            PredicateType::SlsaProvenance1
        );
        assert_eq!(
            PredicateType::parse("https://example.com/p/v1").unwrap(),
            PredicateType::Uri("https://example.com/p/v1".into())
        );
        assert!(PredicateType::parse("nonsense").is_err());
    }

    #[test]
    fn cosign_sign_statement_is_byte_identical() {
        // The statement cosign 3.1 signed for `cosign sign -a foo=bar` (bundle format).
        let cosign = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"cc91328704dc5889f7cbf7d7c601763851f3063c6616846c322054bcecac2ba6"},"annotations":{"foo":"bar"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}"#;
        let ours = Statement::for_image(
            None,
            "sha256:cc91328704dc5889f7cbf7d7c601763851f3063c6616846c322054bcecac2ba6",
            Some(BTreeMap::from([("foo".into(), "bar".into())])),
            COSIGN_SIGN_PREDICATE,
            serde_json::json!({}),
        )
        .unwrap();
        assert_eq!(String::from_utf8(ours.to_bytes()).unwrap(), cosign);
        assert_eq!(Statement::parse(cosign.as_bytes()).unwrap(), ours);
        let s = Statement::parse(cosign.as_bytes()).unwrap();
        assert!(s
            .subject_with_digest(
                "sha256:CC91328704DC5889F7CBF7D7C601763851F3063C6616846C322054BCECAC2BA6"
            )
            .is_some());
        assert!(s.subject_with_digest("sha256:00").is_none());
    }
}
