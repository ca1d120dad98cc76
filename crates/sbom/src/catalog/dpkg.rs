//! Debian packages: `/var/lib/dpkg/status`, distroless `/var/lib/dpkg/status.d/*`,
//! licenses from `/usr/share/doc/<pkg>/copyright` (DEP-5 `License:` fields).

use super::bounds::MAX_LIST;
use super::text::{decode, field, stanzas};
use super::{Cataloger, Ctx};
use crate::inventory::{Package, PackageType, SourcePackage};
use crate::tree::FileEntry;

/// The dpkg database cataloger.
pub struct Dpkg;

fn is_status_d(path: &str) -> bool {
    path.strip_prefix("/var/lib/dpkg/status.d/")
        .is_some_and(|n| !n.contains('/') && !n.ends_with(".md5sums"))
}

fn is_copyright(path: &str) -> bool {
    path.strip_prefix("/usr/share/doc/")
        .and_then(|r| r.strip_suffix("/copyright"))
        .is_some_and(|n| !n.contains('/'))
}

impl Cataloger for Dpkg {
    fn select(&self, e: &FileEntry) -> bool {
        e.path == "/var/lib/dpkg/status" || is_status_d(&e.path) || is_copyright(&e.path)
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        let text = decode(data);
        if is_copyright(path) {
            let pkg = path
                .trim_start_matches("/usr/share/doc/")
                .trim_end_matches("/copyright");
            let lic = copyright_licenses(&text);
            ctx.deb_copyright.insert(pkg.to_owned(), lic);
            return;
        }
        for st in stanzas(&text) {
            if let Some(p) = parse_stanza(&st) {
                if ctx.bounds.full(path) {
                    // One more, so the bound notes the rest as skipped.
                    ctx.add(p, path);
                    break;
                }
                let layer = info_layer(ctx, &p).or_else(|| ctx.layer(path));
                ctx.add(p.at(path, layer), path);
            }
        }
    }
}

/// Layer of `/var/lib/dpkg/info/<name>[:<arch>].list`: the layer that installed the package.
fn info_layer(ctx: &Ctx<'_>, p: &Package) -> Option<crate::tree::LayerRef> {
    let arch = p.arch.as_deref().unwrap_or("");
    [
        format!("/var/lib/dpkg/info/{}.list", p.name),
        format!("/var/lib/dpkg/info/{}:{arch}.list", p.name),
    ]
    .iter()
    .find_map(|f| ctx.layer(f))
}

/// Parse one status stanza into a package (None if not installed).
pub fn parse_stanza(st: &[(String, String)]) -> Option<Package> {
    let name = field(st, "Package")?;
    let version = field(st, "Version")?;
    if let Some(status) = field(st, "Status") {
        if status.split_whitespace().last() != Some("installed") {
            return None;
        }
    }
    let mut p = Package::new(PackageType::Deb, name, version);
    p.arch = field(st, "Architecture").map(str::to_owned);
    let (sname, sversion) = match field(st, "Source") {
        Some(src) => match src.split_once(' ') {
            Some((n, v)) => (n.to_owned(), v.trim().trim_matches(['(', ')']).to_owned()),
            None => (src.to_owned(), version.to_owned()),
        },
        None => (name.to_owned(), version.to_owned()),
    };
    p.source = Some(SourcePackage {
        name: sname,
        version: sversion,
    });
    for f in ["Depends", "Pre-Depends"] {
        if let Some(deps) = field(st, f) {
            p.depends_on.extend(parse_depends(deps));
        }
    }
    Some(p)
}

/// Package names from a Depends field (all alternatives, arch qualifiers
/// dropped); at most one more than [`MAX_LIST`], so an absurd field stays
/// cheap and the catalogue still notes the cut.
pub fn parse_depends(deps: &str) -> Vec<String> {
    deps.split([',', '|'])
        .filter_map(|d| d.split_whitespace().next())
        .map(|d| d.split(':').next().unwrap_or(d).to_owned())
        .filter(|d| !d.is_empty())
        .take(MAX_LIST + 1)
        .collect()
}

/// `License:` short names from a DEP-5 copyright file.
pub fn copyright_licenses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("License:") {
            let v = v.trim();
            if !v.is_empty() && v.len() < 100 && !out.iter().any(|x| x == v) {
                out.push(v.to_owned());
            }
        }
    }
    out
}

/// Attach copyright licenses to deb packages (called after the pass).
pub(crate) fn attach_licenses(ctx: &mut Ctx<'_>) {
    for p in &mut ctx.inv.packages {
        if p.ptype != PackageType::Deb || !p.licenses.is_empty() {
            continue;
        }
        if let Some(l) = ctx.deb_copyright.get(&p.name) {
            p.licenses.clone_from(l);
        }
    }
}
