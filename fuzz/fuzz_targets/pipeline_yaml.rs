//! The pipeline YAML loader: spanned YAML parsing, `extends`, interpolation,
//! the typed model and every stage's config validation.
//!
//! Invariants: a rejected pipeline has at least one diagnostic, positions in
//! the fuzzed file lie inside its text, and the value of a secret-looking
//! variable never shows in the rendered errors.
#![no_main]
use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use secchain_pipeline::{load_text, LoadOptions, StageRegistry};

const SECRET: &str = "s3cr3t-t0ken";

fn registry() -> StageRegistry {
    StageRegistry::new(vec![
        Arc::new(secchain_lint::LintStage),
        Arc::new(secchain_scan::ScanStage::default()),
        Arc::new(secchain_image::SbomStage),
        Arc::new(secchain_sign::SignStage),
        Arc::new(secchain_runtime_rules::RuntimeRulesStage),
    ])
}

fn env(name: &str) -> Option<String> {
    match name {
        "TAG" => Some("1.0".into()),
        "REGISTRY_TOKEN" => Some(SECRET.into()),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let registry = registry();
    let opts = LoadOptions {
        registry: &registry,
        env: &env,
        fetch: None,
        check_files: false,
        image: None,
    };
    let name = Path::new("/nonexistent/secchain-fuzz/pipeline.yaml");
    let Err(err) = load_text(name, text, &opts) else {
        return;
    };
    assert!(!err.diagnostics.is_empty(), "an error without a diagnostic");
    // YAML counts `\n`, `\r\n` and a lone `\r` as line breaks.
    let lines = text.replace("\r\n", "\n").replace('\r', "\n").lines().count().max(1) as u32 + 1;
    for d in &err.diagnostics {
        if let Some(pos) = d.pos.filter(|p| p.file == 0) {
            assert!(
                pos.line >= 1 && pos.line <= lines,
                "{}: line {} outside the {lines}-line file",
                d.code,
                pos.line
            );
        }
    }
    let rendered = err.render();
    if !text.contains(SECRET) {
        assert!(!rendered.contains(SECRET), "a secret leaked into: {rendered}");
    }
});
