//! Resolving tags to digests: each reference once per run, a few at a time.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use secchain_oci::{ImageReference, Manifest, OpenOptions, Registry};

/// References resolved at once.
const CONCURRENCY: usize = 4;

/// What a tag resolved to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Resolution {
    /// The normalised reference that was resolved (`docker.io/library/debian:12`).
    pub resolved: String,
    /// The digest the registry serves for it (an index digest for multi-platform images).
    pub digest: String,
    /// The platforms it covers (empty for a single-platform manifest).
    pub platforms: Vec<String>,
}

/// Resolves references against their registries, caching per normalised reference.
pub struct Resolver {
    opts: OpenOptions,
    registries: tokio::sync::Mutex<HashMap<String, Arc<Registry>>>,
}

impl Resolver {
    /// A resolver with the given registry options (auth, insecure registries, retries).
    pub fn new(opts: OpenOptions) -> Self {
        Resolver {
            opts,
            registries: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    async fn registry(&self, host: &str) -> Arc<Registry> {
        let mut registries = self.registries.lock().await;
        registries
            .entry(host.to_string())
            .or_insert_with(|| Arc::new(Registry::new(host, &self.opts)))
            .clone()
    }

    /// Resolves every distinct reference (tag form, digest ignored) once; errors are messages.
    pub async fn resolve_all(
        &self,
        references: &[String],
    ) -> BTreeMap<String, Result<Resolution, String>> {
        let mut distinct: Vec<String> = references.to_vec();
        distinct.sort();
        distinct.dedup();
        stream::iter(distinct)
            .map(|r| async move {
                let result = self.resolve(&r).await;
                (r, result)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await
    }

    /// Resolves one reference's tag (`latest` when it has none) to a digest.
    pub async fn resolve(&self, reference: &str) -> Result<Resolution, String> {
        let parsed = ImageReference::parse(reference).map_err(|e| e.to_string())?;
        let tag = parsed.tag().unwrap_or("latest").to_string();
        let by_tag = parsed
            .without_tag_or_digest()
            .with_tag(&tag)
            .map_err(|e| e.to_string())?;
        let registry = self.registry(by_tag.registry()).await;
        let raw = registry
            .get_manifest_raw(&by_tag)
            .await
            .map_err(|e| e.to_string())?;
        let platforms =
            match Manifest::parse(&raw.bytes, Some(&raw.media_type), &by_tag.to_string()) {
                Ok(Manifest::Index(index)) => index
                    .manifests
                    .iter()
                    .filter_map(|m| m.platform.as_ref().map(ToString::to_string))
                    .filter(|p| p != "unknown/unknown")
                    .collect(),
                _ => Vec::new(),
            };
        Ok(Resolution {
            resolved: by_tag.to_string(),
            digest: raw.digest.to_string(),
            platforms,
        })
    }
}
