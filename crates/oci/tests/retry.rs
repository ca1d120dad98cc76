//! Retries and timeouts: a small loopback TCP proxy in front of a real
//! registry fails the first connections (HTTP 503/429, dropped connections,
//! or no answer at all) and then forwards to the registry.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{opts, push_sample};
use secchain_oci::{open, ErrorKind, ImageSource, OpenOptions};
use secchain_test::{Registry, TestContext};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy)]
enum Fail {
    Status(u16),
    Close,
    Hang,
}

/// Starts the proxy; returns its address and the count of failed connections.
async fn flaky_proxy(upstream: String, failures: usize, mode: Fail) -> (String, Arc<AtomicUsize>) {
    flaky_proxy_on("127.0.0.1:0", upstream, failures, mode).await
}

/// Like [`flaky_proxy`], listening on `bind` (`[::1]:0` for IPv6).
async fn flaky_proxy_on(
    bind: &str,
    upstream: String,
    failures: usize,
    mode: Fail,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind(bind).await.unwrap();
    // SocketAddr's Display brackets IPv6 hosts: "[::1]:PORT", as references want.
    let addr = listener.local_addr().unwrap().to_string();
    let failed = Arc::new(AtomicUsize::new(0));
    let counter = failed.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut conn, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let upstream = upstream.clone();
            tokio::spawn(async move {
                if n < failures {
                    let mut buf = [0u8; 4096];
                    let _ = conn.read(&mut buf).await;
                    match mode {
                        Fail::Status(code) => {
                            let resp = format!(
                                "HTTP/1.1 {code} Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            );
                            let _ = conn.write_all(resp.as_bytes()).await;
                        }
                        Fail::Close => {}
                        Fail::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                    }
                    return;
                }
                let Ok(mut up) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut conn, &mut up).await;
            });
        }
    });
    (addr, failed)
}

fn quick(max_attempts: u32) -> OpenOptions {
    OpenOptions {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        request_timeout: Duration::from_secs(2),
        ..opts(None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_are_retried() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    push_sample(&registry, &ctx, "flaky/app:v1");

    for mode in [
        Fail::Status(503),
        Fail::Status(429),
        Fail::Close,
        Fail::Hang,
    ] {
        // Fewer failures than attempts: the pull succeeds.
        let (proxy, failed) = flaky_proxy(registry.addr().to_string(), 2, mode).await;
        let src = ImageSource::parse(&format!("{proxy}/flaky/app:v1")).unwrap();
        let image = open(&src, &quick(4)).await.unwrap();
        common::assert_sample_view(&image.filesystem().await.unwrap());
        assert!(
            failed.load(Ordering::SeqCst) >= 3,
            "the proxy failed twice, then served"
        );
    }

    // More failures than attempts: a network error naming the registry.
    let (proxy, _) = flaky_proxy(registry.addr().to_string(), 100, Fail::Status(503)).await;
    let src = ImageSource::parse(&format!("{proxy}/flaky/app:v1")).unwrap();
    let e = open(&src, &quick(3)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(
        e.to_string().contains(&proxy) && e.to_string().contains("503"),
        "{e}"
    );

    // A hanging registry hits the per-request timeout.
    let (proxy, _) = flaky_proxy(registry.addr().to_string(), 100, Fail::Hang).await;
    let src = ImageSource::parse(&format!("{proxy}/flaky/app:v1")).unwrap();
    let started = std::time::Instant::now();
    let e = open(&src, &quick(1)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(e.to_string().contains("timed out"), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

/// A registry reached at an IPv6 loopback address (`[::1]:PORT/...`): the
/// proxy listens on ::1 and forwards to the registry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_loopback_registry() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (_, digest) = push_sample(&registry, &ctx, "v6/app:v1");
    let (proxy, _) = flaky_proxy_on("[::1]:0", registry.addr().to_string(), 0, Fail::Close).await;
    assert!(proxy.starts_with("[::1]:"), "{proxy}");
    let src = ImageSource::parse(&format!("{proxy}/v6/app:v1")).unwrap();
    let image = open(&src, &quick(2)).await.unwrap();
    assert_eq!(image.manifest_digest().to_string(), digest);
    assert_eq!(image.reference().unwrap().registry(), proxy);
    common::assert_sample_view(&image.filesystem().await.unwrap());
}
