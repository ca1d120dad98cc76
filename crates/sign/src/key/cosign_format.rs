//! cosign's encrypted private key format.
//!
//! A PEM block labelled `ENCRYPTED SIGSTORE PRIVATE KEY` (older cosign versions:
//! `ENCRYPTED COSIGN PRIVATE KEY`) whose body is this JSON envelope (the format of
//! go-securesystemslib's `encrypted` package):
//!
//! ```json
//! {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"<b64 32 bytes>"},
//!  "cipher":{"name":"nacl/secretbox","nonce":"<b64 24 bytes>"},
//!  "ciphertext":"<b64>"}
//! ```
//!
//! The secretbox key is `scrypt(password, salt, N, r, p, 32)`; the ciphertext is NaCl
//! `secretbox` (XSalsa20-Poly1305, tag first) of the key's PKCS#8 DER. Reading takes the
//! scrypt parameters from the file (within sane bounds); writing uses cosign 3's
//! parameters, N=65536, r=8, p=1.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use crypto_secretbox::aead::{Aead as _, KeyInit as _};
use crypto_secretbox::XSalsa20Poly1305;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The PEM label cosign writes.
pub const PEM_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The PEM label older cosign versions wrote (still read).
pub const LEGACY_PEM_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";

/// scrypt N written by [`encrypt`] (cosign 3 writes 65536).
pub const DEFAULT_SCRYPT_N: u64 = 65536;
/// scrypt r written by [`encrypt`].
pub const DEFAULT_SCRYPT_R: u32 = 8;
/// scrypt p written by [`encrypt`].
pub const DEFAULT_SCRYPT_P: u32 = 1;

/// Largest scrypt N accepted when reading (2^20: 1 GiB of memory at r=8).
const MAX_LOG_N: u8 = 20;

/// The JSON envelope inside the PEM block.
#[derive(Debug, Serialize, Deserialize)]
pub struct EncryptedKey {
    /// Key derivation.
    pub kdf: Kdf,
    /// Cipher.
    pub cipher: Cipher,
    /// base64 secretbox output (tag, then ciphertext).
    pub ciphertext: String,
}

/// The key derivation section.
#[derive(Debug, Serialize, Deserialize)]
pub struct Kdf {
    /// Always `scrypt`.
    pub name: String,
    /// scrypt's parameters.
    pub params: ScryptParams,
    /// base64 salt.
    pub salt: String,
}

/// scrypt's parameters as cosign names them.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScryptParams {
    /// CPU/memory cost (a power of two).
    #[serde(rename = "N")]
    pub n: u64,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
}

impl Default for ScryptParams {
    fn default() -> Self {
        ScryptParams {
            n: DEFAULT_SCRYPT_N,
            r: DEFAULT_SCRYPT_R,
            p: DEFAULT_SCRYPT_P,
        }
    }
}

/// The cipher section.
#[derive(Debug, Serialize, Deserialize)]
pub struct Cipher {
    /// Always `nacl/secretbox`.
    pub name: String,
    /// base64 24-byte nonce.
    pub nonce: String,
}

fn derive_key(password: &[u8], salt: &[u8], params: ScryptParams) -> Result<Zeroizing<[u8; 32]>> {
    if !params.n.is_power_of_two() || params.n < 2 {
        return Err(Error::Crypto(format!(
            "scrypt N={} is not a power of two",
            params.n
        )));
    }
    let log_n = params.n.trailing_zeros() as u8;
    if log_n > MAX_LOG_N || params.r == 0 || params.r > 64 || params.p == 0 || params.p > 16 {
        return Err(Error::Crypto(format!(
            "scrypt parameters N={} r={} p={} are outside what secchain accepts",
            params.n, params.r, params.p
        )));
    }
    let scrypt_params = scrypt::Params::new(log_n, params.r, params.p)
        .map_err(|e| Error::Crypto(format!("scrypt parameters: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &scrypt_params, out.as_mut())
        .map_err(|e| Error::Crypto(format!("scrypt: {e}")))?;
    Ok(out)
}

/// Decrypts the PEM body (the JSON envelope) of a cosign encrypted key and returns
/// the plaintext (the key's PKCS#8 DER). `what` names the key in errors.
pub fn decrypt(what: &str, envelope_json: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let env: EncryptedKey = serde_json::from_slice(envelope_json).map_err(|e| {
        Error::key_format(what, format!("not a cosign encrypted key envelope: {e}"))
    })?;
    if env.kdf.name != "scrypt" {
        return Err(Error::key_format(
            what,
            format!(
                "unsupported key derivation `{}` (expected scrypt)",
                env.kdf.name
            ),
        ));
    }
    if env.cipher.name != "nacl/secretbox" {
        return Err(Error::key_format(
            what,
            format!(
                "unsupported cipher `{}` (expected nacl/secretbox)",
                env.cipher.name
            ),
        ));
    }
    let b64 = |field: &str, v: &str| {
        B64.decode(v)
            .map_err(|e| Error::key_format(what, format!("{field} is not base64: {e}")))
    };
    let salt = b64("kdf.salt", &env.kdf.salt)?;
    let nonce = b64("cipher.nonce", &env.cipher.nonce)?;
    let ciphertext = b64("ciphertext", &env.ciphertext)?;
    if nonce.len() != 24 {
        return Err(Error::key_format(
            what,
            format!("nonce is {} bytes, expected 24", nonce.len()),
        ));
    }
    let key = derive_key(password, &salt, env.kdf.params)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    let nonce = crypto_secretbox::Nonce::from_slice(&nonce);
    cipher
        .decrypt(nonce, ciphertext.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| Error::WrongPassword {
            what: what.to_string(),
        })
}

/// Encrypts `plaintext` (a PKCS#8 DER key) under `password` with `params` and returns
/// the JSON envelope (the PEM body).
pub fn encrypt(plaintext: &[u8], password: &[u8], params: ScryptParams) -> Result<Vec<u8>> {
    let mut salt = [0u8; 32];
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut salt).map_err(|e| Error::Crypto(format!("no randomness: {e}")))?;
    getrandom::fill(&mut nonce).map_err(|e| Error::Crypto(format!("no randomness: {e}")))?;
    let key = derive_key(password, &salt, params)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    let ciphertext = cipher
        .encrypt(crypto_secretbox::Nonce::from_slice(&nonce), plaintext)
        .map_err(|_| Error::Crypto("secretbox encryption failed".into()))?;
    let env = EncryptedKey {
        kdf: Kdf {
            name: "scrypt".into(),
            params,
            salt: B64.encode(salt),
        },
        cipher: Cipher {
            name: "nacl/secretbox".into(),
            nonce: B64.encode(nonce),
        },
        ciphertext: B64.encode(ciphertext),
    };
    serde_json::to_vec(&env).map_err(|e| Error::Crypto(format!("encoding the envelope: {e}")))
}

/// Encrypts a PKCS#8 DER key into the complete PEM text of a `cosign.key`.
pub fn encrypt_to_pem(pkcs8_der: &[u8], password: &[u8], params: ScryptParams) -> Result<String> {
    let body = encrypt(pkcs8_der, password, params)?;
    pem_rfc7468::encode_string(PEM_LABEL, pem_rfc7468::LineEnding::LF, &body)
        .map_err(|e| Error::Crypto(format!("PEM encoding: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cheap parameters: the format is the same, the tests stay fast in debug builds.
    const FAST: ScryptParams = ScryptParams { n: 16, r: 8, p: 1 };

    #[test]
    fn round_trips() {
        let body = encrypt(b"secret key bytes", b"pw", FAST).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["kdf"]["name"], "scrypt");
        assert_eq!(v["kdf"]["params"]["N"], 16);
        assert_eq!(v["cipher"]["name"], "nacl/secretbox");
        assert_eq!(&*decrypt("k", &body, b"pw").unwrap(), b"secret key bytes");
    }

    #[test]
    fn wrong_password_and_tampering_fail() {
        let body = encrypt(b"secret", b"pw", FAST).unwrap();
        assert!(matches!(
            decrypt("k", &body, b"other"),
            Err(Error::WrongPassword { .. })
        ));
        let mut env: EncryptedKey = serde_json::from_slice(&body).unwrap();
        let mut ct = B64.decode(&env.ciphertext).unwrap();
        let last = ct.len() - 1;
        ct[last] ^= 1;
        env.ciphertext = B64.encode(ct);
        let tampered = serde_json::to_vec(&env).unwrap();
        assert!(matches!(
            decrypt("k", &tampered, b"pw"),
            Err(Error::WrongPassword { .. })
        ));
    }

    #[test]
    fn rejects_absurd_scrypt_parameters() {
        let body = encrypt(b"x", b"pw", FAST).unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["kdf"]["params"]["N"] = serde_json::json!(1u64 << 40);
        let err = decrypt("k", &serde_json::to_vec(&v).unwrap(), b"pw").unwrap_err();
        assert!(err.to_string().contains("outside"), "{err}");
        v["kdf"]["params"]["N"] = serde_json::json!(1000);
        let err = decrypt("k", &serde_json::to_vec(&v).unwrap(), b"pw").unwrap_err();
        assert!(err.to_string().contains("power of two"), "{err}");
    }
}
