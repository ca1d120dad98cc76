//! RPM packages: the SQLite `rpmdb.sqlite` and the Berkeley DB hash
//! `Packages` database. The ndb `Packages.db` format is reported as an
//! "unsupported rpm database" note.

mod bdb;
mod header;

use super::sqlite::{Db, Value};
use super::{file_name, Cataloger, Ctx};
use crate::inventory::{Package, PackageType, SourcePackage};
use crate::tree::FileEntry;

pub use header::parse_header;

const DIRS: [&str; 2] = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];

/// The rpm database cataloger.
pub struct Rpm;

impl Cataloger for Rpm {
    fn select(&self, e: &FileEntry) -> bool {
        let dir = super::parent(&e.path);
        DIRS.contains(&dir)
            && matches!(
                file_name(&e.path),
                "rpmdb.sqlite" | "Packages" | "Packages.db"
            )
    }

    fn binary(&self) -> bool {
        true
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        let blobs = match file_name(path) {
            "rpmdb.sqlite" => sqlite_blobs(data),
            "Packages" => bdb::values(data),
            _ => Err("unsupported rpm database (ndb format)".to_owned()),
        };
        match blobs {
            Ok(blobs) => {
                for blob in blobs {
                    match parse_header(&blob) {
                        Ok(Some(p)) => ctx.add(p, path),
                        Ok(None) => {}
                        Err(e) => ctx.note(path, format!("skipped rpm header: {e}")),
                    }
                }
            }
            Err(e) if e.starts_with("unsupported") => ctx.note(path, e),
            Err(e) => ctx.note(path, format!("unsupported rpm database: {e}")),
        }
    }
}

fn sqlite_blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let db = Db::open(data)?;
    Ok(db
        .table("Packages")?
        .into_iter()
        .filter_map(|row| match row.into_iter().nth(1) {
            Some(Value::Blob(b)) => Some(b),
            _ => None,
        })
        .collect())
}

/// Split a source rpm file name (`openssl-3.0.7-27.el9.src.rpm`) into name and `version-release`.
pub fn parse_source_rpm(srpm: &str) -> Option<SourcePackage> {
    let base = srpm
        .strip_suffix(".src.rpm")
        .or_else(|| srpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = base.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    Some(SourcePackage {
        name: name.to_owned(),
        version: format!("{version}-{release}"),
    })
}

/// Build a package from header fields.
pub(crate) fn package(
    name: String,
    version: String,
    release: String,
    epoch: Option<i64>,
    arch: Option<String>,
    license: Option<String>,
    srpm: Option<String>,
) -> Package {
    let mut v = if release.is_empty() {
        version
    } else {
        format!("{version}-{release}")
    };
    if let Some(e) = epoch {
        v = format!("{e}:{v}");
    }
    let mut p = Package::new(PackageType::Rpm, name, v);
    p.arch = arch.filter(|a| !a.is_empty());
    p.licenses = license.into_iter().filter(|l| !l.is_empty()).collect();
    p.source = srpm.as_deref().and_then(parse_source_rpm);
    p
}
