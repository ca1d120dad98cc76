//! Explanation of the sign stage's gate, for `secchain explain-rule`.

use secchain_pipeline::{RuleDoc, StaticDoc};

/// The sign stage's gate (it has no options).
pub const GATE_DOCS: &[StaticDoc] = &[StaticDoc {
    id: "verified",
    title: "the signature is pushed and verifies",
    what: "The sign stage has no gate options: it passes when the image's digest is signed, \
           the signature pushed, and read back and verified; anything else fails it.",
    why: "Admission policies (the policy stage) only let signed images run; a signature \
          that was not verified after pushing might not be there when the cluster looks.",
    fix: "Check the key (`with.key`, the password in COSIGN_PASSWORD) and push access to \
          the registry; `secchain verify IMAGE --key cosign.pub` shows what is there.",
    ignore: "`continue_on_error: true` on the stage records the failure without failing \
             the run; `secchain run --dry-run` signs with an ephemeral key and pushes nothing.",
}];

/// The gate, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    GATE_DOCS.iter().map(|d| d.gate("sign")).collect()
}
