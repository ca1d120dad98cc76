//! Writing to a registry: blobs, manifests, tags, referrers (for signing).
//!
//! [`Registry`] wraps oci-client for one registry host: one client per
//! repository (credentials and tokens are per repository), the same retry,
//! timeout and HTTP rules as reading. Blob pushes check existence first and
//! can mount a blob from another repository of the same registry.
//! [`Registry::push_artifact`] pushes blobs first and the manifest last, so
//! a failed push never leaves a manifest pointing at missing blobs.
//! For signing: cosign's `sha256-<hex>.sig` / `.att` tags and the OCI 1.1
//! referrers tag-schema fallback (`sha256-<hex>` index) are supported.

use std::collections::HashMap;

use oci_client::errors::OciDistributionError;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::image::OpenOptions;
use crate::manifest::{media_type, Descriptor, ImageIndex, Manifest};
use crate::reference::ImageReference;
use crate::source::registry::{download, fetch_manifest, BoundedVec};
use crate::transport::{Access, RepoClient, TransportOptions};

/// cosign's signature tag for an image digest: `sha256-<hex>.sig`.
pub fn cosign_signature_tag(digest: &Digest) -> String {
    format!("{}.sig", digest.to_tag())
}

/// cosign's attestation tag for an image digest: `sha256-<hex>.att`.
pub fn cosign_attestation_tag(digest: &Digest) -> String {
    format!("{}.att", digest.to_tag())
}

/// The OCI referrers tag-schema tag for a subject digest: `sha256-<hex>`.
pub fn referrers_tag(digest: &Digest) -> String {
    digest.to_tag()
}

/// A manifest as stored in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawManifest {
    /// The bytes, exactly as served.
    pub bytes: Vec<u8>,
    /// Their digest (verified).
    pub digest: Digest,
    /// The media type the manifest states (or that its shape implies).
    pub media_type: String,
}

/// A blob to push with [`Registry::push_artifact`].
#[derive(Debug, Clone)]
pub struct BlobUpload {
    /// Descriptor (digest and size are checked against the data).
    pub descriptor: Descriptor,
    /// The bytes.
    pub data: Vec<u8>,
}

/// A client for writing to (and reading raw manifests from) one registry.
pub struct Registry {
    registry: String,
    transport: TransportOptions,
    max_manifest_size: u64,
    clients: tokio::sync::Mutex<HashMap<String, RepoClient>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("registry", &self.registry)
            .finish()
    }
}

impl Registry {
    /// A client for `registry` (`host[:port]`, `docker.io`). No request is made yet.
    pub fn new(registry: &str, opts: &OpenOptions) -> Self {
        Registry {
            registry: registry.to_string(),
            transport: opts.transport(),
            max_manifest_size: opts.limits.max_manifest_size,
            clients: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The registry host.
    pub fn name(&self) -> &str {
        &self.registry
    }

    async fn client(&self, repository: &str) -> Result<RepoClient> {
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(repository) {
            return Ok(c.clone());
        }
        let c =
            RepoClient::connect(&self.registry, repository, Access::Push, &self.transport).await?;
        clients.insert(repository.to_string(), c.clone());
        Ok(c)
    }

    fn reference(&self, repository: &str, tag_or_digest: &str) -> Result<ImageReference> {
        let s = if tag_or_digest.contains(':') {
            format!("{}/{repository}@{tag_or_digest}", self.registry)
        } else {
            format!("{}/{repository}:{tag_or_digest}", self.registry)
        };
        ImageReference::parse(&s)
    }

    fn check_reference(&self, reference: &ImageReference) -> Result<()> {
        if reference.registry() != self.registry {
            return Err(Error::InvalidReference {
                input: reference.to_string(),
                reason: format!("this client is for registry {}", self.registry),
            });
        }
        Ok(())
    }

    /// True when `repository` has blob `digest`.
    pub async fn blob_exists(&self, repository: &str, digest: &Digest) -> Result<bool> {
        let c = self.client(repository).await?;
        let r = self.reference(repository, "latest")?.to_oci();
        let d = digest.to_string();
        c.retry(&format!("checking blob {digest} in {repository}"), || {
            c.client.blob_exists(&r, &d)
        })
        .await
    }

    /// Pushes a blob unless it is already there; returns its descriptor digest.
    pub async fn push_blob(&self, repository: &str, data: &[u8]) -> Result<Digest> {
        let digest = Digest::sha256(data);
        if self.blob_exists(repository, &digest).await? {
            return Ok(digest);
        }
        self.upload_blob(repository, &digest, data).await?;
        Ok(digest)
    }

    /// Uploads a blob without checking first whether it is there.
    async fn upload_blob(&self, repository: &str, digest: &Digest, data: &[u8]) -> Result<()> {
        let c = self.client(repository).await?;
        let r = self.reference(repository, "latest")?.to_oci();
        let d = digest.to_string();
        let bytes = data.to_vec();
        c.retry(&format!("pushing blob {digest} to {repository}"), || {
            c.client.push_blob(&r, bytes.clone(), &d)
        })
        .await?;
        Ok(())
    }

    /// Mounts blob `digest` from `from_repository` into `repository` (same registry).
    ///
    /// Returns false when the registry declined (the blob is then not in `repository`).
    pub async fn mount_blob(
        &self,
        repository: &str,
        from_repository: &str,
        digest: &Digest,
    ) -> Result<bool> {
        let c = self.client(repository).await?;
        let to = self.reference(repository, "latest")?.to_oci();
        let from = self.reference(from_repository, "latest")?.to_oci();
        let d = digest.to_string();
        match c.client.mount_blob(&to, &from, &d).await {
            Ok(()) => Ok(true),
            // 202: the registry opened an upload instead of mounting.
            Err(OciDistributionError::SpecViolationError(_)) => Ok(false),
            Err(OciDistributionError::ServerError { code, .. }) if code == 404 || code == 202 => {
                Ok(false)
            }
            Err(e) => Err(c.map_error(e, &format!("mounting blob {digest} into {repository}"))),
        }
    }

    /// Ensures `repository` has the blob: already there, mounted from one of
    /// `mount_from`, or pushed from `data`.
    pub async fn ensure_blob(
        &self,
        repository: &str,
        descriptor: &Descriptor,
        data: &[u8],
        mount_from: &[&str],
    ) -> Result<()> {
        crate::digest::verify_bytes(
            &format!("blob {} to push", descriptor.digest),
            data,
            &descriptor.digest,
            Some(descriptor.size),
        )?;
        if self.blob_exists(repository, &descriptor.digest).await? {
            return Ok(());
        }
        for from in mount_from {
            if *from != repository
                && self
                    .mount_blob(repository, from, &descriptor.digest)
                    .await?
            {
                return Ok(());
            }
        }
        // Existence was checked above: upload without a second HEAD.
        self.upload_blob(repository, &descriptor.digest, data).await
    }

    /// Pushes a manifest under a tag or a digest; returns its digest.
    ///
    /// When `tag_or_digest` is a digest it must be the manifest's own.
    pub async fn push_manifest(
        &self,
        repository: &str,
        tag_or_digest: &str,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<Digest> {
        let digest = Digest::sha256(bytes);
        if tag_or_digest.contains(':') {
            let want = Digest::parse(tag_or_digest)?;
            crate::digest::verify_bytes("manifest to push", bytes, &want, None)?;
        }
        let reference = self.reference(repository, tag_or_digest)?;
        let c = self.client(repository).await?;
        let r = reference.to_oci();
        let ct = reqwest::header::HeaderValue::from_str(media_type).map_err(|_| {
            Error::InvalidImage {
                what: "manifest to push".into(),
                reason: format!("invalid media type {media_type:?}"),
            }
        })?;
        let body = bytes.to_vec();
        c.retry(&format!("pushing manifest {reference}"), || {
            c.client.push_manifest_raw(&r, body.clone(), ct.clone())
        })
        .await?;
        Ok(digest)
    }

    /// Adds `tag` to the manifest `digest` already in `repository`.
    pub async fn tag(&self, repository: &str, digest: &Digest, tag: &str) -> Result<()> {
        let m = self
            .get_manifest_raw(&self.reference(repository, &digest.to_string())?)
            .await?;
        self.push_manifest(repository, tag, &m.bytes, &m.media_type)
            .await?;
        Ok(())
    }

    /// Pushes `blobs` (skipping present ones, mounting from `mount_from` when
    /// possible), then the manifest by digest, then each tag. Nothing points at
    /// the blobs until they are all there.
    pub async fn push_artifact(
        &self,
        repository: &str,
        blobs: &[BlobUpload],
        manifest: &[u8],
        media_type: &str,
        tags: &[&str],
        mount_from: &[&str],
    ) -> Result<Digest> {
        for b in blobs {
            self.ensure_blob(repository, &b.descriptor, &b.data, mount_from)
                .await?;
        }
        let digest = self
            .push_manifest(
                repository,
                &Digest::sha256(manifest).to_string(),
                manifest,
                media_type,
            )
            .await?;
        for t in tags {
            self.push_manifest(repository, t, manifest, media_type)
                .await?;
        }
        Ok(digest)
    }

    /// Fetches a manifest (any type the registry serves), verified.
    pub async fn get_manifest_raw(&self, reference: &ImageReference) -> Result<RawManifest> {
        self.check_reference(reference)?;
        let c = self.client(reference.repository()).await?;
        let (bytes, digest) = fetch_manifest(&c, reference, None, self.max_manifest_size).await?;
        let media_type = Manifest::parse(&bytes, None, &reference.to_string())
            .map(|m| m.media_type().to_string())
            .or_else(|_| {
                #[derive(serde::Deserialize)]
                struct Mt {
                    #[serde(rename = "mediaType")]
                    media_type: Option<String>,
                }
                serde_json::from_slice::<Mt>(&bytes)
                    .ok()
                    .and_then(|m| m.media_type)
                    .ok_or(())
            })
            .unwrap_or_else(|_| media_type::OCI_MANIFEST.to_string());
        Ok(RawManifest {
            bytes,
            digest,
            media_type,
        })
    }

    /// Fetches a blob into memory (at most `max` bytes), verified.
    pub async fn get_blob(
        &self,
        repository: &str,
        descriptor: &Descriptor,
        max: u64,
    ) -> Result<Vec<u8>> {
        let c = self.client(repository).await?;
        let reference = self.reference(repository, "latest")?;
        let what = format!(
            "blob {} of {}/{repository}",
            descriptor.digest, self.registry
        );
        let mut sink = BoundedVec {
            buf: Vec::new(),
            max,
            what: what.clone(),
        };
        download(&c, &reference, descriptor, &what, &mut sink).await?;
        crate::digest::verify_bytes(&what, &sink.buf, &descriptor.digest, Some(descriptor.size))?;
        Ok(sink.buf)
    }

    /// The digest a tag (or digest) reference resolves to, without downloading layers.
    pub async fn resolve_digest(&self, reference: &ImageReference) -> Result<Digest> {
        self.check_reference(reference)?;
        let c = self.client(reference.repository()).await?;
        let r = reference.to_oci();
        let d = c
            .retry(&format!("resolving {reference}"), || {
                c.client.fetch_manifest_digest(&r, &c.auth)
            })
            .await?;
        Digest::parse(&d)
    }

    /// All tags of `repository` (follows pagination).
    pub async fn list_tags(&self, repository: &str) -> Result<Vec<String>> {
        const PAGE: usize = 1000;
        let c = self.client(repository).await?;
        let r = self.reference(repository, "latest")?.to_oci();
        let mut all: Vec<String> = Vec::new();
        let mut last: Option<String> = None;
        loop {
            let l = last.clone();
            let page = c
                .retry(&format!("listing tags of {repository}"), || {
                    c.client.list_tags(&r, &c.auth, Some(PAGE), l.as_deref())
                })
                .await?;
            let n = page.tags.len();
            let new_last = page.tags.last().cloned();
            all.extend(page.tags);
            if n < PAGE || new_last.is_none() || new_last == last {
                break;
            }
            last = new_last;
        }
        all.sort();
        all.dedup();
        Ok(all)
    }

    /// Records `descriptor` as a referrer of `subject` with the OCI referrers
    /// tag schema: the index at tag `sha256-<hex>` gets the descriptor added
    /// (created when absent). Idempotent.
    pub async fn add_referrer(
        &self,
        repository: &str,
        subject: &Digest,
        descriptor: &Descriptor,
    ) -> Result<Digest> {
        let tag = referrers_tag(subject);
        let mut index = match self
            .get_manifest_raw(&self.reference(repository, &tag)?)
            .await
        {
            Ok(m) => match Manifest::parse(&m.bytes, Some(&m.media_type), &tag)? {
                Manifest::Index(i) => i,
                Manifest::Image(_) => {
                    return Err(Error::invalid_image(
                        format!("{}/{repository}:{tag}", self.registry),
                        "the referrers tag holds an image manifest, not an index",
                    ))
                }
            },
            Err(Error::NotFound { .. }) => ImageIndex::empty_oci(),
            Err(e) => return Err(e),
        };
        if !index
            .manifests
            .iter()
            .any(|d| d.digest == descriptor.digest)
        {
            index.manifests.push(descriptor.clone());
        }
        let bytes = serde_json::to_vec(&index).expect("index serialises");
        self.push_manifest(repository, &tag, &bytes, media_type::OCI_INDEX)
            .await
    }

    /// The referrers of `subject`: the registry's referrers API, falling back to the tag schema.
    pub async fn referrers(&self, repository: &str, subject: &Digest) -> Result<ImageIndex> {
        let c = self.client(repository).await?;
        let reference = self.reference(repository, &subject.to_string())?;
        let r = reference.to_oci();
        c.client
            .store_auth_if_needed(r.resolve_registry(), &c.auth)
            .await;
        let idx = c
            .retry(&format!("listing referrers of {reference}"), || {
                c.client.pull_referrers(&r, None)
            })
            .await?;
        let bytes = serde_json::to_vec(&idx)
            .map_err(|e| Error::invalid_image("referrers", e.to_string()))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::invalid_image(format!("referrers of {reference}"), e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_helpers() {
        let d = Digest::sha256(b"x");
        assert_eq!(cosign_signature_tag(&d), format!("sha256-{}.sig", d.hex()));
        assert_eq!(
            cosign_attestation_tag(&d),
            format!("sha256-{}.att", d.hex())
        );
        assert_eq!(referrers_tag(&d), format!("sha256-{}", d.hex()));
    }
}
