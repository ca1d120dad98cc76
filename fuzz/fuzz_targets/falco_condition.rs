//! Falco condition expressions.
//!
//! Invariant: a parsed condition that prints prints to text that parses
//! again and prints to the same text (printing is a fixed point; groups may
//! be flattened, so the trees are compared through their printed form).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_runtime_rules::falco::condition::{print, print_pretty};
use secchain_runtime_rules::falco::parser::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = parse(text) else {
        return;
    };
    let Ok(printed) = print(&expr) else {
        return;
    };
    let again = parse(&printed)
        .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which does not parse: {e:?}"));
    assert_eq!(print(&again).ok(), Some(printed.clone()), "{text:?}: printing is not stable");
    if let Ok(pretty) = print_pretty(&expr) {
        let from_pretty = parse(&pretty)
            .unwrap_or_else(|e| panic!("pretty form {pretty:?} does not parse: {e:?}"));
        assert_eq!(print(&from_pretty).ok(), Some(printed), "pretty form {pretty:?} differs");
    }
});
