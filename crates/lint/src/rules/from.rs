//! Base image rules: tags, `latest`, digests, registries, platforms and
//! stage names.

use crate::rule::{Ctx, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::{FromInstr, Kind};
use std::collections::BTreeSet;

fn froms<'a>(cx: &'a Ctx<'_>) -> impl Iterator<Item = (usize, &'a FromInstr)> + 'a {
    cx.df
        .instructions
        .iter()
        .enumerate()
        .filter_map(|(i, ins)| ins.as_from().map(|f| (i, f)))
}

/// DL3006: untagged image.
pub static DL3006: Rule = Rule {
    id: "DL3006",
    name: "untagged-image",
    severity: Warning,
    message: "Always tag the version of an image explicitly",
    help: "An image without a tag means `latest`, which changes whenever the publisher pushes. \
Builds stop being reproducible and may break or pick up unreviewed software. \
Fix: add an explicit version tag (`FROM debian:12.5`), and preferably a digest.",
    enabled_by_default: true,
    bad: "FROM debian\nUSER 1000\n",
    good: "FROM debian:12\nUSER 1000\n",
    check: |cx, hits| {
        let mut aliases = BTreeSet::new();
        for (i, f) in froms(cx) {
            let img = &f.image;
            let bad = !img.is_scratch()
                && img.digest.is_none()
                && img.tag.is_none()
                && !img.name.starts_with('$')
                && !aliases.contains(img.name.as_str());
            if bad {
                hits.range(cx, i, img.span.range());
            }
            if let Some(a) = &f.alias {
                aliases.insert(a.value.as_str());
            }
        }
    },
};

/// DL3007: `latest` tag.
pub static DL3007: Rule = Rule {
    id: "DL3007",
    name: "latest-tag",
    severity: Warning,
    message: "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
    help: "`latest` moves with every release, so the same Dockerfile builds different images over time. \
Fix: use a release tag (`FROM node:20.11-alpine`) and pin its digest.",
    enabled_by_default: true,
    bad: "FROM alpine:latest\n",
    good: "FROM alpine:3.20\n",
    check: |cx, hits| {
        for (i, f) in froms(cx) {
            if f.image.digest.is_none() && f.image.tag.as_deref() == Some("latest") {
                let r = f.image.tag_range.clone().unwrap_or(f.image.span.range());
                hits.range(cx, i, r);
            }
        }
    },
};

/// DL3024: duplicate stage names.
pub static DL3024: Rule = Rule {
    id: "DL3024",
    name: "duplicate-stage-name",
    severity: Error,
    message: "FROM aliases (stage names) must be unique",
    help: "Two stages with the same name make `COPY --from` and `--target` ambiguous. Fix: rename one stage.",
    enabled_by_default: true,
    bad: "FROM alpine:3 AS a\nFROM alpine:3 AS a\n",
    good: "FROM alpine:3 AS a\nFROM alpine:3 AS b\n",
    check: |cx, hits| {
        let mut seen = BTreeSet::new();
        for (i, f) in froms(cx) {
            if let Some(a) = &f.alias {
                if !seen.insert(a.value.as_str()) {
                    hits.range(cx, i, a.span.range());
                }
            }
        }
    },
};

fn match_registry(allow: &str, registry: &str) -> bool {
    if allow == "*" {
        true
    } else if let Some(suffix) = allow.strip_prefix('*') {
        registry.ends_with(suffix)
    } else if let Some(prefix) = allow.strip_suffix('*') {
        registry.starts_with(prefix)
    } else {
        registry == allow
    }
}

/// Whether an image from `registry` (None = Docker Hub) is trusted.
pub(crate) fn registry_allowed(allowed: &[String], registry: Option<&str>, name: &str) -> bool {
    if allowed.is_empty() {
        return true;
    }
    match registry {
        Some(r) => allowed.iter().any(|a| match_registry(a, r)),
        None => {
            name == "scratch"
                || allowed
                    .iter()
                    .any(|a| match_registry(a, "docker.io") || match_registry(a, "hub.docker.com"))
        }
    }
}

/// DL3026: untrusted registry.
pub static DL3026: Rule = Rule {
    id: "DL3026",
    name: "untrusted-registry",
    severity: Error,
    message: "Use only an allowed registry in the FROM image",
    help: "The configuration lists trusted registries (`trustedRegistries`); this image (or `COPY --from` / \
`RUN --mount from=` image) comes from another one. Fix: mirror the image into a trusted registry or add the registry to the list.",
    enabled_by_default: true,
    bad: "# secchain-test trusted=registry.example.com\nFROM docker.io/library/alpine:3\n",
    good: "# secchain-test trusted=registry.example.com\nFROM registry.example.com/alpine:3\n",
    check: |cx, hits| {
        let allowed = &cx.config.trusted_registries;
        if allowed.is_empty() {
            return;
        }
        let mut aliases: BTreeSet<String> = BTreeSet::new();
        let ok = |aliases: &BTreeSet<String>, text: &str| {
            let p = secchain_dockerfile::split_reference(text);
            aliases.contains(&p.name) || registry_allowed(allowed, p.registry.as_deref(), &p.name)
        };
        for (i, ins) in cx.instructions() {
            match ins.kind {
                Kind::From => {
                    let Some(f) = ins.as_from() else { continue };
                    if !ok(&aliases, &f.image.text) {
                        hits.range(cx, i, f.image.span.range());
                    }
                    if let Some(a) = &f.alias {
                        aliases.insert(a.value.clone());
                    }
                }
                Kind::Copy => {
                    if let Some(from) = ins.flag("from").and_then(|f| f.value.as_deref()) {
                        if !ok(&aliases, from) {
                            hits.instr(cx, i);
                        }
                    }
                }
                Kind::Run => {
                    let bad = ins.mounts().iter().any(|m| {
                        matches!(m.kind, secchain_dockerfile::MountType::Cache | secchain_dockerfile::MountType::Bind)
                            && !ok(&aliases, m.get("from").unwrap_or("scratch"))
                    });
                    if bad {
                        hits.instr(cx, i);
                    }
                }
                _ => {}
            }
        }
    },
};

/// DL3029: `--platform` on `FROM`.
pub static DL3029: Rule = Rule {
    id: "DL3029",
    name: "from-platform-flag",
    severity: Warning,
    message: "Do not use --platform flag with FROM",
    help: "A hard-coded platform makes multi-platform builds produce the wrong architecture. \
Fix: drop `--platform`, or use `--platform=$BUILDPLATFORM` for build stages.",
    enabled_by_default: true,
    bad: "FROM --platform=linux/amd64 alpine:3\n",
    good: "FROM --platform=$BUILDPLATFORM alpine:3\n",
    check: |cx, hits| {
        for (i, f) in froms(cx) {
            if let Some(p) = &f.platform {
                if !p.contains("BUILDPLATFORM") && !p.contains("TARGETPLATFORM") {
                    let r = cx.df.instructions[i]
                        .flag("platform")
                        .map_or(f.image.span.range(), |f| f.span.range());
                    hits.range(cx, i, r);
                }
            }
        }
    },
};

/// DL3063: reserved stage names.
pub static DL3063: Rule = Rule {
    id: "DL3063",
    name: "reserved-stage-name",
    severity: Warning,
    message: "stage name should not be a reserved word",
    help: "`scratch` and `context` have special meaning for BuildKit; a stage with that name is confusing or shadowed. Fix: rename the stage.",
    enabled_by_default: true,
    bad: "FROM alpine:3 AS scratch\n",
    good: "FROM alpine:3 AS base\n",
    check: |cx, hits| {
        for (i, f) in froms(cx) {
            if let Some(a) = &f.alias {
                if a.value == "scratch" || a.value == "context" {
                    hits.range(cx, i, a.span.range());
                }
            }
        }
    },
};

/// DL3065: redundant `--platform=$TARGETPLATFORM`.
pub static DL3065: Rule = Rule {
    id: "DL3065",
    name: "redundant-target-platform",
    severity: Warning,
    message: "Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this is the default behavior",
    help: "`--platform=$TARGETPLATFORM` is what `FROM` does anyway. Fix: remove the flag.",
    enabled_by_default: true,
    bad: "FROM --platform=$TARGETPLATFORM alpine:3\n",
    good: "FROM alpine:3\n",
    check: |cx, hits| {
        for (i, f) in froms(cx) {
            if matches!(f.platform.as_deref(), Some("$TARGETPLATFORM" | "${TARGETPLATFORM}")) {
                hits.instr(cx, i);
            }
        }
    },
};

/// DL3061: instructions before the first `FROM`.
pub static DL3061: Rule = Rule {
    id: "DL3061",
    name: "instruction-before-from",
    severity: Error,
    message: "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.",
    help: "Only `ARG` (and comments and parser directives) may come before the first `FROM`. Fix: move the instruction into a stage.",
    enabled_by_default: true,
    bad: "LABEL a=b\nFROM alpine:3\n",
    good: "ARG V=3\nFROM alpine:$V\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            match ins.kind {
                Kind::From => break,
                Kind::Arg => {}
                _ => hits.instr(cx, i),
            }
        }
    },
};

/// SEC001: `FROM` not pinned by digest.
pub static SEC001: Rule = Rule {
    id: "SEC001",
    name: "from-without-digest",
    severity: Warning,
    message: "Pin the base image by digest (`image:tag@sha256:…`)",
    help: "Tags are mutable: the registry can serve different content for the same tag tomorrow, \
including a compromised image. A digest names exactly one image. \
Fix: append the digest (`FROM alpine:3.20@sha256:…`), or let `secchain pin` rewrite the file.",
    enabled_by_default: true,
    bad: "FROM alpine:3.20\n",
    good:
        "FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
    check: |cx, hits| {
        let mut aliases = BTreeSet::new();
        for (i, f) in froms(cx) {
            let img = cx.df.resolved_image(f, &cx.config.build_args);
            let unresolved = img.text.is_empty() || img.text.contains('$');
            if !img.is_scratch()
                && img.digest.is_none()
                && !unresolved
                && !aliases.contains(img.text.as_str())
            {
                hits.range(cx, i, f.image.span.range());
            }
            if let Some(a) = &f.alias {
                aliases.insert(a.value.as_str());
            }
        }
    },
};
