//! A small, defensive ZIP reader (stored and deflated entries) for Java
//! archives. Malformed archives produce an error, never a panic; entry sizes
//! are capped.

use std::io::Read;

/// One entry: name and (lazily inflated) contents.
pub(crate) struct Entry {
    pub name: String,
    method: u16,
    offset: usize,
    csize: usize,
    usize_: usize,
}

fn le16(d: &[u8], o: usize) -> Option<usize> {
    d.get(o..o + 2)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn le32(d: &[u8], o: usize) -> Option<usize> {
    d.get(o..o + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// List the entries of a ZIP archive from its central directory.
pub(crate) fn entries(d: &[u8]) -> Result<Vec<Entry>, String> {
    let tail_start = d.len().saturating_sub(65_557);
    let eocd = d[tail_start..]
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .map(|i| tail_start + i)
        .ok_or("no end of central directory")?;
    let count = le16(d, eocd + 10).ok_or("short EOCD")?;
    let mut off = le32(d, eocd + 16).ok_or("short EOCD")?;
    if count == 0xffff || off == 0xffff_ffff {
        return Err("ZIP64 archives are not supported".into());
    }
    let mut out = Vec::with_capacity(count.min(100_000));
    for _ in 0..count {
        if d.get(off..off + 4) != Some(b"PK\x01\x02") {
            return Err("bad central directory entry".into());
        }
        let method = le16(d, off + 10).ok_or("short entry")? as u16;
        let csize = le32(d, off + 20).ok_or("short entry")?;
        let usize_ = le32(d, off + 24).ok_or("short entry")?;
        let nlen = le16(d, off + 28).ok_or("short entry")?;
        let elen = le16(d, off + 30).ok_or("short entry")?;
        let clen = le16(d, off + 32).ok_or("short entry")?;
        let local = le32(d, off + 42).ok_or("short entry")?;
        let name = d.get(off + 46..off + 46 + nlen).ok_or("short name")?;
        out.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            offset: local,
            csize,
            usize_,
        });
        off += 46 + nlen + elen + clen;
    }
    Ok(out)
}

/// Read an entry's contents (at most `limit` bytes uncompressed).
pub(crate) fn read(d: &[u8], e: &Entry, limit: usize) -> Result<Vec<u8>, String> {
    if e.usize_ > limit {
        return Err(format!("{}: {} bytes is over the limit", e.name, e.usize_));
    }
    let o = e.offset;
    if d.get(o..o + 4) != Some(b"PK\x03\x04") {
        return Err(format!("{}: bad local header", e.name));
    }
    let nlen = le16(d, o + 26).ok_or("short local header")?;
    let elen = le16(d, o + 28).ok_or("short local header")?;
    let start = o + 30 + nlen + elen;
    let raw = d
        .get(start..start.saturating_add(e.csize))
        .ok_or_else(|| format!("{}: data out of range", e.name))?;
    match e.method {
        0 => Ok(raw.to_vec()),
        8 => {
            let mut out = Vec::with_capacity(e.usize_.min(limit));
            flate2::read::DeflateDecoder::new(raw)
                .take(limit as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|x| format!("{}: {x}", e.name))?;
            if out.len() > limit {
                return Err(format!("{}: inflates over the limit", e.name));
            }
            Ok(out)
        }
        m => Err(format!("{}: unsupported compression method {m}", e.name)),
    }
}
