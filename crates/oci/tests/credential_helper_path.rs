//! A `docker-credential-test` helper found on `$PATH`, configured through
//! `$DOCKER_CONFIG`, exactly as a user would set it up.
//!
//! This binary holds a single test because it changes the process
//! environment (PATH, DOCKER_CONFIG) before anything else runs.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use common::push_sample;
use secchain_oci::{open, AuthConfig, ImageSource, OpenOptions};
use secchain_test::{Registry, TestContext};

#[test]
fn helper_on_path_via_docker_config_env() {
    let registry = Registry::start_with_htpasswd("bob", "hunter2-pw");
    let addr = registry.addr().to_string();
    let ctx = TestContext::new();
    ctx.crane(&["auth", "login", &addr, "-u", "bob", "-p", "hunter2-pw"]);
    let (reference, digest) = push_sample(&registry, &ctx, "helper/app:v1");

    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let helper = bin.join("docker-credential-test");
    fs::write(
        &helper,
        "#!/bin/sh\nread server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"bob\",\"Secret\":\"hunter2-pw\"}' \"$server\"\n",
    )
    .unwrap();
    fs::set_permissions(&helper, fs::Permissions::from_mode(0o755)).unwrap();
    let docker_dir = home.path().join("docker");
    fs::create_dir(&docker_dir).unwrap();
    fs::write(docker_dir.join("config.json"), r#"{"credsStore":"test"}"#).unwrap();

    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    // Single-test binary: no other thread reads the environment yet.
    std::env::set_var("PATH", &path);
    std::env::set_var("DOCKER_CONFIG", &docker_dir);
    std::env::remove_var("REGISTRY_AUTH_FILE");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let opts = OpenOptions {
            auth: AuthConfig::from_env(),
            cache: None,
            ..OpenOptions::default()
        };
        let image = open(&ImageSource::parse(&reference).unwrap(), &opts)
            .await
            .unwrap();
        assert_eq!(image.manifest_digest().to_string(), digest);
        let r = opts.auth.resolve(&addr, "helper/app").await.unwrap();
        assert_eq!(r.source, "docker-credential-test");
        assert!(!format!("{r:?}").contains("hunter2-pw"));
    });
}
