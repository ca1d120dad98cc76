//! The image's filesystem as a lookup table: path normalisation and symlink
//! resolution (relative and absolute targets, links in intermediate directories,
//! directories implied by deeper entries, loops cut after 40 hops like Linux).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::input::{FileInfo, FileKind};

/// Linux's limit on symlinks followed while resolving one path.
const MAX_HOPS: usize = 40;

/// The image's files, by normalised path.
pub(crate) struct Vfs<'a> {
    entries: BTreeMap<String, &'a FileInfo>,
    implied_dirs: BTreeSet<String>,
}

/// A resolved path.
pub(crate) struct Resolved<'a> {
    /// The path with every symlink resolved.
    pub real: String,
    /// The entry there (`None` for a directory only implied by deeper entries).
    pub info: Option<&'a FileInfo>,
}

/// `path` made absolute and lexically clean (`.`/`..`/`//` removed, no trailing `/`).
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The parent directory of a normalised path (`/` for `/`).
pub(crate) fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a path.
pub(crate) fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `dir` joined with a relative `name`.
pub(crate) fn join(dir: &str, name: &str) -> String {
    normalize(&format!("{dir}/{name}"))
}

impl<'a> Vfs<'a> {
    /// Indexes `files`; a later entry for the same path wins.
    pub fn new(files: &'a [FileInfo]) -> Self {
        let mut entries = BTreeMap::new();
        let mut implied_dirs = BTreeSet::new();
        for f in files {
            let path = normalize(&f.path);
            let mut p = parent(&path).to_string();
            while p != "/" && implied_dirs.insert(p.clone()) {
                p = parent(&p).to_string();
            }
            entries.insert(path, f);
        }
        implied_dirs.insert("/".to_string());
        Vfs {
            entries,
            implied_dirs,
        }
    }

    /// Every entry with its normalised path.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &'a FileInfo)> + '_ {
        self.entries.iter().map(|(p, f)| (p.as_str(), *f))
    }

    /// The entry stored at exactly `path` (no resolution).
    pub fn get(&self, path: &str) -> Option<&'a FileInfo> {
        self.entries.get(&normalize(path)).copied()
    }

    fn is_dir(&self, path: &str) -> bool {
        match self.entries.get(path) {
            Some(f) => f.kind == FileKind::Dir,
            None => self.implied_dirs.contains(path),
        }
    }

    /// Resolves every symlink in `path`. `None` if a component is missing, a
    /// non-directory is traversed, or the links loop.
    pub fn resolve(&self, path: &str) -> Option<Resolved<'a>> {
        let mut pending: VecDeque<String> = normalize(path)
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let mut cur = "/".to_string();
        let mut hops = 0;
        while let Some(comp) = pending.pop_front() {
            match comp.as_str() {
                "" | "." => continue,
                ".." => {
                    cur = parent(&cur).to_string();
                    continue;
                }
                _ => {}
            }
            if !self.is_dir(&cur) {
                return None;
            }
            let cand = join(&cur, &comp);
            match self.entries.get(&cand).map(|f| &f.kind) {
                Some(FileKind::Symlink(target)) => {
                    hops += 1;
                    if hops > MAX_HOPS {
                        return None;
                    }
                    if target.starts_with('/') {
                        cur = "/".to_string();
                    }
                    for c in target.split('/').rev().filter(|c| !c.is_empty()) {
                        pending.push_front(c.to_string());
                    }
                }
                Some(_) => cur = cand,
                None if self.implied_dirs.contains(&cand) => cur = cand,
                None => return None,
            }
        }
        let info = self.entries.get(&cur).copied();
        if info.is_none() && !self.implied_dirs.contains(&cur) {
            return None;
        }
        Some(Resolved { real: cur, info })
    }

    /// Resolves `path` to an executable regular file.
    pub fn resolve_executable(&self, path: &str) -> Option<Resolved<'a>> {
        self.resolve(path)
            .filter(|r| r.info.is_some_and(FileInfo::is_executable_file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("usr//bin/./x/../y/"), "/usr/bin/y");
        assert_eq!(normalize("/"), "/");
        assert_eq!(parent("/usr/bin"), "/usr");
        assert_eq!(parent("/usr"), "/");
    }

    #[test]
    fn resolves_links_and_merged_usr() {
        let files = vec![
            FileInfo::symlink("/bin", "usr/bin"),
            FileInfo::file("/usr/bin/bash", 0o755),
            FileInfo::symlink("/usr/bin/sh", "bash"),
            FileInfo::symlink("/usr/local/bin/py", "../../bin/python3"),
            FileInfo::file("/usr/bin/python3", 0o755),
            FileInfo::symlink("/loop/a", "b"),
            FileInfo::symlink("/loop/b", "a"),
        ];
        let vfs = Vfs::new(&files);
        assert_eq!(vfs.resolve("/bin/sh").unwrap().real, "/usr/bin/bash");
        assert_eq!(
            vfs.resolve_executable("/usr/local/bin/py").unwrap().real,
            "/usr/bin/python3"
        );
        assert!(vfs.resolve("/loop/a").is_none());
        assert!(vfs.resolve("/usr/bin/missing").is_none());
        assert!(vfs.resolve("/usr/bin/bash/x").is_none());
        assert_eq!(vfs.resolve("/usr/local").unwrap().real, "/usr/local");
    }
}
