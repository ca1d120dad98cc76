//! Errors of policy generation, rendering and apply.
//!
//! Every error that comes from missing or contradictory input names the setting to fix
//! (`with.signer.keyless.subject`, the sign stage's `data.public_key_pem`, …), so a
//! failed stage says exactly what to change. Nothing is written when generation fails.

/// Why policies could not be generated, rendered or applied.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting the policies need is absent.
    #[error("missing setting `{setting}`: {why}")]
    Missing {
        /// The setting, as a user would write it (`with.signer.keyless.issuer`).
        setting: String,
        /// Why it is needed.
        why: String,
    },
    /// A setting has a value the policies cannot use.
    #[error("invalid `{setting}`: {message}")]
    Invalid {
        /// The setting.
        setting: String,
        /// What is wrong with it.
        message: String,
    },
    /// The combination of settings cannot be expressed by an admission controller.
    #[error("{0}")]
    Unsupported(String),
    /// A document could not be serialised.
    #[error("rendering {file}: {message}")]
    Render {
        /// The file being rendered.
        file: String,
        /// The serialiser's message.
        message: String,
    },
    /// A document read back for `apply` is not a Kubernetes resource.
    #[error("{file}: {message}")]
    Document {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The Kubernetes client could not be configured or a request failed.
    #[error("{context}: {message}")]
    Kube {
        /// What was being done.
        context: String,
        /// The client's message.
        message: String,
    },
}

impl Error {
    /// A missing setting.
    pub fn missing(setting: impl Into<String>, why: impl Into<String>) -> Self {
        Error::Missing {
            setting: setting.into(),
            why: why.into(),
        }
    }

    /// An invalid setting.
    pub fn invalid(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            setting: setting.into(),
            message: message.into(),
        }
    }
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
