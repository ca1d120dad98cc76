//! The harness against the real tools: a registry that crane pushes to and
//! reads from, htpasswd auth, and a registry that stops on drop.

use std::net::TcpStream;

use secchain_test::{crane, crane_append, LayerBuilder, Registry, TestContext};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

#[test]
fn crane_pushes_a_built_layer_and_reads_it_back() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let layer = LayerBuilder::new()
        .dir("etc", 0o755)
        .file("etc/os-release", "ID=secchain-test\n", 0o644)
        .whiteout("etc/motd")
        .tar_gz();
    let path = ctx.write("layer.tar.gz", &layer);
    let image = format!("{}/harness/app:v1", registry.addr());

    let digest = crane_append(&image, &[path]);

    assert_eq!(crane(&["digest", &image]), digest);
    let manifest = crane(&["manifest", &image]);
    assert_eq!(
        sha256(manifest.as_bytes()),
        digest,
        "the manifest is what the digest names"
    );
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["digest"], sha256(&layer).as_str());
    assert!(registry
        .storage_dir()
        .join("docker/registry/v2/repositories/harness/app")
        .is_dir());
}

#[test]
fn an_htpasswd_registry_needs_the_credentials() {
    let registry = Registry::start_with_htpasswd("alice", "s3cret");
    let ctx = TestContext::new();
    let layer = ctx.write(
        "layer.tar",
        LayerBuilder::new().file("hello", "hi\n", 0o644).tar(),
    );
    let image = format!("{}/private/app:v1", registry.addr());
    let push = |ctx: &TestContext| {
        ctx.crane_command(&["append", "-t", &image, "-f", layer.to_str().unwrap()])
            .output()
            .unwrap()
    };

    let anonymous = push(&ctx);
    assert!(!anonymous.status.success(), "anonymous push was accepted");
    assert!(
        String::from_utf8_lossy(&anonymous.stderr).contains("401 Unauthorized"),
        "{anonymous:?}"
    );

    // `crane auth login` only stores the credentials; the push checks them.
    ctx.crane(&[
        "auth",
        "login",
        registry.addr(),
        "-u",
        "alice",
        "-p",
        "wrong",
    ]);
    let wrong = push(&ctx);
    assert!(!wrong.status.success(), "a wrong password was accepted");

    ctx.crane(&[
        "auth",
        "login",
        registry.addr(),
        "-u",
        "alice",
        "-p",
        "s3cret",
    ]);
    assert!(ctx.docker_config().join("config.json").is_file());
    let digest = ctx.crane_append(&image, &[&layer]);
    assert_eq!(ctx.crane(&["digest", &image]), digest);
}

#[test]
fn a_dropped_registry_stops_listening() {
    let registry = Registry::start();
    let addr = registry.addr().to_owned();
    assert!(TcpStream::connect(&addr).is_ok());
    drop(registry);
    assert!(
        TcpStream::connect(&addr).is_err(),
        "{addr} still accepts connections"
    );
}
