//! Image references and the spellings admission controllers compare them in.
//!
//! The three controllers see an image differently:
//! - sigstore policy-controller matches its globs against go-containerregistry's
//!   `Reference.Name()`: Docker Hub is `index.docker.io`, official images live under
//!   `library/`, and the reference always carries a tag (`:latest` when none) or a digest.
//! - Kyverno matches `imageReferences` against `registry/path:tag` or `registry/path@digest`
//!   with Docker Hub as `docker.io/library/…`.
//! - A `ValidatingAdmissionPolicy` sees the pod's `image` string exactly as written, so it
//!   has to accept every spelling of the repository (`nginx`, `docker.io/library/nginx`, …).

use crate::error::{Error, Result};

/// Docker Hub's registry as go-containerregistry names it.
pub const DOCKER_HUB_GGCR: &str = "index.docker.io";
/// Docker Hub's registry as Docker and Kyverno name it.
pub const DOCKER_HUB: &str = "docker.io";

/// A parsed image reference: `registry/path[:tag][@digest]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host (with port), Docker Hub as `docker.io`.
    pub registry: String,
    /// The repository path inside the registry (`team/app`, `library/nginx`).
    pub path: String,
    /// The tag, if written.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), if written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a registry reference. `oci:` and `docker-archive:` references are rejected:
    /// an admission policy needs the repository the cluster pulls from.
    pub fn parse(reference: &str) -> Result<Self> {
        let setting = "image";
        let reference = reference.trim();
        if reference.starts_with("oci:") || reference.starts_with("docker-archive:") {
            return Err(Error::invalid(
                setting,
                format!("`{reference}` is a local image, not a registry repository the cluster pulls from; set `with.repository`"),
            ));
        }
        let (name, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_string())),
            None => (reference, None),
        };
        if let Some(d) = &digest {
            if !is_digest(d) {
                return Err(Error::invalid(
                    setting,
                    format!("`{d}` is not a digest (expected `sha256:` and 64 hex digits)"),
                ));
            }
        }
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (
                &name[..last_slash + i],
                Some(name[last_slash + i + 1..].to_string()),
            ),
            None => (name, None),
        };
        if let Some(t) = &tag {
            if !is_tag(t) {
                return Err(Error::invalid(setting, format!("`{t}` is not a valid tag")));
            }
        }
        let (registry, path) = split_registry(name);
        let path = if registry == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_string()
        };
        if path.is_empty() || !path.split('/').all(is_path_component) {
            return Err(Error::invalid(
                setting,
                format!(
                    "`{reference}` is not an image reference (lowercase repository path expected)"
                ),
            ));
        }
        Ok(ImageRef {
            registry,
            path,
            tag,
            digest,
        })
    }

    /// Whether the image lives on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }

    /// The repository as Docker and Kyverno write it (`docker.io/library/nginx`).
    pub fn repository(&self) -> String {
        format!("{}/{}", self.registry, self.path)
    }

    /// The repository as go-containerregistry (and so policy-controller) writes it.
    pub fn ggcr_repository(&self) -> String {
        let registry = if self.is_docker_hub() {
            DOCKER_HUB_GGCR
        } else {
            &self.registry
        };
        format!("{registry}/{}", self.path)
    }

    /// Every way a pod spec may spell this repository (without tag or digest).
    pub fn spellings(&self) -> Vec<String> {
        if !self.is_docker_hub() {
            return vec![self.repository()];
        }
        let mut out = Vec::new();
        let short = self.path.strip_prefix("library/");
        for registry in ["", "docker.io/", "index.docker.io/"] {
            if let Some(short) = short {
                out.push(format!("{registry}{short}"));
            }
            out.push(format!("{registry}{}", self.path));
        }
        out
    }

    /// A short, DNS-label-safe name for the image (its last path component).
    pub fn short_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// `repository@digest` when the digest is known, otherwise `repository:tag` (or the bare repository).
    pub fn pinned(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => format!("{}@{d}", self.repository()),
            (None, Some(t)) => format!("{}:{t}", self.repository()),
            (None, None) => self.repository(),
        }
    }
}

fn split_registry(name: &str) -> (String, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            let registry = match first {
                "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
                other => other.to_string(),
            };
            (registry, rest)
        }
        _ => (DOCKER_HUB.to_string(), name),
    }
}

fn is_path_component(c: &str) -> bool {
    !c.is_empty()
        && c.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        && c.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        && c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
}

fn is_tag(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 128
        && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// Whether `d` is a `sha256:` digest with 64 lowercase hex digits.
pub fn is_digest(d: &str) -> bool {
    d.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_registry_references() {
        let r = ImageRef::parse("registry.example.com:5000/team/app:1.4").unwrap();
        assert_eq!(r.registry, "registry.example.com:5000");
        assert_eq!(r.path, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.4"));
        assert_eq!(r.repository(), "registry.example.com:5000/team/app");
        let d = format!("sha256:{}", "a".repeat(64));
        let r = ImageRef::parse(&format!("ghcr.io/o/app:v1@{d}")).unwrap();
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        assert_eq!(r.pinned(), format!("ghcr.io/o/app@{d}"));
    }

    #[test]
    fn normalises_docker_hub() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(r.repository(), "docker.io/library/nginx");
        assert_eq!(r.ggcr_repository(), "index.docker.io/library/nginx");
        assert!(r.spellings().contains(&"nginx".to_string()));
        let r = ImageRef::parse("index.docker.io/me/app:2").unwrap();
        assert_eq!(r.repository(), "docker.io/me/app");
        assert_eq!(r.spellings().len(), 3);
    }

    #[test]
    fn rejects_local_and_malformed_references() {
        assert!(ImageRef::parse("oci:./image").is_err());
        assert!(ImageRef::parse("docker-archive:x.tar").is_err());
        assert!(ImageRef::parse("Registry.example.com/Team/App").is_err());
        assert!(ImageRef::parse("r.example.com/app@sha256:abc").is_err());
    }
}
