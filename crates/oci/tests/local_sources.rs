//! OCI layouts and docker archives (made by crane from a registry image, and
//! in the old and new `docker save` layouts) give the same image as the registry.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_sample_view, opts, push_sample, rows};
use secchain_oci::{open, Digest, ErrorKind, Image, ImageSource, Platform};
use secchain_test::{Registry, TestContext};

async fn open_src(s: &str) -> secchain_oci::Result<Image> {
    open(&ImageSource::parse(s)?, &opts(None)).await
}

async fn contents(image: &Image) -> Vec<Vec<u8>> {
    let files = image
        .read_files(&[
            "/etc/os-release",
            "/lib/libc.so.6",
            "/bin/sh",
            "/var/cache/new.bin",
        ])
        .await
        .unwrap();
    assert_eq!(files.len(), 4, "{:?}", files.keys());
    files.into_values().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layout_and_archives_match_the_registry() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, digest) = push_sample(&registry, &ctx, "sample/local:v1");
    let from_registry = open_src(&reference).await.unwrap();
    let registry_view = from_registry.filesystem().await.unwrap();
    assert_sample_view(&registry_view);
    let registry_files = contents(&from_registry).await;

    // OCI layout from crane.
    let layout = ctx.path().join("layout");
    ctx.crane(&["pull", "--format=oci", &reference, layout.to_str().unwrap()]);
    let from_layout = open_src(&format!("oci:{}", layout.display()))
        .await
        .unwrap();
    assert_eq!(from_layout.manifest_digest().to_string(), digest);
    assert_eq!(from_layout.config_raw(), from_registry.config_raw());
    assert_eq!(
        rows(&from_layout.filesystem().await.unwrap()),
        rows(&registry_view)
    );
    assert_eq!(contents(&from_layout).await, registry_files);

    // docker-archive from crane (its default tarball format: gzipped layers, sha256:HEX config).
    let tarball = ctx.path().join("image.tar");
    ctx.crane(&["pull", &reference, tarball.to_str().unwrap()]);
    let src = format!("docker-archive:{}", tarball.display());
    let from_archive = open_src(&src).await.unwrap();
    assert_eq!(from_archive.config_digest(), from_registry.config_digest());
    let layer_digests = |i: &Image| {
        i.layers()
            .iter()
            .map(|l| l.digest.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(layer_digests(&from_archive), layer_digests(&from_registry));
    assert_eq!(
        rows(&from_archive.filesystem().await.unwrap()),
        rows(&registry_view)
    );
    assert_eq!(contents(&from_archive).await, registry_files);

    // Picking the image by its RepoTags name, and a name that is not there.
    let tagged = open_src(&format!("{src}:{reference}")).await.unwrap();
    assert_eq!(tagged.config_digest(), from_registry.config_digest());
    let e = open_src(&format!("{src}:other:v9")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(
        e.to_string().contains(&reference),
        "lists what is there: {e}"
    );

    // Old `docker save` layout: <id>/layer.tar (uncompressed), <hex>.json, a symlinked duplicate.
    let old = ctx.path().join("old-save.tar");
    write_old_docker_save(&from_registry, &old, "sample/local:v1").await;
    let from_old = open_src(&format!("docker-archive:{}", old.display()))
        .await
        .unwrap();
    assert_eq!(
        rows(&from_old.filesystem().await.unwrap()),
        rows(&registry_view)
    );
    assert_eq!(contents(&from_old).await, registry_files);
    assert_eq!(
        from_old
            .layers()
            .iter()
            .map(|l| l.diff_id.clone().unwrap())
            .collect::<Vec<_>>(),
        from_old
            .layers()
            .iter()
            .map(|l| l.digest.clone())
            .collect::<Vec<_>>(),
        "uncompressed layers: digest is the diff_id"
    );

    // New `docker save` layout (Docker 25+): an OCI layout plus manifest.json pointing into blobs/.
    let new = ctx.path().join("new-save.tar");
    write_new_docker_save(&layout, &from_registry, &new);
    let from_new = open_src(&format!("docker-archive:{}", new.display()))
        .await
        .unwrap();
    assert_eq!(
        from_new.manifest_digest().to_string(),
        digest,
        "the embedded OCI manifest is found"
    );
    assert_eq!(
        rows(&from_new.filesystem().await.unwrap()),
        rows(&registry_view)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layout_tags_and_platforms() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let (reference, digest) = push_sample(&registry, &ctx, "sample/tags:v1");
    let layout = ctx.path().join("layout");
    ctx.crane(&["pull", "--format=oci", &reference, layout.to_str().unwrap()]);

    // Name the single entry like skopeo does, add a second image under another tag.
    let index_path = layout.join("index.json");
    let mut index: serde_json::Value =
        serde_json::from_slice(&fs::read(&index_path).unwrap()).unwrap();
    let mut first = index["manifests"][0].clone();
    first["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "v1"});
    let mut second = first.clone();
    second["annotations"] =
        serde_json::json!({"org.opencontainers.image.ref.name": "docker.io/library/other:v2"});
    index["manifests"] = serde_json::json!([first, second]);
    fs::write(&index_path, serde_json::to_vec(&index).unwrap()).unwrap();

    let dir = layout.display().to_string();
    assert_eq!(
        open_src(&format!("oci:{dir}:v1"))
            .await
            .unwrap()
            .manifest_digest()
            .to_string(),
        digest
    );
    assert!(
        open_src(&format!("oci:{dir}:v2")).await.is_ok(),
        "full ref names match by tag"
    );
    let e = open_src(&format!("oci:{dir}:v3")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        e.to_string().contains("v1") && e.to_string().contains("other:v2"),
        "{e}"
    );
    let e = open_src(&format!("oci:{dir}")).await.unwrap_err();
    assert!(e.is_usage(), "two images and no tag: {e}");

    // A platform that the (single-platform) image does not have.
    let mut o = opts(None);
    o.platform = Some(Platform::parse("windows/amd64").unwrap());
    let e = open(&ImageSource::parse(&format!("oci:{dir}:v1")).unwrap(), &o)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Usage, "{e}");

    // Not a layout at all.
    let e = open_src(&format!("oci:{}", ctx.path().display()))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("oci-layout"), "{e}");

    // A corrupted blob in the layout is rejected while walking.
    let image = open_src(&format!("oci:{dir}:v1")).await.unwrap();
    let l = &image.layers()[0].digest;
    let blob = layout.join("blobs").join("sha256").join(l.hex());
    let mut data = fs::read(&blob).unwrap();
    let n = data.len();
    data[n / 2] ^= 1;
    fs::write(&blob, data).unwrap();
    let e = image.filesystem().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
}

#[tokio::test]
async fn archive_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_tar = dir.path().join("x.tar");
    fs::write(&not_tar, vec![7u8; 4096]).unwrap();
    let e = open_src(&format!("docker-archive:{}", not_tar.display()))
        .await
        .unwrap_err();
    assert!(
        !e.is_usage() || e.to_string().contains("manifest.json"),
        "{e}"
    );

    let gz = dir.path().join("x.tar.gz");
    fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
    let e = open_src(&format!("docker-archive:{}", gz.display()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");

    let e = open_src(&format!(
        "docker-archive:{}",
        dir.path().join("missing.tar").display()
    ))
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}

/// Writes `image` as an old-style `docker save` archive.
async fn write_old_docker_save(image: &Image, out: &Path, repo_tag: &str) {
    // Uncompressed layer tars, from the registry's gzipped blobs.
    let mut layers = Vec::new();
    for l in image.layers() {
        let blob = fetch_blob(image, &l.digest).await;
        let mut tar = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&blob[..]), &mut tar)
            .unwrap();
        assert_eq!(&Digest::sha256(&tar), l.diff_id.as_ref().unwrap());
        layers.push(tar);
    }
    let config_hex = image.config_digest().hex().to_string();
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, data).unwrap();
    };
    add(&format!("{config_hex}.json"), image.config_raw());
    let ids = ["1111aaaa", "2222bbbb"];
    for (id, tar) in ids.iter().zip(&layers) {
        add(&format!("{id}/VERSION"), b"1.0");
        add(&format!("{id}/layer.tar"), tar);
    }
    // A third layer entry that is a symlink to the first (docker save does this for repeats).
    let manifest = serde_json::json!([{
        "Config": format!("{config_hex}.json"),
        "RepoTags": [repo_tag],
        "Layers": ["1111aaaa/layer.tar", "3333cccc/layer.tar"],
    }]);
    add("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    add("repositories", b"{}");
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "3333cccc/layer.tar", "../2222bbbb/layer.tar")
        .unwrap();
    fs::write(out, b.into_inner().unwrap()).unwrap();
}

/// Writes a Docker 25+ style archive: the OCI layout's files plus manifest.json.
fn write_new_docker_save(layout: &Path, image: &Image, out: &Path) {
    let mut b = tar::Builder::new(Vec::new());
    b.append_dir_all(".", layout).unwrap();
    let blob = |d: &Digest| format!("blobs/sha256/{}", d.hex());
    let manifest = serde_json::json!([{
        "Config": blob(image.config_digest()),
        "RepoTags": ["sample/local:v1"],
        "Layers": image.layers().iter().map(|l| blob(&l.digest)).collect::<Vec<_>>(),
    }]);
    let data = serde_json::to_vec(&manifest).unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    b.append_data(&mut h, "manifest.json", &data[..]).unwrap();
    fs::write(out, b.into_inner().unwrap()).unwrap();
}

async fn fetch_blob(image: &Image, digest: &Digest) -> Vec<u8> {
    let r = image.reference().unwrap();
    let reg = secchain_oci::Registry::new(r.registry(), &opts(None));
    let desc = image
        .manifest()
        .layers
        .iter()
        .find(|d| &d.digest == digest)
        .unwrap()
        .clone();
    reg.get_blob(r.repository(), &desc, 1 << 30).await.unwrap()
}
