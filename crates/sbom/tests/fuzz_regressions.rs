//! Inputs the `go_buildinfo` fuzz target found (files in
//! `tests/fuzz-regressions/go_buildinfo/`): each must keep the target's invariants.

use secchain_sbom::catalog::golang::{parse_buildinfo, parse_modinfo};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
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

/// Build info with an empty `path` (or module path) yields no nameless package.
#[test]
fn go_build_info_never_yields_a_nameless_package() {
    for (name, bytes) in inputs("go_buildinfo") {
        let pkgs = parse_buildinfo(&bytes)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap_or_else(|| panic!("{name}: no build info found"));
        assert!(pkgs.iter().all(|p| !p.name.is_empty()), "{name}: {pkgs:?}");
    }
    let pkgs = parse_modinfo(
        "path\t\nmod\t\tv1.0.0\ndep\tgolang.org/x/sys\tv0.1.0\n=>\t\tv0.2.0\ndep\tb\tv1\n",
        "go1.22.0",
    );
    let names: Vec<&str> = pkgs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["golang.org/x/sys", "b", "stdlib"]);
}
