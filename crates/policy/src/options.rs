//! How to generate: which documents, enforce or warn, which namespaces, which attestations.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::input::PredicateType;

/// A kind of document the stage can emit (the values of `with.emit`).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Emit {
    /// sigstore policy-controller `ClusterImagePolicy`.
    ClusterImagePolicy,
    /// Kyverno `ClusterPolicy` with `verifyImages`.
    Kyverno,
    /// `ValidatingAdmissionPolicy` and its binding.
    ValidatingAdmissionPolicy,
    /// A hardened pod spec to paste into a Deployment.
    PodSnippet,
}

impl Emit {
    /// Every kind, in output order.
    pub const ALL: [Emit; 4] = [
        Emit::ClusterImagePolicy,
        Emit::Kyverno,
        Emit::ValidatingAdmissionPolicy,
        Emit::PodSnippet,
    ];
}

/// Whether a failing policy rejects the workload or only warns.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "PolicyMode")]
pub enum Mode {
    /// Reject (policy-controller `enforce`, Kyverno `Enforce`, VAP `Deny`).
    #[default]
    Enforce,
    /// Admit and warn (policy-controller `warn`, Kyverno `Audit`, VAP `Warn` + `Audit`).
    Warn,
}

/// Which namespaces the policies apply to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Namespaces {
    /// Only these namespaces (empty: every namespace).
    #[serde(default)]
    pub include: Vec<String>,
    /// Never these namespaces (default: `kube-system`).
    #[serde(default = "default_exclude")]
    pub exclude: Vec<String>,
}

fn default_exclude() -> Vec<String> {
    vec!["kube-system".to_string()]
}

impl Default for Namespaces {
    fn default() -> Self {
        Namespaces {
            include: Vec::new(),
            exclude: default_exclude(),
        }
    }
}

/// A Kubernetes Secret holding the public key (`cosign.pub`), instead of inlining it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeySecret {
    /// The Secret's name.
    pub name: String,
    /// Its namespace (policy-controller requires its own namespace, e.g. `cosign-system`).
    pub namespace: String,
}

/// Options of [`crate::generate`].
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyOptions {
    /// The documents to emit.
    pub emit: BTreeSet<Emit>,
    /// Enforce or warn.
    pub mode: Mode,
    /// Namespace selection.
    pub namespaces: Namespaces,
    /// Attestations every admitted image must carry, each with a policy on its content.
    pub require_attestations: Vec<PredicateType>,
    /// The base of every resource name (default: `secchain-<image name>`).
    pub name: Option<String>,
    /// Reference the public key by Secret instead of inlining it.
    pub key_secret: Option<KeySecret>,
    /// The container's name in the pod snippet (default: the image name).
    pub container_name: Option<String>,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            emit: Emit::ALL.into_iter().collect(),
            mode: Mode::Enforce,
            namespaces: Namespaces::default(),
            require_attestations: vec![PredicateType::SlsaProvenance1],
            name: None,
            key_secret: None,
            container_name: None,
        }
    }
}
