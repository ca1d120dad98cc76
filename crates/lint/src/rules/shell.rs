//! Rules about the commands inside `RUN`: sudo, cd, pipes, download and
//! execute, TLS verification, permissions and other shell habits.

use crate::cmd::Cmd;
use crate::rule::{each_cmd, each_run, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::{shell::parse_script, Body, CommandForm, Kind};
use std::collections::BTreeSet;

/// DL3001: commands that make no sense in a container.
pub static DL3001: Rule = Rule {
    id: "DL3001",
    name: "pointless-command",
    severity: Info,
    message: "For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`",
    help: "Interactive tools and service managers do nothing useful during a build. Fix: remove the command.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN service nginx start\n",
    good: "FROM debian:12\nRUN nginx -t\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            matches!(c.name.as_str(), "free" | "kill" | "mount" | "ps" | "service" | "shutdown" | "ssh" | "top" | "vim")
        })
    },
};

/// DL3003: cd instead of WORKDIR.
pub static DL3003: Rule = Rule {
    id: "DL3003",
    name: "use-workdir",
    severity: Warning,
    message: "Use WORKDIR to switch to a directory",
    help: "`cd` only lasts for one RUN, which makes the Dockerfile harder to follow. Fix: `WORKDIR /path` \
(or a subshell / `make -C`, `git -C` for a single command).",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN cd /app && make\n",
    good: "FROM debian:12\nWORKDIR /app\nRUN make\n",
    check: |cx, hits| each_cmd(cx, hits, false, |c| c.name == "cd"),
};

/// DL3004: sudo.
pub static DL3004: Rule = Rule {
    id: "DL3004",
    name: "no-sudo",
    severity: Error,
    message: "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root",
    help: "RUN already runs as the current USER; sudo adds a setuid binary and TTY/password behaviour that breaks builds. \
Fix: switch with `USER root` … `USER app`, or use gosu/su-exec in entrypoints.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN sudo apt-get update\n",
    good: "FROM debian:12\nUSER root\nRUN apt-get update\n",
    check: |cx, hits| each_cmd(cx, hits, true, |c| c.name == "sudo"),
};

/// DL3046: useradd with a high UID and no -l.
pub static DL3046: Rule = Rule {
    id: "DL3046",
    name: "useradd-no-log-init",
    severity: Warning,
    message: "`useradd` without flag `-l` and high UID will result in excessively large Image.",
    help: "useradd writes a sparse lastlog/faillog entry sized by the UID; with a high UID the layer grows by gigabytes. \
Fix: `useradd -l -u 100000 app` (or `--no-log-init`).",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN useradd -u 123456 app\n",
    good: "FROM debian:12\nRUN useradd -l -u 123456 app\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            c.name == "useradd"
                && !c.has_any_flag(&["l", "no-log-init"])
                && c.has_any_flag(&["u", "uid"])
                && c.flag_values("u").iter().any(|v| v.chars().count() > 5)
        })
    },
};

/// DL3047: wget without a progress setting.
pub static DL3047: Rule = Rule {
    id: "DL3047",
    name: "wget-progress",
    severity: Info,
    message: "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).",
    help: "wget's default progress output floods build logs. Fix: `wget -q`, `wget -nv` or `--progress=dot:giga`.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN wget https://example.com/f\n",
    good: "FROM debian:12\nRUN wget -q https://example.com/f\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| {
            c.name == "wget"
                && !c.has_flag("progress")
                && !c.has_any_flag(&["q", "quiet", "o", "output-file", "a", "append-output", "no-verbose"])
                && !c.has_args("wget", &["-nv"])
        })
    },
};

/// DL4001: both wget and curl.
pub static DL4001: Rule = Rule {
    id: "DL4001",
    name: "wget-and-curl",
    severity: Warning,
    message: "Either use Wget or Curl but not both",
    help: "Installing two HTTP clients doubles the attack surface for no gain. Fix: standardise on one of them.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN curl -fsS https://a/x -o x\nRUN wget -q https://a/y\n",
    good: "FROM debian:12\nRUN curl -fsS https://a/x -o x\nRUN curl -fsS https://a/y -o y\n",
    check: |cx, hits| {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for (i, ins) in cx.instructions() {
            if ins.kind == Kind::From {
                seen.clear();
                continue;
            }
            let Some(cmds) = cx.cmds[i].as_deref() else { continue };
            let here: BTreeSet<&str> = cmds
                .iter()
                .map(|c| c.name.as_str())
                .filter(|n| *n == "curl" || *n == "wget")
                .collect();
            seen.extend(here.iter().copied());
            if !here.is_empty() && seen.len() >= 2 {
                hits.instr(cx, i);
            }
        }
    },
};

/// DL4005: ln /bin/sh.
pub static DL4005: Rule = Rule {
    id: "DL4005",
    name: "use-shell-instruction",
    severity: Warning,
    message: "Use SHELL to change the default shell",
    help: "Relinking /bin/sh changes the shell for every program in the image. Fix: `SHELL [\"/bin/bash\", \"-c\"]`.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n",
    good: "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n",
    check: |cx, hits| each_cmd(cx, hits, true, |c| c.has_args("ln", &["/bin/sh"])),
};

fn shell_has_pipefail(cmd: &CommandForm) -> Option<bool> {
    let joined = cmd.joined();
    if ["pwsh", "powershell", "cmd"]
        .iter()
        .any(|s| joined.starts_with(s))
    {
        return None;
    }
    let script = parse_script(&joined);
    Some(script.commands.iter().any(|c| {
        let c = Cmd::new(c);
        matches!(c.basename(), "bash" | "zsh" | "ash") && c.has_flag("o") && c.has_arg("pipefail")
    }))
}

/// DL4006: pipes without pipefail.
pub static DL4006: Rule = Rule {
    id: "DL4006",
    name: "pipefail",
    severity: Warning,
    message: "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check",
    help: "A pipeline's status is that of its last command, so `curl … | tar x` succeeds even when the download fails. \
Fix: `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN (or `/bin/ash` on Alpine).",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN curl -fsS https://a/x | tar -xz\n",
    good: "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsS https://a/x | tar -xz\n",
    check: |cx, hits| {
        let mut ok = false;
        for (i, ins) in cx.instructions() {
            match &ins.body {
                Body::From(_) => ok = false,
                Body::Shell(cmd) => ok = shell_has_pipefail(cmd).unwrap_or(true),
                Body::Run(_) if !ok && cx.pipes[i] > 0 => hits.instr(cx, i),
                _ => {}
            }
        }
    },
};

/// DL3059: consecutive RUNs.
pub static DL3059: Rule = Rule {
    id: "DL3059",
    name: "consolidate-runs",
    severity: Info,
    message: "Multiple consecutive `RUN` instructions. Consider consolidation.",
    help: "Each RUN adds a layer; short consecutive RUNs are usually better as one. Fix: join them with `&&`.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN echo a\nRUN echo b\n",
    good: "FROM debian:12\nRUN echo a && echo b\n",
    check: |cx, hits| {
        let mut prev: Option<(Vec<String>, usize)> = None;
        for (i, ins) in cx.instructions() {
            if ins.kind != Kind::Run {
                prev = None;
                continue;
            }
            let mut flags: Vec<String> = ins.flags.iter().map(|f| format!("{}={:?}", f.name, f.value)).collect();
            flags.sort();
            let count = cx.cmds[i].as_ref().map_or(0, Vec::len);
            match &prev {
                Some((pf, pc)) if *pf == flags && count <= 1 && *pc <= 1 => hits.instr(cx, i),
                _ => prev = Some((flags, count)),
            }
        }
    },
};

const SHELLS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node", "php",
];

fn is_shell(c: &Cmd) -> bool {
    let b = c.basename();
    SHELLS.contains(&b)
        || b.starts_with("python3.")
        || (b == "sudo" && c.args.first().is_some_and(|a| SHELLS.contains(&a.as_str())))
}

/// SEC011: download and execute.
pub static SEC011: Rule = Rule {
    id: "SEC011",
    name: "curl-pipe-shell",
    severity: Error,
    message: "Do not pipe a download into a shell (`curl … | sh`)",
    help: "Piping a script from the network into a shell runs whatever the server (or anyone in between) sends, with no \
review and no integrity check, and hides failures. Fix: download to a file, verify its checksum or signature \
(`sha256sum -c`), then run it; better, install a pinned package.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\n",
    good: "FROM debian:12\nRUN curl -fsSLo install.sh https://get.example.com && echo \"0123  install.sh\" | sha256sum -c && sh install.sh\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |_, cmds| {
            for c in cmds {
                let downloader = matches!(c.basename(), "curl" | "wget" | "fetch");
                if !downloader {
                    continue;
                }
                // `curl … | sh`
                let piped = cmds.iter().any(|o| o.pipeline == c.pipeline && o.pipe_position > c.pipe_position && is_shell(o));
                // `sh -c "$(curl …)"`, `bash <(curl …)`
                let nested = c.parent.and_then(|p| cmds.get(p)).is_some_and(is_shell);
                if piped || nested {
                    return Some(c.range.clone());
                }
            }
            None
        })
    },
};

/// SEC014: TLS verification disabled.
pub static SEC014: Rule = Rule {
    id: "SEC014",
    name: "tls-verification-disabled",
    severity: Error,
    message: "Do not disable TLS or signature verification when downloading or installing",
    help: "`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `apk --allow-untrusted`, `apt-get --allow-unauthenticated`, \
`npm config set strict-ssl false` and `git -c http.sslVerify=false` let anyone on the network path replace what you download. \
Fix: remove the option and install the right CA certificates or keys instead.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN curl -k -fsSLo /tmp/f https://example.com/f\n",
    good: "FROM debian:12\nRUN curl -fsSLo /tmp/f https://example.com/f\n",
    check: |cx, hits| {
        each_cmd(cx, hits, true, |c| match c.basename() {
            "curl" => c.has_any_flag(&["insecure"]) || c.args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('k')),
            "wget" => c.has_flag("no-check-certificate"),
            "pip" | "pip3" => c.has_flag("trusted-host"),
            "apk" => c.has_flag("allow-untrusted"),
            "apt-get" | "apt" => c.has_any_flag(&["allow-unauthenticated", "allow-insecure-repositories", "allow-downgrades"])
                || c.args.iter().any(|a| a.contains("AllowUnauthenticated=true") || a.contains("AllowInsecureRepositories=true")),
            "npm" | "yarn" => c.args.windows(2).any(|w| w[0] == "strict-ssl" && w[1] == "false"),
            "git" => c.args.iter().any(|a| a.eq_ignore_ascii_case("http.sslVerify=false")),
            "dnf" | "yum" => c.args.iter().any(|a| a == "--nogpgcheck" || a.contains("sslverify=0") || a.contains("sslverify=false")),
            _ => c.basename().starts_with("pip") && c.has_flag("trusted-host"),
        })
    },
};

/// SEC015: world-writable permissions.
pub static SEC015: Rule = Rule {
    id: "SEC015",
    name: "world-writable",
    severity: Warning,
    message: "Do not make files world-writable (`chmod 777`, `o+w`)",
    help: "World-writable files let any process in the container (or a compromised dependency) modify programs and data. \
Fix: give ownership to the runtime user (`COPY --chown=app`, `chown`) and use `755`/`644` or tighter.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN chmod -R 777 /app\n",
    good: "FROM debian:12\nRUN chmod -R 755 /app\n",
    check: |cx, hits| {
        each_run(cx, hits, true, |_, cmds| {
            for c in cmds.iter().filter(|c| c.basename() == "chmod") {
                for k in c.non_flag_indices() {
                    let m = &c.args[k];
                    let octal_bad = m.len() >= 3 && m.chars().all(|d| d.is_ascii_digit() && d < '8') && {
                        let last = m.chars().last().unwrap_or('0').to_digit(8).unwrap_or(0);
                        last & 2 != 0
                    };
                    let sym_bad = m.split(',').any(|p| (p.starts_with('o') || p.starts_with('a') || p.starts_with('+')) && p.contains('+') && p.contains('w'));
                    if octal_bad || sym_bad {
                        return Some(c.arg_range(k));
                    }
                }
            }
            None
        })
    },
};
