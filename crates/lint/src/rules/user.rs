//! Rules about the user the container runs as.

use crate::rule::Rule;
use crate::severity::Severity::*;
use secchain_dockerfile::Body;
use std::collections::BTreeMap;

fn is_root(u: &str) -> bool {
    u == "root" || u == "0" || u.starts_with("root:") || u.starts_with("0:")
}

/// DL3002: last USER is root.
pub static DL3002: Rule = Rule {
    id: "DL3002",
    name: "last-user-root",
    severity: Warning,
    message: "Last USER should not be root",
    help: "A container running as root turns any code execution bug into root in the container and widens the \
impact of a container escape. Fix: create an unprivileged user and end the stage with `USER app` (or a numeric UID).",
    enabled_by_default: true,
    bad: "FROM alpine:3\nUSER root\nRUN id\n",
    good: "FROM alpine:3\nUSER root\nRUN id\nUSER 1000\n",
    check: |cx, hits| {
        // Stage FROM index -> the last USER root in it, cleared by a non-root USER.
        let mut open: BTreeMap<usize, usize> = BTreeMap::new();
        let mut stage = usize::MAX;
        for (i, ins) in cx.instructions() {
            match &ins.body {
                Body::From(_) => stage = i,
                Body::User(u) => {
                    if is_root(&u.value) {
                        open.insert(stage, i);
                    } else {
                        open.remove(&stage);
                    }
                }
                _ => {}
            }
        }
        for (_, i) in open {
            hits.instr(cx, i);
        }
    },
};

/// SEC002: final stage without USER.
pub static SEC002: Rule = Rule {
    id: "SEC002",
    name: "final-stage-runs-as-root",
    severity: Warning,
    message: "The final stage has no USER instruction, so the container runs as root",
    help: "Without USER the image runs as the base image's user, which is root for almost every base image (`scratch` included). \
Fix: add `USER <non-root user or UID>` to the final stage, or use a non-root base such as `gcr.io/distroless/static:nonroot`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCMD [\"app\"]\n",
    good: "FROM alpine:3\nUSER 10001\nCMD [\"app\"]\n",
    check: |cx, hits| {
        let Some(stage) = cx.final_stage() else { return };
        let has_user = cx.df.instructions[stage.instructions.clone()]
            .iter()
            .any(|i| matches!(i.body, Body::User(_)));
        let from = &cx.df.instructions[stage.from];
        let nonroot_base = from.as_from().is_some_and(|f| {
            let img = cx.df.resolved_image(f, &cx.config.build_args);
            img.tag.as_deref().is_some_and(|t| t.contains("nonroot"))
                || img.name.contains("chainguard")
                || cx.stages.iter().any(|s| {
                    s.name.as_deref() == Some(img.name.as_str())
                        && cx.df.instructions[s.instructions.clone()].iter().any(|i| matches!(&i.body, Body::User(u) if !is_root(&u.value)))
                })
        });
        if !has_user && !nonroot_base {
            hits.range(cx, stage.from, from.span.range());
        }
    },
};

/// DL3066: non-numeric USER.
pub static DL3066: Rule = Rule {
    id: "DL3066",
    name: "non-numeric-user",
    severity: Info,
    message: "Non-numeric user-id may not be resolvable by host system",
    help: "Kubernetes `runAsNonRoot` and host tools can only verify numeric IDs; a name is resolved inside the image. \
Fix: use a numeric UID (`USER 10001`) or `UID:GID`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nUSER app\n",
    good: "FROM alpine:3\nUSER 10001:10001\n",
    check: |cx, hits| {
        let mut args: Vec<String> = Vec::new();
        for (i, ins) in cx.instructions() {
            match &ins.body {
                Body::Arg(decls) => args.extend(decls.iter().map(|d| d.name.clone())),
                Body::User(u) => {
                    let uid = u.value.split(':').next().unwrap_or("");
                    let numeric = uid.chars().all(|c| c.is_ascii_digit());
                    let from_arg = args
                        .iter()
                        .any(|a| uid.contains(&format!("${{{a}}}")) || uid.contains(&format!("${a}")));
                    if !numeric && !from_arg {
                        hits.range(cx, i, u.span.range());
                    }
                }
                _ => {}
            }
        }
    },
};
