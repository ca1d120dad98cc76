//! Opening an image and reading its layers.
//!
//! [`open`] resolves a source to one platform manifest, verifies manifest and
//! config, and returns an [`Image`]. [`Image::walk_layers`] streams every
//! layer once, in order, through a [`LayerVisitor`]; layer blobs are
//! downloaded ahead in parallel (bounded) into the blob cache (or a private
//! spool directory when there is no cache) while earlier layers are walked.
//! [`Image::filesystem`] builds the merged view from one such pass.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use crate::auth::AuthConfig;
use crate::cache::BlobCache;
use crate::config::ImageConfig;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::layer::{walk_layer_blob, BlobState, Layer, LayerVisitor, Limits, WalkBudget};
use crate::manifest::{media_type, Compression, ImageManifest};
use crate::merged::{MergedBuilder, MergedView};
use crate::platform::Platform;
use crate::reference::ImageReference;
use crate::share::Pair;
use crate::source::{self, Backend, ImageSource, PlatformManifest, Resolved};
use crate::transport::TransportOptions;

/// Options for [`open`] (and for [`crate::Registry`]).
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// The platform to pick from an index (default: the host's, linux + this CPU).
    pub platform: Option<Platform>,
    /// Registries (`host[:port]`) that may be reached over plain HTTP besides loopback.
    pub insecure_registries: Vec<String>,
    /// Size and count limits.
    pub limits: Limits,
    /// The blob cache (default: the user's cache directory). `None`: a private
    /// temporary spool directory, removed when the image is dropped.
    pub cache: Option<BlobCache>,
    /// Layer downloads running at once.
    pub max_parallel_downloads: usize,
    /// Where credentials come from.
    pub auth: AuthConfig,
    /// Attempts per registry request (1 = no retry).
    pub max_attempts: u32,
    /// First retry delay (doubles per attempt, with jitter).
    pub initial_backoff: Duration,
    /// Timeout of one registry request (for blobs: of headers and of each chunk).
    pub request_timeout: Duration,
    /// Timeout of connection setup.
    pub connect_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        let t = TransportOptions::default();
        OpenOptions {
            platform: None,
            insecure_registries: Vec::new(),
            limits: Limits::default(),
            cache: BlobCache::from_env(),
            max_parallel_downloads: 4,
            auth: t.auth,
            max_attempts: t.max_attempts,
            initial_backoff: t.initial_backoff,
            request_timeout: t.request_timeout,
            connect_timeout: t.connect_timeout,
        }
    }
}

impl OpenOptions {
    pub(crate) fn transport(&self) -> TransportOptions {
        TransportOptions {
            insecure_registries: self.insecure_registries.clone(),
            auth: self.auth.clone(),
            max_attempts: self.max_attempts.max(1),
            initial_backoff: self.initial_backoff,
            max_backoff: Duration::from_secs(8),
            request_timeout: self.request_timeout,
            connect_timeout: self.connect_timeout,
        }
    }
}

/// An opened image: verified manifest and config, and access to its layers.
///
/// Cheap to clone (shared).
#[derive(Clone)]
pub struct Image {
    inner: Arc<Inner>,
}

struct Inner {
    source: ImageSource,
    reference: Option<ImageReference>,
    manifest_raw: Vec<u8>,
    manifest_digest: Digest,
    manifest: ImageManifest,
    index_digest: Option<Digest>,
    platforms: Vec<PlatformManifest>,
    config: ImageConfig,
    config_raw: Vec<u8>,
    layers: Vec<Layer>,
    backend: Backend,
    limits: Limits,
    store: BlobCache,
    max_parallel: usize,
    // Keeps the spool directory alive as long as the image.
    _spool: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("source", &self.inner.source.to_string())
            .field("manifest_digest", &self.inner.manifest_digest)
            .field("layers", &self.inner.layers.len())
            .finish()
    }
}

/// Opens an image: resolves the reference, picks the platform, fetches and
/// verifies manifest and config. Layers are read later, on demand.
pub async fn open(source: &ImageSource, opts: &OpenOptions) -> Result<Image> {
    let platform = opts.platform.as_ref();
    let limits = opts.limits.clone();
    let resolved = match source {
        ImageSource::Registry(r) => {
            source::registry::open(r, platform, &limits, &opts.transport()).await?
        }
        ImageSource::OciLayout { path, tag } => {
            let (path, tag, platform, limits) = (
                path.clone(),
                tag.clone(),
                opts.platform.clone(),
                limits.clone(),
            );
            blocking(move || {
                source::layout::open(&path, tag.as_deref(), platform.as_ref(), &limits)
            })
            .await?
        }
        ImageSource::DockerArchive { path, reference } => {
            let (path, r, platform, limits) = (
                path.clone(),
                reference.clone(),
                opts.platform.clone(),
                limits.clone(),
            );
            blocking(move || source::archive::open(&path, r.as_deref(), platform.as_ref(), &limits))
                .await?
        }
    };
    Image::from_resolved(source.clone(), resolved, opts)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Io {
            context: "background task failed".into(),
            source: std::io::Error::other(e.to_string()),
        })?
}

impl Image {
    fn from_resolved(source: ImageSource, r: Resolved, opts: &OpenOptions) -> Result<Self> {
        let shown = source.to_string();
        let cfg_mt = r.manifest.config.media_type.as_str();
        if cfg_mt != media_type::OCI_CONFIG && cfg_mt != media_type::DOCKER_CONFIG {
            return Err(Error::Unsupported {
                what: format!("{shown} is not a container image (config media type {cfg_mt})"),
                hint: Some("artifacts (signatures, attestations, charts) can be read with Registry::get_manifest_raw".into()),
            });
        }
        let config = ImageConfig::parse(&r.config_raw)
            .map_err(|e| Error::invalid_image(format!("config of {shown}"), e.to_string()))?;
        if let Some(want) = &opts.platform {
            let have = config.platform();
            if !want.matches(&have) {
                let available = if r.platforms.is_empty() {
                    vec![have.to_string()]
                } else {
                    r.platforms.iter().map(|p| p.platform.to_string()).collect()
                };
                return Err(Error::PlatformNotFound {
                    image: shown,
                    wanted: want.to_string(),
                    available,
                });
            }
        }
        if r.manifest.layers.len() > opts.limits.max_layers {
            return Err(Error::LimitExceeded {
                layer: format!("manifest of {shown}"),
                path: None,
                what: format!("number of layers ({})", r.manifest.layers.len()),
                limit: opts.limits.max_layers as u64,
            });
        }
        let diff_ids = &config.rootfs.diff_ids;
        if diff_ids.len() != r.manifest.layers.len() {
            return Err(Error::invalid_image(
                &shown,
                format!(
                    "the manifest has {} layers but the config lists {} diff_ids",
                    r.manifest.layers.len(),
                    diff_ids.len()
                ),
            ));
        }
        let mut layers = Vec::with_capacity(r.manifest.layers.len());
        for (i, d) in r.manifest.layers.iter().enumerate() {
            if Compression::from_media_type(&d.media_type).is_none() {
                return Err(Error::Unsupported {
                    what: format!("layer {i} of {shown} has media type {}", d.media_type),
                    hint: Some("encrypted or non-tar layers cannot be inspected".into()),
                });
            }
            layers.push(Layer {
                index: i,
                digest: d.digest.clone(),
                size: d.size,
                media_type: d.media_type.clone(),
                diff_id: diff_ids.get(i).cloned(),
            });
        }
        let (store, spool) = match (&r.backend, &opts.cache) {
            (Backend::Registry(_), None) => {
                let dir = tempfile::Builder::new()
                    .prefix("secchain-blobs-")
                    .tempdir()
                    .map_err(|e| Error::io("creating a temporary blob directory", e))?;
                (
                    BlobCache::new(dir.path()).with_max_bytes(u64::MAX),
                    Some(dir),
                )
            }
            (_, Some(c)) => (c.clone(), None),
            // Local sources read blobs in place; the store is never used.
            (_, None) => (BlobCache::new(PathBuf::new()), None),
        };
        Ok(Image {
            inner: Arc::new(Inner {
                source,
                reference: r.reference,
                manifest_raw: r.manifest_raw,
                manifest_digest: r.manifest_digest,
                manifest: r.manifest,
                index_digest: r.index_digest,
                platforms: r.platforms,
                config,
                config_raw: r.config_raw,
                layers,
                backend: r.backend,
                limits: opts.limits.clone(),
                store,
                max_parallel: opts.max_parallel_downloads.max(1),
                _spool: spool,
            }),
        })
    }

    /// The source the image was opened from.
    pub fn source(&self) -> &ImageSource {
        &self.inner.source
    }

    /// For registry images: the reference pinned to the platform manifest's digest.
    pub fn reference(&self) -> Option<&ImageReference> {
        self.inner.reference.as_ref()
    }

    /// Digest of the platform-specific manifest.
    pub fn manifest_digest(&self) -> &Digest {
        &self.inner.manifest_digest
    }

    /// The platform manifest's bytes, exactly as stored.
    pub fn manifest_raw(&self) -> &[u8] {
        &self.inner.manifest_raw
    }

    /// The platform manifest.
    pub fn manifest(&self) -> &ImageManifest {
        &self.inner.manifest
    }

    /// Digest of the index the manifest was picked from, if any.
    pub fn index_digest(&self) -> Option<&Digest> {
        self.inner.index_digest.as_ref()
    }

    /// All platforms of the index with their manifest digests (empty without an index).
    pub fn platforms(&self) -> &[PlatformManifest] {
        &self.inner.platforms
    }

    /// The image's platform (from its config).
    pub fn platform(&self) -> Platform {
        self.inner.config.platform()
    }

    /// The image configuration.
    pub fn config(&self) -> &ImageConfig {
        &self.inner.config
    }

    /// The config's bytes, exactly as stored.
    pub fn config_raw(&self) -> &[u8] {
        &self.inner.config_raw
    }

    /// Digest of the config.
    pub fn config_digest(&self) -> &Digest {
        &self.inner.manifest.config.digest
    }

    /// The layers, base first.
    pub fn layers(&self) -> &[Layer] {
        &self.inner.layers
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Streams every layer, in order, through `visitor` (one pass, nothing
    /// extracted); returns the visitor. Blobs come from the cache when present
    /// and are verified (digest, size, diff_id) as they stream.
    pub async fn walk_layers<V: LayerVisitor + 'static>(&self, visitor: V) -> Result<V> {
        let all: Vec<usize> = (0..self.inner.layers.len()).collect();
        self.walk_layer_subset(&all, visitor).await
    }

    /// Like [`Image::walk_layers`] for some layers only (indices, walked in ascending order).
    pub async fn walk_layer_subset<V: LayerVisitor + 'static>(
        &self,
        layers: &[usize],
        mut visitor: V,
    ) -> Result<V> {
        let mut indices = layers.to_vec();
        indices.sort_unstable();
        indices.dedup();
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.inner.layers.len()) {
            return Err(Error::NotFound {
                what: format!("layer {bad} of {}", self.inner.source),
                hint: Some(format!("the image has {} layers", self.inner.layers.len())),
            });
        }
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, Result<OpenedBlob>)>(1);
        let image = self.clone();
        let parallel = self.inner.max_parallel;
        let fetcher = tokio::spawn(async move {
            let mut opened = futures::stream::iter(indices)
                .map(|i| {
                    let image = image.clone();
                    async move { (i, image.open_layer(i).await) }
                })
                .buffered(parallel);
            while let Some(item) = opened.next().await {
                if tx.send(item).await.is_err() {
                    break;
                }
            }
        });
        let _abort = AbortOnDrop(fetcher);
        let mut budget = WalkBudget::default();
        while let Some((i, blob)) = rx.recv().await {
            let blob = blob?;
            let layer = self.inner.layers[i].clone();
            let limits = self.inner.limits.clone();
            let walked = blocking(move || {
                let mut visitor = visitor;
                let mut budget = budget;
                walk_layer_blob(
                    &layer,
                    blob.reader,
                    blob.state,
                    &limits,
                    &mut budget,
                    &mut visitor,
                )?;
                Ok((visitor, budget))
            })
            .await;
            let (v, b) = walked?;
            visitor = v;
            budget = b;
        }
        Ok(visitor)
    }

    /// Builds the merged filesystem view (metadata only) in one pass.
    pub async fn filesystem(&self) -> Result<MergedView> {
        Ok(self.walk_layers(MergedBuilder::new()).await?.view)
    }

    /// Builds the merged view and, in the same pass, streams every entry through
    /// `visitor` (which may read contents); returns both. One decompression of each
    /// layer serves the view and the visitor.
    pub async fn filesystem_with<V: LayerVisitor + 'static>(
        &self,
        visitor: V,
    ) -> Result<(MergedView, V)> {
        let Pair(builder, visitor) = self
            .walk_layers(Pair(MergedBuilder::new(), visitor))
            .await?;
        Ok((builder.view, visitor))
    }

    /// Reads the final content of `paths` (see [`MergedView::read`]); builds the view first.
    pub async fn read_files(&self, paths: &[&str]) -> Result<BTreeMap<String, Vec<u8>>> {
        let view = self.filesystem().await?;
        view.read(self, paths).await
    }

    /// Downloads every layer into the blob cache (no-op for local sources).
    pub async fn fetch_layers(&self) -> Result<()> {
        if !matches!(self.inner.backend, Backend::Registry(_)) {
            return Ok(());
        }
        let results: Vec<Result<OpenedBlob>> = futures::stream::iter(0..self.inner.layers.len())
            .map(|i| self.open_layer(i))
            .buffer_unordered(self.inner.max_parallel)
            .collect()
            .await;
        for r in results {
            r?;
        }
        Ok(())
    }

    /// The raw blob stream of layer `i`. Its digest is hashed exactly once:
    /// registry blobs when they enter the cache or when a cached copy is
    /// opened (a corrupt copy is dropped and refetched), local blobs while
    /// the walk reads them.
    async fn open_layer(&self, i: usize) -> Result<OpenedBlob> {
        let layer = self.inner.layers[i].clone();
        let what = format!("{} of {}", layer.label(), self.inner.source);
        let verified = |reader: Box<dyn Read + Send>| OpenedBlob {
            reader,
            state: BlobState::Verified,
        };
        match &self.inner.backend {
            Backend::Layout(b) => Ok(OpenedBlob {
                reader: Box::new(b.open_blob(&layer.digest, &what)?),
                state: BlobState::Unverified,
            }),
            Backend::Archive(b) => Ok(OpenedBlob {
                reader: Box::new(b.open_layer(&layer.digest, &what)?),
                state: BlobState::Unverified,
            }),
            Backend::Registry(b) => {
                let store = self.inner.store.clone();
                let (d, s) = (layer.digest.clone(), layer.size);
                let hit = blocking(move || store.get(&d, Some(s))).await?;
                if let Some(f) = hit {
                    return Ok(verified(Box::new(f)));
                }
                let mut w = self
                    .inner
                    .store
                    .writer(&layer.digest, Some(layer.size), &what)?;
                let desc = &self.inner.manifest.layers[i];
                b.download(desc, &what, &mut w).await?;
                let f = blocking(move || w.commit()).await?;
                Ok(verified(Box::new(f)))
            }
        }
    }
}

/// A layer blob ready to walk.
struct OpenedBlob {
    reader: Box<dyn Read + Send>,
    /// Whether the walk still has to hash it.
    state: BlobState,
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
