//! OCI image layouts written directly from [`LayerBuilder`]s (an `oci:DIR` source
//! without a registry or crane).

use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::LayerBuilder;

/// Writes an OCI image layout of `layers` with `config` (its `rootfs` filled in) to `dir`
/// and returns `oci:DIR`. One linux/amd64 image, gzip layers, indexed untagged.
pub fn oci_layout(dir: &Path, layers: &[LayerBuilder], config: Value) -> String {
    write_layout(dir, layers, config, true)
}

/// [`oci_layout`] with uncompressed layers (`…layer.v1.tar`): big test layers are
/// written without paying for gzip in a debug build.
pub fn oci_layout_uncompressed(dir: &Path, layers: &[LayerBuilder], config: Value) -> String {
    write_layout(dir, layers, config, false)
}

fn write_layout(dir: &Path, layers: &[LayerBuilder], mut config: Value, gzip: bool) -> String {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| -> (String, usize) {
        let hex = hex::encode(Sha256::digest(bytes));
        std::fs::write(blobs.join(&hex), bytes).unwrap();
        (format!("sha256:{hex}"), bytes.len())
    };
    let mut descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    for l in layers {
        diff_ids.push(format!("sha256:{}", hex::encode(Sha256::digest(l.tar()))));
        let (blob, media_type) = if gzip {
            (l.tar_gz(), "application/vnd.oci.image.layer.v1.tar+gzip")
        } else {
            (l.tar(), "application/vnd.oci.image.layer.v1.tar")
        };
        let (digest, size) = put(&blob);
        descriptors.push(json!({"mediaType": media_type, "digest": digest, "size": size}));
    }
    config["architecture"] = json!("amd64");
    config["os"] = json!("linux");
    config["rootfs"] = json!({"type": "layers", "diff_ids": diff_ids});
    let (config_digest, config_size) = put(config.to_string().as_bytes());
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": descriptors,
    });
    let (manifest_digest, manifest_size) = put(manifest.to_string().as_bytes());
    let index = json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_size,
                       "platform": {"architecture": "amd64", "os": "linux"}}],
    });
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    format!("oci:{}", dir.display())
}
