//! Falco's filter field names, loaded from field lists, to check that a condition or
//! an output only uses fields Falco knows.
//!
//! Two formats are read (see `shared/schemas/SOURCES.md`):
//! - `falco-fields.txt` (`sysdig -lv`): `name<TAB>type<TAB>class<TAB>arg`, arg `none|allowed`;
//! - `falco-fields-supplement.tsv` (current libs and plugins):
//!   `name<TAB>type<TAB>arg<TAB>origin`, arg `none|allowed|required`.
//!
//! A catalog built from both accepts their union: a field is known if either list has
//! it, may take an argument if either list allows one, and must take one only if no
//! list says it may go without.

use std::collections::BTreeMap;

use super::condition::Field;

/// Whether a field takes an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgSpec {
    /// Never.
    None,
    /// Optionally.
    Allowed,
    /// Always.
    Required,
}

impl ArgSpec {
    fn parse(s: &str) -> Option<ArgSpec> {
        match s.trim() {
            "none" => Some(ArgSpec::None),
            "allowed" => Some(ArgSpec::Allowed),
            "required" => Some(ArgSpec::Required),
            _ => None,
        }
    }

    /// The more permissive of two specs (the union of what both lists accept).
    fn union(self, other: ArgSpec) -> ArgSpec {
        match (self, other) {
            (a, b) if a == b => a,
            (ArgSpec::None, ArgSpec::Required) | (ArgSpec::Required, ArgSpec::None) => {
                ArgSpec::Allowed
            }
            _ => ArgSpec::Allowed,
        }
    }
}

/// A set of known field names.
#[derive(Clone, Debug, Default)]
pub struct FieldCatalog {
    fields: BTreeMap<String, ArgSpec>,
}

/// Fields whose argument may also be written after a dot (`evt.arg.flags`).
const DOTTED_ARG_FIELDS: &[&str] = &["evt.arg", "evt.rawarg"];

impl FieldCatalog {
    /// Adds the fields of a `sysdig -lv` list (`name, type, class, arg`).
    pub fn add_sysdig_list(&mut self, text: &str) {
        self.add(text, 3);
    }

    /// Adds the fields of the supplement list (`name, type, arg, origin`).
    pub fn add_supplement(&mut self, text: &str) {
        self.add(text, 2);
    }

    fn add(&mut self, text: &str, arg_column: usize) {
        for line in text.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let name = cols[0].trim().to_string();
            let spec = cols
                .get(arg_column)
                .and_then(|s| ArgSpec::parse(s))
                .unwrap_or(ArgSpec::None);
            self.fields
                .entry(name)
                .and_modify(|old| *old = old.union(spec))
                .or_insert(spec);
        }
    }

    /// How many fields the catalog knows.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Whether `name` (without argument) is a known field.
    pub fn contains(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// Checks a field reference: the name is known and the argument fits.
    pub fn check(&self, field: &Field) -> Result<(), String> {
        if let Some(spec) = self.fields.get(&field.name) {
            return match (spec, &field.arg) {
                (ArgSpec::None, Some(arg)) => Err(format!(
                    "field `{}` takes no argument, got `[{arg}]`",
                    field.name
                )),
                (ArgSpec::Required, None) => {
                    Err(format!("field `{}` needs an argument", field.name))
                }
                _ => Ok(()),
            };
        }
        // `evt.arg.NAME`: the argument after a dot.
        for base in DOTTED_ARG_FIELDS {
            if let Some(rest) = field.name.strip_prefix(base) {
                if rest.starts_with('.') && field.arg.is_none() && self.contains(base) {
                    return Ok(());
                }
            }
        }
        Err(format!("unknown field `{}`", field.name))
    }

    /// Every `%field` in a Falco output format string.
    pub fn output_fields(output: &str) -> Vec<Field> {
        let bytes = output.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'%' {
                i += 1;
                continue;
            }
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || b"._".contains(&bytes[j]))
            {
                j += 1;
            }
            let name = output[start..j].trim_end_matches('.').to_string();
            j = start + name.len();
            let mut field = Field { name, arg: None };
            if bytes.get(j) == Some(&b'[') {
                if let Some(end) = output[j..].find(']') {
                    field.arg = Some(output[j + 1..j + end].to_string());
                    j += end + 1;
                }
            }
            if !field.name.is_empty() {
                out.push(field);
            }
            i = j.max(i + 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::falco::condition::field;

    #[test]
    fn union_of_lists() {
        let mut c = FieldCatalog::default();
        c.add_sysdig_list("# comment\nproc.name\tCHARBUF\tprocess\tnone\nevt.arg\tCHARBUF\tevt\tallowed\ncontainer.mount\tCHARBUF\tc\tallowed\n");
        c.add_supplement(
            "proc.stdin.type\tCHARBUF\tnone\tlibs\ncontainer.mount\tCHARBUF\trequired\tplugin\n",
        );
        assert!(c.check(&field("proc.name")).is_ok());
        assert!(c.check(&field("proc.stdin.type")).is_ok());
        assert!(c.check(&field("proc.name").with_arg("1")).is_err());
        assert!(c.check(&field("evt.arg.flags")).is_ok());
        assert!(c.check(&field("container.mount")).is_ok());
        assert!(c.check(&field("proc.nope")).is_err());
    }

    #[test]
    fn output_field_refs() {
        let f = FieldCatalog::output_fields(
            "Shell | cmd=%proc.cmdline gparent=%proc.aname[2] 100% done id=%container.id.",
        );
        assert_eq!(
            f,
            vec![
                field("proc.cmdline"),
                field("proc.aname").with_arg("2"),
                field("container.id")
            ]
        );
    }
}
