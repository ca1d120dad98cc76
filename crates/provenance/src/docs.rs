//! Explanations of the provenance stage's finding and gate, for `secchain explain-rule`.

use secchain_pipeline::{DocCategory, RuleDoc, StaticDoc};

/// The stage kind these docs belong to.
const STAGE: &str = "provenance";

/// The rule of the finding reported when the provenance could not be attached.
pub const NOT_ATTACHED: &str = "provenance:not-attached";

/// The finding the stage reports.
pub const FINDING_DOCS: &[StaticDoc] = &[StaticDoc {
    id: NOT_ATTACHED,
    title: "the provenance is only in the output directory",
    what: "The pipeline's `image:` is a local OCI layout or docker archive, so the signed \
           provenance was written to `provenance/provenance.intoto.jsonl` but not attached \
           to the image in a registry. A warning; it never fails the gate.",
    why: "Admission controllers and `cosign verify-attestation` look for the attestation \
          next to the image in its registry; a file in a CI workspace is easy to lose.",
    fix: "Run the pipeline against the image in its registry (`image: registry/repo:tag`), \
          or attach the file later with `secchain attest IMAGE --type slsaprovenance1`.",
    ignore: "Set `with.attach: false` to say the file is all you want; the finding is \
             informational either way.",
}];

/// The stage's gate (it has no options).
pub const GATE_DOCS: &[StaticDoc] = &[StaticDoc {
    id: "signed",
    title: "the provenance is signed, written and attached",
    what: "The provenance stage has no gate options: it passes when the statement is \
           built, signed as a DSSE envelope, written, and (when attaching) pushed with the \
           SBOM and scan attestations; anything else is an error. It also refuses to \
           attest when the tag now points at another digest than the one earlier stages \
           worked on.",
    why: "The provenance is the record `secchain verify` and admission policies check: an \
          unsigned or partial one would be worse than none.",
    fix: "Check the key (`with.key`, the password in COSIGN_PASSWORD) and push access to \
          the registry; if the tag moved during the run, run the pipeline again.",
    ignore: "`continue_on_error: true` on the stage records the failure without failing \
             the run; `secchain run --dry-run` signs with an ephemeral key and pushes nothing.",
}];

/// The finding and the gate, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    FINDING_DOCS
        .iter()
        .map(|d| d.rule(DocCategory::Finding, STAGE))
        .chain(GATE_DOCS.iter().map(|d| d.gate(STAGE)))
        .collect()
}
