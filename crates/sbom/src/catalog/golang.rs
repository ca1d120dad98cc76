//! Go binaries: the embedded build info (`\xff Go buildinf:` blob, Go 1.18+
//! inline format): main module, dependencies with versions (after
//! replacements) and the Go version (reported as the `stdlib` module).

use crate::inventory::{FoundBy, Package, PackageType};

/// The build info blob's magic.
pub(crate) const MAGIC: &[u8] = b"\xff Go buildinf:";

/// The build info header: 16-byte aligned magic, pointer size 4 or 8.
fn find(hay: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(hay.get(from..)?, MAGIC) {
        let at = from + i;
        if at % 16 == 0 && matches!(hay.get(at + 14), Some(4 | 8)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn uvarint(d: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &b) in d.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

fn read_str(d: &[u8]) -> Option<(&[u8], usize)> {
    let (n, k) = uvarint(d)?;
    let n = usize::try_from(n).ok()?;
    Some((d.get(k..k.checked_add(n)?)?, k + n))
}

/// Packages from a Go binary's build info; `Ok(None)` when it has none.
pub fn parse_buildinfo(data: &[u8]) -> Result<Option<Vec<Package>>, String> {
    let Some(at) = find(data) else {
        return Ok(None);
    };
    let head = data.get(at..at + 32).ok_or("truncated build info header")?;
    if head[15] & 2 == 0 {
        return Err("pre-Go 1.18 pointer-based build info is not supported".into());
    }
    let rest = &data[at + 32..];
    let (go_version, n) = read_str(rest).ok_or("bad Go version string")?;
    let (modinfo, _) = read_str(&rest[n..]).ok_or("bad module info string")?;
    let modinfo = if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        &modinfo[16..modinfo.len() - 16]
    } else {
        modinfo
    };
    let go_version = String::from_utf8_lossy(go_version).into_owned();
    Ok(Some(parse_modinfo(
        &String::from_utf8_lossy(modinfo),
        &go_version,
    )))
}

/// Parse the textual module info (`path`, `mod`, `dep`, `=>` lines).
pub fn parse_modinfo(text: &str, go_version: &str) -> Vec<Package> {
    let mut out: Vec<Package> = Vec::new();
    let mut path = None;
    let mut ldflags = "";
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["path", p, ..] => path = Some(*p),
            ["build", flags, ..] if flags.starts_with("-ldflags=") => ldflags = flags,
            ["mod", path, version, ..] | ["dep", path, version, ..] => {
                let mut p = Package::new(PackageType::GoModule, *path, *version);
                p.found_by = FoundBy::Binary;
                out.push(p);
            }
            ["=>", path, version, ..] if !path.is_empty() => {
                if let Some(last) = out.last_mut() {
                    last.name = (*path).to_owned();
                    last.version = (*version).to_owned();
                }
            }
            _ => {}
        }
    }
    // GOPATH-mode builds have no `mod` line: the main package path stands in.
    if !text.lines().any(|l| l.starts_with("mod\t")) {
        if let Some(p) = path {
            let mut main = Package::new(PackageType::GoModule, p, "(devel)");
            main.found_by = FoundBy::Binary;
            out.insert(0, main);
        }
    }
    if let Some(main) = out.first_mut() {
        if main.version == "(devel)" || main.version.is_empty() {
            if let Some(v) = ldflags_version(ldflags) {
                main.version = v;
            }
        }
    }
    let mods: Vec<String> = out
        .iter()
        .skip(1)
        .filter(|p| !p.name.is_empty())
        .map(|p| p.name.clone())
        .collect();
    if let Some(main) = out.first_mut() {
        main.depends_on = mods;
    }
    // A module without a path (`path\t`, `dep\t\tv1`, `=>\t\tv1`) names nothing.
    out.retain(|p| !p.name.is_empty());
    if !go_version.is_empty() {
        let mut std = Package::new(PackageType::GoModule, "stdlib", go_version);
        std.found_by = FoundBy::Binary;
        out.push(std);
    }
    out
}

/// A version stamped with `-X <pkg>.<version var>=<v>` in the recorded ldflags.
pub fn ldflags_version(ldflags: &str) -> Option<String> {
    let flags = ldflags
        .trim_start_matches("-ldflags=")
        .trim_matches(['"', '\'']);
    let mut it = flags.split_whitespace();
    while let Some(tok) = it.next() {
        let assignment = if tok == "-X" {
            it.next()?
        } else if let Some(a) = tok.strip_prefix("-X=") {
            a
        } else {
            continue;
        };
        let Some((var, value)) = assignment.split_once('=') else {
            continue;
        };
        let leaf = var.rsplit('.').next().unwrap_or(var).to_ascii_lowercase();
        let value = value.trim_matches(['"', '\'']);
        let looks_like_version = value
            .trim_start_matches('v')
            .starts_with(|c: char| c.is_ascii_digit());
        if matches!(leaf.as_str(), "version" | "gitversion" | "buildversion") && looks_like_version
        {
            let v = if value.starts_with('v') {
                value.to_owned()
            } else {
                format!("v{value}")
            };
            return Some(v);
        }
    }
    None
}
