//! The runtime-rules stage on real images from a registry: a shell-less image and a
//! Debian-like one get visibly different rule sets, scoped to the image's repository.

use secchain_test::{LayerBuilder, Registry, TestContext};

use crate::util::{stage, Project};

fn rules_for(
    registry: &Registry,
    ctx: &TestContext,
    name: &str,
    layer: LayerBuilder,
    entrypoint: &str,
) -> String {
    let image = format!("{}/{name}:1", registry.addr());
    let path = ctx.write(format!("{name}.tar.gz"), layer.tar_gz());
    ctx.crane_append(&image, &[path]);
    ctx.crane(&[
        "mutate",
        &image,
        "--entrypoint",
        entrypoint,
        "--user",
        "10001",
        "-t",
        &image,
    ]);
    let p = Project::new();
    p.write(
        "p.yaml",
        &format!("version: 1\nimage: {image}\nstages:\n  - kind: runtime-rules\n"),
    );
    p.run(&["run", "-f", "p.yaml"]).expect(0);
    let report = p.report("secchain-out");
    assert_eq!(stage(&report, "runtime-rules")["outcome"], "passed");
    std::fs::read_to_string(p.path("secchain-out/runtime-rules/falco-rules.yaml")).unwrap()
}

#[test]
fn a_shell_less_image_and_a_debian_image_get_different_rules() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let distroless = LayerBuilder::new()
        .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0o644)
        .file(
            "app/server",
            vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0],
            0o755,
        );
    let debian = LayerBuilder::new()
        .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0o644)
        .file("bin/bash", vec![0x7f, b'E', b'L', b'F'], 0o755)
        .symlink("bin/sh", "bash")
        .file("usr/bin/apt-get", vec![0x7f, b'E', b'L', b'F'], 0o755)
        .file("usr/bin/curl", vec![0x7f, b'E', b'L', b'F'], 0o755)
        .file("app/start.sh", "#!/bin/sh\nexec /app/server\n", 0o755)
        .file("app/server", vec![0x7f, b'E', b'L', b'F'], 0o755);
    let shell_less = rules_for(&registry, &ctx, "distroless", distroless, "/app/server");
    let full = rules_for(&registry, &ctx, "debian", debian, "/app/start.sh");

    // Scoped to each image's repository.
    assert!(shell_less.contains(&format!("{}/distroless", registry.addr())));
    assert!(full.contains(&format!("{}/debian", registry.addr())));
    // The entrypoint is allowed in both.
    assert!(shell_less.contains("/app/server"));
    assert!(full.contains("/app/start.sh"));
    // In an image without a shell, any shell is critical; in the Debian image the
    // entrypoint script's own shell is expected.
    let shell_rule = |rules: &str| -> String {
        let start = rules.find("- rule:").unwrap();
        rules[start..]
            .split("\n- ")
            .find(|r| r.contains("shell") && r.contains("priority"))
            .unwrap()
            .to_string()
    };
    assert!(
        shell_rule(&shell_less).contains("priority: CRITICAL"),
        "{}",
        shell_rule(&shell_less)
    );
    assert!(
        !shell_rule(&full).contains("priority: CRITICAL"),
        "{}",
        shell_rule(&full)
    );
    assert_ne!(shell_less, full);
}
