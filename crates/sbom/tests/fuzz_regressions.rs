//! Inputs the fuzz targets found (files in `tests/fuzz-regressions/<target>/`):
//! each must keep its target's invariants.

use secchain_sbom::catalog::golang::{parse_buildinfo, parse_modinfo};
use secchain_sbom::{catalog, CatalogOptions, MemTree};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    secchain_test::fuzz_regressions(env!("CARGO_MANIFEST_DIR"), target)
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

/// SQLite records whose declared column sizes overflow are refused (they used to
/// overflow the offset arithmetic); the first byte picks the database, as in `rpm_db`.
#[test]
fn rpm_databases_with_huge_record_sizes_are_skipped() {
    for (name, bytes) in inputs("rpm_db") {
        let (first, body) = bytes.split_first().unwrap();
        let path = if first & 1 == 1 {
            "/var/lib/rpm/Packages"
        } else {
            "/var/lib/rpm/rpmdb.sqlite"
        };
        let tree = MemTree::new().file(path, body.to_vec());
        let inv = catalog(&tree, &CatalogOptions::default());
        assert!(inv.packages.iter().all(|p| !p.name.is_empty()), "{name}");
    }
}
