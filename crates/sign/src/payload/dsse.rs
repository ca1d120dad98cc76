//! DSSE (Dead Simple Signing Envelope) v1.
//!
//! ```json
//! {"payload":"<base64>","payloadType":"application/vnd.in-toto+json",
//!  "signatures":[{"sig":"<base64 DER ECDSA>"}]}
//! ```
//!
//! Signatures are over the pre-authentication encoding
//! `"DSSEv1" SP len(type) SP type SP len(body) SP body` ([`pae`]), never over the
//! base64 text. [`Envelope::verify`] hands out the payload only as
//! [`Verified`] bytes, and only when a signature over exactly those bytes and that
//! payload type verifies.

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE as B64URL};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::Verified;
use crate::error::{Error, Result};
use crate::Signer;

/// Media type of a DSSE envelope stored as a layer (cosign's `.att` layers).
pub const MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";

/// A DSSE envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// base64 of the payload.
    pub payload: String,
    /// The payload's type.
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Signatures over [`pae`]`(payload_type, payload)`.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature in an envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// Key id (cosign writes none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyid: Option<String>,
    /// base64 ASN.1 DER signature.
    pub sig: String,
}

/// DSSE's pre-authentication encoding of `payload_type` and `payload`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A payload with its type, verified by a signature in its envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    /// The payload type.
    pub payload_type: String,
    /// The payload bytes.
    pub bytes: Vec<u8>,
}

impl Envelope {
    /// Signs `payload` of `payload_type` with `signer` into a one-signature envelope.
    pub fn sign(payload_type: &str, payload: &[u8], signer: &dyn Signer) -> Result<Self> {
        let sig = signer.sign(&pae(payload_type, payload))?;
        Ok(Envelope {
            payload: B64.encode(payload),
            payload_type: payload_type.to_string(),
            signatures: vec![EnvelopeSignature {
                keyid: None,
                sig: B64.encode(sig),
            }],
        })
    }

    /// Parses an envelope.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        serde_json::from_slice(bytes)
            .map_err(|e| Error::Malformed(format!("not a DSSE envelope: {e}")))
    }

    /// The envelope's JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an envelope always serialises")
    }

    /// The decoded payload, **unverified**: only for display; checks use [`Envelope::verify`].
    pub fn payload_unverified(&self) -> Result<Vec<u8>> {
        decode_b64(&self.payload)
            .ok_or_else(|| Error::Malformed("the DSSE payload is not base64".into()))
    }

    /// Verifies that at least one signature is over exactly this payload and payload
    /// type with `verify` (given the PAE bytes and a DER signature), and returns the
    /// payload as [`Verified`]. The error says why none verified.
    pub fn verify(
        &self,
        verify: impl Fn(&[u8], &[u8]) -> std::result::Result<(), String>,
    ) -> std::result::Result<Verified<Payload>, String> {
        let payload = decode_b64(&self.payload).ok_or("the DSSE payload is not base64")?;
        if self.signatures.is_empty() {
            return Err("the DSSE envelope has no signatures".into());
        }
        let message = pae(&self.payload_type, &payload);
        let mut reasons = Vec::new();
        for s in &self.signatures {
            let Some(sig) = decode_b64(&s.sig) else {
                reasons.push("a signature is not base64".to_string());
                continue;
            };
            match verify(&message, &sig) {
                Ok(()) => {
                    return Ok(Verified::new(Payload {
                        payload_type: self.payload_type.clone(),
                        bytes: payload,
                    }))
                }
                Err(r) => reasons.push(r),
            }
        }
        reasons.dedup();
        Err(reasons.join("; "))
    }
}

/// Decodes standard or URL-safe base64 (DSSE allows either).
pub(crate) fn decode_b64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text).or_else(|_| B64URL.decode(text)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SigningKeyPair;

    #[test]
    fn pae_matches_the_spec_example() {
        // From the DSSE protocol spec.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn verifies_only_the_signed_payload_and_type() {
        let key = SigningKeyPair::generate("t").unwrap();
        let pk = key.public_key();
        let env = Envelope::sign("application/vnd.in-toto+json", b"{\"a\":1}", &key).unwrap();
        let ok = env.verify(|m, s| pk.verify(m, s)).unwrap();
        assert_eq!(ok.get().bytes, b"{\"a\":1}");

        let mut other_payload = env.clone();
        other_payload.payload = B64.encode(b"{\"a\":2}");
        assert!(other_payload.verify(|m, s| pk.verify(m, s)).is_err());

        let mut other_type = env.clone();
        other_type.payload_type = "text/plain".into();
        assert!(other_type.verify(|m, s| pk.verify(m, s)).is_err());

        let stranger = SigningKeyPair::generate("t").unwrap().public_key();
        assert!(env.verify(|m, s| stranger.verify(m, s)).is_err());
    }
}
