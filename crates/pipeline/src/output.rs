//! Output files: written atomically, recorded with their sha256 digest.
//!
//! A file is written to a temporary name in the same directory, flushed to disk and
//! renamed into place, so a reader (or a crash, or Ctrl-C) never sees half a file.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// `sha256:<hex>` of some bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Writes `bytes` to `path` atomically, creating parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// One file a stage produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutputRecord {
    /// Path relative to the output root when inside it, else as given.
    pub path: String,
    /// `sha256:<hex>` of the content.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    /// IANA media type (`application/vnd.cyclonedx+json`, …).
    pub media_type: String,
}

impl OutputRecord {
    /// Records `bytes` written at `path`.
    pub fn new(out_root: &Path, path: &Path, media_type: &str, bytes: &[u8]) -> Self {
        let shown = path.strip_prefix(out_root).unwrap_or(path);
        OutputRecord {
            path: shown.to_string_lossy().replace('\\', "/"),
            digest: sha256_digest(bytes),
            size: bytes.len() as u64,
            media_type: media_type.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/out.json");
        write_atomic(&path, b"{}").unwrap();
        write_atomic(&path, b"{\"x\":1}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"x\":1}");
        let rec = OutputRecord::new(dir.path(), &path, "application/json", b"{\"x\":1}");
        assert_eq!(rec.path, "a/b/out.json");
        assert_eq!(rec.size, 7);
        assert!(rec.digest.starts_with("sha256:"));
        // Only the final file is left behind: no temporary files.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
