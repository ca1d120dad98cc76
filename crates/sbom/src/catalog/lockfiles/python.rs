//! Python lock files (and the TOML `[[package]]` reader shared with Cargo.lock).

use crate::catalog::python::normalize_name;
use crate::catalog::text::unquote;
use crate::inventory::{Package, PackageType};

/// Packages from the `[[table]]` arrays of a TOML lock file (Cargo.lock,
/// poetry.lock, uv.lock, pylock.toml): reads each table's top-level `name`
/// and `version` keys.
pub(super) fn toml_packages(text: &str, table: &str, ptype: PackageType) -> Vec<Package> {
    let header = format!("[[{table}]]");
    let mut out = Vec::new();
    let mut cur: Option<(Option<String>, Option<String>)> = None;
    let mut flush = |cur: &mut Option<(Option<String>, Option<String>)>| {
        if let Some((Some(n), Some(v))) = cur.take() {
            let n = if ptype == PackageType::Python {
                normalize_name(&n)
            } else {
                n
            };
            out.push(Package::new(ptype, n, v));
        }
    };
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            flush(&mut cur);
            if l == header {
                cur = Some((None, None));
            }
            continue;
        }
        let Some(c) = cur.as_mut() else { continue };
        if let Some((k, v)) = l.split_once('=') {
            let v = unquote(v.trim());
            match k.trim() {
                "name" if c.0.is_none() => c.0 = Some(v.to_owned()),
                "version" if c.1.is_none() => c.1 = Some(v.to_owned()),
                _ => {}
            }
        }
    }
    flush(&mut cur);
    out
}

/// `Pipfile.lock`: `default` and `develop` maps of `{"version": "==1.2"}`.
pub(super) fn pipfile(text: &str) -> Result<Vec<Package>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for section in ["default", "develop"] {
        let Some(m) = v.get(section).and_then(|s| s.as_object()) else {
            continue;
        };
        for (name, spec) in m {
            if let Some(ver) = spec.get("version").and_then(|x| x.as_str()) {
                let ver = ver.trim_start_matches("==").trim();
                out.push(Package::new(PackageType::Python, normalize_name(name), ver));
            }
        }
    }
    Ok(out)
}

/// `requirements*.txt`: only exactly pinned (`==` / `===`) requirements.
pub(super) fn requirements(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    let joined = text.replace("\\\n", " ");
    for line in joined.lines() {
        let line = line.split(" #").next().unwrap_or(line);
        let line = line.split(';').next().unwrap_or(line).trim();
        if line.is_empty() || line.starts_with(['#', '-']) || line.contains("://") {
            continue;
        }
        let Some((name, rest)) = line.split_once("==") else {
            continue;
        };
        let version = rest
            .trim_start_matches('=')
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(',');
        let name = name.split('[').next().unwrap_or(name).trim();
        if name.is_empty() || version.is_empty() || version.contains(['*', ',', '<', '>']) {
            continue;
        }
        out.push(Package::new(
            PackageType::Python,
            normalize_name(name),
            version,
        ));
    }
    out
}
