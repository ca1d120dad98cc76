//! Installed Python distributions: `*.dist-info/METADATA`,
//! `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO` and single-file `*.egg-info`.
//! Names are normalised per PEP 503.

use super::text::{decode, field, fields, headers};
use super::{file_name, parent, Cataloger, Ctx};
use crate::inventory::{Package, PackageType};
use crate::tree::{EntryKind, FileEntry};

/// The installed Python package cataloger.
pub struct Python;

impl Cataloger for Python {
    fn select(&self, e: &FileEntry) -> bool {
        let name = file_name(&e.path);
        let dir = file_name(parent(&e.path)).to_ascii_lowercase();
        (name == "METADATA" && dir.ends_with(".dist-info"))
            || (name == "PKG-INFO" && (dir.ends_with(".egg-info") || dir == "egg-info"))
            || (e.kind == EntryKind::File && name.ends_with(".egg-info"))
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        match parse_metadata(&decode(data)) {
            Some(p) => ctx.add(p, path),
            None => ctx.note(path, "skipped: Python metadata without Name/Version"),
        }
    }
}

/// PEP 503 name normalisation: lowercase, runs of `-`, `_`, `.` become `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Parse core metadata (METADATA / PKG-INFO).
pub fn parse_metadata(text: &str) -> Option<Package> {
    let h = headers(text);
    let name = field(&h, "Name")?;
    let version = field(&h, "Version")?;
    let mut p = Package::new(PackageType::Python, normalize_name(name), version.trim());
    p.licenses = licenses(&h);
    p.depends_on = fields(&h, "Requires-Dist")
        .into_iter()
        .filter(|r| !r.contains("extra =="))
        .filter_map(requirement_name)
        .collect();
    Some(p)
}

fn licenses(h: &[(String, String)]) -> Vec<String> {
    if let Some(e) = field(h, "License-Expression") {
        return vec![e.to_owned()];
    }
    if let Some(l) = field(h, "License") {
        if !l.contains('\n') && l.len() <= 100 && !l.eq_ignore_ascii_case("UNKNOWN") {
            return vec![l.to_owned()];
        }
    }
    fields(h, "Classifier")
        .into_iter()
        .filter(|c| c.starts_with("License ::"))
        .filter_map(|c| c.rsplit("::").next().map(|s| s.trim().to_owned()))
        .filter(|l| l != "OSI Approved")
        .collect()
}

/// Normalised distribution name of a PEP 508 requirement (`requests[socks]>=2; …`).
pub fn requirement_name(req: &str) -> Option<String> {
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let n = req[..end].trim();
    (!n.is_empty()).then(|| normalize_name(n))
}
