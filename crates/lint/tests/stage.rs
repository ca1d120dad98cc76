//! The lint stage inside the pipeline engine's `Stage` trait: config
//! checks, gate weakening, and a run that writes SARIF and JSON.

use secchain_lint::LintStage;
use secchain_pipeline::{
    CancellationToken, EventSink, Redactor, RunInfo, SharedFacts, Stage, StageConfig, StageContext,
};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

fn cfg<'a>(with: &'a serde_json::Value, gate: &'a serde_json::Value) -> StageConfig<'a> {
    StageConfig {
        name: "lint",
        with,
        gate,
        image: None,
        dockerfile: None,
        base_dir: Path::new("."),
    }
}

#[test]
fn checks_config_with_located_problems() {
    let s = LintStage;
    assert!(s
        .check_config(&cfg(
            &json!({"ignored": ["DL3008"]}),
            &json!({"fail_on": "warning"})
        ))
        .is_empty());
    let p = s.check_config(&cfg(&json!({"ignord": ["DL3008"]}), &json!(null)));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].hint.as_deref(), Some("did you mean `ignored`?"));
    let p = s.check_config(&cfg(
        &json!({"ignored": ["XX1"]}),
        &json!({"fail_on": "loud"}),
    ));
    assert_eq!(p.len(), 2, "{p:?}");
}

#[test]
fn an_unquoted_off_read_as_false_turns_a_rule_off() {
    // The pipeline file's YAML reader turns `severity: {DL3059: off}` into `false`.
    let s = LintStage;
    let with = json!({"severity": {"DL3059": false, "SEC008": "error"}});
    assert!(s.check_config(&cfg(&with, &json!(null))).is_empty());
    let p = s.check_config(&cfg(&json!({"severity": {"DL3059": true}}), &json!(null)));
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn gate_weakening_only_when_less_strict() {
    let s = LintStage;
    assert!(s
        .gate_weakening(&json!({"fail_on": "warning"}), &json!({"fail_on": "error"}))
        .is_some());
    assert!(s
        .gate_weakening(&json!({"fail_on": "warning"}), &json!({"fail_on": "none"}))
        .is_some());
    assert!(s
        .gate_weakening(&json!({"fail_on": "warning"}), &json!({"fail_on": "info"}))
        .is_none());
    assert!(s
        .gate_weakening(&json!(null), &json!({"fail_on": "warning"}))
        .is_none());
}

fn ctx(
    dir: &Path,
    with: serde_json::Value,
    gate: serde_json::Value,
    dockerfile: Option<&Path>,
) -> StageContext {
    StageContext {
        name: "lint".into(),
        with,
        gate,
        run: Arc::new(RunInfo {
            image: None,
            dockerfile: dockerfile.map(Path::to_path_buf),
            platform: None,
            base_dir: dir.to_path_buf(),
            out_root: dir.join("out"),
            pipeline_path: "pipeline.yaml".into(),
            pipeline_digest: "sha256:0".into(),
            extends: Vec::new(),
            started_at: "2026-01-01T00:00:00Z".into(),
            version: "0.1.0".into(),
            effective_pipeline: json!({}),
            dry_run: false,
            subject_digest: Default::default(),
        }),
        out_dir: dir.join("out/lint"),
        facts: SharedFacts::default(),
        finished: Arc::new(Vec::new()),
        events: EventSink::discard(),
        cancel: CancellationToken::new(),
        redactor: Redactor::default(),
    }
}

#[tokio::test]
async fn runs_and_writes_sarif_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let df = dir.path().join("Dockerfile");
    std::fs::write(
        &df,
        "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".secchain")).unwrap();
    std::fs::write(
        dir.path().join(".secchain/lint.yaml"),
        "ignored: [DL3015]\n",
    )
    .unwrap();
    let r = LintStage
        .run(ctx(
            dir.path(),
            json!({"severity": {"DL3008": "error"}}),
            json!({"fail_on": "warning"}),
            Some(&df),
        ))
        .await
        .unwrap();
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(
        rules.contains(&"DL3006") && rules.contains(&"DL3008"),
        "{rules:?}"
    );
    assert!(!rules.contains(&"DL3015"), "ignored by .secchain/lint.yaml");
    let dl3008 = r.findings.iter().find(|f| f.rule == "DL3008").unwrap();
    assert_eq!(dl3008.severity, "error");
    assert!(dl3008.blocking);
    assert_eq!(dl3008.location.as_deref(), Some("Dockerfile:2:42"));
    assert_eq!(r.outputs.len(), 3);
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/lint/lint.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/lint/lint.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["passed"], false);
}

#[tokio::test]
async fn skips_without_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    let r = LintStage
        .run(ctx(dir.path(), json!(null), json!(null), None))
        .await
        .unwrap();
    assert!(r.skipped.is_some());
}
