//! `docker save` archives (`docker-archive:FILE[:REF]`), old and new layouts.
//!
//! The archive is indexed once (entry name → offset and size; symlinks and
//! hardlinks between entries, which old `docker save` uses for repeated
//! layers, are resolved inside the archive), then read in place: nothing is
//! extracted. `manifest.json` names the config and the layer files: old
//! archives use `<id>/layer.tar` and `<hex>.json`, new ones (Docker 25+)
//! `blobs/sha256/<hex>`, crane writes `<hex>.tar.gz` and `sha256:<hex>`.
//!
//! Layer compression is sniffed from magic bytes. The config is hashed and,
//! when its file name carries a digest, checked against it. A layer's
//! digest is the one in its file name, or its diff_id when uncompressed, or
//! computed; it is verified while the layer is walked. The manifest is the
//! archive's own OCI manifest when the archive carries one (new layout),
//! else a Docker schema 2 manifest synthesised from config and layers.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::ImageConfig;
use crate::digest::{verify_bytes, Digest, Hasher};
use crate::error::{Error, Result};
use crate::layer::{normalise_path, Limits};
use crate::manifest::{media_type, Compression, Descriptor, ImageIndex, ImageManifest, Manifest};
use crate::platform::Platform;
use crate::reference::ImageReference;
use crate::source::{open_file, read_bounded, Backend, Resolved};

#[derive(Debug, Clone, Copy)]
struct Span {
    offset: u64,
    size: u64,
}

/// Blob access for an archive: the file and where each layer lives in it.
pub(crate) struct ArchiveBackend {
    pub(crate) path: PathBuf,
    spans: HashMap<Digest, Span>,
}

impl ArchiveBackend {
    pub(crate) fn open_layer(
        &self,
        digest: &Digest,
        what: &str,
    ) -> Result<impl Read + Send + use<>> {
        let span = *self.spans.get(digest).ok_or_else(|| Error::NotFound {
            what: format!("{what} in {}", self.path.display()),
            hint: None,
        })?;
        open_span(&self.path, span, what)
    }
}

fn open_span(path: &Path, span: Span, what: &str) -> Result<std::io::Take<File>> {
    let mut f = open_file(path, "docker archive")?;
    f.seek(SeekFrom::Start(span.offset))
        .map_err(|e| Error::io(format!("reading {what} from {}", path.display()), e))?;
    Ok(f.take(span.size))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ArchiveImage {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

/// Indexes the archive: normalised entry name → span, with links resolved.
fn index_archive(path: &Path) -> Result<HashMap<String, Span>> {
    let mut f = open_file(path, "docker archive")?;
    let mut magic = [0u8; 2];
    let n = f
        .read(&mut magic)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    if n == 2 && magic == [0x1f, 0x8b] {
        return Err(Error::Unsupported {
            what: format!("compressed docker archive {}", path.display()),
            hint: Some(
                "decompress it first (gunzip), docker-archive reads a plain tar in place".into(),
            ),
        });
    }
    f.rewind()
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let mut archive = tar::Archive::new(f);
    let mut spans: HashMap<String, Span> = HashMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| {
            Error::invalid_image(
                path.display().to_string(),
                format!("not a tar archive: {e}"),
            )
        })?;
        let name = normalise_path(&String::from_utf8_lossy(&entry.path_bytes())).0;
        let et = entry.header().entry_type();
        if et.is_symlink() || et.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let resolved = if et.is_symlink() && !target.starts_with('/') {
                let dir = crate::layer::split_parent(&name)
                    .map(|(p, _)| p)
                    .unwrap_or("/");
                normalise_path(&format!("{dir}/{target}")).0
            } else {
                normalise_path(&target).0
            };
            links.push((name, resolved));
        } else if et.is_file() {
            spans.insert(
                name,
                Span {
                    offset: entry.raw_file_position(),
                    size: entry.size(),
                },
            );
        }
    }
    // Resolve link chains (bounded).
    for _ in 0..8 {
        let mut changed = false;
        for (name, target) in &links {
            if !spans.contains_key(name) {
                if let Some(s) = spans.get(target).copied() {
                    spans.insert(name.clone(), s);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    Ok(spans)
}

/// The digest a file name carries: `blobs/sha256/<hex>`, `<hex>.json`, `sha256:<hex>`, `<hex>.tar.gz`…
fn digest_from_name(name: &str) -> Option<Digest> {
    let base = name.rsplit('/').next()?;
    if let Some(rest) = name.strip_prefix("/blobs/") {
        if let Some((alg, hex)) = rest.split_once('/') {
            return Digest::parse(&format!("{alg}:{hex}")).ok();
        }
    }
    if base.starts_with("sha256:") || base.starts_with("sha512:") {
        return Digest::parse(base).ok();
    }
    let stem = base
        .strip_suffix(".tar.gz")
        .or_else(|| base.strip_suffix(".tar.zst"))
        .or_else(|| base.strip_suffix(".tar"))
        .or_else(|| base.strip_suffix(".json"))?;
    Digest::parse(&format!("sha256:{stem}")).ok()
}

/// Opens an archive image synchronously (run it in blocking context).
pub(crate) fn open(
    path: &Path,
    wanted: Option<&str>,
    platform: Option<&Platform>,
    limits: &Limits,
) -> Result<Resolved> {
    let shown = format!("docker-archive:{}", path.display());
    let spans = index_archive(path)?;
    let read_entry = |name: &str, max: u64, what: &str| -> Result<Vec<u8>> {
        let key = normalise_path(name).0;
        let span = *spans.get(&key).ok_or_else(|| {
            Error::invalid_image(
                &shown,
                format!("{what} ({name}) is missing from the archive"),
            )
        })?;
        if span.size > max {
            return Err(Error::LimitExceeded {
                layer: format!("{what} in {shown}"),
                path: Some(name.to_string()),
                what: format!("size ({} bytes)", span.size),
                limit: max,
            });
        }
        read_bounded(open_span(path, span, what)?, max, what)
    };

    let manifest_json = read_entry("manifest.json", limits.max_manifest_size, "manifest.json").map_err(|e| match e {
        Error::InvalidImage { .. } => Error::InvalidSource {
            input: shown.clone(),
            reason: "not a docker save archive (no manifest.json) (hint: create one with `docker save` or `crane pull`)".into(),
        },
        other => other,
    })?;
    let images: Vec<ArchiveImage> = serde_json::from_slice(&manifest_json)
        .map_err(|e| Error::invalid_image(format!("{shown} manifest.json"), e.to_string()))?;
    let tags_of = |img: &ArchiveImage| img.repo_tags.clone().unwrap_or_default();
    let image = match wanted {
        Some(w) => {
            let want_norm = ImageReference::parse(w).ok().map(|r| r.to_string());
            images
                .iter()
                .find(|img| {
                    tags_of(img).iter().any(|t| {
                        t == w || (want_norm.is_some() && ImageReference::parse(t).ok().map(|r| r.to_string()) == want_norm)
                    })
                })
                .ok_or_else(|| Error::NotFound {
                    what: format!("image {w:?} in {shown}"),
                    hint: Some(format!(
                        "RepoTags in the archive: {}",
                        images.iter().flat_map(tags_of).collect::<Vec<_>>().join(", ")
                    )),
                })?
        }
        None => match images.as_slice() {
            [one] => one,
            [] => return Err(Error::invalid_image(&shown, "manifest.json lists no images")),
            many => {
                return Err(Error::InvalidSource {
                    input: shown.clone(),
                    reason: format!(
                        "the archive holds {} images; pick one with docker-archive:FILE:NAME (RepoTags: {})",
                        many.len(),
                        many.iter().flat_map(tags_of).collect::<Vec<_>>().join(", ")
                    ),
                })
            }
        },
    };

    // Config: hash it; check the digest its name carries.
    let config_raw = read_entry(&image.config, limits.max_config_size, "image config")?;
    let config_digest = Digest::sha256(&config_raw);
    if let Some(named) = digest_from_name(&normalise_path(&image.config).0) {
        verify_bytes(
            &format!("config {} of {shown}", image.config),
            &config_raw,
            &named,
            None,
        )?;
    }
    let config = ImageConfig::parse(&config_raw)
        .map_err(|e| Error::invalid_image(format!("config of {shown}"), e.to_string()))?;
    if let Some(want) = platform {
        let have = config.platform();
        if !want.matches(&have) {
            return Err(Error::PlatformNotFound {
                image: shown,
                wanted: want.to_string(),
                available: vec![have.to_string()],
            });
        }
    }
    if config.rootfs.diff_ids.len() != image.layers.len() {
        return Err(Error::invalid_image(
            &shown,
            format!(
                "manifest.json lists {} layers but the config has {} diff_ids",
                image.layers.len(),
                config.rootfs.diff_ids.len()
            ),
        ));
    }

    // Layers: where they are, how they are compressed, their digest.
    let mut layer_descs = Vec::new();
    let mut layer_spans = HashMap::new();
    for (i, name) in image.layers.iter().enumerate() {
        let key = normalise_path(name).0;
        let what = format!("layer {i} ({name}) of {shown}");
        let span = *spans.get(&key).ok_or_else(|| {
            Error::invalid_image(
                &shown,
                format!("layer file {name} is missing from the archive"),
            )
        })?;
        let mut prefix = [0u8; 6];
        let mut r = open_span(path, span, &what)?;
        let n =
            read_up_to(&mut r, &mut prefix).map_err(|e| Error::io(format!("reading {what}"), e))?;
        let compression = Compression::sniff(&prefix[..n])?;
        let mt = match compression {
            Compression::None => media_type::DOCKER_LAYER,
            Compression::Gzip => media_type::DOCKER_LAYER_GZIP,
            Compression::Zstd => media_type::OCI_LAYER_ZSTD,
        };
        let digest = match (digest_from_name(&key), compression) {
            (Some(d), _) => d,
            (None, Compression::None) => config.rootfs.diff_ids[i].clone(),
            (None, _) => hash_span(path, span, &what)?,
        };
        layer_spans.insert(digest.clone(), span);
        layer_descs.push(Descriptor::new(mt, digest, span.size));
    }

    let config_desc = Descriptor::new(
        media_type::DOCKER_CONFIG,
        config_digest.clone(),
        config_raw.len() as u64,
    );
    let (manifest_raw, manifest_digest, manifest) =
        match find_embedded_manifest(&spans, path, &config_digest, &layer_descs, limits) {
            Some(found) => found,
            None => synthesise(config_desc, layer_descs),
        };
    Ok(Resolved {
        reference: None,
        manifest_raw,
        manifest_digest,
        manifest,
        index_digest: None,
        platforms: Vec::new(),
        config_raw,
        backend: Backend::Archive(ArchiveBackend {
            path: path.to_path_buf(),
            spans: layer_spans,
        }),
    })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn hash_span(path: &Path, span: Span, what: &str) -> Result<Digest> {
    let mut r = open_span(path, span, what)?;
    let mut h = Hasher::new(crate::digest::Algorithm::Sha256);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = r
            .read(&mut buf)
            .map_err(|e| Error::io(format!("reading {what}"), e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

/// A Docker schema 2 manifest for the archive's config and layers (compact JSON, Docker's field order).
fn synthesise(config: Descriptor, layers: Vec<Descriptor>) -> (Vec<u8>, Digest, ImageManifest) {
    let manifest = ImageManifest {
        schema_version: 2,
        media_type: Some(media_type::DOCKER_MANIFEST.to_string()),
        artifact_type: None,
        config,
        layers,
        subject: None,
        annotations: None,
    };
    let raw = serde_json::to_vec(&manifest).expect("manifest serialises");
    let digest = Digest::sha256(&raw);
    (raw, digest, manifest)
}

/// New-style archives carry an OCI layout: use the real manifest whose config and layers match.
fn find_embedded_manifest(
    spans: &HashMap<String, Span>,
    path: &Path,
    config_digest: &Digest,
    layers: &[Descriptor],
    limits: &Limits,
) -> Option<(Vec<u8>, Digest, ImageManifest)> {
    let read = |name: &str| -> Option<Vec<u8>> {
        let span = *spans.get(name)?;
        if span.size > limits.max_manifest_size {
            return None;
        }
        read_bounded(
            open_span(path, span, name).ok()?,
            limits.max_manifest_size,
            name,
        )
        .ok()
    };
    let index: ImageIndex = serde_json::from_slice(&read("/index.json")?).ok()?;
    let mut queue: Vec<Descriptor> = index.manifests;
    let mut seen = 0;
    while let Some(d) = queue.pop() {
        seen += 1;
        if seen > 64 {
            return None;
        }
        let name = format!(
            "/blobs/{}/{}",
            d.digest.algorithm().as_str(),
            d.digest.hex()
        );
        let Some(bytes) = read(&name) else { continue };
        if verify_bytes("embedded manifest", &bytes, &d.digest, Some(d.size)).is_err() {
            continue;
        }
        match Manifest::parse(&bytes, Some(&d.media_type), "embedded manifest") {
            Ok(Manifest::Index(i)) => queue.extend(i.manifests),
            Ok(Manifest::Image(m)) => {
                let same_layers = m.layers.len() == layers.len()
                    && m.layers
                        .iter()
                        .zip(layers)
                        .all(|(a, b)| a.digest == b.digest && a.size == b.size);
                if &m.config.digest == config_digest && same_layers {
                    return Some((bytes, d.digest, m));
                }
            }
            Err(_) => continue,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_from_names() {
        let hex = "a".repeat(64);
        assert_eq!(
            digest_from_name(&format!("/blobs/sha256/{hex}"))
                .unwrap()
                .hex(),
            hex
        );
        assert_eq!(
            digest_from_name(&format!("/{hex}.json")).unwrap().hex(),
            hex
        );
        assert_eq!(
            digest_from_name(&format!("/sha256:{hex}")).unwrap().hex(),
            hex
        );
        assert_eq!(
            digest_from_name(&format!("/{hex}.tar.gz")).unwrap().hex(),
            hex
        );
        assert!(digest_from_name(&format!("/{hex}/layer.tar")).is_none());
        assert!(digest_from_name("/manifest.json").is_none());
    }
}
