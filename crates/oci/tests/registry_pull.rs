//! Pulling from a real registry (distribution 2.8): by tag and digest,
//! multi-platform selection, whiteouts, integrity failures, the blob cache,
//! hostile layers and limits.

mod common;

use common::{assert_sample_view, opts, push_sample};
use secchain_oci::{
    open, Anomaly, BlobCache, Digest, EntryKind, ErrorKind, ImageReference, ImageSource, Limits,
    Platform,
};
use secchain_test::{LayerBuilder, Registry, TestContext};

fn source(reference: &str) -> ImageSource {
    ImageSource::parse(reference).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_by_tag_and_by_digest() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, digest) = push_sample(&registry, &ctx, "sample/app:v1");

    let image = open(&source(&reference), &opts(None)).await.unwrap();
    assert_eq!(image.manifest_digest().to_string(), digest);
    assert_eq!(image.index_digest(), None);
    assert_eq!(image.layers().len(), 2);
    assert_eq!(
        image.reference().unwrap().digest().unwrap().to_string(),
        digest,
        "the reference is pinned"
    );
    assert_eq!(
        Digest::sha256(image.manifest_raw()).to_string(),
        digest,
        "raw manifest is what the registry has"
    );
    for (i, l) in image.layers().iter().enumerate() {
        assert_eq!(l.index, i);
        assert!(l.diff_id.is_some());
    }
    let view = image.filesystem().await.unwrap();
    assert_sample_view(&view);

    let files = view
        .read(
            &image,
            &[
                "/etc/os-release",
                "lib/libc.so.6",
                "/bin/sh",
                "/etc/secret.key",
                "/nope",
            ],
        )
        .await
        .unwrap();
    assert_eq!(files["/etc/os-release"], b"ID=sample\nVERSION_ID=2\n");
    assert_eq!(files["lib/libc.so.6"], b"ELF", "read through the symlink");
    assert_eq!(files["/bin/sh"], b"#!busybox", "hardlink reads its target");
    assert!(
        !files.contains_key("/etc/secret.key"),
        "deleted files are not in the final view"
    );
    assert!(!files.contains_key("/nope"));

    // By digest, with the tag dropped.
    let by_digest = format!("{}/sample/app@{digest}", registry.addr());
    let image2 = open(&source(&by_digest), &opts(None)).await.unwrap();
    assert_eq!(image2.manifest_digest().to_string(), digest);
    assert_eq!(image2.config_raw(), image.config_raw());

    // Tag and digest together: the digest wins and is checked.
    let both = format!("{reference}@{digest}");
    assert!(open(&source(&both), &opts(None)).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_files_can_be_read_from_their_layer() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, _) = push_sample(&registry, &ctx, "sample/secrets:v1");
    let image = open(&source(&reference), &opts(None)).await.unwrap();
    let view = image.filesystem().await.unwrap();
    let deleted = view
        .deleted_paths()
        .into_iter()
        .find(|d| d.path == "/etc/secret.key")
        .unwrap();
    assert_eq!((deleted.last_written_in, deleted.deleted_in), (0, 1));

    // The secrets scan's single pass: read deleted files from the layers that had them.
    struct Grab(Vec<(usize, String, Vec<u8>)>);
    impl secchain_oci::LayerVisitor for Grab {
        fn entry(
            &mut self,
            layer: &secchain_oci::Layer,
            entry: &mut secchain_oci::LayerEntry<'_>,
        ) -> secchain_oci::Result<()> {
            if entry.path().ends_with(".key") && entry.has_content() {
                let data = entry.read_all()?;
                self.0.push((layer.index, entry.path().to_string(), data));
            }
            Ok(())
        }
    }
    let grab = image.walk_layers(Grab(Vec::new())).await.unwrap();
    assert_eq!(grab.0.len(), 1);
    assert_eq!(grab.0[0].0, 0);
    assert!(grab.0[0].2.starts_with(b"-----BEGIN PRIVATE KEY"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_platform_index_and_platform_errors() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let addr = registry.addr();
    let amd = ctx.write(
        "amd.tar.gz",
        LayerBuilder::new().file("arch", "amd64", 0o644).tar_gz(),
    );
    let arm = ctx.write(
        "arm.tar.gz",
        LayerBuilder::new().file("arch", "arm64", 0o644).tar_gz(),
    );
    ctx.crane_append(&format!("{addr}/multi:amd64-raw"), &[amd]);
    ctx.crane_append(&format!("{addr}/multi:arm64-raw"), &[arm]);
    let set = |raw: &str, tag: &str, platform: &str| -> String {
        let out = ctx.crane(&[
            "mutate",
            &format!("{addr}/multi:{raw}"),
            "--set-platform",
            platform,
            "-t",
            &format!("{addr}/multi:{tag}"),
        ]);
        out.rsplit_once('@').unwrap().1.to_string()
    };
    let amd_digest = set("amd64-raw", "amd64", "linux/amd64");
    let arm_digest = set("arm64-raw", "arm64", "linux/arm64/v8");
    let index_ref = format!("{addr}/multi:index");
    ctx.crane(&[
        "index",
        "append",
        "-m",
        &format!("{addr}/multi:amd64"),
        "-m",
        &format!("{addr}/multi:arm64"),
        "-t",
        &index_ref,
    ]);
    let index_digest = ctx.crane(&["digest", &index_ref]);

    let mut o = opts(None);
    o.platform = Some(Platform::parse("linux/arm64").unwrap());
    let arm_image = open(&source(&index_ref), &o).await.unwrap();
    assert_eq!(arm_image.manifest_digest().to_string(), arm_digest);
    assert_eq!(arm_image.index_digest().unwrap().to_string(), index_digest);
    assert_eq!(arm_image.platform().to_string(), "linux/arm64/v8");
    let platforms: Vec<String> = arm_image
        .platforms()
        .iter()
        .map(|p| p.platform.to_string())
        .collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm64/v8"]);
    assert_eq!(arm_image.platforms()[0].digest.to_string(), amd_digest);
    let files = arm_image.read_files(&["/arch"]).await.unwrap();
    assert_eq!(files["/arch"], b"arm64");

    o.platform = Some(Platform::parse("linux/arm64/v8").unwrap());
    assert_eq!(
        open(&source(&index_ref), &o)
            .await
            .unwrap()
            .manifest_digest()
            .to_string(),
        arm_digest
    );

    o.platform = Some(Platform::parse("linux/amd64").unwrap());
    assert_eq!(
        open(&source(&index_ref), &o)
            .await
            .unwrap()
            .manifest_digest()
            .to_string(),
        amd_digest
    );

    // The host's platform by default (the CI machine is linux/amd64 or linux/arm64).
    let host = open(&source(&index_ref), &opts(None)).await.unwrap();
    assert!(
        Platform::host().matches(&host.platform()),
        "{}",
        host.platform()
    );

    o.platform = Some(Platform::parse("linux/s390x").unwrap());
    let e = open(&source(&index_ref), &o).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Usage);
    let msg = e.to_string();
    assert!(msg.contains("linux/s390x"), "{msg}");
    assert!(msg.contains("linux/amd64, linux/arm64/v8"), "{msg}");

    // A single-platform image asked for another platform.
    o.platform = Some(Platform::parse("linux/arm64").unwrap());
    let e = open(&source(&format!("{addr}/multi:amd64")), &o)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("available platforms: linux/amd64"),
        "{e}"
    );
}

/// The path of a blob's data in the registry's storage.
fn blob_data(registry: &Registry, digest: &Digest) -> std::path::PathBuf {
    registry
        .storage_dir()
        .join("docker/registry/v2/blobs")
        .join(digest.algorithm().as_str())
        .join(&digest.hex()[..2])
        .join(digest.hex())
        .join("data")
}

fn flip_last_byte(path: &std::path::Path) {
    let mut data = std::fs::read(path).unwrap();
    let n = data.len();
    data[n - 5] ^= 0xff;
    std::fs::write(path, data).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_blobs_are_rejected() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, _) = push_sample(&registry, &ctx, "sample/corrupt:v1");
    let image = open(&source(&reference), &opts(None)).await.unwrap();
    let layer = image.layers()[1].clone();
    flip_last_byte(&blob_data(&registry, &layer.digest));

    let e = image.filesystem().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    assert!(e.to_string().contains("layer 1"), "{e}");

    // A corrupted config fails at open.
    let config = image.config_digest().clone();
    flip_last_byte(&blob_data(&registry, &config));
    let e = open(&source(&reference), &opts(None)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    assert!(e.to_string().contains("config"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_is_used_verified_and_repaired() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, _) = push_sample(&registry, &ctx, "sample/cache:v1");
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = BlobCache::new(cache_dir.path());
    let image = open(&source(&reference), &opts(Some(cache.clone())))
        .await
        .unwrap();
    image.fetch_layers().await.unwrap();
    for l in image.layers() {
        assert!(cache.contains(&l.digest), "{} cached", l.label());
    }

    // Corrupt the cached copy of layer 0: it is detected, dropped and refetched.
    let cached = cache.path_for(&image.layers()[0].digest);
    flip_last_byte(&cached);
    let view = image.filesystem().await.unwrap();
    common::assert_sample_view(&view);
    let fixed = std::fs::read(&cached).unwrap();
    assert_eq!(Digest::sha256(&fixed), image.layers()[0].digest);

    // With every layer cached, the registry's (now corrupt) copy is never read.
    flip_last_byte(&blob_data(&registry, &image.layers()[1].digest));
    assert!(image.filesystem().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_layer_is_contained() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let hostile = LayerBuilder::new()
        .raw(
            "../../../etc/evil",
            secchain_test::EntryType::Regular,
            "",
            "pwn",
        )
        .raw("/abs/file", secchain_test::EntryType::Regular, "", "abs")
        .raw(
            "esc",
            secchain_test::EntryType::Symlink,
            "../../../../../host/etc/shadow",
            "",
        )
        .raw("hl", secchain_test::EntryType::Link, "../../outside", "")
        .raw("dev/kmem", secchain_test::EntryType::Char, "", "")
        .file("dup", "one", 0o644)
        .file("dup", "two", 0o644);
    let layer = ctx.write("hostile.tar", hostile.tar());
    let reference = format!("{}/hostile:v1", registry.addr());
    ctx.crane_append(&reference, &[layer]);

    let image = open(&source(&reference), &opts(None)).await.unwrap();
    let view = image.filesystem().await.unwrap();
    assert!(view.get("/etc/evil").is_some(), "clamped into the root");
    assert!(view.get("/abs/file").is_some());
    assert_eq!(view.get("/dev/kmem").unwrap().kind, EntryKind::CharDevice);
    assert_eq!(
        view.resolve("/esc"),
        None,
        "never resolves outside the root"
    );
    let anomalies: Vec<(String, Anomaly)> = view
        .anomalies()
        .iter()
        .map(|a| (a.path.clone(), a.anomaly))
        .collect();
    for expected in [
        ("/etc/evil", Anomaly::PathTraversal),
        ("/abs/file", Anomaly::AbsolutePath),
        ("/esc", Anomaly::LinkEscapesRoot),
        ("/hl", Anomaly::LinkEscapesRoot),
        ("/dev/kmem", Anomaly::DeviceNode),
        ("/dup", Anomaly::DuplicateEntry),
    ] {
        assert!(
            anomalies.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?} in {anomalies:?}"
        );
    }
    let files = view.read(&image, &["/dup", "/dev/kmem"]).await.unwrap();
    assert_eq!(files["/dup"], b"two", "the later duplicate wins");
    assert!(!files.contains_key("/dev/kmem"), "devices are never read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decompression_bomb_and_file_limits() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let bomb = LayerBuilder::new()
        .file("zeros.bin", vec![0u8; 32 << 20], 0o644)
        .tar_gz();
    assert!(bomb.len() < 1 << 20, "compresses well: {}", bomb.len());
    let layer = ctx.write("bomb.tar.gz", bomb);
    let reference = format!("{}/bomb:v1", registry.addr());
    ctx.crane_append(&reference, &[layer]);

    let mut o = opts(None);
    o.limits = Limits {
        max_total_uncompressed: 4 << 20,
        ..Limits::default()
    };
    let image = open(&source(&reference), &o).await.unwrap();
    let e = image.filesystem().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    let msg = e.to_string();
    assert!(
        msg.contains("layer 0") && msg.contains("/zeros.bin"),
        "{msg}"
    );

    o.limits = Limits {
        max_file_size: 1 << 20,
        ..Limits::default()
    };
    let image = open(&source(&reference), &o).await.unwrap();
    let e = image.filesystem().await.unwrap_err();
    assert!(e.to_string().contains("file size"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_things_are_clear_errors() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, _) = push_sample(&registry, &ctx, "sample/here:v1");
    let missing_tag = reference.replace(":v1", ":nope");
    let e = open(&source(&missing_tag), &opts(None)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("sample/here:nope"), "{e}");

    let missing_repo = format!("{}/no/such:v1", registry.addr());
    assert_eq!(
        open(&source(&missing_repo), &opts(None))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    // Nothing listens there: a network error naming the registry, after the retries.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let e = open(&source(&format!("{dead}/x:v1")), &opts(None))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(e.to_string().contains(&dead), "{e}");

    let r = ImageReference::parse(&reference).unwrap();
    assert_eq!(r.registry(), registry.addr());
}
