//! Red Hat family package rules (yum, dnf, microdnf).

use crate::cmd::Cmd;
use crate::rule::{each_cmd, each_run, Ctx, Hits, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::Body;
use std::collections::{BTreeMap, BTreeSet};

/// DL3030: yum install without -y.
pub static DL3030: Rule = Rule {
    id: "DL3030",
    name: "yum-assume-yes",
    severity: Warning,
    message: "Use the -y switch to avoid manual input `yum install -y <package>`",
    help: "Without `-y` yum waits for confirmation and the build fails. Fix: `yum install -y …`.",
    enabled_by_default: true,
    bad: "FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n",
    good: "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            c.has_args("yum", &["install", "groupinstall", "localinstall"])
                && !c.has_any_flag(&["y", "assumeyes"])
        })
    },
};

/// DL3038: dnf install without -y.
pub static DL3038: Rule = Rule {
    id: "DL3038",
    name: "dnf-assume-yes",
    severity: Warning,
    message: "Use the -y switch to avoid manual input `dnf install -y <package>`",
    help: "Without `-y` dnf waits for confirmation and the build fails. Fix: `dnf install -y …`.",
    enabled_by_default: true,
    bad: "FROM fedora:40\nRUN dnf install httpd-2.4.6 && dnf clean all\n",
    good: "FROM fedora:40\nRUN dnf install -y httpd-2.4.6 && dnf clean all\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            (c.name == "dnf" || c.name == "microdnf")
                && c.has_args(&c.name, &["install", "groupinstall", "localinstall"])
                && !c.has_any_flag(&["y", "assumeyes"])
        })
    },
};

fn first_index(cmds: &[Cmd], f: impl Fn(&Cmd) -> bool) -> Option<usize> {
    cmds.iter().position(f)
}

/// DL3032: yum clean all missing.
pub static DL3032: Rule = Rule {
    id: "DL3032",
    name: "yum-clean",
    severity: Warning,
    message: "`yum clean all` missing after yum command.",
    help: "yum keeps its package cache in the layer. Fix: end the RUN with `&& yum clean all` (or `rm -rf /var/cache/yum`).",
    enabled_by_default: true,
    bad: "FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
    good: "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |_, cmds| {
            let install = first_index(cmds, |c| c.has_args("yum", &["install"]))?;
            let clean = first_index(cmds, |c| c.has_args("yum", &["clean", "all"]) || c.has_args("rm", &["-rf", "/var/cache/yum/*"]));
            match clean {
                Some(k) if install < k => None,
                _ => Some(cmds[install].range.clone()),
            }
        })
    },
};

/// DL3040: dnf clean all missing.
pub static DL3040: Rule = Rule {
    id: "DL3040",
    name: "dnf-clean",
    severity: Warning,
    message: "`dnf clean all` missing after dnf command.",
    help: "dnf keeps its metadata and package cache in the layer. Fix: end the RUN with `&& dnf clean all`, or use a cache mount.",
    enabled_by_default: true,
    bad: "FROM fedora:40\nRUN dnf install -y httpd-2.4.6\n",
    good: "FROM fedora:40\nRUN dnf install -y httpd-2.4.6 && dnf clean all\n",
    check: |cx, hits| {
        const INSTALL: &[&str] = &["install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei"];
        each_run(cx, hits, true, |i, cmds| {
            if super::apt::has_cache_mount(cx, i, "/var/cache/libdnf5") || super::apt::has_cache_mount(cx, i, ".cache/libdnf5") {
                return None;
            }
            for name in ["dnf", "microdnf"] {
                let Some(install) = first_index(cmds, |c| c.has_args(name, INSTALL)) else { continue };
                let clean = first_index(cmds, |c| c.has_args(name, &["clean", "all"]) || c.has_args("rm", &["-rf", "/var/cache/libdnf5*"]));
                if !matches!(clean, Some(k) if install < k) {
                    return Some(cmds[install].range.clone());
                }
            }
            None
        })
    },
};

fn version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '~' | '^' | '_' | ':' | '+')
}

fn rpm_version_fixed(pkg: &str, vars: &BTreeSet<String>) -> bool {
    let parts: Vec<&str> = pkg.split('-').collect();
    if parts.len() <= 1 {
        return false;
    }
    if pkg.ends_with(".rpm") {
        return true;
    }
    if pkg.contains('$') {
        return vars.iter().any(|v| pkg.contains(&format!("${{{v}}}")));
    }
    let rest = &parts[1..];
    rest.iter().all(|p| p.chars().all(version_char))
        && rest
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// Shared by DL3033 and DL3041: tracks ENV names per stage (inherited by
/// `FROM <stage>`) and ARG names globally, and reports RUNs installing
/// unversioned packages with `names`.
fn rpm_pinning(cx: &Ctx<'_>, hits: &mut Hits, names: &[&str], exclude: &[&str]) {
    let mut stage_idx = 0usize;
    let mut aliases: BTreeMap<String, usize> = BTreeMap::new();
    let mut envs: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let mut args: BTreeSet<String> = BTreeSet::new();
    for (i, ins) in cx.instructions() {
        match &ins.body {
            Body::From(f) => {
                let parent = aliases.get(&f.image.name).copied();
                let inherited = parent
                    .and_then(|p| envs.get(&p).cloned())
                    .unwrap_or_default();
                stage_idx += 1;
                let alias = f
                    .alias
                    .as_ref()
                    .map(|a| a.value.clone())
                    .unwrap_or_default();
                aliases.entry(alias).or_insert(stage_idx);
                envs.insert(stage_idx, inherited);
            }
            Body::Env(pairs) => {
                envs.entry(stage_idx)
                    .or_default()
                    .extend(pairs.iter().map(|p| p.key.clone()));
            }
            Body::Arg(decls) => args.extend(decls.iter().map(|d| d.name.clone())),
            _ => {}
        }
        let Some(cmds) = cx.cmds[i].as_deref() else {
            continue;
        };
        if !cmds.iter().any(|c| names.contains(&c.name.as_str())) {
            continue;
        }
        let mut vars = envs.get(&stage_idx).cloned().unwrap_or_default();
        vars.extend(args.iter().cloned());
        let mut bad = None;
        for c in cmds {
            if !names.contains(&c.name.as_str()) || !c.has_args(&c.name, &["install"]) {
                continue;
            }
            let is_module = c.has_args(&c.name, &["module"]);
            let excluded = c.has_args(&c.name, exclude);
            for k in c.non_flag_indices() {
                let p = &c.args[k];
                if p == "install" || p == "module" {
                    continue;
                }
                let ok = if is_module {
                    p.contains(':')
                } else if excluded {
                    true
                } else {
                    rpm_version_fixed(p, &vars)
                };
                if !ok {
                    bad = bad.or(Some(c.arg_range(k)));
                }
            }
        }
        if let Some(r) = bad {
            hits.range(cx, i, r);
        }
    }
}

/// DL3033: unpinned yum install.
pub static DL3033: Rule = Rule {
    id: "DL3033",
    name: "yum-pin-versions",
    severity: Warning,
    message: "Specify version with `yum install -y <package>-<version>`.",
    help: "Unpinned packages make rebuilds install different software. Fix: `yum install -y httpd-2.4.6`.",
    enabled_by_default: true,
    bad: "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
    good: "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
    check: |cx, hits| rpm_pinning(cx, hits, &["yum"], &["module"]),
};

/// DL3041: unpinned dnf install.
pub static DL3041: Rule = Rule {
    id: "DL3041",
    name: "dnf-pin-versions",
    severity: Warning,
    message: "Specify version with `dnf install -y <package>-<version>`.",
    help: "Unpinned packages make rebuilds install different software. Fix: `dnf install -y httpd-2.4.6`.",
    enabled_by_default: true,
    bad: "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n",
    good: "FROM fedora:40\nRUN dnf install -y httpd-2.4.6 && dnf clean all\n",
    check: |cx, hits| rpm_pinning(cx, hits, &["dnf", "microdnf"], &["module", "group"]),
};
