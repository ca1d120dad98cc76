//! Values of a Berkeley DB hash database (the legacy rpm `Packages` file):
//! walks every hash page and follows off-page (overflow) items.

const HASH_MAGIC: u32 = 0x0006_1561;
const P_HASH: u8 = 13;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

struct Pages<'a> {
    data: &'a [u8],
    size: usize,
    le: bool,
}

impl<'a> Pages<'a> {
    fn page(&self, n: u32) -> Option<&'a [u8]> {
        let s = (n as usize).checked_mul(self.size)?;
        self.data.get(s..s + self.size)
    }
    fn u32(&self, d: &[u8], o: usize) -> Option<u32> {
        let b: [u8; 4] = d.get(o..o + 4)?.try_into().ok()?;
        Some(if self.le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn u16(&self, d: &[u8], o: usize) -> Option<u16> {
        let b: [u8; 2] = d.get(o..o + 2)?.try_into().ok()?;
        Some(if self.le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }
}

/// All data items (not keys) of a BDB hash database.
pub(super) fn values(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let magic = data.get(12..16).ok_or("not a Berkeley DB file")?;
    let le = match (
        u32::from_le_bytes(magic.try_into().unwrap_or_default()),
        u32::from_be_bytes(magic.try_into().unwrap_or_default()),
    ) {
        (HASH_MAGIC, _) => true,
        (_, HASH_MAGIC) => false,
        _ => return Err("not a Berkeley DB hash database".into()),
    };
    let mut pg = Pages {
        data,
        size: 4096,
        le,
    };
    pg.size = pg.u32(data, 20).ok_or("short meta page")? as usize;
    if !(512..=65536).contains(&pg.size) {
        return Err("bad page size".into());
    }
    let last = pg.u32(data, 32).ok_or("short meta page")?;
    let mut out = Vec::new();
    for n in 1..=last {
        let Some(page) = pg.page(n) else { break };
        if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let entries = pg.u16(page, 20).ok_or("short page")? as usize;
        for i in (1..entries).step_by(2) {
            let off = pg.u16(page, 26 + 2 * i).ok_or("short index")? as usize;
            match page.get(off) {
                Some(&H_OFFPAGE) => {
                    let first = pg.u32(page, off + 4).ok_or("short item")?;
                    let total = pg.u32(page, off + 8).ok_or("short item")? as usize;
                    out.push(overflow(&pg, first, total)?);
                }
                Some(&H_KEYDATA) => {
                    let end = pg.u16(page, 26 + 2 * (i - 1)).ok_or("short index")? as usize;
                    let end = if end > off { end } else { page.len() };
                    out.push(page.get(off + 1..end).ok_or("bad item")?.to_vec());
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

fn overflow(pg: &Pages<'_>, mut n: u32, total: usize) -> Result<Vec<u8>, String> {
    if total > pg.data.len() {
        return Err("overflow item larger than file".into());
    }
    let mut out = Vec::with_capacity(total);
    let mut hops = 0usize;
    while n != 0 && out.len() < total {
        hops += 1;
        if hops > pg.data.len() / pg.size + 1 {
            return Err("overflow loop".into());
        }
        let page = pg.page(n).ok_or("overflow page out of range")?;
        if page[25] != P_OVERFLOW {
            return Err("bad overflow page".into());
        }
        let len = pg.u16(page, 22).ok_or("short page")? as usize;
        out.extend_from_slice(page.get(26..26 + len).ok_or("bad overflow length")?);
        n = pg.u32(page, 16).ok_or("short page")?;
    }
    Ok(out)
}
