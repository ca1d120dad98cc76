//! A Tetragon `TracingPolicy` enforcing the image's process allow-list (optional).
//!
//! The policy hooks `security_bprm_check` (every `execve`, with the file about to run)
//! in pods with the configured labels, outside the host PID namespace, and kills
//! (or, with `tetragon_action: post`, reports) any execution whose file is not one
//! of the expected executables. Tetragon matches file paths, so bare process names
//! from `extra_allowed_processes` cannot be expressed and are left out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::options::{RuntimeRulesOptions, TetragonAction};
use crate::profile::ImageProfile;

/// `cilium.io/v1alpha1` `TracingPolicy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TracingPolicy {
    /// `cilium.io/v1alpha1`.
    pub api_version: String,
    /// `TracingPolicy`.
    pub kind: String,
    /// Name and annotations.
    pub metadata: Metadata,
    /// The hooks.
    pub spec: Spec,
}

/// Object metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Metadata {
    /// The policy's name (DNS-1123).
    pub name: String,
    /// Annotations (the image the policy was made for).
    pub annotations: BTreeMap<String, String>,
}

/// The policy's spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    /// The pods it applies to.
    pub pod_selector: LabelSelector,
    /// Kernel probes.
    pub kprobes: Vec<KProbe>,
}

/// A Kubernetes label selector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Labels every selected pod has.
    pub match_labels: BTreeMap<String, String>,
}

/// A kprobe hook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KProbe {
    /// The kernel function.
    pub call: String,
    /// Whether it is a syscall.
    pub syscall: bool,
    /// The arguments read.
    pub args: Vec<KProbeArg>,
    /// In-kernel filters and actions.
    pub selectors: Vec<Selector>,
}

/// A kprobe argument.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KProbeArg {
    /// Its position.
    pub index: u32,
    /// How Tetragon reads it (`linux_binprm`).
    #[serde(rename = "type")]
    pub kind: String,
}

/// A selector: all its matches must hold for its actions to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    /// Argument filters.
    pub match_args: Vec<ArgFilter>,
    /// Namespace filters.
    pub match_namespaces: Vec<NamespaceFilter>,
    /// Actions.
    pub match_actions: Vec<Action>,
}

/// An argument filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArgFilter {
    /// The argument's index.
    pub index: u32,
    /// `NotEqual`: the argument equals none of the values.
    pub operator: String,
    /// The values.
    pub values: Vec<String>,
}

/// A namespace filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamespaceFilter {
    /// The namespace kind (`Pid`).
    pub namespace: String,
    /// `NotIn`.
    pub operator: String,
    /// `host_ns`.
    pub values: Vec<String>,
}

/// An action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    /// `Sigkill` or `Post`.
    pub action: String,
}

/// The policy for `profile`, or `None` when nothing is expected to run (the policy
/// would kill the entrypoint itself).
pub fn policy(
    profile: &ImageProfile,
    opts: &RuntimeRulesOptions,
    slug: &str,
) -> Option<TracingPolicy> {
    let mut allowed = profile.expected_executables.clone();
    allowed.extend(
        opts.extra_allowed_processes
            .iter()
            .filter(|p| p.starts_with('/'))
            .cloned(),
    );
    if allowed.is_empty() {
        return None;
    }
    let name = format!("{}-exec-allowlist", slug.replace('_', "-"));
    let action = match opts.tetragon_action {
        TetragonAction::Sigkill => "Sigkill",
        TetragonAction::Post => "Post",
    };
    let mut annotations = BTreeMap::new();
    annotations.insert(
        "secchain.dev/image".to_string(),
        match &profile.digest {
            Some(d) => format!("{}@{d}", profile.repository),
            None => profile.repository.clone(),
        },
    );
    Some(TracingPolicy {
        api_version: "cilium.io/v1alpha1".into(),
        kind: "TracingPolicy".into(),
        metadata: Metadata { name, annotations },
        spec: Spec {
            pod_selector: LabelSelector {
                match_labels: opts.tetragon_pod_labels.clone(),
            },
            kprobes: vec![KProbe {
                call: "security_bprm_check".into(),
                syscall: false,
                args: vec![KProbeArg {
                    index: 0,
                    kind: "linux_binprm".into(),
                }],
                selectors: vec![Selector {
                    match_args: vec![ArgFilter {
                        index: 0,
                        operator: "NotEqual".into(),
                        values: allowed.into_iter().collect(),
                    }],
                    match_namespaces: vec![NamespaceFilter {
                        namespace: "Pid".into(),
                        operator: "NotIn".into(),
                        values: vec!["host_ns".into()],
                    }],
                    match_actions: vec![Action {
                        action: action.into(),
                    }],
                }],
            }],
        },
    })
}

impl TracingPolicy {
    /// The policy as YAML (deterministic).
    pub fn render(&self) -> Result<String, String> {
        serde_saphyr::to_string(self).map_err(|e| e.to_string())
    }
}
