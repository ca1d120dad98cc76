//! [`LayerBuilder`]: deterministic image layer tarballs, built in memory.
//!
//! Entries are written sorted by name with mtime 0, uid/gid 0 and no owner
//! names, so the same builder always gives the same bytes (and digest), gzip
//! included. Whiteouts are ordinary entries named `.wh.NAME` and
//! `.wh..wh..opq`, as the OCI image spec defines them. [`LayerBuilder::raw`]
//! writes names the `tar` crate refuses (`..`, absolute paths), for tests of
//! hostile layers.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;
use tar::{EntryType, Header};

/// A layer tarball under construction. Each method adds one entry and
/// returns the builder; [`LayerBuilder::tar`] and [`LayerBuilder::tar_gz`]
/// write it.
///
/// ```
/// use secchain_test::LayerBuilder;
///
/// let layer = LayerBuilder::new()
///     .dir("etc", 0o755)
///     .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0o644)
///     .symlink("bin", "usr/bin")
///     .whiteout("etc/shadow")
///     .tar_gz();
/// assert_eq!(layer[..2], [0x1f, 0x8b]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct LayerBuilder {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    name: Vec<u8>,
    kind: EntryType,
    mode: u32,
    link: Vec<u8>,
    contents: Vec<u8>,
    /// Name and link bytes go into the header as they are, unchecked.
    raw: bool,
}

impl LayerBuilder {
    /// An empty layer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a regular file.
    pub fn file(self, path: &str, contents: impl Into<Vec<u8>>, mode: u32) -> Self {
        self.push(path, EntryType::Regular, mode, "", contents.into())
    }

    /// Adds a directory.
    pub fn dir(self, path: &str, mode: u32) -> Self {
        self.push(path, EntryType::Directory, mode, "", Vec::new())
    }

    /// Adds a symlink at `path` pointing to `target` (any string: absolute and
    /// `..` targets are allowed).
    pub fn symlink(self, path: &str, target: &str) -> Self {
        self.push(path, EntryType::Symlink, 0o777, target, Vec::new())
    }

    /// Adds a hardlink at `path` to the entry named `target` in this layer or
    /// a lower one.
    pub fn hardlink(self, path: &str, target: &str) -> Self {
        self.push(path, EntryType::Link, 0o644, target, Vec::new())
    }

    /// Adds the whiteout that deletes `path` from lower layers:
    /// `DIR/.wh.NAME`.
    pub fn whiteout(self, path: &str) -> Self {
        let (dir, name) = path.rsplit_once('/').map_or(("", path), |(d, n)| (d, n));
        let whiteout = if dir.is_empty() {
            format!(".wh.{name}")
        } else {
            format!("{dir}/.wh.{name}")
        };
        self.file(&whiteout, Vec::new(), 0o644)
    }

    /// Adds the opaque whiteout that hides everything lower layers have in
    /// `dir`: `DIR/.wh..wh..opq`.
    pub fn opaque_whiteout(self, dir: &str) -> Self {
        self.file(
            &format!("{}/.wh..wh..opq", dir.trim_end_matches('/')),
            Vec::new(),
            0o644,
        )
    }

    /// Adds an entry whose `name` and `link` bytes (at most 100 each) are
    /// written into the header verbatim, unchecked: names with `..`, absolute
    /// names, links out of the root. `link` is ignored unless `kind` is a
    /// symlink or hardlink.
    pub fn raw(
        self,
        name: impl Into<Vec<u8>>,
        kind: EntryType,
        link: impl Into<Vec<u8>>,
        contents: impl Into<Vec<u8>>,
    ) -> Self {
        let entry = Entry {
            name: name.into(),
            kind,
            mode: 0o644,
            link: link.into(),
            contents: contents.into(),
            raw: true,
        };
        self.with(entry)
    }

    /// Adds the files, dirs and symlinks under `root` on disk, below `prefix`
    /// in the layer (`""` for the layer root), with their modes. Hardlinks
    /// on disk become separate files.
    pub fn tree(mut self, prefix: &str, root: &Path) -> Self {
        let mut children: Vec<_> = fs::read_dir(root)
            .unwrap_or_else(|e| panic!("read {}: {e}", root.display()))
            .map(|entry| entry.expect("read a directory entry").path())
            .collect();
        children.sort();
        for path in children {
            let name = path
                .file_name()
                .expect("entries have names")
                .to_string_lossy();
            let inner = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}/{name}")
            };
            let meta = fs::symlink_metadata(&path)
                .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()));
            let mode = meta.permissions().mode() & 0o7777;
            self = if meta.is_symlink() {
                let target = fs::read_link(&path).expect("read a symlink");
                self.symlink(&inner, &target.to_string_lossy())
            } else if meta.is_dir() {
                self.dir(&inner, mode).tree(&inner, &path)
            } else {
                let contents =
                    fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
                self.file(&inner, contents, mode)
            };
        }
        self
    }

    /// The uncompressed tarball.
    pub fn tar(&self) -> Vec<u8> {
        let mut entries: Vec<&Entry> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        let mut builder = tar::Builder::new(Vec::new());
        for entry in entries {
            entry.append_to(&mut builder);
        }
        builder.into_inner().expect("finish the tarball")
    }

    /// The gzipped tarball (no file name, mtime 0 in the gzip header).
    pub fn tar_gz(&self) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&self.tar()).expect("gzip in memory");
        gz.finish().expect("gzip in memory")
    }

    fn push(self, path: &str, kind: EntryType, mode: u32, link: &str, contents: Vec<u8>) -> Self {
        let entry = Entry {
            name: path.as_bytes().to_vec(),
            kind,
            mode,
            link: link.as_bytes().to_vec(),
            contents,
            raw: false,
        };
        self.with(entry)
    }

    fn with(mut self, entry: Entry) -> Self {
        self.entries.push(entry);
        self
    }
}

impl Entry {
    fn header(&self) -> Header {
        let mut header = Header::new_gnu();
        header.set_entry_type(self.kind);
        header.set_mode(self.mode);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(0);
        header.set_size(self.contents.len() as u64);
        header
    }

    fn append_to(&self, builder: &mut tar::Builder<Vec<u8>>) {
        let mut header = self.header();
        let name = String::from_utf8_lossy(&self.name);
        let result = if self.raw {
            write_field(&mut header.as_old_mut().name, &self.name);
            write_field(&mut header.as_old_mut().linkname, &self.link);
            header.set_cksum();
            builder.append(&header, self.contents.as_slice())
        } else if matches!(self.kind, EntryType::Symlink | EntryType::Link) {
            builder.append_link(
                &mut header,
                &*name,
                String::from_utf8_lossy(&self.link).as_ref(),
            )
        } else {
            builder.append_data(&mut header, &*name, self.contents.as_slice())
        };
        result.unwrap_or_else(|e| panic!("layer entry {name:?}: {e}"));
    }
}

/// Copies `value` into a NUL-padded header field.
fn write_field(field: &mut [u8], value: &[u8]) {
    assert!(
        value.len() <= field.len(),
        "raw tar names and links are at most {} bytes: {:?}",
        field.len(),
        String::from_utf8_lossy(value)
    );
    field.fill(0);
    field[..value.len()].copy_from_slice(value);
}

#[cfg(test)]
mod tests;
