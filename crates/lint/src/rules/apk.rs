//! Alpine package rules (apk).

use crate::rule::{each_run, Rule};
use crate::severity::Severity::*;

/// DL3018: unpinned apk add.
pub static DL3018: Rule = Rule {
    id: "DL3018",
    name: "apk-pin-versions",
    severity: Warning,
    message: "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`",
    help: "Unpinned packages make rebuilds install different software. Fix: `apk add --no-cache curl=8.5.0-r0` \
(or `curl~8.5` to allow patch releases).",
    enabled_by_default: true,
    bad: "FROM alpine:3\nRUN apk add --no-cache curl\n",
    good: "FROM alpine:3\nRUN apk add --no-cache curl=8.5.0-r0\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |_, cmds| {
            for c in cmds.iter().filter(|c| c.has_args("apk", &["add"])) {
                for i in c.positional_dropping(&["t", "virtual", "repository", "X"]) {
                    let p = &c.args[i];
                    if p != "add" && !(["=", "~", ">", "<"].iter().any(|s| p.contains(s)) || p.ends_with(".apk")) {
                        return Some(c.arg_range(i));
                    }
                }
            }
            None
        })
    },
};

/// DL3019: apk add without --no-cache.
pub static DL3019: Rule = Rule {
    id: "DL3019",
    name: "apk-no-cache",
    severity: Info,
    message: "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages",
    help: "Without `--no-cache` the package index stays in the layer. Fix: `apk add --no-cache …`, or a cache mount on /var/cache/apk.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nRUN apk add curl=8.5.0-r0\n",
    good: "FROM alpine:3\nRUN apk add --no-cache curl=8.5.0-r0\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |i, cmds| {
            if super::apt::has_cache_mount(cx, i, "/var/cache/apk") {
                return None;
            }
            cmds.iter()
                .find(|c| c.has_args("apk", &["add"]) && !c.has_flag("no-cache"))
                .map(|c| c.range.clone())
        })
    },
};
