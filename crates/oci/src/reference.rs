//! Image references, parsed and normalised like Docker and the distribution spec.
//!
//! Grammar (from `distribution/reference`):
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [ domain "/" ] path-component ( "/" path-component )*
//! domain     := host [ ":" port ]          host: DNS name, IPv4, or "[" IPv6 "]"
//! path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! ```
//!
//! Normalisation follows Docker: the first component is a registry only if
//! it contains `.` or `:`, is `localhost`, or is a bracketed IPv6 address;
//! otherwise the registry is `docker.io`. Single-component Docker Hub names
//! get `library/`. `index.docker.io` becomes `docker.io`. With neither tag
//! nor digest the tag is `latest`.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use crate::digest::Digest;
use crate::error::{Error, Result};

/// Docker Hub's canonical registry name.
pub const DOCKER_HUB: &str = "docker.io";
const MAX_NAME_LEN: usize = 255;

/// A parsed and normalised image reference.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ImageReference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

impl ImageReference {
    /// Parses and normalises a reference (`nginx` → `docker.io/library/nginx:latest`).
    pub fn parse(input: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidReference {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(bad("empty reference"));
        }
        if input.trim() != input || input.chars().any(char::is_whitespace) {
            return Err(bad("contains whitespace"));
        }
        if input.contains("://") {
            return Err(bad("a reference has no URL scheme"));
        }

        // Digest first: everything after '@'.
        let (rest, digest) = match input.split_once('@') {
            Some((rest, d)) => {
                let digest = Digest::parse(d).map_err(|e| bad(&e.to_string()))?;
                (rest, Some(digest))
            }
            None => (input, None),
        };
        if rest.is_empty() {
            return Err(bad("missing repository name"));
        }

        // Tag: after the last ':' that follows the last '/'.
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let i = last_slash + i;
                (&rest[..i], Some(&rest[i + 1..]))
            }
            None => (rest, None),
        };
        if let Some(t) = tag {
            validate_tag(t).map_err(|r| bad(&r))?;
        }
        if name.len() > MAX_NAME_LEN {
            return Err(bad(&format!(
                "repository name longer than {MAX_NAME_LEN} characters"
            )));
        }

        let (registry, path) = split_domain(name).map_err(|r| bad(&r))?;
        if path.is_empty() {
            return Err(bad("missing repository name"));
        }
        for component in path.split('/') {
            validate_path_component(component).map_err(|r| bad(&r))?;
        }

        let (registry, repository) = match registry {
            None => (DOCKER_HUB.to_string(), hub_repository(path)),
            Some(r) if r == "index.docker.io" || r == "registry-1.docker.io" => {
                (DOCKER_HUB.to_string(), hub_repository(path))
            }
            Some(r) if r == DOCKER_HUB => (DOCKER_HUB.to_string(), hub_repository(path)),
            Some(r) => (r.to_string(), path.to_string()),
        };

        let tag = match (tag, &digest) {
            (Some(t), _) => Some(t.to_string()),
            (None, None) => Some("latest".to_string()),
            (None, Some(_)) => None,
        };
        Ok(ImageReference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// Builds a reference from parts; the parts are validated like [`ImageReference::parse`].
    pub fn from_parts(
        registry: &str,
        repository: &str,
        tag: Option<&str>,
        digest: Option<Digest>,
    ) -> Result<Self> {
        let mut s = format!("{registry}/{repository}");
        if let Some(t) = tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &digest {
            s.push('@');
            s.push_str(&d.to_string());
        }
        Self::parse(&s)
    }

    /// The registry host, with port if any (`docker.io`, `localhost:5000`, `[::1]:5000`).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The repository path (`library/nginx`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, if any (`latest` when the input had neither tag nor digest).
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest, if any.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// The same reference pinned to `digest` (the tag is kept for readability).
    pub fn with_digest(&self, digest: Digest) -> Self {
        ImageReference {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// The same repository with `tag` and no digest.
    pub fn with_tag(&self, tag: &str) -> Result<Self> {
        validate_tag(tag).map_err(|reason| Error::InvalidReference {
            input: format!("{}:{tag}", self.name()),
            reason,
        })?;
        Ok(ImageReference {
            tag: Some(tag.to_string()),
            digest: None,
            ..self.clone()
        })
    }

    /// The same repository without tag or digest.
    pub fn without_tag_or_digest(&self) -> Self {
        ImageReference {
            tag: None,
            digest: None,
            ..self.clone()
        }
    }

    /// `registry/repository` (no tag, no digest).
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The short form Docker shows: `nginx:latest`, `user/app:1`, `ghcr.io/o/r@sha256:…`.
    pub fn familiar(&self) -> String {
        let short = (self.registry == DOCKER_HUB).then(|| {
            self.repository
                .strip_prefix("library/")
                .filter(|r| !r.contains('/'))
                .unwrap_or(&self.repository)
        });
        // `docker.io/my.org/app` must keep its registry: `my.org/app` would name another one.
        let mut name = match short {
            Some(s) if matches!(split_domain(s), Ok((None, _))) => s.to_string(),
            _ => self.name(),
        };
        if let Some(t) = &self.tag {
            name.push(':');
            name.push_str(t);
        }
        if let Some(d) = &self.digest {
            name.push('@');
            name.push_str(&d.to_string());
        }
        name
    }

    /// What to ask the registry for: the digest if pinned, else the tag.
    pub fn tag_or_digest(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".to_string(),
        }
    }

    /// The host part of the registry, without port or IPv6 brackets.
    pub fn registry_host(&self) -> &str {
        registry_host(&self.registry)
    }

    /// The registry host name to use in URLs (Docker Hub's API host for `docker.io`).
    pub fn api_registry(&self) -> &str {
        if self.registry == DOCKER_HUB {
            "index.docker.io"
        } else {
            &self.registry
        }
    }

    /// Converts to oci-client's reference type.
    pub(crate) fn to_oci(&self) -> oci_client::Reference {
        match &self.digest {
            Some(d) => oci_client::Reference::with_digest(
                self.registry.clone(),
                self.repository.clone(),
                d.to_string(),
            ),
            None => oci_client::Reference::with_tag(
                self.registry.clone(),
                self.repository.clone(),
                self.tag.clone().unwrap_or_else(|| "latest".to_string()),
            ),
        }
    }
}

/// The host part of a registry string (`[::1]:5000` → `::1`, `localhost:5000` → `localhost`).
pub fn registry_host(registry: &str) -> &str {
    if let Some(rest) = registry.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            return &rest[..end];
        }
    }
    match registry.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => registry,
    }
}

/// True when `registry` is on this machine: `localhost`, 127.0.0.0/8 or `::1`.
pub fn is_loopback_registry(registry: &str) -> bool {
    let host = registry_host(registry);
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

fn hub_repository(path: &str) -> String {
    if path.contains('/') {
        path.to_string()
    } else {
        format!("library/{path}")
    }
}

/// Splits `name` into an optional domain and the remote path.
fn split_domain(name: &str) -> std::result::Result<(Option<&str>, &str), String> {
    let Some(i) = find_domain_end(name) else {
        return Ok((None, name));
    };
    let first = &name[..i];
    let rest = &name[i + 1..];
    let looks_like_domain = first.starts_with('[')
        || first.contains('.')
        || first.contains(':')
        || first == "localhost"
        || first.chars().any(|c| c.is_ascii_uppercase());
    if !looks_like_domain {
        return Ok((None, name));
    }
    validate_domain(first)?;
    Ok((Some(first), rest))
}

/// Index of the '/' that ends the first component (skipping a bracketed IPv6 host).
fn find_domain_end(name: &str) -> Option<usize> {
    if name.starts_with('[') {
        let close = name.find(']')?;
        return name[close..].find('/').map(|i| close + i);
    }
    name.find('/')
}

fn validate_domain(domain: &str) -> std::result::Result<(), String> {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let close = rest
            .find(']')
            .ok_or_else(|| "unterminated IPv6 address".to_string())?;
        let addr = &rest[..close];
        addr.parse::<Ipv6Addr>()
            .map_err(|_| format!("{addr:?} is not a valid IPv6 address"))?;
        let after = &rest[close + 1..];
        let port = match after {
            "" => None,
            p if p.starts_with(':') => Some(&p[1..]),
            _ => return Err(format!("unexpected {after:?} after IPv6 address")),
        };
        (None, port)
    } else {
        match domain.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(domain), None),
        }
    };
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
            return Err(format!("invalid registry port {port:?}"));
        }
        let n: u32 = port.parse().map_err(|_| format!("invalid port {port:?}"))?;
        if n == 0 || n > 65535 {
            return Err(format!("registry port {n} out of range"));
        }
    }
    if let Some(host) = host {
        if host.is_empty() {
            return Err("empty registry host".into());
        }
        for label in host.split('.') {
            let ok = !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(format!("invalid registry host {host:?}"));
            }
        }
    }
    Ok(())
}

fn validate_path_component(c: &str) -> std::result::Result<(), String> {
    if c.is_empty() {
        return Err("empty path component (double or trailing '/')".into());
    }
    if c.chars().any(|ch| ch.is_ascii_uppercase()) {
        return Err(format!("repository name must be lowercase ({c:?})"));
    }
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return Err(format!(
            "path component {c:?} must start and end with a lowercase letter or digit"
        ));
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator: ".", "_", "__", or a run of "-".
        let start = i;
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < b.len() && b[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            other => {
                return Err(format!(
                    "invalid character {:?} in repository name component {c:?}",
                    other as char
                ))
            }
        }
        if i >= b.len() || !alnum(b[i]) {
            return Err(format!(
                "invalid separator {:?} in {c:?}",
                &c[start..i.min(c.len())]
            ));
        }
    }
    Ok(())
}

fn validate_tag(t: &str) -> std::result::Result<(), String> {
    if t.is_empty() {
        return Err("empty tag".into());
    }
    if t.len() > 128 {
        return Err("tag longer than 128 characters".into());
    }
    let b = t.as_bytes();
    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    if !word(b[0]) {
        return Err(format!("tag {t:?} must start with a letter, digit or '_'"));
    }
    if !b.iter().all(|&x| word(x) || x == b'.' || x == b'-') {
        return Err(format!("tag {t:?} may only contain [A-Za-z0-9_.-]"));
    }
    Ok(())
}

impl fmt::Display for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImageReference({self})")
    }
}

impl FromStr for ImageReference {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl serde::Serialize for ImageReference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ImageReference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ImageReference::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn normalisation_table() {
        let cases: &[(&str, &str)] = &[
            ("nginx", "docker.io/library/nginx:latest"),
            ("nginx:1.27", "docker.io/library/nginx:1.27"),
            ("library/nginx", "docker.io/library/nginx:latest"),
            ("docker.io/nginx", "docker.io/library/nginx:latest"),
            ("index.docker.io/nginx:1", "docker.io/library/nginx:1"),
            ("user/app", "docker.io/user/app:latest"),
            ("user/app/sub:v1", "docker.io/user/app/sub:v1"),
            ("ghcr.io/org/repo:v1", "ghcr.io/org/repo:v1"),
            ("localhost/app", "localhost/app:latest"),
            ("localhost:5000/app:dev", "localhost:5000/app:dev"),
            ("127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b:latest"),
            (
                "registry.example.com:8443/team/app:1.0",
                "registry.example.com:8443/team/app:1.0",
            ),
            ("[::1]:5000/x", "[::1]:5000/x:latest"),
            ("[fe80::1]/x:t", "[fe80::1]/x:t"),
            ("a.b/c_d__e-f--g.h:T_1.2-3", "a.b/c_d__e-f--g.h:T_1.2-3"),
            ("Example.COM/app", "Example.COM/app:latest"),
        ];
        for (input, want) in cases {
            let r = ImageReference::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(r.to_string(), *want, "{input}");
        }
    }

    #[test]
    fn tags_and_digests() {
        let r = ImageReference::parse(&format!("nginx@{D}")).unwrap();
        assert_eq!(r.tag(), None);
        assert_eq!(r.digest().unwrap().to_string(), D);
        assert_eq!(r.to_string(), format!("docker.io/library/nginx@{D}"));
        assert_eq!(r.tag_or_digest(), D);

        let r = ImageReference::parse(&format!("localhost:5000/x:v2@{D}")).unwrap();
        assert_eq!(r.registry(), "localhost:5000");
        assert_eq!(r.repository(), "x");
        assert_eq!(r.tag(), Some("v2"));
        assert_eq!(r.to_string(), format!("localhost:5000/x:v2@{D}"));

        let r = ImageReference::parse("[::1]:5000/ns/x:t").unwrap();
        assert_eq!(r.registry(), "[::1]:5000");
        assert_eq!(r.registry_host(), "::1");
        assert_eq!(r.repository(), "ns/x");
        assert!(is_loopback_registry(r.registry()));

        let pinned = ImageReference::parse("nginx:1.27")
            .unwrap()
            .with_digest(Digest::parse(D).unwrap());
        assert_eq!(
            pinned.to_string(),
            format!("docker.io/library/nginx:1.27@{D}")
        );
        assert_eq!(pinned.familiar(), format!("nginx:1.27@{D}"));
        assert_eq!(
            ImageReference::parse("user/app").unwrap().familiar(),
            "user/app:latest"
        );
    }

    #[test]
    fn invalid_references() {
        let bad = [
            "",
            " nginx",
            "nginx ",
            "Nginx",
            "docker.io/Library/nginx",
            "nginx:",
            "nginx:-tag",
            "nginx:tag!",
            &format!("nginx:{}", "t".repeat(129)),
            "nginx@sha256:abc",
            "nginx@md5:d41d8cd98f00b204e9800998ecf8427e",
            "https://ghcr.io/a/b",
            "ghcr.io//a",
            "ghcr.io/a/",
            "/a",
            "a..b",
            "a-/b",
            "-a",
            "a/b_",
            "a___b",
            "localhost:0/x",
            "localhost:99999/x",
            "localhost:abc/x",
            "[::1/x",
            "[::zz]:5000/x",
            "[::1]x/y",
            "bad_host.com:5000/x",
            &format!("a/{}", "b".repeat(260)),
        ];
        for input in bad {
            let err = ImageReference::parse(input).expect_err(input);
            assert!(err.is_usage(), "{input}: {err}");
            assert!(err.to_string().contains("invalid image reference"), "{err}");
        }
    }

    #[test]
    fn loopback_detection() {
        for r in [
            "localhost:5000",
            "127.0.0.1",
            "127.3.4.5:80",
            "[::1]:5000",
            "LOCALHOST",
        ] {
            assert!(is_loopback_registry(r), "{r}");
        }
        for r in [
            "docker.io",
            "10.0.0.1:5000",
            "[fe80::1]:5000",
            "localhost.example.com",
        ] {
            assert!(!is_loopback_registry(r), "{r}");
        }
    }

    #[test]
    fn oci_conversion() {
        let r = ImageReference::parse("localhost:5000/a/b:t").unwrap();
        let o = r.to_oci();
        assert_eq!(o.registry(), "localhost:5000");
        assert_eq!(o.repository(), "a/b");
        assert_eq!(o.tag(), Some("t"));
    }
}
