//! Explanation of the runtime-rules stage's gate, for `secchain explain-rule`.

use secchain_pipeline::{RuleDoc, StaticDoc};

/// The options of the runtime-rules stage's `gate:`.
pub const GATE_DOCS: &[StaticDoc] = &[StaticDoc {
    id: "forbid",
    title: "profile risks that fail the run",
    what: "A list of risks found while profiling the image for the Falco rules: `shell`, \
           `package_manager`, `compiler`, `network_tool`, `root_user`, `setuid`, \
           `skipped_values`. Default: none (the rules are written and the risks reported).",
    why: "Some image properties make runtime detection weak (a shell lets an intruder \
          blend in); forbidding them keeps those images out.",
    fix: "Change the image so the risk disappears (the report names it), or allow the \
          process or path with `with.extra_allowed_processes` / `extra_writable_paths`.",
    ignore: "Remove the risk from `forbid`.",
}];

/// Every gate option, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    GATE_DOCS.iter().map(|d| d.gate("runtime-rules")).collect()
}
