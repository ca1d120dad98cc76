//! Explanations of the pin stage's findings and gate, for `secchain explain-rule`.

use secchain_pipeline::{DocCategory, RuleDoc, StaticDoc};

/// The stage kind these docs belong to.
const STAGE: &str = "pin";

/// One entry per finding kind (the values of `gate.fail_on`).
pub const FINDING_DOCS: &[StaticDoc] = &[
    StaticDoc {
        id: "unpinned",
        title: "an image reference without a digest",
        what: "A `FROM`, Kubernetes `image:`, compose `image:` or workflow `uses: docker://` \
               names an image by tag only.",
        why: "Tags move. The same file can pull a different, possibly compromised, image \
              tomorrow, and nobody can say later what actually ran.",
        fix: "`secchain pin FILE` (or the stage with `mode: pin`) rewrites the reference to \
              `name:tag@sha256:…`, keeping the tag for humans.",
        ignore: "`with.allow_unpinned: [{image: debian, reason: \"…\"}]`, or leave `unpinned` \
                 out of `gate.fail_on`.",
    },
    StaticDoc {
        id: "drift",
        title: "a pinned tag now points elsewhere",
        what: "The reference is pinned, but its tag resolves to a different digest today.",
        why: "Usually a base image rebuild with security fixes you are not getting; sometimes \
              a tag that was re-pointed unexpectedly.",
        fix: "`secchain pin --update FILE` refreshes the pins (review the new base), or \
              the stage with `mode: update`.",
        ignore: "Leave `drift` out of `gate.fail_on`.",
    },
    StaticDoc {
        id: "untrusted-registry",
        title: "an image from a registry not on the list",
        what: "`with.trusted_registries` is set and the image comes from elsewhere.",
        why: "Restricting sources keeps typo-squatted and unreviewed images out of builds.",
        fix: "Mirror the image into a trusted registry and reference it there, or add the \
              registry (or `registry/path` prefix) to `trusted_registries`.",
        ignore: "Leave `untrusted-registry` out of `gate.fail_on`.",
    },
    StaticDoc {
        id: "denied-tag",
        title: "a tag that may not be used",
        what: "The reference uses a tag in `with.deny_tags` (typically `latest`).",
        why: "Floating tags like `latest` say nothing about the version, so reviews and \
              rollbacks are guesswork.",
        fix: "Use a version tag (`debian:12.5`) and pin it.",
        ignore: "Remove the tag from `deny_tags`, or leave `denied-tag` out of `gate.fail_on`.",
    },
];

/// The options of the pin stage's `gate:`.
pub const GATE_DOCS: &[StaticDoc] = &[StaticDoc {
    id: "fail_on",
    title: "finding kinds that fail the run",
    what: "A list of `unpinned`, `drift`, `untrusted-registry`, `denied-tag`; default: all.",
    why: "Lets a team adopt pinning step by step, and lets a platform team lock the list \
          in a base pipeline so repositories cannot drop a kind.",
    fix: "Fix the findings (`secchain explain-rule unpinned`, …).",
    ignore: "Remove a kind from the list (not possible when a base pipeline locks the gate).",
}];

/// Every finding kind and gate option, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    FINDING_DOCS
        .iter()
        .map(|d| d.rule(DocCategory::Finding, STAGE))
        .chain(GATE_DOCS.iter().map(|d| d.gate(STAGE)))
        .collect()
}
