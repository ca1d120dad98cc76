//! The merged filesystem view: what a container started from the image sees.
//!
//! Built from one metadata-only pass over the layers (no content is read or
//! written to disk). Layers are applied in order with overlay semantics:
//! `.wh.NAME` deletes `NAME` (and below) from lower layers, `.wh..wh..opq`
//! hides everything lower layers put in a directory, a non-directory
//! replacing a directory drops its contents, missing parent directories are
//! created implicitly. Every path keeps a history of which layer added,
//! modified or deleted it, so stages can find files that were deleted later
//! (and read them from the layer that had them with [`crate::Image::walk_layers`]).
//!
//! [`MergedView::resolve`] follows symlinks inside the virtual root like a
//! chroot: absolute targets start at the image root, `..` stops at `/`,
//! and loops end after 40 hops. [`MergedView::read`] streams only the
//! layers that hold the requested files' final content.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use crate::error::Result;
use crate::image::Image;
use crate::layer::{
    normalise_path, split_parent, walk_layer, Anomaly, EntryKind, EntryMeta, Layer, LayerEntry,
    LayerVisitor, Limits, WalkBudget,
};

const MAX_SYMLINK_HOPS: usize = 40;

/// How a layer changed a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The path did not exist below this layer.
    Added,
    /// The path existed and this layer replaced it.
    Modified,
    /// This layer removed the path (whiteout, opaque directory, or replacement of its directory).
    Deleted,
}

/// Where the bytes of a file live: the layer and the path of the tar entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentRef {
    /// Layer index.
    pub layer: usize,
    /// Path of the entry in that layer.
    pub path: String,
}

/// The final state of one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Entry type (never a whiteout).
    pub kind: EntryKind,
    /// Permission bits.
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
    /// Content size (files and hardlinks to files).
    pub size: u64,
    /// Modification time.
    pub mtime: u64,
    /// Symlink target (raw) or hardlink target (normalised).
    pub link_target: Option<String>,
    /// Device numbers for device nodes.
    pub device: Option<(u32, u32)>,
    /// The layer that last wrote this path.
    pub layer: usize,
    /// True for a directory no tar entry declared (created for its children).
    pub implicit: bool,
    /// Where to read the content (regular files, hardlinks to files).
    pub content: Option<ContentRef>,
}

/// A path that existed in some layer and is absent from the final image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeletedPath {
    /// The path.
    pub path: String,
    /// The last layer that wrote it (where its content can still be read).
    pub last_written_in: usize,
    /// The layer that deleted it.
    pub deleted_in: usize,
}

/// A suspicious tar entry seen while building the view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnomalyRecord {
    /// Layer index.
    pub layer: usize,
    /// Normalised path.
    pub path: String,
    /// Raw tar path.
    pub raw_path: String,
    /// What was suspicious.
    pub anomaly: Anomaly,
}

/// The merged view of an image's layers (metadata only).
#[derive(Debug, Clone, Default)]
pub struct MergedView {
    nodes: BTreeMap<String, Node>,
    history: HashMap<String, Vec<(usize, Change)>>,
    anomalies: Vec<AnomalyRecord>,
    layer_count: usize,
}

fn root_node() -> Node {
    Node {
        kind: EntryKind::Dir,
        mode: 0o755,
        uid: 0,
        gid: 0,
        size: 0,
        mtime: 0,
        link_target: None,
        device: None,
        layer: 0,
        implicit: true,
        content: None,
    }
}

/// Normalises a caller's path (`etc/passwd`, `/etc//passwd/`) to the view's form.
fn norm(path: &str) -> String {
    normalise_path(path).0
}

impl MergedView {
    /// An empty view (just `/`).
    pub fn new() -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert("/".to_string(), root_node());
        MergedView {
            nodes,
            ..Default::default()
        }
    }

    /// Builds the view from layer blobs already in hand (as stored, in layer
    /// order), checked exactly as [`Image::walk_layers`] checks them: digest,
    /// size, diff_id and `limits`. For callers that hold the blobs themselves,
    /// such as tests and the fuzz targets.
    pub fn from_blobs<R: std::io::Read>(
        layers: impl IntoIterator<Item = (Layer, R)>,
        limits: &Limits,
    ) -> Result<MergedView> {
        let mut builder = MergedBuilder::new();
        let mut budget = WalkBudget::default();
        for (layer, blob) in layers {
            walk_layer(&layer, blob, limits, &mut budget, &mut builder)?;
        }
        Ok(builder.view)
    }

    /// The final entry at `path` (no symlink resolution).
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(&norm(path))
    }

    /// True when `path` exists (no symlink resolution).
    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// All paths and their final entries, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// All regular files, sorted by path.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.iter().filter(|(_, n)| n.kind == EntryKind::File)
    }

    /// The direct children of directory `dir`.
    pub fn children(&self, dir: &str) -> Vec<(&str, &Node)> {
        let dir = norm(dir);
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.len() > prefix.len() && !k[prefix.len()..].contains('/'))
            .map(|(k, v)| (k.as_str(), v))
            .collect()
    }

    /// Number of paths (including `/`).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when only `/` exists.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 1
    }

    /// Number of layers applied.
    pub fn layer_count(&self) -> usize {
        self.layer_count
    }

    /// Which layers added, modified or deleted `path`, in order.
    pub fn history(&self, path: &str) -> Vec<(usize, Change)> {
        self.history.get(&norm(path)).cloned().unwrap_or_default()
    }

    /// Paths that some layer wrote and a later layer deleted, sorted by path.
    pub fn deleted_paths(&self) -> Vec<DeletedPath> {
        let mut out: Vec<DeletedPath> = self
            .history
            .iter()
            .filter(|(p, _)| !self.nodes.contains_key(*p))
            .filter_map(|(p, h)| {
                let (deleted_in, _) = h.iter().rev().find(|(_, c)| *c == Change::Deleted)?;
                let (last_written_in, _) = h.iter().rev().find(|(_, c)| *c != Change::Deleted)?;
                Some(DeletedPath {
                    path: p.clone(),
                    last_written_in: *last_written_in,
                    deleted_in: *deleted_in,
                })
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    /// Suspicious tar entries seen in any layer.
    pub fn anomalies(&self) -> &[AnomalyRecord] {
        &self.anomalies
    }

    /// Resolves `path` inside the image root, following symlinks (also in the
    /// last component). Returns the final path if it exists, `None` if a
    /// component is missing, is not a directory, or symlinks loop.
    pub fn resolve(&self, path: &str) -> Option<String> {
        let mut queue: VecDeque<String> = norm(path)
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let mut cur: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(c) = queue.pop_front() {
            match c.as_str() {
                "" | "." => continue,
                ".." => {
                    cur.pop();
                    continue;
                }
                _ => {}
            }
            // The current directory must be a directory to descend into it.
            let parent = format!("/{}", cur.join("/"));
            if self.nodes.get(&parent).map(|n| n.kind) != Some(EntryKind::Dir) {
                return None;
            }
            cur.push(c);
            let p = format!("/{}", cur.join("/"));
            let node = self.nodes.get(&p)?;
            if node.kind == EntryKind::Symlink {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return None;
                }
                cur.pop();
                let target = node.link_target.clone().unwrap_or_default();
                if target.starts_with('/') {
                    cur.clear();
                }
                for t in target.split('/').rev().filter(|t| !t.is_empty()) {
                    queue.push_front(t.to_string());
                }
            }
        }
        let p = format!("/{}", cur.join("/"));
        self.nodes.contains_key(&p).then_some(p)
    }

    /// The final content location of `path` after resolving symlinks.
    pub fn content_ref(&self, path: &str) -> Option<(String, ContentRef)> {
        let resolved = self.resolve(path)?;
        let node = self.nodes.get(&resolved)?;
        node.content.clone().map(|c| (resolved, c))
    }

    /// Reads the final content of `paths` (symlinks followed), streaming only the
    /// layers that hold them. The map is keyed by the paths as given; paths that
    /// do not resolve to a regular file (or a hardlink to one) are absent.
    pub async fn read(&self, image: &Image, paths: &[&str]) -> Result<BTreeMap<String, Vec<u8>>> {
        let mut wanted: HashMap<usize, HashMap<String, Vec<String>>> = HashMap::new();
        for p in paths {
            if let Some((_, c)) = self.content_ref(p) {
                wanted
                    .entry(c.layer)
                    .or_default()
                    .entry(c.path)
                    .or_default()
                    .push(p.to_string());
            }
        }
        let mut layers: Vec<usize> = wanted.keys().copied().collect();
        layers.sort_unstable();
        if layers.is_empty() {
            return Ok(BTreeMap::new());
        }
        let collector = ContentCollector {
            wanted,
            found: BTreeMap::new(),
        };
        let collector = image.walk_layer_subset(&layers, collector).await?;
        Ok(collector.found)
    }

    fn record(&mut self, path: &str, layer: usize, change: Change) {
        let h = self.history.entry(path.to_string()).or_default();
        if let Some(&(l, last)) = h.last() {
            if l == layer {
                let merged = match (last, change) {
                    (Change::Added, Change::Modified) => Some(Change::Added),
                    (Change::Deleted, Change::Added) | (Change::Deleted, Change::Modified) => {
                        Some(Change::Modified)
                    }
                    (Change::Added, Change::Deleted) => None,
                    (_, c) => Some(c),
                };
                h.pop();
                if let Some(m) = merged {
                    h.push((layer, m));
                }
                if h.is_empty() {
                    self.history.remove(path);
                }
                return;
            }
        }
        h.push((layer, change));
    }

    fn descendants(&self, path: &str) -> Vec<String> {
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.len() > prefix.len())
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn remove(&mut self, path: &str, layer: usize) {
        if self.nodes.remove(path).is_some() {
            self.record(path, layer, Change::Deleted);
        }
    }

    /// Removes `path`'s descendants written by layers below `layer` (or all, when `only_lower` is false).
    fn remove_descendants(&mut self, path: &str, layer: usize, only_lower: bool) -> bool {
        let mut survivors = false;
        // Deepest first, so parents are decided after their children.
        let mut desc = self.descendants(path);
        desc.reverse();
        for d in desc {
            let lower = self.nodes.get(&d).map(|n| n.layer < layer).unwrap_or(false);
            if !only_lower || lower {
                self.remove(&d, layer);
            } else {
                survivors = true;
            }
        }
        survivors
    }

    fn ensure_parents(&mut self, path: &str, layer: usize) {
        let mut ancestors = Vec::new();
        let mut p = path;
        while let Some((parent, _)) = split_parent(p) {
            if parent == "/" {
                break;
            }
            ancestors.push(parent.to_string());
            p = parent;
        }
        for a in ancestors.into_iter().rev() {
            match self.nodes.get(&a).map(|n| n.kind) {
                Some(EntryKind::Dir) => {}
                Some(_) => {
                    self.nodes.insert(a.clone(), implicit_dir(layer));
                    self.record(&a, layer, Change::Modified);
                }
                None => {
                    self.nodes.insert(a.clone(), implicit_dir(layer));
                    self.record(&a, layer, Change::Added);
                }
            }
        }
    }

    fn put(&mut self, path: &str, node: Node, layer: usize) {
        if path == "/" {
            if node.kind == EntryKind::Dir {
                self.nodes.insert(
                    "/".to_string(),
                    Node {
                        implicit: false,
                        ..node
                    },
                );
            }
            return;
        }
        self.ensure_parents(path, layer);
        let change = match self.nodes.get(path).map(|n| n.kind) {
            None => Change::Added,
            Some(EntryKind::Dir) if node.kind != EntryKind::Dir => {
                self.remove_descendants(path, layer, false);
                Change::Modified
            }
            Some(_) => Change::Modified,
        };
        self.nodes.insert(path.to_string(), node);
        self.record(path, layer, change);
    }

    /// Applies one tar entry of `layer`.
    pub(crate) fn apply(&mut self, layer: usize, meta: &EntryMeta) {
        for a in &meta.anomalies {
            self.anomalies.push(AnomalyRecord {
                layer,
                path: meta.path.clone(),
                raw_path: meta.raw_path.clone(),
                anomaly: *a,
            });
        }
        let path = meta.path.as_str();
        match meta.kind {
            EntryKind::Other => {}
            EntryKind::Whiteout => {
                if path == "/" {
                    return;
                }
                let survivors = self.remove_descendants(path, layer, true);
                let lower = self
                    .nodes
                    .get(path)
                    .map(|n| n.layer < layer)
                    .unwrap_or(false);
                if lower {
                    if survivors {
                        self.nodes.insert(path.to_string(), implicit_dir(layer));
                        self.record(path, layer, Change::Modified);
                    } else {
                        self.remove(path, layer);
                    }
                }
            }
            EntryKind::OpaqueWhiteout => {
                self.remove_descendants(path, layer, true);
                if path != "/" && self.nodes.get(path).map(|n| n.kind) != Some(EntryKind::Dir) {
                    self.put(path, implicit_dir(layer), layer);
                }
            }
            kind => {
                let content = match kind {
                    EntryKind::File => Some(ContentRef {
                        layer,
                        path: path.to_string(),
                    }),
                    EntryKind::Hardlink => meta
                        .link_target
                        .as_deref()
                        .and_then(|t| self.nodes.get(t))
                        .and_then(|n| n.content.clone()),
                    _ => None,
                };
                let size = match kind {
                    EntryKind::Hardlink => meta
                        .link_target
                        .as_deref()
                        .and_then(|t| self.nodes.get(t))
                        .map(|n| n.size)
                        .unwrap_or(0),
                    _ => meta.size,
                };
                let node = Node {
                    kind,
                    mode: meta.mode,
                    uid: meta.uid,
                    gid: meta.gid,
                    size,
                    mtime: meta.mtime,
                    link_target: meta.link_target.clone(),
                    device: meta.device,
                    layer,
                    implicit: false,
                    content,
                };
                self.put(path, node, layer);
            }
        }
    }
}

fn implicit_dir(layer: usize) -> Node {
    Node {
        layer,
        ..root_node()
    }
}

/// The visitor that builds a [`MergedView`] from entry metadata.
pub(crate) struct MergedBuilder {
    pub(crate) view: MergedView,
}

impl MergedBuilder {
    pub(crate) fn new() -> Self {
        MergedBuilder {
            view: MergedView::new(),
        }
    }
}

impl LayerVisitor for MergedBuilder {
    fn entry(&mut self, layer: &Layer, entry: &mut LayerEntry<'_>) -> Result<()> {
        self.view.apply(layer.index, entry.meta());
        Ok(())
    }

    fn end_layer(&mut self, layer: &Layer) -> Result<()> {
        self.view.layer_count = self.view.layer_count.max(layer.index + 1);
        Ok(())
    }
}

/// Collects the content of chosen entries of chosen layers.
struct ContentCollector {
    wanted: HashMap<usize, HashMap<String, Vec<String>>>,
    found: BTreeMap<String, Vec<u8>>,
}

impl LayerVisitor for ContentCollector {
    fn entry(&mut self, layer: &Layer, entry: &mut LayerEntry<'_>) -> Result<()> {
        if entry.kind() != EntryKind::File {
            return Ok(());
        }
        let Some(keys) = self
            .wanted
            .get(&layer.index)
            .and_then(|m| m.get(entry.path()))
        else {
            return Ok(());
        };
        let keys = keys.clone();
        let data = entry.read_all()?;
        for k in keys {
            self.found.insert(k, data.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;
    use crate::error::ErrorKind;
    use crate::layer::tests::TarBuilder;
    use crate::layer::Limits;

    fn layer_of(index: usize, tar: &[u8]) -> Layer {
        Layer {
            index,
            digest: Digest::sha256(tar),
            size: tar.len() as u64,
            media_type: "x".into(),
            diff_id: Some(Digest::sha256(tar)),
        }
    }

    fn build(layers: &[Vec<u8>]) -> MergedView {
        let blobs = layers
            .iter()
            .enumerate()
            .map(|(i, tar)| (layer_of(i, tar), &tar[..]));
        MergedView::from_blobs(blobs, &Limits::default()).unwrap()
    }

    #[test]
    fn from_blobs_fails_closed_on_a_wrong_digest() {
        let tar = TarBuilder::new().file("etc/passwd", b"root").finish();
        let mut layer = layer_of(0, &tar);
        layer.digest = Digest::sha256(b"something else");
        let err = MergedView::from_blobs([(layer, &tar[..])], &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity, "{err}");
    }

    #[test]
    fn whiteouts_and_history() {
        let l0 = TarBuilder::new()
            .dir("etc/")
            .file("etc/passwd", b"root")
            .file("etc/secret", b"hunter2")
            .dir("var/cache/")
            .file("var/cache/a", b"a")
            .file("var/cache/sub/b", b"b")
            .finish();
        let l1 = TarBuilder::new()
            .file("etc/.wh.secret", b"")
            .file("var/cache/.wh..wh..opq", b"")
            .file("var/cache/new", b"n")
            .file("etc/passwd", b"root2")
            .finish();
        let v = build(&[l0, l1]);
        assert!(v.get("/etc/secret").is_none());
        assert!(
            v.get("var/cache/a").is_none(),
            "opaque dir hides lower entries"
        );
        assert!(v.get("/var/cache/sub").is_none());
        assert!(v.get("/var/cache/sub/b").is_none());
        assert_eq!(
            v.get("/var/cache/new").unwrap().layer,
            1,
            "same-layer entries survive opaque"
        );
        assert_eq!(v.get("/var/cache").unwrap().kind, EntryKind::Dir);
        assert_eq!(v.get("/etc/passwd").unwrap().layer, 1);
        assert_eq!(
            v.history("/etc/passwd"),
            [(0, Change::Added), (1, Change::Modified)]
        );
        assert_eq!(
            v.history("/etc/secret"),
            [(0, Change::Added), (1, Change::Deleted)]
        );
        let deleted: Vec<_> = v
            .deleted_paths()
            .into_iter()
            .map(|d| (d.path, d.last_written_in, d.deleted_in))
            .collect();
        assert_eq!(
            deleted,
            [
                ("/etc/secret".to_string(), 0, 1),
                ("/var/cache/a".to_string(), 0, 1),
                ("/var/cache/sub".to_string(), 0, 1),
                ("/var/cache/sub/b".to_string(), 0, 1),
            ]
        );
        let names: Vec<_> = v
            .children("/var/cache")
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(names, ["/var/cache/new"]);
        assert!(v.get("/var/cache/sub").is_none());
        assert!(v.get("/var").unwrap().implicit);
    }

    #[test]
    fn whiteout_of_directory_and_readd() {
        let l0 = TarBuilder::new()
            .file("opt/app/bin", b"1")
            .file("opt/app/lib", b"2")
            .finish();
        let l1 = TarBuilder::new().file("opt/.wh.app", b"").finish();
        let l2 = TarBuilder::new().file("opt/app/bin", b"3").finish();
        let v = build(&[l0, l1, l2]);
        assert!(v.get("/opt/app/lib").is_none());
        assert_eq!(v.get("/opt/app/bin").unwrap().layer, 2);
        assert_eq!(
            v.history("/opt/app/bin"),
            [(0, Change::Added), (1, Change::Deleted), (2, Change::Added)]
        );
        assert_eq!(v.deleted_paths().len(), 1, "{:?}", v.deleted_paths());
    }

    #[test]
    fn file_replacing_dir_and_dir_replacing_file() {
        let l0 = TarBuilder::new()
            .file("a/x", b"1")
            .file("b", b"file")
            .finish();
        let l1 = TarBuilder::new()
            .file("a", b"now a file")
            .file("b/inner", b"b is a dir now")
            .finish();
        let v = build(&[l0, l1]);
        assert_eq!(v.get("/a").unwrap().kind, EntryKind::File);
        assert!(v.get("/a/x").is_none());
        assert_eq!(
            v.history("/a/x"),
            [(0, Change::Added), (1, Change::Deleted)]
        );
        assert_eq!(v.get("/b").unwrap().kind, EntryKind::Dir);
        assert_eq!(v.get("/b/inner").unwrap().layer, 1);
    }

    #[test]
    fn symlink_resolution_stays_inside_root() {
        let l0 = TarBuilder::new()
            .dir("usr/lib/")
            .file("usr/lib/libc.so", b"elf")
            .link("lib", tar::EntryType::Symlink, "usr/lib")
            .link("usr/lib/abs", tar::EntryType::Symlink, "/usr/lib/libc.so")
            .link(
                "usr/lib/escape",
                tar::EntryType::Symlink,
                "../../../../../../usr/lib/libc.so",
            )
            .link("loop1", tar::EntryType::Symlink, "loop2")
            .link("loop2", tar::EntryType::Symlink, "loop1")
            .link("dangling", tar::EntryType::Symlink, "/nope")
            .link("etc-passwd", tar::EntryType::Symlink, "/../../etc/passwd")
            .finish();
        let v = build(&[l0]);
        assert_eq!(
            v.resolve("/lib/libc.so").as_deref(),
            Some("/usr/lib/libc.so")
        );
        assert_eq!(v.resolve("lib/abs").as_deref(), Some("/usr/lib/libc.so"));
        assert_eq!(
            v.resolve("/usr/lib/escape").as_deref(),
            Some("/usr/lib/libc.so")
        );
        assert_eq!(v.resolve("/loop1"), None);
        assert_eq!(v.resolve("/dangling"), None);
        assert_eq!(
            v.resolve("/etc-passwd"),
            None,
            "clamped at the root, /etc/passwd absent"
        );
        assert_eq!(v.resolve("/usr/lib/libc.so/x"), None);
        assert_eq!(v.resolve("/").as_deref(), Some("/"));
        assert_eq!(
            v.resolve("/usr/../lib/libc.so").as_deref(),
            Some("/usr/lib/libc.so")
        );
        let (resolved, c) = v.content_ref("/lib/abs").unwrap();
        assert_eq!(resolved, "/usr/lib/libc.so");
        assert_eq!(
            c,
            ContentRef {
                layer: 0,
                path: "/usr/lib/libc.so".into()
            }
        );
    }

    #[test]
    fn hardlinks_point_at_target_content() {
        let l0 = TarBuilder::new().file("bin/busybox", b"bb").finish();
        let l1 = TarBuilder::new()
            .link("bin/sh", tar::EntryType::Link, "bin/busybox")
            .finish();
        let v = build(&[l0, l1]);
        let sh = v.get("/bin/sh").unwrap();
        assert_eq!(sh.kind, EntryKind::Hardlink);
        assert_eq!(sh.size, 2);
        assert_eq!(
            sh.content,
            Some(ContentRef {
                layer: 0,
                path: "/bin/busybox".into()
            })
        );
    }

    #[test]
    fn hostile_entries_are_recorded_not_followed() {
        let l0 = TarBuilder::new()
            .file("../../../tmp/evil", b"x")
            .device("dev/mem", tar::EntryType::Char, 1, 1)
            .link("x", tar::EntryType::Symlink, "../../../../etc/shadow")
            .finish();
        let v = build(&[l0]);
        assert!(v.get("/tmp/evil").is_some());
        assert_eq!(v.get("/dev/mem").unwrap().content, None);
        let kinds: Vec<_> = v.anomalies().iter().map(|a| a.anomaly).collect();
        assert!(kinds.contains(&Anomaly::PathTraversal));
        assert!(kinds.contains(&Anomaly::DeviceNode));
        assert!(kinds.contains(&Anomaly::LinkEscapesRoot));
        assert_eq!(v.resolve("/x"), None);
    }
}
