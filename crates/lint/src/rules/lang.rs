//! Language package manager rules: pip, npm, gem, yarn and go.

use crate::cmd::Cmd;
use crate::rule::{each_cmd, each_run, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::{Body, Kind};
use std::collections::BTreeMap;

const VCS: &[&str] = &[
    "git+file",
    "git+https",
    "git+ssh",
    "git+http",
    "git+git",
    "git",
    "hg+file",
    "hg+http",
    "hg+https",
    "hg+ssh",
    "hg+static-http",
    "svn",
    "svn+svn",
    "svn+http",
    "svn+https",
    "svn+ssh",
    "bzr+http",
    "bzr+https",
    "bzr+ssh",
    "bzr+sftp",
    "bzr+ftp",
    "bzr+lp",
];

const PIP_VALUE_FLAGS: &[&str] = &[
    "abi",
    "b",
    "build",
    "e",
    "editable",
    "extra-index-url",
    "f",
    "find-links",
    "i",
    "index-url",
    "implementation",
    "no-binary",
    "only-binary",
    "platform",
    "prefix",
    "progress-bar",
    "proxy",
    "python",
    "python-version",
    "root",
    "root-user-action",
    "src",
    "t",
    "target",
    "trusted-host",
    "upgrade-strategy",
];

fn strip_install_prefix(v: Vec<&str>) -> Vec<&str> {
    v.into_iter()
        .skip_while(|a| *a != "install")
        .skip_while(|a| *a == "install")
        .collect()
}

fn pip_unpinned(c: &Cmd) -> bool {
    if !c.is_pip_install() || c.has_flag("constraint") || c.has_flag("c") {
        return false;
    }
    if c.args
        .iter()
        .any(|a| a == "--requirement" || a == "-r" || a == ".")
    {
        return false;
    }
    let pkgs = strip_install_prefix(
        c.positional_dropping(PIP_VALUE_FLAGS)
            .into_iter()
            .map(|i| c.args[i].as_str())
            .collect(),
    );
    let is_vcs = |p: &str| VCS.iter().any(|v| p.starts_with(v));
    let fixed = |p: &str| {
        ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
            .iter()
            .any(|s| p.contains(s))
            || (is_vcs(p) && p.contains('@'))
            || p.ends_with(".whl")
            || p.ends_with(".tar.gz")
            || (!is_vcs(p) && p.contains('/'))
    };
    !pkgs.iter().all(|p| fixed(p))
}

/// DL3013: unpinned pip install.
pub static DL3013: Rule = Rule {
    id: "DL3013",
    name: "pip-pin-versions",
    severity: Warning,
    message: "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`",
    help: "Unpinned Python packages change between builds and can pull in compromised releases. \
Fix: `pip install flask==3.0.2`, or a requirements/constraints file with pinned versions and hashes.",
    enabled_by_default: true,
    bad: "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",
    good: "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.2\n",
    check: |cx, hits| each_cmd(cx, hits, true, pip_unpinned),
};

const TRUTHY: &[&str] = &[
    "1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES",
];

/// DL3042: pip without --no-cache-dir.
pub static DL3042: Rule = Rule {
    id: "DL3042",
    name: "pip-no-cache-dir",
    severity: Warning,
    message: "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`",
    help: "pip keeps downloaded wheels in ~/.cache/pip inside the layer. Fix: `pip install --no-cache-dir …`, \
`ENV PIP_NO_CACHE_DIR=1`, or a cache mount on /root/.cache/pip.",
    enabled_by_default: true,
    bad: "FROM python:3.12\nRUN pip install flask==3.0.2\n",
    good: "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.2\n",
    check: |cx, hits| {
        let mut no_cache: BTreeMap<String, bool> = BTreeMap::new();
        let mut current = String::new();
        for (i, ins) in cx.instructions() {
            match &ins.body {
                Body::From(f) => {
                    let key = f.alias.as_ref().map_or(f.image.name.clone(), |a| a.value.clone());
                    let parent = no_cache.get(&f.image.name).copied().unwrap_or(false);
                    no_cache.insert(key.clone(), parent);
                    current = key;
                }
                Body::Env(pairs) => {
                    if let Some(p) = pairs.iter().find(|p| p.key == "PIP_NO_CACHE_DIR") {
                        if TRUTHY.contains(&p.value.as_str()) {
                            no_cache.insert(current.clone(), true);
                        }
                    }
                }
                _ => {}
            }
            let Some(cmds) = cx.cmds[i].as_deref() else { continue };
            if no_cache.get(&current).copied().unwrap_or(false) {
                continue;
            }
            let text = ins.command().map(|c| c.joined()).unwrap_or_default();
            let env_set = text
                .find("PIP_NO_CACHE_DIR=")
                .map(|p| &text[p + "PIP_NO_CACHE_DIR=".len()..])
                .is_some_and(|rest| TRUTHY.iter().any(|t| rest.starts_with(t)));
            if env_set || super::apt::has_cache_mount(cx, i, ".cache/pip") {
                continue;
            }
            let wrapper = |c: &Cmd| {
                ["pipx", "pipenv"].iter().any(|w| {
                    c.name.contains(w) || (c.name.starts_with("python") && c.args.windows(2).any(|x| x[0] == "-m" && x[1] == *w))
                })
            };
            if let Some(c) = cmds.iter().find(|c| c.is_pip_install() && !c.has_arg("--no-cache-dir") && !wrapper(c)) {
                hits.range(cx, i, c.range.clone());
            }
        }
    },
};

fn npm_version_fixed(p: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|g| p.starts_with(g))
    {
        return p.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|s| p.ends_with(s))
        || ["/", "./", "../", "~/"].iter().any(|s| p.starts_with(s))
    {
        return true;
    }
    let unscoped = if p.starts_with('@') {
        p.split_once('/').map_or("", |x| x.1)
    } else {
        p
    };
    unscoped.contains('@')
}

/// DL3016: unpinned npm install.
pub static DL3016: Rule = Rule {
    id: "DL3016",
    name: "npm-pin-versions",
    severity: Warning,
    message: "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`",
    help: "Unpinned npm packages resolve to whatever is newest at build time. Fix: `npm install -g pnpm@9.1.0`, \
or `npm ci` with a committed lockfile.",
    enabled_by_default: true,
    bad: "FROM node:20\nRUN npm install -g typescript\n",
    good: "FROM node:20\nRUN npm install -g typescript@5.4.5\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            if !c.has_args("npm", &["install"]) {
                return false;
            }
            let pos: Vec<&str> = c.positional_dropping(&["loglevel", "registry"]).into_iter().map(|i| c.args[i].as_str()).collect();
            if pos.first() != Some(&"install") {
                return false;
            }
            !strip_install_prefix(pos).iter().all(|p| npm_version_fixed(p))
        })
    },
};

/// DL3028: unpinned gem install.
pub static DL3028: Rule = Rule {
    id: "DL3028",
    name: "gem-pin-versions",
    severity: Warning,
    message: "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`",
    help: "Unpinned gems resolve to the newest release at build time. Fix: `gem install rails:7.1.3` or `gem install rails -v 7.1.3`.",
    enabled_by_default: true,
    bad: "FROM ruby:3.3\nRUN gem install rails\n",
    good: "FROM ruby:3.3\nRUN gem install rails:7.1.3\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            if !c.has_args("gem", &["install", "i"]) || c.has_arg("-v") || c.has_arg("--version") || c.args.iter().any(|a| a.starts_with("--version=")) {
                return false;
            }
            let until: Vec<&str> = c.args.iter().map(String::as_str).take_while(|a| *a != "--").collect();
            let mut gems = Vec::new();
            let mut k = 0;
            while k < until.len() {
                let a = until[k];
                if a.starts_with('-') {
                    k += 2;
                    continue;
                }
                if a != "install" && a != "i" {
                    gems.push(a);
                }
                k += 1;
            }
            gems.iter().any(|g| !g.contains(':'))
        })
    },
};

/// DL3060: yarn cache clean missing.
pub static DL3060: Rule = Rule {
    id: "DL3060",
    name: "yarn-cache-clean",
    severity: Info,
    message: "`yarn cache clean` missing after `yarn install` was run.",
    help: "yarn's cache stays in the layer after `yarn install`. Fix: `yarn install --frozen-lockfile && yarn cache clean`, or a cache mount.",
    enabled_by_default: true,
    bad: "FROM node:20\nRUN yarn install\n",
    good: "FROM node:20\nRUN yarn install && yarn cache clean\n",
    check: |cx, hits| {
        let mut stage = None;
        let mut lines = Vec::new();
        for (i, ins) in cx.instructions() {
            if ins.kind == Kind::From {
                stage = Some(i);
                continue;
            }
            if ins.kind != Kind::Run {
                continue;
            }
            let Some(cmds) = cx.cmds[i].as_deref() else { continue };
            let install = cmds.iter().position(|c| c.has_args("yarn", &["install"]));
            let clean = cmds.iter().position(|c| c.has_args("yarn", &["cache", "clean"]));
            let bad = match (install, clean) {
                (Some(_), None) => !super::apt::has_cache_mount(cx, i, ".cache/yarn"),
                (Some(inst), Some(cl)) => cl < inst,
                _ => false,
            };
            if bad {
                lines.push((i, stage));
            }
        }
        super::apt::report_stage_lines(cx, hits, lines);
    },
};

fn go_pinned(p: &str) -> bool {
    let local = p == "." || p.starts_with('/') || p.starts_with('.');
    local || (p.contains('@') && !p.ends_with("@latest") && !p.ends_with("@none"))
}

/// DL3062: unpinned go install.
pub static DL3062: Rule = Rule {
    id: "DL3062",
    name: "go-pin-versions",
    severity: Warning,
    message: "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`",
    help: "`go install pkg` or `pkg@latest` installs whatever is newest. Fix: `go install golang.org/x/tools/gopls@v0.15.3`.",
    enabled_by_default: true,
    bad: "FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\n",
    good: "FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@v0.15.3\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |_, cmds| {
            let mut run_pkgs: Vec<(&Cmd, usize)> = Vec::new();
            for c in cmds.iter().filter(|c| c.has_args("go", &["run"])) {
                for (n, k) in c.non_flag_indices().into_iter().enumerate() {
                    if c.args[k] != "run" && n <= 1 {
                        run_pkgs.push((c, k));
                    }
                }
            }
            let pkgs = if !run_pkgs.is_empty() {
                run_pkgs
            } else {
                let mut v = Vec::new();
                for c in cmds.iter().filter(|c| c.has_args("go", &["install", "get"])) {
                    for k in c.non_flag_indices() {
                        if !matches!(c.args[k].as_str(), "install" | "get" | "tool") {
                            v.push((c, k));
                        }
                    }
                }
                v
            };
            pkgs.into_iter().find(|(c, k)| !go_pinned(&c.args[*k])).map(|(c, k)| c.arg_range(k))
        })
    },
};
