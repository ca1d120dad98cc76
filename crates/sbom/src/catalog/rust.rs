//! Rust binaries built with cargo-auditable: the zlib-compressed JSON
//! dependency list in the `.dep-v0` ELF section.

use crate::inventory::{FoundBy, Package, PackageType};
use serde::Deserialize;
use std::io::Read;

#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    dependencies: Vec<usize>,
}

/// The ELF section cargo-auditable writes.
pub(crate) const SECTION: &str = ".dep-v0";

/// Packages from a cargo-auditable binary; `Ok(None)` when it has no `.dep-v0` section.
pub fn parse_auditable(data: &[u8]) -> Result<Option<Vec<Package>>, String> {
    let Some(sec) = super::elf::section(data, SECTION) else {
        return Ok(None);
    };
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(sec)
        .take(8 << 20)
        .read_to_end(&mut json)
        .map_err(|e| format!("bad zlib data: {e}"))?;
    let info: VersionInfo = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    let names: Vec<String> = info.packages.iter().map(|p| p.name.clone()).collect();
    Ok(Some(
        info.packages
            .into_iter()
            .filter(|p| p.kind != "build")
            .map(|a| {
                let mut p = Package::new(PackageType::RustCrate, a.name, a.version);
                p.found_by = FoundBy::Binary;
                if !a.source.is_empty() && a.source != "crates.io" {
                    p.extra.push(("source".into(), a.source));
                }
                p.depends_on = a
                    .dependencies
                    .iter()
                    .filter_map(|&i| names.get(i).cloned())
                    .collect();
                p
            })
            .collect(),
    ))
}
