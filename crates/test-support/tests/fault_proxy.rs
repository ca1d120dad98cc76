//! The fault proxy in front of the real registry: pass-through, and each
//! fault as a plain HTTP client sees it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use secchain_test::{crane_append, Fault, FaultProxy, LayerBuilder, Registry, Rule, TestContext};

/// One `GET path` over HTTP/1.1; the whole answer (until close) or the I/O error.
fn get(addr: &str, path: &str) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n")?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(out)
}

fn split(answer: &[u8]) -> (String, Vec<u8>) {
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    (
        String::from_utf8_lossy(&answer[..end]).into_owned(),
        answer[end..].to_vec(),
    )
}

#[test]
fn each_fault_as_a_client_sees_it() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let layer = LayerBuilder::new()
        .file("data", noise(20_000), 0o644)
        .tar_gz();
    let blob = format!("/v2/proxy/app/blobs/sha256:{}", sha256_hex(&layer));
    crane_append(
        &format!("{}/proxy/app:v1", registry.addr()),
        &[ctx.write("l.tar.gz", &layer)],
    );
    let proxy = FaultProxy::start(registry.addr());
    let addr = proxy.addr();

    let (head, body) = split(&get(&addr, &blob).unwrap());
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, layer, "pass-through is byte for byte");

    proxy.add_rule(
        Rule::new(
            "GET /v2/ ",
            Fault::Status {
                code: 429,
                retry_after: Some(3),
            },
        )
        .times(1),
    );
    let (head, _) = split(&get(&addr, "/v2/").unwrap());
    assert!(
        head.starts_with("HTTP/1.1 429") && head.contains("Retry-After: 3"),
        "{head}"
    );
    let (head, _) = split(&get(&addr, "/v2/").unwrap());
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "times(1) is spent: {head}"
    );

    proxy.add_rule(Rule::new("/blobs/", Fault::TruncateBody(100)).times(1));
    let (head, body) = split(&get(&addr, &blob).unwrap());
    assert!(
        head.contains(&format!("Content-Length: {}", layer.len())),
        "{head}"
    );
    assert_eq!(body, layer[..100]);

    proxy.add_rule(Rule::new("/blobs/", Fault::CorruptBody).times(1));
    let (_, body) = split(&get(&addr, &blob).unwrap());
    assert_eq!(body.len(), layer.len());
    assert_ne!(body, layer);

    proxy.add_rule(Rule::new("/blobs/", Fault::Drop).times(1));
    assert!(get(&addr, &blob).map(|a| a.is_empty()).unwrap_or(true));

    proxy.add_rule(Rule::new("/blobs/", Fault::ResetAfter(300)).times(1));
    let reset = get(&addr, &blob);
    assert!(
        reset.as_ref().map(|a| a.len() <= 300).unwrap_or(true),
        "at most 300 bytes before the reset: {:?}",
        reset.map(|a| a.len())
    );

    proxy.add_rule(Rule::new("/blobs/", Fault::Stall).times(1));
    let started = Instant::now();
    let stalled = get(&addr, &blob).unwrap_err();
    assert!(
        matches!(
            stalled.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{stalled}"
    );
    assert!(started.elapsed() >= Duration::from_secs(2));

    let (head, body) = split(&get(&addr, &blob).unwrap());
    assert!(head.starts_with("HTTP/1.1 200"), "rules spent: {head}");
    assert_eq!(body, layer);
    assert_eq!(proxy.faults_injected(), 6);
    assert_eq!(proxy.requests().len(), 9);
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(data))
}

/// Bytes that do not compress (a simple LCG), so the layer blob is large.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 56) as u8
        })
        .collect()
}
