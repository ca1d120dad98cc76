//! Shared helpers for the integration tests: a sample image pushed to a real
//! registry with crane, and options that never touch the developer's config.

#![allow(dead_code)]

use std::time::Duration;

use secchain_oci::{AuthConfig, BlobCache, EntryKind, MergedView, Node, OpenOptions};
use secchain_test::{LayerBuilder, Registry, TestContext};

/// Options for tests: anonymous, the given cache, quick retries.
pub fn opts(cache: Option<BlobCache>) -> OpenOptions {
    OpenOptions {
        cache,
        auth: AuthConfig::anonymous(),
        max_attempts: 2,
        initial_backoff: Duration::from_millis(20),
        request_timeout: Duration::from_secs(60),
        ..OpenOptions::default()
    }
}

/// The base layer of the sample image.
pub fn base_layer() -> LayerBuilder {
    LayerBuilder::new()
        .dir("etc", 0o755)
        .file("etc/os-release", "ID=sample\nVERSION_ID=1\n", 0o644)
        .file(
            "etc/secret.key",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n",
            0o600,
        )
        .dir("var/cache", 0o755)
        .file("var/cache/a.bin", "a", 0o644)
        .file("var/cache/sub/b.bin", "b", 0o644)
        .file("bin/busybox", "#!busybox", 0o755)
        .dir("usr/lib", 0o755)
        .file("usr/lib/libc.so.6", "ELF", 0o755)
        .symlink("lib", "usr/lib")
}

/// The top layer: deletes the key, makes /var/cache opaque, edits os-release, adds a hardlink.
pub fn top_layer() -> LayerBuilder {
    LayerBuilder::new()
        .whiteout("etc/secret.key")
        .opaque_whiteout("var/cache")
        .file("var/cache/new.bin", "new", 0o644)
        .file("etc/os-release", "ID=sample\nVERSION_ID=2\n", 0o644)
        .hardlink("bin/sh", "bin/busybox")
}

/// Pushes the two-layer sample image as `REGISTRY/REPO:TAG`; returns (reference, manifest digest).
pub fn push_sample(registry: &Registry, ctx: &TestContext, repo_tag: &str) -> (String, String) {
    let base = ctx.write("base.tar.gz", base_layer().tar_gz());
    let top = ctx.write("top.tar.gz", top_layer().tar_gz());
    let reference = format!("{}/{repo_tag}", registry.addr());
    let digest = ctx.crane_append(&reference, &[base, top]);
    (reference, digest)
}

/// Checks the sample image's merged view.
pub fn assert_sample_view(view: &MergedView) {
    assert!(view.get("/etc/secret.key").is_none(), "whiteout applied");
    assert!(
        view.get("/var/cache/a.bin").is_none(),
        "opaque dir hides lower files"
    );
    assert!(view.get("/var/cache/sub/b.bin").is_none());
    assert_eq!(view.get("/var/cache/new.bin").unwrap().layer, 1);
    assert_eq!(view.get("/etc/os-release").unwrap().layer, 1);
    assert_eq!(view.get("/etc/os-release").unwrap().size, 23);
    assert_eq!(view.get("/lib").unwrap().kind, EntryKind::Symlink);
    assert_eq!(
        view.resolve("/lib/libc.so.6").as_deref(),
        Some("/usr/lib/libc.so.6")
    );
    assert_eq!(view.get("/bin/sh").unwrap().kind, EntryKind::Hardlink);
    let deleted: Vec<String> = view.deleted_paths().into_iter().map(|d| d.path).collect();
    assert!(
        deleted.contains(&"/etc/secret.key".to_string()),
        "{deleted:?}"
    );
    assert!(
        deleted.contains(&"/var/cache/a.bin".to_string()),
        "{deleted:?}"
    );
    let h = view.history("/etc/secret.key");
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0].0, 0);
    assert_eq!(h[1].0, 1);
}

/// The whole view as comparable rows.
pub fn rows(view: &MergedView) -> Vec<(String, Node)> {
    view.iter()
        .map(|(p, n)| (p.to_string(), n.clone()))
        .collect()
}
