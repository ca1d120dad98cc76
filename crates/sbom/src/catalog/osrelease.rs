//! Distribution detection: `/etc/os-release` (and `/usr/lib/os-release`),
//! with `/etc/lsb-release`, `/etc/alpine-release`, `/etc/debian_version` and
//! `/etc/redhat-release` as fallbacks.

use super::text::{decode, unquote};
use super::{Cataloger, Ctx};
use crate::inventory::Distro;
use crate::tree::FileEntry;

const FILES: [&str; 6] = [
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/lsb-release",
    "/etc/alpine-release",
    "/etc/debian_version",
    "/etc/redhat-release",
];

/// The distribution "cataloger": collects release files.
pub struct OsRelease;

impl Cataloger for OsRelease {
    fn select(&self, e: &FileEntry) -> bool {
        FILES.contains(&e.path.as_str())
    }

    fn follow_symlinks(&self) -> bool {
        true
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        ctx.os_release.insert(path.to_owned(), data.to_vec());
    }
}

/// Parse os-release `KEY=value` text.
pub fn parse_os_release(text: &str) -> Option<Distro> {
    let mut d = Distro::default();
    for line in text.lines() {
        let Some((k, v)) = line.trim().split_once('=') else {
            continue;
        };
        let v = unquote(v).to_owned();
        match k.trim() {
            "ID" => d.id = v.to_ascii_lowercase(),
            "VERSION_ID" => d.version_id = Some(v).filter(|s| !s.is_empty()),
            "VERSION_CODENAME" => d.codename = Some(v).filter(|s| !s.is_empty()),
            "PRETTY_NAME" => d.pretty_name = Some(v).filter(|s| !s.is_empty()),
            "ID_LIKE" => d.id_like = v.split_whitespace().map(str::to_owned).collect(),
            _ => {}
        }
    }
    (!d.id.is_empty()).then_some(d)
}

fn parse_lsb(text: &str) -> Option<Distro> {
    let mut d = Distro::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = unquote(v).to_owned();
        match k.trim() {
            "DISTRIB_ID" => d.id = v.to_ascii_lowercase(),
            "DISTRIB_RELEASE" => d.version_id = Some(v),
            "DISTRIB_CODENAME" => d.codename = Some(v),
            "DISTRIB_DESCRIPTION" => d.pretty_name = Some(v),
            _ => {}
        }
    }
    (!d.id.is_empty()).then_some(d)
}

/// Decide the distribution from the release files read during the pass.
pub(crate) fn resolve(ctx: &mut Ctx<'_>) {
    let get = |p: &str| ctx.os_release.get(p).map(|b| decode(b));
    let mut distro = get("/etc/os-release")
        .and_then(|t| parse_os_release(&t))
        .or_else(|| get("/usr/lib/os-release").and_then(|t| parse_os_release(&t)))
        .or_else(|| get("/etc/lsb-release").and_then(|t| parse_lsb(&t)));
    if distro.is_none() {
        if let Some(v) = get("/etc/alpine-release") {
            distro = Some(Distro {
                id: "alpine".into(),
                version_id: Some(v.trim().to_owned()),
                ..Distro::default()
            });
        } else if let Some(v) = get("/etc/debian_version") {
            let v = v.trim();
            let major = v.split('.').next().unwrap_or(v);
            distro = Some(Distro {
                id: "debian".into(),
                version_id: major
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    .then(|| major.to_owned()),
                codename: v
                    .split('/')
                    .next()
                    .filter(|c| c.chars().all(char::is_alphabetic))
                    .map(str::to_owned),
                ..Distro::default()
            });
        } else if let Some(v) = get("/etc/redhat-release") {
            let version = v
                .split_whitespace()
                .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
                .map(|w| w.split('.').next().unwrap_or(w).to_owned());
            distro = Some(Distro {
                id: if v.to_ascii_lowercase().contains("centos") {
                    "centos"
                } else {
                    "rhel"
                }
                .into(),
                version_id: version,
                pretty_name: Some(v.trim().to_owned()),
                ..Distro::default()
            });
        }
    }
    // Debian testing/sid has no VERSION_ID: keep the codename, which the
    // qualifier falls back to.
    ctx.inv.distro = distro;
}
