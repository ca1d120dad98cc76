//! The `runtime-rules` stage's `with:` and `gate:` sections.
//!
//! ```yaml
//! - kind: runtime-rules
//!   with:
//!     self_contained: false          # true: copy the Falco default macros used (as secchain_*)
//!     scope_to_digest: true          # also match container.image.digest when the image is pinned
//!     extra_allowed_processes: [/usr/bin/envsubst, nginx]   # paths (proc.exepath) or names (proc.name)
//!     extra_writable_paths: [/var/cache/app]
//!     allowed_outbound_ports: [53, 443]                      # default [53, 443]; [] = none
//!     priority_overrides: {unexpected-outbound: NOTICE}
//!     tetragon: false                # true: also write a Tetragon TracingPolicy
//!     tetragon_pod_labels: {app: web}   # required with tetragon: the pods it applies to
//!     tetragon_action: sigkill       # sigkill (enforce, default) or post (audit only)
//!   gate:
//!     forbid: [shell, package_manager]   # profile risks that fail the stage
//! ```

use std::collections::{BTreeMap, BTreeSet};

use secchain_pipeline::node::PathSeg;
use secchain_pipeline::ConfigProblem;
use serde::Deserialize;

use crate::falco::condition::check_value;
use crate::falco::rules::Priority;
use crate::generate::RuleId;

/// Outbound ports allowed when `allowed_outbound_ports` is not set: DNS and HTTPS.
pub const DEFAULT_OUTBOUND_PORTS: &[u16] = &[53, 443];

/// `with:` of a `runtime-rules` stage.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuntimeRulesOptions {
    /// The registry repository the cluster pulls the image from (`container.image.repository`);
    /// required when the pipeline's image is a local layout or archive.
    #[serde(default)]
    pub repository: Option<String>,
    /// Emit copies of the Falco default macros the rules use, so the file works alone.
    #[serde(default)]
    pub self_contained: bool,
    /// Scope the rules to the image's digest too (when the image is pinned).
    #[serde(default = "yes")]
    pub scope_to_digest: bool,
    /// More processes the image may run: absolute paths match `proc.exepath`, bare
    /// names match `proc.name`.
    #[serde(default)]
    pub extra_allowed_processes: Vec<String>,
    /// More paths the image may write below.
    #[serde(default)]
    pub extra_writable_paths: Vec<String>,
    /// Remote ports outbound connections may use (default: 53 and 443).
    #[serde(default)]
    pub allowed_outbound_ports: Option<Vec<u16>>,
    /// Priorities by rule id (`unexpected-process: ERROR`).
    #[serde(default)]
    pub priority_overrides: BTreeMap<String, String>,
    /// Also write a Tetragon `TracingPolicy` enforcing the process allow-list.
    #[serde(default)]
    pub tetragon: bool,
    /// The pod labels the Tetragon policy applies to (required with `tetragon`).
    #[serde(default)]
    pub tetragon_pod_labels: BTreeMap<String, String>,
    /// What Tetragon does to a process outside the allow-list.
    #[serde(default)]
    pub tetragon_action: TetragonAction,
}

fn yes() -> bool {
    true
}

impl Default for RuntimeRulesOptions {
    fn default() -> Self {
        RuntimeRulesOptions {
            repository: None,
            self_contained: false,
            scope_to_digest: true,
            extra_allowed_processes: Vec::new(),
            extra_writable_paths: Vec::new(),
            allowed_outbound_ports: None,
            priority_overrides: BTreeMap::new(),
            tetragon: false,
            tetragon_pod_labels: BTreeMap::new(),
            tetragon_action: TetragonAction::default(),
        }
    }
}

/// The Tetragon policy's action on a process outside the allow-list.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TetragonAction {
    /// Kill it (enforcement).
    #[default]
    Sigkill,
    /// Only report it.
    Post,
}

/// Reads a priority name, case-insensitively (`INFO` is `INFORMATIONAL`).
pub fn parse_priority(s: &str) -> Option<Priority> {
    Some(match s.to_ascii_uppercase().as_str() {
        "EMERGENCY" => Priority::Emergency,
        "ALERT" => Priority::Alert,
        "CRITICAL" => Priority::Critical,
        "ERROR" => Priority::Error,
        "WARNING" => Priority::Warning,
        "NOTICE" => Priority::Notice,
        "INFO" | "INFORMATIONAL" => Priority::Informational,
        "DEBUG" => Priority::Debug,
        _ => return None,
    })
}

impl RuntimeRulesOptions {
    /// The allowed outbound ports.
    pub fn outbound_ports(&self) -> BTreeSet<u16> {
        self.allowed_outbound_ports
            .clone()
            .unwrap_or_else(|| DEFAULT_OUTBOUND_PORTS.to_vec())
            .into_iter()
            .collect()
    }

    /// The priority override for `rule`, if any (invalid ones are reported by
    /// [`RuntimeRulesOptions::problems`]).
    pub fn priority_for(&self, rule: RuleId) -> Option<Priority> {
        self.priority_overrides
            .get(rule.id())
            .and_then(|p| parse_priority(p))
    }

    /// Problems serde cannot see.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        for (i, p) in self.extra_allowed_processes.iter().enumerate() {
            let at = || at_index("extra_allowed_processes", i);
            if p.is_empty() || (p.contains('/') && !p.starts_with('/')) {
                problems.push(
                    problem(
                        at(),
                        format!("`{p}` is neither an absolute path nor a process name"),
                    )
                    .hint("use a path like /usr/bin/envsubst, or a name like envsubst"),
                );
            } else if let Err(e) = check_value(p) {
                problems.push(problem(at(), e.to_string()));
            }
        }
        for (i, p) in self.extra_writable_paths.iter().enumerate() {
            let at = || at_index("extra_writable_paths", i);
            if !p.starts_with('/') {
                problems.push(problem(at(), format!("`{p}` is not an absolute path")));
            } else if let Err(e) = check_value(p) {
                problems.push(problem(at(), e.to_string()));
            }
        }
        if let Some(ports) = &self.allowed_outbound_ports {
            if ports.contains(&0) {
                problems.push(ConfigProblem::at(
                    "with.allowed_outbound_ports",
                    "port 0 is not a port",
                ));
            }
        }
        for (rule, prio) in &self.priority_overrides {
            if RuleId::from_id(rule).is_none() {
                let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.id()).collect();
                problems.push(
                    ConfigProblem::at("with.priority_overrides", format!("unknown rule `{rule}`"))
                        .hint(format!("rules: {}", ids.join(", "))),
                );
            }
            if parse_priority(prio).is_none() {
                problems.push(
                    problem(
                        vec![
                            PathSeg::Key("with".into()),
                            PathSeg::Key("priority_overrides".into()),
                            PathSeg::Key(rule.clone()),
                        ],
                        format!("unknown priority `{prio}`"),
                    )
                    .hint("one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG"),
                );
            }
        }
        if self.tetragon && self.tetragon_pod_labels.is_empty() {
            problems.push(
                ConfigProblem::at(
                    "with",
                    "`tetragon: true` needs `tetragon_pod_labels`: without them the allow-list \
                     would apply to every pod on the node",
                )
                .hint("tetragon_pod_labels: {app.kubernetes.io/name: my-app}"),
            );
        }
        problems
    }
}

fn problem(path: Vec<PathSeg>, message: String) -> ConfigProblem {
    ConfigProblem {
        path,
        key: None,
        message,
        hint: None,
    }
}

fn at_index(key: &str, i: usize) -> Vec<PathSeg> {
    vec![
        PathSeg::Key("with".into()),
        PathSeg::Key(key.into()),
        PathSeg::Index(i),
    ]
}

/// A profile finding the gate can forbid.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// The image contains a shell.
    Shell,
    /// The image contains a package manager.
    PackageManager,
    /// The image contains a compiler or build tool.
    Compiler,
    /// The image contains curl, wget, nc or similar.
    NetworkTool,
    /// The image runs as root.
    RootUser,
    /// The image contains setuid/setgid executables.
    Setuid,
    /// Some image values could not be written safely into the rules.
    SkippedValues,
}

impl Risk {
    /// The finding rule id for this risk (`runtime-rules:shell`).
    pub fn finding_rule(self) -> &'static str {
        match self {
            Risk::Shell => "runtime-rules:shell",
            Risk::PackageManager => "runtime-rules:package-manager",
            Risk::Compiler => "runtime-rules:compiler",
            Risk::NetworkTool => "runtime-rules:network-tool",
            Risk::RootUser => "runtime-rules:root-user",
            Risk::Setuid => "runtime-rules:setuid",
            Risk::SkippedValues => "runtime-rules:skipped-value",
        }
    }
}

/// `gate:` of a `runtime-rules` stage.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuntimeRulesGate {
    /// Profile risks that fail the stage (default: none; the rules are still written).
    #[serde(default)]
    pub forbid: BTreeSet<Risk>,
}
