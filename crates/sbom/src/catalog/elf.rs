//! Minimal ELF reader: find a section's bytes by name (32/64-bit, either
//! byte order). Returns `None` on anything malformed.

fn rd(d: &[u8], o: usize, n: usize, le: bool) -> Option<u64> {
    let b = d.get(o..o.checked_add(n)?)?;
    let mut v = 0u64;
    for i in 0..n {
        let byte = if le { b[n - 1 - i] } else { b[i] };
        v = (v << 8) | u64::from(byte);
    }
    Some(v)
}

/// Bytes of the section called `name`, if the file is ELF and has it.
pub(crate) fn section<'a>(d: &'a [u8], name: &str) -> Option<&'a [u8]> {
    if d.get(..4)? != b"\x7fELF" {
        return None;
    }
    let is64 = *d.get(4)? == 2;
    let le = *d.get(5)? == 1;
    let w = if is64 { 8 } else { 4 };
    let (shoff, shentsize, shnum, shstrndx) = if is64 {
        (
            rd(d, 0x28, 8, le)?,
            rd(d, 0x3a, 2, le)?,
            rd(d, 0x3c, 2, le)?,
            rd(d, 0x3e, 2, le)?,
        )
    } else {
        (
            rd(d, 0x20, 4, le)?,
            rd(d, 0x2e, 2, le)?,
            rd(d, 0x30, 2, le)?,
            rd(d, 0x32, 2, le)?,
        )
    };
    let sh = |i: u64| -> Option<(u64, u64, u64)> {
        let base = usize::try_from(shoff.checked_add(i.checked_mul(shentsize)?)?).ok()?;
        let name_off = rd(d, base, 4, le)?;
        let (off, size) = if is64 {
            (rd(d, base + 0x18, w, le)?, rd(d, base + 0x20, w, le)?)
        } else {
            (rd(d, base + 0x10, w, le)?, rd(d, base + 0x14, w, le)?)
        };
        Some((name_off, off, size))
    };
    let (_, stroff, strsize) = sh(shstrndx)?;
    let strtab =
        d.get(usize::try_from(stroff).ok()?..usize::try_from(stroff.checked_add(strsize)?).ok()?)?;
    for i in 0..shnum.min(65_535) {
        let (noff, off, size) = sh(i)?;
        let n = strtab.get(usize::try_from(noff).ok()?..)?;
        let end = n.iter().position(|&b| b == 0)?;
        if &n[..end] == name.as_bytes() {
            let s = usize::try_from(off).ok()?;
            return d.get(s..s.checked_add(usize::try_from(size).ok()?)?);
        }
    }
    None
}
