//! Inputs the `falco_condition` fuzz target found (files in
//! `tests/fuzz-regressions/falco_condition/`): each must keep the target's invariants.

use secchain_runtime_rules::falco::condition::{print, Expr, PrintError};
use secchain_runtime_rules::falco::parser::parse;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    secchain_test::fuzz_regressions(env!("CARGO_MANIFEST_DIR"), target)
}

/// A macro named like an operator (`(not)` parses as a macro reference) is
/// refused by the printer instead of being written bare as an operator.
#[test]
fn printed_conditions_parse_back_and_print_the_same() {
    for (name, bytes) in inputs("falco_condition") {
        let text = std::str::from_utf8(&bytes).unwrap();
        let expr = parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        if let Ok(printed) = print(&expr) {
            let again = parse(&printed).unwrap_or_else(|e| panic!("{name}: {printed:?}: {e:?}"));
            assert_eq!(print(&again).ok(), Some(printed), "{name}");
        }
    }
    for keyword in ["not", "and", "or"] {
        assert_eq!(
            print(&Expr::Macro(keyword.into())),
            Err(PrintError::BadIdentifier(keyword.into()))
        );
    }
    assert_eq!(print(&Expr::Macro("nothing".into())).unwrap(), "nothing");
}
