//! Explanations of every lint rule and of the lint gate, for `secchain explain-rule`.
//!
//! A rule's own `message`, `help` and examples already say what it finds, why and how
//! to fix it; how to ignore a rule is the same for all of them.

use secchain_pipeline::{DocCategory, RuleDoc, StaticDoc};

use crate::rule::Rule;
use crate::rules::RULES;

/// The stage kind these docs belong to.
const STAGE: &str = "lint";

/// The options of the lint stage's `gate:`.
pub const GATE_DOCS: &[StaticDoc] = &[StaticDoc {
    id: "fail_on",
    title: "the lowest severity that fails the run",
    what: "`gate: {fail_on: warning}` fails the stage when any finding is at or above that \
           severity (error > warning > info > style). `none` never fails. Without it, \
           hadolint's `failure-threshold` from .hadolint.yaml applies, else `info`.",
    why: "Lint findings are cheap to fix early; a threshold keeps new problems out of the \
          Dockerfile without blocking on matters of style.",
    fix: "Fix the findings at or above the threshold (`secchain lint` lists them with \
          file:line), or lower a rule's severity with `severity: {DL3008: info}`.",
    ignore: "Raise the threshold (`fail_on: error`) or set `fail_on: none` to report only. \
             A base pipeline may lock the gate so repositories cannot loosen it.",
}];

/// Every lint rule and gate option, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    let mut docs: Vec<RuleDoc> = RULES.iter().map(|rule| rule_doc(rule)).collect();
    docs.extend(GATE_DOCS.iter().map(|d| d.gate(STAGE)));
    docs
}

fn rule_doc(rule: &Rule) -> RuleDoc {
    let default = if rule.enabled_by_default {
        String::new()
    } else {
        format!(
            "\nOff by default: turn it on with `enable: [{}]` in the lint stage's `with:`.",
            rule.id
        )
    };
    RuleDoc {
        id: rule.id.to_string(),
        category: DocCategory::LintRule,
        stage: STAGE.to_string(),
        title: format!("{} ({})", rule.name, rule.severity.as_str()),
        what: format!(
            "{}{default}\n\nThis Dockerfile triggers it:\n\n{}",
            rule.message,
            indent_block(rule.bad)
        ),
        why: rule.help.to_string(),
        fix: format!("For example:\n\n{}", indent_block(rule.good)),
        ignore: format!(
            "One instruction: put `# hadolint ignore={id}` (or `# secchain ignore={id}`) on the \
             line above it. Everywhere: `ignored: [{id}]` in .hadolint.yaml, \
             .secchain/lint.yaml or the lint stage's `with:`, or `severity: {{{id}: off}}`.",
            id = rule.id
        ),
    }
}

fn indent_block(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_an_entry_that_says_how_to_ignore_it() {
        let docs = rule_docs();
        for rule in RULES {
            let doc = docs.iter().find(|d| d.id == rule.id).expect(rule.id);
            assert!(doc.ignore.contains(&format!("ignore={}", rule.id)));
            assert!(!doc.why.trim().is_empty(), "{} has no help", rule.id);
        }
        assert!(docs.iter().any(|d| d.id == "lint.gate.fail_on"));
    }
}
