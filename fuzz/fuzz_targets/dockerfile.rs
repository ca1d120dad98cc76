//! The Dockerfile parser, then everything built on it: stages, ARG expansion,
//! RUN scripts and the lint rules.
//!
//! Invariants: parsing is lossless, every span lies inside the source on
//! character boundaries, and a FROM image's tag/digest ranges cover exactly
//! the tag/digest text (the pin stage rewrites those bytes).
#![no_main]
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use secchain_dockerfile::Span;

fn check_span(src: &str, span: &Span, what: &str) {
    assert!(
        span.start <= span.end && src.get(span.range()).is_some(),
        "{what} span {:?} outside the source ({} bytes)",
        span.range(),
        src.len()
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(df) = secchain_dockerfile::parse(src) {
        assert_eq!(df.source(), src, "the parser is not lossless");
        for ins in &df.instructions {
            check_span(src, &ins.span, "instruction");
            check_span(src, &ins.keyword.span, "keyword");
            check_span(src, &ins.args.span, "arguments");
            for f in &ins.flags {
                check_span(src, &f.span, "flag");
            }
            if let Some(from) = ins.as_from() {
                let image = &from.image;
                if let (Some(tag), Some(range)) = (&image.tag, &image.tag_range) {
                    assert_eq!(src.get(range.clone()), Some(tag.as_str()), "tag range");
                }
                if let (Some(digest), Some(range)) = (&image.digest, &image.digest_range) {
                    assert_eq!(src.get(range.clone()), Some(digest.as_str()), "digest range");
                }
                let _ = df.resolved_image(from, &BTreeMap::new());
            }
            if let Some(script) = df.run_script(ins) {
                for c in &script.commands {
                    assert!(src.get(c.range.clone()).is_some(), "RUN command range");
                }
            }
        }
        let _ = df.stages();
        let _ = df.global_args();
    }
    let config = secchain_lint::LintConfig::default();
    let _ = secchain_lint::lint_source("Dockerfile", src, &config);
});
