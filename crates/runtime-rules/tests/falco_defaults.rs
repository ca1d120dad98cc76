//! The parser and field catalog against Falco's own default rules, and the embedded
//! copies of default macros against that file.

mod common;

use common::{default_rules, field_catalog};
use secchain_runtime_rules::falco::condition::{Expr, ListItem, Rhs};
use secchain_runtime_rules::falco::defaults::{default_macro, DEFAULT_LISTS, DEFAULT_MACROS};
use secchain_runtime_rules::falco::fields::FieldCatalog;
use secchain_runtime_rules::falco::lists::expand_lists;
use secchain_runtime_rules::falco::parser::parse;

#[test]
fn every_default_condition_parses_and_uses_known_fields() {
    let defaults = default_rules();
    let catalog = field_catalog();
    let mut conditions = 0;
    for item in &defaults.items {
        let Some(cond) = item.get("condition").and_then(|c| c.as_str()) else {
            continue;
        };
        conditions += 1;
        let name = item
            .get("rule")
            .or_else(|| item.get("macro"))
            .and_then(|v| v.as_str())
            .unwrap_or("?");
        let expr = parse(cond).unwrap_or_else(|e| panic!("{name}: {e}\n{cond}"));
        for f in expr.fields() {
            catalog.check(&f).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        // What Falco really parses: the text after list expansion.
        let expanded = expand_lists(cond, &defaults.lists);
        parse(&expanded).unwrap_or_else(|e| panic!("{name} expanded: {e}\n{expanded}"));
        if let Some(out) = item.get("output").and_then(|o| o.as_str()) {
            for f in FieldCatalog::output_fields(out) {
                catalog
                    .check(&f)
                    .unwrap_or_else(|e| panic!("output of {name}: {e}"));
            }
        }
        // Every macro reference is a macro of the file.
        for m in expr.macro_refs() {
            assert!(
                defaults.macros.contains_key(&m),
                "{name}: unknown macro {m}"
            );
        }
    }
    assert!(conditions > 100, "only {conditions} conditions");
}

#[test]
fn embedded_copies_match_the_default_rules() {
    let defaults = default_rules();
    for (name, _) in DEFAULT_MACROS {
        let text = defaults
            .macros
            .get(*name)
            .unwrap_or_else(|| panic!("falco_rules.yaml has no macro {name}"));
        let mut theirs = parse(text).unwrap();
        theirs.demote_unknown_list_refs(&|l| DEFAULT_LISTS.iter().any(|(n, _)| *n == l));
        assert_eq!(default_macro(name).unwrap(), theirs, "macro {name}");
    }
    for (name, values) in DEFAULT_LISTS {
        let (_, items) = defaults
            .lists
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("falco_rules.yaml has no list {name}"));
        let Expr::Check(c) = parse(&format!("fd.net in ({})", items.join(", "))).unwrap() else {
            panic!("not a check")
        };
        let Rhs::List(parsed) = c.rhs else {
            panic!("not a list")
        };
        let parsed: Vec<String> = parsed
            .into_iter()
            .map(|i| match i {
                ListItem::Value(v) | ListItem::ListRef(v) => v,
            })
            .collect();
        assert_eq!(parsed, *values, "list {name}");
    }
}
