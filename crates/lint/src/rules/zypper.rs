//! SUSE package rules (zypper).

use crate::rule::{each_cmd, each_run, Rule};
use crate::severity::Severity::*;

/// DL3034: zypper without a non-interactive switch.
pub static DL3034: Rule = Rule {
    id: "DL3034",
    name: "zypper-non-interactive",
    severity: Warning,
    message: "Non-interactive switch missing from `zypper` command: `zypper install -y`",
    help: "zypper asks for confirmation and the build fails. Fix: `zypper --non-interactive install …` or `zypper install -y …`.",
    enabled_by_default: true,
    bad: "FROM opensuse/leap:15.6\nRUN zypper install curl=8.0 && zypper clean\n",
    good: "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.0 && zypper clean\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            c.has_args("zypper", &["install", "in", "remove", "rm", "source-install", "si", "patch"])
                && !c.has_any_flag(&["non-interactive", "n", "no-confirm", "y"])
        })
    },
};

/// DL3035: zypper dist-upgrade.
pub static DL3035: Rule = Rule {
    id: "DL3035",
    name: "zypper-dist-upgrade",
    severity: Warning,
    message: "Do not use `zypper dist-upgrade`.",
    help: "A distribution upgrade inside an image build makes it unreproducible. Fix: use a newer base image tag.",
    enabled_by_default: true,
    bad: "FROM opensuse/leap:15.6\nRUN zypper dup -y\n",
    good: "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.0 && zypper clean\n",
    check: |cx, hits| each_cmd(cx, hits, true, |c| c.has_args("zypper", &["dist-upgrade", "dup"])),
};

/// DL3036: zypper clean missing.
pub static DL3036: Rule = Rule {
    id: "DL3036",
    name: "zypper-clean",
    severity: Warning,
    message: "`zypper clean` missing after zypper use.",
    help: "zypper's cache stays in the layer. Fix: end the RUN with `&& zypper clean`, or use a cache mount on /var/cache/zypp.",
    enabled_by_default: true,
    bad: "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.0\n",
    good: "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.0 && zypper clean\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |i, cmds| {
            let install = cmds.iter().position(|c| c.has_args("zypper", &["install", "in"]))?;
            if super::apt::has_cache_mount(cx, i, "/var/cache/zypp") {
                return None;
            }
            let clean = cmds.iter().position(|c| c.has_args("zypper", &["clean", "cc"]));
            (!matches!(clean, Some(k) if install < k)).then(|| cmds[install].range.clone())
        })
    },
};

/// DL3037: unpinned zypper install.
pub static DL3037: Rule = Rule {
    id: "DL3037",
    name: "zypper-pin-versions",
    severity: Warning,
    message: "Specify version with `zypper install -y <package>=<version>`.",
    help: "Unpinned packages make rebuilds install different software. Fix: `zypper install -y curl=8.0.1`.",
    enabled_by_default: true,
    bad: "FROM opensuse/leap:15.6\nRUN zypper install -y curl && zypper clean\n",
    good: "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.0 && zypper clean\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |_, cmds| {
            for c in cmds.iter().filter(|c| c.has_args("zypper", &["install", "in"])) {
                for k in c.non_flag_indices() {
                    let p = &c.args[k];
                    if p != "install" && p != "in" && !(p.contains('=') || p.contains('>') || p.contains('<') || p.ends_with(".rpm")) {
                        return Some(c.arg_range(k));
                    }
                }
            }
            None
        })
    },
};
