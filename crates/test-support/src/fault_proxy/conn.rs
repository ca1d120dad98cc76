//! One proxied connection: read the request head, apply the script's fault
//! (or none), relay the answer.
//!
//! Every forwarded request gets `Connection: close`, so each connection
//! carries exactly one request and the answer ends when the registry closes
//! the connection: no HTTP body framing is needed to find where it ends.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::rule::{Fault, Rule, STALL_LIMIT};

/// Longest request or response head the proxy reads.
const MAX_HEAD: usize = 64 * 1024;

/// What the proxy shares between connections.
pub(crate) struct Shared {
    /// The rules, first matching one wins.
    pub(crate) rules: Mutex<Vec<Rule>>,
    /// Request lines seen, in order, each with the fault applied (if any).
    pub(crate) log: Mutex<Vec<(String, Option<Fault>)>>,
    /// The registry behind the proxy.
    pub(crate) upstream: SocketAddr,
}

/// Serves one client connection; errors only end that connection.
pub(crate) async fn serve(mut client: TcpStream, shared: Arc<Shared>) -> io::Result<()> {
    let (head, body_start) = read_head(&mut client).await?;
    let request_line = head_text(&head).lines().next().unwrap_or("").to_string();
    let fault = {
        let mut rules = shared.rules.lock().expect("fault proxy rules");
        rules.iter_mut().find_map(|r| r.apply(&request_line))
    };
    shared
        .log
        .lock()
        .expect("fault proxy log")
        .push((request_line.clone(), fault.clone()));
    match &fault {
        Some(Fault::Drop) => return Ok(()),
        Some(Fault::Stall) => {
            tokio::time::sleep(STALL_LIMIT).await;
            return Ok(());
        }
        Some(Fault::Status { code, retry_after }) => {
            let answer = status_answer(*code, *retry_after, &request_line);
            client.write_all(&answer).await?;
            return client.shutdown().await;
        }
        _ => {}
    }

    if matches!(fault, Some(Fault::ResetAfter(_))) {
        // Closing with a zero linger sends RST instead of FIN.
        client.set_zero_linger()?;
    }
    let mut upstream = TcpStream::connect(shared.upstream).await?;
    upstream.write_all(&close_connection(&head)).await?;
    upstream.write_all(&body_start).await?;
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    // The request body (uploads) streams on while the answer is relayed.
    let uploader = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut upstream_write).await;
        client_read
    });
    let relayed = relay(&mut upstream_read, &mut client_write, fault.as_ref()).await;
    if !matches!(fault, Some(Fault::ResetAfter(_))) {
        let _ = client_write.shutdown().await;
    }
    uploader.abort();
    relayed
}

/// Relays the answer from the registry, applying `fault` to it.
async fn relay(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    fault: Option<&Fault>,
) -> io::Result<()> {
    match fault {
        Some(Fault::ResetAfter(n)) => {
            let mut limited = from.take(*n as u64);
            tokio::io::copy(&mut limited, to).await?;
            to.flush().await
        }
        Some(Fault::TruncateBody(n)) => {
            let (head, body_start) = read_head(from).await?;
            to.write_all(&head).await?;
            let mut body = body_start;
            while body.len() < *n {
                let mut buf = vec![0u8; 16 * 1024];
                let got = from.read(&mut buf).await?;
                if got == 0 {
                    break;
                }
                body.extend_from_slice(&buf[..got]);
            }
            body.truncate(*n);
            to.write_all(&body).await?;
            to.flush().await
        }
        Some(Fault::CorruptBody) => {
            let (head, mut chunk) = read_head(from).await?;
            to.write_all(&head).await?;
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                chunk.iter_mut().for_each(|b| *b = !*b);
                to.write_all(&chunk).await?;
                let got = from.read(&mut buf).await?;
                if got == 0 {
                    return to.flush().await;
                }
                chunk = buf[..got].to_vec();
            }
        }
        _ => {
            tokio::io::copy(from, to).await?;
            to.flush().await
        }
    }
}

/// Reads up to the end of an HTTP head (`\r\n\r\n`); returns the head and
/// whatever body bytes came with it.
async fn read_head<R: tokio::io::AsyncRead + Unpin>(r: &mut R) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let body = buf.split_off(end + 4);
            return Ok((buf, body));
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::other("HTTP head too long"));
        }
        let n = r.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if !buf[0].is_ascii_uppercase() {
            // Not HTTP/1 (a TLS probe's ClientHello): close at once, like a plain-HTTP registry.
            return Err(io::Error::other("not an HTTP/1 request"));
        }
    }
}

fn head_text(head: &[u8]) -> String {
    String::from_utf8_lossy(head).into_owned()
}

/// The request head with any `Connection`/`Keep-Alive` header replaced by `Connection: close`.
fn close_connection(head: &[u8]) -> Vec<u8> {
    let text = head_text(head);
    let mut out = String::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or("").trim();
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

/// A complete answer with `code`, an OCI error body and an optional `Retry-After`.
fn status_answer(code: u16, retry_after: Option<u64>, request_line: &str) -> Vec<u8> {
    let error_code = match code {
        429 => "TOOMANYREQUESTS",
        _ => "UNAVAILABLE",
    };
    let body = format!(
        r#"{{"errors":[{{"code":"{error_code}","message":"fault injected by the test proxy"}}]}}"#
    );
    let body = if request_line.starts_with("HEAD ") {
        String::new()
    } else {
        body
    };
    let mut head = format!(
        "HTTP/1.1 {code} Injected\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(seconds) = retry_after {
        head.push_str(&format!("Retry-After: {seconds}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(&body);
    head.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_rewritten_to_close_the_connection() {
        let head = b"GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n";
        let out = String::from_utf8(close_connection(head)).unwrap();
        assert_eq!(
            out,
            "GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn status_answers_carry_retry_after_and_no_body_for_head() {
        let a = String::from_utf8(status_answer(429, Some(1), "GET /v2/ HTTP/1.1")).unwrap();
        assert!(a.starts_with("HTTP/1.1 429 "), "{a}");
        assert!(
            a.contains("Retry-After: 1\r\n") && a.contains("TOOMANYREQUESTS"),
            "{a}"
        );
        let h = String::from_utf8(status_answer(503, None, "HEAD /v2/ HTTP/1.1")).unwrap();
        assert!(
            h.contains("Content-Length: 0\r\n") && !h.contains("Retry-After"),
            "{h}"
        );
    }
}
