//! Falco rules-file items (rules, macros, lists, version requirements) and their
//! deterministic YAML form.
//!
//! Conditions are [`Expr`] trees and list items are plain values; both are printed
//! with [`super::condition::print`]'s quoting rules when the file is rendered, so no
//! value from an image is ever pasted into condition text unquoted.
//!
//! `required_engine_version` is its own item at the top of the file: Falco's loader
//! treats *any* item that has that key as a version requirement, so putting it inside
//! a rule would silently drop the rule.

use serde::{Deserialize, Serialize};

use super::condition::{literal, print_pretty, Expr, Field, PrintError};

/// A whole rules file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulesFile {
    /// Comment lines written before the items (without the leading `# `).
    pub header: Vec<String>,
    /// The items, in order.
    pub items: Vec<Item>,
}

/// One top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `- required_engine_version: X.Y.Z`.
    RequiredEngineVersion(String),
    /// `- required_plugin_versions: [...]`.
    RequiredPluginVersions(Vec<PluginVersion>),
    /// `- list: ...`.
    List(List),
    /// `- macro: ...`.
    Macro(Macro),
    /// `- rule: ...`.
    Rule(Rule),
}

/// A plugin the rules need, with its minimum version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginVersion {
    /// The plugin's name (e.g. `container`).
    pub name: String,
    /// The minimum version.
    pub version: String,
}

/// A named list of values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    /// The list's name.
    pub name: String,
    /// The values (unescaped; quoted as needed when rendered).
    pub items: Vec<String>,
}

/// A named condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Macro {
    /// The macro's name.
    pub name: String,
    /// Its condition.
    pub condition: Expr,
}

/// A Falco rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The rule's name (unique across every loaded rules file).
    pub name: String,
    /// What it detects.
    pub desc: String,
    /// When it fires.
    pub condition: Expr,
    /// The alert text.
    pub output: Output,
    /// The alert's priority.
    pub priority: Priority,
    /// Tags (maturity, workload, MITRE ATT&CK tactic and technique ids, ...).
    pub tags: Vec<String>,
}

/// A rule's output: a fixed message and `label=%field` pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The message before the fields (no `%` allowed).
    pub message: String,
    /// The fields shown, with their labels.
    pub fields: Vec<(String, Field)>,
}

impl Output {
    /// The output format string: `message | label=%field label=%field`.
    pub fn render(&self) -> Result<String, RenderError> {
        if self.message.contains('%') {
            return Err(RenderError::Output(format!(
                "output message {:?} contains `%`",
                self.message
            )));
        }
        let mut out = self.message.clone();
        out.push_str(" |");
        for (label, f) in &self.fields {
            if label.is_empty()
                || !label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(RenderError::Output(format!("bad output label {label:?}")));
            }
            out.push_str(&format!(" {label}=%{}", f.name));
            if let Some(arg) = &f.arg {
                out.push_str(&format!("[{arg}]"));
            }
        }
        Ok(out)
    }
}

/// Falco's rule priorities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Priority {
    /// `EMERGENCY`.
    Emergency,
    /// `ALERT`.
    Alert,
    /// `CRITICAL`.
    Critical,
    /// `ERROR`.
    Error,
    /// `WARNING`.
    Warning,
    /// `NOTICE`.
    Notice,
    /// `INFORMATIONAL`.
    Informational,
    /// `DEBUG`.
    Debug,
}

impl Priority {
    /// The priority as Falco writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "EMERGENCY",
            Priority::Alert => "ALERT",
            Priority::Critical => "CRITICAL",
            Priority::Error => "ERROR",
            Priority::Warning => "WARNING",
            Priority::Notice => "NOTICE",
            Priority::Informational => "INFORMATIONAL",
            Priority::Debug => "DEBUG",
        }
    }
}

/// Why a rules file could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A condition or list item cannot be printed.
    #[error("{item}: {source}")]
    Condition {
        /// The item (`rule X`, `list Y`, ...).
        item: String,
        /// What is wrong.
        source: PrintError,
    },
    /// An output string is malformed.
    #[error("{0}")]
    Output(String),
    /// A header line contains a line break.
    #[error("header line {0:?} contains a line break")]
    Header(String),
    /// The YAML serializer failed.
    #[error("YAML: {0}")]
    Yaml(String),
}

/// A rules-file item as it appears in YAML (every key optional), for writing and
/// for reading files back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RawItem {
    /// `required_engine_version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_engine_version: Option<String>,
    /// `required_plugin_versions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_plugin_versions: Option<Vec<PluginVersion>>,
    /// `list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// `items` of a list, as their condition-language literals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Literal>>,
    /// `macro`.
    #[serde(default, rename = "macro", skip_serializing_if = "Option::is_none")]
    pub macro_name: Option<String>,
    /// `rule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// `desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// `condition` (written as a literal block, so YAML folding never touches it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "literal_block"
    )]
    pub condition: Option<String>,
    /// `output` (a literal block too).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "literal_block"
    )]
    pub output: Option<String>,
    /// `priority`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// `tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// Writes long strings as YAML literal blocks (`|-`), which keep every character as
/// is; short ones stay plain scalars. The serializer quotes a string a block cannot hold.
fn literal_block<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(text) => serde_saphyr::LitStr(text).serialize(s),
        None => s.serialize_none(),
    }
}

/// A list item as written in the file: a condition-language literal (`/usr/bin/x`,
/// `443`, `"bash"`). Integers are written as YAML integers and quoted literals in
/// single quotes (`'"bash"'`, Falco's own style), when that is possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal(pub String);

impl Serialize for Literal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.0.as_str();
        if !text.is_empty() && text.len() < 10 && text.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = text.parse::<u64>() {
                if n.to_string() == text {
                    return s.serialize_u64(n);
                }
            }
        }
        if text.starts_with('"') && text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return serde_saphyr::SingleQuoted(text).serialize(s);
        }
        s.serialize_str(text)
    }
}

impl<'de> Deserialize<'de> for Literal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Scalar {
            Str(String),
            Int(i64),
        }
        Ok(Literal(match Scalar::deserialize(d)? {
            Scalar::Str(s) => s,
            Scalar::Int(i) => i.to_string(),
        }))
    }
}

impl Item {
    /// The item's YAML form.
    pub fn to_raw(&self) -> Result<RawItem, RenderError> {
        let cond = |item: String, e: &Expr| {
            print_pretty(e).map_err(|source| RenderError::Condition { item, source })
        };
        Ok(match self {
            Item::RequiredEngineVersion(v) => RawItem {
                required_engine_version: Some(v.clone()),
                ..RawItem::default()
            },
            Item::RequiredPluginVersions(v) => RawItem {
                required_plugin_versions: Some(v.clone()),
                ..RawItem::default()
            },
            Item::List(l) => RawItem {
                list: Some(l.name.clone()),
                items: Some(
                    l.items
                        .iter()
                        .map(|v| literal(v).map(Literal))
                        .collect::<Result<_, _>>()
                        .map_err(|source| RenderError::Condition {
                            item: format!("list {}", l.name),
                            source,
                        })?,
                ),
                ..RawItem::default()
            },
            Item::Macro(m) => RawItem {
                macro_name: Some(m.name.clone()),
                condition: Some(cond(format!("macro {}", m.name), &m.condition)?),
                ..RawItem::default()
            },
            Item::Rule(r) => RawItem {
                rule: Some(r.name.clone()),
                desc: Some(r.desc.clone()),
                condition: Some(cond(format!("rule {}", r.name), &r.condition)?),
                output: Some(r.output.render()?),
                priority: Some(r.priority),
                tags: Some(r.tags.clone()),
                ..RawItem::default()
            },
        })
    }
}

impl RulesFile {
    /// The file as YAML: the header as `#` comments, then the items. The same file
    /// always renders to the same bytes.
    pub fn render(&self) -> Result<String, RenderError> {
        let mut out = String::new();
        for line in &self.header {
            if line.contains(['\n', '\r']) {
                return Err(RenderError::Header(line.clone()));
            }
            if line.is_empty() {
                out.push_str("#\n");
            } else {
                out.push_str(&format!("# {line}\n"));
            }
        }
        if !self.header.is_empty() {
            out.push('\n');
        }
        let raw = self
            .items
            .iter()
            .map(Item::to_raw)
            .collect::<Result<Vec<_>, _>>()?;
        let yaml = serde_saphyr::to_string(&raw).map_err(|e| RenderError::Yaml(e.to_string()))?;
        out.push_str(&yaml);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.items.iter().filter_map(|i| match i {
            Item::Rule(r) => Some(r),
            _ => None,
        })
    }

    /// The macros, in order.
    pub fn macros(&self) -> impl Iterator<Item = &Macro> {
        self.items.iter().filter_map(|i| match i {
            Item::Macro(m) => Some(m),
            _ => None,
        })
    }

    /// The lists, in order.
    pub fn lists(&self) -> impl Iterator<Item = &List> {
        self.items.iter().filter_map(|i| match i {
            Item::List(l) => Some(l),
            _ => None,
        })
    }

    /// The rule called `name`.
    pub fn rule(&self, name: &str) -> Option<&Rule> {
        self.rules().find(|r| r.name == name)
    }

    /// The list called `name`.
    pub fn list(&self, name: &str) -> Option<&List> {
        self.lists().find(|l| l.name == name)
    }
}

/// Reads a rules file's items (for checking a rendered file, or Falco's own files).
pub fn read_items(yaml: &str) -> Result<Vec<serde_json::Value>, String> {
    serde_saphyr::from_str::<Vec<serde_json::Value>>(yaml).map_err(|e| e.to_string())
}
