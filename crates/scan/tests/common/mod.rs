//! Shared test helpers: a database built from the OSV fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use secchain_scan::db::import::import;
use secchain_scan::{Database, ImportSource, ScanPackage};

/// The fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A database with every fixture advisory, the CVE record used for enrichment, KEV and EPSS.
pub fn fixture_db(dir: &Path) -> Database {
    let db = dir.join("vuln.db");
    import(
        &db,
        &[
            ImportSource::local(&fixtures().join("osv")),
            ImportSource::local(&fixtures().join("enrich")),
        ],
        &mut |_| {},
    )
    .expect("fixtures import");
    Database::open(&db).expect("open")
}

/// A language package.
pub fn pkg(ecosystem: &str, name: &str, version: &str) -> ScanPackage {
    ScanPackage {
        ecosystem: ecosystem.into(),
        name: name.into(),
        version: version.into(),
        ..ScanPackage::default()
    }
}

/// A Debian package built from `source` at the same version.
pub fn deb(name: &str, version: &str, source: &str) -> ScanPackage {
    ScanPackage {
        source_name: Some(source.into()),
        source_version: Some(version.into()),
        ..pkg("Debian", name, version)
    }
}
