//! The shell splitter used for `RUN` commands.
//!
//! Invariants: every word and command range lies inside the script on
//! character boundaries, parent links point to earlier commands, and the
//! number of commands is bounded by the script's length.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let script = secchain_dockerfile::shell::parse_script(text);
    assert!(script.commands.len() <= text.len(), "more commands than bytes");
    for (i, c) in script.commands.iter().enumerate() {
        assert!(text.get(c.range.clone()).is_some(), "command range {:?}", c.range);
        for w in std::iter::once(&c.name).chain(&c.args).chain(&c.assignments) {
            assert!(text.get(w.range.clone()).is_some(), "word range {:?}", w.range);
        }
        if let Some(p) = c.parent {
            assert!(p < i, "parent {p} of command {i} is not earlier");
        }
    }
});
