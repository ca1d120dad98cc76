//! JavaScript lock files: `package-lock.json` (v1–v3), `yarn.lock` (classic
//! and berry), `pnpm-lock.yaml` (v5–v9).

use crate::catalog::node::licenses;
use crate::catalog::text::unquote;
use crate::inventory::{Package, PackageType};
use serde_json::Value;

/// `package-lock.json` / `npm-shrinkwrap.json`.
pub(super) fn package_lock(text: &str) -> Result<Vec<Package>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
        for (key, meta) in pkgs {
            // The root project ("") and symlinked workspace members are not dependencies.
            if key.is_empty() || meta.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            // npm never installs a package restricted to other operating systems (e.g.
            // the macOS-only `fsevents`), and images are Linux.
            if !installable_on_linux(meta) {
                continue;
            }
            let name = meta
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| key.rsplit("node_modules/").next().unwrap_or(key).to_owned());
            let Some(version) = meta.get("version").and_then(Value::as_str) else {
                continue;
            };
            let mut p = Package::new(PackageType::Npm, name, version);
            p.licenses = licenses(meta);
            if let Some(d) = meta.get("dependencies").and_then(Value::as_object) {
                p.depends_on = d.keys().cloned().collect();
            }
            out.push(p);
        }
        return Ok(out);
    }
    fn walk(deps: &serde_json::Map<String, Value>, out: &mut Vec<Package>, depth: usize) {
        for (name, meta) in deps {
            if let Some(version) = meta.get("version").and_then(Value::as_str) {
                if !version.starts_with("file:") {
                    out.push(Package::new(PackageType::Npm, name.clone(), version));
                }
            }
            if depth < 64 {
                if let Some(d) = meta.get("dependencies").and_then(Value::as_object) {
                    walk(d, out, depth + 1);
                }
            }
        }
    }
    if let Some(d) = v.get("dependencies").and_then(Value::as_object) {
        walk(d, &mut out, 0);
    }
    Ok(out)
}

/// Whether a `packages` entry's `os` restriction (`["darwin"]`, `["!win32"]`) allows Linux.
fn installable_on_linux(meta: &Value) -> bool {
    let Some(os) = meta.get("os").and_then(Value::as_array) else {
        return true;
    };
    let os: Vec<&str> = os.iter().filter_map(Value::as_str).collect();
    if os.contains(&"!linux") {
        return false;
    }
    let allowed: Vec<&&str> = os.iter().filter(|o| !o.starts_with('!')).collect();
    allowed.is_empty() || allowed.contains(&&"linux")
}

/// Name part of a `name@range` spec (`@scope/x@^1` -> `@scope/x`).
fn spec_name(spec: &str) -> &str {
    let s = unquote(spec.trim());
    match s[1.min(s.len())..].find('@') {
        Some(i) => &s[..i + 1],
        None => s,
    }
}

/// `yarn.lock`, classic (`version "1.2.3"`) and berry (`version: 1.2.3`).
pub(super) fn yarn(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    let mut name: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let head = line.trim_end_matches(':');
            let first = head.split(", ").next().unwrap_or(head);
            let n = spec_name(first);
            let workspace = first.contains("@workspace:") || first.contains("@link:");
            name = (!n.is_empty() && n != "__metadata" && !workspace).then(|| n.to_owned());
            continue;
        }
        let t = line.trim();
        if let Some(v) = t.strip_prefix("version") {
            if let Some(n) = name.take() {
                let v = unquote(v.trim_start_matches(':').trim());
                out.push(Package::new(PackageType::Npm, n, v));
            }
        }
    }
    out
}

/// `pnpm-lock.yaml`: the keys of the `packages:` map.
pub(super) fn pnpm(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    let mut in_packages = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        if !in_packages || !line.starts_with("  ") || line.starts_with("   ") {
            continue;
        }
        let key = unquote(line.trim().trim_end_matches(':'));
        let key = key.trim_start_matches('/');
        let key = key.split('(').next().unwrap_or(key);
        let (name, version) = if let Some(i) = key[1.min(key.len())..].find('@') {
            (&key[..i + 1], &key[i + 2..])
        } else if let Some(i) = key.rfind('/') {
            (&key[..i], &key[i + 1..])
        } else {
            continue;
        };
        let version = version.split('_').next().unwrap_or(version);
        if !name.is_empty() && !version.is_empty() {
            out.push(Package::new(PackageType::Npm, name, version));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_for_other_operating_systems_are_not_in_a_linux_image() {
        let lock = r#"{"lockfileVersion": 3, "packages": {
            "": {"name": "app", "version": "1.0.0"},
            "node_modules/fsevents": {"version": "2.3.3", "optional": true, "os": ["darwin"]},
            "node_modules/not-windows": {"version": "1.0.0", "os": ["!win32"]},
            "node_modules/linux-only": {"version": "1.0.0", "os": ["linux"]},
            "node_modules/never-linux": {"version": "1.0.0", "os": ["!linux"]},
            "node_modules/anywhere": {"version": "1.0.0"}
        }}"#;
        let names: Vec<String> = package_lock(lock)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["not-windows", "linux-only", "anywhere"]);
    }
}
