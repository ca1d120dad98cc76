//! Inline ignore comments: `# hadolint ignore=DL3008,SEC001` or
//! `# secchain ignore=…` on the line before an instruction, and
//! `# hadolint global ignore=…` / `# secchain global ignore=…` for the file.

use secchain_dockerfile::Dockerfile;
use std::collections::{BTreeMap, BTreeSet};

/// The ignores of one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ignores {
    /// Rule ids ignored for instructions starting on a given line.
    pub by_line: BTreeMap<u32, BTreeSet<String>>,
    /// Rule ids ignored in the whole file.
    pub global: BTreeSet<String>,
}

impl Ignores {
    /// Collects the ignore comments of `df`.
    pub fn collect(df: &Dockerfile) -> Ignores {
        let mut ig = Ignores::default();
        for c in &df.comments {
            if let Some((global, ids)) = parse_pragma(&c.text) {
                if global {
                    ig.global.extend(ids);
                } else {
                    ig.by_line.entry(c.span.line + 1).or_default().extend(ids);
                }
            }
        }
        ig
    }

    /// Whether rule `id` is ignored for an instruction starting on `line`.
    pub fn is_ignored(&self, id: &str, line: u32) -> bool {
        self.global.contains(id) || self.by_line.get(&line).is_some_and(|s| s.contains(id))
    }
}

/// Parses the text after `#`: returns (global, rule ids).
pub fn parse_pragma(text: &str) -> Option<(bool, Vec<String>)> {
    let t = text.trim_start();
    let t = t
        .strip_prefix("hadolint")
        .or_else(|| t.strip_prefix("secchain"))?;
    if !t.starts_with([' ', '\t']) {
        return None;
    }
    let mut t = t.trim_start();
    let mut global = false;
    if let Some(rest) = t.strip_prefix("global") {
        global = true;
        t = rest.trim_start();
    }
    let t = t
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let mut ids = Vec::new();
    let mut rest = t;
    loop {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        ids.push(rest[..end].to_ascii_uppercase());
        let after = rest[end..].trim_start();
        match after.strip_prefix(',') {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    (!ids.is_empty()).then_some((global, ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pragmas() {
        assert_eq!(
            parse_pragma(" hadolint ignore=DL3008,DL3009"),
            Some((false, vec!["DL3008".into(), "DL3009".into()]))
        );
        assert_eq!(
            parse_pragma(" secchain ignore = SEC001 , DL3006 because"),
            Some((false, vec!["SEC001".into(), "DL3006".into()]))
        );
        assert_eq!(
            parse_pragma(" hadolint global ignore=DL3059"),
            Some((true, vec!["DL3059".into()]))
        );
        assert_eq!(parse_pragma(" hadolintignore=DL1"), None);
        assert_eq!(parse_pragma(" just a comment"), None);
    }
}
