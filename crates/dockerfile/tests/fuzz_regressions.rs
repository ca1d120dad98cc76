//! Inputs the fuzz targets found (files in `tests/fuzz-regressions/<target>/`):
//! each must keep its target's invariants.

use secchain_dockerfile::shell::{parse_script, Script};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    secchain_test::fuzz_regressions(env!("CARGO_MANIFEST_DIR"), target)
}

/// The `shell_run` invariants, plus: the word values stay proportional to the
/// script (at most one copy per level of nesting, and nesting is bounded).
fn check(name: &str, text: &str, script: &Script) {
    assert!(
        script.commands.len() <= text.len(),
        "{name}: more commands than bytes"
    );
    let mut value_bytes = 0;
    for (i, c) in script.commands.iter().enumerate() {
        assert!(text.get(c.range.clone()).is_some(), "{name}: {:?}", c.range);
        for w in std::iter::once(&c.name)
            .chain(&c.args)
            .chain(&c.assignments)
        {
            assert!(text.get(w.range.clone()).is_some(), "{name}: {:?}", w.range);
            value_bytes += w.value.len();
        }
        if let Some(p) = c.parent {
            assert!(p < i, "{name}: parent {p} of command {i} is not earlier");
        }
    }
    assert!(
        value_bytes <= 1024 * (text.len() + 1),
        "{name}: {value_bytes} bytes of word values from {} bytes of script",
        text.len()
    );
}

/// Nested `$( … )` used to double the word values per level (out of memory
/// at a few dozen levels).
#[test]
fn nested_substitutions_do_not_blow_up() {
    for (name, bytes) in inputs("shell_run") {
        let text = String::from_utf8_lossy(&bytes);
        check(&name, &text, &parse_script(&text));
    }
    for open in ["$(", "`", "<(", "$(a "] {
        let text = format!("a {}", open.repeat(300));
        check(open, &text, &parse_script(&text));
    }
    // Values still carry what is nested, once per level.
    let s = parse_script("echo $(a $(b c))");
    assert_eq!(s.commands[0].args[0].value, "${a${bc}}");
}

/// A FROM image word with a line continuation inside: its tag and digest
/// ranges used to be offsets into the joined line, not the source, so they
/// covered other bytes. Now they are given only when they cover exactly the
/// tag / digest text.
#[test]
fn from_tag_and_digest_ranges_cover_exactly_their_text() {
    let mut inputs = inputs("dockerfile");
    inputs.push((
        "continued".into(),
        b"FROM alpine:3.\\\n20@sha256:ab\\\ncd\n".to_vec(),
    ));
    inputs.push(("plain".into(), b"FROM alpine:3.20@sha256:abcd\n".to_vec()));
    let mut ranges = 0;
    for (name, bytes) in inputs {
        let src = String::from_utf8_lossy(&bytes);
        let Ok(df) = secchain_dockerfile::parse(&src) else {
            continue;
        };
        for from in df.instructions.iter().filter_map(|i| i.as_from()) {
            let image = &from.image;
            if let (Some(tag), Some(range)) = (&image.tag, &image.tag_range) {
                assert_eq!(src.get(range.clone()), Some(tag.as_str()), "{name}: tag");
                ranges += 1;
            }
            if let (Some(digest), Some(range)) = (&image.digest, &image.digest_range) {
                assert_eq!(
                    src.get(range.clone()),
                    Some(digest.as_str()),
                    "{name}: digest"
                );
                ranges += 1;
            }
        }
    }
    assert!(ranges >= 2, "the plain FROM keeps its ranges");
}
