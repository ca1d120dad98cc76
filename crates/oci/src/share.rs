//! One streaming pass over the layers, shared by several readers.
//!
//! Decompressing the layers is most of the cost of reading an image. The merged
//! view, the package catalogue and the secret scan all need every layer, so they
//! share one pass: [`Image::filesystem_with`](crate::Image::filesystem_with) builds
//! the merged view and hands each entry to a [`ContentVisitor`] as it streams.
//!
//! A content visitor sees every entry's metadata and says whether it wants the
//! content; the content is read once into a buffer and given to every visitor that
//! asked ([`SharedPass`] for several visitors chosen at run time, [`Content`] for
//! one). Visitors cannot fail the walk: what they do with a file is their business,
//! while errors of the walk itself (integrity, limits, I/O) stop it for everyone.

use crate::layer::{EntryKind, EntryMeta, Layer, LayerEntry, LayerVisitor};
use crate::Result;

/// A reader of file contents during a shared pass over the layers.
pub trait ContentVisitor: Send {
    /// Called before the first entry of a layer.
    fn start_layer(&mut self, layer: &Layer) {
        let _ = layer;
    }

    /// Called for every entry of the layer, in tar order; returns true to receive
    /// the content of this regular file through [`ContentVisitor::content`].
    fn entry(&mut self, layer: &Layer, meta: &EntryMeta) -> bool;

    /// The whole content of a file [`ContentVisitor::entry`] asked for.
    fn content(&mut self, layer: &Layer, meta: &EntryMeta, data: &[u8]);

    /// Called after the layer was fully read and verified.
    fn end_layer(&mut self, layer: &Layer) {
        let _ = layer;
    }
}

impl<T: ContentVisitor + ?Sized> ContentVisitor for Box<T> {
    fn start_layer(&mut self, layer: &Layer) {
        (**self).start_layer(layer);
    }

    fn entry(&mut self, layer: &Layer, meta: &EntryMeta) -> bool {
        (**self).entry(layer, meta)
    }

    fn content(&mut self, layer: &Layer, meta: &EntryMeta, data: &[u8]) {
        (**self).content(layer, meta, data);
    }

    fn end_layer(&mut self, layer: &Layer) {
        (**self).end_layer(layer);
    }
}

/// Several content visitors on one pass; each file's content is read at most once.
pub struct SharedPass<V = Box<dyn ContentVisitor>> {
    visitors: Vec<V>,
    asked: Vec<usize>,
    buf: ContentBuffer,
}

impl<V: ContentVisitor> SharedPass<V> {
    /// A pass feeding `visitors`, in order.
    pub fn new(visitors: Vec<V>) -> Self {
        SharedPass {
            visitors,
            asked: Vec::new(),
            buf: ContentBuffer::default(),
        }
    }

    /// The visitors, back after the walk.
    pub fn into_visitors(self) -> Vec<V> {
        self.visitors
    }
}

impl<V: ContentVisitor> LayerVisitor for SharedPass<V> {
    fn start_layer(&mut self, layer: &Layer) -> Result<()> {
        self.visitors.iter_mut().for_each(|v| v.start_layer(layer));
        Ok(())
    }

    fn entry(&mut self, layer: &Layer, entry: &mut LayerEntry<'_>) -> Result<()> {
        self.asked.clear();
        for (i, v) in self.visitors.iter_mut().enumerate() {
            if v.entry(layer, entry.meta()) {
                self.asked.push(i);
            }
        }
        if self.asked.is_empty() || !has_content(entry.meta()) {
            return Ok(());
        }
        let data = self.buf.fill(entry)?;
        for &i in &self.asked {
            self.visitors[i].content(layer, entry.meta(), data);
        }
        Ok(())
    }

    fn end_layer(&mut self, layer: &Layer) -> Result<()> {
        self.visitors.iter_mut().for_each(|v| v.end_layer(layer));
        Ok(())
    }
}

/// One content visitor walked on its own (a [`LayerVisitor`] around it).
pub struct Content<V>(pub V);

impl<V: ContentVisitor> LayerVisitor for Content<V> {
    fn start_layer(&mut self, layer: &Layer) -> Result<()> {
        self.0.start_layer(layer);
        Ok(())
    }

    fn entry(&mut self, layer: &Layer, entry: &mut LayerEntry<'_>) -> Result<()> {
        if self.0.entry(layer, entry.meta()) && has_content(entry.meta()) {
            let data = entry.read_all()?;
            self.0.content(layer, entry.meta(), &data);
        }
        Ok(())
    }

    fn end_layer(&mut self, layer: &Layer) -> Result<()> {
        self.0.end_layer(layer);
        Ok(())
    }
}

/// Two visitors on one pass: the first must not read content (the merged view's
/// builder reads metadata only), so the second still can.
pub(crate) struct Pair<A, B>(pub A, pub B);

impl<A: LayerVisitor, B: LayerVisitor> LayerVisitor for Pair<A, B> {
    fn start_layer(&mut self, layer: &Layer) -> Result<()> {
        self.0.start_layer(layer)?;
        self.1.start_layer(layer)
    }

    fn entry(&mut self, layer: &Layer, entry: &mut LayerEntry<'_>) -> Result<()> {
        self.0.entry(layer, entry)?;
        self.1.entry(layer, entry)
    }

    fn end_layer(&mut self, layer: &Layer) -> Result<()> {
        self.0.end_layer(layer)?;
        self.1.end_layer(layer)
    }
}

/// The buffer file contents are read into, reused from file to file; one that grew
/// for a big file is let go, so a 500 MB binary early in the walk does not stay
/// allocated for the rest of it.
#[derive(Default)]
struct ContentBuffer(Vec<u8>);

impl ContentBuffer {
    /// Past this capacity the buffer is freed after use.
    const KEEP: usize = 16 << 20;

    fn fill(&mut self, entry: &mut LayerEntry<'_>) -> Result<&[u8]> {
        if self.0.capacity() > Self::KEEP {
            self.0 = Vec::new();
        }
        entry.read_all_into(&mut self.0)?;
        Ok(&self.0)
    }
}

fn has_content(meta: &EntryMeta) -> bool {
    meta.kind == EntryKind::File && meta.size > 0
}
