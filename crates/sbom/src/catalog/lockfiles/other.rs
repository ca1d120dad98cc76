//! Other ecosystems' lock files: `composer.lock`, NuGet `packages.lock.json`,
//! `Gemfile.lock`, `go.mod` and `go.sum`.

use crate::inventory::{Package, PackageType};
use serde_json::Value;

/// Composer package from a `{name, version, license}` object (shared with `installed.json`).
pub(crate) fn composer_package(p: &Value) -> Option<Package> {
    let full = p.get("name")?.as_str()?;
    let version = p.get("version")?.as_str()?;
    let (ns, name) = full.split_once('/')?;
    let mut pkg = Package::new(PackageType::Composer, name.to_ascii_lowercase(), version);
    pkg.namespace = Some(ns.to_ascii_lowercase());
    pkg.licenses = p
        .get("license")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(req) = p.get("require").and_then(Value::as_object) {
        pkg.depends_on = req.keys().filter(|k| k.contains('/')).cloned().collect();
    }
    Some(pkg)
}

/// `composer.lock`: `packages` and `packages-dev`.
pub(super) fn composer_lock(text: &str) -> Result<Vec<Package>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(["packages", "packages-dev"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(composer_package)
        .collect())
}

/// NuGet `packages.lock.json`: `dependencies.<framework>.<Name>.resolved`.
pub(super) fn nuget_lock(text: &str) -> Result<Vec<Package>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for fw in v
        .get("dependencies")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
    {
        for (name, meta) in fw.as_object().into_iter().flatten() {
            if meta.get("type").and_then(Value::as_str) == Some("Project") {
                continue;
            }
            if let Some(r) = meta.get("resolved").and_then(Value::as_str) {
                out.push(Package::new(PackageType::Nuget, name.clone(), r));
            }
        }
    }
    Ok(out)
}

/// `Gemfile.lock`: the `specs:` entries (4-space indent) of `GEM` sections.
pub(super) fn gemfile_lock(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    let mut in_gem = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_gem = line.trim() == "GEM";
            continue;
        }
        if !in_gem || !line.starts_with("    ") || line.starts_with("     ") {
            continue;
        }
        let t = line.trim();
        if let Some((name, rest)) = t.split_once(" (") {
            let version = rest.trim_end_matches(')');
            // Platform-specific gems: `nokogiri (1.16.0-x86_64-linux)`.
            let version = version.split('-').next().unwrap_or(version);
            out.push(Package::new(PackageType::Gem, name, version));
        }
    }
    out
}

/// `go.mod`: `require` directives (single-line and blocks).
pub(super) fn go_mod(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let l = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if l == ")" {
                in_block = false;
                continue;
            }
            push_req(l, &mut out);
        } else if let Some(rest) = l.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
            } else {
                push_req(rest, &mut out);
            }
        }
    }
    out
}

fn push_req(l: &str, out: &mut Vec<Package>) {
    let mut it = l.split_whitespace();
    if let (Some(path), Some(ver)) = (it.next(), it.next()) {
        out.push(Package::new(PackageType::GoModule, path, ver));
    }
}

/// `go.sum` (used only without a sibling go.mod): module lines, not `/go.mod` ones.
pub(super) fn go_sum(text: &str) -> Vec<Package> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let (path, ver) = (it.next()?, it.next()?);
            (!ver.ends_with("/go.mod")).then(|| Package::new(PackageType::GoModule, path, ver))
        })
        .collect()
}
