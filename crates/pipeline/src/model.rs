//! The typed pipeline file (`version: 1`), as the engine uses it after loading.
//!
//! These types are produced from the merged, interpolated [`crate::node::Node`] tree by
//! [`crate::load`]; they are never parsed from text directly, so every error about them
//! can still point at a position in the file it came from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The pipeline file format version this secchain understands.
pub const PIPELINE_VERSION: u32 = 1;

/// The keys a pipeline file may have at the top level.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "version",
    "image",
    "dockerfile",
    "platform",
    "extends",
    "stages",
];

/// The keys a stage entry may have.
pub const STAGE_KEYS: &[&str] = &[
    "kind",
    "name",
    "needs",
    "with",
    "gate",
    "continue_on_error",
    "enabled",
    "locked",
];

/// A whole pipeline, after `extends:` has been applied.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Format version; must be [`PIPELINE_VERSION`].
    pub version: u32,
    /// The image the pipeline is about: a registry reference, `oci:DIR[:TAG]` or `docker-archive:FILE`.
    #[serde(default)]
    pub image: Option<String>,
    /// Path of the Dockerfile, relative to the pipeline file.
    #[serde(default)]
    pub dockerfile: Option<String>,
    /// Platform to select from a multi-platform image (`linux/arm64`); default: the host's.
    #[serde(default)]
    pub platform: Option<String>,
    /// The stages, in the order written.
    #[serde(default)]
    pub stages: Vec<StageSpec>,
}

/// One entry of `stages:`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    /// The stage kind (`lint`, `scan`, `exec`, …).
    pub kind: String,
    /// A unique name; defaults to the kind.
    #[serde(default)]
    pub name: Option<String>,
    /// Stages that must pass before this one starts. Absent: the previous stage in the list.
    /// An empty list: none, so the stage starts at once.
    #[serde(default)]
    pub needs: Option<Vec<String>>,
    /// Stage options, understood by the stage itself.
    #[serde(default)]
    pub with: Option<serde_json::Value>,
    /// What makes the stage fail the run, understood by the stage itself.
    #[serde(default)]
    pub gate: Option<serde_json::Value>,
    /// A failure of this stage is recorded but does not fail the run or block dependants.
    #[serde(default)]
    pub continue_on_error: bool,
    /// `false` turns an inherited stage off (not allowed when the base locks it as required).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// In a base pipeline: what a pipeline that extends it may not weaken.
    #[serde(default)]
    pub locked: Option<Locked>,
}

fn default_true() -> bool {
    true
}

impl StageSpec {
    /// The stage's unique name: `name`, or the kind when no name is given.
    pub fn id(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.kind)
    }
}

/// `locked:` on a stage of a base pipeline: `true` locks everything, or a list of facets.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Locked {
    /// `locked: true` (every facet) or `locked: false`.
    All(bool),
    /// `locked: [gate, required]`.
    Facets(Vec<LockFacet>),
}

/// One lockable part of a stage.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LockFacet {
    /// The stage may not be disabled.
    Required,
    /// The gate may not be weakened (the stage decides what weaker means).
    Gate,
    /// The options may not be changed.
    With,
    /// `continue_on_error` may not be turned on.
    ContinueOnError,
}

impl LockFacet {
    /// Every facet, for `locked: true`.
    pub const ALL: [LockFacet; 4] = [
        LockFacet::Required,
        LockFacet::Gate,
        LockFacet::With,
        LockFacet::ContinueOnError,
    ];

    /// The facet's name as written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            LockFacet::Required => "required",
            LockFacet::Gate => "gate",
            LockFacet::With => "with",
            LockFacet::ContinueOnError => "continue_on_error",
        }
    }
}

impl Locked {
    /// Whether this lock covers `facet`.
    pub fn covers(&self, facet: LockFacet) -> bool {
        match self {
            Locked::All(all) => *all,
            Locked::Facets(facets) => facets.contains(&facet),
        }
    }
}
