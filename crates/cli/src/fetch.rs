//! Fetching remote base pipelines for `extends:`, with a content-addressed cache.
//!
//! A remote base is always pinned by sha256, so a cached copy whose digest matches is
//! the base: later runs work offline. The cache lives in
//! `$SECCHAIN_CACHE_DIR/bases` (default `~/.cache/secchain/bases`) and is written
//! atomically; a cached file that no longer matches its name is fetched again.

use std::path::PathBuf;
use std::time::Duration;

use secchain_pipeline::{sha256_digest, write_atomic, Fetch};

/// Fetches `https://` bases with reqwest and caches them by digest.
#[derive(Clone, Debug)]
pub struct HttpsFetcher {
    cache_dir: Option<PathBuf>,
}

impl HttpsFetcher {
    /// A fetcher caching in secchain's cache directory.
    pub fn new() -> Self {
        HttpsFetcher {
            cache_dir: crate::cache_dir().map(|d| d.join("bases")),
        }
    }

    fn cached(&self, sha256: &str) -> Option<Vec<u8>> {
        let path = self.cache_dir.as_ref()?.join(sha256.to_ascii_lowercase());
        let bytes = std::fs::read(path).ok()?;
        (sha256_digest(&bytes) == format!("sha256:{}", sha256.to_ascii_lowercase()))
            .then_some(bytes)
    }

    fn download(url: &str) -> Result<Vec<u8>, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .https_only(true)
                .build()
                .map_err(|e| e.to_string())?;
            let response = client.get(url).send().await.map_err(|e| e.to_string())?;
            let status = response.status();
            if !status.is_success() {
                return Err(format!("the server answered {status}"));
            }
            // A pipeline file is small; refuse anything that is not.
            const LIMIT: usize = 1 << 20;
            let bytes = response.bytes().await.map_err(|e| e.to_string())?;
            if bytes.len() > LIMIT {
                return Err(format!("the file is larger than {LIMIT} bytes"));
            }
            Ok(bytes.to_vec())
        })
    }
}

impl Default for HttpsFetcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Fetch for HttpsFetcher {
    fn fetch(&self, url: &str, sha256: &str) -> Result<Vec<u8>, String> {
        if let Some(bytes) = self.cached(sha256) {
            return Ok(bytes);
        }
        let bytes = Self::download(url)?;
        if let Some(dir) = &self.cache_dir {
            if sha256_digest(&bytes) == format!("sha256:{}", sha256.to_ascii_lowercase()) {
                // Caching is best effort: a read-only cache must not fail the run.
                let _ = write_atomic(&dir.join(sha256.to_ascii_lowercase()), &bytes);
            }
        }
        Ok(bytes)
    }
}
