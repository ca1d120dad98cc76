//! The crate's error type.
//!
//! Errors say what failed and, where there is one, how to fix it. A failed
//! *verification* is not an error: [`crate::verify_image`] reports it as a failed
//! check in its [`crate::VerificationReport`]. Errors are for what stopped the work
//! itself: an unreadable key, a wrong password, an unreachable registry.

use std::path::PathBuf;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why signing, attesting, verifying or key handling could not be done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A key file could not be read or written.
    #[error("{action} {}: {source}", path.display())]
    KeyFile {
        /// What was being done ("reading", "writing").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key (file, variable) is not in a format secchain reads.
    #[error("{what}: {message}")]
    KeyFormat {
        /// Which key ("cosign.key", "$COSIGN_KEY").
        what: String,
        /// What is wrong with it.
        message: String,
    },
    /// The key's password is wrong (or the key file was altered).
    #[error("{what}: wrong password, or the encrypted key was altered")]
    WrongPassword {
        /// Which key.
        what: String,
    },
    /// No password could be obtained.
    #[error("{0}")]
    Password(String),
    /// A key reference names something not supported (yet).
    #[error("{reference}: {message}")]
    UnsupportedKeyRef {
        /// The reference as written.
        reference: String,
        /// Why it cannot be used.
        message: String,
    },
    /// A request is inconsistent (e.g. a tag where a digest is needed, a bad annotation).
    #[error("{0}")]
    Invalid(String),
    /// An environment variable named by a key reference is unset.
    #[error("environment variable {0} is not set (it was named as the key: env://{0})")]
    MissingEnv(String),
    /// A file the request names (predicate, output dir) could not be used.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A registry request failed.
    #[error("registry: {0}")]
    Registry(String),
    /// Something in the registry is not what secchain wrote or reads (bad JSON, wrong media type).
    #[error("{0}")]
    Malformed(String),
    /// Keyless signing could not get a certificate or log entry.
    #[error("keyless signing: {0}")]
    Keyless(String),
    /// A cryptographic operation failed.
    #[error("crypto: {0}")]
    Crypto(String),
}

impl Error {
    /// An [`Error::Io`] with context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// An [`Error::KeyFormat`].
    pub fn key_format(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::KeyFormat {
            what: what.into(),
            message: message.into(),
        }
    }
}
