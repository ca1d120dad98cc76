//! `extends:`: laying a pipeline over its bases, and enforcing what the bases lock.
//!
//! Merging works on node trees so every merged value keeps the position (file, line,
//! column) where it was written, which is what `secchain explain` shows and what lock
//! violations point at. Rules:
//! - top-level scalars (`image`, `dockerfile`, `platform`): the extending file wins;
//! - stages are matched by name (or kind when unnamed); an extending file's stage with
//!   the same name is laid over the base's: `with:` and `gate:` are merged key by key,
//!   other keys replaced; new stages are appended;
//! - a base stage's `locked:` facets stay locked for every file that extends it,
//!   directly or not: the stage cannot be disabled (`required`), its gate cannot be
//!   weakened (`gate`, judged by the stage), `with:` cannot change, and
//!   `continue_on_error` cannot be turned on.

use crate::diag::Diagnostic;
use crate::model::{LockFacet, Locked};
use crate::node::{Key, Node, NodeValue, Pos};
use crate::registry::StageRegistry;

/// Lays `child` over `base`, reporting lock violations in `diags`.
pub fn merge(
    base: Node,
    child: Node,
    registry: &StageRegistry,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let (NodeValue::Map(base_entries), NodeValue::Map(child_entries)) = (&base.value, &child.value)
    else {
        return child;
    };
    let mut out = base_entries.clone();
    for (key, value) in child_entries {
        match (
            key.name.as_str(),
            out.iter_mut().find(|(k, _)| k.name == key.name),
        ) {
            ("extends", _) => {}
            ("stages", Some((_, base_stages))) => {
                *base_stages = merge_stages(base_stages, value, registry, diags);
            }
            ("version", Some((_, base_version))) if base_version.value != value.value => {
                diags.push(
                    Diagnostic::new(
                        "config:extends-version",
                        "this pipeline's `version` differs from the base it extends",
                        Some(value.pos),
                    )
                    .related(base_version.pos, "base version"),
                );
            }
            (_, Some(slot)) => *slot = (key.clone(), value.clone()),
            (_, None) => out.push((key.clone(), value.clone())),
        }
    }
    Node::new(NodeValue::Map(out), child.pos)
}

fn stage_id(stage: &Node) -> Option<&str> {
    stage
        .get("name")
        .and_then(Node::as_str)
        .or_else(|| stage.get("kind").and_then(Node::as_str))
}

fn merge_stages(
    base: &Node,
    child: &Node,
    registry: &StageRegistry,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let (NodeValue::Seq(base_items), NodeValue::Seq(child_items)) = (&base.value, &child.value)
    else {
        return child.clone();
    };
    let mut out = base_items.clone();
    for stage in child_items {
        let existing =
            stage_id(stage).and_then(|id| out.iter_mut().find(|s| stage_id(s) == Some(id)));
        match existing {
            Some(base_stage) => *base_stage = merge_stage(base_stage, stage, registry, diags),
            None => out.push(stage.clone()),
        }
    }
    Node::new(NodeValue::Seq(out), child.pos)
}

fn merge_stage(
    base: &Node,
    child: &Node,
    registry: &StageRegistry,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let (NodeValue::Map(base_entries), NodeValue::Map(child_entries)) = (&base.value, &child.value)
    else {
        return child.clone();
    };
    let mut out = base_entries.clone();
    for (key, value) in child_entries {
        let merged = match out.iter().find(|(k, _)| k.name == key.name) {
            Some((_, old)) if key.name == "with" || key.name == "gate" => deep_merge(old, value),
            Some((_, old)) if key.name == "locked" => union_locks(old, value),
            _ => value.clone(),
        };
        match out.iter_mut().find(|(k, _)| k.name == key.name) {
            Some(slot) => *slot = (key.clone(), merged),
            None => out.push((key.clone(), merged)),
        }
    }
    let merged = Node::new(NodeValue::Map(out), base.pos);
    check_locks(base, child, &merged, registry, diags);
    merged
}

/// Maps merge key by key; anything else is replaced.
fn deep_merge(base: &Node, over: &Node) -> Node {
    let (NodeValue::Map(b), NodeValue::Map(o)) = (&base.value, &over.value) else {
        return over.clone();
    };
    let mut out: Vec<(Key, Node)> = b.clone();
    for (key, value) in o {
        match out.iter_mut().find(|(k, _)| k.name == key.name) {
            Some(slot) => *slot = (key.clone(), deep_merge(&slot.1, value)),
            None => out.push((key.clone(), value.clone())),
        }
    }
    Node::new(NodeValue::Map(out), over.pos)
}

fn parse_locked(node: &Node) -> Option<Locked> {
    serde_json::from_value(node.to_json()).ok()
}

/// A base's lock can only grow: `true` stays `true`, facet lists are united.
fn union_locks(base: &Node, over: &Node) -> Node {
    match (parse_locked(base), parse_locked(over)) {
        (Some(Locked::All(true)), _) | (_, Some(Locked::All(false)) | None) => base.clone(),
        (Some(Locked::Facets(b)), Some(Locked::Facets(o))) => {
            let mut items: Vec<Node> = match &base.value {
                NodeValue::Seq(items) => items.clone(),
                _ => Vec::new(),
            };
            for (facet, node) in o.iter().zip(match &over.value {
                NodeValue::Seq(items) => items.iter(),
                _ => [].iter(),
            }) {
                if !b.contains(facet) {
                    items.push(node.clone());
                }
            }
            Node::new(NodeValue::Seq(items), base.pos)
        }
        _ => over.clone(),
    }
}

fn check_locks(
    base: &Node,
    child: &Node,
    merged: &Node,
    registry: &StageRegistry,
    diags: &mut Vec<Diagnostic>,
) {
    let id = stage_id(base).unwrap_or("?").to_string();
    if let (Some(bk), Some(ck)) = (base.get("kind"), child.get("kind")) {
        if bk.value != ck.value {
            diags.push(
                Diagnostic::new(
                    "config:extends-kind",
                    format!("stage `{id}` changes its kind from the base pipeline's"),
                    Some(ck.pos),
                )
                .related(bk.pos, "the base defines it here")
                .hint("give the new stage a different `name:`"),
            );
        }
    }
    let Some((lock_key, lock_node)) = base.get_entry("locked") else {
        return;
    };
    let Some(locked) = parse_locked(lock_node) else {
        return;
    };
    let violation = |facet: LockFacet, pos: Pos, what: String| {
        Diagnostic::new("config:locked", format!("stage `{id}`: {what}"), Some(pos))
            .related(lock_key.pos, format!("`{}` is locked here", facet.as_str()))
            .hint("a base pipeline's locked settings can be tightened but not weakened; ask the owners of the base pipeline to change it")
    };
    if locked.covers(LockFacet::Required) {
        if let Some((k, v)) = child.get_entry("enabled") {
            if v.value == NodeValue::Bool(false) {
                diags.push(violation(
                    LockFacet::Required,
                    k.pos,
                    "cannot be disabled: the base pipeline requires it".into(),
                ));
            }
        }
    }
    if locked.covers(LockFacet::ContinueOnError) {
        if let Some((k, v)) = child.get_entry("continue_on_error") {
            if v.value == NodeValue::Bool(true) {
                diags.push(violation(
                    LockFacet::ContinueOnError,
                    k.pos,
                    "cannot set `continue_on_error: true`: the base pipeline locks it".into(),
                ));
            }
        }
    }
    let section =
        |node: &Node, key: &str| node.get(key).map_or(serde_json::Value::Null, Node::to_json);
    if locked.covers(LockFacet::With) {
        if let Some((k, _)) = child.get_entry("with") {
            if section(base, "with") != section(merged, "with") {
                diags.push(violation(
                    LockFacet::With,
                    k.pos,
                    "changes `with:`, which the base pipeline locks".into(),
                ));
            }
        }
    }
    if locked.covers(LockFacet::Gate) {
        if let Some((k, _)) = child.get_entry("gate") {
            let kind = base.get("kind").and_then(Node::as_str).unwrap_or_default();
            let (old, new) = (section(base, "gate"), section(merged, "gate"));
            let reason = match registry.get(kind) {
                Some(stage) => stage.gate_weakening(&old, &new),
                None => (old != new).then(|| "a locked gate cannot be changed".to_string()),
            };
            if let Some(reason) = reason {
                diags.push(violation(
                    LockFacet::Gate,
                    k.pos,
                    format!("weakens the locked gate: {reason}"),
                ));
            }
        }
    }
}
