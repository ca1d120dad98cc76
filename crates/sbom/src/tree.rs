//! The filesystem view the catalogers read: the [`FileTree`] trait (implemented
//! by the image-access crate over an image's merged layers) and [`DirTree`], an
//! implementation over a local directory used by tests and `secchain sbom dir:PATH`.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// What kind of filesystem object an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link.
    Symlink,
    /// Anything else (device, fifo, socket).
    Other,
}

/// The image layer that introduced a path.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct LayerRef {
    /// Zero-based index of the layer in the image's layer list.
    pub index: usize,
    /// The layer's digest (`sha256:…`) when known.
    pub digest: Option<String>,
}

/// One entry of the merged filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Absolute, normalised path (`/usr/lib/os-release`), no trailing slash.
    pub path: String,
    /// Kind of the entry.
    pub kind: EntryKind,
    /// Size in bytes (0 for non-files).
    pub size: u64,
    /// Unix mode bits (permission bits at least).
    pub mode: u32,
    /// Target of a symlink, as stored.
    pub link_target: Option<String>,
    /// Layer that introduced the final version of this path, when known.
    pub layer: Option<LayerRef>,
}

impl FileEntry {
    /// True for a regular file with any executable bit set.
    pub fn is_executable(&self) -> bool {
        self.kind == EntryKind::File && self.mode & 0o111 != 0
    }
}

/// Result of reading one file: its path and contents (or the reason it could not be read).
pub type ReadResult = (String, io::Result<Vec<u8>>);

/// A read-only filesystem view the catalogers run on.
///
/// Catalogers first select paths from [`FileTree::entries`], then read all of
/// them in one batch, so an image implementation can serve the batch with a
/// single streaming pass over its layers.
pub trait FileTree {
    /// Every entry of the filesystem (order unspecified).
    fn entries(&self) -> Vec<FileEntry>;

    /// Final contents of the given paths. A file larger than `limit_per_file`
    /// bytes yields an `InvalidData` error rather than a truncated read;
    /// a missing path yields `NotFound`. Symlinks are followed
    /// inside the tree.
    fn read_files(&self, paths: &[&str], limit_per_file: u64) -> Vec<ReadResult>;
}

/// A [`FileTree`] over a local directory, treated as the root of an image.
#[derive(Debug, Clone)]
pub struct DirTree {
    root: PathBuf,
}

impl DirTree {
    /// A tree rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirTree { root: root.into() }
    }

    /// Resolve an absolute in-tree path to a host path, following symlinks
    /// without ever leaving the root (like a chroot).
    fn resolve(&self, path: &str) -> io::Result<PathBuf> {
        let mut parts: Vec<String> = Vec::new();
        let mut pending: Vec<String> = split(path).into_iter().rev().collect();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "." | "" => continue,
                ".." => {
                    parts.pop();
                    continue;
                }
                _ => {}
            }
            let mut host = self.root.clone();
            host.extend(parts.iter());
            host.push(&part);
            let meta = std::fs::symlink_metadata(&host)?;
            if meta.file_type().is_symlink() {
                hops += 1;
                if hops > 40 {
                    return Err(io::Error::other("too many levels of symbolic links"));
                }
                let target = std::fs::read_link(&host)?;
                let target = target.to_string_lossy().into_owned();
                if target.starts_with('/') {
                    parts.clear();
                }
                for p in split(&target).into_iter().rev() {
                    pending.push(p);
                }
            } else {
                parts.push(part);
            }
        }
        let mut host = self.root.clone();
        host.extend(parts.iter());
        Ok(host)
    }
}

fn split(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl FileTree for DirTree {
    fn entries(&self) -> Vec<FileEntry> {
        let mut out = Vec::new();
        let mut stack = vec![(self.root.clone(), String::new())];
        while let Some((dir, prefix)) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            for ent in rd.flatten() {
                let name = ent.file_name().to_string_lossy().into_owned();
                let path = format!("{prefix}/{name}");
                let Ok(meta) = ent.metadata() else { continue };
                let ft = meta.file_type();
                let kind = if ft.is_symlink() {
                    EntryKind::Symlink
                } else if ft.is_dir() {
                    EntryKind::Dir
                } else if ft.is_file() {
                    EntryKind::File
                } else {
                    EntryKind::Other
                };
                let link_target = if kind == EntryKind::Symlink {
                    std::fs::read_link(ent.path())
                        .ok()
                        .map(|t| t.to_string_lossy().into_owned())
                } else {
                    None
                };
                if kind == EntryKind::Dir {
                    stack.push((ent.path(), path.clone()));
                }
                out.push(FileEntry {
                    path,
                    kind,
                    size: if kind == EntryKind::File {
                        meta.len()
                    } else {
                        0
                    },
                    mode: mode_of(&meta),
                    link_target,
                    layer: None,
                });
            }
        }
        out
    }

    fn read_files(&self, paths: &[&str], limit_per_file: u64) -> Vec<ReadResult> {
        paths
            .iter()
            .map(|p| {
                let res = self
                    .resolve(p)
                    .and_then(|host| read_limited(&host, limit_per_file));
                ((*p).to_owned(), res)
            })
            .collect()
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(not(unix))]
fn mode_of(_meta: &std::fs::Metadata) -> u32 {
    0o644
}

fn read_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large(buf.len() as u64, limit));
    }
    Ok(buf)
}

/// The error returned for files over the per-file read limit.
pub fn too_large(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("file is {size} bytes, over the {limit}-byte limit"),
    )
}

/// Normalise a path to the absolute, `/`-separated form used in [`FileEntry::path`].
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str().unwrap_or("")),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    format!("/{}", parts.join("/"))
}

/// An in-memory [`FileTree`], handy for unit tests and for SBOM inputs that are
/// not on disk.
#[derive(Debug, Clone, Default)]
pub struct MemTree {
    files: BTreeMap<String, (Vec<u8>, u32, Option<LayerRef>)>,
}

impl MemTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a regular file (mode 0644) at an absolute path.
    pub fn file(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Self {
        self.files
            .insert(normalize_path(path), (contents.into(), 0o644, None));
        self
    }

    /// Add a regular file with explicit mode and layer.
    pub fn file_with(
        mut self,
        path: &str,
        contents: impl Into<Vec<u8>>,
        mode: u32,
        layer: Option<LayerRef>,
    ) -> Self {
        self.files
            .insert(normalize_path(path), (contents.into(), mode, layer));
        self
    }
}

impl FileTree for MemTree {
    fn entries(&self) -> Vec<FileEntry> {
        let mut dirs = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for (path, (data, mode, layer)) in &self.files {
            let mut p = path.as_str();
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                if !p.is_empty() {
                    dirs.insert(p.to_owned());
                }
            }
            out.push(FileEntry {
                path: path.clone(),
                kind: EntryKind::File,
                size: data.len() as u64,
                mode: *mode,
                link_target: None,
                layer: layer.clone(),
            });
        }
        out.extend(dirs.into_iter().map(|path| FileEntry {
            path,
            kind: EntryKind::Dir,
            size: 0,
            mode: 0o755,
            link_target: None,
            layer: None,
        }));
        out
    }

    fn read_files(&self, paths: &[&str], limit_per_file: u64) -> Vec<ReadResult> {
        paths
            .iter()
            .map(|p| {
                let res = match self.files.get(&normalize_path(p)) {
                    Some((d, _, _)) if d.len() as u64 > limit_per_file => {
                        Err(too_large(d.len() as u64, limit_per_file))
                    }
                    Some((d, _, _)) => Ok(d.clone()),
                    None => Err(io::Error::from(io::ErrorKind::NotFound)),
                };
                ((*p).to_owned(), res)
            })
            .collect()
    }
}
