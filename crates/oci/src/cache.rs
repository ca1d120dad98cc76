//! A content-addressed blob cache on local disk.
//!
//! Layout: `DIR/<algorithm>/<hex>`. The directory is
//! `$SECCHAIN_CACHE_DIR`, else `$XDG_CACHE_HOME/secchain/blobs`, else
//! `~/.cache/secchain/blobs`.
//!
//! Safe under concurrent runs: a blob is written to a temporary file in the
//! same directory, verified (digest and size), fsynced and renamed into
//! place, so readers only ever see complete, verified blobs. Reads verify
//! again ([`BlobCache::get`] re-hashes; a mismatch deletes the entry and
//! reports a miss, so the caller refetches). The layer walk trusts what
//! `get` and [`CacheWriter::commit`] verified and only checks sizes, so each
//! blob is hashed exactly once per read (fail closed either way). The cache is bounded:
//! [`BlobCache::prune`] (run after inserts) evicts least-recently-used blobs
//! (by the later of atime and mtime; hits refresh mtime) until the total is
//! under the budget. Blobs in use stay readable after eviction because they
//! are held open.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};

/// Default cache budget: 20 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 20 << 30;
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// A content-addressed, size-bounded blob cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobCache {
    dir: PathBuf,
    max_bytes: u64,
}

/// What [`BlobCache::prune`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Bytes in the cache before pruning.
    pub before: u64,
    /// Bytes in the cache after pruning.
    pub after: u64,
    /// Blobs removed.
    pub removed: usize,
}

impl BlobCache {
    /// A cache in `dir` with the default budget. Nothing is created until first use.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        BlobCache {
            dir: dir.into(),
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// Sets the size budget.
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The default directory from the environment, if one can be determined.
    pub fn default_dir() -> Option<PathBuf> {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        env("SECCHAIN_CACHE_DIR")
            .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("secchain").join("blobs")))
            .or_else(|| env("HOME").map(|h| h.join(".cache").join("secchain").join("blobs")))
    }

    /// The cache at the default directory, if one can be determined.
    pub fn from_env() -> Option<Self> {
        Self::default_dir().map(Self::new)
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The size budget.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Where a blob is (or would be) stored.
    pub fn path_for(&self, digest: &Digest) -> PathBuf {
        self.dir
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    /// Opens a cached blob after verifying it (size, then a full re-hash).
    ///
    /// Returns `None` on a miss; a corrupt entry is deleted and reported as a
    /// miss. The returned file is positioned at the start. A hit refreshes the
    /// entry's mtime for LRU. This reads the whole blob: call it from blocking context.
    pub fn get(&self, digest: &Digest, size: Option<u64>) -> Result<Option<File>> {
        let path = self.path_for(digest);
        let mut f = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::io(
                    format!("opening cached blob {}", path.display()),
                    e,
                ))
            }
        };
        let ok = match verify_file(&mut f, digest, size) {
            Ok(ok) => ok,
            Err(e) => {
                return Err(Error::io(
                    format!("reading cached blob {}", path.display()),
                    e,
                ))
            }
        };
        if !ok {
            let _ = fs::remove_file(&path);
            return Ok(None);
        }
        let _ = f.set_modified(SystemTime::now());
        use std::io::Seek;
        f.rewind()
            .map_err(|e| Error::io(format!("reading cached blob {}", path.display()), e))?;
        Ok(Some(f))
    }

    /// True when a file exists for `digest` (not verified).
    pub fn contains(&self, digest: &Digest) -> bool {
        self.path_for(digest).is_file()
    }

    /// Starts writing a blob; finish with [`CacheWriter::commit`].
    pub fn writer(&self, digest: &Digest, size: Option<u64>, what: &str) -> Result<CacheWriter> {
        let dir = self.dir.join(digest.algorithm().as_str());
        fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("creating cache directory {}", dir.display()), e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(format!("creating a temporary file in {}", dir.display()), e))?;
        Ok(CacheWriter {
            tmp,
            hasher: Hasher::new(digest.algorithm()),
            written: 0,
            expected: digest.clone(),
            size,
            dest: self.path_for(digest),
            what: what.to_string(),
            cache: self.clone(),
        })
    }

    /// Stores verified bytes and returns the open file.
    pub fn insert_bytes(&self, digest: &Digest, data: &[u8], what: &str) -> Result<File> {
        let mut w = self.writer(digest, Some(data.len() as u64), what)?;
        w.write(data)?;
        w.commit()
    }

    /// Total bytes of cached blobs.
    pub fn usage(&self) -> Result<u64> {
        Ok(self.entries()?.iter().map(|e| e.1).sum())
    }

    /// Evicts least-recently-used blobs until the cache fits its budget, and
    /// removes temporary files abandoned by crashed runs.
    pub fn prune(&self) -> Result<PruneReport> {
        let mut entries = self.entries()?;
        let before: u64 = entries.iter().map(|e| e.1).sum();
        let mut total = before;
        let mut removed = 0;
        entries.sort_by_key(|e| e.2);
        for (path, size, _) in entries {
            if total <= self.max_bytes {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(size);
                removed += 1;
            }
        }
        Ok(PruneReport {
            before,
            after: total,
            removed,
        })
    }

    /// (path, size, last use) of every blob; removes stale temp files on the way.
    fn entries(&self) -> Result<Vec<(PathBuf, u64, SystemTime)>> {
        let mut out = Vec::new();
        let algs = match fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io(format!("listing {}", self.dir.display()), e)),
        };
        let now = SystemTime::now();
        for alg in algs.flatten() {
            let Ok(files) = fs::read_dir(alg.path()) else {
                continue;
            };
            for f in files.flatten() {
                let Ok(meta) = f.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                let used = match (meta.accessed(), meta.modified()) {
                    (Ok(a), Ok(m)) => a.max(m),
                    (Ok(t), _) | (_, Ok(t)) => t,
                    _ => SystemTime::UNIX_EPOCH,
                };
                if f.file_name().to_string_lossy().starts_with(".tmp-") {
                    if now.duration_since(used).unwrap_or_default() > STALE_TEMP {
                        let _ = fs::remove_file(f.path());
                    }
                    continue;
                }
                out.push((f.path(), meta.len(), used));
            }
        }
        Ok(out)
    }
}

fn verify_file(f: &mut File, digest: &Digest, size: Option<u64>) -> io::Result<bool> {
    if let Some(size) = size {
        if f.metadata()?.len() != size {
            return Ok(false);
        }
    }
    let mut h = Hasher::new(digest.algorithm());
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(&h.finish() == digest)
}

/// Writes one blob into the cache; nothing is visible until [`CacheWriter::commit`].
pub struct CacheWriter {
    tmp: tempfile::NamedTempFile,
    hasher: Hasher,
    written: u64,
    expected: Digest,
    size: Option<u64>,
    dest: PathBuf,
    what: String,
    cache: BlobCache,
}

impl CacheWriter {
    /// Appends bytes; fails as soon as more than the expected size arrives.
    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        self.written += data.len() as u64;
        if let Some(size) = self.size {
            if self.written > size {
                return Err(Error::Integrity {
                    what: self.what.clone(),
                    expected: format!("{size} bytes"),
                    actual: format!("more than {size} bytes"),
                });
            }
        }
        self.hasher.update(data);
        self.tmp
            .write_all(data)
            .map_err(|e| Error::io(format!("writing {} to the cache", self.what), e))
    }

    /// Discards what was written (for a retry from scratch).
    pub fn reset(&mut self) -> Result<()> {
        use std::io::Seek;
        self.written = 0;
        self.hasher = Hasher::new(self.expected.algorithm());
        let f = self.tmp.as_file_mut();
        f.set_len(0)
            .and_then(|_| f.rewind())
            .map_err(|e| Error::io(format!("resetting {} in the cache", self.what), e))
    }

    /// Verifies digest and size, fsyncs, renames into place, and returns the blob opened for reading.
    pub fn commit(self) -> Result<File> {
        let CacheWriter {
            tmp,
            hasher,
            written,
            expected,
            size,
            dest,
            what,
            cache,
        } = self;
        if let Some(size) = size {
            if written != size {
                return Err(Error::Integrity {
                    what,
                    expected: format!("{size} bytes"),
                    actual: format!("{written} bytes"),
                });
            }
        }
        let actual = hasher.finish();
        if actual != expected {
            return Err(Error::Integrity {
                what,
                expected: expected.to_string(),
                actual: actual.to_string(),
            });
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(format!("syncing {what} in the cache"), e))?;
        let file = tmp
            .persist(&dest)
            .map_err(|e| Error::io(format!("storing {what} as {}", dest.display()), e.error))?;
        if let Some(parent) = dest.parent() {
            if let Ok(d) = File::open(parent) {
                let _ = d.sync_all();
            }
        }
        // Open a fresh handle at offset 0 before pruning can evict the file.
        let reader =
            File::open(&dest).map_err(|e| Error::io(format!("opening {}", dest.display()), e))?;
        drop(file);
        if cache.max_bytes != u64::MAX {
            let _ = cache.prune();
        }
        Ok(reader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_and_corruption_refetch() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlobCache::new(dir.path());
        let data = b"layer bytes";
        let d = Digest::sha256(data);
        assert!(cache.get(&d, None).unwrap().is_none());
        cache.insert_bytes(&d, data, "blob").unwrap();
        let mut f = cache.get(&d, Some(data.len() as u64)).unwrap().unwrap();
        let mut back = Vec::new();
        f.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);

        // Same size, different bytes: verified on read, deleted, reported as a miss.
        fs::write(cache.path_for(&d), b"layer bytez").unwrap();
        assert!(cache.get(&d, Some(data.len() as u64)).unwrap().is_none());
        assert!(!cache.path_for(&d).exists());
    }

    #[test]
    fn writer_rejects_wrong_content_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlobCache::new(dir.path());
        let d = Digest::sha256(b"good");
        let mut w = cache.writer(&d, Some(4), "blob").unwrap();
        w.write(b"baad").unwrap();
        assert!(w.commit().is_err());
        assert!(!cache.contains(&d));
        let mut w = cache.writer(&d, Some(4), "blob").unwrap();
        assert!(w.write(b"toolong").is_err());
        drop(w);
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("sha256"))
            .unwrap()
            .flatten()
            .collect();
        assert!(
            leftovers.is_empty(),
            "temp files removed on drop: {leftovers:?}"
        );
    }

    #[test]
    fn prune_evicts_least_recently_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlobCache::new(dir.path()).with_max_bytes(u64::MAX);
        let blobs: Vec<Vec<u8>> = (0..4u8).map(|i| vec![i; 1000]).collect();
        let digests: Vec<Digest> = blobs.iter().map(|b| Digest::sha256(b)).collect();
        for (i, (b, d)) in blobs.iter().zip(&digests).enumerate() {
            cache.insert_bytes(d, b, "b").unwrap();
            let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + i as u64 * 100);
            let f = File::options().write(true).open(cache.path_for(d)).unwrap();
            f.set_times(fs::FileTimes::new().set_accessed(t).set_modified(t))
                .unwrap();
        }
        // Touch the oldest: now most recently used.
        assert!(cache.get(&digests[0], None).unwrap().is_some());
        let small = cache.clone().with_max_bytes(2500);
        let r = small.prune().unwrap();
        assert_eq!((r.before, r.after, r.removed), (4000, 2000, 2));
        assert!(cache.contains(&digests[0]));
        assert!(!cache.contains(&digests[1]));
        assert!(!cache.contains(&digests[2]));
        assert!(cache.contains(&digests[3]));
    }

    #[test]
    fn concurrent_writers_of_the_same_blob() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlobCache::new(dir.path());
        let data = vec![9u8; 200_000];
        let d = Digest::sha256(&data);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let mut w = cache.writer(&d, Some(data.len() as u64), "b").unwrap();
                    for chunk in data.chunks(1000) {
                        w.write(chunk).unwrap();
                    }
                    let mut f = w.commit().unwrap();
                    let mut back = Vec::new();
                    f.read_to_end(&mut back).unwrap();
                    assert_eq!(back.len(), data.len());
                });
            }
        });
        assert!(cache.get(&d, Some(data.len() as u64)).unwrap().is_some());
    }

    #[test]
    fn default_dir_prefers_env() {
        // Only checks the shape; the environment is not modified in tests.
        if let Some(d) = BlobCache::default_dir() {
            assert!(d.is_absolute() || std::env::var_os("SECCHAIN_CACHE_DIR").is_some());
        }
    }
}
