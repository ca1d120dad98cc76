//! Lint configuration: `.secchain/lint.yaml`, hadolint's `.hadolint.yaml`
//! (`ignored`, `override`, `trustedRegistries`, `failure-threshold`, …) and
//! the pipeline stage's `with:` object, which all share one schema.

use crate::severity::Severity;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Per-severity lists of rule ids whose severity is overridden (hadolint's
/// `override:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Override {
    /// Rules reported as errors.
    pub error: Vec<String>,
    /// Rules reported as warnings.
    pub warning: Vec<String>,
    /// Rules reported as info.
    pub info: Vec<String>,
    /// Rules reported as style.
    pub style: Vec<String>,
}

/// A severity threshold that may be `none` (never fail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Threshold {
    /// Fail on findings at or above this severity.
    At(Severity),
    /// Never fail.
    Never,
}

impl schemars::JsonSchema for Threshold {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LintThreshold".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A lint severity, or `none` to never fail.",
            "type": "string",
            "enum": ["error", "warning", "warn", "info", "style", "none", "never", "off", "ignore"]
        })
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "never" | "off" | "ignore" => Ok(Threshold::Never),
            other => Severity::parse(other).map(Threshold::At).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown severity '{s}': use error, warning, info, style or none"
                ))
            }),
        }
    }
}

/// Deserialises per-rule severities (`{DL3008: error, SEC001: off}`). A YAML 1.1 reader
/// (the pipeline file's) reads an unquoted `off` as `false`; that is `off` too.
pub fn severity_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Setting {
        Name(String),
        Flag(bool),
    }
    BTreeMap::<String, Setting>::deserialize(d)?
        .into_iter()
        .map(|(id, setting)| match setting {
            Setting::Name(name) => Ok((id, name)),
            Setting::Flag(false) => Ok((id, "off".to_string())),
            Setting::Flag(true) => Err(serde::de::Error::custom(format!(
                "`{id}: true` is not a severity: use error, warning, info, style or off"
            ))),
        })
        .collect()
}

/// The JSON Schema of [`severity_map`]'s input: rule ids to a severity name or `false` (`off`).
pub fn severity_map_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "additionalProperties": {"anyOf": [{"type": "string"}, {"const": false}]}
    })
}

/// The gate of the lint stage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "LintGate")]
pub struct Gate {
    /// Fail when a finding is at or above this severity.
    pub fail_on: Option<Threshold>,
}

/// The lint configuration. Unknown keys are accepted, so hadolint files
/// with options secchain does not use still load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LintConfig {
    /// Rule ids that are not reported.
    pub ignored: Vec<String>,
    /// Off-by-default rule ids to run.
    pub enable: Vec<String>,
    /// hadolint-style severity overrides.
    #[serde(rename = "override")]
    pub overrides: Override,
    /// secchain-style severity overrides: `{DL3008: error, SEC001: off}`.
    #[serde(deserialize_with = "severity_map")]
    pub severity: BTreeMap<String, String>,
    /// Registries `FROM` may use (DL3026); `*` wildcards allowed.
    #[serde(alias = "trustedRegistries", alias = "trusted-registries")]
    pub trusted_registries: Vec<String>,
    /// hadolint's `failure-threshold`.
    #[serde(alias = "failure-threshold", alias = "failureThreshold")]
    pub failure_threshold: Option<Threshold>,
    /// hadolint's `no-fail`.
    #[serde(alias = "no-fail", alias = "noFail")]
    pub no_fail: bool,
    /// Ignore `# hadolint ignore=` / `# secchain ignore=` comments.
    #[serde(alias = "disable-ignore-pragma", alias = "disableIgnorePragma")]
    pub disable_ignore_pragma: bool,
    /// The stage gate (`gate: {fail_on: warning}`).
    pub gate: Gate,
    /// Build arguments used to expand `ARG`s in `FROM`.
    #[serde(alias = "build-args", alias = "buildArgs")]
    pub build_args: BTreeMap<String, String>,
    /// The build context directory (where `.dockerignore` is read from);
    /// defaults to the Dockerfile's directory.
    pub context: Option<PathBuf>,
}

/// A configuration file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The YAML is invalid or does not match the schema.
    #[error("{path}: {message}")]
    Invalid {
        /// The file (or `with:`).
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
}

/// File names searched by [`LintConfig::discover`], in merge order.
pub const CONFIG_FILES: &[&str] = &[
    ".hadolint.yaml",
    ".hadolint.yml",
    ".secchain/lint.yaml",
    ".secchain/lint.yml",
];

impl LintConfig {
    /// Parses YAML text; `origin` names it in errors.
    pub fn from_yaml(text: &str, origin: &Path) -> Result<LintConfig, ConfigError> {
        if text.trim().is_empty() {
            return Ok(LintConfig::default());
        }
        serde_saphyr::from_str(text).map_err(|e| ConfigError::Invalid {
            path: origin.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Parses a JSON value (the pipeline stage's `with:`).
    pub fn from_json(value: &serde_json::Value) -> Result<LintConfig, ConfigError> {
        if value.is_null() {
            return Ok(LintConfig::default());
        }
        serde_json::from_value(value.clone()).map_err(|e| ConfigError::Invalid {
            path: PathBuf::from("with:"),
            message: e.to_string(),
        })
    }

    /// Reads a YAML file.
    pub fn load(path: &Path) -> Result<LintConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_yaml(&text, path)
    }

    /// Loads and merges every file of [`CONFIG_FILES`] found in `dir`
    /// (hadolint's first, secchain's last, so secchain's win).
    pub fn discover(dir: &Path) -> Result<LintConfig, ConfigError> {
        let mut cfg = LintConfig::default();
        for name in CONFIG_FILES {
            let p = dir.join(name);
            if p.is_file() {
                cfg.merge(Self::load(&p)?);
            }
        }
        Ok(cfg)
    }

    /// Merges `other` into `self`: lists are appended, maps extended and
    /// options replaced when `other` sets them.
    pub fn merge(&mut self, other: LintConfig) {
        self.ignored.extend(other.ignored);
        self.enable.extend(other.enable);
        self.overrides.error.extend(other.overrides.error);
        self.overrides.warning.extend(other.overrides.warning);
        self.overrides.info.extend(other.overrides.info);
        self.overrides.style.extend(other.overrides.style);
        self.severity.extend(other.severity);
        self.trusted_registries.extend(other.trusted_registries);
        self.build_args.extend(other.build_args);
        if other.failure_threshold.is_some() {
            self.failure_threshold = other.failure_threshold;
        }
        if other.gate.fail_on.is_some() {
            self.gate.fail_on = other.gate.fail_on;
        }
        if other.context.is_some() {
            self.context = other.context;
        }
        self.no_fail |= other.no_fail;
        self.disable_ignore_pragma |= other.disable_ignore_pragma;
    }

    /// The severity rule `id` is reported with, or `None` when it is off.
    pub fn severity_of(
        &self,
        id: &str,
        default: Severity,
        enabled_by_default: bool,
    ) -> Option<Severity> {
        if self.ignored.iter().any(|r| r.eq_ignore_ascii_case(id)) {
            return None;
        }
        if let Some(s) = self
            .severity
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(id))
            .map(|(_, v)| v)
        {
            return Severity::parse(s);
        }
        let o = &self.overrides;
        for (list, sev) in [
            (&o.error, Severity::Error),
            (&o.warning, Severity::Warning),
            (&o.info, Severity::Info),
            (&o.style, Severity::Style),
        ] {
            if list.iter().any(|r| r.eq_ignore_ascii_case(id)) {
                return Some(sev);
            }
        }
        let enabled = enabled_by_default || self.enable.iter().any(|r| r.eq_ignore_ascii_case(id));
        enabled.then_some(default)
    }

    /// The gate threshold: `gate.fail_on`, else `failure-threshold`, else
    /// `error`; `no-fail` means never.
    pub fn threshold(&self) -> Threshold {
        if self.no_fail {
            return Threshold::Never;
        }
        self.gate
            .fail_on
            .or(self.failure_threshold)
            .unwrap_or(Threshold::At(Severity::Error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hadolint_yaml() {
        let y = "ignored:\n  - DL3008\noverride:\n  error:\n    - DL3015\ntrustedRegistries:\n  - docker.io\nfailure-threshold: warning\nformat: tty\n";
        let c = LintConfig::from_yaml(y, Path::new(".hadolint.yaml")).unwrap();
        assert_eq!(c.severity_of("DL3008", Severity::Warning, true), None);
        assert_eq!(
            c.severity_of("DL3015", Severity::Info, true),
            Some(Severity::Error)
        );
        assert_eq!(c.trusted_registries, ["docker.io"]);
        assert_eq!(c.threshold(), Threshold::At(Severity::Warning));
    }

    #[test]
    fn secchain_yaml_and_errors() {
        let y =
            "gate:\n  fail_on: info\nseverity:\n  SEC001: off\n  DL3006: error\n  DL3008: false\n";
        let c = LintConfig::from_yaml(y, Path::new("lint.yaml")).unwrap();
        assert_eq!(c.threshold(), Threshold::At(Severity::Info));
        assert_eq!(c.severity_of("SEC001", Severity::Warning, true), None);
        assert_eq!(c.severity_of("DL3008", Severity::Warning, true), None);
        assert_eq!(
            c.severity_of("DL3006", Severity::Warning, true),
            Some(Severity::Error)
        );
        let e =
            LintConfig::from_yaml("gate:\n  fail_on: bogus\n", Path::new("x.yaml")).unwrap_err();
        assert!(e.to_string().contains("x.yaml"), "{e}");
        let j = serde_json::json!({"gate": {"fail_on": "none"}, "ignored": ["DL3007"]});
        let c = LintConfig::from_json(&j).unwrap();
        assert_eq!(c.threshold(), Threshold::Never);
    }
}
