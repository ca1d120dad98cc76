//! The inputs fuzzing found, kept as regression tests.

use std::path::Path;

/// The files of `<manifest_dir>/tests/fuzz-regressions/<target>/`, sorted, as
/// (path shown in messages, bytes). Pass `env!("CARGO_MANIFEST_DIR")`. Panics when
/// the directory is missing or empty: a regression test never passes on nothing.
pub fn fuzz_regressions(manifest_dir: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(manifest_dir)
        .join("tests/fuzz-regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}
