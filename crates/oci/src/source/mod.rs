//! Image sources: a registry, an OCI image layout directory, a `docker save` archive.
//!
//! [`ImageSource::parse`] understands `oci:DIR[:TAG]`,
//! `docker-archive:FILE[:REF]` and plain references (optionally prefixed
//! with `docker://`). Each source resolves to the same internal shape
//! (manifest, config, layers and a blob backend), so stage code never cares
//! where an image came from.

pub(crate) mod archive;
pub(crate) mod layout;
pub(crate) mod manifest_get;
pub(crate) mod registry;

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{media_type, Descriptor, ImageIndex, ImageManifest};
use crate::platform::Platform;
use crate::reference::ImageReference;

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A registry reference.
    Registry(ImageReference),
    /// An OCI image layout directory, optionally with the tag to pick
    /// (matched against `org.opencontainers.image.ref.name` in `index.json`).
    OciLayout {
        /// The layout directory.
        path: PathBuf,
        /// The tag to pick.
        tag: Option<String>,
    },
    /// A `docker save` archive (old or new layout), optionally with the image to pick
    /// (matched against `RepoTags`).
    DockerArchive {
        /// The archive file.
        path: PathBuf,
        /// The image to pick, as in `RepoTags` (`nginx:latest`).
        reference: Option<String>,
    },
}

impl ImageSource {
    /// Parses `oci:DIR[:TAG]`, `docker-archive:FILE[:REF]`, `docker://REF` or `REF`.
    ///
    /// Because paths may contain `:`, an existing path wins: `oci:a:b` is the
    /// directory `a:b` if it exists, else directory `a` with tag `b`.
    pub fn parse(input: &str) -> Result<Self> {
        let bad = |reason: String| Error::InvalidSource {
            input: input.to_string(),
            reason,
        };
        if let Some(rest) = input.strip_prefix("oci:") {
            if rest.is_empty() {
                return Err(bad(
                    "missing directory (hint: oci:DIR or oci:DIR:TAG)".into()
                ));
            }
            if Path::new(rest).is_dir() {
                return Ok(ImageSource::OciLayout {
                    path: rest.into(),
                    tag: None,
                });
            }
            if let Some((dir, tag)) = rest.rsplit_once(':') {
                if !dir.is_empty() && !tag.contains('/') {
                    if tag.is_empty() {
                        return Err(bad("empty tag after ':' (hint: oci:DIR:TAG)".into()));
                    }
                    return Ok(ImageSource::OciLayout {
                        path: dir.into(),
                        tag: Some(tag.to_string()),
                    });
                }
            }
            return Ok(ImageSource::OciLayout {
                path: rest.into(),
                tag: None,
            });
        }
        if let Some(rest) = input.strip_prefix("docker-archive:") {
            if rest.is_empty() {
                return Err(bad("missing file (hint: docker-archive:FILE)".into()));
            }
            if Path::new(rest).is_file() {
                return Ok(ImageSource::DockerArchive {
                    path: rest.into(),
                    reference: None,
                });
            }
            for (i, _) in rest.match_indices(':') {
                let (file, r) = (&rest[..i], &rest[i + 1..]);
                if Path::new(file).is_file() {
                    if r.is_empty() {
                        return Err(bad("empty image name after ':'".into()));
                    }
                    return Ok(ImageSource::DockerArchive {
                        path: file.into(),
                        reference: Some(r.to_string()),
                    });
                }
            }
            return Ok(ImageSource::DockerArchive {
                path: rest.into(),
                reference: None,
            });
        }
        for unsupported in [
            "docker-daemon:",
            "oci-archive:",
            "containers-storage:",
            "dir:",
        ] {
            if input.starts_with(unsupported) {
                return Err(bad(format!(
                    "the {unsupported} transport is not supported (hint: use a registry reference, oci:DIR[:TAG] or docker-archive:FILE)"
                )));
            }
        }
        let r = input.strip_prefix("docker://").unwrap_or(input);
        Ok(ImageSource::Registry(ImageReference::parse(r)?))
    }

    /// The registry reference, for registry sources.
    pub fn reference(&self) -> Option<&ImageReference> {
        match self {
            ImageSource::Registry(r) => Some(r),
            _ => None,
        }
    }
}

impl ImageSource {
    /// The source with a relative `oci:` or `docker-archive:` path resolved against `base`
    /// (the pipeline file's directory); registry references are returned unchanged.
    pub fn resolved_against(self, base: &std::path::Path) -> ImageSource {
        match self {
            ImageSource::OciLayout { path, tag } if path.is_relative() => ImageSource::OciLayout {
                path: base.join(path),
                tag,
            },
            ImageSource::DockerArchive { path, reference } if path.is_relative() => {
                ImageSource::DockerArchive {
                    path: base.join(path),
                    reference,
                }
            }
            other => other,
        }
    }
}

impl fmt::Display for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageSource::Registry(r) => write!(f, "{r}"),
            ImageSource::OciLayout { path, tag } => {
                write!(f, "oci:{}", path.display())?;
                if let Some(t) = tag {
                    write!(f, ":{t}")?;
                }
                Ok(())
            }
            ImageSource::DockerArchive { path, reference } => {
                write!(f, "docker-archive:{}", path.display())?;
                if let Some(r) = reference {
                    write!(f, ":{r}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::str::FromStr for ImageSource {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ImageSource::parse(s)
    }
}

/// One platform-specific manifest of an index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlatformManifest {
    /// The platform.
    pub platform: Platform,
    /// Digest of its manifest.
    pub digest: Digest,
    /// Size of its manifest.
    pub size: u64,
    /// Media type of its manifest.
    pub media_type: String,
}

/// Reads layer blobs for the walk.
pub(crate) enum Backend {
    Registry(Box<registry::RegistryBackend>),
    Layout(layout::LayoutBackend),
    Archive(archive::ArchiveBackend),
}

/// What every source resolves to.
pub(crate) struct Resolved {
    pub reference: Option<ImageReference>,
    pub manifest_raw: Vec<u8>,
    pub manifest_digest: Digest,
    pub manifest: ImageManifest,
    pub index_digest: Option<Digest>,
    pub platforms: Vec<PlatformManifest>,
    pub config_raw: Vec<u8>,
    pub backend: Backend,
}

/// The platforms an index offers (attestation `unknown/unknown` entries left out).
pub(crate) fn index_platforms(index: &ImageIndex) -> Vec<PlatformManifest> {
    index
        .manifests
        .iter()
        .filter(|d| is_manifest_type(&d.media_type))
        .filter_map(|d| {
            let p = d.platform.clone()?;
            (!p.is_unknown()).then(|| PlatformManifest {
                platform: p,
                digest: d.digest.clone(),
                size: d.size,
                media_type: d.media_type.clone(),
            })
        })
        .collect()
}

fn is_manifest_type(mt: &str) -> bool {
    mt == media_type::OCI_MANIFEST || mt == media_type::DOCKER_MANIFEST
}

fn is_index_type(mt: &str) -> bool {
    mt == media_type::OCI_INDEX || mt == media_type::DOCKER_MANIFEST_LIST
}

/// How many indexes may be followed from the top one down to a manifest
/// (index → index → … → manifest). Real images use one, sometimes two.
pub(crate) const MAX_INDEX_DEPTH: usize = 4;

/// The indexes followed so far while resolving one image: enforces
/// [`MAX_INDEX_DEPTH`] and refuses to visit an index twice (a loop).
pub(crate) struct IndexChain {
    image: String,
    followed: Vec<Digest>,
}

impl IndexChain {
    /// An empty chain for `image` (named in errors).
    pub(crate) fn new(image: &str) -> Self {
        IndexChain {
            image: image.to_string(),
            followed: Vec::new(),
        }
    }

    /// Records that the index `digest` is being followed; fails on a loop or too deep a chain.
    pub(crate) fn enter(&mut self, digest: &Digest) -> Result<()> {
        if self.followed.contains(digest) {
            return Err(Error::invalid_image(
                &self.image,
                format!(
                    "index {digest} refers back to itself (followed: {})",
                    self.path()
                ),
            ));
        }
        if self.followed.len() >= MAX_INDEX_DEPTH {
            return Err(Error::LimitExceeded {
                layer: format!("index chain of {} ({})", self.image, self.path()),
                path: None,
                what: "index nesting depth".into(),
                limit: MAX_INDEX_DEPTH as u64,
            });
        }
        self.followed.push(digest.clone());
        Ok(())
    }

    fn path(&self) -> String {
        self.followed
            .iter()
            .map(|d| d.short())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// Picks the entry of `index` for `wanted` (default: the host's platform).
pub(crate) fn select_platform<'a>(
    index: &'a ImageIndex,
    wanted: Option<&Platform>,
    image: &str,
) -> Result<&'a Descriptor> {
    let host = Platform::host();
    let want = wanted.unwrap_or(&host);
    let best = index
        .manifests
        .iter()
        .filter(|d| is_manifest_type(&d.media_type))
        .filter_map(|d| d.platform.as_ref().map(|p| (d, p)))
        .filter(|(_, p)| want.matches(p))
        .max_by_key(|(_, p)| want.match_score(p));
    if let Some((d, _)) = best {
        return Ok(d);
    }
    // A single entry without platform information: take it.
    let manifests: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| is_manifest_type(&d.media_type))
        .collect();
    if wanted.is_none() && manifests.len() == 1 && manifests[0].platform.is_none() {
        return Ok(manifests[0]);
    }
    // A nested index (index in index) for this platform, or without platform: follow it.
    if let Some(nested) = index
        .manifests
        .iter()
        .filter(|d| is_index_type(&d.media_type))
        .find(|d| d.platform.as_ref().is_none_or(|p| want.matches(p)))
    {
        return Ok(nested);
    }
    Err(Error::PlatformNotFound {
        image: image.to_string(),
        wanted: want.to_string(),
        available: index_platforms(index)
            .iter()
            .map(|p| p.platform.to_string())
            .collect(),
    })
}

/// Reads all of `r`, failing when it is longer than `max` bytes.
pub(crate) fn read_bounded(mut r: impl Read, max: u64, what: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(format!("reading {what}"), e))?;
    if buf.len() as u64 > max {
        return Err(Error::LimitExceeded {
            layer: what.to_string(),
            path: None,
            what: "size".into(),
            limit: max,
        });
    }
    Ok(buf)
}

/// Opens a local file with a clear error.
pub(crate) fn open_file(path: &Path, what: &str) -> Result<File> {
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound {
                what: format!("{what} ({})", path.display()),
                hint: None,
            }
        } else {
            Error::io(format!("opening {what} ({})", path.display()), e)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_sources() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        assert_eq!(
            ImageSource::parse(&format!("oci:{d}")).unwrap(),
            ImageSource::OciLayout {
                path: d.clone().into(),
                tag: None
            }
        );
        assert_eq!(
            ImageSource::parse(&format!("oci:{d}:v1")).unwrap(),
            ImageSource::OciLayout {
                path: d.clone().into(),
                tag: Some("v1".into())
            }
        );
        let colon_dir = dir.path().join("a:b");
        std::fs::create_dir(&colon_dir).unwrap();
        assert_eq!(
            ImageSource::parse(&format!("oci:{}", colon_dir.display())).unwrap(),
            ImageSource::OciLayout {
                path: colon_dir.clone(),
                tag: None
            }
        );
        let file = dir.path().join("img.tar");
        std::fs::write(&file, b"").unwrap();
        let f = file.display().to_string();
        assert_eq!(
            ImageSource::parse(&format!("docker-archive:{f}")).unwrap(),
            ImageSource::DockerArchive {
                path: file.clone(),
                reference: None
            }
        );
        assert_eq!(
            ImageSource::parse(&format!("docker-archive:{f}:nginx:latest")).unwrap(),
            ImageSource::DockerArchive {
                path: file.clone(),
                reference: Some("nginx:latest".into())
            }
        );
        assert_eq!(
            ImageSource::parse("docker://nginx").unwrap().to_string(),
            "docker.io/library/nginx:latest"
        );
        assert_eq!(
            ImageSource::parse(&format!("oci:{d}:v1"))
                .unwrap()
                .to_string(),
            format!("oci:{d}:v1")
        );
        for bad in [
            "oci:",
            "docker-archive:",
            "docker-daemon:nginx",
            "Upper",
            "oci:/x:",
        ] {
            let e = ImageSource::parse(bad).expect_err(bad);
            assert!(e.is_usage(), "{bad}: {e}");
        }
    }
}
