//! sigstore policy-controller's `ClusterImagePolicy` (`policy.sigstore.dev/v1beta1`).
//!
//! Field by field after `pkg/apis/policy/v1beta1/clusterimagepolicy_types.go` and the
//! CRD `config/300-clusterimagepolicy.yaml`; only the fields secchain emits are modelled
//! (`static`, `source`, `match`, `rfc3161timestamp`, remote and ConfigMap policies are not).
//! Optional fields are skipped when unset, so the YAML carries only what was decided.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Spec holds the desired state of the ClusterImagePolicy (from the client).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "policy.sigstore.dev",
    version = "v1beta1",
    kind = "ClusterImagePolicy",
    plural = "clusterimagepolicies",
    derive = "PartialEq"
)]
#[serde(rename_all = "camelCase")]
pub struct ClusterImagePolicySpec {
    /// Images defines the patterns of image names that should be subject to this policy.
    pub images: Vec<ImagePattern>,
    /// Authorities defines the rules for discovering and validating signatures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<Authority>,
    /// Policy is an optional policy that can be applied against all the successfully validated Authorities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    /// Mode controls whether a failing policy will be rejected (`enforce`) or converted to warnings (`warn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// ImagePattern defines a pattern of image names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImagePattern {
    /// Glob defines a globbing pattern.
    pub glob: String,
}

/// Authority defines the rules for discovering and validating signatures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Authority {
    /// Name is the name for this authority, referenced by the CIP-level policy.
    pub name: String,
    /// Key defines the type of key to validate the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyRef>,
    /// Keyless sets the configuration to verify the authority against a Fulcio instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyless: Option<KeylessRef>,
    /// CTLog sets the configuration to verify the authority against a Rekor instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctlog: Option<TLog>,
    /// Attestations is a list of individual attestations for this authority.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<Attestation>,
    /// SignatureFormat specifies the format the authority expects (`legacy` or `bundle`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_format: Option<String>,
}

/// KeyRef defines the key to validate the image.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyRef {
    /// SecretRef sets a reference to a secret with the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretReference>,
    /// Data contains the inline public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// HashAlgorithm always defaults to sha256 if the algorithm hasn't been explicitly set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash_algorithm: Option<String>,
}

/// SecretReference represents a Secret Reference (core/v1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecretReference {
    /// name is unique within a namespace to reference a secret resource.
    pub name: String,
    /// namespace defines the space within which the secret name must be unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// TLog sets the Rekor instance signatures are verified against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TLog {
    /// URL sets the url to the rekor instance (by default the public rekor.sigstore.dev).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// KeylessRef verifies the authority against a Fulcio instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeylessRef {
    /// URL defines a url to the keyless instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Identities sets a list of identities.
    pub identities: Vec<Identity>,
}

/// Identity may contain the issuer and/or the subject found in the transparency log, each exact or as a regular expression.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// Issuer defines the issuer for this identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Subject defines the subject for this identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// IssuerRegExp specifies a regular expression to match the issuer for this identity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "issuerRegExp"
    )]
    pub issuer_reg_exp: Option<String>,
    /// SubjectRegExp specifies a regular expression to match the subject for this identity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "subjectRegExp"
    )]
    pub subject_reg_exp: Option<String>,
}

/// Attestation defines the type of attestation to validate and optionally apply a policy decision to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attestation {
    /// Name of the attestation; referenced by the CIP-level policy.
    pub name: String,
    /// PredicateType defines which predicate type to verify.
    pub predicate_type: String,
    /// Policy applied to every verified attestation of this type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
}

/// Policy specifies a policy to use for Attestation or the CIP validation (rego or cue).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Policy {
    /// Which kind of policy this is, currently only `rego` or `cue` are supported.
    #[serde(rename = "type")]
    pub type_: String,
    /// Data contains the policy definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}
