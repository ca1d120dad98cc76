//! Java archives (JAR/WAR/EAR and friends, nested archives included):
//! `META-INF/maven/**/pom.properties` and `META-INF/MANIFEST.MF`.

use super::text::decode;
use super::zip;
use super::{file_name, Cataloger, Ctx};
use crate::inventory::{FoundBy, Note, Package, PackageType};
use crate::tree::FileEntry;

const EXTS: [&str; 10] = [
    ".jar", ".war", ".ear", ".par", ".sar", ".nar", ".jpi", ".hpi", ".kar", ".lpkg",
];
const MAX_DEPTH: usize = 4;
const MAX_NESTED: usize = 256 << 20;
const MAX_META: usize = 1 << 20;

/// The Java archive cataloger.
pub struct Java;

fn is_archive(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    EXTS.iter().any(|e| l.ends_with(e))
}

impl Cataloger for Java {
    fn select(&self, e: &FileEntry) -> bool {
        is_archive(&e.path)
    }

    fn binary(&self) -> bool {
        true
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        let mut pkgs = Vec::new();
        let mut notes = Vec::new();
        parse_archive(data, path, 0, &mut pkgs, &mut notes);
        for n in notes {
            ctx.note(&n.path, n.message);
        }
        let layer = ctx.layer(path);
        for (p, inner) in pkgs {
            ctx.add(p.at(&inner, layer.clone()), path);
        }
    }
}

/// Parse one archive; pushes (package, location) pairs. Location is
/// `outer.jar:inner.jar` for nested archives.
pub fn parse_archive(
    data: &[u8],
    location: &str,
    depth: usize,
    out: &mut Vec<(Package, String)>,
    notes: &mut Vec<Note>,
) {
    let entries = match zip::entries(data) {
        Ok(e) => e,
        Err(e) => {
            notes.push(Note {
                path: location.to_owned(),
                message: format!("skipped: malformed Java archive: {e}"),
            });
            return;
        }
    };
    let mut poms = Vec::new();
    let mut manifest = Vec::new();
    for e in &entries {
        let is_pom = e.name.starts_with("META-INF/maven/") && e.name.ends_with("/pom.properties");
        let is_manifest = e.name.eq_ignore_ascii_case("META-INF/MANIFEST.MF");
        if !is_pom && !is_manifest {
            continue;
        }
        match zip::read(data, e, MAX_META) {
            Ok(b) if is_pom => poms.push(properties(&decode(&b))),
            Ok(b) => manifest = manifest_main(&decode(&b)),
            Err(m) => notes.push(Note {
                path: location.to_owned(),
                message: format!("skipped entry: {m}"),
            }),
        }
    }
    let (file_artifact, file_version) = split_file_name(file_name(location));
    let mut main_found = false;
    for pom in &poms {
        let get = |k: &str| pom.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
        let (Some(a), Some(v)) = (get("artifactId"), get("version")) else {
            continue;
        };
        if a == file_artifact {
            main_found = true;
        }
        let mut p = Package::new(PackageType::Java, a, v);
        p.namespace = get("groupId");
        p.found_by = FoundBy::Binary;
        out.push((p, location.to_owned()));
    }
    if !main_found && poms.is_empty() {
        let mf = |k: &str| {
            manifest
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        let name = Some(file_artifact.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| mf("Implementation-Title"))
            .or_else(|| {
                mf("Bundle-SymbolicName").map(|s| s.split(';').next().unwrap_or("").to_owned())
            });
        let version = mf("Implementation-Version")
            .or_else(|| mf("Bundle-Version"))
            .or_else(|| mf("Specification-Version"))
            .or(file_version);
        if let (Some(n), Some(v)) = (name, version) {
            {
                let mut p = Package::new(PackageType::Java, n, v);
                p.namespace = mf("Implementation-Vendor-Id")
                    .or_else(|| mf("Bundle-SymbolicName").map(|s| group_of(&s)))
                    .filter(|g| !g.is_empty());
                p.found_by = FoundBy::Binary;
                out.push((p, location.to_owned()));
            }
        }
    }
    if depth >= MAX_DEPTH {
        return;
    }
    for e in entries.iter().filter(|e| is_archive(&e.name)) {
        match zip::read(data, e, MAX_NESTED) {
            Ok(inner) => parse_archive(
                &inner,
                &format!("{location}:{}", e.name),
                depth + 1,
                out,
                notes,
            ),
            Err(m) => notes.push(Note {
                path: location.to_owned(),
                message: format!("skipped nested archive: {m}"),
            }),
        }
    }
}

/// `key=value` lines of a Java properties file.
fn properties(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with(['#', '!']))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Main section of a MANIFEST.MF (72-column continuation lines joined).
fn manifest_main(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some(last) = out.last_mut() {
                last.1.push_str(cont.trim_end_matches('\r'));
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// `org.example.lib` -> `org.example`.
fn group_of(symbolic: &str) -> String {
    let s = symbolic.split(';').next().unwrap_or("");
    s.rsplit_once('.')
        .map_or(String::new(), |(g, _)| g.to_owned())
}

/// `commons-lang3-3.12.0.jar` -> (`commons-lang3`, Some(`3.12.0`)).
pub fn split_file_name(name: &str) -> (String, Option<String>) {
    let base = name.rsplit('/').next().unwrap_or(name);
    let base = base.rsplit_once('.').map_or(base, |(b, _)| b);
    let bytes = base.as_bytes();
    for (i, w) in bytes.windows(2).enumerate() {
        if w[0] == b'-' && w[1].is_ascii_digit() {
            return (base[..i].to_owned(), Some(base[i + 1..].to_owned()));
        }
    }
    (base.to_owned(), None)
}
