//! Keyless signing: an OIDC identity token, a short-lived Fulcio certificate for an
//! ephemeral key, and the signature recorded in Rekor.
//!
//! The flow ([`open_session`], cargo feature `keyless`):
//!
//! 1. the identity token: `SIGSTORE_ID_TOKEN`, else GitHub Actions' id-token
//!    (`ACTIONS_ID_TOKEN_REQUEST_URL` + `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, audience
//!    `sigstore`); when `oidc_issuer` is configured the token's `iss` must match;
//! 2. the certificate: the `sigstore` crate's Fulcio client (`FulcioClient::request_cert`)
//!    creates the ephemeral P-256 key, proves possession by signing the token's
//!    subject, and returns the PEM chain; secchain checks that the leaf certifies that
//!    key;
//! 3. signing with that key (`KeylessSigner`);
//! 4. the transparency log (`RekorLog`): a `hashedrekord` entry for legacy image
//!    signatures, a `dsse` entry for envelopes (attestations, bundles), POSTed to
//!    `<rekor_url>/api/v1/log/entries`. This small client is secchain's own:
//!    sigstore 0.15's Rekor client has no `dsse` kind, and it decodes the entry body,
//!    losing the exact canonicalised bytes a bundle must carry.
//!
//! The result goes where cosign puts it: bundles get the leaf certificate and a
//! `tlogEntries` entry; legacy layers get the certificate, chain and
//! `dev.sigstore.cosign/bundle` annotations.
//!
//! **What is tested.** This machine cannot reach the public Sigstore instance, so
//! the flow has never run against the real Fulcio and Rekor. What is tested:
//! - unit tests (always): Rekor responses to bundle `tlogEntries` and to cosign's
//!   `dev.sigstore.cosign/bundle` annotation, request bodies, token claims and issuer
//!   checks, configuration;
//! - `tests/keyless.rs` (feature `keyless`): the whole flow through the `sigstore`
//!   crate's Fulcio client against an in-process fake Fulcio (v1 `signingCert`, proof
//!   of possession checked, real X.509 code-signing certificates from a test CA with
//!   Fulcio's issuer extensions) and fake Rekor (`hashedrekord`/`dsse` entries, signed
//!   entry timestamps, inclusion proofs and signed checkpoints from a test log key),
//!   pushing to the real registry; the results are verified by secchain and by the
//!   real cosign 3 (`--certificate-chain`, and `--trusted-root` naming the test CA and
//!   log, for both formats; only the SCT check is skipped: the fake has no CT log).
//!
//! Not tested: the real Fulcio (its v1 endpoint is what `sigstore` 0.15's client
//! speaks), the real Rekor, GitHub Actions' token endpoint, SCT verification.

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::bundle::{Checkpoint, InclusionPromise, InclusionProof, KindVersion, LogId, TlogEntry};
use crate::error::{Error, Result};
use crate::sign::SigningSession;

/// The public Fulcio instance.
pub const DEFAULT_FULCIO_URL: &str = "https://fulcio.sigstore.dev";
/// The public Rekor instance.
pub const DEFAULT_REKOR_URL: &str = "https://rekor.sigstore.dev";
/// The environment variable holding an OIDC identity token.
pub const ID_TOKEN_ENV: &str = "SIGSTORE_ID_TOKEN";
/// GitHub Actions: the URL to request an id-token from.
pub const GITHUB_TOKEN_URL_ENV: &str = "ACTIONS_ID_TOKEN_REQUEST_URL";
/// GitHub Actions: the bearer token for that request.
pub const GITHUB_TOKEN_REQUEST_ENV: &str = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

/// Keyless settings (the stage's `with: keyless:`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeylessConfig {
    /// Fulcio's base URL.
    #[serde(default = "default_fulcio")]
    pub fulcio_url: String,
    /// Rekor's base URL.
    #[serde(default = "default_rekor")]
    pub rekor_url: String,
    /// When set, the identity token must have been issued by this issuer.
    #[serde(default)]
    pub oidc_issuer: Option<String>,
}

fn default_fulcio() -> String {
    DEFAULT_FULCIO_URL.to_string()
}

fn default_rekor() -> String {
    DEFAULT_REKOR_URL.to_string()
}

impl Default for KeylessConfig {
    fn default() -> Self {
        KeylessConfig {
            fulcio_url: default_fulcio(),
            rekor_url: default_rekor(),
            oidc_issuer: None,
        }
    }
}

impl KeylessConfig {
    /// Problems with the URLs (for config checks).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (field, url) in [
            ("fulcio_url", &self.fulcio_url),
            ("rekor_url", &self.rekor_url),
        ] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                out.push((field, format!("`{url}` is not an http(s) URL")));
            }
        }
        out
    }
}

/// Whether an identity token is available in the environment (so keyless signing can
/// be attempted).
pub fn token_available() -> bool {
    std::env::var_os(ID_TOKEN_ENV).is_some_and(|v| !v.is_empty())
        || (std::env::var_os(GITHUB_TOKEN_URL_ENV).is_some()
            && std::env::var_os(GITHUB_TOKEN_REQUEST_ENV).is_some())
}

/// The unverified claims of a JWT that keyless signing uses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct TokenClaims {
    /// Issuer.
    #[serde(default)]
    pub iss: String,
    /// Subject.
    #[serde(default)]
    pub sub: String,
    /// Email, when the issuer provides one.
    #[serde(default)]
    pub email: Option<String>,
    /// Audience (a string or a list).
    #[serde(default)]
    pub aud: serde_json::Value,
}

impl TokenClaims {
    /// What Fulcio's proof of possession signs: the email when present, else the subject.
    pub fn challenge(&self) -> &str {
        self.email.as_deref().unwrap_or(&self.sub)
    }
}

/// Reads the claims of a JWT **without verifying it** (Fulcio verifies it).
pub fn token_claims(token: &str) -> Result<TokenClaims> {
    let mut parts = token.split('.');
    let (Some(_), Some(claims), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::Keyless("the identity token is not a JWT".into()));
    };
    let bytes = B64URL
        .decode(claims.trim_end_matches('='))
        .map_err(|_| Error::Keyless("the identity token's claims are not base64url".into()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Keyless(format!("the identity token's claims are not JSON: {e}")))
}

/// Checks the token's issuer against the configured one.
pub fn check_issuer(claims: &TokenClaims, config: &KeylessConfig) -> Result<()> {
    match &config.oidc_issuer {
        Some(want) if want.trim_end_matches('/') != claims.iss.trim_end_matches('/') => {
            Err(Error::Keyless(format!(
                "the identity token was issued by `{}`, but keyless.oidc_issuer is `{want}`",
                claims.iss
            )))
        }
        _ => Ok(()),
    }
}

/// A Rekor `POST /api/v1/log/entries` response entry (the value under the entry UUID).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RekorEntry {
    /// base64 canonicalised body.
    pub body: String,
    /// Unix seconds.
    pub integrated_time: i64,
    /// hex log id.
    #[serde(rename = "logID")]
    pub log_id: String,
    /// Index in the log.
    pub log_index: i64,
    /// Promise and proof.
    #[serde(default)]
    pub verification: Option<RekorVerification>,
}

/// `verification` of a Rekor entry.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RekorVerification {
    /// base64 signed entry timestamp.
    #[serde(default)]
    pub signed_entry_timestamp: Option<String>,
    /// The inclusion proof.
    #[serde(default)]
    pub inclusion_proof: Option<RekorInclusionProof>,
}

/// `verification.inclusionProof` of a Rekor entry.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RekorInclusionProof {
    /// Signed checkpoint note.
    #[serde(default)]
    pub checkpoint: String,
    /// hex hashes.
    #[serde(default)]
    pub hashes: Vec<String>,
    /// Index.
    pub log_index: i64,
    /// hex root hash.
    pub root_hash: String,
    /// Tree size.
    pub tree_size: i64,
}

fn hex_to_b64(what: &str, hex_text: &str) -> Result<String> {
    hex::decode(hex_text)
        .map(|b| B64.encode(b))
        .map_err(|_| Error::Keyless(format!("Rekor's {what} is not hex")))
}

impl RekorEntry {
    /// Parses a `POST /api/v1/log/entries` response (`{"<uuid>": {…}}`).
    pub fn from_response(body: &[u8]) -> Result<(String, Self)> {
        let map: std::collections::BTreeMap<String, RekorEntry> = serde_json::from_slice(body)
            .map_err(|e| Error::Keyless(format!("unexpected Rekor response: {e}")))?;
        map.into_iter()
            .next()
            .ok_or_else(|| Error::Keyless("Rekor returned no entry".into()))
    }

    /// The bundle's `TransparencyLogEntry` for this entry.
    pub fn to_tlog_entry(&self) -> Result<TlogEntry> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct BodyKind {
            kind: String,
            api_version: String,
        }
        let body = B64
            .decode(&self.body)
            .map_err(|_| Error::Keyless("Rekor's entry body is not base64".into()))?;
        let kind: BodyKind = serde_json::from_slice(&body)
            .map_err(|e| Error::Keyless(format!("Rekor's entry body: {e}")))?;
        let verification = self.verification.as_ref();
        let proof = match verification.and_then(|v| v.inclusion_proof.as_ref()) {
            Some(p) => Some(InclusionProof {
                log_index: p.log_index.to_string(),
                root_hash: hex_to_b64("root hash", &p.root_hash)?,
                tree_size: p.tree_size.to_string(),
                hashes: p
                    .hashes
                    .iter()
                    .map(|h| hex_to_b64("proof hash", h))
                    .collect::<Result<_>>()?,
                checkpoint: Checkpoint {
                    envelope: p.checkpoint.clone(),
                },
            }),
            None => None,
        };
        Ok(TlogEntry {
            log_index: self.log_index.to_string(),
            log_id: LogId {
                key_id: hex_to_b64("log id", &self.log_id)?,
            },
            kind_version: KindVersion {
                kind: kind.kind,
                version: kind.api_version,
            },
            integrated_time: self.integrated_time.to_string(),
            inclusion_promise: verification
                .and_then(|v| v.signed_entry_timestamp.clone())
                .map(|set| InclusionPromise {
                    signed_entry_timestamp: set,
                }),
            inclusion_proof: proof,
            canonicalized_body: self.body.clone(),
        })
    }
}

/// cosign's `dev.sigstore.cosign/bundle` annotation for a log entry:
/// `{"SignedEntryTimestamp":…,"Payload":{"body":…,"integratedTime":…,"logIndex":…,"logID":…}}`.
pub fn rekor_bundle_annotation(entry: &TlogEntry) -> Result<String> {
    #[derive(Serialize)]
    struct Annotation<'a> {
        #[serde(rename = "SignedEntryTimestamp")]
        set: &'a str,
        #[serde(rename = "Payload")]
        payload: Payload<'a>,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Payload<'a> {
        body: &'a str,
        integrated_time: i64,
        log_index: i64,
        #[serde(rename = "logID")]
        log_id: String,
    }
    let num = |what: &str, s: &str| {
        s.parse::<i64>()
            .map_err(|_| Error::Keyless(format!("log entry {what} `{s}` is not a number")))
    };
    let set = entry
        .inclusion_promise
        .as_ref()
        .map(|p| p.signed_entry_timestamp.as_str())
        .ok_or_else(|| Error::Keyless("the log entry has no signed entry timestamp".into()))?;
    let log_id = hex::encode(
        B64.decode(&entry.log_id.key_id)
            .map_err(|_| Error::Keyless("the log id is not base64".into()))?,
    );
    serde_json::to_string(&Annotation {
        set,
        payload: Payload {
            body: &entry.canonicalized_body,
            integrated_time: num("integratedTime", &entry.integrated_time)?,
            log_index: num("logIndex", &entry.log_index)?,
            log_id,
        },
    })
    .map_err(|e| Error::Keyless(e.to_string()))
}

/// The Rekor request body for a log request (`hashedrekord` or `dsse`, v0.0.1).
pub fn rekor_proposed_entry(request: &crate::signer::LogRequest<'_>) -> serde_json::Value {
    use crate::signer::LogRequest;
    use sha2::{Digest as _, Sha256};
    match request {
        LogRequest::HashedRekord {
            payload,
            signature,
            verifier_pem,
        } => serde_json::json!({
            "apiVersion": "0.0.1",
            "kind": "hashedrekord",
            "spec": {
                "data": {"hash": {"algorithm": "sha256", "value": hex::encode(Sha256::digest(payload))}},
                "signature": {
                    "content": B64.encode(signature),
                    "publicKey": {"content": B64.encode(verifier_pem.as_bytes())}
                }
            }
        }),
        LogRequest::Dsse {
            envelope_json,
            verifier_pem,
        } => serde_json::json!({
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": {
                "proposedContent": {
                    "envelope": String::from_utf8_lossy(envelope_json),
                    "verifiers": [B64.encode(verifier_pem.as_bytes())]
                }
            }
        }),
    }
}

/// Splits a PEM chain into DER certificates (leaf first).
pub fn pem_chain_to_der(pem: &str) -> Result<Vec<Vec<u8>>> {
    use x509_cert::der::Encode as _;
    let certs = x509_cert::Certificate::load_pem_chain(pem.as_bytes()).map_err(|e| {
        Error::Keyless(format!(
            "Fulcio's answer is not a PEM certificate chain: {e}"
        ))
    })?;
    if certs.is_empty() {
        return Err(Error::Keyless("Fulcio returned no certificate".into()));
    }
    certs
        .iter()
        .map(|c| {
            c.to_der()
                .map_err(|e| Error::Keyless(format!("re-encoding a certificate: {e}")))
        })
        .collect()
}

/// Checks that the leaf certificate (DER) certifies `public_key`, and returns a
/// description of its identity (subject alternative names).
pub fn check_leaf(leaf_der: &[u8], public_key: &crate::PublicKey) -> Result<String> {
    use x509_cert::der::{Decode as _, Encode as _};
    let cert = x509_cert::Certificate::from_der(leaf_der)
        .map_err(|e| Error::Keyless(format!("the signing certificate is not X.509 DER: {e}")))?;
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| Error::Keyless(e.to_string()))?;
    if spki != public_key.to_spki_der() {
        return Err(Error::Keyless(
            "the certificate Fulcio returned is not for the signing key".into(),
        ));
    }
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert
        .tbs_certificate()
        .get_extension::<x509_cert::ext::pkix::SubjectAltName>()
    {
        for n in san.1 .0 {
            match n {
                x509_cert::ext::pkix::name::GeneralName::Rfc822Name(e) => names.push(e.to_string()),
                x509_cert::ext::pkix::name::GeneralName::UniformResourceIdentifier(u) => {
                    names.push(u.to_string())
                }
                _ => {}
            }
        }
    }
    Ok(if names.is_empty() {
        "a certificate without email/URI names".to_string()
    } else {
        names.join(", ")
    })
}

/// Opens a keyless signing session (see the module docs).
#[cfg(feature = "keyless")]
pub async fn open_session(config: &KeylessConfig) -> Result<SigningSession> {
    client::open_session(config).await
}

/// Opens a keyless signing session: unavailable in this build.
#[cfg(not(feature = "keyless"))]
pub async fn open_session(_config: &KeylessConfig) -> Result<SigningSession> {
    Err(Error::Keyless(
        "this build of secchain has no keyless signing (build secchain-sign with the `keyless` \
         feature); sign with a key instead"
            .into(),
    ))
}

#[cfg(feature = "keyless")]
pub use client::{KeylessSigner, RekorLog};

#[cfg(feature = "keyless")]
mod client {
    //! The networked half of keyless signing (cargo feature `keyless`).

    use std::str::FromStr as _;
    use std::sync::Arc;

    use async_trait::async_trait;
    use zeroize::Zeroizing;

    use super::*;
    use crate::key::PublicKey;
    use crate::signer::{LogRequest, Signer, TransparencyLog};

    /// An ephemeral key created by the `sigstore` crate's Fulcio client, and its
    /// certificate chain.
    pub struct KeylessSigner {
        signer: sigstore::crypto::signing_key::SigStoreSigner,
        public_key: PublicKey,
        chain: Vec<Vec<u8>>,
        identity: String,
    }

    impl std::fmt::Debug for KeylessSigner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("KeylessSigner")
                .field("identity", &self.identity)
                .finish_non_exhaustive()
        }
    }

    impl Signer for KeylessSigner {
        fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
            self.signer
                .sign(message)
                .map_err(|e| Error::Crypto(format!("signing with the ephemeral key: {e}")))
        }

        fn public_key(&self) -> PublicKey {
            self.public_key
        }

        fn certificate_chain(&self) -> Option<&[Vec<u8>]> {
            Some(&self.chain)
        }

        fn describe(&self) -> String {
            format!("keyless: {}", self.identity)
        }
    }

    /// A Rekor instance.
    #[derive(Clone, Debug)]
    pub struct RekorLog {
        base: String,
        http: reqwest::Client,
    }

    impl RekorLog {
        /// A client for the Rekor at `base` (`https://rekor.sigstore.dev`).
        pub fn new(base: &str) -> Result<Self> {
            let http = reqwest::Client::builder()
                .user_agent(concat!("secchain/", env!("CARGO_PKG_VERSION")))
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .map_err(|e| Error::Keyless(format!("HTTP client: {e}")))?;
            Ok(RekorLog {
                base: base.trim_end_matches('/').to_string(),
                http,
            })
        }
    }

    #[async_trait]
    impl TransparencyLog for RekorLog {
        async fn record(&self, request: LogRequest<'_>) -> Result<TlogEntry> {
            let url = format!("{}/api/v1/log/entries", self.base);
            let body = super::rekor_proposed_entry(&request);
            let response = self
                .http
                .post(&url)
                .json(&body)
                .send()
                .await
                .map_err(|e| Error::Keyless(format!("POST {url}: {e}")))?;
            let status = response.status();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| Error::Keyless(format!("POST {url}: {e}")))?;
            if !status.is_success() {
                return Err(Error::Keyless(format!(
                    "Rekor refused the entry (HTTP {status}): {}",
                    String::from_utf8_lossy(&bytes).trim()
                )));
            }
            let (_, entry) = RekorEntry::from_response(&bytes)?;
            entry.to_tlog_entry()
        }
    }

    /// The identity token: `SIGSTORE_ID_TOKEN`, else GitHub Actions' id-token.
    pub(super) async fn identity_token() -> Result<Zeroizing<String>> {
        if let Ok(t) = std::env::var(ID_TOKEN_ENV) {
            if !t.is_empty() {
                return Ok(Zeroizing::new(t));
            }
        }
        let (Ok(url), Ok(bearer)) = (
            std::env::var(GITHUB_TOKEN_URL_ENV),
            std::env::var(GITHUB_TOKEN_REQUEST_ENV),
        ) else {
            return Err(Error::Keyless(format!(
                "no identity token: set {ID_TOKEN_ENV}, or run in GitHub Actions with \
                 `permissions: id-token: write`"
            )));
        };
        let bearer = Zeroizing::new(bearer);
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{sep}audience=sigstore");
        #[derive(serde::Deserialize)]
        struct Answer {
            value: String,
        }
        let answer: Answer = reqwest::Client::new()
            .get(&url)
            .bearer_auth(bearer.as_str())
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| Error::Keyless(format!("requesting the GitHub Actions id-token: {e}")))?
            .json()
            .await
            .map_err(|e| Error::Keyless(format!("reading the GitHub Actions id-token: {e}")))?;
        Ok(Zeroizing::new(answer.value))
    }

    pub(super) async fn open_session(config: &KeylessConfig) -> Result<SigningSession> {
        if let Some((field, problem)) = config.problems().into_iter().next() {
            return Err(Error::Keyless(format!("keyless.{field}: {problem}")));
        }
        let token = identity_token().await?;
        let claims = token_claims(&token)?;
        check_issuer(&claims, config)?;
        let id_token = openidconnect::core::CoreIdToken::from_str(&token).map_err(|e| {
            Error::Keyless(format!("the identity token is not an OIDC id token: {e}"))
        })?;
        let fulcio_url = url::Url::parse(&format!("{}/", config.fulcio_url.trim_end_matches('/')))
            .map_err(|e| Error::Keyless(format!("keyless.fulcio_url: {e}")))?;
        let client = sigstore::fulcio::FulcioClient::new(
            fulcio_url,
            sigstore::fulcio::TokenProvider::Static((id_token, claims.challenge().to_string())),
        );
        let (signer, chain_pem) = client
            .request_cert(sigstore::crypto::SigningScheme::ECDSA_P256_SHA256_ASN1)
            .await
            .map_err(|e| Error::Keyless(format!("Fulcio ({}): {e}", config.fulcio_url)))?;
        let chain = pem_chain_to_der(&chain_pem.to_string()).map_err(|e| {
            Error::Keyless(format!(
                "{e} (Fulcio answered: {})",
                chain_pem.to_string().chars().take(200).collect::<String>()
            ))
        })?;
        let spki = signer
            .to_sigstore_keypair()
            .and_then(|k| k.public_key_to_der())
            .map_err(|e| Error::Keyless(format!("the ephemeral key: {e}")))?;
        let public_key = PublicKey::from_spki_der("the ephemeral key", &spki)?;
        let identity = check_leaf(&chain[0], &public_key)?;
        Ok(SigningSession {
            signer: Arc::new(KeylessSigner {
                signer,
                public_key,
                chain,
                identity,
            }),
            tlog: Some(Arc::new(RekorLog::new(&config.rekor_url)?)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response in the exact shape `POST /api/v1/log/entries` of Rekor v1 returns
    /// (field names and encodings as rekor.sigstore.dev; the values are made up and
    /// the proof is trimmed to one hash).
    const REKOR_RESPONSE: &str = r#"{"24296fb24b8ad77a08f8fd9d7e4d7e2f5b6a9d27b3c9e0a29e0c6d2f8b1a4e5c7d9f0a1b2c3d4e5f6":{"body":"eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6e319","integratedTime":1700000000,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d","logIndex":25579,"verification":{"inclusionProof":{"checkpoint":"rekor.sigstore.dev - 2605736670972794746\n21428036\nrxnoKyFZlJ7/R6bMh/d3lcqwKqAy5CL1LcNBJP17kgQ=\n\n— rekor.sigstore.dev wNI9ajBFAiEA\n","hashes":["810320ec3029914695826d60133c67021f66ee0cfb09a6f79eb267ed9f55de2c"],"logIndex":25579,"rootHash":"af19e82b21599496eff47eb3f7372d3156bae8f79ebd26b7e28a3c24ed1c2a23","treeSize":21428036},"signedEntryTimestamp":"MEUCIQD7nYIUFHDYvZYoUVjHlY5qAJdX8oXU3e0L0iEEGdJJhQIgBLWKkxJYbAmr4HZTsSTJ4DyR1kWtCGgw8Ejk4QFgRvM="}}}"#;

    #[test]
    fn rekor_response_to_bundle_entry_and_annotation() {
        let (uuid, entry) = RekorEntry::from_response(REKOR_RESPONSE.as_bytes()).unwrap();
        assert!(uuid.starts_with("24296fb2"));
        let t = entry.to_tlog_entry().unwrap();
        assert_eq!(t.log_index, "25579");
        assert_eq!(t.integrated_time, "1700000000");
        assert_eq!(t.kind_version.kind, "hashedrekord");
        assert_eq!(t.kind_version.version, "0.0.1");
        assert_eq!(
            hex::encode(B64.decode(&t.log_id.key_id).unwrap()),
            "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"
        );
        let proof = t.inclusion_proof.as_ref().unwrap();
        assert_eq!(proof.tree_size, "21428036");
        assert_eq!(
            hex::encode(B64.decode(&proof.root_hash).unwrap()),
            "af19e82b21599496eff47eb3f7372d3156bae8f79ebd26b7e28a3c24ed1c2a23"
        );
        assert!(proof.checkpoint.envelope.starts_with("rekor.sigstore.dev"));
        // The bundle's JSON uses protobuf-specs names.
        let v = serde_json::to_value(&t).unwrap();
        assert!(v["inclusionPromise"]["signedEntryTimestamp"].is_string());
        assert!(v["inclusionProof"]["checkpoint"]["envelope"].is_string());
        // cosign's legacy annotation.
        let ann: serde_json::Value =
            serde_json::from_str(&rekor_bundle_annotation(&t).unwrap()).unwrap();
        assert_eq!(ann["Payload"]["logIndex"], 25579);
        assert_eq!(ann["Payload"]["integratedTime"], 1700000000);
        assert_eq!(
            ann["Payload"]["logID"],
            "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"
        );
        assert_eq!(ann["Payload"]["body"], t.canonicalized_body);
    }

    #[test]
    fn token_claims_and_issuer() {
        let claims = B64URL.encode(
            br#"{"iss":"https://token.actions.githubusercontent.com","sub":"repo:o/r:ref:refs/heads/main","aud":"sigstore"}"#,
        );
        let token = format!("e30.{claims}.c2ln");
        let c = token_claims(&token).unwrap();
        assert_eq!(c.challenge(), "repo:o/r:ref:refs/heads/main");
        let mut cfg = KeylessConfig::default();
        check_issuer(&c, &cfg).unwrap();
        cfg.oidc_issuer = Some("https://token.actions.githubusercontent.com/".into());
        check_issuer(&c, &cfg).unwrap();
        cfg.oidc_issuer = Some("https://accounts.google.com".into());
        assert!(check_issuer(&c, &cfg).is_err());
        assert!(token_claims("not-a-jwt").is_err());
    }

    #[test]
    fn proposed_entries() {
        let v = rekor_proposed_entry(&crate::signer::LogRequest::HashedRekord {
            payload: b"abc",
            signature: b"\x30\x00",
            verifier_pem: "PEM",
        });
        assert_eq!(v["kind"], "hashedrekord");
        assert_eq!(
            v["spec"]["data"]["hash"]["value"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let v = rekor_proposed_entry(&crate::signer::LogRequest::Dsse {
            envelope_json: b"{}",
            verifier_pem: "PEM",
        });
        assert_eq!(v["kind"], "dsse");
        assert_eq!(v["spec"]["proposedContent"]["envelope"], "{}");
    }

    #[test]
    fn config_defaults_and_problems() {
        let c: KeylessConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c.fulcio_url, DEFAULT_FULCIO_URL);
        assert!(c.problems().is_empty());
        let bad: KeylessConfig = serde_json::from_str(r#"{"rekor_url":"ftp://x"}"#).unwrap();
        assert_eq!(bad.problems().len(), 1);
        assert!(serde_json::from_str::<KeylessConfig>(r#"{"fulcio":"x"}"#).is_err());
    }
}
