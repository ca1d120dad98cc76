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

/// Glob match: `*` within a path segment, `**` across segments (`**/` spans
/// whole directories, none included), `?` one character.
///
/// Dynamic programming over (pattern token, text position) rather than
/// backtracking: a pattern full of `*` and `**` against a long path costs
/// tokens × bytes steps, never an exponential number.
pub fn glob(pattern: &str, text: &str) -> bool {
    let tokens = glob_tokens(pattern.as_bytes());
    let t = text.as_bytes();
    let n = t.len();
    // `row[j]`: the tokens after the current one match `t[j..]`.
    let mut row: Vec<bool> = (0..=n).map(|j| j == n).collect();
    let mut next = vec![false; n + 1];
    for token in tokens.iter().rev() {
        // For `**/`: some `t[j..k]` ending in `/` is skipped and the rest matches.
        let mut dirs_then_rest = false;
        for j in (0..=n).rev() {
            let here = t.get(j);
            next[j] = match token {
                GlobToken::Any => row[j] || (j < n && next[j + 1]),
                GlobToken::Dirs => {
                    dirs_then_rest |= here == Some(&b'/') && row[j + 1];
                    row[j] || dirs_then_rest
                }
                GlobToken::Star => row[j] || (here.is_some_and(|&c| c != b'/') && next[j + 1]),
                GlobToken::One => here.is_some_and(|&c| c != b'/') && row[j + 1],
                GlobToken::Byte(b) => here == Some(b) && row[j + 1],
            };
        }
        std::mem::swap(&mut row, &mut next);
    }
    row[0]
}

/// One element of a [`glob`] pattern.
enum GlobToken {
    /// `**` not followed by `/`: any bytes, `/` included.
    Any,
    /// `**/`: nothing, or any run of whole directories (ending in `/`).
    Dirs,
    /// `*`: any bytes within one segment.
    Star,
    /// `?`: one byte other than `/`.
    One,
    /// A literal byte.
    Byte(u8),
}

fn glob_tokens(p: &[u8]) -> Vec<GlobToken> {
    let mut tokens = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        let (token, len) = match (p[i], p.get(i + 1), p.get(i + 2)) {
            (b'*', Some(b'*'), Some(b'/')) => (GlobToken::Dirs, 3),
            (b'*', Some(b'*'), _) => (GlobToken::Any, 2),
            (b'*', ..) => (GlobToken::Star, 1),
            (b'?', ..) => (GlobToken::One, 1),
            (c, ..) => (GlobToken::Byte(c), 1),
        };
        tokens.push(token);
        i += len;
    }
    tokens
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
        assert!(glob("**/METADATA", "METADATA"));
        assert!(!glob("**/METADATA", "a/bMETADATA"));
        assert!(glob("usr/**/lib/*.so", "usr/lib/x.so"));
        assert!(glob("usr/**/lib/*.so", "usr/a/b/lib/x.so"));
        assert!(!glob("usr/**/lib/*.so", "usr/a/b/lib/c/x.so"));
        assert!(glob("usr/**", "usr/"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "a/c"));
        assert!(glob("**", "any/thing"));
        assert!(glob("", ""));
        assert!(!glob("", "x"));
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

    #[test]
    fn many_stars_against_a_long_path_are_not_exponential() {
        // Backtracking tries every way to split the path between the stars
        // (about C(250, 20) for the first); this must finish at once.
        let pattern = format!("{}x", "**".repeat(20));
        let path = "a".repeat(250);
        assert!(!glob(&pattern, &path));
        assert!(glob(&pattern, &format!("{path}x")));
        let pattern = format!("{}z", "**/*a*/".repeat(25));
        let path = "aaaa/".repeat(200);
        assert!(!glob(&pattern, &format!("{path}y")));
        assert!(glob(&pattern, &format!("{path}z")));
        let pattern = format!("{}b", "*a".repeat(40));
        assert!(!glob(&pattern, &"a".repeat(10_000)));
        assert!(glob(&pattern, &format!("{}b", "a".repeat(10_000))));
    }
}
