//! Go build info embedded in executables.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(pkgs)) = secchain_sbom::catalog::golang::parse_buildinfo(data) {
        for p in &pkgs {
            assert!(!p.name.is_empty(), "Go package without a name: {p:?}");
        }
    }
    // The module-info text on its own, and through the catalogue as an executable.
    let text = secchain_fuzz::text(data);
    let _ = secchain_sbom::catalog::golang::parse_modinfo(&text, "go1.22.0");
    secchain_fuzz::catalog_one("/usr/local/bin/app", data, 0o755);
});
