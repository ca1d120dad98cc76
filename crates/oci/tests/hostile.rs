//! Hostile images (issue #10): a corpus built in memory and written as OCI
//! layouts, each read end to end. Every case ends in a clear error or a safe
//! skip with a note (an anomaly), within bounded time and memory, and
//! nothing is ever written outside the test's own directory.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use secchain_oci::{open, Anomaly, Digest, ErrorKind, ImageSource, Limits, OpenOptions};
use secchain_test::{EntryType, LayerBuilder};
use serde_json::{json, Value};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
const LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// Every case must finish well within this.
const TIME_BOUND: Duration = Duration::from_secs(10);

/// An OCI layout being written in a sandbox directory.
struct Layout {
    sandbox: tempfile::TempDir,
}

impl Layout {
    fn new() -> Self {
        let sandbox = tempfile::tempdir().unwrap();
        let dir = sandbox.path().join("layout");
        fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Layout { sandbox }
    }

    fn dir(&self) -> PathBuf {
        self.sandbox.path().join("layout")
    }

    fn blob(&self, data: &[u8]) -> Digest {
        let d = Digest::sha256(data);
        fs::write(self.dir().join("blobs/sha256").join(d.hex()), data).unwrap();
        d
    }

    /// Writes a blob and returns its descriptor.
    fn descriptor(&self, media_type: &str, data: &[u8]) -> Value {
        let d = self.blob(data);
        json!({"mediaType": media_type, "digest": d.to_string(), "size": data.len()})
    }

    /// An image of `layers` (blob, media type, diff_id source); returns the manifest descriptor.
    fn image(&self, layers: &[(Vec<u8>, &str, Vec<u8>)]) -> Value {
        let diff_ids: Vec<String> = layers
            .iter()
            .map(|(_, _, tar)| Digest::sha256(tar).to_string())
            .collect();
        let config = json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "config": {}
        });
        let config = self.descriptor(OCI_CONFIG, &serde_json::to_vec(&config).unwrap());
        let layers: Vec<Value> = layers
            .iter()
            .map(|(blob, mt, _)| self.descriptor(mt, blob))
            .collect();
        self.manifest(config, layers)
    }

    fn manifest(&self, config: Value, layers: Vec<Value>) -> Value {
        let m = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config, "layers": layers});
        self.descriptor(OCI_MANIFEST, &serde_json::to_vec(&m).unwrap())
    }

    fn index(&self, manifests: Vec<Value>) -> Value {
        let i = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests});
        self.descriptor(OCI_INDEX, &serde_json::to_vec(&i).unwrap())
    }

    fn set_top(&self, entry: Value) -> ImageSource {
        let index = json!({"schemaVersion": 2, "manifests": [entry]});
        fs::write(
            self.dir().join("index.json"),
            serde_json::to_vec(&index).unwrap(),
        )
        .unwrap();
        ImageSource::parse(&format!("oci:{}", self.dir().display())).unwrap()
    }

    /// Every path below the sandbox (the layout included).
    fn snapshot(&self) -> BTreeSet<PathBuf> {
        fn walk(dir: &Path, out: &mut BTreeSet<PathBuf>) {
            for e in fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                out.insert(p.clone());
                if p.is_dir() && !p.is_symlink() {
                    walk(&p, out);
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(self.sandbox.path(), &mut out);
        out
    }
}

fn opts(limits: Limits) -> OpenOptions {
    OpenOptions {
        limits,
        cache: None,
        ..OpenOptions::default()
    }
}

/// Opens and walks the image; returns the outcome and checks the time bound.
async fn read(src: &ImageSource, limits: Limits) -> secchain_oci::Result<secchain_oci::MergedView> {
    let started = Instant::now();
    let result = async { open(src, &opts(limits)).await?.filesystem().await }.await;
    assert!(
        started.elapsed() < TIME_BOUND,
        "took {:?}",
        started.elapsed()
    );
    result
}

fn plain(tar: Vec<u8>) -> (Vec<u8>, &'static str, Vec<u8>) {
    (tar.clone(), LAYER_TAR, tar)
}

#[tokio::test]
async fn escapes_loops_and_conflicting_duplicates_are_contained() {
    let layout = Layout::new();
    let tar = LayerBuilder::new()
        .raw("../../../../tmp/evil", EntryType::Regular, "", "pwn")
        .raw("/abs/file", EntryType::Regular, "", "abs")
        .raw("esc", EntryType::Symlink, "../../../../../etc/shadow", "")
        .raw("hard", EntryType::Link, "../../../../etc/passwd", "")
        .raw("loop/a", EntryType::Symlink, "b", "")
        .raw("loop/b", EntryType::Symlink, "a", "")
        .raw("dup", EntryType::Regular, "", "file")
        .raw("dup", EntryType::Directory, "", "")
        .raw("dup", EntryType::Symlink, "/etc", "")
        .tar();
    let src = layout.set_top(layout.image(&[plain(tar)]));
    let before = layout.snapshot();

    let view = read(&src, Limits::default()).await.unwrap();

    let noted = |path: &str, anomaly: Anomaly| {
        view.anomalies()
            .iter()
            .any(|a| a.path == path && a.anomaly == anomaly)
    };
    assert!(noted("/tmp/evil", Anomaly::PathTraversal));
    assert!(noted("/abs/file", Anomaly::AbsolutePath));
    assert!(noted("/esc", Anomaly::LinkEscapesRoot));
    assert!(noted("/hard", Anomaly::LinkEscapesRoot));
    assert!(noted("/dup", Anomaly::DuplicateEntry));
    assert_eq!(
        view.resolve("/loop/a/x"),
        None,
        "a symlink loop resolves to nothing"
    );
    assert_eq!(
        view.resolve("/esc"),
        None,
        "the escape is resolved inside the image root, where nothing is"
    );
    assert_eq!(layout.snapshot(), before, "nothing written anywhere");
    assert!(!Path::new("/tmp/evil").exists());
}

/// `count` concatenated gzip members of 1 MiB of zeros each: ~1 KiB per MiB.
fn zero_members(count: usize) -> Vec<u8> {
    let mut one = GzEncoder::new(Vec::new(), flate2::Compression::best());
    one.write_all(&vec![0u8; 1 << 20]).unwrap();
    let one = one.finish().unwrap();
    one.repeat(count)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn header(name: &str, kind: EntryType, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).unwrap();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    h
}

#[tokio::test]
async fn gzip_bomb_stops_at_the_uncompressed_budget() {
    let layout = Layout::new();
    // A 1 GiB file of zeros in a ~1 MiB blob.
    let mut blob = gzip(header("bomb", EntryType::Regular, 1 << 30).as_bytes());
    blob.extend(zero_members(1024));
    assert!(blob.len() < 2 << 20);
    let src = layout.set_top(layout.image(&[(blob, LAYER_GZIP, Vec::new())]));
    let limits = Limits {
        max_total_uncompressed: 64 << 20,
        ..Limits::default()
    };
    let e = read(&src, limits).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.to_string().contains("uncompressed"), "{e}");
}

#[tokio::test]
async fn ten_gb_entry_headers_are_refused_before_any_content() {
    let layout = Layout::new();
    // A regular file claiming 10 GB, header only.
    let mut tar = header("huge", EntryType::Regular, 10_000_000_000)
        .as_bytes()
        .to_vec();
    tar.extend([0u8; 1024]);
    let src = layout.set_top(layout.image(&[plain(tar)]));
    let e = read(&src, Limits::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.to_string().contains("/huge"), "{e}");

    // A GNU sparse file claiming 10 GB of holes: its expansion is charged up front.
    let layout = Layout::new();
    // One 512-byte data chunk at the very end, everything before it a hole.
    let mut h = header("sparse", EntryType::GNUSparse, 512);
    let gnu = h.as_gnu_mut().unwrap();
    gnu.set_real_size(10_000_000_000);
    gnu.sparse[0].set_offset(10_000_000_000 - 512);
    gnu.sparse[0].set_length(512);
    h.set_cksum();
    let mut tar = h.as_bytes().to_vec();
    tar.extend([7u8; 512]);
    tar.extend([0u8; 1024]);
    let src = layout.set_top(layout.image(&[plain(tar)]));
    let e = read(&src, Limits::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
}

#[tokio::test]
async fn pax_records_are_honoured_and_bounded() {
    let layout = Layout::new();
    let long = format!("usr/share/{}/file.txt", "d".repeat(150));
    let mut b = tar::Builder::new(Vec::new());
    // Long name, PAX whiteout and PAX link target, each in a PAX `x` record.
    for (path, kind, link, data) in [
        (long.as_str(), EntryType::Regular, None, &b"content"[..]),
        ("etc/.wh.removed", EntryType::Regular, None, &b""[..]),
        ("lnk", EntryType::Symlink, Some("x".repeat(120)), &b""[..]),
    ] {
        let mut pax = vec![("path", path.as_bytes())];
        if let Some(l) = &link {
            pax.push(("linkpath", l.as_bytes()));
        }
        b.append_pax_extensions(pax).unwrap();
        let mut h = header("short-name", kind, data.len() as u64);
        h.set_cksum();
        b.append(&h, data).unwrap();
    }
    // PAX `size` overrides the header's size field.
    b.append_pax_extensions([("path", &b"sized"[..]), ("size", &b"5"[..])])
        .unwrap();
    let mut h = header("sized", EntryType::Regular, 0);
    h.set_cksum();
    let mut data = b"12345".to_vec();
    data.resize(512, 0);
    b.get_mut().extend_from_slice(h.as_bytes());
    b.get_mut().extend_from_slice(&data);
    let tar = b.into_inner().unwrap();
    let base = LayerBuilder::new().file("etc/removed", "x", 0o644).tar();
    let src = layout.set_top(layout.image(&[plain(base), plain(tar)]));

    let image = open(&src, &opts(Limits::default())).await.unwrap();
    let view = image.filesystem().await.unwrap();
    assert_eq!(view.get(&format!("/{long}")).unwrap().size, 7);
    assert!(view.get("/etc/removed").is_none());
    assert!(
        view.deleted_paths()
            .iter()
            .any(|d| d.path == "/etc/removed"),
        "the PAX whiteout is a whiteout"
    );
    assert_eq!(
        view.get("/lnk").unwrap().link_target.as_deref(),
        Some("x".repeat(120).as_str())
    );
    assert_eq!(view.get("/sized").unwrap().size, 5);
    let files = image.read_files(&["/sized"]).await.unwrap();
    assert_eq!(files["/sized"], b"12345");

    // A PAX record of 64 MiB (gzip-compressed to a few KiB) is refused, not buffered.
    let layout = Layout::new();
    let mut blob = gzip(header("pax", EntryType::XHeader, 64 << 20).as_bytes());
    blob.extend(zero_members(64));
    let src = layout.set_top(layout.image(&[(blob, LAYER_GZIP, Vec::new())]));
    let e = read(&src, Limits::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.to_string().contains("metadata"), "{e}");
}

#[tokio::test]
async fn a_layer_that_does_not_match_its_digest_fails_closed() {
    let layout = Layout::new();
    let tar = LayerBuilder::new().file("a", "good", 0o644).tar();
    let manifest = layout.image(&[plain(tar.clone())]);
    // Swap the blob's content for another of the same size.
    let evil = LayerBuilder::new().file("a", "evil", 0o644).tar();
    assert_eq!(evil.len(), tar.len());
    let d = Digest::sha256(&tar);
    fs::write(layout.dir().join("blobs/sha256").join(d.hex()), &evil).unwrap();
    let src = layout.set_top(manifest);
    let e = read(&src, Limits::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    assert!(e.to_string().contains("layer 0"), "{e}");
}

#[tokio::test]
async fn a_100_mb_config_is_refused_by_its_declared_size() {
    let layout = Layout::new();
    let fake = Digest::sha256(b"not the config");
    // A sparse 100 MB file: no disk used, and never read.
    let f = fs::File::create(layout.dir().join("blobs/sha256").join(fake.hex())).unwrap();
    f.set_len(100_000_000).unwrap();
    let config = json!({"mediaType": OCI_CONFIG, "digest": fake.to_string(), "size": 100_000_000});
    let src = layout.set_top(layout.manifest(config, vec![]));
    let started = Instant::now();
    let e = open(&src, &opts(Limits::default())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.to_string().contains("config"), "{e}");
}

#[tokio::test]
async fn nested_indexes_are_followed_within_a_bound_and_loops_refused() {
    let layout = Layout::new();
    let tar = LayerBuilder::new()
        .file("etc/os-release", "ID=nested\n", 0o644)
        .tar();
    let mut entry = layout.image(&[plain(tar)]);
    entry["platform"] = json!({"architecture": "amd64", "os": "linux"});
    let amd64 = secchain_oci::Platform::parse("linux/amd64").unwrap();
    let with_platform = OpenOptions {
        platform: Some(amd64),
        ..opts(Limits::default())
    };

    // index → index → manifest: followed.
    let inner = layout.index(vec![entry.clone()]);
    let src = layout.set_top(layout.index(vec![inner.clone()]));
    let image = open(&src, &with_platform).await.unwrap();
    assert_eq!(image.layers().len(), 1);
    assert!(image.index_digest().is_some());

    // Five levels of index: refused by the depth bound.
    let mut top = entry;
    for _ in 0..6 {
        top = layout.index(vec![top]);
    }
    let src = layout.set_top(top);
    let e = open(&src, &with_platform).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.to_string().contains("nesting"), "{e}");

    // An index that names itself: its bytes cannot hash to their own digest,
    // so the claimed self-reference is caught as a mismatch, not followed.
    let layout = Layout::new();
    let claimed = Digest::sha256(b"the index itself");
    let selfish = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_INDEX, "digest": claimed.to_string(), "size": 200}
    ]});
    let bytes = serde_json::to_vec(&selfish).unwrap();
    fs::write(
        layout.dir().join("blobs/sha256").join(claimed.hex()),
        &bytes,
    )
    .unwrap();
    let src = layout.set_top(
        json!({"mediaType": OCI_INDEX, "digest": claimed.to_string(), "size": bytes.len()}),
    );
    let started = Instant::now();
    let e = open(&src, &opts(Limits::default())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
}
