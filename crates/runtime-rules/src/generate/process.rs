//! Rules about processes: the allow-list, shells, package managers, compilers,
//! network tools, download-and-execute, miners and privilege escalation.

use std::collections::BTreeSet;

use super::builder::{output, Builder, RuleSpec};
use super::RuleId;
use crate::falco::condition::{field, Expr};
use crate::falco::rules::Priority;
use crate::profile::{
    ImageProfile, COMPILERS, MINER_ARGS, MINER_NAMES, NETWORK_TOOLS, PACKAGE_MANAGERS,
    PRIVILEGE_TOOLS, SHELLS,
};

/// Linux truncates a process name (`comm`, Falco's `proc.name`) to 15 bytes.
const COMM_LEN: usize = 15;

/// Names as `proc.name` shows them: each name, and its 15-byte prefix when longer.
pub(crate) fn comm_names<I, S>(names: I) -> BTreeSet<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = BTreeSet::new();
    for n in names {
        let n = n.as_ref();
        out.insert(n.to_string());
        if n.len() > COMM_LEN {
            let mut end = COMM_LEN;
            while !n.is_char_boundary(end) {
                end -= 1;
            }
            out.insert(n[..end].to_string());
        }
    }
    out
}

fn names_of(table: &[&str], found: &BTreeSet<String>) -> BTreeSet<String> {
    comm_names(
        table
            .iter()
            .map(|s| s.to_string())
            .chain(ImageProfile::names(found)),
    )
}

/// `spawned_process and <image>`.
fn spawned(b: &Builder<'_>) -> Vec<Expr> {
    vec![Expr::macro_ref("spawned_process"), b.image()]
}

/// The conditions that exclude the expected processes.
pub(crate) fn not_expected(b: &mut Builder<'_>) -> Vec<Expr> {
    let mut paths = b.profile.expected_executables.clone();
    let mut names = BTreeSet::new();
    for p in &b.opts.extra_allowed_processes {
        if p.starts_with('/') {
            paths.insert(p.clone());
        } else {
            names.insert(p.clone());
        }
    }
    let list = b.list("expected_executables", paths);
    let mut out = vec![Expr::not(field("proc.exepath").in_list(list))];
    if !names.is_empty() {
        let list = b.list("expected_process_names", comm_names(&names));
        out.push(Expr::not(field("proc.name").in_list(list)));
    }
    out
}

pub(crate) fn add_rules(b: &mut Builder<'_>) {
    let p = b.profile;
    let mut cond = spawned(b);
    cond.extend(not_expected(b));
    let expected_desc = if p.expected_executables.is_empty() {
        "The image's entrypoint could not be resolved, so every process is unexpected.".to_string()
    } else {
        format!(
            "A process whose executable is not one the image is expected to run \
             ({} path(s), from its entrypoint, cmd and healthcheck).",
            p.expected_executables.len()
        )
    };
    b.rule(RuleSpec {
        id: RuleId::UnexpectedProcess,
        title: "Unexpected process".into(),
        desc: expected_desc,
        condition: Expr::and(cond),
        output: output("Unexpected process started in the container", &[]),
        priority: Priority::Warning,
        tags: &["process", "mitre_execution", "T1059"],
    });

    if !p.executables.is_empty() {
        let mut all = p.executables.clone();
        all.extend(p.expected_executables.iter().cloned());
        let list = b.list("image_executables", all);
        let mut cond = spawned(b);
        cond.push(Expr::not(field("proc.exepath").in_list(list)));
        b.rule(RuleSpec {
            id: RuleId::ForeignExecutable,
            title: "Executable not from the image".into(),
            desc: "A process whose executable is not a file of the image: downloaded, \
                   written at run time, or run from memory."
                .into(),
            condition: Expr::and(cond),
            output: output("Executable that is not part of the image was run", &[]),
            priority: Priority::Critical,
            tags: &["process", "mitre_command_and_control", "T1105"],
        });
    }

    add_shell_rule(b);
    add_tool_rules(b);
    add_download_execute(b);
    add_miner_rule(b);
    add_privilege_rules(b);
}

fn add_shell_rule(b: &mut Builder<'_>) {
    let p = b.profile;
    let shells = b.list("shell_names", names_of(SHELLS, &p.shells));
    let mut cond = spawned(b);
    cond.push(field("proc.name").in_list(shells));
    let (title, desc, priority) = if p.has_shell() {
        if p.entrypoint_is_shell || p.expected_executables.iter().any(|e| p.shells.contains(e)) {
            let expected = b.name("expected_executables");
            cond.push(Expr::not(Expr::and([
                Expr::macro_ref("container_entrypoint"),
                field("proc.exepath").in_list(expected),
            ])));
        }
        (
            "Unexpected shell",
            "A shell was started (other than as the container's own entrypoint).",
            Priority::Warning,
        )
    } else {
        (
            "Shell in an image without a shell",
            "The image has no shell, so any shell was brought in after start: \
             almost certainly an intrusion.",
            Priority::Critical,
        )
    };
    b.rule(RuleSpec {
        id: RuleId::Shell,
        title: title.into(),
        desc: desc.into(),
        condition: Expr::and(cond),
        output: output("Shell started in the container", &[]),
        priority,
        tags: &["process", "shell", "mitre_execution", "T1059.004"],
    });
}

/// A category of tool the image should not run.
struct Tool<'p> {
    id: RuleId,
    what: &'static str,
    table: &'static [&'static str],
    present: &'p BTreeSet<String>,
    suffix: &'static str,
    tags: &'static [&'static str],
}

fn add_tool_rules(b: &mut Builder<'_>) {
    let p = b.profile;
    let tools = [
        Tool {
            id: RuleId::PackageManager,
            what: "package manager",
            table: PACKAGE_MANAGERS,
            present: &p.package_managers,
            suffix: "package_manager_names",
            tags: &[
                "process",
                "software_mgmt",
                "mitre_command_and_control",
                "T1105",
            ],
        },
        Tool {
            id: RuleId::Compiler,
            what: "compiler or build tool",
            table: COMPILERS,
            present: &p.compilers,
            suffix: "compiler_names",
            tags: &["process", "mitre_defense_evasion", "T1027.004"],
        },
        Tool {
            id: RuleId::NetworkTool,
            what: "network tool",
            table: NETWORK_TOOLS,
            present: &p.network_tools,
            suffix: "network_tool_names",
            tags: &["process", "network", "mitre_command_and_control", "T1105"],
        },
    ];
    for Tool {
        id,
        what,
        table,
        present,
        suffix,
        tags,
    } in tools
    {
        let list = b.list(suffix, names_of(table, present));
        let mut matches = vec![field("proc.name").in_list(list)];
        if id == RuleId::PackageManager {
            matches.push(field("proc.args").contains("-m pip"));
            matches.push(field("proc.args").contains("-m ensurepip"));
        }
        let mut cond = spawned(b);
        cond.push(Expr::or(matches));
        cond.extend(not_expected(b));
        let (title, desc, priority) = if present.is_empty() {
            (
                format!("A {what} brought into the container"),
                format!("A {what} ran, but the image has none: it was brought in after start."),
                Priority::Critical,
            )
        } else {
            (
                format!("Unexpected {what} run"),
                format!("A {what} of the image ran; the image is not expected to run one."),
                if id == RuleId::NetworkTool {
                    Priority::Warning
                } else {
                    Priority::Error
                },
            )
        };
        b.rule(RuleSpec {
            id,
            title,
            desc,
            condition: Expr::and(cond),
            output: output(
                &format!("{} started in the container", capitalize(what)),
                &[],
            ),
            priority,
            tags,
        });
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn add_download_execute(b: &mut Builder<'_>) {
    let p = b.profile;
    let mut dirs = p.writable_dirs.clone();
    dirs.extend(["/tmp", "/var/tmp", "/dev/shm", "/run", "/var/run"].map(String::from));
    dirs.extend(b.opts.extra_writable_paths.iter().cloned());
    let dirs = b.list("exec_forbidden_dirs", dirs);
    let shells = b.name("shell_names");
    let piped_download = Expr::and([
        field("proc.name").in_list(shells),
        Expr::or([
            field("proc.args").contains("curl"),
            field("proc.args").contains("wget"),
        ]),
        field("proc.args").contains("|"),
    ]);
    let mut cond = spawned(b);
    cond.push(Expr::or([
        Expr::and(
            [field("proc.exepath").pmatch_list(dirs)]
                .into_iter()
                .chain(not_expected(b)),
        ),
        piped_download,
    ]));
    b.rule(RuleSpec {
        id: RuleId::DownloadExecute,
        title: "Download and execute".into(),
        desc: "An executable run from a writable or temporary directory (/tmp, /dev/shm, \
               the image's writable paths), or a shell piping curl/wget output into execution."
            .into(),
        condition: Expr::and(cond),
        output: output("Downloaded or dropped program executed", &[]),
        priority: Priority::Critical,
        tags: &["process", "mitre_execution", "T1105", "T1059.004"],
    });
}

fn add_miner_rule(b: &mut Builder<'_>) {
    let miners = b.list("miner_names", comm_names(MINER_NAMES));
    let mut matches = vec![field("proc.name").in_list(miners)];
    matches.extend(
        MINER_ARGS
            .iter()
            .map(|a| field("proc.cmdline").contains(*a)),
    );
    let mut cond = spawned(b);
    cond.push(Expr::or(matches));
    b.rule(RuleSpec {
        id: RuleId::CryptoMiner,
        title: "Crypto-miner process".into(),
        desc: "A known mining program, or a command line with a mining-pool protocol \
               (stratum) or miner options."
            .into(),
        condition: Expr::and(cond),
        output: output("Crypto-mining process started", &[]),
        priority: Priority::Critical,
        tags: &["process", "mitre_impact", "T1496"],
    });
}

fn add_privilege_rules(b: &mut Builder<'_>) {
    let p = b.profile;
    let tools = b.list(
        "privilege_tool_names",
        names_of(PRIVILEGE_TOOLS, &p.privilege_tools),
    );
    let mut matches = vec![field("proc.name").in_list(tools)];
    if !p.setuid_executables.is_empty() {
        let setuid = b.list("setuid_executables", p.setuid_executables.clone());
        matches.push(field("proc.exepath").in_list(setuid));
    }
    let mut cond = spawned(b);
    cond.push(Expr::or(matches));
    cond.extend(not_expected(b));
    b.rule(RuleSpec {
        id: RuleId::PrivilegeEscalation,
        title: "Privilege escalation tool or setuid executable run".into(),
        desc: format!(
            "sudo, su or a similar tool, or one of the image's {} setuid/setgid executable(s), ran.",
            p.setuid_executables.len()
        ),
        condition: Expr::and(cond),
        output: output("Privilege escalation attempt", &[]),
        priority: Priority::Error,
        tags: &["process", "mitre_privilege_escalation", "T1548.001", "T1548.003"],
    });

    if !p.user.is_root {
        let mut cond = spawned(b);
        cond.push(field("user.uid").eq("0"));
        b.rule(RuleSpec {
            id: RuleId::RootProcess,
            title: "Root process in a non-root image".into(),
            desc: format!(
                "A process runs as root although the image is configured to run as `{}`.",
                p.user.raw.escape_default()
            ),
            condition: Expr::and(cond),
            output: output("Process running as root in a non-root image", &[]),
            priority: Priority::Error,
            tags: &["process", "users", "mitre_privilege_escalation", "T1068"],
        });
    }
}
