//! The layer visitor: every entry of every layer, in one streaming pass.
//!
//! [`SecretVisitor`] is a [`ContentVisitor`]: it rides the run's shared pass over the
//! layers (see `secchain_image::register_pass`), or walks them on its own, and so sees
//! each layer's own files, including those a later layer deletes or overwrites. It
//! skips files over the size limit and files whose first 8 KiB hold a NUL byte
//! (binaries), and hands the rest to the [`Scanner`]. Directories named `.git` are reported once per
//! layer and repository without reading anything.
//!
//! On two or more cores the scanning runs on its own thread, fed through a bounded
//! queue, so it overlaps with decompression instead of adding to it.
//!
//! The visitor also totals each layer's content bytes for the hygiene size report.

use std::any::Any;
use std::collections::HashSet;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use secchain_image::PassVisitor;
use secchain_oci::{ContentVisitor, EntryKind, EntryMeta, Layer};
use serde::Serialize;

use crate::rules::{Detect, Rule, RULES};
use crate::scanner::{is_binary, Match, Scanner, BINARY_SNIFF_LEN};

/// Files queued for the scanning thread (bounds memory to this many file buffers).
const QUEUE: usize = 64;

/// A match in a layer's file (or a `.git` directory).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerMatch {
    /// Layer index (base is 0).
    pub layer: usize,
    /// The layer's blob digest.
    pub digest: String,
    /// The file's path in the layer.
    pub path: String,
    /// What matched, where, redacted.
    pub found: Match,
}

/// Counters of one walk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Tar entries seen.
    pub entries: u64,
    /// Text files scanned.
    pub files_scanned: u64,
    /// Bytes of text scanned.
    pub bytes_scanned: u64,
    /// Files skipped as binary (NUL byte in the first 8 KiB).
    pub skipped_binary: u64,
    /// Files skipped for being over the size limit.
    pub skipped_large: u64,
}

/// What a walk found.
#[derive(Clone, Debug, Default)]
pub struct LayerScan {
    /// Matches, in layer and tar order.
    pub matches: Vec<LayerMatch>,
    /// Counters.
    pub stats: ScanStats,
    /// Content bytes of each layer's regular files, by layer index.
    pub layer_bytes: Vec<u64>,
}

/// The scanning thread panicked: the scan is incomplete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanFailed;

impl std::fmt::Display for ScanFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the secret-scanning thread failed; the scan is incomplete")
    }
}

impl std::error::Error for ScanFailed {}

struct Job {
    layer: usize,
    digest: String,
    path: String,
    content: Vec<u8>,
}

/// Where scanning happens: inline, or on a worker thread fed by a queue.
enum Sink {
    Inline(Arc<Scanner>, Vec<LayerMatch>),
    Worker(SyncSender<Job>, JoinHandle<Vec<LayerMatch>>),
}

/// A [`LayerVisitor`] scanning every file of every layer.
pub struct SecretVisitor {
    scanner: Arc<Scanner>,
    sink: Option<Sink>,
    /// The rules flagging directories, with the directory name.
    directory_rules: Vec<(&'static Rule, &'static str)>,
    git_dirs: HashSet<(usize, String)>,
    directory_matches: Vec<LayerMatch>,
    stats: ScanStats,
    layer_bytes: Vec<u64>,
}

impl SecretVisitor {
    /// A visitor scanning with `scanner`; `threaded` moves the scanning to a worker thread.
    pub fn new(scanner: Arc<Scanner>, threaded: bool) -> Self {
        let sink = if threaded {
            let (tx, rx) = sync_channel::<Job>(QUEUE);
            let worker_scanner = Arc::clone(&scanner);
            let handle = std::thread::Builder::new()
                .name("secchain-secrets".into())
                .spawn(move || work(&worker_scanner, &rx))
                .expect("spawn the scanning thread");
            Sink::Worker(tx, handle)
        } else {
            Sink::Inline(Arc::clone(&scanner), Vec::new())
        };
        SecretVisitor {
            scanner,
            sink: Some(sink),
            directory_rules: RULES
                .iter()
                .filter_map(|r| match r.detect {
                    Detect::Directory(name) => Some((r, name)),
                    _ => None,
                })
                .collect(),
            git_dirs: HashSet::new(),
            directory_matches: Vec::new(),
            stats: ScanStats::default(),
            layer_bytes: Vec::new(),
        }
    }

    /// Waits for the scanning to finish and returns what it found; an error if the
    /// scanning thread failed (its findings would be incomplete).
    pub fn finish(mut self) -> Result<LayerScan, ScanFailed> {
        let mut matches = match self.sink.take() {
            Some(Sink::Inline(_, found)) => found,
            Some(Sink::Worker(tx, handle)) => {
                drop(tx);
                handle.join().map_err(|_| ScanFailed)?
            }
            None => Vec::new(),
        };
        matches.append(&mut self.directory_matches);
        matches.sort_by(|a, b| {
            (a.layer, &a.path, a.found.line).cmp(&(b.layer, &b.path, b.found.line))
        });
        Ok(LayerScan {
            matches,
            stats: std::mem::take(&mut self.stats),
            layer_bytes: std::mem::take(&mut self.layer_bytes),
        })
    }

    fn directory(&mut self, layer: &Layer, path: &str) {
        for &(rule, name) in &self.directory_rules {
            let Some(root) = directory_root(path, name) else {
                continue;
            };
            if self.git_dirs.insert((layer.index, root.to_string())) {
                self.directory_matches.push(LayerMatch {
                    layer: layer.index,
                    digest: layer.digest.to_string(),
                    path: root.to_string(),
                    found: directory_match(rule, &self.scanner, root),
                });
            }
        }
    }

    fn submit(&mut self, job: Job) {
        match self.sink.as_mut() {
            Some(Sink::Inline(scanner, found)) => found.extend(scan_job(scanner, job)),
            Some(Sink::Worker(tx, _)) => {
                // A send fails only if the worker died; `finish` then reports what it had.
                let _ = tx.send(job);
            }
            None => {}
        }
    }
}

impl Drop for SecretVisitor {
    fn drop(&mut self) {
        if let Some(Sink::Worker(tx, handle)) = self.sink.take() {
            drop(tx);
            let _ = handle.join();
        }
    }
}

fn work(scanner: &Scanner, rx: &Receiver<Job>) -> Vec<LayerMatch> {
    rx.iter().flat_map(|job| scan_job(scanner, job)).collect()
}

fn scan_job(scanner: &Scanner, job: Job) -> Vec<LayerMatch> {
    scanner
        .scan(&job.path, &job.content)
        .into_iter()
        .map(|found| LayerMatch {
            layer: job.layer,
            digest: job.digest.clone(),
            path: job.path.clone(),
            found,
        })
        .collect()
}

/// `/app/.git` for `/app/.git/objects/ab/cd` and `name` = `.git`.
fn directory_root<'a>(path: &'a str, name: &str) -> Option<&'a str> {
    let mut end = 0;
    for part in path.split('/') {
        end += part.len();
        if part == name {
            return Some(&path[..end]);
        }
        end += 1;
    }
    None
}

fn directory_match(rule: &'static Rule, scanner: &Scanner, root: &str) -> Match {
    Match {
        rule,
        line: 0,
        span: 0..0,
        redacted: None,
        suppressed_by: scanner.allowlist().check(rule, root, None),
    }
}

impl ContentVisitor for SecretVisitor {
    fn start_layer(&mut self, layer: &Layer) {
        if self.layer_bytes.len() <= layer.index {
            self.layer_bytes.resize(layer.index + 1, 0);
        }
    }

    fn entry(&mut self, layer: &Layer, meta: &EntryMeta) -> bool {
        self.stats.entries += 1;
        if !matches!(meta.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout) {
            self.directory(layer, &meta.path);
        }
        if meta.kind != EntryKind::File {
            return false;
        }
        self.layer_bytes[layer.index] += meta.size;
        if meta.size == 0 {
            return false;
        }
        if meta.size > self.scanner.options().max_file_size {
            self.stats.skipped_large += 1;
            return false;
        }
        true
    }

    fn content(&mut self, layer: &Layer, meta: &EntryMeta, data: &[u8]) {
        if is_binary(&data[..data.len().min(BINARY_SNIFF_LEN)]) {
            self.stats.skipped_binary += 1;
            return;
        }
        self.stats.files_scanned += 1;
        self.stats.bytes_scanned += data.len() as u64;
        self.submit(Job {
            layer: layer.index,
            digest: layer.digest.to_string(),
            path: meta.path.clone(),
            content: data.to_vec(),
        });
    }
}

impl PassVisitor for SecretVisitor {
    fn finish(self: Box<Self>) -> Box<dyn Any + Send> {
        Box::new((*self).finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_roots() {
        assert_eq!(
            directory_root("/app/.git/objects/ab", ".git"),
            Some("/app/.git")
        );
        assert_eq!(directory_root("/app/.git", ".git"), Some("/app/.git"));
        assert_eq!(directory_root("/.git/HEAD", ".git"), Some("/.git"));
        assert_eq!(directory_root("/app/.github/workflows", ".git"), None);
        assert_eq!(directory_root("/app/x.git", ".git"), None);
    }
}
