//! Reading keys from PEM text.
//!
//! Private keys: `ENCRYPTED SIGSTORE PRIVATE KEY` / `ENCRYPTED COSIGN PRIVATE KEY`
//! (cosign's format, needs the password), `PRIVATE KEY` (PKCS#8) and
//! `EC PRIVATE KEY` (SEC1), all ECDSA P-256. Public keys: `PUBLIC KEY`
//! (SubjectPublicKeyInfo), or the public half of a plain private key. Text before and
//! after the PEM block (comments) is ignored; the first block is used.

use p256::ecdsa::SigningKey;
use p256::pkcs8::DecodePrivateKey as _;
use zeroize::Zeroizing;

use super::cosign_format;
use super::{PasswordSource, PublicKey, SigningKeyPair};
use crate::error::{Error, Result};

/// One decoded PEM block.
struct Block {
    label: String,
    der: Zeroizing<Vec<u8>>,
}

/// Decodes the first PEM block in `text`.
fn first_block(what: &str, text: &str) -> Result<Block> {
    let start = text
        .find("-----BEGIN ")
        .ok_or_else(|| Error::key_format(what, "no PEM block (-----BEGIN …-----) found"))?;
    let rest = &text[start..];
    let label_end = rest["-----BEGIN ".len()..]
        .find("-----")
        .ok_or_else(|| Error::key_format(what, "malformed PEM header"))?;
    let label = &rest["-----BEGIN ".len().."-----BEGIN ".len() + label_end];
    let end_marker = format!("-----END {label}-----");
    let end = rest
        .find(&end_marker)
        .ok_or_else(|| Error::key_format(what, format!("no `{end_marker}` line")))?;
    let block = &rest[..end + end_marker.len()];
    let (decoded_label, der) = pem_rfc7468::decode_vec(block.trim().as_bytes())
        .map_err(|e| Error::key_format(what, format!("malformed PEM: {e}")))?;
    Ok(Block {
        label: decoded_label.to_string(),
        der: Zeroizing::new(der),
    })
}

/// Parses a private key PEM; encrypted keys are decrypted with a password from `password`.
pub fn parse_private_key(
    what: &str,
    text: &str,
    password: &PasswordSource,
) -> Result<SigningKeyPair> {
    let block = first_block(what, text)?;
    let key = match block.label.as_str() {
        cosign_format::PEM_LABEL | cosign_format::LEGACY_PEM_LABEL => {
            let pw = password.password_for(what)?;
            let pkcs8 = cosign_format::decrypt(what, &block.der, pw.as_bytes())?;
            pkcs8_key(what, &pkcs8)?
        }
        "PRIVATE KEY" => pkcs8_key(what, &block.der)?,
        "EC PRIVATE KEY" => {
            let secret = p256::SecretKey::from_sec1_der(&block.der).map_err(|e| {
                Error::key_format(what, format!("not a SEC1 ECDSA P-256 private key: {e}"))
            })?;
            SigningKey::from(&secret)
        }
        "ENCRYPTED PRIVATE KEY" => {
            return Err(Error::key_format(
                what,
                "PKCS#8-encrypted keys are not supported; use cosign's format \
                 (`secchain key generate`, `cosign import-key-pair`) or a plain PKCS#8/SEC1 key",
            ))
        }
        "PUBLIC KEY" => {
            return Err(Error::key_format(
                what,
                "this is a public key; signing needs the private key (cosign.key)",
            ))
        }
        other => {
            return Err(Error::key_format(
                what,
                format!("unsupported PEM block `{other}` (expected an ECDSA P-256 private key)"),
            ))
        }
    };
    Ok(SigningKeyPair::from_signing_key(key, what))
}

fn pkcs8_key(what: &str, der: &[u8]) -> Result<SigningKey> {
    SigningKey::from_pkcs8_der(der).map_err(|e| {
        Error::key_format(
            what,
            format!("not a PKCS#8 ECDSA P-256 private key (only P-256 is supported): {e}"),
        )
    })
}

/// Parses a public key PEM (`PUBLIC KEY`), or takes the public half of a plain
/// (unencrypted) private key PEM.
pub fn parse_public_key(what: &str, text: &str) -> Result<PublicKey> {
    let block = first_block(what, text)?;
    match block.label.as_str() {
        "PUBLIC KEY" => PublicKey::from_spki_der(what, &block.der),
        "PRIVATE KEY" | "EC PRIVATE KEY" => {
            let pair = parse_private_key(what, text, &PasswordSource::given(""))?;
            Ok(pair.public_key())
        }
        cosign_format::PEM_LABEL | cosign_format::LEGACY_PEM_LABEL => Err(Error::key_format(
            what,
            "this is an encrypted private key; verify with its public key (cosign.pub)",
        )),
        "CERTIFICATE" => Err(Error::key_format(
            what,
            "certificates are not accepted as --key; use the public key PEM",
        )),
        other => Err(Error::key_format(
            what,
            format!("unsupported PEM block `{other}` (expected PUBLIC KEY)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::pkcs8::{EncodePrivateKey as _, LineEnding};

    #[test]
    fn reads_pkcs8_and_sec1_and_public_keys() {
        let pair = SigningKeyPair::generate("t").unwrap();
        let pkcs8 = pair.signing_key().to_pkcs8_pem(LineEnding::LF).unwrap();
        let from_pkcs8 = parse_private_key(
            "k",
            &format!("# comment\n{}", &*pkcs8),
            &PasswordSource::Environment,
        )
        .unwrap();
        assert_eq!(from_pkcs8.public_key(), pair.public_key());
        let secret = p256::SecretKey::from(pair.signing_key());
        let sec1 = secret.to_sec1_pem(LineEnding::LF).unwrap();
        let from_sec1 = parse_private_key("k", &sec1, &PasswordSource::Environment).unwrap();
        assert_eq!(from_sec1.public_key(), pair.public_key());
        let public = parse_public_key("p", &pair.public_key().to_pem()).unwrap();
        assert_eq!(public, pair.public_key());
        assert_eq!(parse_public_key("p", &pkcs8).unwrap(), pair.public_key());
    }

    #[test]
    fn explains_what_is_wrong() {
        let err = parse_private_key("k", "hello", &PasswordSource::Environment).unwrap_err();
        assert!(err.to_string().contains("no PEM block"), "{err}");
        let pair = SigningKeyPair::generate("t").unwrap();
        let err = parse_private_key(
            "k",
            &pair.public_key().to_pem(),
            &PasswordSource::Environment,
        )
        .unwrap_err();
        assert!(err.to_string().contains("public key"), "{err}");
    }
}
