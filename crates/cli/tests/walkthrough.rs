//! The five-minute walkthrough (docs/walkthrough.md), command by command, against a
//! local registry: init → validate → dry run → fix a finding → sign → verify.

use secchain_test::{LayerBuilder, Registry, TestContext};

use crate::util::{stage, Project};

#[test]
fn the_walkthrough_commands_work_end_to_end() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let image = format!("{}/you/app:dev", registry.addr());
    let layer = ctx.write(
        "l.tar.gz",
        LayerBuilder::new()
            .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0o644)
            .tar_gz(),
    );
    ctx.crane_append(&image, &[layer]);

    let p = Project::new();
    p.write(
        "Dockerfile",
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER 1000\n",
    );

    // 1. Write a pipeline, and check it.
    p.run(&["init", "--image", &image]).expect(0);
    p.run(&["validate"]).expect(0);

    // 2. Dry run: every stage reports, nothing is pushed.
    let dry = p.run(&["run", "--dry-run"]);
    let report = p.report("secchain-out");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["exit_code"], dry.code());
    for name in ["lint", "pin", "sbom", "scan", "secrets", "sign"] {
        stage(&report, name);
    }
    assert!(dry.stdout().contains("STAGE"), "{}", dry.stdout());

    // 3. Fix a finding: DL3008 (unpinned apt package), explained, then fixed.
    let before = p.run(&["lint", "--fail-on", "warning"]).expect(1).stdout();
    assert!(before.contains("DL3008"), "{before}");
    let why = p.run(&["explain-rule", "DL3008"]).expect(0).stdout();
    assert!(why.contains("How to fix it") && why.contains("hadolint ignore=DL3008"));
    p.write(
        "Dockerfile",
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \\\n    && rm -rf /var/lib/apt/lists/*\nUSER 1000\n",
    );
    let after = p.run(&["lint", "--fail-on", "none"]).expect(0).stdout();
    assert!(!after.contains("DL3008"), "{after}");

    // 4. Sign, 5. verify.
    let with_password = |args: &[&str], code: i32| {
        let out = p
            .cmd(args)
            .env("COSIGN_PASSWORD", "walkthrough")
            .output()
            .unwrap();
        crate::util::Outcome(out).expect(code)
    };
    with_password(&["key", "generate"], 0);
    with_password(&["sign", "--key", "cosign.key", &image], 0);
    let verified = p
        .run(&["verify", "--signature-only", "--key", "cosign.pub", &image])
        .expect(0)
        .stdout();
    assert!(verified.contains("verified"), "{verified}");
    // Another key does not verify it: fail closed.
    let q = Project::new();
    let out = q
        .cmd(&["key", "generate"])
        .env("COSIGN_PASSWORD", "other")
        .output()
        .unwrap();
    assert!(out.status.success());
    let other_pub = q.path("cosign.pub");
    p.run(&[
        "verify",
        "--signature-only",
        "--key",
        other_pub.to_str().unwrap(),
        &image,
    ])
    .expect(1);
}
