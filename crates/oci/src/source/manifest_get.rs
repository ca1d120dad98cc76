//! `GET /v2/<repo>/manifests/<ref>` with the body bounded while it streams.
//!
//! oci-client's `pull_manifest_raw` buffers the whole body before anyone can
//! look at its size, so a hostile registry could make it hold gigabytes.
//! This request is made here instead, on the same credentials (oci-client
//! still does the token dance, once per repository client): a declared
//! `Content-Length` over the bound is refused before the body is read, and
//! the body is cut off as soon as it passes the bound. Because the answer is
//! seen here, a failed one passes its `Retry-After` on to the retry loop.

use oci_client::errors::{OciDistributionError, OciEnvelope};
use oci_client::secrets::RegistryAuth;
use oci_client::RegistryOperation;

use crate::error::{Error, Result};
use crate::manifest::media_type;
use crate::transport::{parse_retry_after, Failure, RepoClient};

/// Longest error body read from a failed manifest request.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A manifest's bytes and the registry's `Docker-Content-Digest`, if sent.
pub(crate) struct FetchedManifest {
    pub(crate) bytes: Vec<u8>,
    pub(crate) digest_header: Option<String>,
}

/// One attempt: the outer error is the transport's (retried by the caller
/// when transient, after the answer's `Retry-After` if any), the inner one
/// is final (the size bound).
pub(crate) async fn get_manifest(
    rc: &RepoClient,
    reference: &oci_client::Reference,
    max: u64,
    what: &str,
) -> std::result::Result<Result<FetchedManifest>, Failure> {
    let token = rc
        .pull_token
        .get_or_try_init(|| rc.client.auth(reference, &rc.auth, RegistryOperation::Pull))
        .await?;
    let target = reference.digest().or(reference.tag()).unwrap_or("latest");
    let url = format!(
        "{}://{}/v2/{}/manifests/{target}",
        rc.scheme,
        reference.resolve_registry(),
        reference.repository()
    );
    let mut request = rc.http.get(&url).header(
        reqwest::header::ACCEPT,
        media_type::ACCEPTED_MANIFESTS.join(", "),
    );
    request = match (token, &rc.auth) {
        (Some(token), _) => request.bearer_auth(token),
        (None, RegistryAuth::Basic(user, password)) => request.basic_auth(user, Some(password)),
        (None, _) => request,
    };
    let mut response = request.send().await?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()));
        let body = read_capped(&mut response, MAX_ERROR_BODY).await?;
        return Err(Failure {
            error: status_error(status, &body, &url),
            retry_after,
        });
    }
    let too_big = |size: String| Error::LimitExceeded {
        layer: what.to_string(),
        path: None,
        what: format!("manifest size ({size})"),
        limit: max,
    };
    if let Some(declared) = response.content_length().filter(|&n| n > max) {
        return Ok(Err(too_big(format!("{declared} bytes declared"))));
    }
    let digest_header = response
        .headers()
        .get("Docker-Content-Digest")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if (bytes.len() + chunk.len()) as u64 > max {
            return Ok(Err(too_big(format!("more than {max} bytes sent"))));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Ok(FetchedManifest {
        bytes,
        digest_header,
    }))
}

/// Reads at most `cap` bytes of a body (for error messages).
async fn read_capped(
    response: &mut reqwest::Response,
    cap: usize,
) -> std::result::Result<Vec<u8>, OciDistributionError> {
    let mut body = Vec::new();
    while body.len() < cap {
        match response.chunk().await? {
            Some(chunk) => body.extend_from_slice(&chunk),
            None => break,
        }
    }
    body.truncate(cap);
    Ok(body)
}

/// The error oci-client would have produced for this status, so the usual
/// mapping and retry rules apply.
fn status_error(status: reqwest::StatusCode, body: &[u8], url: &str) -> OciDistributionError {
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return OciDistributionError::UnauthorizedError {
            url: url.to_string(),
        };
    }
    if status.is_client_error() {
        if let Ok(envelope) = serde_json::from_slice::<OciEnvelope>(body) {
            return OciDistributionError::RegistryError {
                envelope,
                url: url.to_string(),
            };
        }
    }
    OciDistributionError::ServerError {
        code: status.as_u16(),
        url: url.to_string(),
        message: String::from_utf8_lossy(body).into_owned(),
    }
}
