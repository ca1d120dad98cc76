//! Image hygiene through the stage: a distroless-like image gives no findings, a fat
//! one gives every finding, each naming its files and fix; the base image's pinning
//! comes from the Dockerfile.

mod common;

use common::{push, run, set_history};
use secchain_secrets::hygiene::HYGIENE_RULES;
use secchain_secrets::testdata::fake;
use secchain_test::{oci_layout as layout, LayerBuilder, Registry, TestContext};
use serde_json::json;

const ELF: &[u8] = &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0];

fn distroless() -> LayerBuilder {
    LayerBuilder::new()
        .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0o644)
        .file("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n", 0o644)
        .dir("home/nonroot", 0o700)
        .dir("tmp", 0o1777)
        .file("app/server", ELF.to_vec(), 0o755)
}

#[test]
fn a_distroless_like_image_has_no_hygiene_findings() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let image = push(&registry, &ctx, "distroless", &[distroless()], |c| {
        c["config"]["User"] = json!("65532:65532");
        c["config"]["Entrypoint"] = json!(["/app/server"]);
        c["config"]["Healthcheck"] =
            json!({"Test": ["CMD", "/app/server", "--health"], "Interval": 30_000_000_000u64});
        c["config"]["Labels"] = json!({
            "org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot",
            "org.opencontainers.image.base.digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000",
        });
    });
    let r = run(
        &image,
        None,
        json!(null),
        json!({"fail_on": "low", "hygiene_fail_on": HYGIENE_RULES}),
    );
    assert_eq!(r.hygiene_rules(), Vec::<String>::new());
    assert!(r.secrets().is_empty(), "{:?}", r.secrets());
    assert!(r.report.findings.is_empty(), "{:#?}", r.report.findings);
    let size = &r.hygiene.as_ref().unwrap()["size"];
    assert_eq!(size["estimated"], false);
    assert!(size["uncompressed"].as_u64().unwrap() > 100);
}

#[test]
fn a_fat_image_gets_every_hygiene_finding() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let os = distroless()
        .dir("var/tmp", 0o1777)
        .file("bin/bash", ELF.to_vec(), 0o755)
        .symlink("bin/sh", "bash")
        .symlink("bin/zsh", "missing-zsh")
        .file("usr/bin/apt-get", ELF.to_vec(), 0o755)
        .file("usr/bin/dpkg", ELF.to_vec(), 0o755)
        .file("usr/bin/pip3.11", "#!/usr/bin/python3\n", 0o755)
        .file("usr/bin/su", ELF.to_vec(), 0o4755)
        .file("usr/bin/wall", ELF.to_vec(), 0o2755);
    let toolchain = LayerBuilder::new()
        .file("usr/bin/gcc-12", ELF.to_vec(), 0o755)
        .symlink("usr/bin/gcc", "gcc-12")
        .file("usr/lib/gcc/x86_64-linux-gnu/12/cc1", ELF.to_vec(), 0o755)
        .file("usr/bin/make", ELF.to_vec(), 0o755)
        .file("usr/local/go/bin/go", ELF.to_vec(), 0o755)
        .file("usr/local/bin/rustc", ELF.to_vec(), 0o755)
        .dir("data", 0o777)
        .dir("srv/uploads", 0o757);
    let token = fake::github();
    let step = format!("RUN |1 GITHUB_TOKEN={token} /bin/sh -c apt-get install -y gcc make golang");
    let image = push(&registry, &ctx, "fat", &[os, toolchain], |c| {
        c["config"]["Labels"] =
            json!({"org.opencontainers.image.base.name": "docker.io/library/debian:12"});
        set_history(c, &[("ADD rootfs.tar /", false), (&step, false)]);
    });
    let r = run(
        &image,
        None,
        json!({"max_image_size": 16}),
        json!({"hygiene_fail_on": ["root-user", "hygiene:shell"]}),
    );
    assert_eq!(r.hygiene_rules(), HYGIENE_RULES);

    let h = r.hygiene.as_ref().unwrap();
    let files = |rule: &str| -> Vec<String> {
        h["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap()["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        files("hygiene:shell"),
        ["/bin/bash", "/bin/sh"],
        "a dangling symlink is no shell"
    );
    assert_eq!(
        files("hygiene:package-manager"),
        ["/usr/bin/apt-get", "/usr/bin/dpkg", "/usr/bin/pip3.11"]
    );
    assert_eq!(
        files("hygiene:build-tools"),
        [
            "/usr/bin/gcc",
            "/usr/bin/gcc-12",
            "/usr/bin/make",
            "/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
            "/usr/local/bin/rustc",
            "/usr/local/go/bin/go",
        ]
    );
    assert_eq!(
        files("hygiene:setuid"),
        ["/usr/bin/su (setuid)", "/usr/bin/wall (setgid)"]
    );
    assert_eq!(
        files("hygiene:world-writable-dir"),
        ["/data", "/srv/uploads"]
    );
    assert_eq!(
        files("hygiene:unpinned-base"),
        ["label org.opencontainers.image.base.name"]
    );
    assert_eq!(files("hygiene:image-size").len(), 2);

    // Each message names files and the fix.
    let shell = r
        .report
        .findings
        .iter()
        .find(|f| f.rule == "hygiene:shell")
        .unwrap();
    assert!(
        shell.message.contains("/bin/bash") && shell.message.contains("distroless"),
        "{}",
        shell.message
    );
    let root = r
        .report
        .findings
        .iter()
        .find(|f| f.rule == "hygiene:root-user")
        .unwrap();
    assert!(root.message.contains("USER"), "{}", root.message);
    let blocking: Vec<&str> = r
        .report
        .findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(
        blocking,
        ["secret:github-token", "hygiene:root-user", "hygiene:shell"]
    );

    // The largest layers name their build step, with the token masked.
    let largest = &h["size"]["largest_layers"];
    let steps: Vec<&str> = largest
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["created_by"].as_str())
        .collect();
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("RUN |1 GITHUB_TOKEN=gh…") && s.ends_with("golang")),
        "{steps:?}"
    );
    assert!(!r.everything.contains(&token[4..]), "the token leaked");
}

fn dockerfile_finding(dockerfile: &str) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let image = layout(
        &dir.path().join("image"),
        &[distroless()],
        json!({"config": {"User": "65532"}}),
    );
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, dockerfile).unwrap();
    let r = run(&image, Some(path), json!(null), json!(null));
    let h = r.hygiene.unwrap();
    h["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "hygiene:unpinned-base")
        .map(|f| {
            f["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        })
}

#[test]
fn the_base_image_pinning_comes_from_the_dockerfile() {
    let digest = format!("sha256:{}", "a".repeat(64));
    let unpinned = "FROM golang:1.22 AS build\nRUN make\nFROM build AS test\nFROM debian:12-slim\nCOPY --from=build /app /app\n";
    let f = dockerfile_finding(unpinned).expect("debian:12-slim is not pinned");
    assert!(f[0].ends_with("Dockerfile:4"), "{f:?}");
    let via_stage = "FROM golang:1.22 AS build\nFROM build\n";
    assert!(dockerfile_finding(via_stage).unwrap()[0].ends_with("Dockerfile:1"));
    assert_eq!(
        dockerfile_finding(&format!(
            "FROM golang:1.22 AS build\nFROM debian:12@{digest}\n"
        )),
        None
    );
    assert_eq!(
        dockerfile_finding(&format!("FROM golang:1.22@{digest} AS build\nFROM build\n")),
        None
    );
    assert_eq!(
        dockerfile_finding("FROM golang:1.22 AS build\nFROM scratch\n"),
        None
    );
}

#[test]
fn the_checks_run_without_a_full_walk_for_the_lint_stage() {
    use secchain_secrets::hygiene::{check, HygieneInput, HygieneOptions};
    let dir = tempfile::tempdir().unwrap();
    let fat = distroless()
        .file("bin/busybox", ELF.to_vec(), 0o755)
        .symlink("bin/sh", "busybox");
    let image = layout(dir.path(), &[fat], json!({"config": {}}));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let source = secchain_oci::ImageSource::parse(&image).unwrap();
    let img = rt
        .block_on(secchain_oci::open(&source, &Default::default()))
        .unwrap();
    let view = rt.block_on(img.filesystem()).unwrap();
    let input = HygieneInput {
        config: img.config(),
        view: &view,
        layers: img.layers(),
        layer_bytes: None,
        dockerfile: Some(("Dockerfile", "FROM alpine:3.20\n")),
    };
    let report = check(&input, &HygieneOptions::default(), &|s| s.to_string());
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [
            "hygiene:root-user",
            "hygiene:shell",
            "hygiene:no-healthcheck",
            "hygiene:unpinned-base"
        ]
    );
    assert_eq!(report.findings[1].files, ["/bin/busybox", "/bin/sh"]);
    assert_eq!(report.findings[3].files, ["Dockerfile:1"]);
    assert!(report.size.estimated && report.size.uncompressed > 0);
}
