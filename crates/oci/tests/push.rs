//! Writing to a real registry: blobs, mounts, manifests, tags, cosign-style
//! signatures and the OCI referrers tag schema; checked with crane.

mod common;

use common::{base_layer, opts, top_layer};
use secchain_oci::manifest::media_type;
use secchain_oci::{
    cosign_signature_tag, open, referrers_tag, BlobUpload, Descriptor, Digest, ErrorKind,
    ImageManifest, ImageReference, ImageSource, Registry as OciRegistry,
};
use secchain_test::{Registry, TestContext};

fn upload(media_type: &str, data: Vec<u8>) -> BlobUpload {
    BlobUpload {
        descriptor: Descriptor::of_bytes(media_type, &data),
        data,
    }
}

/// An image built and pushed by this crate alone, opened back and checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_an_image_then_open_it() {
    let registry = Registry::start();
    let addr = registry.addr();
    let reg = OciRegistry::new(addr, &opts(None));
    assert_eq!(reg.name(), addr);

    let layers = [base_layer(), top_layer()];
    let tars: Vec<Vec<u8>> = layers.iter().map(|l| l.tar()).collect();
    let gz: Vec<Vec<u8>> = layers.iter().map(|l| l.tar_gz()).collect();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"User": "1000", "Env": ["A=1"], "Entrypoint": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": tars.iter().map(|t| Digest::sha256(t).to_string()).collect::<Vec<_>>()},
        "history": [{"created_by": "ADD base"}, {"created_by": "RUN edit"}]
    });
    let config = upload(media_type::OCI_CONFIG, serde_json::to_vec(&config).unwrap());
    // Base layer gzip, top layer zstd.
    let layer_uploads = vec![
        upload(media_type::OCI_LAYER_GZIP, gz[0].clone()),
        upload(
            media_type::OCI_LAYER_ZSTD,
            zstd::stream::encode_all(&tars[1][..], 3).unwrap(),
        ),
    ];
    let manifest = ImageManifest {
        schema_version: 2,
        media_type: Some(media_type::OCI_MANIFEST.into()),
        artifact_type: None,
        config: config.descriptor.clone(),
        layers: layer_uploads.iter().map(|u| u.descriptor.clone()).collect(),
        subject: None,
        annotations: None,
    };
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let mut blobs = vec![config];
    blobs.extend(layer_uploads);
    let digest = reg
        .push_artifact(
            "built/app",
            &blobs,
            &bytes,
            media_type::OCI_MANIFEST,
            &["v1", "latest"],
            &[],
        )
        .await
        .unwrap();
    assert_eq!(digest, Digest::sha256(&bytes));

    let ctx = TestContext::new();
    assert_eq!(
        ctx.crane(&["digest", &format!("{addr}/built/app:v1")]),
        digest.to_string()
    );
    assert_eq!(
        ctx.crane(&["manifest", &format!("{addr}/built/app:latest")])
            .as_bytes(),
        &bytes[..]
    );

    let image = open(
        &ImageSource::parse(&format!("{addr}/built/app:v1")).unwrap(),
        &opts(None),
    )
    .await
    .unwrap();
    assert_eq!(image.manifest_digest(), &digest);
    assert_eq!(image.config().user(), Some("1000"));
    common::assert_sample_view(&image.filesystem().await.unwrap());

    // Pushing again skips what exists; a second repository mounts the blobs.
    let d2 = reg
        .push_artifact(
            "built/copy",
            &blobs,
            &bytes,
            media_type::OCI_MANIFEST,
            &["v1"],
            &["built/app"],
        )
        .await
        .unwrap();
    assert_eq!(d2, digest);
    assert!(reg
        .blob_exists("built/copy", &blobs[1].descriptor.digest)
        .await
        .unwrap());
    assert!(
        registry.log().contains("mount="),
        "blobs were mounted, not uploaded again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_manifests_tags_and_referrers() {
    let registry = Registry::start();
    let addr = registry.addr();
    let reg = OciRegistry::new(addr, &opts(None));
    let ctx = TestContext::new();

    // Blobs: existence, push, mount.
    let payload = br#"{"critical":{"image":{"docker-manifest-digest":"x"}}}"#.to_vec();
    let d = Digest::sha256(&payload);
    assert!(!reg.blob_exists("sig/a", &d).await.unwrap());
    assert_eq!(reg.push_blob("sig/a", &payload).await.unwrap(), d);
    assert!(reg.blob_exists("sig/a", &d).await.unwrap());
    assert!(!reg.blob_exists("sig/b", &d).await.unwrap());
    assert!(reg.mount_blob("sig/b", "sig/a", &d).await.unwrap());
    assert!(reg.blob_exists("sig/b", &d).await.unwrap());
    let absent = Digest::sha256(b"never pushed");
    assert!(!reg.mount_blob("sig/b", "sig/a", &absent).await.unwrap());

    // A subject image to sign.
    let subject_bytes = {
        let cfg = upload(media_type::OCI_EMPTY, b"{}".to_vec());
        let m = ImageManifest {
            schema_version: 2,
            media_type: Some(media_type::OCI_MANIFEST.into()),
            artifact_type: Some("application/vnd.example.thing".into()),
            config: cfg.descriptor.clone(),
            layers: vec![],
            subject: None,
            annotations: None,
        };
        let b = serde_json::to_vec(&m).unwrap();
        reg.push_artifact(
            "sig/a",
            &[cfg],
            &b,
            media_type::OCI_MANIFEST,
            &["subject"],
            &[],
        )
        .await
        .unwrap();
        b
    };
    let subject = Digest::sha256(&subject_bytes);
    let subject_ref = ImageReference::parse(&format!("{addr}/sig/a:subject")).unwrap();
    assert_eq!(reg.resolve_digest(&subject_ref).await.unwrap(), subject);
    let raw = reg.get_manifest_raw(&subject_ref).await.unwrap();
    assert_eq!(raw.bytes, subject_bytes);
    assert_eq!(raw.digest, subject);
    assert_eq!(raw.media_type, media_type::OCI_MANIFEST);

    // A cosign-style signature under sha256-<hex>.sig.
    let sig_layer = upload(
        "application/vnd.dev.cosign.simplesigning.v1+json",
        payload.clone(),
    );
    let sig_cfg = upload(
        media_type::OCI_CONFIG,
        br#"{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]}}"#.to_vec(),
    );
    let sig_manifest = ImageManifest {
        schema_version: 2,
        media_type: Some(media_type::OCI_MANIFEST.into()),
        artifact_type: None,
        config: sig_cfg.descriptor.clone(),
        layers: vec![sig_layer.descriptor.clone()],
        subject: Some(Descriptor::new(
            media_type::OCI_MANIFEST,
            subject.clone(),
            subject_bytes.len() as u64,
        )),
        annotations: None,
    };
    let sig_bytes = serde_json::to_vec(&sig_manifest).unwrap();
    let sig_tag = cosign_signature_tag(&subject);
    let sig_digest = reg
        .push_artifact(
            "sig/a",
            &[sig_cfg, sig_layer],
            &sig_bytes,
            media_type::OCI_MANIFEST,
            &[&sig_tag],
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        ctx.crane(&["digest", &format!("{addr}/sig/a:{sig_tag}")]),
        sig_digest.to_string()
    );

    // Referrers tag schema: idempotent, and readable back with the fallback.
    let referrer = Descriptor {
        artifact_type: Some("application/vnd.dev.cosign.artifact.sig.v1+json".into()),
        ..Descriptor::new(
            media_type::OCI_MANIFEST,
            sig_digest.clone(),
            sig_bytes.len() as u64,
        )
    };
    reg.add_referrer("sig/a", &subject, &referrer)
        .await
        .unwrap();
    reg.add_referrer("sig/a", &subject, &referrer)
        .await
        .unwrap();
    let index_json = ctx.crane(&[
        "manifest",
        &format!("{addr}/sig/a:{}", referrers_tag(&subject)),
    ]);
    let index: serde_json::Value = serde_json::from_str(&index_json).unwrap();
    assert_eq!(index["mediaType"], media_type::OCI_INDEX);
    assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
    let listed = reg.referrers("sig/a", &subject).await.unwrap();
    assert_eq!(listed.manifests.len(), 1);
    assert_eq!(listed.manifests[0].digest, sig_digest);

    // Tags: add one to an existing manifest, list them all.
    reg.tag("sig/a", &subject, "also").await.unwrap();
    let tags = reg.list_tags("sig/a").await.unwrap();
    for t in [
        "subject",
        "also",
        sig_tag.as_str(),
        referrers_tag(&subject).as_str(),
    ] {
        assert!(tags.iter().any(|x| x == t), "{t} in {tags:?}");
    }

    // A digest that is not the manifest's own is refused before anything is sent.
    let e = reg
        .push_manifest(
            "sig/a",
            &absent.to_string(),
            &sig_bytes,
            media_type::OCI_MANIFEST,
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Integrity);

    // No partial push: a blob whose bytes do not match its descriptor stops before the manifest.
    let mut bad = upload("application/octet-stream", b"real".to_vec());
    bad.data = b"fake".to_vec();
    let m = ImageManifest {
        layers: vec![bad.descriptor.clone()],
        ..sig_manifest.clone()
    };
    let mb = serde_json::to_vec(&m).unwrap();
    let e = reg
        .push_artifact(
            "sig/c",
            &[bad],
            &mb,
            media_type::OCI_MANIFEST,
            &["partial"],
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Integrity);
    let e = reg
        .get_manifest_raw(&ImageReference::parse(&format!("{addr}/sig/c:partial")).unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");

    // The registry itself refuses a manifest whose blobs are missing.
    let e = reg
        .push_manifest("sig/d", "orphan", &mb, media_type::OCI_MANIFEST)
        .await
        .unwrap_err();
    assert!(!e.is_usage(), "{e}");
}
