//! Credentials against a real htpasswd-protected registry: a Docker config
//! written by `crane auth login`, a credential helper, wrong passwords.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use base64::Engine as _;
use common::{opts, push_sample};
use secchain_oci::{
    open, AuthConfig, ErrorKind, ImageSource, OpenOptions, Registry as OciRegistry,
};
use secchain_test::{Registry, TestContext};

const USER: &str = "alice";
const PASSWORD: &str = "s3cret-Pa55";

fn with_auth(auth: AuthConfig) -> OpenOptions {
    OpenOptions { auth, ..opts(None) }
}

fn write_helper(dir: &Path, name: &str, user: &str, secret: &str) {
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("docker-credential-{name}"));
    let script = format!(
        "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\necho \"$server\" >> \"$0.log\"\nprintf '{{\"ServerURL\":\"%s\",\"Username\":\"{user}\",\"Secret\":\"{secret}\"}}' \"$server\"\n"
    );
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn htpasswd_registry_with_config_json_and_helpers() {
    let registry = Registry::start_with_htpasswd(USER, PASSWORD);
    let addr = registry.addr().to_string();
    let ctx = TestContext::new();
    ctx.crane(&["auth", "login", &addr, "-u", USER, "-p", PASSWORD]);
    let (reference, digest) = push_sample(&registry, &ctx, "private/app:v1");
    let src = ImageSource::parse(&reference).unwrap();

    // config.json as crane wrote it ("auth": base64).
    let image = open(
        &src,
        &with_auth(AuthConfig::docker_config_dir(ctx.docker_config())),
    )
    .await
    .unwrap();
    assert_eq!(image.manifest_digest().to_string(), digest);
    common::assert_sample_view(&image.filesystem().await.unwrap());

    // username/password form.
    let plain = tempfile::tempdir().unwrap();
    fs::write(
        plain.path().join("config.json"),
        format!(
            r#"{{"auths":{{"http://{addr}":{{"username":"{USER}","password":"{PASSWORD}"}}}}}}"#
        ),
    )
    .unwrap();
    assert!(open(
        &src,
        &with_auth(AuthConfig::docker_config_dir(plain.path()))
    )
    .await
    .is_ok());

    // Wrong password: a clear auth error naming the registry and the file, never the password.
    let wrong = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:not-the-password"));
    fs::write(
        wrong.path().join("config.json"),
        format!(r#"{{"auths":{{"{addr}":{{"auth":"{auth}"}}}}}}"#),
    )
    .unwrap();
    let e = open(
        &src,
        &with_auth(AuthConfig::docker_config_dir(wrong.path())),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    let msg = format!("{e} {e:?}");
    assert!(msg.contains(&addr), "{msg}");
    assert!(
        msg.contains(&wrong.path().join("config.json").display().to_string()),
        "{msg}"
    );
    assert!(
        !msg.contains("not-the-password") && !msg.contains(&auth),
        "{msg}"
    );

    // Anonymous.
    let e = open(&src, &opts(None)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    assert!(e.to_string().contains("anonymous"), "{e}");

    // credHelpers entry for this registry, helper found on the helper path.
    let helpers = tempfile::tempdir().unwrap();
    let bin = helpers.path().join("bin");
    write_helper(&bin, "test", USER, PASSWORD);
    write_helper(&bin, "bad", USER, "wrong-secret");
    fs::write(
        helpers.path().join("config.json"),
        format!(r#"{{"credHelpers":{{"{addr}":"test"}},"auths":{{"{addr}":{{}}}}}}"#),
    )
    .unwrap();
    let mut cfg = AuthConfig::docker_config_dir(helpers.path());
    cfg.helper_path = Some(bin.clone().into_os_string());
    let image = open(&src, &with_auth(cfg.clone())).await.unwrap();
    assert_eq!(image.manifest_digest().to_string(), digest);
    let asked = fs::read_to_string(bin.join("docker-credential-test.log")).unwrap();
    assert_eq!(
        asked.lines().next(),
        Some(addr.as_str()),
        "the server goes on stdin"
    );

    // credsStore with a helper that returns a wrong secret.
    fs::write(
        helpers.path().join("config.json"),
        r#"{"credsStore":"bad"}"#,
    )
    .unwrap();
    let e = open(&src, &with_auth(cfg.clone())).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    assert!(e.to_string().contains("docker-credential-bad"), "{e}");
    assert!(!format!("{e:?}").contains("wrong-secret"));

    // Pushing with credentials works too.
    fs::write(
        helpers.path().join("config.json"),
        r#"{"credsStore":"test"}"#,
    )
    .unwrap();
    let reg = OciRegistry::new(&addr, &with_auth(cfg));
    let d = reg.push_blob("private/other", b"hello").await.unwrap();
    assert!(reg.blob_exists("private/other", &d).await.unwrap());
    let anon = OciRegistry::new(&addr, &opts(None));
    assert_eq!(
        anon.push_blob("private/other", b"x")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Auth
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_json_files() {
    let registry = Registry::start_with_htpasswd(USER, PASSWORD);
    let addr = registry.addr().to_string();
    let ctx = TestContext::new();
    ctx.crane(&["auth", "login", &addr, "-u", USER, "-p", PASSWORD]);
    let (reference, _) = push_sample(&registry, &ctx, "private/podman:v1");
    let dir = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let file = dir.path().join("auth.json");
    fs::write(
        &file,
        format!(r#"{{"auths":{{"{addr}/private":{{"auth":"{auth}"}}}}}}"#),
    )
    .unwrap();
    let cfg = AuthConfig {
        priority_auth_files: vec![file],
        ..AuthConfig::default()
    };
    let src = ImageSource::parse(&reference).unwrap();
    assert!(
        open(&src, &with_auth(cfg)).await.is_ok(),
        "namespaced key matches private/podman"
    );
}
