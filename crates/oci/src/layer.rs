//! Layer decoding and tar walking: decompression, path normalisation, limits.
//!
//! One layer is read as a chain
//! `blob → VerifyingReader (digest+size) → gzip/zstd/plain → counting+diff_id hasher → tar`.
//! Each tar entry is handed to a [`LayerVisitor`] with a normalised path
//! inside a virtual root (`/` + components; `..` never climbs above `/`,
//! absolute paths are made relative to `/`), its type, mode, owner, size
//! and link target; the visitor may read the content (bounded). Nothing is
//! written to disk and no link is ever followed here.
//!
//! After the last entry the rest of the stream is drained so the diff_id
//! and the blob digest are always checked; [`LayerVisitor::end_layer`] runs
//! only after both matched, so a visitor can treat a layer's data as
//! verified from then on.
//!
//! Hostile input: entries that climb out of the root, absolute paths,
//! links pointing outside the root, device nodes and duplicate entries are
//! reported as [`Anomaly`]s on the entry (and never acted on); oversized
//! entries, too many entries and too much uncompressed data (decompression
//! bombs) stop the walk with [`Error::LimitExceeded`] naming layer and path.

use std::cell::Cell;
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;

use serde::Serialize;

use crate::digest::{Digest, Hasher, VerifyingReader};
use crate::error::{Error, Result};
use crate::manifest::Compression;

/// Limits applied while reading an image. All sizes are bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Total uncompressed bytes over all layers of one walk (decompression-bomb guard).
    pub max_total_uncompressed: u64,
    /// Largest single tar entry.
    pub max_file_size: u64,
    /// Most tar entries over all layers of one walk.
    pub max_entries: u64,
    /// Largest path (bytes) of a tar entry.
    pub max_path_len: usize,
    /// Largest manifest or index.
    pub max_manifest_size: u64,
    /// Largest image config.
    pub max_config_size: u64,
    /// Most layers in one image.
    pub max_layers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_uncompressed: 64 << 30,
            max_file_size: 8 << 30,
            max_entries: 5_000_000,
            max_path_len: 4096,
            max_manifest_size: 4 << 20,
            max_config_size: 16 << 20,
            max_layers: 1000,
        }
    }
}

/// One layer of an image, as listed by its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// Position in the manifest, base layer is 0.
    pub index: usize,
    /// Digest of the blob as stored (compressed).
    pub digest: Digest,
    /// Size of the blob as stored.
    pub size: u64,
    /// Media type from the manifest (synthesised for docker archives).
    pub media_type: String,
    /// Digest of the uncompressed tar, from the config's `rootfs.diff_ids`.
    pub diff_id: Option<Digest>,
}

impl Layer {
    /// A label for messages: `layer 2 (sha256:0123456789ab)`.
    pub fn label(&self) -> String {
        format!("layer {} ({})", self.index, self.digest.short())
    }
}

/// The type of a tar entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link (`link_target` is the raw target).
    Symlink,
    /// Hard link (`link_target` is the normalised path of the linked file).
    Hardlink,
    /// Character device (recorded, never read).
    CharDevice,
    /// Block device (recorded, never read).
    BlockDevice,
    /// Named pipe (recorded, never read).
    Fifo,
    /// A whiteout (`.wh.NAME`): `path` is the deleted path.
    Whiteout,
    /// An opaque-directory marker (`.wh..wh..opq`): `path` is the directory.
    OpaqueWhiteout,
    /// Any other tar entry type (its byte is in `raw_type`).
    Other,
}

/// Something suspicious about a tar entry. The entry is still handled safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anomaly {
    /// The tar path was absolute (it is taken relative to the root).
    AbsolutePath,
    /// The tar path climbed above the root with `..` (clamped at the root).
    PathTraversal,
    /// A symlink or hardlink target points outside the root.
    LinkEscapesRoot,
    /// A device node (never read).
    DeviceNode,
    /// The same path appeared earlier in the same layer (the later entry wins).
    DuplicateEntry,
    /// The path was not valid UTF-8 (shown lossily).
    NonUtf8Path,
}

/// Metadata of one tar entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryMeta {
    /// Normalised absolute path inside the image (`/etc/passwd`; `/` for the root).
    pub path: String,
    /// The path as written in the tar (lossy UTF-8).
    pub raw_path: String,
    /// Entry type.
    pub kind: EntryKind,
    /// The tar type byte.
    pub raw_type: u8,
    /// Permission bits (and setuid/setgid/sticky).
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
    /// Content size (regular files); 0 for others.
    pub size: u64,
    /// Modification time (seconds since the epoch).
    pub mtime: u64,
    /// Symlink target (raw) or hardlink target (normalised path).
    pub link_target: Option<String>,
    /// Device major/minor for device nodes.
    pub device: Option<(u32, u32)>,
    /// Suspicious properties.
    pub anomalies: Vec<Anomaly>,
}

/// One tar entry handed to a [`LayerVisitor`]: metadata plus a bounded content stream.
///
/// The content can be read once (any mix of [`LayerEntry::read_prefix`],
/// [`LayerEntry::read_all`] and [`LayerEntry::reader`] continues where the
/// last stopped); what is not read is skipped.
pub struct LayerEntry<'a> {
    meta: EntryMeta,
    content: &'a mut dyn Read,
    remaining: u64,
}

impl<'a> LayerEntry<'a> {
    pub(crate) fn new(meta: EntryMeta, content: &'a mut dyn Read) -> Self {
        let remaining = if meta.kind == EntryKind::File {
            meta.size
        } else {
            0
        };
        LayerEntry {
            meta,
            content,
            remaining,
        }
    }

    /// The entry's metadata.
    pub fn meta(&self) -> &EntryMeta {
        &self.meta
    }

    /// The normalised path.
    pub fn path(&self) -> &str {
        &self.meta.path
    }

    /// The entry type.
    pub fn kind(&self) -> EntryKind {
        self.meta.kind
    }

    /// True for regular files (the only entries with content).
    pub fn has_content(&self) -> bool {
        self.meta.kind == EntryKind::File
    }

    /// Reads the rest of the content (at most `Limits::max_file_size`, checked before the visitor runs).
    pub fn read_all(&mut self) -> Result<Vec<u8>> {
        let n = self.remaining;
        self.read_up_to(n)
    }

    /// Reads the rest of the content into `buf` (cleared first), so a caller reading
    /// many files reuses one allocation instead of faulting in fresh pages per file.
    pub fn read_all_into(&mut self, buf: &mut Vec<u8>) -> Result<()> {
        buf.clear();
        buf.reserve(self.remaining.min(usize::MAX as u64) as usize);
        let want = self.remaining;
        let path = self.meta.path.clone();
        self.reader()
            .take(want)
            .read_to_end(buf)
            .map_err(|e| Error::io(format!("reading {path}"), e))?;
        Ok(())
    }

    /// Reads up to `max` more bytes of content.
    pub fn read_prefix(&mut self, max: usize) -> Result<Vec<u8>> {
        self.read_up_to(max as u64)
    }

    fn read_up_to(&mut self, max: u64) -> Result<Vec<u8>> {
        let want = max.min(self.remaining);
        let mut buf = Vec::with_capacity(want.min(1 << 20) as usize);
        let path = self.meta.path.clone();
        self.reader()
            .take(want)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(format!("reading {path}"), e))?;
        Ok(buf)
    }

    /// A reader over the rest of the content.
    pub fn reader<'s>(&'s mut self) -> impl Read + use<'s, 'a> {
        ContentReader { entry: self }
    }
}

struct ContentReader<'b, 'a> {
    entry: &'b mut LayerEntry<'a>,
}

impl Read for ContentReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let max = (buf.len() as u64).min(self.entry.remaining) as usize;
        if max == 0 {
            return Ok(0);
        }
        let n = self.entry.content.read(&mut buf[..max])?;
        self.entry.remaining -= n as u64;
        Ok(n)
    }
}

/// Receives the entries of each layer, in order, during a walk.
///
/// Content delivered by [`LayerVisitor::entry`] has not been verified yet;
/// [`LayerVisitor::end_layer`] is called only once the layer's digest (and
/// diff_id, when known) matched. If any check fails the walk returns the
/// error and `end_layer` is not called for that layer.
pub trait LayerVisitor: Send {
    /// Called before the first entry of a layer.
    fn start_layer(&mut self, layer: &Layer) -> Result<()> {
        let _ = layer;
        Ok(())
    }

    /// Called for every entry of the layer, in tar order.
    fn entry(&mut self, layer: &Layer, entry: &mut LayerEntry<'_>) -> Result<()>;

    /// Called after the layer was fully read and verified.
    fn end_layer(&mut self, layer: &Layer) -> Result<()> {
        let _ = layer;
        Ok(())
    }
}

/// Running totals shared by the layers of one walk.
#[derive(Debug, Default, Clone)]
pub(crate) struct WalkBudget {
    pub uncompressed: u64,
    pub entries: u64,
}

/// Decompressor over a buffered, verifying blob reader.
enum Decoder<R: BufRead> {
    Plain(R),
    Gzip(Box<flate2::bufread::MultiGzDecoder<R>>),
    Zstd(Box<zstd::stream::read::Decoder<'static, R>>),
}

impl<R: BufRead> Decoder<R> {
    fn new(mut inner: R, what: &str) -> Result<Self> {
        let prefix = inner
            .fill_buf()
            .map_err(|e| Error::io(format!("reading {what}"), e))?;
        let compression = Compression::sniff(prefix)?;
        Ok(match compression {
            Compression::None => Decoder::Plain(inner),
            Compression::Gzip => {
                Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(inner)))
            }
            Compression::Zstd => Decoder::Zstd(Box::new(
                zstd::stream::read::Decoder::with_buffer(inner)
                    .map_err(|e| Error::io(format!("starting zstd decoder for {what}"), e))?,
            )),
        })
    }

    fn into_inner(self) -> R {
        match self {
            Decoder::Plain(r) => r,
            Decoder::Gzip(d) => d.into_inner(),
            Decoder::Zstd(d) => d.finish(),
        }
    }
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(d) => d.read(buf),
            Decoder::Zstd(d) => d.read(buf),
        }
    }
}

/// Most bytes of tar metadata (headers, GNU long names, PAX records, sparse
/// maps) before one entry. The tar reader buffers long names and PAX
/// records whole, so without this bound one record could claim gigabytes.
pub const MAX_ENTRY_METADATA: u64 = 1 << 20;

/// Counts and hashes the uncompressed stream, enforcing the total-size budget
/// and, while armed, the metadata budget of the next entry.
struct Uncompressed<R> {
    inner: R,
    hasher: Option<Hasher>,
    count: u64,
    allowed: u64,
    limit: u64,
    label: String,
    /// Bytes the tar reader may still read before it hands out the next entry (`None`: disarmed).
    metadata_left: Rc<Cell<Option<u64>>>,
}

impl<R: Read> Read for Uncompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(left) = self.metadata_left.get() {
            if n as u64 > left {
                return Err(Error::LimitExceeded {
                    layer: self.label.clone(),
                    path: None,
                    what: "tar metadata of one entry (headers, long names, PAX records)".into(),
                    limit: MAX_ENTRY_METADATA,
                }
                .into_io());
            }
            self.metadata_left.set(Some(left - n as u64));
        }
        self.count += n as u64;
        if self.count > self.allowed {
            return Err(Error::LimitExceeded {
                layer: self.label.clone(),
                path: None,
                what: "total uncompressed size of the image".into(),
                limit: self.limit,
            }
            .into_io());
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Walks one layer blob (`raw` is the blob as stored), verifying it, and feeds `visitor`.
pub(crate) fn walk_layer<R: Read, V: LayerVisitor + ?Sized>(
    layer: &Layer,
    raw: R,
    limits: &Limits,
    budget: &mut WalkBudget,
    visitor: &mut V,
) -> Result<()> {
    walk_layer_blob(layer, raw, BlobState::Unverified, limits, budget, visitor)
}

/// Whether a layer blob's digest still has to be checked during the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlobState {
    /// Read from a local source (OCI layout, docker archive): hashed while it streams (fail closed).
    Unverified,
    /// Hashed already, into or out of the blob cache: only its size is checked.
    Verified,
}

/// [`walk_layer`] for a blob whose digest may already have been verified.
pub(crate) fn walk_layer_blob<R: Read, V: LayerVisitor + ?Sized>(
    layer: &Layer,
    raw: R,
    state: BlobState,
    limits: &Limits,
    budget: &mut WalkBudget,
    visitor: &mut V,
) -> Result<()> {
    let label = layer.label();
    let (digest, size) = (layer.digest.clone(), Some(layer.size));
    let verifying = match state {
        BlobState::Unverified => VerifyingReader::new(raw, digest, size, label.clone()),
        BlobState::Verified => VerifyingReader::already_verified(raw, digest, size, label.clone()),
    };
    let buffered = BufReader::with_capacity(64 * 1024, verifying);
    let decoder = Decoder::new(buffered, &label)?;
    let counted = Uncompressed {
        inner: decoder,
        hasher: layer.diff_id.as_ref().map(|d| Hasher::new(d.algorithm())),
        count: 0,
        allowed: limits
            .max_total_uncompressed
            .saturating_sub(budget.uncompressed),
        limit: limits.max_total_uncompressed,
        label: label.clone(),
        metadata_left: Rc::new(Cell::new(None)),
    };
    let metadata_left = Rc::clone(&counted.metadata_left);

    visitor.start_layer(layer)?;
    let mut archive = tar::Archive::new(counted);
    let walked = walk_entries(
        layer,
        &label,
        &mut archive,
        &metadata_left,
        limits,
        budget,
        visitor,
    );
    metadata_left.set(None);

    // Drain what the tar reader left (end blocks, padding) so the hashes see everything.
    let mut counted = archive.into_inner();
    let drained = walked.and_then(|()| {
        io::copy(&mut counted, &mut io::sink())
            .map(|_| ())
            .map_err(|e| Error::io(format!("reading {label}"), e))
    });
    budget.uncompressed += counted.count;
    let diff_hasher = counted.hasher.take();
    let verifying = counted.inner.into_inner().into_inner();
    if let Err(e) = drained {
        // A corrupted blob often shows first as a broken gzip or tar stream:
        // report the digest mismatch, the root cause, when there is one.
        return match verifying.finish() {
            Err(integrity @ Error::Integrity { .. }) => Err(integrity),
            _ => Err(e),
        };
    }
    if let (Some(expected), Some(hasher)) = (&layer.diff_id, diff_hasher) {
        let actual = hasher.finish();
        if &actual != expected {
            // Same here: a wrong blob digest explains a wrong diff_id.
            verifying.finish()?;
            return Err(Error::Integrity {
                what: format!("uncompressed content (diff_id) of {label}"),
                expected: expected.to_string(),
                actual: actual.to_string(),
            });
        }
    }
    verifying.finish()?;
    visitor.end_layer(layer)
}

fn walk_entries<R: Read, V: LayerVisitor + ?Sized>(
    layer: &Layer,
    label: &str,
    archive: &mut tar::Archive<R>,
    metadata_left: &Cell<Option<u64>>,
    limits: &Limits,
    budget: &mut WalkBudget,
    visitor: &mut V,
) -> Result<()> {
    let mut entries = archive
        .entries()
        .map_err(|e| Error::io(format!("reading tar of {label}"), e))?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut last_path: Option<String> = None;
    let with_path = |e: Error, last: &Option<String>| match e {
        Error::LimitExceeded {
            layer,
            path: None,
            what,
            limit,
        } => Error::LimitExceeded {
            layer,
            path: last.clone(),
            what,
            limit,
        },
        Error::Io { context, source } => Error::invalid_image(
            format!(
                "{label}{}",
                last.as_ref()
                    .map(|p| format!(" after {p}"))
                    .unwrap_or_default()
            ),
            format!("{context}: {source}"),
        ),
        other => other,
    };

    loop {
        // From here until the tar reader hands out the next entry, it reads metadata only.
        metadata_left.set(Some(MAX_ENTRY_METADATA));
        let next = entries.next();
        metadata_left.set(None);
        let mut entry = match next {
            None => break,
            Some(Ok(e)) => e,
            Some(Err(e)) => return Err(with_path(Error::io("reading tar entry", e), &last_path)),
        };
        budget.entries += 1;
        if budget.entries > limits.max_entries {
            return Err(Error::LimitExceeded {
                layer: label.to_string(),
                path: None,
                what: "number of tar entries".into(),
                limit: limits.max_entries,
            });
        }
        let meta = entry_meta(&mut entry, label, limits)?;
        if meta.kind == EntryKind::File && meta.size > limits.max_file_size {
            return Err(Error::LimitExceeded {
                layer: label.to_string(),
                path: Some(meta.path.clone()),
                what: format!("file size ({} bytes)", meta.size),
                limit: limits.max_file_size,
            });
        }
        let mut meta = meta;
        if !seen.insert(meta.path.clone()) {
            meta.anomalies.push(Anomaly::DuplicateEntry);
        }
        if entry.header().entry_type().is_gnu_sparse() {
            // Holes are synthesised by the tar reader, not read from the
            // stream: charge the whole expanded size to the budget up front.
            budget.uncompressed = budget.uncompressed.saturating_add(meta.size);
            if budget.uncompressed > limits.max_total_uncompressed {
                return Err(Error::LimitExceeded {
                    layer: label.to_string(),
                    path: Some(meta.path.clone()),
                    what: "total uncompressed size of the image (sparse file)".into(),
                    limit: limits.max_total_uncompressed,
                });
            }
        }
        let path = meta.path.clone();
        let mut le = LayerEntry::new(meta, &mut entry);
        visitor
            .entry(layer, &mut le)
            .map_err(|e| with_path(e, &Some(path.clone())))?;
        // Skip the unread content now, so it is not counted as metadata.
        io::copy(&mut entry, &mut io::sink())
            .map_err(|e| with_path(Error::io("reading tar entry", e), &Some(path.clone())))?;
        last_path = Some(path);
    }
    Ok(())
}

fn entry_meta<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    label: &str,
    limits: &Limits,
) -> Result<EntryMeta> {
    let raw_bytes = entry.path_bytes().into_owned();
    let mut anomalies = Vec::new();
    if raw_bytes.len() > limits.max_path_len {
        return Err(Error::LimitExceeded {
            layer: label.to_string(),
            path: Some(
                String::from_utf8_lossy(&raw_bytes[..200.min(raw_bytes.len())]).into_owned() + "…",
            ),
            what: format!("path length ({} bytes)", raw_bytes.len()),
            limit: limits.max_path_len as u64,
        });
    }
    let raw_path = match String::from_utf8(raw_bytes) {
        Ok(s) => s,
        Err(e) => {
            anomalies.push(Anomaly::NonUtf8Path);
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let (mut path, path_anomalies) = normalise_path(&raw_path);
    anomalies.extend(path_anomalies);

    let header = entry.header();
    let raw_type = header.entry_type().as_byte();
    let mode = header.mode().unwrap_or(0o644);
    let uid = header.uid().unwrap_or(0);
    let gid = header.gid().unwrap_or(0);
    let mtime = header.mtime().unwrap_or(0);
    let et = header.entry_type();
    let mut kind = if et.is_file() || et.is_gnu_sparse() || et == tar::EntryType::Continuous {
        EntryKind::File
    } else if et.is_dir() {
        EntryKind::Dir
    } else if et.is_symlink() {
        EntryKind::Symlink
    } else if et.is_hard_link() {
        EntryKind::Hardlink
    } else if et.is_character_special() {
        EntryKind::CharDevice
    } else if et.is_block_special() {
        EntryKind::BlockDevice
    } else if et.is_fifo() {
        EntryKind::Fifo
    } else {
        EntryKind::Other
    };
    let device = if matches!(kind, EntryKind::CharDevice | EntryKind::BlockDevice) {
        anomalies.push(Anomaly::DeviceNode);
        let major = header.device_major().ok().flatten().unwrap_or(0);
        let minor = header.device_minor().ok().flatten().unwrap_or(0);
        Some((major, minor))
    } else {
        None
    };
    let link_target = match kind {
        EntryKind::Symlink | EntryKind::Hardlink => {
            let raw = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if kind == EntryKind::Symlink {
                if symlink_escapes(&path, &raw) {
                    anomalies.push(Anomaly::LinkEscapesRoot);
                }
                Some(raw)
            } else {
                let (target, target_anomalies) = normalise_path(&raw);
                if target_anomalies.contains(&Anomaly::PathTraversal) {
                    anomalies.push(Anomaly::LinkEscapesRoot);
                }
                Some(target)
            }
        }
        _ => None,
    };

    // Whiteouts are recognised on the normalised basename.
    if let Some((parent, base)) = split_parent(&path) {
        if base == ".wh..wh..opq" {
            kind = EntryKind::OpaqueWhiteout;
            path = parent.to_string();
        } else if let Some(name) = base.strip_prefix(".wh.") {
            if name.starts_with(".wh.") || name.is_empty() {
                // AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): not a deletion.
                kind = EntryKind::Other;
            } else {
                kind = EntryKind::Whiteout;
                path = join(parent, name);
            }
        }
    }

    let size = if kind == EntryKind::File {
        entry.size()
    } else {
        0
    };
    Ok(EntryMeta {
        path,
        raw_path,
        kind,
        raw_type,
        mode,
        uid,
        gid,
        size,
        mtime,
        link_target,
        device,
        anomalies,
    })
}

/// Normalises a tar path into `/a/b` form inside the virtual root.
pub fn normalise_path(raw: &str) -> (String, Vec<Anomaly>) {
    let mut anomalies = Vec::new();
    if raw.starts_with('/') {
        anomalies.push(Anomaly::AbsolutePath);
    }
    let mut parts: Vec<&str> = Vec::new();
    for c in raw.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() && !anomalies.contains(&Anomaly::PathTraversal) {
                    anomalies.push(Anomaly::PathTraversal);
                }
            }
            c => parts.push(c),
        }
    }
    (format!("/{}", parts.join("/")), anomalies)
}

/// True when a relative symlink target climbs above the root from `link_path`'s directory.
fn symlink_escapes(link_path: &str, target: &str) -> bool {
    if target.starts_with('/') {
        // Absolute targets are resolved against the image root, never the host.
        return normalise_path(target).1.contains(&Anomaly::PathTraversal);
    }
    let dir = split_parent(link_path).map(|(p, _)| p).unwrap_or("/");
    let mut depth = dir.split('/').filter(|c| !c.is_empty()).count() as i64;
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

/// Splits `/a/b/c` into (`/a/b`, `c`); `None` for `/`.
pub(crate) fn split_parent(path: &str) -> Option<(&str, &str)> {
    if path == "/" {
        return None;
    }
    let i = path.rfind('/')?;
    let parent = if i == 0 { "/" } else { &path[..i] };
    Some((parent, &path[i + 1..]))
}

pub(crate) fn join(parent: &str, name: &str) -> String {
    if parent == "/" {
        format!("/{name}")
    } else {
        format!("{parent}/{name}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::io::Write;

    /// Builds a tar in memory. Entries: (path, type, content, link).
    pub(crate) struct TarBuilder {
        buf: Vec<u8>,
    }

    impl TarBuilder {
        pub(crate) fn new() -> Self {
            TarBuilder { buf: Vec::new() }
        }

        fn header(path: &[u8], et: tar::EntryType, size: u64, mode: u32) -> tar::Header {
            let mut h = tar::Header::new_gnu();
            // Raw name bytes so hostile paths (.., absolute) are kept verbatim.
            let name = &mut h.as_old_mut().name;
            name[..path.len()].copy_from_slice(path);
            h.set_entry_type(et);
            h.set_size(size);
            h.set_mode(mode);
            h.set_uid(0);
            h.set_gid(0);
            h.set_mtime(1_700_000_000);
            h.set_cksum();
            h
        }

        pub(crate) fn file(mut self, path: &str, content: &[u8]) -> Self {
            let h = Self::header(
                path.as_bytes(),
                tar::EntryType::Regular,
                content.len() as u64,
                0o644,
            );
            self.append(h, content);
            self
        }

        pub(crate) fn dir(mut self, path: &str) -> Self {
            let h = Self::header(path.as_bytes(), tar::EntryType::Directory, 0, 0o755);
            self.append(h, &[]);
            self
        }

        pub(crate) fn link(mut self, path: &str, et: tar::EntryType, target: &str) -> Self {
            let mut h = Self::header(path.as_bytes(), et, 0, 0o777);
            let ln = &mut h.as_old_mut().linkname;
            ln[..target.len()].copy_from_slice(target.as_bytes());
            h.set_cksum();
            self.append(h, &[]);
            self
        }

        pub(crate) fn device(
            mut self,
            path: &str,
            et: tar::EntryType,
            major: u32,
            minor: u32,
        ) -> Self {
            let mut h = Self::header(path.as_bytes(), et, 0, 0o600);
            h.set_device_major(major).unwrap();
            h.set_device_minor(minor).unwrap();
            h.set_cksum();
            self.append(h, &[]);
            self
        }

        /// A header that claims `size` bytes but carries `content` (for truncation tests).
        pub(crate) fn raw(mut self, h: tar::Header, content: &[u8]) -> Self {
            self.append(h, content);
            self
        }

        fn append(&mut self, h: tar::Header, content: &[u8]) {
            self.buf.extend_from_slice(h.as_bytes());
            self.buf.extend_from_slice(content);
            let pad = (512 - content.len() % 512) % 512;
            self.buf.extend(std::iter::repeat_n(0u8, pad));
        }

        pub(crate) fn finish(mut self) -> Vec<u8> {
            self.buf.extend(std::iter::repeat_n(0u8, 1024));
            self.buf
        }
    }

    pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    pub(crate) fn layer_for(index: usize, blob: &[u8], tar: &[u8], media_type: &str) -> Layer {
        Layer {
            index,
            digest: Digest::sha256(blob),
            size: blob.len() as u64,
            media_type: media_type.into(),
            diff_id: Some(Digest::sha256(tar)),
        }
    }

    #[derive(Default)]
    pub(crate) struct Collect {
        pub(crate) entries: Vec<(EntryMeta, Vec<u8>)>,
        pub(crate) ended: usize,
    }

    impl LayerVisitor for Collect {
        fn entry(&mut self, _layer: &Layer, entry: &mut LayerEntry<'_>) -> Result<()> {
            let content = if entry.has_content() {
                entry.read_all()?
            } else {
                Vec::new()
            };
            self.entries.push((entry.meta().clone(), content));
            Ok(())
        }
        fn end_layer(&mut self, _layer: &Layer) -> Result<()> {
            self.ended += 1;
            Ok(())
        }
    }

    fn walk(blob: &[u8], layer: &Layer, limits: &Limits) -> Result<Collect> {
        let mut c = Collect::default();
        walk_layer(layer, blob, limits, &mut WalkBudget::default(), &mut c)?;
        Ok(c)
    }

    #[test]
    fn plain_gzip_and_zstd_layers() {
        let tar = TarBuilder::new()
            .dir("etc/")
            .file("etc/hostname", b"box\n")
            .finish();
        let gz = gzip(&tar);
        let zs = zstd::stream::encode_all(&tar[..], 3).unwrap();
        for (blob, mt) in [
            (&tar, crate::manifest::media_type::OCI_LAYER),
            (&gz, crate::manifest::media_type::OCI_LAYER_GZIP),
            (&zs, crate::manifest::media_type::OCI_LAYER_ZSTD),
        ] {
            let layer = layer_for(0, blob, &tar, mt);
            let c = walk(blob, &layer, &Limits::default()).unwrap();
            assert_eq!(c.ended, 1);
            let paths: Vec<_> = c.entries.iter().map(|(m, _)| m.path.as_str()).collect();
            assert_eq!(paths, ["/etc", "/etc/hostname"]);
            assert_eq!(c.entries[1].1, b"box\n");
            assert_eq!(c.entries[1].0.kind, EntryKind::File);
        }
    }

    #[test]
    fn blob_digest_mismatch_fails_closed() {
        let tar = TarBuilder::new().file("a", b"1").finish();
        let gz = gzip(&tar);
        let mut layer = layer_for(0, &gz, &tar, "x");
        layer.digest = Digest::sha256(b"something else");
        let e = walk(&gz, &layer, &Limits::default()).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    }

    #[test]
    fn corruption_inside_a_gzip_stream_is_reported_as_integrity() {
        let tar = TarBuilder::new()
            .file("a", &[b'x'; 20_000])
            .file("b", &[b'y'; 20_000])
            .finish();
        let gz = gzip(&tar);
        let layer = layer_for(0, &gz, &tar, "x");
        for pos in [10, gz.len() / 3, gz.len() / 2, gz.len() - 6] {
            let mut bad = gz.clone();
            bad[pos] ^= 0x55;
            let e = walk(&bad, &layer, &Limits::default()).err().unwrap();
            assert_eq!(e.kind(), ErrorKind::Integrity, "byte {pos}: {e}");
        }
    }

    #[test]
    fn zstd_with_several_frames_and_trailing_data() {
        let tar = TarBuilder::new().file("a", b"1").file("b", b"2").finish();
        let (first, second) = tar.split_at(512);
        let mut zs = zstd::stream::encode_all(first, 1).unwrap();
        zs.extend(zstd::stream::encode_all(second, 19).unwrap());
        let layer = layer_for(0, &zs, &tar, "x");
        let c = walk(&zs, &layer, &Limits::default()).unwrap();
        assert_eq!(c.entries.len(), 2);
        let mut junk = zs.clone();
        junk.extend_from_slice(b"trailing junk");
        let layer = layer_for(0, &junk, &tar, "x");
        assert!(
            walk(&junk, &layer, &Limits::default()).is_err(),
            "garbage after the frames"
        );
    }

    #[test]
    fn diff_id_mismatch_fails_closed() {
        let tar = TarBuilder::new().file("a", b"1").finish();
        let gz = gzip(&tar);
        let mut layer = layer_for(0, &gz, &tar, "x");
        layer.diff_id = Some(Digest::sha256(b"other"));
        let mut c = Collect::default();
        let e = walk_layer(
            &layer,
            &gz[..],
            &Limits::default(),
            &mut WalkBudget::default(),
            &mut c,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Integrity);
        assert!(e.to_string().contains("diff_id"), "{e}");
        assert_eq!(c.ended, 0, "end_layer must not run for an unverified layer");
    }

    #[test]
    fn size_mismatch_fails_closed() {
        let tar = TarBuilder::new().file("a", b"1").finish();
        let mut layer = layer_for(0, &tar, &tar, "x");
        layer.size += 1;
        assert_eq!(
            walk(&tar, &layer, &Limits::default()).err().unwrap().kind(),
            ErrorKind::Integrity
        );
    }

    #[test]
    fn hostile_paths_are_normalised() {
        let tar = TarBuilder::new()
            .file("../../etc/evil", b"x")
            .file("/abs/file", b"y")
            .file("./a/./b/../c", b"z")
            .link("a/up", tar::EntryType::Symlink, "../../../../etc/shadow")
            .link("a/abs", tar::EntryType::Symlink, "/etc/shadow")
            .link("a/ok", tar::EntryType::Symlink, "../c")
            .link("a/hl", tar::EntryType::Link, "../../outside")
            .device("dev/sda", tar::EntryType::Block, 8, 0)
            .device("dev/null", tar::EntryType::Char, 1, 3)
            .file("a/c", b"first")
            .file("a/c", b"second")
            .finish();
        let layer = layer_for(0, &tar, &tar, "x");
        let c = walk(&tar, &layer, &Limits::default()).unwrap();
        let get = |p: &str| {
            c.entries
                .iter()
                .filter(|(m, _)| m.path == p)
                .collect::<Vec<_>>()
        };
        let evil = get("/etc/evil");
        assert_eq!(evil[0].0.anomalies, [Anomaly::PathTraversal]);
        assert_eq!(evil[0].0.raw_path, "../../etc/evil");
        assert_eq!(get("/abs/file")[0].0.anomalies, [Anomaly::AbsolutePath]);
        assert!(
            get("/a/c").len() == 3,
            "normalised ./a/./b/../c plus two duplicates"
        );
        assert_eq!(get("/a/up")[0].0.anomalies, [Anomaly::LinkEscapesRoot]);
        assert_eq!(
            get("/a/up")[0].0.link_target.as_deref(),
            Some("../../../../etc/shadow")
        );
        assert!(get("/a/abs")[0].0.anomalies.is_empty());
        assert!(get("/a/ok")[0].0.anomalies.is_empty());
        let hl = &get("/a/hl")[0].0;
        assert_eq!(hl.kind, EntryKind::Hardlink);
        assert_eq!(hl.link_target.as_deref(), Some("/outside"));
        assert!(hl.anomalies.contains(&Anomaly::LinkEscapesRoot));
        let sda = &get("/dev/sda")[0].0;
        assert_eq!(sda.kind, EntryKind::BlockDevice);
        assert_eq!(sda.device, Some((8, 0)));
        assert_eq!(sda.size, 0);
        assert!(sda.anomalies.contains(&Anomaly::DeviceNode));
        let dups = get("/a/c");
        assert!(dups[2].0.anomalies.contains(&Anomaly::DuplicateEntry));
        assert_eq!(dups[2].1, b"second");
    }

    #[test]
    fn whiteouts_are_recognised() {
        let tar = TarBuilder::new()
            .file("etc/.wh.passwd", b"")
            .file("var/cache/.wh..wh..opq", b"")
            .file(".wh.root-file", b"")
            .file("x/.wh..wh.plnk", b"")
            .finish();
        let layer = layer_for(0, &tar, &tar, "x");
        let c = walk(&tar, &layer, &Limits::default()).unwrap();
        let kinds: Vec<_> = c
            .entries
            .iter()
            .map(|(m, _)| (m.path.as_str(), m.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("/etc/passwd", EntryKind::Whiteout),
                ("/var/cache", EntryKind::OpaqueWhiteout),
                ("/root-file", EntryKind::Whiteout),
                ("/x/.wh..wh.plnk", EntryKind::Other),
            ]
        );
    }

    #[test]
    fn oversized_file_names_layer_and_path() {
        let tar = TarBuilder::new().file("big/file", &[7u8; 5000]).finish();
        let layer = layer_for(3, &tar, &tar, "x");
        let limits = Limits {
            max_file_size: 4096,
            ..Limits::default()
        };
        let e = walk(&tar, &layer, &limits).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::Limit);
        let s = e.to_string();
        assert!(s.contains("layer 3") && s.contains("/big/file"), "{s}");
    }

    #[test]
    fn decompression_bomb_hits_the_total_limit() {
        // 64 MiB of zeros compresses to ~64 KiB.
        let zeros = vec![0u8; 64 << 20];
        let tar = TarBuilder::new().file("bomb", &zeros).finish();
        let gz = gzip(&tar);
        assert!(gz.len() < 1 << 20);
        let layer = layer_for(1, &gz, &tar, "x");
        let limits = Limits {
            max_total_uncompressed: 8 << 20,
            ..Limits::default()
        };
        // The visitor does not even read the content: skipping it still counts.
        struct Skip;
        impl LayerVisitor for Skip {
            fn entry(&mut self, _: &Layer, _: &mut LayerEntry<'_>) -> Result<()> {
                Ok(())
            }
        }
        let e = walk_layer(
            &layer,
            &gz[..],
            &limits,
            &mut WalkBudget::default(),
            &mut Skip,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        let s = e.to_string();
        assert!(s.contains("layer 1") && s.contains("bomb"), "{s}");
    }

    #[test]
    fn budget_spans_layers_and_entry_count_is_limited() {
        let tar = TarBuilder::new().file("a", &[1u8; 3000]).finish();
        let layer = layer_for(0, &tar, &tar, "x");
        let limits = Limits {
            max_total_uncompressed: 6000,
            ..Limits::default()
        };
        let mut budget = WalkBudget::default();
        let mut c = Collect::default();
        walk_layer(&layer, &tar[..], &limits, &mut budget, &mut c).unwrap();
        let e = walk_layer(&layer, &tar[..], &limits, &mut budget, &mut c).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);

        let many = (0..20)
            .fold(TarBuilder::new(), |t, i| t.file(&format!("f{i}"), b""))
            .finish();
        let layer = layer_for(0, &many, &many, "x");
        let limits = Limits {
            max_entries: 10,
            ..Limits::default()
        };
        let e = walk(&many, &layer, &limits).err().unwrap();
        assert!(e.to_string().contains("number of tar entries"), "{e}");
    }

    #[test]
    fn truncated_and_garbage_tars_are_errors() {
        let mut h = tar::Header::new_gnu();
        h.set_path("f").unwrap();
        h.set_size(10_000);
        h.set_cksum();
        let truncated = TarBuilder::new().raw(h, b"short").buf;
        let layer = Layer {
            index: 0,
            digest: Digest::sha256(&truncated),
            size: truncated.len() as u64,
            media_type: "x".into(),
            diff_id: None,
        };
        assert!(walk(&truncated, &layer, &Limits::default()).is_err());

        let garbage = vec![0x42u8; 2048];
        let layer = Layer {
            digest: Digest::sha256(&garbage),
            size: garbage.len() as u64,
            ..layer
        };
        let e = walk(&garbage, &layer, &Limits::default()).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::InvalidImage, "{e}");
    }

    #[test]
    fn partial_reads_and_long_paths() {
        let long = format!("{}/file", "d".repeat(300));
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(10);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, &long, &b"0123456789"[..]).unwrap();
        let tar = b.into_inner().unwrap();
        let layer = layer_for(0, &tar, &tar, "x");
        struct Prefix(Vec<(String, Vec<u8>, Vec<u8>)>);
        impl LayerVisitor for Prefix {
            fn entry(&mut self, _: &Layer, e: &mut LayerEntry<'_>) -> Result<()> {
                let p = e.read_prefix(4)?;
                let rest = e.read_all()?;
                self.0.push((e.path().to_string(), p, rest));
                Ok(())
            }
        }
        let mut v = Prefix(Vec::new());
        walk_layer(
            &layer,
            &tar[..],
            &Limits::default(),
            &mut WalkBudget::default(),
            &mut v,
        )
        .unwrap();
        assert_eq!(v.0[0].0, format!("/{long}"));
        assert_eq!(v.0[0].1, b"0123");
        assert_eq!(v.0[0].2, b"456789");

        let limits = Limits {
            max_path_len: 100,
            ..Limits::default()
        };
        assert_eq!(
            walk(&tar, &layer, &limits).err().unwrap().kind(),
            ErrorKind::Limit
        );
    }

    #[test]
    fn path_helpers() {
        assert_eq!(normalise_path("").0, "/");
        assert_eq!(normalise_path("./").0, "/");
        assert_eq!(normalise_path("a//b/").0, "/a/b");
        assert_eq!(split_parent("/a/b"), Some(("/a", "b")));
        assert_eq!(split_parent("/a"), Some(("/", "a")));
        assert_eq!(split_parent("/"), None);
        assert!(symlink_escapes("/a/l", "../../x"));
        assert!(!symlink_escapes("/a/l", "../x"));
        assert!(!symlink_escapes("/l", "x/../y"));
    }
}
