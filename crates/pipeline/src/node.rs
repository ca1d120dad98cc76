//! A YAML document as a tree of nodes that remember where they were written.
//!
//! The pipeline file is parsed once into [`Node`]s. Every later step (interpolation,
//! `extends:` merging, typed deserialisation, validation) works on this tree, so any
//! problem can be reported at the `file:line:column` of the value that caused it,
//! including problems inside a stage's free-form `with:` block that only the stage
//! itself understands.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A position in a source file: the file's index in a [`crate::SourceMap`], line and column (1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Pos {
    /// Index of the file in the [`crate::SourceMap`].
    pub file: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

impl Pos {
    fn from_location(loc: &serde_saphyr::Location) -> Self {
        Pos {
            file: 0,
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
        }
    }
}

/// One YAML node with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: NodeValue,
    /// Where the value starts.
    pub pos: Pos,
}

/// A mapping key with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Where the key starts.
    pub pos: Pos,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// A string scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Key, Node)>),
}

/// One step of a path into a node tree: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl fmt::Display for PathSeg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSeg::Key(k) => f.write_str(k),
            PathSeg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Formats a path the way users read it: `stages[2].with.severity`.
pub fn display_path(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

impl Node {
    /// A node with a value and a position.
    pub fn new(value: NodeValue, pos: Pos) -> Self {
        Node { value, pos }
    }

    /// Parses YAML text into a node tree; positions refer to `file`.
    pub fn parse(text: &str, file: usize) -> Result<Node, (String, Option<Pos>)> {
        let mut node: Node = serde_saphyr::from_str(text).map_err(|e| {
            let pos = e.location().map(|l| Pos {
                file,
                ..Pos::from_location(&l)
            });
            (first_line(&e.to_string()), pos)
        })?;
        node.set_file(file);
        Ok(node)
    }

    fn set_file(&mut self, file: usize) {
        self.pos.file = file;
        match &mut self.value {
            NodeValue::Seq(items) => items.iter_mut().for_each(|n| n.set_file(file)),
            NodeValue::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.pos.file = file;
                v.set_file(file);
            }),
            _ => {}
        }
    }

    /// The entries if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            NodeValue::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The string if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key` if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key and value for `key` if this is a mapping that has it.
    pub fn get_entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }

    /// Follows `path` as far as it goes and returns the deepest node reached.
    pub fn lookup(&self, path: &[PathSeg]) -> &Node {
        let mut node = self;
        for seg in path {
            let next = match (seg, &node.value) {
                (PathSeg::Key(k), NodeValue::Map(_)) => node.get(k),
                (PathSeg::Index(i), NodeValue::Seq(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// Position of `key` inside the mapping at `path`, or of the mapping itself.
    pub fn key_pos(&self, path: &[PathSeg], key: &str) -> Pos {
        let node = self.lookup(path);
        node.get_entry(key).map_or(node.pos, |(k, _)| k.pos)
    }

    /// A short name for the kind of value, for messages ("a mapping", "a string").
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) | NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// Converts the tree to JSON (positions dropped), for typed deserialisation.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().trim().to_string()
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<NodeValue>::deserialize(d)?;
        Ok(Node {
            value: spanned.value,
            pos: Pos::from_location(&spanned.referenced),
        })
    }
}

impl<'de> Deserialize<'de> for NodeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = NodeValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeValue, D::Error> {
        NodeValue::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeValue, E> {
        Ok(NodeValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeValue, E> {
        i64::try_from(v)
            .map(NodeValue::Int)
            .or(Ok(NodeValue::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeValue, E> {
        Ok(NodeValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeValue, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(NodeValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeValue, A::Error> {
        let mut entries: Vec<(Key, Node)> = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Node>()?;
            let key = Key {
                name: key.value,
                pos: Pos::from_location(&key.referenced),
            };
            if entries.iter().any(|(k, _)| k.name == key.name) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{}` at line {}",
                    key.name, key.pos.line
                )));
            }
            entries.push((key, value));
        }
        Ok(NodeValue::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_kept_for_keys_and_values() {
        let n = Node::parse(
            "version: 1\nstages:\n  - kind: lint\n    with:\n      severty: high\n",
            3,
        )
        .unwrap();
        let with = n.lookup(&[
            PathSeg::Key("stages".into()),
            PathSeg::Index(0),
            PathSeg::Key("with".into()),
        ]);
        let (k, v) = with.get_entry("severty").unwrap();
        assert_eq!((k.pos.file, k.pos.line, k.pos.column), (3, 5, 7));
        assert_eq!(v.as_str(), Some("high"));
        assert_eq!(n.get("version").unwrap().value, NodeValue::Int(1));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let (msg, pos) = Node::parse("a: [1, 2\nb: c\n", 0).unwrap_err();
        assert!(!msg.is_empty());
        assert!(pos.is_some());
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let (msg, _) = Node::parse("a: 1\na: 2\n", 0).unwrap_err();
        assert!(msg.contains("duplicate"), "{msg}");
    }
}
