//! The `exec` stage's `with:` and `gate:` sections.

use std::collections::BTreeMap;

use secchain_pipeline::ConfigProblem;
use serde::Deserialize;

/// `with:` of an `exec` stage.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecOptions {
    /// The command.
    pub run: Command,
    /// Extra environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Files the command writes, relative to the stage's output directory.
    #[serde(default)]
    pub outputs: Vec<String>,
    /// Kill the command after this many seconds (default 3600).
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
}

/// A command: an argv list, or a shell string run by `sh -c`.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Command {
    /// Run directly.
    Argv(Vec<String>),
    /// Run with `sh -c`.
    Shell(String),
}

impl Default for Command {
    fn default() -> Self {
        Command::Argv(Vec::new())
    }
}

impl Command {
    /// The argv to execute.
    pub fn argv(&self) -> Vec<String> {
        match self {
            Command::Argv(v) => v.clone(),
            Command::Shell(s) => vec!["sh".into(), "-c".into(), s.clone()],
        }
    }

    /// The command as a user would type it.
    pub fn display(&self) -> String {
        match self {
            Command::Argv(v) => v.join(" "),
            Command::Shell(s) => s.clone(),
        }
    }
}

impl ExecOptions {
    /// Problems serde cannot see.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let empty = match &self.run {
            Command::Argv(v) => v.is_empty() || v[0].trim().is_empty(),
            Command::Shell(s) => s.trim().is_empty(),
        };
        if empty {
            problems.push(
                ConfigProblem::at("with", "an `exec` stage needs a command in `with.run`")
                    .hint("run: [\"make\", \"test\"]  or  run: \"make test && make lint\""),
            );
        }
        for out in &self.outputs {
            let p = std::path::Path::new(out);
            if p.is_absolute()
                || p.components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                problems.push(
                    ConfigProblem::at("with.outputs", format!("output `{out}` must be a relative path inside the stage's output directory"))
                        .hint("the command gets that directory as $SECCHAIN_STAGE_OUT"),
                );
            }
        }
        if self.timeout_seconds == Some(0) {
            problems.push(ConfigProblem::at(
                "with.timeout_seconds",
                "the timeout must be at least 1 second",
            ));
        }
        problems
    }
}

/// `gate:` of an `exec` stage.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecGate {
    /// Exit codes that pass; default `[0]`.
    #[serde(default)]
    pub exit_codes: Option<Vec<i32>>,
}

impl ExecGate {
    /// The exit codes that pass.
    pub fn passing_codes(&self) -> Vec<i32> {
        self.exit_codes.clone().unwrap_or_else(|| vec![0])
    }
}

/// A media type for a declared output, from its extension.
pub fn media_type_for(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "json" => "application/json",
        "sarif" => "application/sarif+json",
        "xml" => "application/xml",
        "html" => "text/html",
        "yaml" | "yml" => "application/yaml",
        "txt" | "log" => "text/plain",
        _ => "application/octet-stream",
    }
}
