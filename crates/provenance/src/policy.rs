//! The verification policy file (`secchain verify --policy verify.yaml`).
//!
//! ```yaml
//! required_stages: [lint, scan, sign]  # names or kinds that must have run and passed
//! max_age: 7d                          # the provenance is at most this old (s, m, h, d)
//! builder_ids:                         # allowed builders: exact, or a prefix ending in *
//!   - https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main
//! base_images:                         # allowed base images: repositories, or prefixes ending in *
//!   - docker.io/library/debian
//!   - gcr.io/distroless/*
//! allow_tolerated_failures: false      # a stage that failed under continue_on_error fails verification
//! ```

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

/// What `secchain verify` requires of a provenance beyond its signature and subject.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VerifyPolicy {
    /// Stage names or kinds that must have run and passed.
    #[serde(default)]
    pub required_stages: Vec<String>,
    /// Maximum age of the provenance (`90s`, `30m`, `12h`, `7d`).
    #[serde(default, deserialize_with = "age::deserialize")]
    pub max_age: Option<Duration>,
    /// Allowed `builder.id`s (exact, or a prefix ending in `*`); empty allows any.
    #[serde(default)]
    pub builder_ids: Vec<String>,
    /// Allowed base image repositories (exact, or a prefix ending in `*`); empty allows any.
    #[serde(default)]
    pub base_images: Vec<String>,
    /// Accept stages that failed but were tolerated by `continue_on_error`.
    #[serde(default)]
    pub allow_tolerated_failures: bool,
}

impl VerifyPolicy {
    /// Reads a policy file; errors name the file and, from the YAML parser, the position.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        if text.trim().is_empty() {
            return Ok(VerifyPolicy::default());
        }
        serde_saphyr::from_str(&text).map_err(|e| {
            format!(
                "{}: {e}\nhint: the keys are required_stages, max_age, builder_ids, base_images, allow_tolerated_failures",
                path.display()
            )
        })
    }
}

/// `*`-suffixed prefixes or exact matches.
pub(crate) fn matches_pattern(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

mod age {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        parse(&text).map(Some).map_err(serde::de::Error::custom)
    }

    /// `90s`, `30m`, `12h`, `7d`.
    pub(super) fn parse(text: &str) -> Result<Duration, String> {
        let text = text.trim();
        let split = text.len().saturating_sub(1);
        let (number, unit) = text.split_at(split);
        let n: u64 = number.parse().map_err(|_| {
            format!("max_age `{text}` is not a number with a unit (90s, 30m, 12h, 7d)")
        })?;
        let seconds = match unit {
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86_400,
            _ => return Err(format!("max_age `{text}` has no unit: use s, m, h or d")),
        };
        Ok(Duration::from_secs(seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_file_is_read_and_mistakes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("verify.yaml");
        std::fs::write(
            &p,
            "required_stages: [scan]\nmax_age: 7d\nbuilder_ids: ['https://github.com/*']\n",
        )
        .unwrap();
        let policy = VerifyPolicy::load(&p).unwrap();
        assert_eq!(policy.required_stages, ["scan"]);
        assert_eq!(policy.max_age, Some(Duration::from_secs(7 * 86_400)));
        std::fs::write(&p, "required_stage: [scan]\n").unwrap();
        let err = VerifyPolicy::load(&p).unwrap_err();
        assert!(
            err.contains("verify.yaml") && err.contains("required_stage"),
            "{err}"
        );
        std::fs::write(&p, "max_age: 7 days\n").unwrap();
        assert!(VerifyPolicy::load(&p).unwrap_err().contains("max_age"));
    }

    #[test]
    fn patterns_are_exact_or_prefixes() {
        assert!(matches_pattern(
            "gcr.io/distroless/*",
            "gcr.io/distroless/static"
        ));
        assert!(!matches_pattern(
            "docker.io/library/debian",
            "docker.io/library/debian-evil"
        ));
        assert!(matches_pattern(
            "docker.io/library/debian",
            "docker.io/library/debian"
        ));
    }
}
