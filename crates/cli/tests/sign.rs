//! `secchain key generate`, `sign` and `verify` from the command line, checked by the
//! real cosign; and the sign stage in a dry run.

use secchain_test::{tool, LayerBuilder, Registry, TestContext};

use crate::util::{repo_root, stage, Project};

#[test]
fn a_key_generated_and_a_signature_made_by_secchain_verify_with_cosign_and_back() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let image = format!("{}/signed:1", registry.addr());
    let layer = ctx.write(
        "l.tar.gz",
        LayerBuilder::new().file("etc/x", "x", 0o644).tar_gz(),
    );
    let digest = ctx.crane_append(&image, &[layer]);
    let by_digest = format!("{}/signed@{digest}", registry.addr());

    let p = Project::new();
    let with_password = |args: &[&str]| {
        let out = p
            .cmd(args)
            .env("COSIGN_PASSWORD", "correct horse")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    with_password(&["key", "generate"]);
    let mode = std::fs::metadata(p.path("cosign.key")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600
    );
    with_password(&["sign", &image, "--key", "cosign.key", "-a", "team=payments"]);

    let cosign = std::process::Command::new(tool("cosign"))
        .args(["verify", "--key"])
        .arg(p.path("cosign.pub"))
        .args([
            "--insecure-ignore-tlog=true",
            "--allow-insecure-registry",
            "-a",
            "team=payments",
            &by_digest,
        ])
        .env("HOME", p.home.path())
        .output()
        .unwrap();
    assert!(
        cosign.status.success(),
        "cosign verify: {}",
        String::from_utf8_lossy(&cosign.stderr)
    );
    let out = p
        .run(&[
            "verify",
            &by_digest,
            "--key",
            "cosign.pub",
            "--signature-only",
            "-a",
            "team=payments",
        ])
        .expect(0)
        .stdout();
    assert!(out.contains("verified"), "{out}");
    // Wrong annotation: fail closed with exit 1.
    p.run(&[
        "verify",
        &by_digest,
        "--key",
        "cosign.pub",
        "--signature-only",
        "-a",
        "team=other",
    ])
    .expect(1);
}

#[test]
fn the_sign_stage_in_a_dry_run_uses_an_ephemeral_key_and_pushes_nothing() {
    let p = Project::new();
    let layout = format!(
        "oci:{}:1.0",
        repo_root().join("examples/hello/image").display()
    );
    p.write(
        "p.yaml",
        &format!("version: 1\nimage: \"{layout}\"\nstages:\n  - kind: sign\n"),
    );
    p.run(&["run", "--dry-run", "-f", "p.yaml"]).expect(0);
    let report = p.report("secchain-out");
    let sign = stage(&report, "sign");
    assert_eq!(sign["outcome"], "passed");
    assert!(!sign["planned_actions"].as_array().unwrap().is_empty());
    assert_eq!(sign["data"]["ephemeral"], true);
}
