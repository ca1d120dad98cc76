//! The package catalogue's files, kept while the layers stream the first time.
//!
//! The catalogue selects its files from metadata alone (paths, sizes, modes), so the
//! pass that builds the merged view can keep their contents as they stream by, and
//! cataloguing needs no second pass over the layers. A later layer's version of a
//! path replaces an earlier one; what the final view does not hold is never asked
//! for. Executables that hold no Go build info or cargo-auditable section are kept
//! as "nothing to find" rather than as bytes, so an image full of binaries does not
//! sit in memory. Past a memory budget, files are no longer kept and the catalogue
//! reads them with a second pass, as it would without the prefetch.

use std::any::Any;
use std::collections::HashMap;

use secchain_oci::{ContentVisitor, EntryKind as OciKind, EntryMeta, Layer};
use secchain_sbom::{CatalogOptions, EntryKind, FileEntry, Selector};

use crate::pass::PassVisitor;

/// Kept content: the bytes, or the knowledge that no cataloger can use them.
#[derive(Debug)]
pub(crate) enum Kept {
    /// The file's whole content.
    Bytes(Vec<u8>),
    /// No cataloger finds anything in this file (it reads as empty).
    Irrelevant,
}

/// What the pass kept, by path inside the layer that wrote it last.
#[derive(Debug, Default)]
pub(crate) struct Prefetched {
    files: HashMap<String, (usize, Kept)>,
}

impl Prefetched {
    /// The kept content of `path` as written by `layer`, if that version was kept.
    pub(crate) fn get(&self, layer: usize, path: &str) -> Option<&Kept> {
        match self.files.get(path) {
            Some((l, kept)) if *l == layer => Some(kept),
            _ => None,
        }
    }
}

/// The prefetching visitor.
pub(crate) struct Prefetch {
    selector: Selector,
    kept: Prefetched,
    bytes: u64,
    budget: u64,
}

impl Prefetch {
    /// A prefetch of what [`secchain_sbom::catalog`] with `opts` reads, keeping at
    /// most `budget` bytes of content.
    pub(crate) fn new(opts: &CatalogOptions, budget: u64) -> Self {
        Prefetch {
            selector: Selector::new(opts),
            kept: Prefetched::default(),
            bytes: 0,
            budget,
        }
    }

    fn forget(&mut self, path: &str) {
        if let Some((_, Kept::Bytes(b))) = self.kept.files.remove(path) {
            self.bytes -= b.len() as u64;
        }
    }
}

fn file_entry(meta: &EntryMeta) -> FileEntry {
    FileEntry {
        path: meta.path.clone(),
        kind: EntryKind::File,
        size: meta.size,
        mode: meta.mode,
        link_target: None,
        layer: None,
    }
}

impl ContentVisitor for Prefetch {
    fn entry(&mut self, _layer: &Layer, meta: &EntryMeta) -> bool {
        // Any later entry at a kept path (a new version, a whiteout, a directory) replaces it.
        self.forget(&meta.path);
        meta.kind == OciKind::File
            && self.selector.wants(&file_entry(meta))
            && self.bytes + meta.size <= self.budget
    }

    fn content(&mut self, layer: &Layer, meta: &EntryMeta, data: &[u8]) {
        let kept = if self.selector.relevant(&file_entry(meta), data) {
            self.bytes += data.len() as u64;
            Kept::Bytes(data.to_vec())
        } else {
            Kept::Irrelevant
        };
        self.kept
            .files
            .insert(meta.path.clone(), (layer.index, kept));
    }
}

impl PassVisitor for Prefetch {
    fn finish(self: Box<Self>) -> Box<dyn Any + Send> {
        Box::new(self.kept)
    }
}
