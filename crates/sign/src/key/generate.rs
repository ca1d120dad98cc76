//! `secchain key generate`: a new ECDSA P-256 key pair in cosign's format.
//!
//! Writes `<prefix>.key` (cosign's encrypted format, mode 0600) and `<prefix>.pub`
//! ("PUBLIC KEY" PEM, mode 0644, as cosign writes it: the public key is meant to be
//! shared). Files are written to a temporary name in the same directory and renamed,
//! so an interrupted run never leaves half a key; existing files are not overwritten
//! unless asked.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::cosign_format::{self, ScryptParams};
use super::{PasswordSource, SigningKeyPair};
use crate::error::{Error, Result};

/// Options of [`generate_key_pair`].
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    /// File name prefix (cosign's `--output-key-prefix`); default `cosign`.
    pub prefix: String,
    /// Replace existing files.
    pub overwrite: bool,
    /// scrypt parameters of the encrypted key (default: cosign 3's).
    pub scrypt: ScryptParams,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            prefix: "cosign".into(),
            overwrite: false,
            scrypt: ScryptParams::default(),
        }
    }
}

/// What [`generate_key_pair`] wrote.
#[derive(Clone, Debug, Serialize)]
pub struct GeneratedKeyPair {
    /// The encrypted private key (`cosign.key`).
    pub private_key: PathBuf,
    /// The public key (`cosign.pub`).
    pub public_key: PathBuf,
    /// The public key PEM.
    pub public_key_pem: String,
    /// base64(SHA-256(SPKI DER)), the key's hint in Sigstore bundles.
    pub key_hint: String,
}

/// Generates a key pair and writes it into `dir` as `<prefix>.key` / `<prefix>.pub`.
/// The password comes from `password` ([`PasswordSource::new_password`]: the
/// environment, else a prompt asked twice on a terminal). An empty password is
/// accepted, as in cosign.
pub fn generate_key_pair(
    dir: &Path,
    password: &PasswordSource,
    options: &GenerateOptions,
) -> Result<GeneratedKeyPair> {
    if options.prefix.is_empty() || options.prefix.contains('/') {
        return Err(Error::Invalid(format!(
            "key prefix `{}` must be a plain file name",
            options.prefix
        )));
    }
    let private_path = dir.join(format!("{}.key", options.prefix));
    let public_path = dir.join(format!("{}.pub", options.prefix));
    if !options.overwrite {
        for path in [&private_path, &public_path] {
            if path.exists() {
                return Err(Error::Invalid(format!(
                    "{} already exists; remove it or ask to overwrite",
                    path.display()
                )));
            }
        }
    }
    let password = password.new_password()?;
    let pair = SigningKeyPair::generate("generated")?;
    let pkcs8 = pair.to_pkcs8_der()?;
    let private_pem = zeroize::Zeroizing::new(cosign_format::encrypt_to_pem(
        &pkcs8,
        password.as_bytes(),
        options.scrypt,
    )?);
    let public_pem = pair.public_key().to_pem();
    write_atomic(&private_path, private_pem.as_bytes(), 0o600)?;
    write_atomic(&public_path, public_pem.as_bytes(), 0o644)?;
    Ok(GeneratedKeyPair {
        private_key: private_path,
        public_key: public_path,
        key_hint: pair.public_key().hint(),
        public_key_pem: public_pem,
    })
}

/// Writes `bytes` to `path` with `mode` through a temporary file and a rename.
fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let err = |action, source| Error::KeyFile {
        action,
        path: path.to_path_buf(),
        source,
    };
    let _ = fs::remove_file(&tmp);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .map_err(|e| err("writing", e))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(err("writing", e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;
    use crate::key::{load_signing_key, load_verification_key, KeyRef};

    #[test]
    fn writes_a_readable_pair_with_private_modes() {
        let dir = tempfile::tempdir().unwrap();
        let opts = GenerateOptions {
            scrypt: ScryptParams { n: 16, r: 8, p: 1 },
            ..GenerateOptions::default()
        };
        let pw = PasswordSource::given("s3cret");
        let out = generate_key_pair(dir.path(), &pw, &opts).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out.private_key), 0o600);
        assert_eq!(mode(&out.public_key), 0o644);
        let text = fs::read_to_string(&out.private_key).unwrap();
        assert!(text.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
        let pair = load_signing_key(&KeyRef::File(out.private_key.clone()), &pw).unwrap();
        let public = load_verification_key(&KeyRef::File(out.public_key.clone())).unwrap();
        assert_eq!(pair.public_key(), public);
        assert_eq!(public.hint(), out.key_hint);
        // No overwrite unless asked.
        let err = generate_key_pair(dir.path(), &pw, &opts).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        let again = GenerateOptions {
            overwrite: true,
            ..opts
        };
        generate_key_pair(dir.path(), &pw, &again).unwrap();
    }
}
