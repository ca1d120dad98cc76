//! Alpine packages: `/lib/apk/db/installed`.

use super::bounds::MAX_LIST;
use super::text::decode;
use super::{Cataloger, Ctx};
use crate::inventory::{Package, PackageType, SourcePackage};
use crate::tree::FileEntry;
use std::collections::HashMap;

/// The apk database cataloger.
pub struct Apk;

impl Cataloger for Apk {
    fn select(&self, e: &FileEntry) -> bool {
        e.path == "/lib/apk/db/installed"
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        for p in parse_installed(&decode(data), ctx.bounds.max_per_file()) {
            ctx.add(p, path);
        }
    }
}

/// Parse an apk `installed` database: at most one package more than `limit`
/// (so the catalogue can note the rest as skipped).
pub fn parse_installed(text: &str, limit: usize) -> Vec<Package> {
    let mut out = Vec::new();
    let mut provides: HashMap<String, String> = HashMap::new();
    let mut raw_deps: Vec<Vec<String>> = Vec::new();
    for rec in text.split("\n\n") {
        if out.len() > limit {
            break;
        }
        let mut p = Package::new(PackageType::Apk, "", "");
        let mut origin = None;
        let mut deps = Vec::new();
        for line in rec.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            match k {
                "P" => p.name = v.to_owned(),
                "V" => p.version = v.to_owned(),
                "A" => p.arch = Some(v.to_owned()),
                "L" => {
                    p.licenses = vec![v.to_owned()]
                        .into_iter()
                        .filter(|l| !l.is_empty())
                        .collect()
                }
                "o" => origin = Some(v.to_owned()),
                "D" => {
                    deps = v
                        .split_whitespace()
                        .map(dep_name)
                        .take(MAX_LIST + 1)
                        .collect()
                }
                "p" => {
                    for pr in v.split_whitespace() {
                        provides.insert(dep_name(pr), String::new());
                    }
                }
                _ => {}
            }
        }
        if p.name.is_empty() || p.version.is_empty() {
            continue;
        }
        for line in rec.lines() {
            if let Some(v) = line.strip_prefix("p:") {
                for pr in v.split_whitespace() {
                    provides.insert(dep_name(pr), p.name.clone());
                }
            }
        }
        p.source = Some(SourcePackage {
            name: origin.unwrap_or_else(|| p.name.clone()),
            version: p.version.clone(),
        });
        raw_deps.push(deps);
        out.push(p);
    }
    for (p, deps) in out.iter_mut().zip(raw_deps) {
        p.depends_on = deps
            .into_iter()
            .filter(|d| !d.starts_with('!'))
            .map(|d| {
                provides
                    .get(&d)
                    .filter(|n| !n.is_empty())
                    .cloned()
                    .unwrap_or(d)
            })
            .collect();
    }
    out
}

/// `so:libc.musl-x86_64.so.1=1` -> `so:libc.musl-x86_64.so.1`; `busybox>=1.36` -> `busybox`.
fn dep_name(d: &str) -> String {
    d.split(['=', '<', '>', '~']).next().unwrap_or(d).to_owned()
}
