//! Images in a registry: manifest resolution and verified blob downloads.
//!
//! Manifests are fetched raw through oci-client (which checks the digest
//! against the reference or `Docker-Content-Digest`); this module checks it
//! again together with the size from the parent descriptor. Blobs are
//! streamed with oci-client's `pull_blob_stream` into a sink that enforces
//! the expected size as bytes arrive; the digest is checked at the end,
//! before anything is committed to the cache.

use futures::StreamExt;
use oci_client::manifest::OciDescriptor;

use crate::digest::{verify_bytes, Digest};
use crate::error::{Error, Result};
use crate::layer::Limits;
use crate::manifest::{Descriptor, Manifest};
use crate::platform::Platform;
use crate::reference::ImageReference;
use crate::source::manifest_get::get_manifest;
use crate::source::{index_platforms, select_platform, Backend, IndexChain, Resolved};
use crate::transport::{backoff, is_retryable, Access, RepoClient, TransportOptions};

/// Blob access for one repository.
pub(crate) struct RegistryBackend {
    pub(crate) client: RepoClient,
    pub(crate) reference: ImageReference,
}

/// Receives a blob's bytes; `reset` discards them before a retry.
pub(crate) trait BlobSink: Send {
    fn write(&mut self, data: &[u8]) -> Result<()>;
    fn reset(&mut self) -> Result<()>;
}

impl BlobSink for crate::cache::CacheWriter {
    fn write(&mut self, data: &[u8]) -> Result<()> {
        crate::cache::CacheWriter::write(self, data)
    }
    fn reset(&mut self) -> Result<()> {
        crate::cache::CacheWriter::reset(self)
    }
}

/// An in-memory sink with a size bound.
pub(crate) struct BoundedVec {
    pub(crate) buf: Vec<u8>,
    pub(crate) max: u64,
    pub(crate) what: String,
}

impl BlobSink for BoundedVec {
    fn write(&mut self, data: &[u8]) -> Result<()> {
        if (self.buf.len() + data.len()) as u64 > self.max {
            return Err(Error::LimitExceeded {
                layer: self.what.clone(),
                path: None,
                what: "size".into(),
                limit: self.max,
            });
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }
    fn reset(&mut self) -> Result<()> {
        self.buf.clear();
        Ok(())
    }
}

pub(crate) fn oci_descriptor(desc: &Descriptor) -> OciDescriptor {
    OciDescriptor {
        media_type: desc.media_type.clone(),
        digest: desc.digest.to_string(),
        size: desc.size as i64,
        ..Default::default()
    }
}

impl RegistryBackend {
    /// Streams a blob into `sink`, enforcing size as it arrives; retries transient failures.
    /// The caller verifies the digest (the cache writer does on commit).
    pub(crate) async fn download(
        &self,
        desc: &Descriptor,
        what: &str,
        sink: &mut (dyn BlobSink + Send),
    ) -> Result<()> {
        download(&self.client, &self.reference, desc, what, sink).await
    }

    /// Fetches a small blob (config) into memory, verified.
    pub(crate) async fn fetch_small(
        &self,
        desc: &Descriptor,
        max: u64,
        what: &str,
    ) -> Result<Vec<u8>> {
        if desc.size > max {
            return Err(Error::LimitExceeded {
                layer: what.to_string(),
                path: None,
                what: format!("declared size ({} bytes)", desc.size),
                limit: max,
            });
        }
        let mut sink = BoundedVec {
            buf: Vec::new(),
            max,
            what: what.to_string(),
        };
        self.download(desc, what, &mut sink).await?;
        verify_bytes(what, &sink.buf, &desc.digest, Some(desc.size))?;
        Ok(sink.buf)
    }
}

pub(crate) async fn download(
    rc: &RepoClient,
    reference: &ImageReference,
    desc: &Descriptor,
    what: &str,
    sink: &mut (dyn BlobSink + Send),
) -> Result<()> {
    let oci_ref = reference.to_oci();
    let oci_desc = oci_descriptor(desc);
    let timeout = rc.opts.request_timeout;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let outcome: std::result::Result<(), (Error, bool)> = async {
            let stream = match tokio::time::timeout(
                timeout,
                rc.client.pull_blob_stream(&oci_ref, &oci_desc),
            )
            .await
            {
                Err(_) => return Err((timeout_error(rc, what), true)),
                Ok(Err(e)) => {
                    let retry = is_retryable(&e);
                    return Err((rc.map_error(e, what), retry));
                }
                Ok(Ok(s)) => s,
            };
            if let Some(len) = stream.content_length {
                if len != desc.size {
                    return Err((
                        Error::Integrity {
                            what: what.to_string(),
                            expected: format!("{} bytes", desc.size),
                            actual: format!("{len} bytes (Content-Length)"),
                        },
                        false,
                    ));
                }
            }
            let mut s = stream.stream;
            loop {
                let next = match tokio::time::timeout(timeout, s.next()).await {
                    Err(_) => return Err((timeout_error(rc, what), true)),
                    Ok(n) => n,
                };
                match next {
                    None => break,
                    Some(Ok(chunk)) => sink.write(&chunk).map_err(|e| (e, false))?,
                    Some(Err(io)) => {
                        let e = oci_client::errors::OciDistributionError::IoError(io);
                        let retry = is_retryable(&e);
                        return Err((rc.map_error(e, what), retry));
                    }
                }
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) => return Ok(()),
            Err((e, retry)) if retry && attempt < rc.opts.max_attempts => {
                let _ = e;
                sink.reset()?;
                tokio::time::sleep(backoff(
                    attempt,
                    rc.opts.initial_backoff,
                    rc.opts.max_backoff,
                ))
                .await;
            }
            Err((e, _)) => return Err(e),
        }
    }
}

fn timeout_error(rc: &RepoClient, what: &str) -> Error {
    Error::Network {
        registry: rc.registry.clone(),
        message: format!("{what} timed out after {:?}", rc.opts.request_timeout),
        hint: None,
    }
}

/// Fetches a manifest by tag or digest and verifies it; returns bytes and digest.
pub(crate) async fn fetch_manifest(
    rc: &RepoClient,
    reference: &ImageReference,
    expected: Option<&Descriptor>,
    max: u64,
) -> Result<(Vec<u8>, Digest)> {
    let what = format!("manifest {reference}");
    let oci_ref = reference.to_oci();
    let fetched = rc
        .retry(&format!("pulling {what}"), || {
            get_manifest(rc, &oci_ref, max, &what)
        })
        .await??;
    let bytes = fetched.bytes;
    // Without a Docker-Content-Digest header the digest is the content's own
    // (and checked against the reference and descriptor below).
    let digest = fetched.digest_header.unwrap_or_else(|| {
        reference
            .digest()
            .map(|d| d.of_same_algorithm(&bytes))
            .unwrap_or_else(|| Digest::sha256(&bytes))
            .to_string()
    });
    let digest = Digest::parse(&digest).map_err(|e| Error::invalid_image(&what, e.to_string()))?;
    let computed = digest.of_same_algorithm(&bytes);
    if computed != digest {
        return Err(Error::Integrity {
            what,
            expected: digest.to_string(),
            actual: computed.to_string(),
        });
    }
    if let Some(want) = reference.digest() {
        verify_bytes(&what, &bytes, want, None)?;
    }
    if let Some(desc) = expected {
        verify_bytes(&what, &bytes, &desc.digest, Some(desc.size))?;
    }
    Ok((bytes, digest))
}

/// Resolves a registry reference to a platform manifest and its config.
pub(crate) async fn open(
    reference: &ImageReference,
    platform: Option<&Platform>,
    limits: &Limits,
    transport: &TransportOptions,
) -> Result<Resolved> {
    let rc = RepoClient::connect(
        reference.registry(),
        reference.repository(),
        Access::Pull,
        transport,
    )
    .await?;
    let what = format!("manifest {reference}");
    let (mut bytes, mut digest) =
        fetch_manifest(&rc, reference, None, limits.max_manifest_size).await?;
    let mut media_type: Option<String> = None;
    let mut chain = IndexChain::new(&reference.to_string());
    let mut index_digest = None;
    let mut platforms = Vec::new();
    let manifest = loop {
        let shown = match &media_type {
            None => what.clone(),
            Some(_) => format!("manifest {}", reference.with_digest(digest.clone())),
        };
        match Manifest::parse(&bytes, media_type.as_deref(), &shown)? {
            // A single manifest: its platform is only known from the config (checked by the caller).
            Manifest::Image(m) => break m,
            Manifest::Index(index) => {
                chain.enter(&digest)?;
                // The top index is the one the reference names; platforms come from the innermost.
                index_digest.get_or_insert_with(|| digest.clone());
                platforms = index_platforms(&index);
                let desc = select_platform(&index, platform, &reference.to_string())?.clone();
                let child_ref = reference.with_digest(desc.digest.clone());
                (bytes, digest) =
                    fetch_manifest(&rc, &child_ref, Some(&desc), limits.max_manifest_size).await?;
                media_type = Some(desc.media_type);
            }
        }
    };
    let (manifest_raw, manifest_digest) = (bytes, digest);
    let pinned = reference.with_digest(manifest_digest.clone());
    let backend = RegistryBackend {
        client: rc,
        reference: pinned.clone(),
    };
    let config_raw = backend
        .fetch_small(
            &manifest.config,
            limits.max_config_size,
            &format!("config of {pinned}"),
        )
        .await?;
    Ok(Resolved {
        reference: Some(pinned),
        manifest_raw,
        manifest_digest,
        manifest,
        index_digest,
        platforms,
        config_raw,
        backend: Backend::Registry(Box::new(backend)),
    })
}
