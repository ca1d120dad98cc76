//! The image's merged filesystem as the package catalogue's [`FileTree`].

use std::io;

use secchain_oci::{EntryKind as OciKind, Image, MergedView};
use secchain_sbom::tree::ReadResult;
use secchain_sbom::{EntryKind, FileEntry, FileTree, LayerRef};

use crate::prefetch::{Kept, Prefetched};

/// A [`FileTree`] over an opened image: entries from the merged view, contents
/// from what the first pass kept, else streamed from the layers that hold them
/// (one pass per batch of paths).
///
/// Must be used from a blocking thread (it waits on the async image reader).
pub struct ImageTree<'a> {
    image: &'a Image,
    view: &'a MergedView,
    handle: tokio::runtime::Handle,
    prefetched: Option<&'a Prefetched>,
}

impl<'a> ImageTree<'a> {
    /// A tree over `image` and its merged `view`, reading through `handle`'s runtime.
    pub fn new(image: &'a Image, view: &'a MergedView, handle: tokio::runtime::Handle) -> Self {
        ImageTree {
            image,
            view,
            handle,
            prefetched: None,
        }
    }

    /// Serves reads from what the first pass kept; only the rest streams the layers again.
    pub(crate) fn with_prefetched(mut self, prefetched: &'a Prefetched) -> Self {
        self.prefetched = Some(prefetched);
        self
    }

    /// The kept content of the final version of `resolved`, if the first pass kept it.
    fn kept(&self, resolved: &str) -> Option<Vec<u8>> {
        let (_, at) = self.view.content_ref(resolved)?;
        match self.prefetched?.get(at.layer, &at.path)? {
            Kept::Bytes(b) => Some(b.clone()),
            Kept::Irrelevant => Some(Vec::new()),
        }
    }
}

impl FileTree for ImageTree<'_> {
    fn entries(&self) -> Vec<FileEntry> {
        let layers = self.image.layers();
        self.view
            .iter()
            .filter_map(|(path, node)| {
                let kind = match node.kind {
                    OciKind::File | OciKind::Hardlink => EntryKind::File,
                    OciKind::Dir => EntryKind::Dir,
                    OciKind::Symlink => EntryKind::Symlink,
                    _ => return None,
                };
                Some(FileEntry {
                    path: path.to_string(),
                    kind,
                    size: node.size,
                    mode: node.mode,
                    link_target: (kind == EntryKind::Symlink)
                        .then(|| node.link_target.clone())
                        .flatten(),
                    layer: layers.get(node.layer).map(|l| LayerRef {
                        index: node.layer,
                        digest: Some(l.digest.to_string()),
                    }),
                })
            })
            .collect()
    }

    fn read_files(&self, paths: &[&str], limit_per_file: u64) -> Vec<ReadResult> {
        let mut wanted = Vec::new();
        let mut results = Vec::new();
        for &path in paths {
            let resolved = self.view.resolve(path).unwrap_or_else(|| path.to_string());
            match self.view.get(&resolved) {
                Some(node) if node.size > limit_per_file => results.push((
                    path.to_string(),
                    Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "{path} is {} bytes, over the {limit_per_file}-byte limit",
                            node.size
                        ),
                    )),
                )),
                Some(_) => match self.kept(&resolved) {
                    Some(content) => results.push((path.to_string(), Ok(content))),
                    None => wanted.push((path, resolved)),
                },
                None => results.push((path.to_string(), Err(io::ErrorKind::NotFound.into()))),
            }
        }
        if wanted.is_empty() {
            return results;
        }
        let to_read: Vec<&str> = wanted.iter().map(|(_, r)| r.as_str()).collect();
        match self.handle.block_on(self.view.read(self.image, &to_read)) {
            Ok(mut contents) => {
                for (asked, resolved) in wanted {
                    let content = contents
                        .remove(&resolved)
                        .ok_or_else(|| io::ErrorKind::NotFound.into());
                    results.push((asked.to_string(), content));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for (asked, _) in wanted {
                    results.push((asked.to_string(), Err(io::Error::other(message.clone()))));
                }
            }
        }
        results
    }
}
