//! The `secrets` stage's `with:` and `gate:` sections.
//!
//! ```yaml
//! - kind: secrets
//!   with:
//!     max_file_size: 10MiB           # larger files are not read (bytes, or KiB/MiB/GiB/KB/MB/GB)
//!     allow:                         # on top of the built-in allow-list
//!       - {rule: secret:jwt, path: /app/fixtures/**, reason: "signed test fixtures"}
//!       - {value_sha256: 5f2c…, reason: "revoked in 2024, kept for the migration test"}
//!     hygiene: true                  # also run the image hygiene checks (default true)
//!     max_image_size: 1GiB           # hygiene:image-size above this
//!   gate:
//!     fail_on: high                  # critical | high (default) | medium | low | none
//!     hygiene_fail_on: [root-user, shell]   # hygiene rules that fail the gate (default none)
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer};

use crate::allowlist::AllowEntry;
use crate::hygiene::{DEFAULT_MAX_IMAGE_SIZE, HYGIENE_RULES};
use crate::rules::rule_by_id;
use crate::scanner::DEFAULT_MAX_FILE_SIZE;
use crate::severity::FailOn;
use secchain_pipeline::node::PathSeg;
use secchain_pipeline::ConfigProblem;

/// `with:` of the `secrets` stage.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SecretsWith")]
pub struct SecretsOptions {
    /// Files larger than this are not read (bytes).
    #[serde(default = "default_file_size", deserialize_with = "byte_size")]
    #[schemars(schema_with = "byte_size_schema")]
    pub max_file_size: u64,
    /// The user's allow-list.
    #[serde(default)]
    pub allow: Vec<AllowEntry>,
    /// Run the hygiene checks.
    #[serde(default = "yes")]
    pub hygiene: bool,
    /// `hygiene:image-size` above this many uncompressed bytes.
    #[serde(default = "default_image_size", deserialize_with = "byte_size")]
    #[schemars(schema_with = "byte_size_schema")]
    pub max_image_size: u64,
}

impl Default for SecretsOptions {
    fn default() -> Self {
        SecretsOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            allow: Vec::new(),
            hygiene: true,
            max_image_size: DEFAULT_MAX_IMAGE_SIZE,
        }
    }
}

fn yes() -> bool {
    true
}

fn default_file_size() -> u64 {
    DEFAULT_MAX_FILE_SIZE
}

fn default_image_size() -> u64 {
    DEFAULT_MAX_IMAGE_SIZE
}

/// `gate:` of the `secrets` stage.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretsGate {
    /// The lowest secret severity that fails the gate.
    #[serde(default)]
    pub fail_on: FailOn,
    /// Hygiene rules that fail the gate (`root-user` or `hygiene:root-user`).
    #[serde(default)]
    #[schemars(schema_with = "hygiene_fail_on_schema")]
    pub hygiene_fail_on: Vec<String>,
}

impl SecretsGate {
    /// The hygiene rule ids that block, normalised to `hygiene:<name>`.
    pub fn hygiene_rules(&self) -> BTreeSet<String> {
        self.hygiene_fail_on.iter().map(|r| hygiene_id(r)).collect()
    }
}

fn hygiene_fail_on_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let short: Vec<&str> = HYGIENE_RULES
        .iter()
        .map(|r| r.trim_start_matches("hygiene:"))
        .collect();
    let names: Vec<&str> = short
        .iter()
        .copied()
        .chain(HYGIENE_RULES.iter().copied())
        .collect();
    schemars::json_schema!({"type": "array", "items": {"type": "string", "enum": names}})
}

fn hygiene_id(name: &str) -> String {
    if name.starts_with("hygiene:") {
        name.to_string()
    } else {
        format!("hygiene:{name}")
    }
}

/// Problems beyond what serde checks: allow entries and hygiene rule names.
pub fn problems(opts: &SecretsOptions, gate: &SecretsGate) -> Vec<ConfigProblem> {
    let mut out = Vec::new();
    for (i, e) in opts.allow.iter().enumerate() {
        let at = |field: Option<&str>, message: String| item("with", "allow", i, field, message);
        if e.reason.trim().is_empty() {
            out.push(
                at(None, "an allow-list entry needs a `reason`".into())
                    .hint("say why this is not a secret, e.g. reason: \"test fixture\""),
            );
        }
        if e.rule.is_none() && e.path.is_none() && e.value_sha256.is_none() {
            out.push(
                at(
                    None,
                    "an allow-list entry must name a `rule`, a `path` or a `value_sha256`".into(),
                )
                .hint("an entry with none of them would allow everything"),
            );
        }
        if let Some(rule) = e.rule.as_deref().filter(|r| rule_by_id(r).is_none()) {
            out.push(
                at(Some("rule"), format!("unknown secret rule `{rule}`")).hint(format!(
                    "one of: {}",
                    crate::rules::rule_ids().collect::<Vec<_>>().join(", ")
                )),
            );
        }
        if let Some(h) = e.value_sha256.as_deref() {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.push(
                    at(
                        Some("value_sha256"),
                        "`value_sha256` must be 64 hex digits".into(),
                    )
                    .hint("printf '%s' \"$VALUE\" | sha256sum"),
                );
            }
        }
    }
    for (i, name) in gate.hygiene_fail_on.iter().enumerate() {
        if !HYGIENE_RULES.contains(&hygiene_id(name).as_str()) {
            let names: Vec<&str> = HYGIENE_RULES
                .iter()
                .map(|r| r.trim_start_matches("hygiene:"))
                .collect();
            out.push(
                item(
                    "gate",
                    "hygiene_fail_on",
                    i,
                    None,
                    format!("unknown hygiene rule `{name}`"),
                )
                .hint(format!("one of: {}", names.join(", "))),
            );
        }
    }
    if !gate.hygiene_fail_on.is_empty() && !opts.hygiene {
        out.push(
            ConfigProblem::at(
                "gate.hygiene_fail_on",
                "`hygiene_fail_on` is set but `with.hygiene` is false",
            )
            .hint("remove one of them"),
        );
    }
    out
}

/// A problem at `section.key[index](.field)`.
fn item(
    section: &str,
    key: &str,
    index: usize,
    field: Option<&str>,
    message: String,
) -> ConfigProblem {
    let mut path = vec![
        PathSeg::Key(section.into()),
        PathSeg::Key(key.into()),
        PathSeg::Index(index),
    ];
    path.extend(field.map(|f| PathSeg::Key(f.into())));
    ConfigProblem {
        path,
        key: None,
        message,
        hint: None,
    }
}

/// Why `candidate` is weaker than `base`, if it is.
pub fn weakening(base: &SecretsGate, candidate: &SecretsGate) -> Option<String> {
    let mut why = Vec::new();
    if candidate.fail_on.rank() > base.fail_on.rank() {
        why.push(format!(
            "it raises fail_on from {} to {}",
            fail_on_name(base.fail_on),
            fail_on_name(candidate.fail_on)
        ));
    }
    let dropped: Vec<String> = base
        .hygiene_rules()
        .difference(&candidate.hygiene_rules())
        .cloned()
        .collect();
    if !dropped.is_empty() {
        why.push(format!("it no longer fails on {}", dropped.join(", ")));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

fn fail_on_name(f: FailOn) -> &'static str {
    f.threshold().map_or("none", |s| s.as_str())
}

/// A size in bytes: a number, or a string with a unit (`10MiB`, `512 KB`, `1GiB`).
fn byte_size_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "Bytes, or a number with KiB, MiB, GiB, KB, MB or GB (`64MiB`).",
        "type": ["integer", "string"],
        "minimum": 0
    })
}

fn byte_size<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(u64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Number(n) => Ok(n),
        Raw::Text(s) => parse_size(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{s}` is not a size: use bytes or a number with KiB, MiB, GiB, KB, MB or GB"
            ))
        }),
    }
}

fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" => 1 << 10,
        "mib" | "m" => 1 << 20,
        "gib" | "g" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return None,
    };
    n.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10MiB"), Some(10 << 20));
        assert_eq!(parse_size("512 KB"), Some(512_000));
        assert_eq!(parse_size("1GiB"), Some(1 << 30));
        assert_eq!(parse_size("42"), Some(42));
        assert_eq!(parse_size("ten"), None);
        assert_eq!(parse_size("5 parsecs"), None);
    }
}
