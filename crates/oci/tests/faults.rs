//! Registry faults (issue #10): the real registry behind secchain-test's
//! [`FaultProxy`]. Transient faults are retried and the read succeeds;
//! persistent ones end in one clear error; corrupt data fails closed and
//! leaves nothing in the cache; an interrupted push leaves no tag behind;
//! a `Retry-After` on a manifest answer is waited for, within a cap.

mod common;

use std::time::{Duration, Instant};

use common::{opts, push_sample};
use secchain_oci::{
    open, BlobCache, BlobUpload, Descriptor, Digest, ErrorKind, ImageSource, OpenOptions,
    Registry as Push,
};
use secchain_test::{Fault, FaultProxy, Registry, Rule, TestContext};

/// Each case must finish well within this (CI runs on 2 cores).
const CASE_BOUND: Duration = Duration::from_secs(10);

fn quick(cache: Option<BlobCache>) -> OpenOptions {
    OpenOptions {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(20),
        request_timeout: Duration::from_secs(1),
        ..opts(cache)
    }
}

/// Opens the image through the proxy and reads every layer.
async fn read_all(reference: &str, o: &OpenOptions) -> secchain_oci::Result<()> {
    let started = Instant::now();
    let src = ImageSource::parse(reference).unwrap();
    let r = async { open(&src, o).await?.filesystem().await.map(|_| ()) }.await;
    assert!(
        started.elapsed() < CASE_BOUND,
        "took {:?}",
        started.elapsed()
    );
    r
}

fn setup(repo: &str) -> (Registry, FaultProxy, String) {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, _) = push_sample(&registry, &ctx, repo);
    let proxy = FaultProxy::start(registry.addr());
    let through = reference.replace(registry.addr(), &proxy.addr());
    (registry, proxy, through)
}

fn status(code: u16, retry_after: Option<u64>) -> Fault {
    Fault::Status { code, retry_after }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_faults_are_retried_then_pass() {
    let (_registry, proxy, reference) = setup("faults/transient:v1");
    for fault in [
        status(503, Some(1)),
        status(429, Some(1)),
        status(500, None),
        Fault::Drop,
        Fault::ResetAfter(200),
        Fault::TruncateBody(10),
    ] {
        proxy.clear_rules();
        proxy.add_rule(Rule::new("/blobs/", fault.clone()).times(1));
        proxy.add_rule(Rule::new("/manifests/", fault.clone()).times(1));
        let before = proxy.faults_injected();
        read_all(&reference, &quick(None))
            .await
            .unwrap_or_else(|e| panic!("{fault:?} once must be survived: {e}"));
        assert_eq!(proxy.faults_injected() - before, 2, "{fault:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_waited_for_and_capped() {
    let (_registry, proxy, reference) = setup("faults/retry-after:v1");
    let o = OpenOptions {
        max_attempts: 2,
        initial_backoff: Duration::from_millis(20),
        request_timeout: Duration::from_secs(5),
        ..opts(None)
    };
    let manifest_requests = |p: &FaultProxy| {
        p.requests()
            .iter()
            .filter(|r| r.contains("/manifests/"))
            .count()
    };
    // 429 with `Retry-After: 1`, then the request goes through: the run
    // passes, and the retry came after the second asked for (the backoff
    // alone would be 10-30 ms).
    proxy.add_rule(Rule::new("/manifests/", status(429, Some(1))).times(1));
    let started = Instant::now();
    read_all(&reference, &o)
        .await
        .unwrap_or_else(|e| panic!("429 with Retry-After once must be survived: {e}"));
    let waited = started.elapsed();
    assert_eq!(proxy.faults_injected(), 1);
    assert_eq!(manifest_requests(&proxy), 2, "{:?}", proxy.requests());
    assert!(waited >= Duration::from_secs(1), "did not wait: {waited:?}");

    // An absurd `Retry-After` (an hour) is capped at the per-request timeout
    // (read_all bounds the whole case at 10 s).
    proxy.clear_rules();
    proxy.add_rule(Rule::new("/manifests/", status(503, Some(3600))).times(1));
    let o = OpenOptions {
        request_timeout: Duration::from_secs(2),
        ..o
    };
    let started = Instant::now();
    read_all(&reference, &o)
        .await
        .unwrap_or_else(|e| panic!("503 with a long Retry-After must be survived: {e}"));
    let waited = started.elapsed();
    assert_eq!(proxy.faults_injected(), 2);
    assert!(waited >= Duration::from_secs(2), "did not wait: {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_faults_end_in_one_clear_error() {
    let (_registry, proxy, reference) = setup("faults/persistent:v1");
    for (fault, expect) in [
        (status(503, Some(1)), "HTTP 503"),
        (status(429, Some(1)), "Toomanyrequests"),
        (Fault::ResetAfter(200), "manifest"),
        (Fault::Stall, "timed out"),
    ] {
        proxy.clear_rules();
        proxy.add_rule(Rule::new("/manifests/", fault.clone()));
        let before = proxy.requests().len();
        let e = read_all(&reference, &quick(None)).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Network, "{fault:?}: {e}");
        assert!(e.to_string().contains(expect), "{fault:?}: {e}");
        assert!(
            e.to_string().contains(&proxy.addr()),
            "names the registry: {e}"
        );
        let attempts = proxy.requests()[before..]
            .iter()
            .filter(|r| r.contains("/manifests/"))
            .count();
        assert_eq!(attempts, 3, "{fault:?}: retried up to max_attempts");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_or_short_blobs_fail_closed_and_are_not_cached() {
    let (_registry, proxy, reference) = setup("faults/corrupt:v1");
    for fault in [Fault::CorruptBody, Fault::TruncateBody(10)] {
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = BlobCache::new(cache_dir.path());
        proxy.clear_rules();
        proxy.add_rule(Rule::new("/blobs/", fault.clone()));
        let e = read_all(&reference, &quick(Some(cache.clone())))
            .await
            .unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Integrity | ErrorKind::Network),
            "{fault:?}: {e}"
        );
        assert_eq!(cache.usage().unwrap(), 0, "{fault:?}: nothing cached");
    }
    // A registry that answers a manifest with different bytes than the digest names.
    proxy.clear_rules();
    proxy.add_rule(Rule::new("/manifests/", Fault::CorruptBody));
    let e = read_all(&reference, &quick(None)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_push_leaves_no_tag() {
    let registry = Registry::start();
    let proxy = FaultProxy::start(registry.addr());
    let payload = br#"{"critical":{}}"#.to_vec();
    let layer = BlobUpload {
        descriptor: descriptor("application/vnd.dev.cosign.simplesigning.v1+json", &payload),
        data: payload,
    };
    let config = b"{}".to_vec();
    let config_blob = BlobUpload {
        descriptor: descriptor("application/vnd.oci.image.config.v1+json", &config),
        data: config,
    };
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config_blob.descriptor,
        "layers": [layer.descriptor],
    }))
    .unwrap();
    let tag = "sha256-0000000000000000000000000000000000000000000000000000000000000000.sig";
    // Every manifest upload fails: the blobs go up, the signature manifest never does.
    proxy.add_rule(Rule::new(
        "PUT /v2/signed/app/manifests/",
        status(500, None),
    ));
    let push = Push::new(&proxy.addr(), &quick(None));
    let started = Instant::now();
    let e = push
        .push_artifact(
            "signed/app",
            &[config_blob, layer],
            &manifest,
            "application/vnd.oci.image.manifest.v1+json",
            &[tag],
            &[],
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() < CASE_BOUND);
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    // Straight to the registry: the tag is absent, not half there.
    let direct = Push::new(registry.addr(), &quick(None));
    let reference =
        secchain_oci::ImageReference::parse(&format!("{}/signed/app:{tag}", registry.addr()))
            .unwrap();
    let missing = direct.get_manifest_raw(&reference).await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
}

fn descriptor(media_type: &str, data: &[u8]) -> Descriptor {
    serde_json::from_value(serde_json::json!({
        "mediaType": media_type,
        "digest": Digest::sha256(data).to_string(),
        "size": data.len(),
    }))
    .unwrap()
}
