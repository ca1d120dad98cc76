//! The packages the scan stage matches: from the subject image's inventory, or from an
//! existing CycloneDX SBOM (`with.sbom`, `secchain scan --sbom`).

use std::path::Path;
use std::sync::Arc;

use secchain_pipeline::{StageContext, StageError};
use secchain_sbom::{Inventory, PackageType};

use crate::matching::{Distro, ScanInventory, ScanPackage};

/// The run's [`ScanInventory`]: a fact a caller provided, else the subject image's
/// catalogue (computed once per run and shared with the sbom stage).
pub async fn image_scan_inventory(ctx: &StageContext) -> Result<Arc<ScanInventory>, StageError> {
    ctx.facts
        .get_or_try_init(|| async {
            let inventory = secchain_image::inventory(ctx).await?;
            Ok(convert(&inventory.0))
        })
        .await
}

/// The inventory of a CycloneDX SBOM file.
pub fn sbom_scan_inventory(path: &Path) -> Result<ScanInventory, StageError> {
    let bytes = std::fs::read(path)
        .map_err(|e| StageError::Config(format!("cannot read the SBOM {}: {e}", path.display())))?;
    let inventory = secchain_sbom::cyclonedx::parse(&bytes).map_err(|e| {
        StageError::Config(format!(
            "{} is not a CycloneDX JSON SBOM secchain can read: {e}",
            path.display()
        ))
    })?;
    Ok(convert(&inventory))
}

/// Converts the catalogue's packages into what advisories are matched against.
pub fn convert(inventory: &Inventory) -> ScanInventory {
    let distro = inventory
        .distro
        .as_ref()
        .map(|d| Distro {
            id: d.id.clone(),
            version_id: d.version_id.clone().unwrap_or_default(),
        })
        .unwrap_or_default();
    let packages = inventory
        .packages
        .iter()
        .map(|p| {
            // OSV's Go ranges are written without the `v` prefix modules carry.
            let version = match p.ptype {
                PackageType::GoModule => p
                    .version
                    .strip_prefix('v')
                    .unwrap_or(&p.version)
                    .to_string(),
                _ => p.version.clone(),
            };
            let location = p.locations.first();
            ScanPackage {
                ecosystem: p.ecosystem().to_string(),
                name: p.full_name(),
                version,
                source_name: p.source.as_ref().map(|s| s.name.clone()),
                source_version: p.source.as_ref().map(|s| s.version.clone()),
                purl: Some(p.purl()),
                layer: location
                    .and_then(|l| l.layer.as_ref())
                    .and_then(|l| l.digest.clone()),
                path: location.map(|l| l.path.clone()),
            }
        })
        .collect();
    ScanInventory { distro, packages }
}
