//! The stage's configuration checks and gate order, through the `Stage` trait.

use secchain_pipeline::node::PathSeg;
use secchain_pipeline::{Stage, StageConfig};
use secchain_secrets::SecretsStage;
use serde_json::{json, Value};

fn check(with: Value, gate: Value) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    SecretsStage
        .check_config(&StageConfig {
            name: "secrets",
            with: &with,
            gate: &gate,
            image: Some("registry.example.com/app:1"),
            dockerfile: None,
            base_dir: dir.path(),
        })
        .into_iter()
        .map(|p| {
            let path: Vec<String> = p
                .path
                .iter()
                .map(|s| match s {
                    PathSeg::Key(k) => k.clone(),
                    PathSeg::Index(i) => i.to_string(),
                })
                .collect();
            format!(
                "{}: {}{}",
                path.join("."),
                p.message,
                p.hint.map(|h| format!(" ({h})")).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn a_full_configuration_is_accepted() {
    assert!(check(json!(null), json!(null)).is_empty());
    let with = json!({
        "max_file_size": "20MiB",
        "max_image_size": 2_000_000_000u64,
        "hygiene": true,
        "allow": [
            {"rule": "secret:jwt", "path": "/app/fixtures/**", "reason": "signed fixtures"},
            {"value_sha256": "a".repeat(64), "reason": "revoked"},
        ],
    });
    let gate = json!({"fail_on": "medium", "hygiene_fail_on": ["root-user", "hygiene:setuid"]});
    assert_eq!(check(with, gate), Vec::<String>::new());
}

#[test]
fn mistakes_are_located_and_explained() {
    let p = check(json!({"max_file_sise": 10}), json!(null));
    assert!(
        p[0].contains("unknown key `max_file_sise`") && p[0].contains("max_file_size"),
        "{p:?}"
    );
    let p = check(json!({"max_file_size": "ten megs"}), json!(null));
    assert!(p[0].contains("not a size"), "{p:?}");
    let p = check(
        json!({"allow": [{"rule": "secret:nope", "value_sha256": "abc"}, {"reason": "everything"}]}),
        json!(null),
    );
    assert_eq!(p.len(), 4, "{p:?}");
    assert!(
        p[0].starts_with("with.allow.0: an allow-list entry needs a `reason`"),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("with.allow.0.rule: unknown secret rule `secret:nope`"),
        "{p:?}"
    );
    assert!(
        p[2].starts_with("with.allow.0.value_sha256: `value_sha256` must be 64 hex digits"),
        "{p:?}"
    );
    assert!(
        p[3].starts_with("with.allow.1: an allow-list entry must name"),
        "{p:?}"
    );
    let p = check(json!(null), json!({"fail_on": "severe"}));
    assert!(p[0].starts_with("gate") && p[0].contains("severe"), "{p:?}");
    let p = check(json!(null), json!({"hygiene_fail_on": ["shells"]}));
    assert!(
        p[0].starts_with("gate.hygiene_fail_on.0: unknown hygiene rule `shells`")
            && p[0].contains("shell,"),
        "{p:?}"
    );
    let p = check(
        json!({"hygiene": false}),
        json!({"hygiene_fail_on": ["shell"]}),
    );
    assert!(p[0].contains("`with.hygiene` is false"), "{p:?}");
}

#[test]
fn the_image_is_required() {
    let dir = tempfile::tempdir().unwrap();
    let p = SecretsStage.check_config(&StageConfig {
        name: "secrets",
        with: &Value::Null,
        gate: &Value::Null,
        image: None,
        dockerfile: None,
        base_dir: dir.path(),
    });
    assert!(p[0].message.contains("needs the pipeline's `image:`"));
}

#[test]
fn tightening_a_locked_gate_is_fine_and_loosening_is_not() {
    let base = json!({"fail_on": "high", "hygiene_fail_on": ["root-user"]});
    let weaker = |candidate: Value| SecretsStage.gate_weakening(&base, &candidate);
    assert_eq!(
        weaker(json!({"fail_on": "medium", "hygiene_fail_on": ["root-user", "shell"]})),
        None
    );
    assert_eq!(
        weaker(json!({"fail_on": "high", "hygiene_fail_on": ["hygiene:root-user"]})),
        None
    );
    assert_eq!(
        weaker(json!({"fail_on": "critical", "hygiene_fail_on": ["root-user"]})).as_deref(),
        Some("it raises fail_on from high to critical")
    );
    assert_eq!(
        weaker(json!({"fail_on": "none"})).as_deref(),
        Some("it raises fail_on from high to none; it no longer fails on hygiene:root-user")
    );
    // Defaults: fail_on high, no hygiene rules.
    assert_eq!(
        SecretsStage.gate_weakening(&json!(null), &json!({"fail_on": "low"})),
        None
    );
    assert!(SecretsStage
        .gate_weakening(&json!(null), &json!({"fail_on": "critical"}))
        .is_some());
}

#[test]
fn the_stage_kind() {
    assert_eq!(SecretsStage.kind(), "secrets");
    assert!(!SecretsStage.summary().is_empty());
}
