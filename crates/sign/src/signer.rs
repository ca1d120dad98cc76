//! What signs: the [`Signer`] trait, implemented by key pairs (files, environment,
//! ephemeral) and by the keyless signer (a Fulcio certificate for an ephemeral key).
//! A KMS backend would be one more implementation.
//!
//! [`TransparencyLog`] records a signature in a log (Rekor) and returns the entry that
//! goes into the bundle or the legacy `dev.sigstore.cosign/bundle` annotation.

use async_trait::async_trait;

use crate::bundle::TlogEntry;
use crate::error::Result;
use crate::key::{PublicKey, SigningKeyPair};

/// Something that makes ECDSA P-256 / SHA-256 signatures (ASN.1 DER), as cosign's keys.
pub trait Signer: Send + Sync {
    /// Signs `message` and returns the DER signature.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;

    /// The public key that verifies the signatures.
    fn public_key(&self) -> PublicKey;

    /// The certificate chain (DER, leaf first) binding the key to an identity, for
    /// keyless signing; `None` for plain keys.
    fn certificate_chain(&self) -> Option<&[Vec<u8>]> {
        None
    }

    /// Says what signs, for reports ("key cosign.key", "ephemeral key", "keyless: …").
    fn describe(&self) -> String;

    /// Whether this is a throwaway key (dry runs): nothing it signs should be trusted.
    fn is_ephemeral(&self) -> bool {
        false
    }
}

impl Signer for SigningKeyPair {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        Ok(SigningKeyPair::sign(self, message))
    }

    fn public_key(&self) -> PublicKey {
        SigningKeyPair::public_key(self)
    }

    fn describe(&self) -> String {
        if self.origin() == EPHEMERAL_ORIGIN {
            "an ephemeral key (dry run: not a real signature)".to_string()
        } else {
            format!("key {}", self.origin())
        }
    }

    fn is_ephemeral(&self) -> bool {
        self.origin() == EPHEMERAL_ORIGIN
    }
}

/// The origin name of ephemeral (dry-run) keys.
pub const EPHEMERAL_ORIGIN: &str = "ephemeral";

/// A throwaway key pair for dry runs.
pub fn ephemeral_signer() -> Result<SigningKeyPair> {
    SigningKeyPair::generate(EPHEMERAL_ORIGIN)
}

/// What a transparency log is asked to record.
#[derive(Clone, Debug)]
pub enum LogRequest<'a> {
    /// A signature over `payload` (cosign's `hashedrekord` entry, legacy image signatures).
    HashedRekord {
        /// The signed bytes.
        payload: &'a [u8],
        /// The DER signature.
        signature: &'a [u8],
        /// The PEM certificate (or public key) that verifies it.
        verifier_pem: &'a str,
    },
    /// A DSSE envelope (bundles and attestations; Rekor's `dsse` entry).
    Dsse {
        /// The envelope JSON.
        envelope_json: &'a [u8],
        /// The PEM certificate (or public key) that verifies it.
        verifier_pem: &'a str,
    },
}

/// A transparency log (Rekor).
#[async_trait]
pub trait TransparencyLog: Send + Sync {
    /// Records the request and returns the log's entry with its inclusion promise/proof.
    async fn record(&self, request: LogRequest<'_>) -> Result<TlogEntry>;
}
