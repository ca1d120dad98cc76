//! The `sign` stage inside the engine's `Stage` trait: config checks with locations,
//! dry runs (nothing pushed, planned actions, ephemeral key), and real runs that the
//! real cosign verifies.

mod common;

use std::path::{Path, PathBuf};

use common::{other_keys, World, PASSWORD};
use secchain_pipeline::{RunInfo, Stage, StageConfig, StageContext, StageError};
use secchain_sign::SignStage;
use serde_json::json;

fn cfg<'a>(
    with: &'a serde_json::Value,
    gate: &'a serde_json::Value,
    base: &'a Path,
    image: Option<&'a str>,
) -> StageConfig<'a> {
    StageConfig {
        name: "sign",
        with,
        gate,
        image,
        dockerfile: None,
        base_dir: base,
    }
}

fn ctx(dir: &Path, image: &str, with: serde_json::Value, dry_run: bool) -> StageContext {
    let run = RunInfo {
        image: Some(image.to_string()),
        base_dir: dir.to_path_buf(),
        out_root: dir.join("out"),
        dry_run,
        ..RunInfo::default()
    };
    StageContext {
        with,
        ..StageContext::detached("sign", run)
    }
}

fn example_layout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hello/image")
}

#[test]
fn config_problems_are_located_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    std::fs::write(base.join("cosign.key"), "x").unwrap();
    let s = SignStage;
    let null = json!(null);
    let image = Some("registry.example/app:1");
    assert!(s
        .check_config(&cfg(
            &json!({"key": "cosign.key", "format": "bundle", "annotations": {"a": "b"}}),
            &null,
            base,
            image
        ))
        .is_empty());
    assert!(s.check_config(&cfg(&null, &null, base, image)).is_empty());

    let p = s.check_config(&cfg(&json!({"formt": "bundle"}), &null, base, image));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].hint.as_deref(), Some("did you mean `format`?"));

    let p = s.check_config(&cfg(
        &json!({"key": "awskms:///alias/signer"}),
        &null,
        base,
        image,
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].message
            .contains("KMS keys (awskms://) are not supported yet"),
        "{p:?}"
    );

    let p = s.check_config(&cfg(&json!({"key": "missing.key"}), &null, base, image));
    assert!(p[0].message.contains("does not exist"), "{p:?}");

    let p = s.check_config(&cfg(&json!({"format": "sigstore"}), &null, base, image));
    assert!(p[0].message.contains("unknown variant"), "{p:?}");

    let p = s.check_config(&cfg(
        &json!({"key": "cosign.key", "keyless": {"rekor_url": "ftp://x"}}),
        &null,
        base,
        image,
    ));
    assert_eq!(p.len(), 2, "{p:?}");

    let p = s.check_config(&cfg(&null, &json!({"strict": true}), base, image));
    assert_eq!(p.len(), 1, "{p:?}");

    let p = s.check_config(&cfg(&null, &null, base, None));
    assert!(
        p[0].message.contains("needs the pipeline's `image:`"),
        "{p:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_on_the_example_layout_plans_and_pushes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let image = format!("oci:{}:1.0", example_layout().display());
    let report = SignStage
        .run(ctx(dir.path(), &image, json!({"format": "bundle"}), true))
        .await
        .unwrap();
    assert!(
        report.summary.contains("ephemeral key"),
        "{}",
        report.summary
    );
    // Bundle blob, empty config, referrer manifest, referrers index.
    assert_eq!(
        report.planned_actions.len(),
        4,
        "{:#?}",
        report.planned_actions
    );
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(example_layout().join("index.json")).unwrap())
            .unwrap();
    let digest = index["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        report.planned_actions[3].contains(&format!("image:sha256-{}", &digest[7..])),
        "{:#?}",
        report.planned_actions
    );
    assert_eq!(report.findings.len(), 1);
    assert!(!report.findings[0].blocking);
    let out: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/sign/signature.json")).unwrap())
            .unwrap();
    assert_eq!(out["ephemeral"], true);
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["digest"], digest.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_against_a_registry_pushes_nothing() {
    let w = World::new();
    let image = format!("{}:v1", w.repo);
    let report = SignStage
        .run(ctx(
            w.ctx.path(),
            &image,
            json!({"annotations": {"a": "b"}}),
            true,
        ))
        .await
        .unwrap();
    // Payload, config, the `.sig` manifest.
    assert_eq!(
        report.planned_actions.len(),
        3,
        "{:#?}",
        report.planned_actions
    );
    assert!(report.planned_actions[2].contains(&format!("sha256-{}.sig", &w.digest[7..])));
    assert_eq!(w.ctx.crane(&["ls", &w.repo]), "v1");
    assert_eq!(report.data["digest"], w.digest);
}

#[tokio::test(flavor = "multi_thread")]
async fn real_runs_sign_by_digest_in_both_formats() {
    // The stage reads the password from the environment, never from its config.
    std::env::set_var("COSIGN_PASSWORD", PASSWORD);
    let w = World::new();
    let keys = other_keys();
    std::fs::copy(&keys.key, w.ctx.path().join("release.key")).unwrap();
    let image = format!("{}:v1", w.repo);
    for format in ["legacy", "bundle"] {
        let c = ctx(
            w.ctx.path(),
            &image,
            json!({"key": "release.key", "format": format, "annotations": {"stage": "sign"}}),
            false,
        );
        let run = c.run.clone();
        let report = SignStage.run(c).await.unwrap();
        assert!(report.findings.is_empty(), "{:#?}", report.findings);
        assert!(report.planned_actions.is_empty());
        assert_eq!(run.subject_digest.get(), Some(&w.digest));
        let out: serde_json::Value = serde_json::from_slice(
            &std::fs::read(w.ctx.path().join("out/sign/signature.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(out["format"], format);
        assert_eq!(out["image"], format!("{}@{}", w.repo, w.digest));
        let mut a = vec![
            "verify",
            "--insecure-ignore-tlog=true",
            "--allow-insecure-registry",
            "--key",
            keys.pub_str(),
            "-a",
            "stage=sign",
        ];
        if format == "legacy" {
            a.push("--new-bundle-format=false");
        }
        let digest_ref = w.image();
        a.push(&digest_ref);
        w.cosign_ok(&a);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_key_a_real_run_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    if secchain_sign::keyless::token_available() {
        return; // an identity token in the environment selects keyless signing
    }
    let err = SignStage
        .run(ctx(dir.path(), "127.0.0.1:1/app:v1", json!(null), false))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StageError::Config(m) if m.contains("no signing key")),
        "{err}"
    );
    let err = SignStage
        .run(ctx(
            dir.path(),
            &format!("oci:{}:1.0", example_layout().display()),
            json!({"key": "env://SECCHAIN_SIGN_TEST_UNSET_KEY"}),
            false,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StageError::Config(m) if m.contains("SECCHAIN_SIGN_TEST_UNSET_KEY")),
        "{err}"
    );
}
