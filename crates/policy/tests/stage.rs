//! The `policy` stage inside the engine's `Stage` trait: config checks located under
//! `with:`, the sign stage's `data` as input, and nothing written when input is missing.

mod common;

use std::path::Path;
use std::sync::Arc;

use secchain_pipeline::{
    Outcome, RunInfo, Stage, StageConfig, StageContext, StageError, StageRecord,
};
use secchain_policy::PolicyStage;
use serde_json::{json, Value};

fn cfg<'a>(with: &'a Value, gate: &'a Value) -> StageConfig<'a> {
    StageConfig {
        name: "policy",
        with,
        gate,
        image: Some(common::REPO),
        dockerfile: None,
        base_dir: Path::new("."),
    }
}

#[test]
fn checks_config_with_located_problems() {
    let s = PolicyStage;
    let ok = json!({
        "emit": ["cluster-image-policy", "kyverno"],
        "mode": "warn",
        "namespaces": {"include": ["prod"], "exclude": ["kube-system"]},
        "require_attestations": ["slsaprovenance1", "vuln", "https://example.com/custom/v1"],
        "image_config": {"user": "10001", "ports": ["8080/tcp"], "writable_paths": ["/tmp"]},
        "signer": {"keyless": {"issuer": common::ISSUER, "subject_regexp": "^https://github[.]com/team/"}},
    });
    assert_eq!(s.check_config(&cfg(&ok, &Value::Null)), vec![]);

    let p = s.check_config(&cfg(&json!({"emmit": ["kyverno"]}), &Value::Null));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].hint.as_deref(), Some("did you mean `emit`?"));

    let p = s.check_config(&cfg(&json!({"emit": ["helm-chart"]}), &Value::Null));
    assert_eq!(p.len(), 1, "{p:?}");

    let p = s.check_config(&cfg(
        &json!({"signer": {"keyless": {"issuer": common::ISSUER}}}),
        &Value::Null,
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("`subject`"), "{p:?}");
    assert_eq!(
        format!("{:?}", p[0].path),
        format!(
            "{:?}",
            secchain_pipeline::ConfigProblem::at("with.signer.keyless", "").path
        )
    );

    let p = s.check_config(&cfg(
        &json!({"require_attestations": ["provenance-ish"], "namespaces": {"exclude": ["Kube_System"]}, "image_config": {"ports": ["http"]}}),
        &json!({"fail_on": "error"}),
    ));
    assert_eq!(p.len(), 4, "{p:?}");
}

#[test]
fn checks_the_key_file_and_a_local_image() {
    let with = json!({"signer": {"public_key_file": "missing.pub"}});
    let p = PolicyStage.check_config(&cfg(&with, &Value::Null));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("missing.pub"), "{p:?}");
    let local = StageConfig {
        image: Some("oci:./image"),
        ..cfg(&Value::Null, &Value::Null)
    };
    let p = PolicyStage.check_config(&local);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("with.repository"), "{p:?}");
    let with = json!({"repository": common::REPO});
    let fixed = StageConfig {
        image: Some("oci:./image"),
        ..cfg(&with, &Value::Null)
    };
    assert_eq!(PolicyStage.check_config(&fixed), vec![]);
}

fn sign_record(name: &str, outcome: Outcome, data: Value) -> StageRecord {
    StageRecord {
        name: name.into(),
        kind: "sign".into(),
        needs: vec![],
        outcome,
        tolerated: false,
        reason: None,
        error_kind: None,
        summary: String::new(),
        started_at: None,
        duration_ms: 0,
        findings_total: 0,
        blocking_findings: vec![],
        findings: vec![],
        outputs: vec![],
        planned_actions: vec![],
        data,
    }
}

fn ctx(dir: &Path, with: Value, finished: Vec<StageRecord>) -> StageContext {
    let run = RunInfo {
        image: Some(format!("{}:1.4", common::REPO)),
        base_dir: dir.to_path_buf(),
        out_root: dir.join("out"),
        dry_run: true,
        ..RunInfo::default()
    };
    run.subject_digest.set(common::DIGEST.into()).unwrap();
    StageContext {
        with,
        finished: Arc::new(finished),
        ..StageContext::detached("policy", run)
    }
}

fn image_config() -> Value {
    json!({"user": "10001:10001", "ports": ["8080/tcp"], "writable_paths": ["/tmp"]})
}

fn written(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out/policy"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn without_a_sign_stage_or_signer_it_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let e = PolicyStage
        .run(ctx(
            dir.path(),
            json!({"image_config": image_config()}),
            vec![],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StageError::Config(m) if m.contains("no signing stage") && m.contains("with.signer")),
        "{e}"
    );
    assert!(written(dir.path()).is_empty());
}

#[tokio::test]
async fn a_keyless_sign_stage_missing_the_subject_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sign = sign_record(
        "sign",
        Outcome::Passed,
        json!({"keyless": {"issuer": common::ISSUER}, "builder_id": common::BUILDER}),
    );
    let e = PolicyStage
        .run(ctx(
            dir.path(),
            json!({"image_config": image_config()}),
            vec![sign],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StageError::Config(m) if m.contains("data.keyless.subject")),
        "{e}"
    );
    assert!(written(dir.path()).is_empty());
}

#[tokio::test]
async fn a_failing_generation_writes_nothing() {
    // Everything is readable, but the image runs as root: the pod snippet cannot be made.
    let dir = tempfile::tempdir().unwrap();
    let sign = sign_record(
        "sign",
        Outcome::Passed,
        json!({"public_key_pem": common::PUBLIC_KEY, "builder_id": common::BUILDER}),
    );
    let e = PolicyStage
        .run(ctx(
            dir.path(),
            json!({"image_config": {"user": "0"}}),
            vec![sign],
        ))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("with.image_config.user"), "{e}");
    assert!(written(dir.path()).is_empty());
}

#[tokio::test]
async fn reads_the_sign_stage_and_writes_every_document() {
    let dir = tempfile::tempdir().unwrap();
    let sign = sign_record(
        "sign",
        Outcome::Passed,
        json!({
            "public_key_pem": common::PUBLIC_KEY,
            "tlog": false,
            "format": "legacy",
            "attestations": ["https://slsa.dev/provenance/v1", {"predicate_type": "cyclonedx"}],
            "builder_id": common::BUILDER,
            "ephemeral": true,
        }),
    );
    let with = json!({"image_config": image_config(), "require_attestations": ["slsaprovenance1", "vuln"]});
    let report = PolicyStage
        .run(ctx(dir.path(), with, vec![sign]))
        .await
        .unwrap();
    assert_eq!(
        written(dir.path()),
        [
            "cluster-image-policy.yaml",
            "kyverno-cluster-policy.yaml",
            "pod-spec-snippet.yaml",
            "validating-admission-policy-binding.yaml",
            "validating-admission-policy.yaml"
        ]
    );
    assert_eq!(report.outputs.len(), 5);
    assert!(report
        .outputs
        .iter()
        .all(|o| o.media_type == "application/yaml"));
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["policy:ephemeral-key", "policy:attestation-not-pushed"]
    );
    assert!(report.findings.iter().all(|f| !f.blocking));
    assert_eq!(report.data["signer_from"], "stage sign");
    assert_eq!(report.data["digest"], common::DIGEST);
    assert_eq!(report.data["documents"].as_array().unwrap().len(), 5);
    assert!(
        report
            .summary
            .starts_with("5 documents for registry.example.com/team/app (key, enforce)"),
        "{}",
        report.summary
    );
    let cip =
        std::fs::read_to_string(dir.path().join("out/policy/cluster-image-policy.yaml")).unwrap();
    assert!(cip.contains("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJS9+y3PX/6v5yrRfvVErE5UZpsy6"));
    assert!(!cip.contains("ctlog"), "tlog: false");
    let pod = std::fs::read_to_string(dir.path().join("out/policy/pod-spec-snippet.yaml")).unwrap();
    assert!(pod.contains(&format!("image: {}@{}", common::REPO, common::DIGEST)));
}

#[tokio::test]
async fn a_signer_in_with_replaces_the_sign_stage() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cosign.pub"), common::PUBLIC_KEY).unwrap();
    let with = json!({
        "signer": {"public_key_file": "cosign.pub"},
        "builder_id": common::BUILDER,
        "emit": ["cluster-image-policy"],
    });
    let report = PolicyStage
        .run(ctx(dir.path(), with, vec![]))
        .await
        .unwrap();
    assert_eq!(report.data["signer_from"], "with.signer");
    assert_eq!(written(dir.path()), ["cluster-image-policy.yaml"]);
}

#[tokio::test]
async fn a_failed_or_ambiguous_sign_stage_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = json!({"public_key_pem": common::PUBLIC_KEY});
    let failed = sign_record("sign", Outcome::Error, data.clone());
    let e = PolicyStage
        .run(ctx(dir.path(), json!({}), vec![failed]))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("did not pass"), "{e}");
    let two = vec![
        sign_record("sign-a", Outcome::Passed, data.clone()),
        sign_record("sign-b", Outcome::Passed, data),
    ];
    let e = PolicyStage
        .run(ctx(dir.path(), json!({}), two.clone()))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("with.sign_stage"), "{e}");
    let with = json!({"sign_stage": "sign-b", "builder_id": common::BUILDER, "image_config": image_config()});
    assert!(PolicyStage.run(ctx(dir.path(), with, two)).await.is_ok());
}

#[tokio::test]
async fn the_image_config_comes_from_shared_facts_and_with_overrides_it() {
    use secchain_policy::input::ImageConfigFacts;
    let dir = tempfile::tempdir().unwrap();
    let sign = sign_record(
        "sign",
        Outcome::Passed,
        json!({"public_key_pem": common::PUBLIC_KEY, "builder_id": common::BUILDER}),
    );
    let c = ctx(
        dir.path(),
        json!({"emit": ["pod-snippet"], "image_config": {"ports": ["9090/tcp"]}}),
        vec![sign],
    );
    c.facts
        .get_or_try_init::<ImageConfigFacts, (), _, _>(|| async {
            Ok(ImageConfigFacts {
                user: Some("4242".into()),
                exposed_ports: vec!["80/tcp".into()],
                writable_paths: vec!["/var/run".into()],
            })
        })
        .await
        .unwrap();
    PolicyStage.run(c).await.unwrap();
    let pod: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(dir.path().join("out/policy/pod-spec-snippet.yaml")).unwrap(),
    )
    .unwrap();
    let container = &pod["containers"][0];
    assert_eq!(container["securityContext"]["runAsUser"], 4242);
    assert_eq!(
        container["ports"],
        json!([{"containerPort": 9090, "protocol": "TCP"}])
    );
    assert_eq!(
        container["volumeMounts"],
        json!([{"mountPath": "/var/run", "name": "var-run"}])
    );
}
