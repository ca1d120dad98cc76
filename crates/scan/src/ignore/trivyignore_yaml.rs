//! `.trivyignore.yaml`: `vulnerabilities:` entries with `id`, optional `paths`,
//! `purls`, `statement` and `expired_at`. Other sections (misconfigurations,
//! secrets, licenses) are accepted and not used by the vulnerability scan.

use serde::Deserialize;

use super::{IgnoreError, Rule, RuleKind};

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    vulnerabilities: Vec<Entry>,
    #[serde(default, rename = "misconfigurations")]
    _misconfigurations: Option<serde_json::Value>,
    #[serde(default, rename = "secrets")]
    _secrets: Option<serde_json::Value>,
    #[serde(default, rename = "licenses")]
    _licenses: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    purls: Vec<String>,
    #[serde(default)]
    statement: Option<String>,
    #[serde(default)]
    expired_at: Option<String>,
}

/// Parses a `.trivyignore.yaml` file.
pub fn parse(name: &str, text: &str) -> Result<Vec<Rule>, IgnoreError> {
    let file: File = serde_saphyr::from_str(text).map_err(|e| IgnoreError {
        location: name.to_string(),
        message: e.to_string(),
    })?;
    file.vulnerabilities
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let expires = match e.expired_at {
                Some(d) => {
                    let d = d.trim().get(..10).unwrap_or(&d).to_string();
                    if !super::trivyignore::is_date(&d) {
                        return Err(IgnoreError {
                            location: format!("{name}: vulnerabilities[{i}]"),
                            message: format!("`expired_at: {d}` is not a date (YYYY-MM-DD)"),
                        });
                    }
                    Some(d)
                }
                None => None,
            };
            Ok(Rule {
                location: format!("{name}#vulnerabilities[{i}]"),
                ids: vec![e.id],
                paths: e.paths,
                purls: e.purls,
                expires,
                kind: RuleKind::Ignore,
                reason: e.statement,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trivys_example() {
        let text = r#"
vulnerabilities:
  - id: CVE-2022-40897
    paths:
      - "usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA"
    statement: Accept the risk
  - id: CVE-2023-2650
  - id: CVE-2023-3446
    expired_at: 2023-09-01
  - id: CVE-2023-3817
    purls:
      - "pkg:deb/debian/libssl1.1"
misconfigurations:
  - id: AVD-DS-0001
"#;
        let rules = parse(".trivyignore.yaml", text).unwrap();
        assert_eq!(rules.len(), 4);
        assert_eq!(rules[0].reason.as_deref(), Some("Accept the risk"));
        assert_eq!(rules[2].expires.as_deref(), Some("2023-09-01"));
        assert_eq!(rules[3].purls, ["pkg:deb/debian/libssl1.1"]);
        assert!(parse("x.yaml", "vulnerabilities:\n  - idd: CVE-1\n").is_err());
    }
}
