//! Helpers shared by the fuzz targets: run the package catalogue on one file
//! and check the invariants every catalogued package must keep.

use secchain_sbom::purl::Purl;
use secchain_sbom::{catalog, CatalogOptions, Inventory, MemTree};

/// Largest file the catalogue targets accept (libFuzzer inputs are small anyway).
const MAX_FILE: u64 = 1 << 20;

/// Catalogues an image tree holding only `data` at `path` (file mode `mode`),
/// with the same code path a real image takes, and checks its invariants.
pub fn catalog_one(path: &str, data: &[u8], mode: u32) -> Inventory {
    let tree = MemTree::new().file_with(path, data.to_vec(), mode, None);
    let opts = CatalogOptions {
        max_metadata_size: MAX_FILE,
        max_binary_size: MAX_FILE,
        ..CatalogOptions::default()
    };
    let inv = catalog(&tree, &opts);
    check_inventory(&inv);
    inv
}

/// Every package has a name, and its purl parses back to the same canonical form.
pub fn check_inventory(inv: &Inventory) {
    for p in &inv.packages {
        assert!(!p.name.is_empty(), "package without a name: {p:?}");
        let purl = p.purl();
        let parsed = Purl::parse(&purl).unwrap_or_else(|| panic!("unparsable purl {purl:?}"));
        let again = Purl::parse(&parsed.render())
            .unwrap_or_else(|| panic!("unparsable rendered purl of {purl:?}"));
        assert_eq!(parsed, again, "purl {purl:?} does not round-trip");
    }
}

/// Input as text the way the catalogue decodes files (lossy UTF-8).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
