//! A small typed model of Falco's rules language.
//!
//! - [`condition`]: the condition AST, builders, and the printer that quotes values;
//! - [`parser`]: Falco's condition grammar, ported to check generated text;
//! - [`lists`]: Falco's textual list expansion, to predict what Falco will parse;
//! - [`rules`]: rules, macros and lists as rules-file items, rendered to YAML;
//! - [`fields`]: field lists, to check every field a rule uses;
//! - [`defaults`]: the parts of Falco's default rules that generated rules rely on.

pub mod condition;
pub mod defaults;
pub mod fields;
pub mod lists;
pub mod parser;
pub mod rules;
