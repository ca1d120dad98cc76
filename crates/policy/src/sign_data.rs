//! How the image was signed, read from the finished `sign` stage's `data` (or `with.signer`).
//!
//! Keys read from the sign stage record's `data` (anything else is ignored):
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `public_key_pem` | string | key signing: the public key, PEM |
//! | `keyless.issuer` / `keyless.issuer_regexp` | string | keyless: the OIDC issuer (exactly one) |
//! | `keyless.subject` / `keyless.subject_regexp` | string | keyless: the certificate subject (exactly one) |
//! | `keyless.fulcio_url` | string | keyless: Fulcio (default `https://fulcio.sigstore.dev`) |
//! | `keyless.rekor_url` | string | keyless: Rekor (default `https://rekor.sigstore.dev`) |
//! | `rekor_url` | string | key signing: Rekor (default `https://rekor.sigstore.dev`) |
//! | `tlog` | bool | signatures were uploaded to Rekor (default `true`, cosign's default) |
//! | `format` | `"legacy"` \| `"bundle"` | signature format (default `legacy`) |
//! | `attestations` | array of strings (predicate type URI or cosign short name), or of objects with `predicate_type` | attestations pushed |
//! | `builder_id` | string | the SLSA builder id of the provenance |
//! | `ephemeral` | bool | the key is a throw-away dry-run key |
//! | `digest` | string | the signed manifest digest (used when the run has none) |
//!
//! Exactly one of `public_key_pem` and `keyless` must be present.

use std::path::Path;

use serde_json::Value;

use crate::config::{KeylessWith, SignerWith};
use crate::error::{Error, Result};
use crate::input::{
    IdentityMatch, KeylessIdentity, PredicateType, SignatureFormat, Signer, PUBLIC_FULCIO,
    PUBLIC_REKOR,
};

/// What the policies need to know about the signing.
#[derive(Clone, Debug, PartialEq)]
pub struct SignFacts {
    /// Key or keyless.
    pub signer: Signer,
    /// Whether signatures went to Rekor.
    pub tlog: bool,
    /// Signature format.
    pub format: SignatureFormat,
    /// Attestations pushed, if the sign stage reported them.
    pub attestations: Option<Vec<PredicateType>>,
    /// The provenance builder id, if reported.
    pub builder_id: Option<String>,
    /// A throw-away key (dry run).
    pub ephemeral: bool,
    /// The signed manifest digest, if reported.
    pub digest: Option<String>,
}

fn str_at<'a>(data: &'a Value, key: &str, setting: &str) -> Result<Option<&'a str>> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::invalid(setting, "expected a string")),
    }
}

/// Reads the facts from a sign stage's `data`; `stage` names the stage in errors.
pub fn from_data(stage: &str, data: &Value) -> Result<SignFacts> {
    let at = |key: &str| format!("sign stage `{stage}` data.{key}");
    let pem = str_at(data, "public_key_pem", &at("public_key_pem"))?;
    let keyless = data.get("keyless").filter(|v| !v.is_null());
    let signer = match (pem, keyless) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                at("keyless"),
                "the sign stage reported both `public_key_pem` and `keyless`",
            ))
        }
        (None, None) => {
            return Err(Error::missing(
                at("public_key_pem"),
                format!("the sign stage `{stage}` reported neither `data.public_key_pem` nor `data.keyless`, so the policies cannot name the signer"),
            ))
        }
        (Some(pem), None) => Signer::Key {
            public_key_pem: pem.to_string(),
            rekor_url: str_at(data, "rekor_url", &at("rekor_url"))?.map(str::to_string),
        },
        (None, Some(k)) => {
            let field = |name: &str| -> Result<Option<String>> {
                Ok(str_at(k, name, &at(&format!("keyless.{name}")))?.map(str::to_string))
            };
            let with = KeylessWith {
                issuer: field("issuer")?,
                issuer_regexp: field("issuer_regexp")?,
                subject: field("subject")?,
                subject_regexp: field("subject_regexp")?,
                fulcio_url: field("fulcio_url")?,
                rekor_url: field("rekor_url")?,
            };
            Signer::Keyless(keyless_identity(&with, &at("keyless"))?)
        }
    };
    let tlog = match data.get("tlog") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::invalid(at("tlog"), "expected true or false")),
    };
    let format = match str_at(data, "format", &at("format"))? {
        None | Some("legacy") => SignatureFormat::Legacy,
        Some("bundle") => SignatureFormat::Bundle,
        Some(other) => {
            return Err(Error::invalid(
                at("format"),
                format!("`{other}` is not a signature format (legacy or bundle)"),
            ))
        }
    };
    let attestations = match data.get("attestations") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let name = item
                        .as_str()
                        .or_else(|| item.get("predicate_type").and_then(Value::as_str))
                        .unwrap_or_default();
                    PredicateType::parse(name).ok_or_else(|| {
                        Error::invalid(
                            at(&format!("attestations[{i}]")),
                            format!("`{item}` is not a predicate type"),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        Some(_) => return Err(Error::invalid(at("attestations"), "expected a list")),
    };
    Ok(SignFacts {
        signer,
        tlog,
        format,
        attestations,
        builder_id: str_at(data, "builder_id", &at("builder_id"))?.map(str::to_string),
        ephemeral: data
            .get("ephemeral")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        digest: str_at(data, "digest", &at("digest"))?.map(str::to_string),
    })
}

/// The keyless identity from a keyless section (`setting` names it in errors).
pub fn keyless_identity(k: &KeylessWith, setting: &str) -> Result<KeylessIdentity> {
    let pick = |name: &str, exact: &Option<String>, regexp: &Option<String>| {
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        match (nonempty(exact), nonempty(regexp)) {
            (Some(v), None) => Ok(IdentityMatch::Exact(v)),
            (None, Some(v)) => Ok(IdentityMatch::Regexp(v)),
            (Some(_), Some(_)) => Err(Error::invalid(
                format!("{setting}.{name}"),
                format!("set `{name}` or `{name}_regexp`, not both"),
            )),
            (None, None) => Err(Error::missing(
                format!("{setting}.{name}"),
                format!("a keyless signature is verified against the identity it carries; `{name}` (or `{name}_regexp`) is not set"),
            )),
        }
    };
    Ok(KeylessIdentity {
        issuer: pick("issuer", &k.issuer, &k.issuer_regexp)?,
        subject: pick("subject", &k.subject, &k.subject_regexp)?,
        fulcio_url: k.fulcio_url.clone().unwrap_or_else(|| PUBLIC_FULCIO.into()),
        rekor_url: k.rekor_url.clone().unwrap_or_else(|| PUBLIC_REKOR.into()),
    })
}

/// The facts from `with.signer`; `public_key_file` is read relative to `base_dir`.
pub fn from_with(s: &SignerWith, base_dir: &Path) -> Result<SignFacts> {
    let signer = match (&s.public_key_pem, &s.public_key_file, &s.keyless) {
        (Some(pem), None, None) => Signer::Key {
            public_key_pem: pem.clone(),
            rekor_url: s.rekor_url.clone(),
        },
        (None, Some(file), None) => {
            let path = base_dir.join(file);
            let pem = std::fs::read_to_string(&path).map_err(|e| {
                Error::invalid(
                    "with.signer.public_key_file",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            Signer::Key {
                public_key_pem: pem,
                rekor_url: s.rekor_url.clone(),
            }
        }
        (None, None, Some(k)) => Signer::Keyless(keyless_identity(k, "with.signer.keyless")?),
        _ => {
            return Err(Error::invalid(
                "with.signer",
                "set exactly one of `public_key_pem`, `public_key_file` or `keyless`",
            ))
        }
    };
    Ok(SignFacts {
        signer,
        tlog: s.tlog.unwrap_or(true),
        format: s.format.unwrap_or_default(),
        attestations: None,
        builder_id: None,
        ephemeral: false,
        digest: None,
    })
}
