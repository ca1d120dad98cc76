//! Explanation of the exec stage's gate, for `secchain explain-rule`.

use secchain_pipeline::{RuleDoc, StaticDoc};

/// The options of the exec stage's `gate:`.
pub const GATE_DOCS: &[StaticDoc] = &[StaticDoc {
    id: "exit_codes",
    title: "exit codes that pass",
    what: "A list of the command's exit codes that count as a pass; default `[0]`.",
    why: "Some tools use non-zero codes for \"found something, not fatal\".",
    fix: "Make the command succeed; its output is in the stage's output directory.",
    ignore: "Add the code to the list, or `continue_on_error: true` on the stage to record \
             the failure without failing the run.",
}];

/// Every gate option, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    GATE_DOCS.iter().map(|d| d.gate("exec")).collect()
}
