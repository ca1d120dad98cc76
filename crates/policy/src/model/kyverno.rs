//! Kyverno's `ClusterPolicy` (`kyverno.io/v1`) with `verifyImages` rules.
//!
//! Field by field after Kyverno's `api/kyverno/v1` types (`ClusterPolicy`, `Spec`, `Rule`,
//! `MatchResources`, `ResourceFilter`, `ResourceDescription`, `ImageVerification`,
//! `AttestorSet`, `Attestor`, `StaticKeyAttestor`, `KeylessAttestor`, `Rekor`, `CTLog`,
//! `Attestation`, `AnyAllConditions`, `Condition`) and the CRD
//! `config/crds/kyverno/kyverno.io_clusterpolicies.yaml`. Only what secchain emits is modelled.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Spec contains a list of Rule instances and other policy controls.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "kyverno.io",
    version = "v1",
    kind = "ClusterPolicy",
    plural = "clusterpolicies",
    derive = "PartialEq"
)]
#[serde(rename_all = "camelCase")]
pub struct ClusterPolicySpec {
    /// Deprecated upstream in favour of the rule's `failureAction`; still honoured, and the only
    /// setting older Kyverno releases read. secchain sets both to the same value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_failure_action: Option<FailureAction>,
    /// Background controls if rules are applied to existing resources during a background scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<bool>,
    /// WebhookTimeoutSeconds specifies the maximum time in seconds allowed to apply this policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_timeout_seconds: Option<i32>,
    /// Rules is a list of Rule instances.
    pub rules: Vec<Rule>,
}

/// Audit or Enforce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FailureAction {
    /// Report violations, admit the resource.
    Audit,
    /// Reject the resource.
    Enforce,
}

/// Rule defines a validation, mutation, or generation control for matching resources.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Name is a label to identify the rule; it must be unique within the policy.
    pub name: String,
    /// MatchResources defines when this policy rule should be applied.
    #[serde(rename = "match")]
    pub match_: MatchResources,
    /// ExcludeResources defines when this policy rule should not be applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<MatchResources>,
    /// VerifyImages is used to verify image signatures and mutate them to add a digest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify_images: Vec<ImageVerification>,
}

/// MatchResources is used to specify resource and admission review request data for which a policy rule is applicable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MatchResources {
    /// Any allows specifying resources which will be ORed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<ResourceFilter>,
}

/// ResourceFilter allow users to "AND" or "OR" between resources.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceFilter {
    /// ResourceDescription contains information about the resource being created or modified.
    pub resources: ResourceDescription,
}

/// ResourceDescription contains criteria used to match resources.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceDescription {
    /// Kinds is a list of resource kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    /// Namespaces is a list of namespaces names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
}

/// ImageVerification validates that images that match the specified pattern are signed with the supplied public key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageVerification {
    /// Allowed values are Audit or Enforce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_action: Option<FailureAction>,
    /// Type specifies the method of signature validation (Cosign by default).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub type_: Option<ImageVerificationType>,
    /// ImageReferences is a list of matching image reference patterns (`*` and `?` wildcards).
    pub image_references: Vec<String>,
    /// Attestors specified the required attestors (i.e. authorities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestors: Vec<AttestorSet>,
    /// Attestations are optional checks for signed in-toto Statements used to verify the image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<Attestation>,
    /// MutateDigest enables replacement of image tags with digests.
    pub mutate_digest: bool,
    /// VerifyDigest validates that images have a digest.
    pub verify_digest: bool,
    /// Required validates that images are verified.
    pub required: bool,
}

/// The signature verification method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ImageVerificationType {
    /// cosign signatures (tag-based `.sig` / `.att`).
    Cosign,
    /// Sigstore bundles attached as OCI referrers.
    SigstoreBundle,
}

/// AttestorSet is a set of attestors that must all (or `count` of them) match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AttestorSet {
    /// Count specifies the required number of entries that must match (all when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub count: Option<i64>,
    /// Entries contains the available attestors.
    pub entries: Vec<Attestor>,
}

/// One attestor: a static key or a keyless identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Attestor {
    /// Keys specifies one or more public keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<StaticKeyAttestor>,
    /// Keyless is a set of attribute used to verify a Sigstore keyless attestor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyless: Option<KeylessAttestor>,
}

/// A public key attestor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaticKeyAttestor {
    /// Keys is a set of X.509 public keys (PEM) used to verify image signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_keys: Option<String>,
    /// Reference to a Secret resource that contains a public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretReference>,
    /// Rekor provides configuration for the Rekor transparency log service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rekor: Option<Rekor>,
    /// CTLog provides a configuration for validation of Signed Certificate Timestamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctlog: Option<CtLog>,
}

/// A Secret with the public key under `cosign.pub`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecretReference {
    /// Name of the secret.
    pub name: String,
    /// Namespace name where the Secret exists.
    pub namespace: String,
}

/// A keyless (Fulcio certificate) attestor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeylessAttestor {
    /// Issuer is the certificate issuer used for keyless signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// IssuerRegExp is the regular expression to match certificate issuer used for keyless signing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "issuerRegExp"
    )]
    pub issuer_reg_exp: Option<String>,
    /// Subject is the verified identity used for keyless signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// SubjectRegExp is the regular expression to match identity used for keyless signing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "subjectRegExp"
    )]
    pub subject_reg_exp: Option<String>,
    /// Rekor provides configuration for the Rekor transparency log service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rekor: Option<Rekor>,
    /// CTLog provides a configuration for validation of Signed Certificate Timestamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctlog: Option<CtLog>,
}

/// Rekor transparency log settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rekor {
    /// URL is the address of the transparency log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// IgnoreTlog skips transparency log verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_tlog: Option<bool>,
}

/// Certificate transparency log settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CtLog {
    /// IgnoreSCT defines whether to use the Signed Certificate Timestamp (SCT) log to check for a certificate timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "ignoreSCT")]
    pub ignore_sct: Option<bool>,
}

/// Attestation are checks for signed in-toto Statements that are used to verify the image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attestation {
    /// Type defines the type of attestation contained within the Statement.
    #[serde(rename = "type")]
    pub type_: String,
    /// Attestors specify the required attestors (i.e. authorities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestors: Vec<AttestorSet>,
    /// Conditions are used to verify attributes within a Predicate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<AnyAllConditions>,
}

/// AnyAllConditions consists of conditions wrapped denoting a logical criteria to be fulfilled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnyAllConditions {
    /// AllConditions enable variable-based conditional rule execution (logical AND).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<Condition>,
}

/// Condition defines variable-based conditional criteria for rule execution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Condition {
    /// Key is the context entry (JMESPath in `{{ }}`).
    #[schemars(schema_with = "preserve_unknown")]
    pub key: serde_json::Value,
    /// Operator is the conditional operation to perform.
    pub operator: ConditionOperator,
    /// Value is the conditional value, or set of values.
    #[schemars(schema_with = "preserve_unknown")]
    pub value: serde_json::Value,
    /// Message is an optional display message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The condition operators secchain uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ConditionOperator {
    /// Equal.
    Equals,
    /// Not equal.
    NotEquals,
    /// Every key value is in the value list.
    AllIn,
}

fn preserve_unknown(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "x-kubernetes-preserve-unknown-fields": true })
}
