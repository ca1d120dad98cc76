//! Executables: Go build info (see [`super::golang`]) and cargo-auditable
//! dependency lists (see [`super::rust`]).

use super::{Cataloger, Ctx};
use crate::tree::FileEntry;

/// The binary cataloger: reads executable regular files.
pub struct Binaries;

impl Cataloger for Binaries {
    fn select(&self, e: &FileEntry) -> bool {
        e.is_executable() && e.size >= 1024
    }

    fn binary(&self) -> bool {
        true
    }

    fn relevant(&self, data: &[u8]) -> bool {
        is_object(data)
            && (memchr::memmem::find(data, super::golang::MAGIC).is_some()
                || memchr::memmem::find(data, super::rust::SECTION.as_bytes()).is_some())
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        if !is_object(data) {
            return;
        }
        match super::golang::parse_buildinfo(data) {
            Ok(Some(pkgs)) => {
                for p in pkgs {
                    ctx.add(p, path);
                }
            }
            Ok(None) => {}
            Err(e) => ctx.note(path, format!("skipped Go build info: {e}")),
        }
        match super::rust::parse_auditable(data) {
            Ok(Some(pkgs)) => {
                for p in pkgs {
                    ctx.add(p, path);
                }
            }
            Ok(None) => {}
            Err(e) => ctx.note(path, format!("skipped cargo-auditable data: {e}")),
        }
    }
}

/// ELF, PE or Mach-O (32/64-bit) magic.
fn is_object(data: &[u8]) -> bool {
    data.starts_with(b"\x7fELF")
        || data.starts_with(b"MZ")
        || data.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || data.starts_with(&[0xce, 0xfa, 0xed, 0xfe])
}
