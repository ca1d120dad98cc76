//! Explanations of the secret rules, the hygiene checks and the secrets gate, for
//! `secchain explain-rule`.
//!
//! Secret rules differ only in what they recognise (the table in [`crate::rules`]); why
//! a secret in an image matters and how to deal with it is the same for all of them, so
//! that text is written once here. Each hygiene check has its own entry.

use secchain_pipeline::{DocCategory, RuleDoc, StaticDoc};

use crate::rules::{Detect, Rule, RULES};

/// The stage kind these docs belong to.
const STAGE: &str = "secrets";

const SECRET_WHY: &str = "Every layer of an image is readable by anyone who can pull it, and \
    deleting a file in a later layer does not remove it from the earlier one. A credential \
    baked into an image is as good as published to everyone with pull access, for as long \
    as any copy of the image exists.";

const SECRET_FIX: &str = "Treat the credential as leaked: revoke or rotate it first. Then \
    keep it out of the build: pass it with `RUN --mount=type=secret,id=…` (BuildKit) or at \
    run time through the environment or a mounted file, add the file to .dockerignore, and \
    rebuild. Squashing or deleting in a later layer is not enough.";

const SECRET_IGNORE: &str = "For a known false positive or a test fixture, add an entry to the \
    secrets stage's `with.allow`, as narrow as possible and always with a reason:\n\
    `allow: [{rule: <id>, path: \"/app/testdata/**\", reason: \"test fixture\"}]` \
    (`value_sha256:` pins one exact value). Suppressed findings stay in the report. \
    `gate: {fail_on: critical}` lets lower severities through.";

/// One entry per hygiene check.
pub const HYGIENE_DOCS: &[StaticDoc] = &[
    StaticDoc {
        id: "hygiene:root-user",
        title: "the image runs as root",
        what: "The image config has no `USER`, or the user is `root` / uid 0.",
        why: "A process running as root inside the container turns any code execution bug \
              into root in the container, one kernel or runtime bug away from the host.",
        fix: "Create an unprivileged user and end the Dockerfile with `USER 10001` (a \
              numeric uid lets Kubernetes' `runAsNonRoot` verify it).",
        ignore: "Hygiene findings fail the run only when listed in `gate.hygiene_fail_on`; \
                 leave `root-user` out of that list, or set `with.hygiene: false`.",
    },
    StaticDoc {
        id: "hygiene:shell",
        title: "the image contains a shell",
        what: "A shell (`sh`, `bash`, `busybox`, …) is present in the final filesystem.",
        why: "An attacker who gets code execution uses the shell to explore, download tools \
              and persist; images without one are much harder to abuse.",
        fix: "Build on a distroless or `scratch` base and copy only the binary and its \
              runtime files into the final stage.",
        ignore: "Leave `shell` out of `gate.hygiene_fail_on` (the finding is still reported).",
    },
    StaticDoc {
        id: "hygiene:package-manager",
        title: "the image contains a package manager",
        what: "`apt`, `apk`, `dnf`, `pip`, `npm` or a similar installer is present.",
        why: "A package manager lets an intruder install whatever they need, and its \
              metadata adds packages the scanner must track.",
        fix: "Install dependencies in a build stage and copy the results into a final stage \
              that has no package manager.",
        ignore: "Leave `package-manager` out of `gate.hygiene_fail_on`.",
    },
    StaticDoc {
        id: "hygiene:build-tools",
        title: "the image contains compilers or build tools",
        what: "Compilers and build tools (`gcc`, `make`, `go`, `rustc`, `javac`, …) are present.",
        why: "Build tools are not needed at run time, enlarge the attack surface and the \
              vulnerability count, and let an attacker build exploits in place.",
        fix: "Use a multi-stage build: compile in a builder stage, copy artefacts out.",
        ignore: "Leave `build-tools` out of `gate.hygiene_fail_on`.",
    },
    StaticDoc {
        id: "hygiene:setuid",
        title: "setuid or setgid files",
        what: "Files with the setuid or setgid bit are present.",
        why: "Setuid binaries are the classic way from an unprivileged user to root.",
        fix: "Remove the bits in the Dockerfile (`RUN find / -xdev -perm /6000 -type f -exec \
              chmod a-s {} +`) or drop the binaries; run with `allowPrivilegeEscalation: false`.",
        ignore: "Leave `setuid` out of `gate.hygiene_fail_on`.",
    },
    StaticDoc {
        id: "hygiene:world-writable-dir",
        title: "world-writable directories outside /tmp",
        what: "Directories any user may write to, other than `/tmp` and `/var/tmp`.",
        why: "Any process can drop or replace files there, including files other processes \
              later execute or trust.",
        fix: "`chmod o-w` the directories, or make them owned by the application user.",
        ignore: "Leave `world-writable-dir` out of `gate.hygiene_fail_on`.",
    },
    StaticDoc {
        id: "hygiene:no-healthcheck",
        title: "no HEALTHCHECK",
        what: "The image config has no `HEALTHCHECK`, or `HEALTHCHECK NONE`.",
        why: "Without a health check, runtimes that honour it cannot tell a hung container \
              from a healthy one.",
        fix: "Add `HEALTHCHECK CMD [\"/app\", \"--health\"]` (Kubernetes uses probes instead: \
              define them in the pod spec).",
        ignore: "Leave `no-healthcheck` out of `gate.hygiene_fail_on`.",
    },
    StaticDoc {
        id: "hygiene:unpinned-base",
        title: "the base image is not pinned by digest",
        what: "The Dockerfile's `FROM`, or the image's `org.opencontainers.image.base.*` \
               labels, name the base by tag only.",
        why: "A tag can move: the same Dockerfile builds on different bases on different \
              days, and a compromised registry can serve anything under it.",
        fix: "Run `secchain pin` (or the `pin` stage) to write `FROM image:tag@sha256:…`.",
        ignore: "Leave `unpinned-base` out of `gate.hygiene_fail_on`.",
    },
    StaticDoc {
        id: "hygiene:image-size",
        title: "the image is larger than the limit",
        what: "The uncompressed size is over `with.max_image_size` (default 1 GiB); the \
               finding names the largest layers.",
        why: "Large images pull slowly, cost storage and usually carry files nobody needs.",
        fix: "Look at the largest layers it names: clean package caches in the same `RUN`, \
              use multi-stage builds, add a .dockerignore.",
        ignore: "Raise `with.max_image_size` (`2GiB`) or leave `image-size` out of \
                 `gate.hygiene_fail_on`.",
    },
];

/// The options of the secrets stage's `gate:`.
pub const GATE_DOCS: &[StaticDoc] = &[
    StaticDoc {
        id: "fail_on",
        title: "the lowest secret severity that fails the run",
        what: "`low`, `medium`, `high` (default), `critical` or `none`: a secret finding at \
               or above it fails the stage.",
        why: "A secret in an image is a leak; the default blocks the credentials that grant \
              real access while reporting weaker signals.",
        fix: "Remove and rotate the secrets the report lists (`secchain explain-rule <id>`).",
        ignore: "`fail_on: critical` or `none` (report only); `with.allow` for single findings.",
    },
    StaticDoc {
        id: "hygiene_fail_on",
        title: "hygiene checks that fail the run",
        what: "A list of hygiene checks (`root-user` or `hygiene:root-user`) whose findings \
               fail the stage. Default: none (they are reported only).",
        why: "Each team decides which image properties are must-haves; listing them makes \
              the rule enforceable.",
        fix: "Fix the image property the finding names (`secchain explain-rule hygiene:…`).",
        ignore: "Remove the check from the list.",
    },
];

/// Every secret rule, hygiene check and gate option, explained.
pub fn rule_docs() -> Vec<RuleDoc> {
    let mut docs: Vec<RuleDoc> = RULES.iter().map(secret_doc).collect();
    docs.extend(
        HYGIENE_DOCS
            .iter()
            .map(|d| d.rule(DocCategory::HygieneRule, STAGE)),
    );
    docs.extend(GATE_DOCS.iter().map(|d| d.gate(STAGE)));
    docs
}

fn secret_doc(rule: &Rule) -> RuleDoc {
    let how = match rule.detect {
        Detect::Value(_) => "a value in a file of any layer",
        Detect::File(_) => "a whole credential file in a layer",
        Detect::Directory(_) => "a directory that holds credentials or history in a layer",
        Detect::Config => "the image config (environment variables, build arguments)",
    };
    let paths = if rule.paths.is_empty() {
        String::new()
    } else {
        format!(" Only files matching {} are read.", rule.paths.join(", "))
    };
    RuleDoc {
        id: rule.id.to_string(),
        category: DocCategory::SecretRule,
        stage: STAGE.to_string(),
        title: format!("{} ({})", rule.title, rule.severity.as_str()),
        what: format!(
            "Finds {} in {how}.{paths} The value is never printed: reports show it redacted.",
            rule.title
        ),
        why: SECRET_WHY.to_string(),
        fix: SECRET_FIX.to_string(),
        ignore: SECRET_IGNORE.replace("<id>", rule.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hygiene::HYGIENE_RULES;

    #[test]
    fn every_secret_rule_and_hygiene_check_is_explained() {
        let docs = rule_docs();
        for id in RULES
            .iter()
            .map(|r| r.id)
            .chain(HYGIENE_RULES.iter().copied())
        {
            let doc = docs.iter().find(|d| d.id == id).expect(id);
            assert!(!doc.fix.is_empty() && !doc.ignore.is_empty(), "{id}");
        }
        assert_eq!(
            docs.iter()
                .filter(|d| d.category == DocCategory::HygieneRule)
                .count(),
            HYGIENE_RULES.len()
        );
    }
}
