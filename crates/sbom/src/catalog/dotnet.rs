//! .NET dependencies: `*.deps.json` files (`libraries` of type `package`).

use super::{Cataloger, Ctx};
use crate::inventory::{Package, PackageType};
use crate::tree::FileEntry;
use serde_json::Value;

/// The `.deps.json` cataloger.
pub struct DotNet;

impl Cataloger for DotNet {
    fn select(&self, e: &FileEntry) -> bool {
        e.path.ends_with(".deps.json")
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        let v: Value = match serde_json::from_slice(data) {
            Ok(v) => v,
            Err(e) => return ctx.note(path, format!("skipped: invalid deps.json: {e}")),
        };
        let Some(libs) = v.get("libraries").and_then(Value::as_object) else {
            return;
        };
        for (key, meta) in libs {
            if meta.get("type").and_then(Value::as_str) != Some("package") {
                continue;
            }
            if let Some((name, version)) = key.split_once('/') {
                ctx.add(Package::new(PackageType::Nuget, name, version), path);
            }
        }
    }
}
