//! Registry transport on top of oci-client: scheme choice, credentials, retries, timeouts.
//!
//! HTTPS is the default. Plain HTTP is allowed only for loopback registries
//! (`localhost`, 127.0.0.0/8, `::1`) and registries listed as insecure; for
//! those an HTTPS probe runs first and HTTP is used only if TLS is not
//! spoken there. Every request is retried on connection errors, timeouts,
//! 429 and 5xx with exponential backoff and jitter, and each attempt has a
//! timeout. Where a request is made here rather than inside oci-client (the
//! manifest GET), a `Retry-After` header on the failed answer is honoured:
//! the wait is at least what it asks, capped at [`MAX_RETRY_AFTER`] and at
//! the per-request timeout. oci-client's own errors carry no headers, so its
//! requests (blobs, pushes, tokens) fall back to the backoff. oci-client performs the bearer-token / basic-auth dance; an
//! `identitytoken` (OAuth2 refresh token) is first exchanged for an access
//! token here, because oci-client only knows basic and bearer credentials.

use std::future::Future;
use std::time::Duration;

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::secrets::RegistryAuth;

use crate::auth::{AuthConfig, Credential, ResolvedCredential};
use crate::error::{Error, Result};
use crate::reference::is_loopback_registry;

/// Network settings shared by image access and push.
#[derive(Debug, Clone)]
pub struct TransportOptions {
    /// Registries (`host[:port]`) that may be reached over plain HTTP besides loopback.
    pub insecure_registries: Vec<String>,
    /// Where credentials come from.
    pub auth: AuthConfig,
    /// Attempts per request (1 = no retry).
    pub max_attempts: u32,
    /// First backoff delay; doubles per attempt, with ±50% jitter.
    pub initial_backoff: Duration,
    /// Longest backoff delay.
    pub max_backoff: Duration,
    /// Timeout of one request (for blobs: of the response headers and of each body chunk).
    pub request_timeout: Duration,
    /// Timeout of connection setup.
    pub connect_timeout: Duration,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            insecure_registries: Vec::new(),
            auth: AuthConfig::from_env(),
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            request_timeout: request_timeout_from_env().unwrap_or(Duration::from_secs(120)),
            connect_timeout: Duration::from_secs(15),
        }
    }
}

/// The environment variable that sets the per-request timeout, in seconds
/// (fractions allowed: `0.5`). Unset, empty or not a positive number: 120 s.
pub const HTTP_TIMEOUT_ENV: &str = "SECCHAIN_HTTP_TIMEOUT";

/// The per-request timeout from [`HTTP_TIMEOUT_ENV`], if set to a positive number of seconds.
fn request_timeout_from_env() -> Option<Duration> {
    let value = std::env::var(HTTP_TIMEOUT_ENV).ok()?;
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds > 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
}

/// Which access a client needs (for token scopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Pull,
    Push,
}

/// An oci-client client bound to one repository, with its credentials.
#[derive(Clone)]
pub(crate) struct RepoClient {
    pub(crate) client: oci_client::Client,
    /// A plain HTTP client for the requests made without oci-client (bounded manifest reads).
    pub(crate) http: reqwest::Client,
    /// `https` or `http` (loopback and insecure registries only).
    pub(crate) scheme: &'static str,
    /// The pull token from oci-client's auth dance (`None`: basic or no auth), fetched once.
    pub(crate) pull_token: std::sync::Arc<tokio::sync::OnceCell<Option<String>>>,
    pub(crate) auth: RegistryAuth,
    pub(crate) registry: String,
    pub(crate) credential_source: String,
    pub(crate) opts: TransportOptions,
}

impl RepoClient {
    /// Chooses the scheme, resolves credentials and builds the client.
    pub(crate) async fn connect(
        registry: &str,
        repository: &str,
        access: Access,
        opts: &TransportOptions,
    ) -> Result<Self> {
        let http_allowed = is_loopback_registry(registry)
            || opts.insecure_registries.iter().any(|r| r == registry);
        let scheme = if http_allowed {
            probe_scheme(registry).await
        } else {
            "https"
        };
        let resolved = opts.auth.resolve(registry, repository).await?;
        let auth = match &resolved.credential {
            Credential::Anonymous => RegistryAuth::Anonymous,
            Credential::Basic { username, password } => {
                RegistryAuth::Basic(username.clone(), password.expose().to_string())
            }
            Credential::Bearer(t) => RegistryAuth::Bearer(t.expose().to_string()),
            Credential::IdentityToken(t) => {
                let token = exchange_refresh_token(
                    registry,
                    repository,
                    access,
                    scheme,
                    t.expose(),
                    &resolved,
                    opts,
                )
                .await?;
                RegistryAuth::Bearer(token)
            }
        };
        let config = ClientConfig {
            protocol: if scheme == "http" {
                ClientProtocol::Http
            } else {
                ClientProtocol::Https
            },
            platform_resolver: None,
            connect_timeout: Some(opts.connect_timeout),
            read_timeout: Some(opts.request_timeout),
            user_agent: concat!("secchain/", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        };
        let client = oci_client::Client::try_from(config).map_err(|e| Error::Network {
            registry: registry.to_string(),
            message: format!("cannot build the HTTP client: {e}"),
            hint: None,
        })?;
        // Several oci-client calls (blob_exists, push_blob, mount_blob,
        // push_manifest_raw, pull_blob_stream, pull_referrers) take no
        // credentials and use the ones stored by an earlier call: store them now.
        let api = oci_client::Reference::with_tag(
            registry.to_string(),
            repository.to_string(),
            "latest".into(),
        );
        client
            .store_auth_if_needed(api.resolve_registry(), &auth)
            .await;
        Ok(RepoClient {
            client,
            http: http_client(opts)?,
            scheme,
            pull_token: Default::default(),
            auth,
            registry: registry.to_string(),
            credential_source: resolved.source,
            opts: opts.clone(),
        })
    }

    /// Runs `op` with per-attempt timeout and retries; `what` names the request in errors.
    /// A failure that carries a `Retry-After` ([`Failure`]) waits at least that long.
    pub(crate) async fn retry<T, E, F, Fut>(&self, what: &str, mut op: F) -> Result<T>
    where
        E: Into<Failure>,
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
    {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let outcome = tokio::time::timeout(self.opts.request_timeout, op()).await;
            let mut retry_after = None;
            let (err, retryable) = match outcome {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(e)) => {
                    let failure = e.into();
                    retry_after = failure.retry_after;
                    let retryable = is_retryable(&failure.error);
                    (self.map_error(failure.error, what), retryable)
                }
                Err(_) => (
                    Error::Network {
                        registry: self.registry.clone(),
                        message: format!("{what} timed out after {:?}", self.opts.request_timeout),
                        hint: None,
                    },
                    true,
                ),
            };
            if !retryable || attempt >= self.opts.max_attempts {
                return Err(err);
            }
            let delay = backoff(attempt, self.opts.initial_backoff, self.opts.max_backoff);
            tokio::time::sleep(retry_delay(delay, retry_after, self.opts.request_timeout)).await;
        }
    }

    /// Maps an oci-client error to ours, naming the registry and request.
    pub(crate) fn map_error(&self, e: OciDistributionError, what: &str) -> Error {
        map_oci_error(e, &self.registry, &self.credential_source, what)
    }
}

/// The longest wait a `Retry-After` header can impose on one retry.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A failed attempt, with the server's `Retry-After` when the answer's
/// headers were visible (requests made here, not inside oci-client).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: OciDistributionError,
    pub(crate) retry_after: Option<Duration>,
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Self {
        OciDistributionError::from(error).into()
    }
}

impl From<OciDistributionError> for Failure {
    fn from(error: OciDistributionError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

/// The wait before the next attempt: the backoff, or the server's
/// `Retry-After` when longer, capped at [`MAX_RETRY_AFTER`] and at `timeout`.
pub(crate) fn retry_delay(
    backoff: Duration,
    retry_after: Option<Duration>,
    timeout: Duration,
) -> Duration {
    match retry_after {
        Some(asked) => backoff.max(asked.min(MAX_RETRY_AFTER).min(timeout)),
        None => backoff,
    }
}

/// A `Retry-After` value: delay-seconds (`120`) or an HTTP-date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`, measured from `now`). `None` when
/// unreadable (the backoff applies then).
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // An HTTP-date (IMF-fixdate) is an RFC 2822 date with the zone `GMT`.
    let at =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    // A date in the past means "now".
    Some(
        std::time::SystemTime::from(at)
            .duration_since(now)
            .unwrap_or(Duration::ZERO),
    )
}

/// True for errors worth retrying: connection problems, timeouts, 429, 5xx.
pub(crate) fn is_retryable(e: &OciDistributionError) -> bool {
    match e {
        OciDistributionError::RequestError(r) if r.status().is_some() => r
            .status()
            .is_some_and(|s| s.as_u16() == 429 || s.is_server_error()),
        OciDistributionError::RequestError(r) => {
            r.is_timeout() || r.is_connect() || r.is_request() || r.is_body() || r.is_decode()
        }
        OciDistributionError::ServerError { code, .. } => *code == 429 || *code >= 500,
        OciDistributionError::RegistryError { envelope, .. } => envelope
            .errors
            .iter()
            .any(|e| e.code == OciErrorCode::Toomanyrequests),
        OciDistributionError::IoError(io) => {
            // A digest mismatch inside a stream is never retried.
            !io.get_ref()
                .map(|i| i.is::<oci_client::errors::DigestError>())
                .unwrap_or(false)
                && matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::UnexpectedEof
                        | std::io::ErrorKind::BrokenPipe
                        | std::io::ErrorKind::Other
                )
        }
        _ => false,
    }
}

/// Exponential backoff with ±50% jitter.
pub(crate) fn backoff(attempt: u32, initial: Duration, max: Duration) -> Duration {
    let exp = initial.saturating_mul(1u32 << (attempt - 1).min(16));
    let base = exp.min(max);
    // Jitter from the std hasher's random keys: no extra dependency.
    use std::hash::{BuildHasher, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(attempt);
    let r = (h.finish() % 1000) as f64 / 1000.0; // [0, 1)
    base.mul_f64(0.5 + r)
}

pub(crate) fn map_oci_error(
    e: OciDistributionError,
    registry: &str,
    credential_source: &str,
    what: &str,
) -> Error {
    let auth = |message: String| Error::Auth {
        registry: registry.to_string(),
        message,
        credential_source: credential_source.to_string(),
    };
    let net = |message: String, hint: Option<String>| Error::Network {
        registry: registry.to_string(),
        message,
        hint,
    };
    match e {
        OciDistributionError::UnauthorizedError { .. } => {
            auth(format!("{what}: unauthorized (HTTP 401)"))
        }
        OciDistributionError::AuthenticationFailure(m) => {
            auth(format!("{what}: token request failed: {}", first_line(&m)))
        }
        OciDistributionError::RegistryError { envelope, .. } => {
            let codes: Vec<String> = envelope
                .errors
                .iter()
                .map(|e| format!("{:?}: {}", e.code, first_line(&e.message)))
                .collect();
            let message = format!("{what}: {}", codes.join("; "));
            let first = envelope.errors.first().map(|e| &e.code);
            match first {
                Some(
                    OciErrorCode::ManifestUnknown
                    | OciErrorCode::BlobUnknown
                    | OciErrorCode::NameUnknown
                    | OciErrorCode::NotFound,
                ) => Error::NotFound {
                    what: format!("{what} ({message})"),
                    hint: Some("check the repository, tag and digest".into()),
                },
                Some(OciErrorCode::Unauthorized | OciErrorCode::Denied) => auth(message),
                _ => net(message, None),
            }
        }
        OciDistributionError::ServerError { code, message, .. } => match code {
            404 => Error::NotFound {
                what: what.to_string(),
                hint: Some("check the repository, tag and digest".into()),
            },
            401 | 403 => auth(format!("{what}: HTTP {code}")),
            _ => net(
                format!("{what}: HTTP {code}: {}", first_line(&message)),
                None,
            ),
        },
        OciDistributionError::DigestError(d) => digest_error(d, what),
        OciDistributionError::IoError(io) => {
            match io
                .get_ref()
                .map(|i| i.is::<oci_client::errors::DigestError>())
            {
                Some(true) => match io
                    .into_inner()
                    .map(|i| i.downcast::<oci_client::errors::DigestError>())
                {
                    Some(Ok(d)) => digest_error(*d, what),
                    _ => net(format!("{what}: digest verification failed"), None),
                },
                _ => match crate::error::take_inner(io) {
                    Ok(ours) => ours,
                    Err(io) => net(format!("{what}: {io}"), None),
                },
            }
        }
        OciDistributionError::RequestError(r) if r.status().is_some() => {
            let code = r.status().map(|s| s.as_u16()).unwrap_or(0);
            match code {
                401 | 403 => auth(format!("{what}: HTTP {code}")),
                404 => Error::NotFound {
                    what: what.to_string(),
                    hint: Some("check the repository, tag and digest".into()),
                },
                _ => net(format!("{what}: HTTP {code}"), None),
            }
        }
        OciDistributionError::RequestError(r) => {
            let hint = match (r.is_connect(), is_loopback_registry(registry)) {
                (true, true) => Some(format!("is the registry at {registry} running?")),
                (true, false) => Some(format!(
                    "is {registry} reachable? A registry that only speaks plain HTTP must be listed as insecure"
                )),
                _ => None,
            };
            net(format!("{what}: {}", error_chain(&r)), hint)
        }
        OciDistributionError::UnsupportedMediaTypeError(m) => Error::Unsupported {
            what: format!("{what}: media type {m}"),
            hint: None,
        },
        other => net(format!("{what}: {other}"), None),
    }
}

fn digest_error(d: oci_client::errors::DigestError, what: &str) -> Error {
    match d {
        oci_client::errors::DigestError::VerificationError { expected, actual } => {
            Error::Integrity {
                what: what.to_string(),
                expected,
                actual,
            }
        }
        other => Error::Integrity {
            what: what.to_string(),
            expected: "a valid digest".into(),
            actual: other.to_string(),
        },
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(300).collect()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn http_client(opts: &TransportOptions) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.request_timeout)
        .user_agent(concat!("secchain/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Network {
            registry: String::new(),
            message: format!("cannot build the HTTP client: {e}"),
            hint: None,
        })
}

/// For registries where HTTP is allowed: HTTPS if it answers TLS, else HTTP.
async fn probe_scheme(registry: &str) -> &'static str {
    let Ok(client) = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .timeout(Duration::from_secs(5))
        .build()
    else {
        return "http";
    };
    match client.get(format!("https://{registry}/v2/")).send().await {
        Ok(_) => "https",
        Err(_) => "http",
    }
}

/// A parsed `WWW-Authenticate: Bearer realm=…,service=…` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BearerChallenge {
    pub(crate) realm: String,
    pub(crate) service: Option<String>,
}

pub(crate) fn parse_bearer_challenge(header: &str) -> Option<BearerChallenge> {
    let rest = header.trim();
    let (scheme, params) = rest.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut realm = None;
    let mut service = None;
    let mut s = params.trim();
    while !s.is_empty() {
        let (key, after) = s.split_once('=')?;
        let key = key.trim().trim_start_matches(',').trim();
        let (value, remaining) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (&q[..end], &q[end + 1..])
        } else {
            match after.find(',') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            }
        };
        match key.to_ascii_lowercase().as_str() {
            "realm" => realm = Some(value.to_string()),
            "service" => service = Some(value.to_string()),
            _ => {}
        }
        s = remaining.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
    }
    Some(BearerChallenge {
        realm: realm?,
        service,
    })
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    fn enc(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Exchanges an OAuth2 refresh token (Docker's `identitytoken`) for an access token.
async fn exchange_refresh_token(
    registry: &str,
    repository: &str,
    access: Access,
    scheme: &str,
    refresh_token: &str,
    resolved: &ResolvedCredential,
    opts: &TransportOptions,
) -> Result<String> {
    let client = http_client(opts)?;
    let api = if registry == crate::reference::DOCKER_HUB {
        "index.docker.io"
    } else {
        registry
    };
    let auth_err = |message: String| Error::Auth {
        registry: registry.to_string(),
        message,
        credential_source: resolved.source.clone(),
    };
    let ping = client
        .get(format!("{scheme}://{api}/v2/"))
        .send()
        .await
        .map_err(|e| Error::Network {
            registry: registry.to_string(),
            message: format!("contacting the registry: {}", error_chain(&e)),
            hint: None,
        })?;
    let challenge = ping
        .headers()
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(|h| h.to_str().ok())
        .and_then(parse_bearer_challenge)
        .ok_or_else(|| {
            auth_err(
                "an identity token needs a bearer-token registry, but it sent no Bearer challenge"
                    .into(),
            )
        })?;
    let scope = match access {
        Access::Pull => format!("repository:{repository}:pull"),
        Access::Push => format!("repository:{repository}:pull,push"),
    };
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", "secchain"),
        ("scope", scope.as_str()),
    ];
    if let Some(s) = &challenge.service {
        form.push(("service", s.as_str()));
    }
    let res = client
        .post(&challenge.realm)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(form_encode(&form))
        .send()
        .await
        .map_err(|e| Error::Network {
            registry: registry.to_string(),
            message: format!("token request: {}", error_chain(&e)),
            hint: None,
        })?;
    let status = res.status();
    if !status.is_success() {
        return Err(auth_err(format!(
            "exchanging the identity token failed: HTTP {status}"
        )));
    }
    #[derive(serde::Deserialize)]
    struct TokenAnswer {
        access_token: Option<String>,
        token: Option<String>,
    }
    let body: TokenAnswer = res
        .json_or_bytes()
        .await
        .map_err(|m| auth_err(format!("invalid token answer: {m}")))?;
    body.access_token
        .or(body.token)
        .ok_or_else(|| auth_err("the token answer had no access_token".into()))
}

trait JsonOrBytes {
    async fn json_or_bytes<T: serde::de::DeserializeOwned>(self) -> std::result::Result<T, String>;
}

impl JsonOrBytes for reqwest::Response {
    async fn json_or_bytes<T: serde::de::DeserializeOwned>(self) -> std::result::Result<T, String> {
        let bytes = self.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_parsing() {
        let c = parse_bearer_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
        )
        .unwrap();
        assert_eq!(c.realm, "https://auth.docker.io/token");
        assert_eq!(c.service.as_deref(), Some("registry.docker.io"));
        assert!(parse_bearer_challenge(r#"Basic realm="x""#).is_none());
        let c = parse_bearer_challenge("bearer realm=https://t/x, service=s").unwrap();
        assert_eq!(c.realm, "https://t/x");
        assert_eq!(c.service.as_deref(), Some("s"));
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let i = Duration::from_millis(100);
        let m = Duration::from_secs(1);
        for attempt in 1..10 {
            let d = backoff(attempt, i, m);
            let base = (i * (1 << (attempt - 1))).min(m);
            assert!(d >= base / 2 && d <= base * 3 / 2, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn retry_after_values_and_caps() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_795_460_400); // 2026-11-23T19:00:00Z
        let s = Duration::from_secs;
        assert_eq!(parse_retry_after("1", now), Some(s(1)));
        assert_eq!(parse_retry_after(" 120 ", now), Some(s(120)));
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 19:00:30 GMT", now),
            Some(s(30))
        );
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 18:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        let backoff = Duration::from_millis(250);
        assert_eq!(retry_delay(backoff, None, s(120)), backoff);
        assert_eq!(retry_delay(backoff, Some(s(0)), s(120)), backoff);
        assert_eq!(retry_delay(backoff, Some(s(2)), s(120)), s(2));
        assert_eq!(retry_delay(backoff, Some(s(3600)), s(120)), MAX_RETRY_AFTER);
        assert_eq!(retry_delay(backoff, Some(s(3600)), s(5)), s(5));
    }

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode(&[("a", "x y"), ("scope", "repository:r:pull,push")]),
            "a=x+y&scope=repository%3Ar%3Apull%2Cpush"
        );
    }

    #[test]
    fn error_mapping() {
        let e = map_oci_error(
            OciDistributionError::UnauthorizedError { url: "u".into() },
            "r:5000",
            "/x/config.json",
            "pulling manifest r:5000/a:b",
        );
        assert_eq!(e.kind(), crate::error::ErrorKind::Auth);
        let s = e.to_string();
        assert!(s.contains("r:5000") && s.contains("/x/config.json"), "{s}");
        let e = map_oci_error(
            OciDistributionError::ServerError {
                code: 503,
                url: "u".into(),
                message: "busy".into(),
            },
            "r",
            "anonymous",
            "w",
        );
        assert_eq!(e.kind(), crate::error::ErrorKind::Network);
        assert!(is_retryable(&OciDistributionError::ServerError {
            code: 429,
            url: String::new(),
            message: String::new()
        }));
        assert!(!is_retryable(&OciDistributionError::ServerError {
            code: 404,
            url: String::new(),
            message: String::new()
        }));
    }
}
