//! The pin stage's `with:` and `gate:` sections.

use std::collections::BTreeMap;

use serde::Deserialize;

/// What the stage does with what it finds.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "PinMode")]
pub enum Mode {
    /// Pin references that have no digest; leave pinned ones alone.
    #[default]
    Pin,
    /// Change nothing: report unpinned references and pinned tags that moved (the CI gate).
    Check,
    /// Pin what is unpinned and refresh existing pins to the tag's current digest.
    Update,
}

/// `with:` of the pin stage.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PinWith")]
pub struct PinOptions {
    /// `pin` (default), `check` or `update`.
    #[serde(default)]
    pub mode: Mode,
    /// More files to pin: Kubernetes manifests, compose files, GitHub workflows, Dockerfiles.
    #[serde(default)]
    pub files: Vec<String>,
    /// `--build-arg` values for `ARG`s used in `FROM`.
    #[serde(default)]
    pub build_args: BTreeMap<String, String>,
    /// Registries (or `registry/path` prefixes) images may come from; others are findings.
    #[serde(default)]
    pub trusted_registries: Vec<String>,
    /// Tags that may not be used (e.g. `latest`).
    #[serde(default)]
    pub deny_tags: Vec<String>,
    /// References that may stay unpinned, each with a reason.
    #[serde(default)]
    pub allow_unpinned: Vec<AllowUnpinned>,
    /// Registries reachable over plain HTTP besides loopback.
    #[serde(default)]
    pub insecure_registries: Vec<String>,
}

/// An exception to pinning.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowUnpinned {
    /// The image name as written (`debian`, `ghcr.io/acme/tool`), without tag.
    pub image: String,
    /// Why it may stay unpinned.
    pub reason: String,
}

/// `gate:` of the pin stage: which findings fail the run.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PinGate {
    /// Finding kinds that fail: `unpinned`, `drift`, `untrusted-registry`, `denied-tag`.
    #[serde(default = "all_rules")]
    #[schemars(schema_with = "fail_on_schema")]
    pub fail_on: Vec<String>,
}

/// Every finding kind.
pub const RULES: &[&str] = &["unpinned", "drift", "untrusted-registry", "denied-tag"];

fn fail_on_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "items": {"type": "string", "enum": RULES},
        "default": RULES,
    })
}

fn all_rules() -> Vec<String> {
    RULES.iter().map(|s| s.to_string()).collect()
}

impl Default for PinGate {
    fn default() -> Self {
        PinGate {
            fail_on: all_rules(),
        }
    }
}
