//! Decoding of an rpm header blob as stored in the rpm databases
//! (index count, data length, index entries, data store; no lead or magic).

use crate::inventory::Package;

const NAME: i32 = 1000;
const VERSION: i32 = 1001;
const RELEASE: i32 = 1002;
const EPOCH: i32 = 1003;
const LICENSE: i32 = 1014;
const ARCH: i32 = 1022;
const SOURCERPM: i32 = 1044;

const T_INT32: u32 = 4;
const T_STRING: u32 = 6;
const T_STRING_ARRAY: u32 = 8;
const T_I18NSTRING: u32 = 9;

fn be32(d: &[u8], o: usize) -> Option<u32> {
    d.get(o..o + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Parse a header blob. `Ok(None)` for entries that are not software
/// packages (`gpg-pubkey`).
pub fn parse_header(blob: &[u8]) -> Result<Option<Package>, String> {
    let il = be32(blob, 0).ok_or("short header")? as usize;
    let dl = be32(blob, 4).ok_or("short header")? as usize;
    if il > 100_000 || dl > blob.len() {
        return Err("implausible header sizes".into());
    }
    let store_start = 8 + il * 16;
    let store = blob
        .get(store_start..store_start + dl)
        .ok_or("header data out of range")?;
    let mut strs: Vec<(i32, String)> = Vec::new();
    let mut epoch = None;
    for i in 0..il {
        let e = 8 + i * 16;
        let tag = be32(blob, e).ok_or("short index")? as i32;
        let ty = be32(blob, e + 4).ok_or("short index")?;
        let off = be32(blob, e + 8).ok_or("short index")? as usize;
        if ![NAME, VERSION, RELEASE, EPOCH, LICENSE, ARCH, SOURCERPM].contains(&tag) {
            continue;
        }
        match ty {
            T_STRING | T_I18NSTRING | T_STRING_ARRAY => {
                let s = store.get(off..).ok_or("string out of range")?;
                let end = s
                    .iter()
                    .position(|&b| b == 0)
                    .ok_or("unterminated string")?;
                strs.push((tag, String::from_utf8_lossy(&s[..end]).into_owned()));
            }
            T_INT32 if tag == EPOCH => {
                epoch = Some(i64::from(be32(store, off).ok_or("epoch out of range")?));
            }
            _ => {}
        }
    }
    let get = |t: i32| strs.iter().find(|(k, _)| *k == t).map(|(_, v)| v.clone());
    let name = get(NAME).ok_or("no name")?;
    if name == "gpg-pubkey" {
        return Ok(None);
    }
    Ok(Some(super::package(
        name,
        get(VERSION).ok_or("no version")?,
        get(RELEASE).unwrap_or_default(),
        epoch,
        get(ARCH),
        get(LICENSE),
        get(SOURCERPM),
    )))
}
