//! `secchain explain`: the effective pipeline, annotated with where each setting came from.
//!
//! The output is YAML that could be used as a pipeline file itself; every scalar line
//! ends with a comment naming the file, line and column that set it, so a reader sees
//! at once which settings a base pipeline imposes and which the repository chose.

use std::fmt::Write as _;

use crate::diag::SourceMap;
use crate::node::{Node, NodeValue, Pos};

/// Renders the effective tree with `# file:line:col` provenance comments.
pub fn explain(tree: &Node, sources: &SourceMap) -> String {
    let mut out = String::from(
        "# effective pipeline: each setting is followed by the file:line:column that set it\n",
    );
    match &tree.value {
        NodeValue::Map(entries) => {
            for (key, value) in entries.iter().filter(|(k, _)| k.name != "extends") {
                write_entry(&mut out, 0, &key.name, value, sources);
            }
        }
        _ => write_scalar_line(&mut out, 0, "", tree, sources),
    }
    out
}

fn origin(pos: Pos, sources: &SourceMap) -> String {
    format!("  # {}", sources.describe(pos))
}

fn scalar(node: &Node) -> Option<String> {
    Some(match &node.value {
        NodeValue::Null => "null".into(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::Float(f) => f.to_string(),
        NodeValue::Str(s) => serde_json::to_string(s).unwrap_or_default(),
        NodeValue::Seq(items) if items.is_empty() => "[]".into(),
        NodeValue::Map(entries) if entries.is_empty() => "{}".into(),
        _ => return None,
    })
}

fn write_scalar_line(
    out: &mut String,
    indent: usize,
    prefix: &str,
    node: &Node,
    sources: &SourceMap,
) {
    let value = scalar(node).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{prefix}{value}{}",
        " ".repeat(indent),
        origin(node.pos, sources)
    );
}

fn write_entry(out: &mut String, indent: usize, key: &str, value: &Node, sources: &SourceMap) {
    let pad = " ".repeat(indent);
    if scalar(value).is_some() {
        write_scalar_line(out, indent, &format!("{key}: "), value, sources);
        return;
    }
    let _ = writeln!(out, "{pad}{key}:");
    write_block(out, indent + 2, value, sources);
}

fn write_block(out: &mut String, indent: usize, node: &Node, sources: &SourceMap) {
    let pad = " ".repeat(indent);
    match &node.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                write_entry(out, indent, &k.name, v, sources);
            }
        }
        NodeValue::Seq(items) => {
            for item in items {
                if scalar(item).is_some() {
                    write_scalar_line(out, indent, "- ", item, sources);
                } else {
                    // `- key: value` with the item's first line on the dash.
                    let mut block = String::new();
                    write_block(&mut block, indent + 2, item, sources);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&block[indent + 2..]);
                }
            }
        }
        _ => write_scalar_line(out, indent, "", node, sources),
    }
}
