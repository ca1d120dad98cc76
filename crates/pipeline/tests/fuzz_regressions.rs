//! Inputs the `pipeline_yaml` fuzz target found (files in
//! `tests/fuzz-regressions/pipeline_yaml/`): each must keep the target's invariants.

use std::path::Path;

use secchain_pipeline::{load_text, LoadOptions, StageRegistry};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    secchain_test::fuzz_regressions(env!("CARGO_MANIFEST_DIR"), target)
}

fn rendered_error(text: &str) -> String {
    let registry = StageRegistry::new(Vec::new());
    let env = |_: &str| None;
    let opts = LoadOptions {
        registry: &registry,
        env: &env,
        fetch: None,
        check_files: false,
        image: None,
    };
    load_text(Path::new("/nonexistent/pipeline.yaml"), text, &opts)
        .expect_err("the input is not a valid pipeline")
        .render()
}

/// Files with lone `\r` line breaks (YAML counts them as lines) get the right
/// source line quoted under a diagnostic.
#[test]
fn diagnostics_quote_the_line_they_point_at() {
    for (name, bytes) in inputs("pipeline_yaml") {
        let text = String::from_utf8(bytes).unwrap();
        let rendered = rendered_error(&text);
        assert!(
            rendered.contains(" | "),
            "{name}: no source line in {rendered}"
        );
    }
    let rendered = rendered_error("stages:\r  - kind: lint\r    bad: [\r");
    assert!(
        rendered.contains(" 3 |     bad: ["),
        "the third (CR-separated) line is quoted: {rendered}"
    );
}
