//! Rules about the network: outbound connections to unexpected ports, mining pools,
//! listening on ports the image does not expose, and reverse shells.

use std::collections::BTreeSet;

use super::builder::{output, Builder, RuleSpec};
use super::process::comm_names;
use super::RuleId;
use crate::falco::condition::{field, Expr};
use crate::falco::rules::Priority;
use crate::profile::{ImageProfile, MINER_PORTS, NETWORK_TOOLS, SHELLS};

const CONNECTION: &[(&str, &str)] = &[
    ("connection", "fd.name"),
    ("remote_ip", "fd.sip"),
    ("remote_port", "fd.sport"),
    ("proto", "fd.l4proto"),
    ("evt_type", "evt.type"),
];

/// Interpreters that reverse-shell one-liners use.
const REVERSE_SHELL_INTERPRETERS: &[&str] = &[
    "lua", "node", "perl", "php", "python", "python2", "python3", "ruby",
];

fn ports<I: IntoIterator<Item = u16>>(p: I) -> impl Iterator<Item = String> {
    p.into_iter().map(|n| n.to_string())
}

pub(crate) fn add_rules(b: &mut Builder<'_>) {
    let allowed = b.opts.outbound_ports();
    let mut cond = vec![Expr::macro_ref("outbound"), b.image()];
    if !allowed.is_empty() {
        let list = b.list("allowed_outbound_ports", ports(allowed.iter().copied()));
        cond.push(Expr::not(field("fd.sport").in_list(list)));
    }
    b.rule(RuleSpec {
        id: RuleId::UnexpectedOutbound,
        title: "Unexpected outbound connection".into(),
        desc: format!(
            "An outbound connection to a public address on a port other than the allowed ones ({}).",
            allowed
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        condition: Expr::and(cond),
        output: output("Outbound connection to an unexpected port", CONNECTION),
        priority: Priority::Warning,
        tags: &["network", "mitre_command_and_control", "T1071", "T1571"],
    });

    let miner_ports: BTreeSet<u16> = MINER_PORTS
        .iter()
        .copied()
        .filter(|p| !allowed.contains(p))
        .collect();
    let miner_list = b.list("miner_ports", ports(miner_ports));
    b.rule(RuleSpec {
        id: RuleId::MiningPool,
        title: "Connection to a mining-pool port".into(),
        desc: "An outbound connection to a port commonly used by crypto-mining pools.".into(),
        condition: Expr::and([
            Expr::macro_ref("outbound"),
            b.image(),
            field("fd.sport").in_list(miner_list),
        ]),
        output: output("Outbound connection to a mining-pool port", CONNECTION),
        priority: Priority::Critical,
        tags: &["network", "mitre_impact", "T1496"],
    });

    let mut cond = vec![
        field("evt.type").eq("listen"),
        b.image(),
        field("fd.type").in_values(["ipv4", "ipv6"]),
    ];
    if !b.profile.tcp_ports.is_empty() {
        let exposed = b.list(
            "exposed_tcp_ports",
            ports(b.profile.tcp_ports.iter().copied()),
        );
        cond.push(Expr::not(field("fd.lport").in_list(exposed)));
    }
    b.rule(RuleSpec {
        id: RuleId::UnexpectedListen,
        title: "Unexpected listening port".into(),
        desc: if b.profile.tcp_ports.is_empty() {
            "A TCP socket started listening, and the image exposes no TCP port.".to_string()
        } else {
            "A TCP socket started listening on a port the image does not expose.".to_string()
        },
        condition: Expr::and(cond),
        output: output(
            "Listening on a port the image does not expose",
            &[("connection", "fd.name"), ("port", "fd.lport")],
        ),
        priority: Priority::Warning,
        tags: &["network", "mitre_command_and_control", "T1571"],
    });

    add_reverse_shell(b);
}

fn add_reverse_shell(b: &mut Builder<'_>) {
    let p = b.profile;
    let names = comm_names(
        SHELLS
            .iter()
            .chain(REVERSE_SHELL_INTERPRETERS)
            .chain(NETWORK_TOOLS)
            .map(|s| s.to_string())
            .chain(ImageProfile::names(&p.shells))
            .chain(ImageProfile::names(&p.interpreters)),
    );
    let list = b.list("reverse_shell_names", names);
    let sockets = || ["ipv4", "ipv6"];
    let spawned_on_socket = Expr::and([
        Expr::macro_ref("spawned_process"),
        b.image(),
        field("proc.name").in_list(list.clone()),
        Expr::or([
            field("proc.stdin.type").in_values(sockets()),
            field("proc.stdout.type").in_values(sockets()),
        ]),
    ]);
    let redirected = Expr::and([
        Expr::macro_ref("dup"),
        b.image(),
        field("proc.name").in_list(list),
        field("evt.rawres").in_values(["0", "1", "2"]),
        field("fd.type").in_values(sockets()),
    ]);
    b.rule(RuleSpec {
        id: RuleId::ReverseShell,
        title: "Reverse shell".into(),
        desc: "A shell, interpreter or network tool whose stdin or stdout is a network \
               socket: started that way, or redirected with dup."
            .into(),
        condition: Expr::or([spawned_on_socket, redirected]),
        output: output(
            "Shell or interpreter connected to a network socket",
            &[
                ("connection", "fd.name"),
                ("stdin", "proc.stdin.name"),
                ("stdout", "proc.stdout.name"),
                ("evt_type", "evt.type"),
            ],
        ),
        priority: Priority::Critical,
        tags: &[
            "network",
            "process",
            "mitre_execution",
            "T1059.004",
            "T1095",
        ],
    });
}
