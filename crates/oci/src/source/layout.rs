//! OCI image layout directories (`oci:DIR[:TAG]`).
//!
//! `DIR/oci-layout` must exist; `DIR/index.json` lists the images. A tag
//! picks the entry whose `org.opencontainers.image.ref.name` is the tag (or a
//! full reference ending in `:TAG`, or whose `io.containerd.image.name` has
//! that tag). Without a tag the layout must hold one image — or entries that
//! are all platform-specific, which are then treated as an index. Blobs live
//! in `DIR/blobs/<alg>/<hex>` and are verified as they are read.

use std::path::{Path, PathBuf};

use crate::digest::{verify_bytes, Digest};
use crate::error::{Error, Result};
use crate::layer::Limits;
use crate::manifest::{Descriptor, ImageIndex, Manifest};
use crate::platform::Platform;
use crate::source::{
    index_platforms, open_file, read_bounded, select_platform, Backend, IndexChain, Resolved,
};

/// Annotation holding an image's tag (or full name) in `index.json`.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// containerd's annotation holding an image's full name.
pub const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// Blob access for a layout directory.
pub(crate) struct LayoutBackend {
    pub(crate) root: PathBuf,
}

impl LayoutBackend {
    pub(crate) fn blob_path(&self, digest: &Digest) -> PathBuf {
        // Digest validation guarantees hex-only names: no path traversal.
        self.root
            .join("blobs")
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    pub(crate) fn open_blob(&self, digest: &Digest, what: &str) -> Result<std::fs::File> {
        open_file(&self.blob_path(digest), what)
    }

    pub(crate) fn read_blob(&self, desc: &Descriptor, max: u64, what: &str) -> Result<Vec<u8>> {
        if desc.size > max {
            return Err(Error::LimitExceeded {
                layer: what.to_string(),
                path: None,
                what: format!("declared size ({} bytes)", desc.size),
                limit: max,
            });
        }
        let f = self.open_blob(&desc.digest, what)?;
        let data = read_bounded(f, max, what)?;
        verify_bytes(what, &data, &desc.digest, Some(desc.size))?;
        Ok(data)
    }
}

fn tag_matches(desc: &Descriptor, tag: &str) -> bool {
    if let Some(name) = desc.annotation(REF_NAME) {
        if name == tag {
            return true;
        }
        // Some tools store a full reference as the ref name.
        if let Some((_, t)) = name.rsplit_once(':') {
            if t == tag && !t.contains('/') {
                return true;
            }
        }
    }
    if let Some(name) = desc.annotation(CONTAINERD_NAME) {
        if name == tag {
            return true;
        }
        if let Ok(r) = crate::reference::ImageReference::parse(name) {
            if r.tag() == Some(tag) {
                return true;
            }
        }
    }
    false
}

fn names(index: &ImageIndex) -> Vec<String> {
    index
        .manifests
        .iter()
        .filter_map(|d| {
            d.annotation(REF_NAME)
                .or_else(|| d.annotation(CONTAINERD_NAME))
        })
        .map(str::to_string)
        .collect()
}

/// Resolves `DIR[:tag]` to a platform manifest and its config.
pub(crate) fn open(
    path: &Path,
    tag: Option<&str>,
    platform: Option<&Platform>,
    limits: &Limits,
) -> Result<Resolved> {
    let shown = match tag {
        Some(t) => format!("oci:{}:{t}", path.display()),
        None => format!("oci:{}", path.display()),
    };
    if !path.join("oci-layout").is_file() {
        return Err(Error::InvalidSource {
            input: shown,
            reason: format!(
                "{} is not an OCI image layout (no oci-layout file) (hint: create one with `crane pull --format=oci` or `skopeo copy … oci:DIR`)",
                path.display()
            ),
        });
    }
    let layout_json = read_bounded(
        open_file(&path.join("oci-layout"), "oci-layout")?,
        64 * 1024,
        "oci-layout",
    )?;
    #[derive(serde::Deserialize)]
    struct LayoutFile {
        #[serde(rename = "imageLayoutVersion")]
        version: String,
    }
    let lf: LayoutFile = serde_json::from_slice(&layout_json)
        .map_err(|e| Error::invalid_image(&shown, format!("invalid oci-layout file: {e}")))?;
    if !lf.version.starts_with("1.") {
        return Err(Error::Unsupported {
            what: format!("OCI layout version {} in {shown}", lf.version),
            hint: None,
        });
    }
    let index_bytes = read_bounded(
        open_file(&path.join("index.json"), "index.json")?,
        limits.max_manifest_size,
        "index.json",
    )?;
    let index: ImageIndex = serde_json::from_slice(&index_bytes)
        .map_err(|e| Error::invalid_image(format!("{shown} index.json"), e.to_string()))?;
    let backend = LayoutBackend {
        root: path.to_path_buf(),
    };

    let entry: Descriptor = match tag {
        Some(t) => index
            .manifests
            .iter()
            .find(|d| tag_matches(d, t))
            .cloned()
            .ok_or_else(|| Error::NotFound {
                what: format!("tag {t:?} in {}", path.display()),
                hint: Some(format!(
                    "tags in index.json: {}",
                    match names(&index) {
                        n if n.is_empty() => "(none)".to_string(),
                        n => n.join(", "),
                    }
                )),
            })?,
        None if index.manifests.len() == 1 => index.manifests[0].clone(),
        None if !index.manifests.is_empty()
            && index.manifests.iter().all(|d| d.platform.is_some()) =>
        {
            // A flat multi-platform layout: index.json itself is the index.
            let desc = select_platform(&index, platform, &shown)?.clone();
            return finish(
                &backend,
                &shown,
                platform,
                None,
                index_platforms(&index),
                desc,
                limits,
            );
        }
        None if index.manifests.is_empty() => {
            return Err(Error::NotFound {
                what: format!("an image in {shown}"),
                hint: Some("index.json lists no manifests".into()),
            })
        }
        None => {
            return Err(Error::InvalidSource {
                input: shown.clone(),
                reason: format!(
                    "the layout holds {} images; pick one with oci:DIR:TAG (tags: {})",
                    index.manifests.len(),
                    names(&index).join(", ")
                ),
            })
        }
    };

    finish(&backend, &shown, platform, None, Vec::new(), entry, limits)
}

fn finish(
    backend: &LayoutBackend,
    shown: &str,
    platform: Option<&Platform>,
    index_digest: Option<Digest>,
    platforms: Vec<crate::source::PlatformManifest>,
    desc: Descriptor,
    limits: &Limits,
) -> Result<Resolved> {
    // Follow nested indexes (bounded, loops refused) down to the image manifest.
    let (mut desc, mut index_digest, mut platforms) = (desc, index_digest, platforms);
    let mut chain = IndexChain::new(shown);
    let (manifest_raw, manifest) = loop {
        let what = format!("manifest {} in {shown}", desc.digest);
        let raw = backend.read_blob(&desc, limits.max_manifest_size, &what)?;
        match Manifest::parse(&raw, Some(&desc.media_type), &what)? {
            Manifest::Image(m) => break (raw, m),
            Manifest::Index(nested) => {
                chain.enter(&desc.digest)?;
                index_digest.get_or_insert_with(|| desc.digest.clone());
                platforms = index_platforms(&nested);
                desc = select_platform(&nested, platform, shown)?.clone();
            }
        }
    };
    let config_raw = backend.read_blob(
        &manifest.config,
        limits.max_config_size,
        &format!("config of {shown}"),
    )?;
    Ok(Resolved {
        reference: None,
        manifest_raw,
        manifest_digest: desc.digest,
        manifest,
        index_digest,
        platforms,
        config_raw,
        backend: Backend::Layout(LayoutBackend {
            root: backend.root.clone(),
        }),
    })
}
