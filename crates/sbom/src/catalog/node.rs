//! Installed npm packages: `node_modules/<name>/package.json` and
//! `node_modules/@scope/<name>/package.json`.

use super::{file_name, Cataloger, Ctx};
use crate::inventory::{Package, PackageType};
use crate::tree::FileEntry;
use serde_json::Value;

/// The installed npm package cataloger.
pub struct Node;

/// True for `…/node_modules/<name>/package.json` or `…/node_modules/@scope/<name>/package.json`.
pub fn is_installed_manifest(path: &str) -> bool {
    if file_name(path) != "package.json" {
        return false;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    (n >= 3 && parts[n - 3] == "node_modules" && !parts[n - 2].starts_with('@'))
        || (n >= 4 && parts[n - 4] == "node_modules" && parts[n - 3].starts_with('@'))
}

impl Cataloger for Node {
    fn select(&self, e: &FileEntry) -> bool {
        is_installed_manifest(&e.path)
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        let v: Value = match serde_json::from_slice(data) {
            Ok(v) => v,
            Err(e) => return ctx.note(path, format!("skipped: invalid package.json: {e}")),
        };
        if let Some(p) = parse_manifest(&v) {
            ctx.add(p, path);
        }
    }
}

/// Package from a parsed package.json (None without name or version).
pub fn parse_manifest(v: &Value) -> Option<Package> {
    let name = v.get("name")?.as_str()?.trim();
    let version = v.get("version")?.as_str()?.trim();
    if name.is_empty() || version.is_empty() {
        return None;
    }
    let mut p = Package::new(PackageType::Npm, name, version);
    p.licenses = licenses(v);
    if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        p.depends_on = deps.keys().cloned().collect();
    }
    Some(p)
}

/// `license` (string or `{type}`) or legacy `licenses` array.
pub fn licenses(v: &Value) -> Vec<String> {
    let one = |l: &Value| match l {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("type").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    if let Some(l) = v.get("license").and_then(one) {
        return vec![l];
    }
    v.get("licenses")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(one).collect())
        .unwrap_or_default()
}
