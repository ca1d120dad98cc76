//! The macros and lists of Falco's default rules (`falco_rules.yaml`) that generated
//! rules use, and self-contained copies of them.
//!
//! By default the generated file *references* `spawned_process`, `container`,
//! `open_write`, ... and says so in its header: Falco's default rules must be loaded
//! first. With `self_contained`, the file carries its own copies, renamed with a
//! `secchain_` prefix so they neither clash with nor silently replace the defaults.
//! The texts below are copied from falcosecurity/rules `rules/falco_rules.yaml`
//! (Apache-2.0; the snapshot in `shared/schemas/SOURCES.md`); a test checks that they
//! still parse to the same trees as that file's definitions.

use std::collections::BTreeSet;

use super::condition::Expr;
use super::parser::parse;
use super::rules::{List, Macro};

/// Macros of Falco's default rules that the generator may reference, with their conditions.
pub const DEFAULT_MACROS: &[(&str, &str)] = &[
    ("spawned_process", "(evt.type in (execve, execveat))"),
    ("container", "(container.id != host)"),
    (
        "open_write",
        "(evt.type in (open,openat,openat2) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0)",
    ),
    (
        "open_read",
        "(evt.type in (open,openat,openat2) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0)",
    ),
    ("dup", "(evt.type in (dup, dup2, dup3))"),
    (
        "container_entrypoint",
        "(not proc.pname exists or proc.pname in (runc:[0:PARENT], runc:[1:CHILD], runc, docker-runc, exe, docker-runc-cur, containerd-shim, systemd, crio, conmon))",
    ),
    (
        "outbound",
        "((evt.type = connect or
      (evt.type in (sendto,sendmsg) and
       fd.l4proto != tcp and fd.connected=false and fd.name_changed=true)) and
     (fd.typechar = 4 or fd.typechar = 6) and
     (fd.ip != \"0.0.0.0\" and fd.net != \"127.0.0.0/8\" and not fd.snet in (rfc_1918_addresses)) and
     (evt.rawres >= 0 or evt.res = EINPROGRESS))",
    ),
];

/// Lists of Falco's default rules that those macros use, with their (unquoted) values.
pub const DEFAULT_LISTS: &[(&str, &[&str])] = &[(
    "rfc_1918_addresses",
    &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
)];

/// The prefix of self-contained copies.
pub const COPY_PREFIX: &str = "secchain_";

/// The condition of the default macro `name`, parsed.
pub fn default_macro(name: &str) -> Option<Expr> {
    let (_, text) = DEFAULT_MACROS.iter().find(|(n, _)| *n == name)?;
    let mut expr = parse(text).unwrap_or_else(|e| panic!("default macro {name}: {e}"));
    expr.demote_unknown_list_refs(&|l| DEFAULT_LISTS.iter().any(|(n, _)| *n == l));
    Some(expr)
}

/// Whether `name` is one of the default macros known here.
pub fn is_default_macro(name: &str) -> bool {
    DEFAULT_MACROS.iter().any(|(n, _)| *n == name)
}

/// The name a self-contained copy of `name` gets.
pub fn copy_name(name: &str) -> String {
    format!("{COPY_PREFIX}{name}")
}

/// Self-contained copies of the default macros in `used` and of the lists they use:
/// renamed with [`COPY_PREFIX`], their references renamed to match.
pub fn copies(used: &BTreeSet<String>) -> (Vec<List>, Vec<Macro>) {
    let mut macros = Vec::new();
    let mut lists_used = BTreeSet::new();
    for (name, _) in DEFAULT_MACROS {
        if !used.contains(*name) {
            continue;
        }
        let Some(mut cond) = default_macro(name) else {
            continue;
        };
        lists_used.extend(cond.list_refs());
        cond.rename_refs(&|m| is_default_macro(m).then(|| copy_name(m)), &|l| {
            Some(copy_name(l))
        });
        macros.push(Macro {
            name: copy_name(name),
            condition: cond,
        });
    }
    let lists = DEFAULT_LISTS
        .iter()
        .filter(|(n, _)| lists_used.contains(*n))
        .map(|(n, items)| List {
            name: copy_name(n),
            items: items.iter().map(|s| s.to_string()).collect(),
        })
        .collect();
    (lists, macros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses() {
        for (name, _) in DEFAULT_MACROS {
            assert!(default_macro(name).is_some());
        }
    }

    #[test]
    fn copies_are_renamed() {
        let used: BTreeSet<String> = ["outbound".to_string()].into();
        let (lists, macros) = copies(&used);
        assert_eq!(macros[0].name, "secchain_outbound");
        assert_eq!(
            macros[0].condition.list_refs(),
            ["secchain_rfc_1918_addresses".to_string()].into()
        );
        assert_eq!(lists[0].name, "secchain_rfc_1918_addresses");
    }
}
