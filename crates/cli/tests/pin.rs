//! The pin stage and `secchain pin` against a real registry: byte-exact rewrites,
//! multi-platform indexes, drift, unreachable registries, YAML files.

use secchain_test::{LayerBuilder, Registry, TestContext};

use crate::util::Project;

/// Pushes a one-layer image with `content` and returns its digest.
fn push(ctx: &TestContext, image: &str, content: &str) -> String {
    let layer = ctx.write(
        format!("{}.tar.gz", content.len()),
        LayerBuilder::new()
            .file("etc/marker", content, 0o644)
            .tar_gz(),
    );
    ctx.crane_append(image, &[layer])
}

#[test]
fn a_dockerfile_is_pinned_byte_for_byte_and_indexes_keep_every_platform() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let reg = registry.addr();
    let base = push(&ctx, &format!("{reg}/base:12"), "base");
    let tool_digest = push(&ctx, &format!("{reg}/tool:1"), "tool");
    // A multi-platform index: pinning must use the index digest.
    for arch in ["amd64", "arm64"] {
        let one = format!("{reg}/multi:{arch}");
        push(&ctx, &one, arch);
        ctx.crane(&[
            "mutate",
            &one,
            "--set-platform",
            &format!("linux/{arch}"),
            "-t",
            &one,
        ]);
    }
    ctx.crane(&[
        "index",
        "append",
        "-m",
        &format!("{reg}/multi:amd64"),
        "-m",
        &format!("{reg}/multi:arm64"),
        "-t",
        &format!("{reg}/multi:1"),
    ]);
    let index_digest = ctx.crane(&["digest", &format!("{reg}/multi:1")]);

    let dockerfile = format!(
        "# syntax=docker/dockerfile:1\r\nARG BASE={reg}/base:12\r\n# the build stage\r\nFROM  ${{BASE}}   AS build\r\nRUN --mount=type=bind,from={reg}/tool:1,source=/etc,target=/t true\r\nFROM {reg}/multi:1\r\nCOPY --from=build /a /a\r\nFROM scratch\r\nCOPY --from={reg}/tool:1 /etc/marker /m\r\n"
    );
    let p = Project::new();
    p.write("Dockerfile", &dockerfile);
    p.run(&["pin"]).expect(0);
    let pinned = std::fs::read_to_string(p.path("Dockerfile")).unwrap();
    let expected = dockerfile
        .replace(
            &format!("ARG BASE={reg}/base:12"),
            &format!("ARG BASE={reg}/base:12@{base}"),
        )
        .replace(
            &format!("from={reg}/tool:1,"),
            &format!("from={reg}/tool:1@{tool_digest},"),
        )
        .replace(
            &format!("FROM {reg}/multi:1"),
            &format!("FROM {reg}/multi:1@{index_digest}"),
        )
        .replace(
            &format!("--from={reg}/tool:1 "),
            &format!("--from={reg}/tool:1@{tool_digest} "),
        );
    assert_eq!(pinned, expected, "only the references may change");

    let pins: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.path("secchain-out/pin/pins.json")).unwrap())
            .unwrap();
    let multi = pins["pins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["written"] == format!("{reg}/multi:1"))
        .unwrap();
    assert_eq!(multi["digest"], index_digest);
    assert_eq!(
        multi["platforms"],
        serde_json::json!(["linux/amd64", "linux/arm64"])
    );

    // Already pinned: check passes and a second pin changes nothing.
    p.run(&["pin", "--check"]).expect(0);
    p.run(&["pin"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(p.path("Dockerfile")).unwrap(),
        expected
    );
}

#[test]
fn a_moved_tag_is_reported_as_drift_with_both_digests_and_update_refreshes_it() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let image = format!("{}/app:1", registry.addr());
    let old = push(&ctx, &image, "one");
    let p = Project::new();
    p.write("Dockerfile", &format!("FROM {image}\n"));
    p.run(&["pin"]).expect(0);
    let new = push(&ctx, &image, "two, moved");
    assert_ne!(old, new);
    let out = p.run(&["pin", "--check"]).expect(1);
    let err = out.stderr();
    assert!(
        err.contains("pin:drift") && err.contains(&old) && err.contains(&new),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(p.path("Dockerfile")).unwrap(),
        format!("FROM {image}@{old}\n")
    );
    p.run(&["pin", "--update"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(p.path("Dockerfile")).unwrap(),
        format!("FROM {image}@{new}\n")
    );
}

#[test]
fn check_fails_on_unpinned_and_dry_run_prints_a_diff_without_writing() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let image = format!("{}/app:2", registry.addr());
    let digest = push(&ctx, &image, "x");
    let p = Project::new();
    p.write("Dockerfile", &format!("FROM {image}\n"));
    let err = p.run(&["pin", "--check"]).expect(1).stderr();
    assert!(
        err.contains("pin:unpinned") && err.contains("Dockerfile:1"),
        "{err}"
    );
    let out = p.run(&["pin", "--dry-run"]).expect(0).stdout();
    assert!(
        out.contains(&format!("-FROM {image}\n+FROM {image}@{digest}\n")),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(p.path("Dockerfile")).unwrap(),
        format!("FROM {image}\n")
    );
}

#[test]
fn an_unreachable_registry_is_a_runtime_error_and_nothing_is_modified() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let good = format!("{}/ok:1", registry.addr());
    push(&ctx, &good, "ok");
    let p = Project::new();
    // A closed port on loopback: connection refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let text = format!("FROM {good}\nFROM {closed}/gone:1\n");
    p.write("Dockerfile", &text);
    let err = p.run(&["pin"]).expect(3).stdout() + &p.run(&["pin"]).expect(3).stderr();
    assert!(
        err.contains("no file was changed") || err.contains("could not resolve"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(p.path("Dockerfile")).unwrap(), text);
    // A tag that does not exist: same.
    p.write("Dockerfile", &format!("FROM {}/ok:nope\n", registry.addr()));
    p.run(&["pin"]).expect(3);
}

#[test]
fn kubernetes_and_compose_files_are_pinned_without_reformatting() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let reg = registry.addr();
    let web = push(&ctx, &format!("{reg}/web:1"), "web");
    let db = push(&ctx, &format!("{reg}/db:16"), "db");
    let k8s = format!(
        "# two documents\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"{reg}/web:1\"   # the app\n---\napiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{{name: migrate, image: '{reg}/db:16'}}]\n"
    );
    let compose = format!("services:\n  db:\n    image: {reg}/db:16\n    ports: [\"5432\"]\n");
    let p = Project::new();
    p.write("k8s.yaml", &k8s);
    p.write("compose.yaml", &compose);
    p.run(&["pin", "k8s.yaml", "compose.yaml"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(p.path("k8s.yaml")).unwrap(),
        k8s.replace(&format!("{reg}/web:1\""), &format!("{reg}/web:1@{web}\""))
            .replace(&format!("{reg}/db:16'"), &format!("{reg}/db:16@{db}'"))
    );
    assert_eq!(
        std::fs::read_to_string(p.path("compose.yaml")).unwrap(),
        compose.replace(&format!("{reg}/db:16\n"), &format!("{reg}/db:16@{db}\n"))
    );
}
