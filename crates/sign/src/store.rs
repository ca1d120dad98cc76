//! Where signatures are read from and written to: the [`SignatureStore`] trait.
//!
//! Signing and verification are written against this small trait, one repository
//! at a time (signatures live next to the image, as cosign stores them):
//!
//! - [`RegistryStore`]: a registry through `secchain-oci`'s [`Registry`] (oci-client
//!   underneath: credentials, retries, plain HTTP only on loopback/insecure hosts).
//! - [`MemoryStore`]: in memory (unit tests; the overlay of a dry run).
//! - [`DryRunStore`]: reads from an optional real store, keeps writes in memory and
//!   lists them as planned actions. Nothing leaves the machine.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use secchain_oci::manifest::media_type;
use secchain_oci::{
    Descriptor, Digest, ImageIndex, ImageReference, Manifest, RawManifest, Registry,
};

use crate::error::{Error, Result};

/// Largest signature/attestation blob read (bundles and envelopes are small; SBOM
/// attestations can be large).
pub const MAX_BLOB_SIZE: u64 = 64 << 20;

/// One repository's manifests, blobs and tags, as signing needs them.
#[async_trait]
pub trait SignatureStore: Send + Sync {
    /// The repository as `registry/name` (what cosign puts in `docker-reference`).
    fn repository_name(&self) -> String;

    /// The manifest at a tag or digest; `None` when there is none.
    async fn get_manifest(&self, tag_or_digest: &str) -> Result<Option<RawManifest>>;

    /// A blob, verified against the descriptor's digest and size.
    async fn get_blob(&self, descriptor: &Descriptor) -> Result<Vec<u8>>;

    /// Uploads a blob (a no-op when present).
    async fn put_blob(&self, descriptor: &Descriptor, data: &[u8]) -> Result<()>;

    /// Uploads a manifest under a tag or its own digest.
    async fn put_manifest(&self, tag_or_digest: &str, media_type: &str, bytes: &[u8])
        -> Result<()>;

    /// The referrers of `subject`. The default reads the OCI referrers tag schema
    /// (the index at tag `sha256-<hex>`); registries with the referrers API answer
    /// from it.
    async fn referrers(&self, subject: &Digest) -> Result<Vec<Descriptor>> {
        Ok(read_referrers_index(self, subject)
            .await?
            .map(|i| i.manifests)
            .unwrap_or_default())
    }
}

/// The referrers tag-schema index of `subject`, if the tag exists.
pub async fn read_referrers_index<S: SignatureStore + ?Sized>(
    store: &S,
    subject: &Digest,
) -> Result<Option<ImageIndex>> {
    let tag = subject.to_tag();
    let Some(raw) = store.get_manifest(&tag).await? else {
        return Ok(None);
    };
    match Manifest::parse(&raw.bytes, Some(&raw.media_type), &tag) {
        Ok(Manifest::Index(i)) => Ok(Some(i)),
        Ok(Manifest::Image(_)) => Err(Error::Malformed(format!(
            "{}:{tag} holds an image manifest where the referrers index should be",
            store.repository_name()
        ))),
        Err(e) => Err(Error::Malformed(format!(
            "{}:{tag} (referrers index): {e}",
            store.repository_name()
        ))),
    }
}

fn registry_error(e: secchain_oci::Error) -> Error {
    Error::Registry(e.to_string())
}

/// A repository in a registry, through `secchain-oci`.
pub struct RegistryStore {
    registry: std::sync::Arc<Registry>,
    reference: ImageReference,
}

impl std::fmt::Debug for RegistryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryStore")
            .field("repository", &self.repository_name())
            .finish()
    }
}

impl RegistryStore {
    /// The store for the repository of `reference`, with `options` (credentials,
    /// insecure registries, timeouts).
    pub fn new(reference: &ImageReference, options: &secchain_oci::OpenOptions) -> Self {
        RegistryStore {
            registry: std::sync::Arc::new(Registry::new(reference.registry(), options)),
            reference: reference.without_tag_or_digest(),
        }
    }

    /// The digest `reference` (a tag or digest in this repository) resolves to.
    pub async fn resolve(&self, reference: &ImageReference) -> Result<Digest> {
        self.registry
            .resolve_digest(reference)
            .await
            .map_err(registry_error)
    }

    fn at(&self, tag_or_digest: &str) -> Result<ImageReference> {
        if tag_or_digest.contains(':') {
            Digest::parse(tag_or_digest)
                .map(|d| self.reference.with_digest(d))
                .map_err(registry_error)
        } else {
            self.reference
                .with_tag(tag_or_digest)
                .map_err(registry_error)
        }
    }
}

#[async_trait]
impl SignatureStore for RegistryStore {
    fn repository_name(&self) -> String {
        self.reference.name()
    }

    async fn get_manifest(&self, tag_or_digest: &str) -> Result<Option<RawManifest>> {
        match self
            .registry
            .get_manifest_raw(&self.at(tag_or_digest)?)
            .await
        {
            Ok(m) => Ok(Some(m)),
            Err(secchain_oci::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(registry_error(e)),
        }
    }

    async fn get_blob(&self, descriptor: &Descriptor) -> Result<Vec<u8>> {
        if descriptor.size > MAX_BLOB_SIZE {
            return Err(Error::Malformed(format!(
                "blob {} is {} bytes, more than the {MAX_BLOB_SIZE} a signature may have",
                descriptor.digest, descriptor.size
            )));
        }
        self.registry
            .get_blob(self.reference.repository(), descriptor, MAX_BLOB_SIZE)
            .await
            .map_err(registry_error)
    }

    async fn put_blob(&self, descriptor: &Descriptor, data: &[u8]) -> Result<()> {
        if Digest::sha256(data) != descriptor.digest || data.len() as u64 != descriptor.size {
            return Err(Error::Registry(format!(
                "blob {} does not match its descriptor",
                descriptor.digest
            )));
        }
        // `push_blob` checks for the blob first and skips the upload when present.
        self.registry
            .push_blob(self.reference.repository(), data)
            .await
            .map(|_| ())
            .map_err(registry_error)
    }

    async fn put_manifest(
        &self,
        tag_or_digest: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        self.registry
            .push_manifest(
                self.reference.repository(),
                tag_or_digest,
                bytes,
                media_type,
            )
            .await
            .map(|_| ())
            .map_err(registry_error)
    }

    async fn referrers(&self, subject: &Digest) -> Result<Vec<Descriptor>> {
        // oci-client asks the referrers API and falls back to the tag schema on 404;
        // a registry answering the API path otherwise gets the tag schema read here.
        match self
            .registry
            .referrers(self.reference.repository(), subject)
            .await
        {
            Ok(index) => Ok(index.manifests),
            Err(secchain_oci::Error::NotFound { .. }) => Ok(Vec::new()),
            Err(_) => Ok(read_referrers_index(self, subject)
                .await?
                .map(|i| i.manifests)
                .unwrap_or_default()),
        }
    }
}

/// An in-memory repository.
#[derive(Debug, Default)]
pub struct MemoryStore {
    name: String,
    inner: Mutex<MemoryInner>,
}

#[derive(Debug, Default, Clone)]
struct MemoryInner {
    tags: HashMap<String, Digest>,
    manifests: HashMap<Digest, (String, Vec<u8>)>,
    blobs: HashMap<Digest, Vec<u8>>,
}

impl MemoryStore {
    /// An empty repository called `name` (`registry/repo`).
    pub fn new(name: impl Into<String>) -> Self {
        MemoryStore {
            name: name.into(),
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The tags, sorted.
    pub fn tags(&self) -> Vec<String> {
        let mut t: Vec<String> = self.lock().tags.keys().cloned().collect();
        t.sort();
        t
    }
}

#[async_trait]
impl SignatureStore for MemoryStore {
    fn repository_name(&self) -> String {
        self.name.clone()
    }

    async fn get_manifest(&self, tag_or_digest: &str) -> Result<Option<RawManifest>> {
        let inner = self.lock();
        let digest = if tag_or_digest.contains(':') {
            match Digest::parse(tag_or_digest) {
                Ok(d) => d,
                Err(e) => return Err(registry_error(e)),
            }
        } else {
            match inner.tags.get(tag_or_digest) {
                Some(d) => d.clone(),
                None => return Ok(None),
            }
        };
        Ok(inner
            .manifests
            .get(&digest)
            .map(|(media_type, bytes)| RawManifest {
                bytes: bytes.clone(),
                digest: digest.clone(),
                media_type: media_type.clone(),
            }))
    }

    async fn get_blob(&self, descriptor: &Descriptor) -> Result<Vec<u8>> {
        let blob = self
            .lock()
            .blobs
            .get(&descriptor.digest)
            .cloned()
            .ok_or_else(|| Error::Registry(format!("blob {} not found", descriptor.digest)))?;
        // As the registry store: only bytes matching the descriptor come out.
        if blob.len() as u64 != descriptor.size {
            return Err(Error::Registry(format!(
                "blob {} is {} bytes, the descriptor says {}",
                descriptor.digest,
                blob.len(),
                descriptor.size
            )));
        }
        Ok(blob)
    }

    async fn put_blob(&self, descriptor: &Descriptor, data: &[u8]) -> Result<()> {
        if Digest::sha256(data) != descriptor.digest || data.len() as u64 != descriptor.size {
            return Err(Error::Registry(format!(
                "blob {} does not match its descriptor",
                descriptor.digest
            )));
        }
        self.lock()
            .blobs
            .insert(descriptor.digest.clone(), data.to_vec());
        Ok(())
    }

    async fn put_manifest(
        &self,
        tag_or_digest: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let digest = Digest::sha256(bytes);
        let mut inner = self.lock();
        if tag_or_digest.contains(':') {
            if Digest::parse(tag_or_digest).ok().as_ref() != Some(&digest) {
                return Err(Error::Registry(format!(
                    "manifest pushed as {tag_or_digest} has digest {digest}"
                )));
            }
        } else {
            inner.tags.insert(tag_or_digest.to_string(), digest.clone());
        }
        inner
            .manifests
            .insert(digest, (media_type.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// A store for dry runs: reads go to the real store (when there is one) or see an
/// empty repository; writes stay in memory. Wrap it in a [`Recorder`] to list them.
pub struct DryRunStore<'a> {
    real: Option<&'a dyn SignatureStore>,
    overlay: MemoryStore,
}

impl std::fmt::Debug for DryRunStore<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DryRunStore")
            .field("repository", &self.overlay.name)
            .finish_non_exhaustive()
    }
}

impl<'a> DryRunStore<'a> {
    /// A dry-run view of `real` (or of an empty repository called `name`).
    pub fn new(name: impl Into<String>, real: Option<&'a dyn SignatureStore>) -> Self {
        DryRunStore {
            real,
            overlay: MemoryStore::new(name),
        }
    }
}

#[async_trait]
impl SignatureStore for DryRunStore<'_> {
    fn repository_name(&self) -> String {
        self.overlay.repository_name()
    }

    async fn get_manifest(&self, tag_or_digest: &str) -> Result<Option<RawManifest>> {
        if let Some(m) = self.overlay.get_manifest(tag_or_digest).await? {
            return Ok(Some(m));
        }
        match self.real {
            Some(real) => real.get_manifest(tag_or_digest).await,
            None => Ok(None),
        }
    }

    async fn get_blob(&self, descriptor: &Descriptor) -> Result<Vec<u8>> {
        match self.overlay.get_blob(descriptor).await {
            Ok(b) => Ok(b),
            Err(e) => match self.real {
                Some(real) => real.get_blob(descriptor).await,
                None => Err(e),
            },
        }
    }

    async fn put_blob(&self, descriptor: &Descriptor, data: &[u8]) -> Result<()> {
        self.overlay.put_blob(descriptor, data).await
    }

    async fn put_manifest(
        &self,
        tag_or_digest: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        self.overlay
            .put_manifest(tag_or_digest, media_type, bytes)
            .await
    }

    async fn referrers(&self, subject: &Digest) -> Result<Vec<Descriptor>> {
        let mut all = read_referrers_index(&self.overlay, subject)
            .await?
            .map(|i| i.manifests)
            .unwrap_or_default();
        if let Some(real) = self.real {
            for d in real.referrers(subject).await? {
                if !all.iter().any(|a| a.digest == d.digest) {
                    all.push(d);
                }
            }
        }
        Ok(all)
    }
}

/// The OCI empty descriptor's content (`{}`).
pub const EMPTY_JSON: &[u8] = b"{}";

/// The OCI empty config descriptor.
pub fn empty_config() -> Descriptor {
    Descriptor::of_bytes(media_type::OCI_EMPTY, EMPTY_JSON)
}

/// One write made through a [`Recorder`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PushedObject {
    /// `blob` or `manifest`.
    pub kind: &'static str,
    /// The content digest.
    pub digest: String,
    /// The media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The full reference written (`registry/repo:tag` or `registry/repo@digest`); for
    /// blobs the repository.
    pub reference: String,
}

impl std::fmt::Display for PushedObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "push {} {} ({}, {} bytes) to {}",
            self.kind, self.digest, self.media_type, self.size, self.reference
        )
    }
}

/// Forwards to a store and records every successful write, in order.
pub struct Recorder<'a> {
    inner: &'a dyn SignatureStore,
    log: Mutex<Vec<PushedObject>>,
}

impl std::fmt::Debug for Recorder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("repository", &self.inner.repository_name())
            .finish_non_exhaustive()
    }
}

impl<'a> Recorder<'a> {
    /// Records writes to `inner`.
    pub fn new(inner: &'a dyn SignatureStore) -> Self {
        Recorder {
            inner,
            log: Mutex::new(Vec::new()),
        }
    }

    /// The writes so far.
    pub fn pushed(&self) -> Vec<PushedObject> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn record(&self, o: PushedObject) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if !log.contains(&o) {
            log.push(o);
        }
    }
}

#[async_trait]
impl SignatureStore for Recorder<'_> {
    fn repository_name(&self) -> String {
        self.inner.repository_name()
    }

    async fn get_manifest(&self, tag_or_digest: &str) -> Result<Option<RawManifest>> {
        self.inner.get_manifest(tag_or_digest).await
    }

    async fn get_blob(&self, descriptor: &Descriptor) -> Result<Vec<u8>> {
        self.inner.get_blob(descriptor).await
    }

    async fn put_blob(&self, descriptor: &Descriptor, data: &[u8]) -> Result<()> {
        self.inner.put_blob(descriptor, data).await?;
        self.record(PushedObject {
            kind: "blob",
            digest: descriptor.digest.to_string(),
            media_type: descriptor.media_type.clone(),
            size: descriptor.size,
            reference: self.repository_name(),
        });
        Ok(())
    }

    async fn put_manifest(
        &self,
        tag_or_digest: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        self.inner
            .put_manifest(tag_or_digest, media_type, bytes)
            .await?;
        let sep = if tag_or_digest.contains(':') {
            '@'
        } else {
            ':'
        };
        self.record(PushedObject {
            kind: "manifest",
            digest: Digest::sha256(bytes).to_string(),
            media_type: media_type.to_string(),
            size: bytes.len() as u64,
            reference: format!("{}{sep}{tag_or_digest}", self.repository_name()),
        });
        Ok(())
    }

    async fn referrers(&self, subject: &Digest) -> Result<Vec<Descriptor>> {
        self.inner.referrers(subject).await
    }
}

/// A store whose first read of one tag is answered from a read made earlier
/// (concurrently with key decryption); every later read goes to the store.
pub struct Prefetched<'a> {
    inner: &'a dyn SignatureStore,
    first: Mutex<Option<(String, Option<RawManifest>)>>,
}

impl std::fmt::Debug for Prefetched<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prefetched")
            .field("repository", &self.inner.repository_name())
            .finish_non_exhaustive()
    }
}

impl<'a> Prefetched<'a> {
    /// Wraps `inner`; `first` is a tag and what reading it returned.
    pub fn new(
        inner: &'a dyn SignatureStore,
        first: Option<(String, Option<RawManifest>)>,
    ) -> Self {
        Prefetched {
            inner,
            first: Mutex::new(first),
        }
    }
}

#[async_trait]
impl SignatureStore for Prefetched<'_> {
    fn repository_name(&self) -> String {
        self.inner.repository_name()
    }

    async fn get_manifest(&self, tag_or_digest: &str) -> Result<Option<RawManifest>> {
        let cached = {
            let mut first = self.first.lock().unwrap_or_else(|e| e.into_inner());
            match first.as_ref() {
                Some((tag, _)) if tag == tag_or_digest => first.take().map(|(_, m)| m),
                _ => None,
            }
        };
        match cached {
            Some(m) => Ok(m),
            None => self.inner.get_manifest(tag_or_digest).await,
        }
    }

    async fn get_blob(&self, descriptor: &Descriptor) -> Result<Vec<u8>> {
        self.inner.get_blob(descriptor).await
    }

    async fn put_blob(&self, descriptor: &Descriptor, data: &[u8]) -> Result<()> {
        self.inner.put_blob(descriptor, data).await
    }

    async fn put_manifest(
        &self,
        tag_or_digest: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        self.inner
            .put_manifest(tag_or_digest, media_type, bytes)
            .await
    }

    async fn referrers(&self, subject: &Digest) -> Result<Vec<Descriptor>> {
        self.inner.referrers(subject).await
    }
}
