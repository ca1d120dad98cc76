//! Keys: where they come from ([`KeyRef`]), their password ([`PasswordSource`]), and
//! the key types the rest of the crate signs and verifies with.
//!
//! Signing keys are ECDSA P-256, as cosign's: read from cosign's encrypted format
//! ("ENCRYPTED SIGSTORE PRIVATE KEY", see [`cosign_format`]) or from plain PKCS#8
//! ("PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") PEM; written by [`generate_key_pair`] in
//! cosign's format. Signatures are ASN.1 DER over SHA-256, as cosign makes them.
//!
//! The secret scalar lives in a [`p256::ecdsa::SigningKey`], which zeroises itself on
//! drop; passwords, decrypted key bytes and derived keys are held in [`Zeroizing`]
//! buffers.

pub mod cosign_format;
pub mod generate;
pub mod pem;

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64::Engine as _;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::EncodePublicKey as _;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub use generate::{generate_key_pair, GenerateOptions, GeneratedKeyPair};

/// Environment variable holding a key's password (cosign's name; read first).
pub const COSIGN_PASSWORD_ENV: &str = "COSIGN_PASSWORD";
/// Environment variable holding a key's password (secchain's name; read second).
pub const SECCHAIN_PASSWORD_ENV: &str = "SECCHAIN_KEY_PASSWORD";

/// Where a key comes from, as written in a pipeline or on the command line.
///
/// - `PATH` or `file://PATH`: a key file.
/// - `env://VAR`: the PEM text of the key in an environment variable.
/// - `kms://…`, `awskms://…`, `gcpkms://…`, `azurekms://…`, `hashivault://…`: a key held
///   by a KMS. Parsed so that pipelines can name one, but not supported yet: loading
///   it fails with [`Error::UnsupportedKeyRef`]. A KMS backend plugs in as another
///   [`crate::Signer`] implementation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRef {
    /// A key file.
    File(PathBuf),
    /// An environment variable holding the key's PEM text.
    Env(String),
    /// A KMS key URI (`scheme://…`).
    Kms {
        /// The scheme (`kms`, `awskms`, `gcpkms`, `azurekms`, `hashivault`).
        scheme: String,
        /// The whole URI as written.
        uri: String,
    },
}

/// The KMS schemes recognised in a [`KeyRef`] (cosign's names, plus a generic `kms`).
pub const KMS_SCHEMES: &[&str] = &["kms", "awskms", "gcpkms", "azurekms", "hashivault"];

impl KeyRef {
    /// Parses a key reference (see [`KeyRef`]). Never fails on a path; fails on an
    /// unknown `scheme://` and an empty `env://`.
    pub fn parse(input: &str) -> Result<Self> {
        if let Some(var) = input.strip_prefix("env://") {
            if var.is_empty() || var.contains(['=', '\0']) {
                return Err(Error::Invalid(format!(
                    "{input}: expected env://VARIABLE naming the variable that holds the key"
                )));
            }
            return Ok(KeyRef::Env(var.to_string()));
        }
        if let Some(path) = input.strip_prefix("file://") {
            return Ok(KeyRef::File(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = input.split_once("://") {
            if KMS_SCHEMES.contains(&scheme) {
                return Ok(KeyRef::Kms {
                    scheme: scheme.to_string(),
                    uri: input.to_string(),
                });
            }
            return Err(Error::UnsupportedKeyRef {
                reference: input.to_string(),
                message: format!(
                    "unknown key scheme `{scheme}://`; use a file path, env://VAR, or a KMS URI ({})",
                    KMS_SCHEMES
                        .iter()
                        .map(|s| format!("{s}://"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        if input.is_empty() {
            return Err(Error::Invalid("empty key reference".into()));
        }
        Ok(KeyRef::File(PathBuf::from(input)))
    }

    /// Resolves a relative file path against `base` (the pipeline file's directory).
    pub fn resolve_against(self, base: &Path) -> Self {
        match self {
            KeyRef::File(p) if p.is_relative() => KeyRef::File(base.join(p)),
            other => other,
        }
    }

    /// Reads the key's PEM text. KMS references fail with [`Error::UnsupportedKeyRef`].
    pub fn read_pem(&self) -> Result<Zeroizing<String>> {
        match self {
            KeyRef::File(path) => {
                std::fs::read_to_string(path)
                    .map(Zeroizing::new)
                    .map_err(|source| Error::KeyFile {
                        action: "reading",
                        path: path.clone(),
                        source,
                    })
            }
            KeyRef::Env(var) => std::env::var(var)
                .map(Zeroizing::new)
                .map_err(|_| Error::MissingEnv(var.clone())),
            KeyRef::Kms { uri, .. } => Err(Error::UnsupportedKeyRef {
                reference: uri.clone(),
                message: "KMS keys are not supported yet; use a key file or env://VAR \
                          (the reference is accepted so pipelines can be written for it)"
                    .into(),
            }),
        }
    }
}

impl FromStr for KeyRef {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        KeyRef::parse(s)
    }
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyRef::File(p) => write!(f, "{}", p.display()),
            KeyRef::Env(v) => write!(f, "env://{v}"),
            KeyRef::Kms { uri, .. } => f.write_str(uri),
        }
    }
}

/// Where the password of an encrypted key comes from. Never from a command-line flag.
#[derive(Clone)]
pub enum PasswordSource {
    /// `COSIGN_PASSWORD`, then `SECCHAIN_KEY_PASSWORD` (set and empty means the empty
    /// password, as in cosign); else a prompt when stdin is a terminal; else an error.
    Interactive,
    /// `COSIGN_PASSWORD`, then `SECCHAIN_KEY_PASSWORD`; never prompts (pipeline runs).
    Environment,
    /// A password the caller already holds (its own prompt, a test).
    Given(Zeroizing<String>),
}

impl fmt::Debug for PasswordSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordSource::Interactive => f.write_str("Interactive"),
            PasswordSource::Environment => f.write_str("Environment"),
            PasswordSource::Given(_) => f.write_str("Given(***)"),
        }
    }
}

impl PasswordSource {
    /// A [`PasswordSource::Given`] from a string.
    pub fn given(password: impl Into<String>) -> Self {
        PasswordSource::Given(Zeroizing::new(password.into()))
    }

    /// The password from the environment, if one of the variables is set.
    fn from_env() -> Option<Zeroizing<String>> {
        [COSIGN_PASSWORD_ENV, SECCHAIN_PASSWORD_ENV]
            .iter()
            .find_map(|name| std::env::var(name).ok().map(Zeroizing::new))
    }

    /// Obtains the password to decrypt `what`.
    pub fn password_for(&self, what: &str) -> Result<Zeroizing<String>> {
        self.obtain(&format!("Enter password for private key {what}: "), false)
    }

    /// Obtains a password for a new key (prompted twice on a terminal).
    pub fn new_password(&self) -> Result<Zeroizing<String>> {
        self.obtain("Enter password for private key: ", true)
    }

    fn obtain(&self, prompt: &str, confirm: bool) -> Result<Zeroizing<String>> {
        match self {
            PasswordSource::Given(p) => Ok(p.clone()),
            PasswordSource::Environment => Self::from_env().ok_or_else(|| {
                Error::Password(format!(
                    "the key is encrypted and neither {COSIGN_PASSWORD_ENV} nor {SECCHAIN_PASSWORD_ENV} is set"
                ))
            }),
            PasswordSource::Interactive => {
                if let Some(p) = Self::from_env() {
                    return Ok(p);
                }
                if !std::io::stdin().is_terminal() {
                    return Err(Error::Password(format!(
                        "the key is encrypted: set {COSIGN_PASSWORD_ENV} (or {SECCHAIN_PASSWORD_ENV}); \
                         secchain prompts only on a terminal"
                    )));
                }
                let first = Zeroizing::new(
                    rpassword::prompt_password(prompt)
                        .map_err(|e| Error::Password(format!("reading the password: {e}")))?,
                );
                if confirm {
                    let second = Zeroizing::new(
                        rpassword::prompt_password("Enter password for private key again: ")
                            .map_err(|e| Error::Password(format!("reading the password: {e}")))?,
                    );
                    if *first != *second {
                        return Err(Error::Password("the passwords do not match".into()));
                    }
                }
                Ok(first)
            }
        }
    }
}

/// An ECDSA P-256 signing key (zeroised on drop) and where it came from.
#[derive(Clone)]
pub struct SigningKeyPair {
    key: SigningKey,
    origin: String,
}

impl fmt::Debug for SigningKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyPair")
            .field("origin", &self.origin)
            .field("public_key", &self.public_key().hint())
            .finish_non_exhaustive()
    }
}

impl SigningKeyPair {
    /// A fresh random key (used for dry runs and keyless signing).
    pub fn generate(origin: impl Into<String>) -> Result<Self> {
        use p256::elliptic_curve::Generate as _;
        let key = SigningKey::try_generate()
            .map_err(|e| Error::Crypto(format!("no randomness for a new key: {e}")))?;
        Ok(SigningKeyPair {
            key,
            origin: origin.into(),
        })
    }

    /// Wraps a key (`origin` names it in messages).
    pub fn from_signing_key(key: SigningKey, origin: impl Into<String>) -> Self {
        SigningKeyPair {
            key,
            origin: origin.into(),
        }
    }

    /// Where the key came from (a path, `env://VAR`, "ephemeral").
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key: *self.key.verifying_key(),
        }
    }

    /// Signs `message` (ECDSA P-256, SHA-256) and returns the ASN.1 DER signature.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let sig: DerSignature = self.key.sign(message);
        sig.as_bytes().to_vec()
    }

    /// The private key as PKCS#8 DER (zeroised on drop).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        use p256::pkcs8::EncodePrivateKey as _;
        let doc = self
            .key
            .to_pkcs8_der()
            .map_err(|e| Error::Crypto(format!("encoding the private key: {e}")))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// The inner key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }
}

/// An ECDSA P-256 public key, for verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// Wraps a verifying key.
    pub fn from_verifying_key(key: VerifyingKey) -> Self {
        PublicKey { key }
    }

    /// Parses a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM, as `cosign.pub`.
    pub fn from_pem(what: &str, text: &str) -> Result<Self> {
        pem::parse_public_key(what, text)
    }

    /// Parses a SubjectPublicKeyInfo DER.
    pub fn from_spki_der(what: &str, der: &[u8]) -> Result<Self> {
        use p256::pkcs8::DecodePublicKey as _;
        VerifyingKey::from_public_key_der(der)
            .map(|key| PublicKey { key })
            .map_err(|e| Error::key_format(what, format!("not an ECDSA P-256 public key: {e}")))
    }

    /// The SubjectPublicKeyInfo DER.
    pub fn to_spki_der(&self) -> Vec<u8> {
        self.key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// The "PUBLIC KEY" PEM, as cosign writes `cosign.pub`.
    pub fn to_pem(&self) -> String {
        pem_rfc7468::encode_string(
            "PUBLIC KEY",
            pem_rfc7468::LineEnding::LF,
            &self.to_spki_der(),
        )
        .unwrap_or_default()
    }

    /// base64(SHA-256(SPKI DER)): the `publicKey.hint` cosign writes in bundles.
    pub fn hint(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(self.to_spki_der()))
    }

    /// Verifies an ASN.1 DER ECDSA-SHA256 signature over `message`.
    pub fn verify(&self, message: &[u8], der_signature: &[u8]) -> std::result::Result<(), String> {
        let sig = DerSignature::from_bytes(der_signature)
            .map_err(|_| "the signature is not an ASN.1 DER ECDSA signature".to_string())?;
        self.key
            .verify(message, &sig)
            .map_err(|_| "the signature does not verify with the given public key".to_string())
    }

    /// The inner key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// Loads a signing key: cosign's encrypted format (password from `password`), or a
/// plain PKCS#8 / SEC1 P-256 PEM (no password needed).
pub fn load_signing_key(key: &KeyRef, password: &PasswordSource) -> Result<SigningKeyPair> {
    let text = key.read_pem()?;
    pem::parse_private_key(&key.to_string(), &text, password)
}

/// Loads a verification key: a "PUBLIC KEY" PEM, or the public half of any private
/// key [`load_signing_key`] reads (a plain one: an encrypted key needs its password).
pub fn load_verification_key(key: &KeyRef) -> Result<PublicKey> {
    let text = key.read_pem()?;
    pem::parse_public_key(&key.to_string(), &text)
}
