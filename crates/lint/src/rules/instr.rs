//! Rules about single instructions: WORKDIR, EXPOSE, HEALTHCHECK, CMD,
//! ENTRYPOINT, ONBUILD, ENV, LABEL and MAINTAINER.

use super::drop_quotes;
use crate::rule::{Ctx, Hits, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::{Body, CommandForm, HealthcheckBody, Kind};
use std::collections::BTreeSet;

/// DL3000: relative WORKDIR.
pub static DL3000: Rule = Rule {
    id: "DL3000",
    name: "relative-workdir",
    severity: Error,
    message: "Use absolute WORKDIR",
    help: "A relative WORKDIR depends on the previous WORKDIR, which may come from the base image and change. \
Fix: use an absolute path (`WORKDIR /app`).",
    enabled_by_default: true,
    bad: "FROM alpine:3\nWORKDIR app\n",
    good: "FROM alpine:3\nWORKDIR /app\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Workdir(w) = &ins.body {
                let p = drop_quotes(&w.value);
                let win = {
                    let mut c = p.chars();
                    matches!((c.next(), c.next()), (Some(d), Some(':')) if d.is_alphabetic())
                };
                if !(p.starts_with('$') || p.starts_with('/') || win) {
                    hits.range(cx, i, w.span.range());
                }
            }
        }
    },
};

/// A port spec of EXPOSE: `Some((low, high))` when numeric, `None` when it
/// uses a variable; `Err` when malformed.
fn port_spec(word: &str) -> Result<Option<(u64, u64)>, ()> {
    if word.contains('$') {
        return Ok(None);
    }
    let (ports, proto) = match word.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (word, None),
    };
    if let Some(proto) = proto {
        if !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp") {
            return Err(());
        }
    }
    let num = |s: &str| -> Result<u64, ()> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        s.parse::<u64>().map_err(|_| ()).or(Ok(u64::MAX))
    };
    match ports.split_once('-') {
        Some((a, b)) => Ok(Some((num(a)?, num(b)?))),
        None => {
            let n = num(ports)?;
            Ok(Some((n, n)))
        }
    }
}

/// DL3011: port out of range.
pub static DL3011: Rule = Rule {
    id: "DL3011",
    name: "port-out-of-range",
    severity: Error,
    message: "Valid UNIX ports range from 0 to 65535",
    help: "A port above 65535 cannot exist. Fix: use the port the service really listens on.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nEXPOSE 80000\n",
    good: "FROM alpine:3\nEXPOSE 8080\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Expose(words) = &ins.body {
                for w in words {
                    if let Ok(Some((a, b))) = port_spec(&w.value) {
                        if a > 65535 || b > 65535 {
                            hits.range(cx, i, w.span.range());
                            break;
                        }
                    }
                }
            }
        }
    },
};

/// SEC013: malformed EXPOSE.
pub static SEC013: Rule = Rule {
    id: "SEC013",
    name: "invalid-expose",
    severity: Error,
    message: "EXPOSE needs `port`, `port/protocol` or `low-high` with protocol tcp, udp or sctp",
    help: "Docker rejects or misreads malformed EXPOSE values (`EXPOSE 80:80`, `EXPOSE http`, `EXPOSE 80/xyz`, reversed ranges). \
Fix: write the container port only, e.g. `EXPOSE 8080/tcp`; publishing host ports belongs to `docker run -p`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nEXPOSE 80:80\n",
    good: "FROM alpine:3\nEXPOSE 80/tcp 9000-9010\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Expose(words) = &ins.body {
                for w in words {
                    let bad = match port_spec(&w.value) {
                        Err(()) => true,
                        Ok(Some((a, b))) => a > b,
                        Ok(None) => false,
                    };
                    if bad {
                        hits.with_message(cx, i, w.span.range(), format!("invalid EXPOSE value `{}`", w.value));
                    }
                }
            }
        }
    },
};

/// SEC016: SSH port exposed.
pub static SEC016: Rule = Rule {
    id: "SEC016",
    name: "expose-ssh",
    severity: Warning,
    message: "Do not run an SSH server in a container (port 22 exposed)",
    help: "An SSH daemon in a container adds an attack surface and credentials to manage; `docker exec` or \
`kubectl exec` give shell access without it. Fix: remove the SSH server and `EXPOSE 22`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nEXPOSE 22\n",
    good: "FROM alpine:3\nEXPOSE 2222\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Expose(words) = &ins.body {
                for w in words {
                    if let Ok(Some((a, b))) = port_spec(&w.value) {
                        if a <= 22 && 22 <= b {
                            hits.range(cx, i, w.span.range());
                        }
                    }
                }
            }
        }
    },
};

/// DL3012: several HEALTHCHECKs.
pub static DL3012: Rule = Rule {
    id: "DL3012",
    name: "multiple-healthchecks",
    severity: Error,
    message: "Multiple `HEALTHCHECK` instructions",
    help: "Only the last HEALTHCHECK of a stage takes effect. Fix: keep one.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nHEALTHCHECK CMD [\"true\"]\nHEALTHCHECK CMD [\"true\"]\n",
    good: "FROM alpine:3\nHEALTHCHECK CMD [\"true\"]\n",
    check: |cx, hits| per_stage_duplicates(cx, hits, Kind::Healthcheck),
};

fn per_stage_duplicates(cx: &Ctx<'_>, hits: &mut Hits, kind: Kind) {
    let mut seen = false;
    for (i, ins) in cx.instructions() {
        if ins.kind == Kind::From {
            seen = false;
        } else if ins.kind == kind {
            if seen {
                hits.instr(cx, i);
            }
            seen = true;
        }
    }
}

/// DL4003: several CMDs.
pub static DL4003: Rule = Rule {
    id: "DL4003",
    name: "multiple-cmd",
    severity: Warning,
    message: "Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect",
    help: "Earlier CMDs in a stage are silently replaced. Fix: keep only the last one.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCMD [\"a\"]\nCMD [\"b\"]\n",
    good: "FROM alpine:3\nCMD [\"b\"]\n",
    check: |cx, hits| per_stage_duplicates(cx, hits, Kind::Cmd),
};

/// DL4004: several ENTRYPOINTs.
pub static DL4004: Rule = Rule {
    id: "DL4004",
    name: "multiple-entrypoint",
    severity: Error,
    message: "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect",
    help: "Earlier ENTRYPOINTs in a stage are silently replaced. Fix: keep only the last one.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
    good: "FROM alpine:3\nENTRYPOINT [\"b\"]\n",
    check: |cx, hits| per_stage_duplicates(cx, hits, Kind::Entrypoint),
};

/// DL3025: shell-form CMD/ENTRYPOINT.
pub static DL3025: Rule = Rule {
    id: "DL3025",
    name: "shell-form-cmd",
    severity: Warning,
    message: "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
    help: "In shell form the process runs under `/bin/sh -c`, so it is not PID 1, does not receive SIGTERM and \
cannot be stopped gracefully. Fix: use the exec form, `CMD [\"app\", \"--flag\"]`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCMD app --serve\n",
    good: "FROM alpine:3\nCMD [\"app\", \"--serve\"]\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            let shell = matches!(
                &ins.body,
                Body::Cmd(CommandForm::Shell(_))
                    | Body::Entrypoint(CommandForm::Shell(_))
                    | Body::Healthcheck(HealthcheckBody::Cmd(CommandForm::Shell(_)))
            );
            if shell {
                hits.range(cx, i, ins.args.span.range());
            }
        }
    },
};

/// DL3043: forbidden ONBUILD triggers.
pub static DL3043: Rule = Rule {
    id: "DL3043",
    name: "onbuild-trigger",
    severity: Error,
    message: "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.",
    help: "Docker does not allow these instructions as ONBUILD triggers. Fix: remove the ONBUILD or use another instruction.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nONBUILD FROM alpine:3\n",
    good: "FROM alpine:3\nONBUILD RUN echo hi\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Some(inner) = ins.onbuild() {
                if matches!(inner.kind, Kind::Onbuild | Kind::From | Kind::Maintainer) {
                    hits.instr(cx, i);
                }
            }
        }
    },
};

fn references(var: &str, text: &str) -> bool {
    if text.contains(&format!("${{{var}}}")) {
        return true;
    }
    let needle = format!("${var}");
    let mut rest = text;
    while let Some(p) = rest.find(&needle) {
        let after = &rest[p + needle.len()..];
        match after.chars().next() {
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {}
            _ => return true,
        }
        rest = after;
    }
    false
}

/// DL3044: ENV referencing itself.
pub static DL3044: Rule = Rule {
    id: "DL3044",
    name: "env-self-reference",
    severity: Error,
    message: "Do not refer to an environment variable within the same `ENV` statement where it is defined.",
    help: "Variables set in one ENV are not visible to other values of the same ENV, so the reference expands to the old (often empty) value. \
Fix: split it into two ENV instructions.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nENV A=1 B=$A\n",
    good: "FROM alpine:3\nENV A=1\nENV B=$A\n",
    check: |cx, hits| {
        let mut known: BTreeSet<String> = BTreeSet::new();
        for (i, ins) in cx.instructions() {
            match &ins.body {
                Body::Env(pairs) => {
                    let bad = pairs.iter().enumerate().any(|(k, p)| {
                        !known.contains(&p.key)
                            && pairs
                                .iter()
                                .enumerate()
                                .any(|(j, q)| j != k && references(&p.key, &q.raw_value))
                    });
                    known.extend(pairs.iter().map(|p| p.key.clone()));
                    if bad {
                        hits.instr(cx, i);
                    }
                }
                Body::Arg(decls) => known.extend(decls.iter().map(|d| d.name.clone())),
                _ => {}
            }
        }
    },
};

fn invalid_label_key(l: &str) -> bool {
    let first_ok = l.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let last_ok = l
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let chars_ok = l.chars().all(|c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/')
    });
    let reserved = ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|p| l.starts_with(p));
    !first_ok || !last_ok || !chars_ok || reserved || l.contains("..") || l.contains("--")
}

/// DL3048: invalid label key.
pub static DL3048: Rule = Rule {
    id: "DL3048",
    name: "invalid-label-key",
    severity: Style,
    message: "Invalid label key.",
    help: "Label keys should be lower-case reverse-DNS names (`org.opencontainers.image.source`) and must not use Docker's reserved namespaces. \
Fix: rename the key.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nLABEL Maintainer=me\n",
    good: "FROM alpine:3\nLABEL org.opencontainers.image.authors=me\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Label(pairs) = &ins.body {
                if pairs.iter().any(|p| invalid_label_key(&p.key)) {
                    hits.instr(cx, i);
                }
            }
        }
    },
};

/// DL4000: MAINTAINER.
pub static DL4000: Rule = Rule {
    id: "DL4000",
    name: "maintainer-deprecated",
    severity: Error,
    message: "MAINTAINER is deprecated",
    help: "MAINTAINER has been deprecated since Docker 1.13. Fix: use `LABEL org.opencontainers.image.authors=\"…\"`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nMAINTAINER me@example.com\n",
    good: "FROM alpine:3\nLABEL org.opencontainers.image.authors=me@example.com\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if ins.kind == Kind::Maintainer {
                hits.instr(cx, i);
            }
        }
    },
};
