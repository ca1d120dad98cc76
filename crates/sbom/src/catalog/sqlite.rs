//! A minimal, read-only reader of SQLite database files: enough to walk a
//! table's B-tree and decode its records (used for `rpmdb.sqlite`). It never
//! panics on malformed input; it returns an error instead.

use std::collections::HashSet;

/// A decoded column value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// An opened database (the whole file in memory).
pub(crate) struct Db<'a> {
    data: &'a [u8],
    page_size: usize,
    usable: usize,
}

type Res<T> = Result<T, String>;

impl<'a> Db<'a> {
    /// Check the header and open.
    pub fn open(data: &'a [u8]) -> Res<Self> {
        if data.len() < 100 || &data[..16] != b"SQLite format 3\0" {
            return Err("not an SQLite 3 database".into());
        }
        let ps = u16::from_be_bytes([data[16], data[17]]) as usize;
        let page_size = if ps == 1 { 65536 } else { ps };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err("bad page size".into());
        }
        let reserved = data[20] as usize;
        Ok(Db {
            data,
            page_size,
            usable: page_size - reserved,
        })
    }

    fn page(&self, n: u32) -> Res<&'a [u8]> {
        let start = (n as usize).checked_sub(1).ok_or("page 0")? * self.page_size;
        self.data
            .get(start..start + self.page_size)
            .ok_or_else(|| format!("page {n} out of range"))
    }

    /// Rows of the table named `name` (case-insensitive).
    pub fn table(&self, name: &str) -> Res<Vec<Vec<Value>>> {
        let master = self.rows(1)?;
        for row in master {
            let is_table = matches!(row.first(), Some(Value::Text(t)) if t == "table");
            let matches =
                matches!(row.get(1), Some(Value::Text(t)) if t.eq_ignore_ascii_case(name));
            if is_table && matches {
                if let Some(Value::Int(root)) = row.get(3) {
                    return self.rows(u32::try_from(*root).map_err(|_| "bad root page")?);
                }
            }
        }
        Err(format!("no table {name}"))
    }

    /// All records of the table B-tree rooted at `root`.
    pub fn rows(&self, root: u32) -> Res<Vec<Vec<Value>>> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        let mut seen = HashSet::new();
        while let Some(pn) = stack.pop() {
            if !seen.insert(pn) || seen.len() > 1_000_000 {
                return Err("B-tree loop".into());
            }
            let page = self.page(pn)?;
            let h = if pn == 1 { 100 } else { 0 };
            let kind = *page.get(h).ok_or("short page")?;
            let ncells = be16(page, h + 3)? as usize;
            match kind {
                0x0d => {
                    for i in 0..ncells {
                        let off = be16(page, h + 8 + 2 * i)? as usize;
                        out.push(self.leaf_cell(page, off)?);
                    }
                }
                0x05 => {
                    let right = be32(page, h + 8)?;
                    stack.push(right);
                    for i in (0..ncells).rev() {
                        let off = be16(page, h + 12 + 2 * i)? as usize;
                        stack.push(be32(page, off)?);
                    }
                }
                k => return Err(format!("unexpected page type {k:#x}")),
            }
        }
        Ok(out)
    }

    fn leaf_cell(&self, page: &[u8], off: usize) -> Res<Vec<Value>> {
        let (plen, n1) = varint(page, off)?;
        let (_rowid, n2) = varint(page, off + n1)?;
        let start = off + n1 + n2;
        let plen = usize::try_from(plen).map_err(|_| "bad payload")?;
        if plen > self.data.len() {
            return Err("payload larger than file".into());
        }
        let u = self.usable;
        let x = u - 35;
        let local = if plen <= x {
            plen
        } else {
            let m = ((u - 12) * 32 / 255) - 23;
            let k = m + ((plen - m) % (u - 4));
            if k <= x {
                k
            } else {
                m
            }
        };
        let mut payload = page
            .get(start..start + local)
            .ok_or("cell overflow")?
            .to_vec();
        if local < plen {
            let mut next = be32(page, start + local)?;
            let mut hops = 0;
            while payload.len() < plen && next != 0 {
                hops += 1;
                if hops > self.data.len() / self.page_size + 1 {
                    return Err("overflow loop".into());
                }
                let ov = self.page(next)?;
                next = be32(ov, 0)?;
                let take = (plen - payload.len()).min(u - 4);
                payload.extend_from_slice(ov.get(4..4 + take).ok_or("short overflow")?);
            }
        }
        record(&payload)
    }
}

fn be16(d: &[u8], o: usize) -> Res<u16> {
    d.get(o..o + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| "short read".into())
}

fn be32(d: &[u8], o: usize) -> Res<u32> {
    d.get(o..o + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "short read".into())
}

/// SQLite varint: (value, length).
fn varint(d: &[u8], o: usize) -> Res<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let b = *d.get(o + i).ok_or("short varint")?;
        if i == 8 {
            return Ok(((v << 8) | u64::from(b), 9));
        }
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Ok((v, i + 1));
        }
    }
    Ok((v, 9))
}

fn record(p: &[u8]) -> Res<Vec<Value>> {
    let (hlen, n) = varint(p, 0)?;
    let hlen = usize::try_from(hlen).map_err(|_| "bad header")?;
    let mut types = Vec::new();
    let mut o = n;
    while o < hlen.min(p.len()) {
        let (t, n) = varint(p, o)?;
        types.push(t);
        o += n;
    }
    let mut body = hlen;
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        let size = match t {
            0 | 8 | 9 | 10 | 11 => 0,
            1..=4 => t as usize,
            5 => 6,
            6 | 7 => 8,
            t => ((t - 12) / 2) as usize,
        };
        let end = body.checked_add(size).ok_or("record overflow")?;
        let b = p.get(body..end).ok_or("record overflow")?;
        body += size;
        out.push(match t {
            0 | 10 | 11 => Value::Null,
            8 => Value::Int(0),
            9 => Value::Int(1),
            1..=6 => {
                let mut v: i64 = if b[0] & 0x80 != 0 { -1 } else { 0 };
                for &x in b {
                    v = (v << 8) | i64::from(x);
                }
                Value::Int(v)
            }
            7 => Value::Float(f64::from_be_bytes(b.try_into().map_err(|_| "bad float")?)),
            t if t % 2 == 0 => Value::Blob(b.to_vec()),
            _ => Value::Text(String::from_utf8_lossy(b).into_owned()),
        });
    }
    Ok(out)
}
