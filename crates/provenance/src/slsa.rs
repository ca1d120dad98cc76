//! The SLSA provenance v1 predicate.
//!
//! Spec: <https://slsa.dev/spec/v1.0/provenance>. Field names follow the spec exactly;
//! parameter objects are JSON values whose maps serialise in sorted order.

use serde::{Deserialize, Serialize};

use crate::intoto::ResourceDescriptor;

/// `predicateType` of SLSA provenance v1.
pub const PREDICATE_TYPE: &str = "https://slsa.dev/provenance/v1";

/// The provenance predicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// What was built and from what.
    #[serde(rename = "buildDefinition")]
    pub build_definition: BuildDefinition,
    /// Who built it, when, and what else came out.
    #[serde(rename = "runDetails")]
    pub run_details: RunDetails,
}

/// `buildDefinition`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildDefinition {
    /// URI of the build type (how to read the parameters).
    #[serde(rename = "buildType")]
    pub build_type: String,
    /// Parameters under the control of whoever started the build.
    #[serde(rename = "externalParameters")]
    pub external_parameters: serde_json::Value,
    /// Parameters set by the builder itself.
    #[serde(
        rename = "internalParameters",
        default,
        skip_serializing_if = "serde_json::Value::is_null"
    )]
    pub internal_parameters: serde_json::Value,
    /// Inputs fetched during the build, by digest.
    #[serde(
        rename = "resolvedDependencies",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub resolved_dependencies: Vec<ResourceDescriptor>,
}

/// `runDetails`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunDetails {
    /// The builder.
    pub builder: Builder,
    /// Invocation id and times.
    pub metadata: BuildMetadata,
    /// Other outputs of the build.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub byproducts: Vec<ResourceDescriptor>,
}

/// `runDetails.builder`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Builder {
    /// URI identifying the builder (the trust boundary).
    pub id: String,
    /// Versions of the builder's components.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub version: std::collections::BTreeMap<String, String>,
}

/// `runDetails.metadata`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildMetadata {
    /// Identifies this run.
    #[serde(rename = "invocationId")]
    pub invocation_id: String,
    /// RFC 3339 start time.
    #[serde(rename = "startedOn")]
    pub started_on: String,
    /// RFC 3339 end time.
    #[serde(rename = "finishedOn")]
    pub finished_on: String,
}
