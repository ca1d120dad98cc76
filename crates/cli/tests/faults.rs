//! A whole run against a registry that fails: the real `docker-registry` behind the
//! fault-injecting proxy. A transient failure is retried and the run passes; a
//! persistent one is a runtime error (exit 3), the report never says passed, and
//! a signature is pushed completely or not at all.

use secchain_test::{Fault, FaultProxy, LayerBuilder, Registry, Rule, TestContext};

use crate::util::{stage, Project};

fn push_image(ctx: &TestContext, registry: &Registry) -> String {
    let layer = ctx.write(
        "l.tar.gz",
        LayerBuilder::new()
            .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0o644)
            .tar_gz(),
    );
    ctx.crane_append(&format!("{}/app:1", registry.addr()), &[layer])
}

fn project(image: &str) -> Project {
    let p = Project::new();
    p.write(
        "pipeline.yaml",
        &format!("version: 1\nimage: {image}\nstages:\n  - kind: sbom\n  - kind: sign\n    with: {{key: cosign.key}}\n"),
    );
    let out = p
        .cmd(&["key", "generate"])
        .env("COSIGN_PASSWORD", "pw")
        .output()
        .unwrap();
    assert!(out.status.success());
    p
}

fn run(p: &Project) -> crate::util::Outcome {
    crate::util::Outcome(
        p.cmd(&["run", "-f", "pipeline.yaml"])
            .env("COSIGN_PASSWORD", "pw")
            .env("SECCHAIN_HTTP_TIMEOUT", "2")
            .output()
            .unwrap(),
    )
}

#[test]
fn a_transient_503_is_retried_and_the_run_passes() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    push_image(&ctx, &registry);
    let proxy = FaultProxy::start(registry.addr());
    proxy.add_rule(
        Rule::new(
            "/blobs/sha256:",
            Fault::Status {
                code: 503,
                retry_after: Some(1),
            },
        )
        .times(1),
    );
    let p = project(&format!("{}/app:1", proxy.addr()));
    run(&p).expect(0);
    assert!(proxy.faults_injected() >= 1);
    assert_eq!(
        stage(&p.report("secchain-out"), "sign")["outcome"],
        "passed"
    );
}

#[test]
fn a_registry_that_keeps_failing_is_exit_3_and_nothing_half_pushed() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let digest = push_image(&ctx, &registry);
    let proxy = FaultProxy::start(registry.addr());
    // Every manifest upload fails: the signature's blobs may land, its tag never does.
    proxy.add_rule(Rule::new(
        "PUT /v2/app/manifests/",
        Fault::Status {
            code: 500,
            retry_after: None,
        },
    ));
    let p = project(&format!("{}/app:1", proxy.addr()));
    let out = run(&p).expect(3);
    let report = p.report("secchain-out");
    assert_eq!(report["exit_code"], 3);
    assert_ne!(report["result"], "passed");
    assert_eq!(stage(&report, "sbom")["outcome"], "passed");
    assert_eq!(
        stage(&report, "sign")["outcome"],
        "error",
        "{}",
        out.stderr()
    );
    // No signature tag on the image in the real registry.
    let sig_tag = format!("{}/app:{}.sig", registry.addr(), digest.replace(':', "-"));
    let listed = ctx.crane_command(&["manifest", &sig_tag]).output().unwrap();
    assert!(
        !listed.status.success(),
        "a half-pushed signature is visible"
    );

    // Reads that keep failing mid-blob: exit 3, never a pass.
    proxy.clear_rules();
    proxy.add_rule(Rule::new("/blobs/sha256:", Fault::ResetAfter(10)));
    // A new project has a new HOME, so nothing is cached yet.
    let p = project(&format!("{}/app:1", proxy.addr()));
    let out = run(&p).expect(3);
    let report = p.report("secchain-out");
    assert_eq!(
        stage(&report, "sbom")["outcome"],
        "error",
        "{}",
        out.stderr()
    );
}
