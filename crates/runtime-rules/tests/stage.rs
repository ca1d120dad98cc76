//! The `runtime-rules` stage through the `Stage` trait: configuration checks, gate
//! weakening, outputs, findings and the missing-input error.

mod common;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use common::{debian_input, distroless_input};
use secchain_pipeline::{
    CancellationToken, EventSink, Redactor, RunInfo, SharedFacts, Stage, StageConfig, StageContext,
    StageError,
};
use secchain_runtime_rules::{ImageProfileInput, RuntimeRulesStage};
use serde_json::json;

async fn facts_with(input: ImageProfileInput) -> SharedFacts {
    let facts = SharedFacts::default();
    facts
        .get_or_try_init::<ImageProfileInput, (), _, _>(|| async { Ok(input) })
        .await
        .unwrap();
    facts
}

fn context(
    out: &Path,
    with: serde_json::Value,
    gate: serde_json::Value,
    facts: SharedFacts,
) -> StageContext {
    StageContext {
        name: "runtime-rules".into(),
        with,
        gate,
        run: Arc::new(RunInfo {
            image: Some("registry.example.com/team/web:1.0".into()),
            dockerfile: None,
            platform: None,
            base_dir: out.to_path_buf(),
            out_root: out.to_path_buf(),
            pipeline_path: "pipeline.yaml".into(),
            pipeline_digest: "sha256:00".into(),
            extends: Vec::new(),
            started_at: "2025-01-01T00:00:00Z".into(),
            version: "0.1.0".into(),
            effective_pipeline: json!({}),
            dry_run: true,
            subject_digest: OnceLock::new(),
        }),
        out_dir: out.join("runtime-rules"),
        facts,
        finished: Arc::new(Vec::new()),
        events: EventSink::discard(),
        cancel: CancellationToken::new(),
        redactor: Redactor::default(),
    }
}

fn check(with: serde_json::Value, gate: serde_json::Value) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    RuntimeRulesStage
        .check_config(&StageConfig {
            name: "runtime-rules",
            with: &with,
            gate: &gate,
            image: Some("x"),
            dockerfile: None,
            base_dir: dir.path(),
        })
        .into_iter()
        .map(|p| {
            format!(
                "{}{}",
                p.message,
                p.hint.map(|h| format!(" ({h})")).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn config_problems_are_reported() {
    assert!(check(json!(null), json!(null)).is_empty());
    assert!(check(
        json!({"self_contained": true, "tetragon": true, "tetragon_pod_labels": {"app": "web"},
               "extra_allowed_processes": ["/usr/bin/envsubst", "nginx"],
               "allowed_outbound_ports": [443], "priority_overrides": {"shell": "critical"}}),
        json!({"forbid": ["shell", "root_user"]})
    )
    .is_empty());
    let p = check(json!({"self_contaned": true}), json!(null));
    assert!(
        p[0].contains("unknown key `self_contaned`") && p[0].contains("self_contained"),
        "{p:?}"
    );
    let p = check(json!({"tetragon": true}), json!(null));
    assert!(p[0].contains("tetragon_pod_labels"), "{p:?}");
    let p = check(json!({"priority_overrides": {"nope": "LOUD"}}), json!(null));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].contains("unknown rule `nope`") && p[1].contains("unknown priority `LOUD`"));
    let p = check(
        json!({"extra_allowed_processes": ["bin/x", "/a b c"]}),
        json!(null),
    );
    assert_eq!(p.len(), 2, "{p:?}");
    let p = check(json!(null), json!({"forbid": ["shells"]}));
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn dropping_a_forbidden_risk_weakens_the_gate() {
    let base = json!({"forbid": ["shell", "package_manager"]});
    assert!(RuntimeRulesStage
        .gate_weakening(
            &base,
            &json!({"forbid": ["shell", "package_manager", "setuid"]})
        )
        .is_none());
    let why = RuntimeRulesStage
        .gate_weakening(&base, &json!({"forbid": ["shell"]}))
        .unwrap();
    assert!(why.contains("PackageManager"), "{why}");
}

#[tokio::test]
async fn writes_rules_profile_and_tetragon_policy() {
    let dir = tempfile::tempdir().unwrap();
    let with = json!({"tetragon": true, "tetragon_pod_labels": {"app": "web"}});
    let ctx = context(
        dir.path(),
        with.clone(),
        json!(null),
        facts_with(debian_input()).await,
    );
    let report = RuntimeRulesStage.run(ctx).await.unwrap();
    let paths: Vec<&str> = report.outputs.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "runtime-rules/falco-rules.yaml",
            "runtime-rules/image-profile.json",
            "runtime-rules/tetragon-policy.yaml"
        ]
    );
    let rules = std::fs::read_to_string(dir.path().join("runtime-rules/falco-rules.yaml")).unwrap();
    assert!(rules.contains("- rule: Unexpected shell (registry.example.com/team/web)"));
    let policy =
        std::fs::read_to_string(dir.path().join("runtime-rules/tetragon-policy.yaml")).unwrap();
    for needle in [
        "apiVersion: cilium.io/v1alpha1",
        "kind: TracingPolicy",
        "call: security_bprm_check",
        "type: linux_binprm",
        "operator: NotEqual",
        "- /usr/bin/python3.11",
        "- /docker-entrypoint.sh",
        "action: Sigkill",
        "app: web",
        "- host_ns",
    ] {
        assert!(policy.contains(needle), "{needle} missing:\n{policy}");
    }
    assert!(!policy.contains("/usr/bin/apt"));
    let rules_found: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    for r in [
        "runtime-rules:shell",
        "runtime-rules:package-manager",
        "runtime-rules:compiler",
        "runtime-rules:network-tool",
        "runtime-rules:root-user",
        "runtime-rules:setuid",
    ] {
        assert!(rules_found.contains(&r), "{r} missing from {rules_found:?}");
    }
    assert!(report.findings.iter().all(|f| !f.blocking));
    assert!(
        report
            .summary
            .contains("Falco rules for registry.example.com/team/web (shell)"),
        "{}",
        report.summary
    );
    assert_eq!(report.data["relies_on_falco_defaults"][0], "container");

    // The same input gives the same bytes.
    let dir2 = tempfile::tempdir().unwrap();
    let ctx = context(
        dir2.path(),
        with,
        json!(null),
        facts_with(debian_input()).await,
    );
    let again = RuntimeRulesStage.run(ctx).await.unwrap();
    assert_eq!(report.outputs, again.outputs);
}

#[tokio::test]
async fn the_gate_blocks_forbidden_risks() {
    let dir = tempfile::tempdir().unwrap();
    let gate = json!({"forbid": ["shell", "root_user"]});
    let ctx = context(
        dir.path(),
        json!(null),
        gate.clone(),
        facts_with(debian_input()).await,
    );
    let report = RuntimeRulesStage.run(ctx).await.unwrap();
    let blocking: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(blocking, ["runtime-rules:shell", "runtime-rules:root-user"]);
    assert!(report.summary.contains("2 blocking"), "{}", report.summary);

    let ctx = context(
        dir.path(),
        json!(null),
        gate,
        facts_with(distroless_input()).await,
    );
    let report = RuntimeRulesStage.run(ctx).await.unwrap();
    assert!(
        report.findings.iter().all(|f| !f.blocking),
        "{:?}",
        report.findings
    );
    assert!(report.summary.contains("(no shell)"), "{}", report.summary);
}

#[tokio::test]
async fn without_an_image_profile_it_reads_the_image_and_reports_why_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), json!(null), json!(null), SharedFacts::default());
    match RuntimeRulesStage.run(ctx).await {
        // No profile in the facts: the stage opens the pipeline's image, which does not exist.
        Err(e @ StageError::Runtime(_)) => assert!(
            e.to_string().contains("registry.example.com/team/web"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unresolvable_entrypoints_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = distroless_input();
    input.config.entrypoint = vec!["/app/missing".into()];
    let with = json!({"tetragon": true, "tetragon_pod_labels": {"app": "api"}});
    let ctx = context(dir.path(), with, json!(null), facts_with(input).await);
    let report = RuntimeRulesStage.run(ctx).await.unwrap();
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`/app/missing` is not an executable file in the image")),
        "{messages:?}"
    );
    // With nothing expected, a Tetragon allow-list would kill the entrypoint: not written.
    assert!(
        messages
            .iter()
            .any(|m| m.contains("no Tetragon policy written")),
        "{messages:?}"
    );
    assert_eq!(report.outputs.len(), 2);
}

#[tokio::test]
#[ignore = "writes sample outputs to $TMPDIR/secchain-sample; run with --ignored"]
async fn write_samples() {
    let out = std::env::temp_dir().join("secchain-sample");
    for (name, input) in [
        ("debian", debian_input()),
        ("distroless", distroless_input()),
    ] {
        let with = json!({"tetragon": true, "tetragon_pod_labels": {"app": name}});
        let ctx = context(&out.join(name), with, json!(null), facts_with(input).await);
        RuntimeRulesStage.run(ctx).await.unwrap();
    }
}
