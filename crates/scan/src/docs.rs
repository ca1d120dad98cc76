//! Explanations of the scan gate's options, for `secchain explain-rule`.

use secchain_pipeline::{RuleDoc, StaticDoc};

/// The stage kind these docs belong to.
const STAGE: &str = "scan";

const IGNORE_FINDING: &str =
    "Single findings: a `.trivyignore` line (`CVE-2024-1234 exp:2025-01-31 # reason`) \
    or `.trivyignore.yaml` entry listed in `with.ignorefiles`, or an OpenVEX `not_affected` \
    statement in `with.vex`. Suppressed findings stay in the report.";

/// The options of the scan stage's `gate:`.
pub const GATE_DOCS: &[StaticDoc] = &[
    StaticDoc {
        id: "severity",
        title: "severities that fail the run",
        what: "A list such as `[CRITICAL, HIGH]` (the default): a vulnerability of one of \
               these severities fails the stage.",
        why: "Blocking on everything stalls delivery on unfixable noise; blocking on the \
              serious ones keeps known exploitable holes out of production.",
        fix: "Upgrade the package to the fixed version the summary names (rebuild on a newer \
              base image for OS packages), then re-run.",
        ignore: IGNORE_FINDING,
    },
    StaticDoc {
        id: "ignore_unfixed",
        title: "findings without a fix never fail",
        what: "`true`: a vulnerability with no fixed version is reported but does not fail.",
        why: "A gate you cannot satisfy by upgrading teaches people to turn the gate off.",
        fix: "Nothing to upgrade yet; watch for a fix, or mitigate and record it in VEX.",
        ignore: "This option is itself the relaxation.",
    },
    StaticDoc {
        id: "fail_on_kev",
        title: "known exploited vulnerabilities always fail",
        what: "`true`: anything in CISA's Known Exploited Vulnerabilities catalogue fails, \
               whatever its severity.",
        why: "KEV entries are exploited in the wild today: severity scores understate them.",
        fix: "Upgrade the package; `secchain db update` keeps the KEV list current.",
        ignore: IGNORE_FINDING,
    },
    StaticDoc {
        id: "min_epss",
        title: "only likely-exploited severity matches fail",
        what: "A number between 0 and 1: a severity match fails only when its EPSS score is \
               at least this (unknown scores still fail).",
        why: "EPSS estimates the chance of exploitation in the next 30 days; it separates \
              urgent findings from theoretical ones.",
        fix: "Upgrade the packages the gate names.",
        ignore: "Raise the threshold, or remove it to block on severity alone.",
    },
    StaticDoc {
        id: "fail_on_stale_ignores",
        title: "ignore entries that match nothing fail",
        what: "`true`: an ignore-file entry that suppressed no finding fails the run.",
        why: "Stale ignores hide the next vulnerability with the same id and rot silently.",
        fix: "Delete the entries the report lists as unused.",
        ignore: "Set it to `false` (the default).",
    },
    StaticDoc {
        id: "max_db_age",
        title: "how old the vulnerability database may be",
        what: "A duration (`72h`, `7d`, `2w`; default `7d`): an older database is reported.",
        why: "A stale database passes images with vulnerabilities published since.",
        fix: "`secchain db update` (or import a fresh export on air-gapped sites).",
        ignore: "Raise the duration.",
    },
    StaticDoc {
        id: "fail_on_db_age",
        title: "an old database fails the run",
        what: "`true`: a database older than `max_db_age` fails the stage instead of warning.",
        why: "In CI, a silently stale database is a silently weak gate.",
        fix: "`secchain db update` before the run (cache the file between CI jobs).",
        ignore: "Set it to `false` (the default) to only warn.",
    },
];

/// Every gate option, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    GATE_DOCS.iter().map(|d| d.gate(STAGE)).collect()
}
