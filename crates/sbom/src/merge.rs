//! Multi-platform images: merge the per-platform inventories of an index into
//! one whose packages say which platforms contain them.

use crate::inventory::{Inventory, Note, Package};
use std::collections::BTreeMap;

/// Merge per-platform inventories (`(platform, inventory)`, platform like
/// `linux/amd64`) into the index's inventory. Packages identical across
/// platforms (same type, name, version, arch) become one package listing
/// every platform in [`Package::platforms`]; notes are prefixed with their
/// platform. The distro is kept when all platforms agree.
pub fn merge_platforms(per_platform: &[(String, Inventory)]) -> Inventory {
    let mut merged: BTreeMap<(crate::PackageType, String, String, String), Package> =
        BTreeMap::new();
    let mut out = Inventory::default();
    let mut distros = Vec::new();
    for (platform, inv) in per_platform {
        distros.push(inv.distro.clone());
        for p in &inv.packages {
            let entry = merged.entry(p.key()).or_insert_with(|| {
                let mut q = p.clone();
                q.platforms.clear();
                q
            });
            entry.platforms.push(platform.clone());
            for l in &p.locations {
                if !entry.locations.contains(l) {
                    entry.locations.push(l.clone());
                }
            }
        }
        for n in &inv.notes {
            out.notes.push(Note {
                path: n.path.clone(),
                message: format!("[{platform}] {}", n.message),
            });
        }
    }
    if let Some(first) = distros.first() {
        if distros.iter().all(|d| d == first) {
            out.distro.clone_from(first);
        }
    }
    if let Some((_, first)) = per_platform.first() {
        out.base = first.base;
    }
    out.packages = merged.into_values().collect();
    out.sort();
    out
}
