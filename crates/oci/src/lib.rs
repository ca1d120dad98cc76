//! secchain's image access: every stage reads container images through this crate.
//!
//! - [`ImageReference`] parses and normalises references like Docker
//!   (`nginx` → `docker.io/library/nginx:latest`, ports, IPv6, tag+digest).
//! - [`ImageSource`] is a registry reference, an OCI layout (`oci:DIR[:TAG]`)
//!   or a `docker save` archive (`docker-archive:FILE[:REF]`); [`open`] turns
//!   any of them into an [`Image`] with verified manifest and config for one
//!   [`Platform`].
//! - [`Image::walk_layers`] streams all layers once through a
//!   [`LayerVisitor`] (decompressed, verified, paths normalised, limits
//!   enforced, nothing extracted); [`Image::filesystem`] gives the merged
//!   [`MergedView`] with per-path history, and [`MergedView::read`] reads
//!   final file contents streaming only the layers needed;
//!   [`Image::filesystem_with`] builds the view and feeds other readers (a
//!   [`share::ContentVisitor`] such as the catalogue or the secret scan) in the
//!   same pass.
//! - Every manifest and blob is verified against digest and size; a mismatch
//!   is an error ([`ErrorKind::Integrity`]), never a warning.
//! - [`BlobCache`] is the on-disk, content-addressed, size-bounded blob cache.
//! - [`AuthConfig`] finds credentials (Docker config, credential helpers,
//!   containers auth.json); secrets never appear in `Debug` output or errors.
//! - [`Registry`] pushes blobs, manifests, tags and referrers (for signing).
//!
//! The registry protocol is oci-client's; this crate adds verification,
//! retries, credentials, layer handling and the merged view.

#![warn(missing_docs)]

pub mod auth;
pub mod cache;
pub mod config;
pub mod digest;
pub mod error;
pub mod image;
pub mod layer;
pub mod manifest;
pub mod merged;
pub mod platform;
pub mod push;
pub mod reference;
pub mod share;
pub mod source;
mod transport;

pub use auth::{AuthConfig, Credential, ResolvedCredential, Secret};
pub use cache::BlobCache;
pub use config::{ContainerConfig, HealthCheck, HistoryEntry, ImageConfig, RootFs};
pub use digest::Digest;
pub use error::{Error, ErrorKind, Result};
pub use image::{open, Image, OpenOptions};
pub use layer::{
    Anomaly, EntryKind, EntryMeta, Layer, LayerEntry, LayerVisitor, Limits, MAX_ENTRY_METADATA,
};
pub use manifest::{Compression, Descriptor, ImageIndex, ImageManifest, Manifest};
pub use merged::{Change, ContentRef, DeletedPath, MergedView, Node};
pub use platform::Platform;
pub use push::{
    cosign_attestation_tag, cosign_signature_tag, referrers_tag, BlobUpload, RawManifest, Registry,
};
pub use reference::ImageReference;
pub use share::{Content, ContentVisitor, SharedPass};
pub use source::{ImageSource, PlatformManifest};
pub use transport::HTTP_TIMEOUT_ENV;
