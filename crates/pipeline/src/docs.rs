//! Explanations of rules and gate options, as typed data each stage provides.
//!
//! Every stage describes its own rules (lint rules, secret rules, hygiene checks) and
//! the options of its `gate:` through [`crate::Stage::rule_docs`]; the command line looks
//! them up for `secchain explain-rule ID` and renders them all for `secchain docs`.

use serde::Serialize;

/// What a documented id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocCategory {
    /// A Dockerfile lint rule (`DL3008`, `SEC001`).
    LintRule,
    /// A secret detection rule (`secret:aws-access-key-id`).
    SecretRule,
    /// An image hygiene check (`hygiene:root-user`).
    HygieneRule,
    /// A finding kind a stage reports (`pin:drift`).
    Finding,
    /// An option of a stage's `gate:` (`scan.gate.severity`).
    Gate,
}

impl DocCategory {
    /// A human name for headings.
    pub fn as_str(self) -> &'static str {
        match self {
            DocCategory::LintRule => "lint rule",
            DocCategory::SecretRule => "secret rule",
            DocCategory::HygieneRule => "hygiene rule",
            DocCategory::Finding => "finding",
            DocCategory::Gate => "gate option",
        }
    }
}

/// The explanation of one rule or gate option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    /// The id users type: a rule id, or `<kind>.gate.<option>` for gate options.
    pub id: String,
    /// What kind of thing this is.
    pub category: DocCategory,
    /// The stage kind that reports or applies it.
    pub stage: String,
    /// A short title.
    pub title: String,
    /// What it means.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// How to fix what it reports (or how to satisfy the gate).
    pub fix: String,
    /// How to ignore or relax it.
    pub ignore: String,
}

impl RuleDoc {
    /// Whether `query` names this entry (ids compare case-insensitively).
    pub fn matches(&self, query: &str) -> bool {
        self.id.eq_ignore_ascii_case(query.trim())
    }

    /// The explanation as a few plain-text paragraphs.
    pub fn render_text(&self) -> String {
        format!(
            "{id} ({category} of the `{stage}` stage): {title}\n\n\
             What it means\n  {what}\n\n\
             Why it matters\n  {why}\n\n\
             How to fix it\n  {fix}\n\n\
             How to ignore it\n  {ignore}\n",
            id = self.id,
            category = self.category.as_str(),
            stage = self.stage,
            title = self.title,
            what = indent(&self.what),
            why = indent(&self.why),
            fix = indent(&self.fix),
            ignore = indent(&self.ignore),
        )
    }
}

/// An explanation written as static data in the crate that owns the rule or option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaticDoc {
    /// The id users type (gate options: just the option's key).
    pub id: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What it means.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix what it reports.
    pub fix: &'static str,
    /// How to ignore or relax it.
    pub ignore: &'static str,
}

impl StaticDoc {
    /// The entry for a rule or finding of `stage`.
    pub fn rule(&self, category: DocCategory, stage: &str) -> RuleDoc {
        self.doc(self.id.to_string(), category, stage)
    }

    /// The entry for option `id` of `stage`'s gate, named `<stage>.gate.<id>`.
    pub fn gate(&self, stage: &str) -> RuleDoc {
        self.doc(
            format!("{stage}.gate.{}", self.id),
            DocCategory::Gate,
            stage,
        )
    }

    fn doc(&self, id: String, category: DocCategory, stage: &str) -> RuleDoc {
        RuleDoc {
            id,
            category,
            stage: stage.to_string(),
            title: self.title.to_string(),
            what: self.what.to_string(),
            why: self.why.to_string(),
            fix: self.fix.to_string(),
            ignore: self.ignore.to_string(),
        }
    }
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim_start()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_section_and_matches_ids_case_insensitively() {
        let doc = RuleDoc {
            id: "DL3008".into(),
            category: DocCategory::LintRule,
            stage: "lint".into(),
            title: "pin apt versions".into(),
            what: "a".into(),
            why: "b".into(),
            fix: "line one\nline two".into(),
            ignore: "d".into(),
        };
        assert!(doc.matches("dl3008"));
        assert!(!doc.matches("DL3009"));
        let text = doc.render_text();
        assert!(text.starts_with("DL3008 (lint rule of the `lint` stage): pin apt versions"));
        assert!(text.contains("How to fix it\n  line one\n  line two\n"));
    }
}
