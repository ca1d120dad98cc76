//! Content digests and the verifying reader.
//!
//! A [`Digest`] is `algorithm:hex` (sha256 or sha512, lowercase hex of the
//! right length; anything else is rejected so a digest can always be
//! verified and is always safe to use as a file name).
//! [`VerifyingReader`] wraps a byte stream with an expected digest and size:
//! it fails as soon as more bytes than expected arrive, and fails at end of
//! stream when the size or digest differ. It never passes a mismatch off as
//! success: callers must read to EOF (or call [`VerifyingReader::finish`]).

use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;

use sha2::{Digest as _, Sha256, Sha512};

use crate::error::{Error, Result};

/// A supported digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-256 (64 hex characters).
    Sha256,
    /// SHA-512 (128 hex characters).
    Sha512,
}

impl Algorithm {
    /// The algorithm's name as it appears in digests.
    pub fn as_str(&self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(&self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

/// A content digest such as `sha256:e3b0c4…`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    /// Parses and validates `algorithm:hex`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidDigest {
            input: s.to_string(),
            reason: reason.to_string(),
        };
        let (alg, hex) = s
            .split_once(':')
            .ok_or_else(|| bad("expected ALGORITHM:HEX"))?;
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            "" => return Err(bad("empty algorithm")),
            other => {
                return Err(bad(&format!(
                    "unsupported algorithm {other:?} (sha256 and sha512 are supported)"
                )))
            }
        };
        if hex.len() != algorithm.hex_len() {
            return Err(bad(&format!(
                "{} digests have {} hex characters, this one has {}",
                algorithm.as_str(),
                algorithm.hex_len(),
                hex.len()
            )));
        }
        if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad("the hex part must be lowercase hexadecimal"));
        }
        Ok(Digest {
            algorithm,
            hex: hex.to_string(),
        })
    }

    /// The SHA-256 digest of `data`.
    pub fn sha256(data: &[u8]) -> Self {
        Digest {
            algorithm: Algorithm::Sha256,
            hex: hex::encode(Sha256::digest(data)),
        }
    }

    /// The digest of `data` with this digest's algorithm.
    pub fn of_same_algorithm(&self, data: &[u8]) -> Digest {
        let mut h = Hasher::new(self.algorithm);
        h.update(data);
        h.finish()
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The lowercase hex part.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The tag-safe form `sha256-<hex>` used by cosign and the OCI referrers tag schema.
    pub fn to_tag(&self) -> String {
        format!("{}-{}", self.algorithm.as_str(), self.hex)
    }

    /// A short form for messages: `sha256:0123456789ab`.
    pub fn short(&self) -> String {
        format!("{}:{}", self.algorithm.as_str(), &self.hex[..12])
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.as_str(), self.hex)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Digest::parse(s)
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Digest::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An incremental hasher for one [`Algorithm`].
#[derive(Clone)]
pub struct Hasher {
    inner: HasherInner,
}

#[derive(Clone)]
enum HasherInner {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    /// A new hasher for `algorithm`.
    pub fn new(algorithm: Algorithm) -> Self {
        let inner = match algorithm {
            Algorithm::Sha256 => HasherInner::Sha256(Sha256::new()),
            Algorithm::Sha512 => HasherInner::Sha512(Sha512::new()),
        };
        Hasher { inner }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.inner {
            HasherInner::Sha256(h) => h.update(data),
            HasherInner::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> Digest {
        match self.inner {
            HasherInner::Sha256(h) => Digest {
                algorithm: Algorithm::Sha256,
                hex: hex::encode(h.finalize()),
            },
            HasherInner::Sha512(h) => Digest {
                algorithm: Algorithm::Sha512,
                hex: hex::encode(h.finalize()),
            },
        }
    }
}

/// Checks `data` against an expected digest and size; `what` names the content in the error.
pub fn verify_bytes(what: &str, data: &[u8], expected: &Digest, size: Option<u64>) -> Result<()> {
    if let Some(size) = size {
        if data.len() as u64 != size {
            return Err(Error::Integrity {
                what: what.to_string(),
                expected: format!("{size} bytes"),
                actual: format!("{} bytes", data.len()),
            });
        }
    }
    let actual = expected.of_same_algorithm(data);
    if &actual != expected {
        return Err(Error::Integrity {
            what: what.to_string(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        });
    }
    Ok(())
}

/// A reader that verifies digest and size of everything that passes through it.
///
/// Errors are [`Error::Integrity`] wrapped in `io::Error` (recover them with
/// `Error::io`). Reading past the expected size fails immediately, so a
/// hostile source cannot stream forever.
pub struct VerifyingReader<R> {
    inner: R,
    hasher: Option<Hasher>,
    expected: Digest,
    expected_size: Option<u64>,
    seen: u64,
    what: String,
    verified: bool,
    actual: Option<Digest>,
}

impl<R: Read> VerifyingReader<R> {
    /// Wraps `inner`; `what` names the content in errors (e.g. "layer 2 (sha256:…) of IMAGE").
    pub fn new(inner: R, expected: Digest, expected_size: Option<u64>, what: String) -> Self {
        VerifyingReader {
            inner,
            hasher: Some(Hasher::new(expected.algorithm())),
            expected,
            expected_size,
            seen: 0,
            what,
            verified: false,
            actual: None,
        }
    }

    /// Wraps a stream whose digest was already verified (a blob that was
    /// hashed as it was written to the cache): only its size is checked, so
    /// the content is hashed exactly once.
    pub fn already_verified(
        inner: R,
        expected: Digest,
        expected_size: Option<u64>,
        what: String,
    ) -> Self {
        VerifyingReader {
            hasher: None,
            ..Self::new(inner, expected, expected_size, what)
        }
    }

    /// Reads the rest of the stream and checks digest and size.
    pub fn finish(mut self) -> Result<R> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match self.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(format!("reading {}", self.what), e)),
            }
        }
        debug_assert!(self.verified);
        Ok(self.inner)
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.seen
    }

    fn check_end(&mut self) -> io::Result<()> {
        if self.verified {
            return Ok(());
        }
        if let Some(size) = self.expected_size {
            if self.seen != size {
                return Err(Error::Integrity {
                    what: self.what.clone(),
                    expected: format!("{size} bytes"),
                    actual: format!("{} bytes", self.seen),
                }
                .into_io());
            }
        }
        let Some(hasher) = self.hasher.take() else {
            // Built with `already_verified`: the size was all there was to check.
            self.verified = true;
            return Ok(());
        };
        let actual = hasher.finish();
        self.actual = Some(actual.clone());
        if actual != self.expected {
            return Err(Error::Integrity {
                what: self.what.clone(),
                expected: self.expected.to_string(),
                actual: actual.to_string(),
            }
            .into_io());
        }
        self.verified = true;
        Ok(())
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.verified {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.check_end()?;
            return Ok(0);
        }
        self.seen += n as u64;
        if let Some(size) = self.expected_size {
            if self.seen > size {
                return Err(Error::Integrity {
                    what: self.what.clone(),
                    expected: format!("{size} bytes"),
                    actual: format!("more than {size} bytes"),
                }
                .into_io());
            }
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const EMPTY: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn parse_valid_and_invalid() {
        let d = Digest::parse(EMPTY).unwrap();
        assert_eq!(d.to_string(), EMPTY);
        assert_eq!(d, Digest::sha256(b""));
        assert_eq!(d.to_tag(), EMPTY.replace(':', "-"));
        for bad in [
            "sha256",
            "sha256:abc",
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            &EMPTY.to_uppercase(),
            &EMPTY.replace("sha256", "SHA256"),
            "sha256:../../../../etc/passwd0000000000000000000000000000000000000000",
            ":abc",
        ] {
            assert!(Digest::parse(bad).is_err(), "{bad} should be rejected");
        }
        let s512 = format!("sha512:{}", "a".repeat(128));
        assert_eq!(Digest::parse(&s512).unwrap().algorithm(), Algorithm::Sha512);
    }

    fn read_all<R: Read>(mut r: R) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        r.read_to_end(&mut v)?;
        Ok(v)
    }

    #[test]
    fn verifying_reader_accepts_good_content() {
        let data = b"hello world".to_vec();
        let d = Digest::sha256(&data);
        let r = VerifyingReader::new(&data[..], d, Some(11), "blob".into());
        assert_eq!(read_all(r).unwrap(), data);
    }

    #[test]
    fn digest_mismatch_fails() {
        let d = Digest::sha256(b"hello world");
        let r = VerifyingReader::new(&b"hello worle"[..], d, Some(11), "blob x".into());
        let err = Error::io("reading", read_all(r).unwrap_err());
        assert_eq!(err.kind(), ErrorKind::Integrity);
        assert!(err.to_string().contains("blob x"), "{err}");
    }

    #[test]
    fn size_mismatch_fails_both_ways() {
        let d = Digest::sha256(b"hello");
        let short = VerifyingReader::new(&b"hello"[..], d.clone(), Some(6), "b".into());
        assert!(read_all(short).is_err());
        let long = VerifyingReader::new(&b"hello"[..], d, Some(4), "b".into());
        let err = Error::io("r", read_all(long).unwrap_err());
        assert!(err.to_string().contains("more than 4 bytes"), "{err}");
    }

    #[test]
    fn finish_drains_and_verifies() {
        let data = b"0123456789";
        let d = Digest::sha256(data);
        let mut r = VerifyingReader::new(&data[..], d.clone(), Some(10), "b".into());
        let mut two = [0u8; 2];
        r.read_exact(&mut two).unwrap();
        r.finish().unwrap();
        let mut bad = VerifyingReader::new(&b"0123456788"[..], d, Some(10), "b".into());
        bad.read_exact(&mut two).unwrap();
        assert_eq!(bad.finish().unwrap_err().kind(), ErrorKind::Integrity);
    }

    #[test]
    fn verify_bytes_checks_size_and_digest() {
        let d = Digest::sha256(b"abc");
        verify_bytes("m", b"abc", &d, Some(3)).unwrap();
        assert!(verify_bytes("m", b"abc", &d, Some(4)).is_err());
        assert!(verify_bytes("m", b"abd", &d, None).is_err());
    }
}
