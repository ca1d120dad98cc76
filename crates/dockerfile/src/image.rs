//! Image references (`[registry/]path[:tag][@digest]`) with the span of each
//! part, so a rewrite can replace exactly the tag or digest text.

use crate::span::Span;

/// A parsed image reference as written in `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The whole reference as written.
    pub text: String,
    /// Where the reference is in the source.
    pub span: Span,
    /// The registry host (`ghcr.io`, `localhost:5000`), if explicit.
    pub registry: Option<String>,
    /// The repository path without registry (`library/node`, `node`).
    pub name: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), if any.
    pub digest: Option<String>,
    /// Byte range of the tag text in the source (without `:`).
    pub tag_range: Option<std::ops::Range<usize>>,
    /// Byte range of the digest text in the source (without `@`).
    pub digest_range: Option<std::ops::Range<usize>>,
}

/// The parts of a reference string, with byte ranges relative to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefParts {
    /// The registry host, if explicit.
    pub registry: Option<String>,
    /// The repository path without registry.
    pub name: String,
    /// The tag and its range.
    pub tag: Option<(String, std::ops::Range<usize>)>,
    /// The digest and its range.
    pub digest: Option<(String, std::ops::Range<usize>)>,
}

/// Splits a reference string into registry, name, tag and digest.
///
/// The registry is the first path component when it contains `.` or `:` or
/// is `localhost` and more components follow, as in Docker.
pub fn split_reference(text: &str) -> RefParts {
    let (before_digest, digest) = match text.find('@') {
        Some(i) => (
            &text[..i],
            Some((text[i + 1..].to_string(), i + 1..text.len())),
        ),
        None => (text, None),
    };
    let last_slash = before_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (path, tag) = match before_digest[last_slash..].find(':') {
        Some(j) => {
            let i = last_slash + j;
            (
                &before_digest[..i],
                Some((
                    before_digest[i + 1..].to_string(),
                    i + 1..before_digest.len(),
                )),
            )
        }
        None => (before_digest, None),
    };
    let (registry, name) = match path.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first.to_string()), rest.to_string())
        }
        _ => (None, path.to_string()),
    };
    RefParts {
        registry,
        name,
        tag,
        digest,
    }
}

impl ImageRef {
    /// Builds a reference from its text and span.
    pub fn new(text: &str, span: Span) -> ImageRef {
        let parts = split_reference(text);
        let shift = |r: std::ops::Range<usize>| span.start + r.start..span.start + r.end;
        ImageRef {
            text: text.to_string(),
            span,
            registry: parts.registry,
            name: parts.name,
            tag: parts.tag.as_ref().map(|t| t.0.clone()),
            digest: parts.digest.as_ref().map(|d| d.0.clone()),
            tag_range: parts.tag.map(|t| shift(t.1)),
            digest_range: parts.digest.map(|d| shift(d.1)),
        }
    }

    /// Whether the reference is `scratch`.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.name.eq_ignore_ascii_case("scratch")
    }

    /// Whether the reference uses a variable (`$VAR`, `${VAR}`).
    pub fn has_variable(&self) -> bool {
        self.text.contains('$')
    }

    /// The registry the image is pulled from (`docker.io` when implicit).
    pub fn effective_registry(&self) -> &str {
        self.registry.as_deref().unwrap_or("docker.io")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references() {
        let p = split_reference("ghcr.io/org/app:1.2@sha256:abc");
        assert_eq!(p.registry.as_deref(), Some("ghcr.io"));
        assert_eq!(p.name, "org/app");
        assert_eq!(p.tag.as_ref().map(|t| t.0.as_str()), Some("1.2"));
        assert_eq!(p.digest.as_ref().map(|t| t.0.as_str()), Some("sha256:abc"));
        let p = split_reference("localhost:5000/app");
        assert_eq!(p.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(p.tag, None);
        let p = split_reference("node:20-alpine");
        assert_eq!(p.registry, None);
        assert_eq!(p.name, "node");
        assert_eq!(p.tag.unwrap().1, 5..14);
    }
}
