//! Installed Ruby gems: `specifications/*.gemspec` files.

use super::text::{decode, unquote};
use super::{file_name, parent, Cataloger, Ctx};
use crate::inventory::{Package, PackageType};
use crate::tree::FileEntry;

/// The gemspec cataloger.
pub struct Ruby;

impl Cataloger for Ruby {
    fn select(&self, e: &FileEntry) -> bool {
        e.path.ends_with(".gemspec") && file_name(parent(&e.path)) == "specifications"
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        match parse_gemspec(&decode(data)) {
            Some(p) => ctx.add(p, path),
            None => ctx.note(path, "skipped: gemspec without name/version"),
        }
    }
}

/// Parse the `s.name = "…"`, `s.version = "…"`, `s.licenses = […]` lines of a gemspec.
pub fn parse_gemspec(text: &str) -> Option<Package> {
    let (mut name, mut version, mut licenses) = (None, None, Vec::new());
    for line in text.lines() {
        let l = line.trim();
        let Some((lhs, rhs)) = l.split_once('=') else {
            continue;
        };
        let key = lhs.trim().rsplit('.').next().unwrap_or("");
        let rhs = rhs.trim().trim_end_matches(".freeze");
        match key {
            "name" if name.is_none() => name = Some(unquote(rhs).to_owned()),
            "version" if version.is_none() => {
                // `s.version = "1.2.3"` or `Gem::Version.new("1.2.3")`
                let v = rhs.rsplit('(').next().unwrap_or(rhs).trim_end_matches(')');
                version = Some(unquote(v).to_owned());
            }
            "licenses" | "license" => {
                licenses = rhs
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|s| unquote(s.trim().trim_end_matches(".freeze")).to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            _ => {}
        }
    }
    let mut p = Package::new(PackageType::Gem, name?, version?);
    p.licenses = licenses;
    Some(p)
}
