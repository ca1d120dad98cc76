//! Suppressions: `.trivyignore`, `.trivyignore.yaml` and OpenVEX documents.
//!
//! Each source is parsed into [`Rule`]s; [`apply`] marks every finding a rule
//! suppresses (the finding stays in the report with the rule's location), lists
//! expired rules (they no longer apply) and stale ones (they matched nothing).

pub mod openvex;
pub mod trivyignore;
pub mod trivyignore_yaml;

use serde::{Deserialize, Serialize};

use crate::matching::VulnFinding;

/// What kind of statement a rule is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// An ignore-file entry.
    Ignore,
    /// An OpenVEX statement with this status (`not_affected`, `fixed`, `affected`,
    /// `under_investigation`); only the first two suppress.
    Vex(String),
}

/// One suppression rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Where it is written (`.trivyignore:3`, `vex.json#statements[0]`).
    pub location: String,
    /// Vulnerability ids it covers (any of a finding's ids).
    pub ids: Vec<String>,
    /// Path globs it is limited to (empty: any).
    pub paths: Vec<String>,
    /// Package URLs it is limited to (empty: any; an image purl `pkg:oci/…` covers all).
    pub purls: Vec<String>,
    /// Expiry date `YYYY-MM-DD`; from that day on the rule no longer applies.
    pub expires: Option<String>,
    /// Ignore entry or VEX statement.
    pub kind: RuleKind,
    /// Why (`statement`, VEX `justification` / `impact_statement`).
    pub reason: Option<String>,
}

/// The rule that suppressed a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// The rule's location.
    pub rule: String,
    /// `ignore` or `vex`.
    pub kind: String,
    /// The VEX status, for VEX statements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The justification or statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The result of applying rules to a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Per finding (same order): the suppression, if any.
    pub suppressions: Vec<Option<Suppression>>,
    /// Rules past their expiry date (no longer applied).
    pub expired: Vec<Rule>,
    /// Rules that matched no finding.
    pub stale: Vec<Rule>,
}

/// Why a suppression file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct IgnoreError {
    /// File (and line).
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// Reads a suppression file, choosing the parser by name and content: OpenVEX JSON,
/// `.trivyignore.yaml`, or a plain `.trivyignore`.
pub fn load(path: &std::path::Path) -> Result<Vec<Rule>, IgnoreError> {
    let text = std::fs::read_to_string(path).map_err(|e| IgnoreError {
        location: path.display().to_string(),
        message: format!("cannot read: {e}"),
    })?;
    let name = path.display().to_string();
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") || text.trim_start().starts_with('{') {
        openvex::parse(&name, &text)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        trivyignore_yaml::parse(&name, &text)
    } else {
        trivyignore::parse(&name, &text)
    }
}

/// Applies rules to findings on `today` (`YYYY-MM-DD`).
pub fn apply(rules: &[Rule], findings: &[VulnFinding], today: &str) -> Applied {
    let (expired, live): (Vec<&Rule>, Vec<&Rule>) = rules
        .iter()
        .partition(|r| r.expires.as_deref().is_some_and(|e| e <= today));
    let mut used = vec![false; live.len()];
    let mut suppressions = Vec::with_capacity(findings.len());
    for f in findings {
        let mut chosen: Option<(usize, &Rule)> = None;
        let mut vex_latest: Option<(usize, &Rule)> = None;
        for (i, r) in live.iter().enumerate() {
            if !covers(r, f) {
                continue;
            }
            used[i] = true;
            match &r.kind {
                RuleKind::Ignore => {
                    chosen.get_or_insert((i, r));
                }
                // Later statements supersede earlier ones.
                RuleKind::Vex(_) => vex_latest = Some((i, r)),
            }
        }
        let pick = chosen.or(vex_latest.filter(
            |(_, r)| matches!(&r.kind, RuleKind::Vex(s) if s == "not_affected" || s == "fixed"),
        ));
        suppressions.push(pick.map(|(_, r)| Suppression {
            rule: r.location.clone(),
            kind: match r.kind {
                RuleKind::Ignore => "ignore".into(),
                RuleKind::Vex(_) => "vex".into(),
            },
            status: match &r.kind {
                RuleKind::Vex(s) => Some(s.clone()),
                RuleKind::Ignore => None,
            },
            reason: r.reason.clone(),
        }));
    }
    Applied {
        suppressions,
        expired: expired.into_iter().cloned().collect(),
        stale: live
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(r, _)| (*r).clone())
            .collect(),
    }
}

fn covers(rule: &Rule, f: &VulnFinding) -> bool {
    if !rule
        .ids
        .iter()
        .any(|id| f.ids.iter().any(|x| x.eq_ignore_ascii_case(id)))
    {
        return false;
    }
    if !rule.paths.is_empty() {
        let Some(path) = f.path.as_deref() else {
            return false;
        };
        let path = path.trim_start_matches('/');
        if !rule
            .paths
            .iter()
            .any(|g| glob(g.trim_start_matches('/'), path))
        {
            return false;
        }
    }
    if !rule.purls.is_empty() && !rule.purls.iter().any(|p| purl_covers(p, f.purl.as_deref())) {
        return false;
    }
    true
}

/// Whether a rule's purl covers a package's: an image purl (`pkg:oci/…`) covers
/// everything; a purl without a version covers every version; qualifiers are ignored.
pub fn purl_covers(rule: &str, package: Option<&str>) -> bool {
    if rule.starts_with("pkg:oci/") {
        return true;
    }
    let Some(package) = package else { return false };
    let strip = |p: &str| -> (String, Option<String>) {
        let p = p.split(['?', '#']).next().unwrap_or(p);
        match p.rsplit_once('@') {
            Some((base, v)) if !base.ends_with('/') && base.contains('/') => {
                (base.to_ascii_lowercase(), Some(v.to_string()))
            }
            _ => (p.to_ascii_lowercase(), None),
        }
    };
    let (rb, rv) = strip(rule);
    let (pb, pv) = strip(package);
    rb == pb && (rv.is_none() || rv == pv)
}

/// Glob match: `*` within a path segment, `**` across segments, `?` one character.
pub fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => {
                let rest = if p.get(2) == Some(&b'/') {
                    &p[3..]
                } else {
                    &p[2..]
                };
                (0..=t.len()).any(|i| go(rest, &t[i..]))
            }
            Some(b'*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != b'/')
                .any(|i| go(&p[1..], &t[i..])),
            Some(b'?') => !t.is_empty() && t[0] != b'/' && go(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_purls() {
        assert!(glob(
            "usr/lib/**",
            "usr/lib/python3/site-packages/x/METADATA"
        ));
        assert!(glob("usr/lib/*/METADATA", "usr/lib/x/METADATA"));
        assert!(!glob("usr/lib/*/METADATA", "usr/lib/x/y/METADATA"));
        assert!(glob("**/METADATA", "a/b/METADATA"));
        assert!(purl_covers(
            "pkg:deb/debian/libssl1.1",
            Some("pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3?arch=amd64")
        ));
        assert!(!purl_covers(
            "pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u4",
            Some("pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3")
        ));
        assert!(purl_covers(
            "pkg:npm/%40babel/core@7.0.0",
            Some("pkg:npm/%40babel/core@7.0.0")
        ));
        assert!(purl_covers("pkg:oci/app@sha256:abc", None));
    }
}
