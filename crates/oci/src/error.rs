//! The crate's single error type.
//!
//! Every fallible function in `secchain-oci` returns [`Error`]. Variants are
//! grouped by [`ErrorKind`] so the CLI can map them to exit codes: the
//! "usage" kinds (a bad reference, source or platform string, a platform the
//! image does not have) are the user's to fix; everything else is a runtime
//! failure (network, authentication, integrity, limits, I/O, a malformed
//! image). Messages name the reference, layer or path involved and, where
//! one helps, end with a hint. No message ever contains a credential.

use std::io;

/// Broad classes of [`Error`], for mapping to exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The user's input is wrong: reference, source, platform or option syntax.
    Usage,
    /// The image (or the requested platform, tag or blob) does not exist.
    NotFound,
    /// The registry refused our credentials, or a credential helper failed.
    Auth,
    /// Network failure, timeout, or an unexpected registry answer.
    Network,
    /// Content did not match its digest or size (fail closed).
    Integrity,
    /// A configured limit (size, entry count) was exceeded.
    Limit,
    /// Local I/O failed (cache, layout directory, archive file).
    Io,
    /// The image is malformed: bad JSON, bad tar, inconsistent metadata.
    InvalidImage,
    /// The image uses something this crate does not support.
    Unsupported,
}

/// The error type of every fallible operation in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An image reference could not be parsed.
    #[error("invalid image reference {input:?}: {reason} (hint: use [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], lowercase repository, e.g. docker.io/library/nginx:1.27)")]
    InvalidReference {
        /// What the user gave.
        input: String,
        /// What is wrong with it.
        reason: String,
    },

    /// An image source string (`oci:DIR[:tag]`, `docker-archive:FILE`, a reference) is invalid.
    #[error("invalid image source {input:?}: {reason}")]
    InvalidSource {
        /// What the user gave.
        input: String,
        /// What is wrong with it, with a hint.
        reason: String,
    },

    /// A platform string could not be parsed.
    #[error("invalid platform {input:?}: {reason} (hint: use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64/v8)")]
    InvalidPlatform {
        /// What the user gave.
        input: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A digest string could not be parsed or uses an unsupported algorithm.
    #[error("invalid digest {input:?}: {reason}")]
    InvalidDigest {
        /// What was given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The image has no manifest for the requested platform.
    #[error("{image} has no image for platform {wanted}; available platforms: {} (hint: pass one of them as the platform)", list_or_none(.available))]
    PlatformNotFound {
        /// The image (reference or source) that was opened.
        image: String,
        /// The requested platform.
        wanted: String,
        /// The platforms the image offers.
        available: Vec<String>,
    },

    /// The image, tag, manifest or blob does not exist.
    #[error("{what} not found{}", hint_suffix(.hint))]
    NotFound {
        /// What was looked for, naming the reference or path.
        what: String,
        /// A hint for the user, if any.
        hint: Option<String>,
    },

    /// The registry rejected the credentials (or anonymous access).
    #[error("authentication to {registry} failed: {message} (credentials: {credential_source}; hint: check `docker login {registry}` or the credentials in your docker config / auth.json)")]
    Auth {
        /// The registry host.
        registry: String,
        /// What went wrong (never contains a secret).
        message: String,
        /// Where the credentials came from (a file path, a helper name, or "anonymous").
        credential_source: String,
    },

    /// A credential helper or auth file could not be used.
    #[error("credentials for {registry}: {message}")]
    Credentials {
        /// The registry host.
        registry: String,
        /// What went wrong (never contains a secret).
        message: String,
    },

    /// A network failure, timeout, or unexpected registry response.
    #[error("registry {registry}: {message}{}", hint_suffix(.hint))]
    Network {
        /// The registry host.
        registry: String,
        /// What went wrong.
        message: String,
        /// A hint for the user, if any.
        hint: Option<String>,
    },

    /// Content did not match its expected digest or size.
    #[error("integrity check failed for {what}: expected {expected}, got {actual} (the content was rejected; refusing to continue)")]
    Integrity {
        /// What was being verified (manifest, config, layer N, cache entry…), with its reference.
        what: String,
        /// The expected digest or size.
        expected: String,
        /// The digest or size actually seen.
        actual: String,
    },

    /// A configured limit was exceeded.
    #[error("limit exceeded in {layer}{}: {what} is over the limit of {limit} (hint: raise the limit in the options if the image is trusted)", path_suffix(.path))]
    LimitExceeded {
        /// The layer (or blob) being read, e.g. "layer 3 (sha256:…)".
        layer: String,
        /// The path inside the layer, when the limit concerns one entry.
        path: Option<String>,
        /// Which quantity exceeded the limit.
        what: String,
        /// The limit.
        limit: u64,
    },

    /// The image is malformed.
    #[error("invalid image {what}: {reason}")]
    InvalidImage {
        /// Which part of which image (manifest of X, config of X, layer N).
        what: String,
        /// What is wrong.
        reason: String,
    },

    /// The image uses a feature this crate does not support.
    #[error("unsupported: {what}{}", hint_suffix(.hint))]
    Unsupported {
        /// What is unsupported.
        what: String,
        /// A hint for the user, if any.
        hint: Option<String>,
    },

    /// Local I/O failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the path.
        context: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

fn hint_suffix(hint: &Option<String>) -> String {
    match hint {
        Some(h) => format!(" (hint: {h})"),
        None => String::new(),
    }
}

fn path_suffix(path: &Option<String>) -> String {
    match path {
        Some(p) => format!(" at {p}"),
        None => String::new(),
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.join(", ")
    }
}

impl Error {
    /// The class of this error, for mapping to exit codes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidReference { .. }
            | Error::InvalidSource { .. }
            | Error::InvalidPlatform { .. }
            | Error::InvalidDigest { .. }
            | Error::PlatformNotFound { .. } => ErrorKind::Usage,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Auth { .. } | Error::Credentials { .. } => ErrorKind::Auth,
            Error::Network { .. } => ErrorKind::Network,
            Error::Integrity { .. } => ErrorKind::Integrity,
            Error::LimitExceeded { .. } => ErrorKind::Limit,
            Error::InvalidImage { .. } => ErrorKind::InvalidImage,
            Error::Unsupported { .. } => ErrorKind::Unsupported,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    /// True when the error is the user's input (reference, source, platform), not a runtime failure.
    pub fn is_usage(&self) -> bool {
        self.kind() == ErrorKind::Usage
    }

    /// Builds an [`Error::Io`] naming what was being done.
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        // An io::Error may carry one of our own errors (limits, integrity)
        // raised inside a reader chain: unwrap it instead of hiding it.
        match take_inner(source) {
            Ok(e) => e,
            Err(source) => Error::Io {
                context: context.into(),
                source,
            },
        }
    }

    /// Wraps this error in an `io::Error` so it can travel through `Read` chains.
    pub(crate) fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    pub(crate) fn invalid_image(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidImage {
            what: what.into(),
            reason: reason.into(),
        }
    }
}

/// Recovers an [`Error`] that was wrapped with [`Error::into_io`], if any.
pub(crate) fn take_inner(e: io::Error) -> std::result::Result<Error, io::Error> {
    let is_ours = e
        .get_ref()
        .map(|inner| inner.is::<Error>())
        .unwrap_or(false);
    if !is_ours {
        return Err(e);
    }
    let kind = e.kind();
    match e.into_inner() {
        Some(inner) => match inner.downcast::<Error>() {
            Ok(ours) => Ok(*ours),
            Err(other) => Err(io::Error::new(kind, other)),
        },
        None => Err(io::Error::from(kind)),
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_roundtrip_recovers_our_error() {
        let e = Error::LimitExceeded {
            layer: "layer 0".into(),
            path: Some("/x".into()),
            what: "file size".into(),
            limit: 5,
        };
        let io = e.into_io();
        let back = Error::io("reading", io);
        assert_eq!(back.kind(), ErrorKind::Limit);
        assert!(back.to_string().contains("/x"), "{back}");
    }

    #[test]
    fn plain_io_stays_io() {
        let back = Error::io("reading /tmp/x", io::Error::other("boom"));
        assert_eq!(back.kind(), ErrorKind::Io);
        assert!(back.to_string().starts_with("reading /tmp/x"));
    }

    #[test]
    fn platform_not_found_lists_available() {
        let e = Error::PlatformNotFound {
            image: "x".into(),
            wanted: "linux/s390x".into(),
            available: vec!["linux/amd64".into(), "linux/arm64".into()],
        };
        let s = e.to_string();
        assert!(s.contains("linux/amd64, linux/arm64"), "{s}");
        assert!(e.is_usage());
    }
}
