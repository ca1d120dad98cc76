//! Debian/Ubuntu package rules (apt-get, apt, aptitude).

use crate::cmd::Cmd;
use crate::rule::{each_cmd, each_run, Ctx, Hits, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::{FromInstr, Kind, Mount, MountType};
use std::collections::BTreeSet;

fn apt_install(c: &Cmd) -> bool {
    c.has_args("apt-get", &["install"])
}

/// DL3008: unpinned apt-get install.
pub static DL3008: Rule = Rule {
    id: "DL3008",
    name: "apt-pin-versions",
    severity: Warning,
    message: "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
    help: "Unpinned packages install whatever the mirror has on build day, so rebuilds differ and may break. \
Fix: `apt-get install -y curl=7.88.1-10+deb12u5`, or accept the risk with an ignore and rely on the base image digest.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt-get install -y curl\n",
    good: "FROM debian:12\nRUN apt-get install -y curl=7.88.1-10\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |_, cmds| {
            for c in cmds.iter().filter(|c| apt_install(c)) {
                for i in c.positional_dropping(&["t", "target-release"]) {
                    let p = &c.args[i];
                    if p != "install" && !(p.contains('=') || p.contains('/') || p.ends_with(".deb")) {
                        return Some(c.arg_range(i));
                    }
                }
            }
            None
        })
    },
};

/// DL3014: apt-get install without -y.
pub static DL3014: Rule = Rule {
    id: "DL3014",
    name: "apt-assume-yes",
    severity: Warning,
    message: "Use the `-y` switch to avoid manual input `apt-get -y install <package>`",
    help: "Without `-y` apt-get asks for confirmation, which fails in a non-interactive build. Fix: `apt-get install -y …`.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt-get install curl=1\n",
    good: "FROM debian:12\nRUN apt-get install -y curl=1\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            apt_install(c)
                && !(c.has_any_flag(&["y", "yes", "qq", "assume-yes"])
                    || c.count_flag("q") == 2
                    || c.count_flag("quiet") == 2
                    || c.has_arg("-q=2"))
        })
    },
};

/// DL3015: apt-get install without --no-install-recommends.
pub static DL3015: Rule = Rule {
    id: "DL3015",
    name: "apt-no-install-recommends",
    severity: Info,
    message: "Avoid additional packages by specifying `--no-install-recommends`",
    help: "Recommended packages make the image bigger and add attack surface you never asked for. \
Fix: `apt-get install -y --no-install-recommends …`.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt-get install -y curl=1\n",
    good: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=1\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            apt_install(c)
                && !(c.has_flag("no-install-recommends")
                    || c.has_arg("APT::Install-Recommends=false"))
        })
    },
};

/// DL3027: apt instead of apt-get.
pub static DL3027: Rule = Rule {
    id: "DL3027",
    name: "use-apt-get",
    severity: Warning,
    message: "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead",
    help: "`apt` has no stable command-line interface and warns when used in scripts. Fix: use `apt-get` or `apt-cache`.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt install -y curl=1\n",
    good: "FROM debian:12\nRUN apt-get install -y curl=1\n",
    check: |cx, hits| each_cmd(cx, hits, true, |c| c.name == "apt"),
};

fn cache_mount(mounts: &[Mount], frag: &str) -> bool {
    mounts.iter().any(|m| {
        matches!(m.kind, MountType::Cache | MountType::Tmpfs)
            && m.get("target").is_some_and(|t| t.contains(frag))
    })
}

/// Whether a RUN has a cache or tmpfs mount whose target contains `frag`.
pub(crate) fn has_cache_mount(cx: &Ctx<'_>, idx: usize, frag: &str) -> bool {
    cache_mount(&cx.mounts[idx], frag)
}

/// Reports lines remembered per stage the way hadolint's DL3009 / DL3060
/// do: a line counts when its stage is the last one (same FROM) or its
/// stage name is used as a base image by some FROM.
pub(crate) fn report_stage_lines(
    cx: &Ctx<'_>,
    hits: &mut Hits,
    lines: Vec<(usize, Option<usize>)>,
) {
    let from_of = |idx: Option<usize>| -> Option<&FromInstr> {
        idx.and_then(|i| cx.df.instructions[i].as_from())
    };
    let last = cx.stages.last().map(|s| s.from);
    let bases: BTreeSet<&str> = cx
        .df
        .instructions
        .iter()
        .filter_map(|i| i.as_from())
        .map(|f| f.image.name.as_str())
        .collect();
    for (line_idx, stage) in lines {
        let from = from_of(stage);
        let last_from = from_of(last);
        let same = match (from, last_from) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.image.text == b.image.text
                    && a.alias.as_ref().map(|x| &x.value) == b.alias.as_ref().map(|x| &x.value)
                    && a.platform == b.platform
            }
            _ => false,
        };
        let used = from
            .and_then(|f| f.alias.as_ref())
            .is_some_and(|a| bases.contains(a.value.as_str()));
        if same || used {
            hits.instr(cx, line_idx);
        }
    }
}

/// DL3009: apt lists not removed.
pub static DL3009: Rule = Rule {
    id: "DL3009",
    name: "apt-lists-not-removed",
    severity: Info,
    message: "Delete the apt lists (/var/lib/apt/lists) after installing something",
    help: "`apt-get update` downloads package lists (tens of MB) that stay in the layer unless removed in the same RUN. \
Fix: end the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a cache mount for /var/lib/apt/lists.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt-get update && apt-get install -y curl=1\n",
    good: "FROM debian:12\nRUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n",
    check: |cx, hits| {
        let mut stage: Option<usize> = None;
        let mut lines = Vec::new();
        for (i, ins) in cx.instructions() {
            if ins.kind == Kind::From {
                stage = Some(i);
                continue;
            }
            let Some(cmds) = cx.cmds[i].as_deref() else { continue };
            let update = cmds.iter().any(|c| {
                c.has_args("apt", &["update"]) || c.has_args("apt-get", &["update"]) || c.has_args("aptitude", &["update"])
            });
            let cleanup = cmds.iter().any(|c| c.has_args("rm", &["-rf", "/var/lib/apt/lists/*"]));
            if !update || cleanup {
                continue;
            }
            let m = &cx.mounts[i];
            if cache_mount(m, "/var/lib/apt/lists") || (cache_mount(m, "/var/lib/apt") && cache_mount(m, "/var/cache/apt")) {
                continue;
            }
            if ins.kind == Kind::Onbuild {
                // hadolint's ONBUILD variant never sees a FROM, so it always reports.
                hits.instr(cx, i);
            } else {
                lines.push((i, stage));
            }
        }
        report_stage_lines(cx, hits, lines);
    },
};

/// SEC012: upgrading all packages.
pub static SEC012: Rule = Rule {
    id: "SEC012",
    name: "package-upgrade",
    severity: Warning,
    message: "Do not run `apt-get upgrade`/`dist-upgrade` (or `apk upgrade`, `dnf upgrade`) in a Dockerfile",
    help: "Upgrading every package makes the image depend on the mirror's state on build day, hides what changed, and can \
break the base image's guarantees. Fix: use a newer, patched base image tag (pinned by digest) instead, and install only \
the specific packages you need at pinned versions.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt-get update && apt-get upgrade -y\n",
    good: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=1\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            let sub = c.args_no_flags();
            let first = sub.first().copied().unwrap_or("");
            match c.name.as_str() {
                "apt-get" | "apt" | "aptitude" => matches!(first, "upgrade" | "dist-upgrade" | "full-upgrade" | "safe-upgrade"),
                "apk" => first == "upgrade",
                "dnf" | "yum" | "microdnf" => matches!(first, "upgrade" | "update" | "distro-sync") && sub.len() == 1,
                _ => false,
            }
        })
    },
};

/// Whether `body` is a package manager install of OS packages: returns
/// the package names.
pub(crate) fn os_packages(c: &Cmd) -> Option<Vec<String>> {
    let sub = c.args_no_flags();
    let first = *sub.first()?;
    let installs = match c.name.as_str() {
        "apt-get" | "apt" | "aptitude" => first == "install",
        "apk" => first == "add",
        "dnf" | "yum" | "microdnf" | "tdnf" => first == "install",
        "zypper" => first == "install" || first == "in",
        _ => false,
    };
    installs.then(|| {
        sub[1..]
            .iter()
            .map(|p| {
                let p = p.split(['=', '>', '<', '~']).next().unwrap_or(p);
                p.to_string()
            })
            .collect()
    })
}
