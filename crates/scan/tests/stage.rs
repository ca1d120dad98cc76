//! The `scan` stage through the `Stage` trait: configuration checks, gate weakening,
//! and a run with an inventory fact writing scan.json and scan.sarif.

mod common;

use common::*;
use secchain_pipeline::{RunInfo, SharedFacts, Stage, StageConfig, StageContext, StageError};
use secchain_scan::matching::ScanInventory;
use secchain_scan::{Distro, ScanStage};

fn ctx(dir: &std::path::Path, facts: SharedFacts, gate: serde_json::Value) -> StageContext {
    let run = RunInfo {
        image: Some("registry.example/app:1".into()),
        base_dir: dir.to_path_buf(),
        out_root: dir.join("out"),
        ..RunInfo::default()
    };
    StageContext {
        with: serde_json::json!({"formats": ["html", "gitlab", "cyclonedx-vex", "table"]}),
        gate,
        facts,
        ..StageContext::detached("scan", run)
    }
}

#[tokio::test]
async fn runs_with_an_inventory_fact() {
    let dir = tempfile::tempdir().unwrap();
    fixture_db(dir.path());
    let stage = ScanStage {
        db_path: Some(dir.path().join("vuln.db")),
    };
    std::fs::write(dir.path().join(".trivyignore"), "CVE-2021-44228\n").unwrap();
    let facts = SharedFacts::default();
    facts
        .get_or_try_init::<ScanInventory, (), _, _>(|| async {
            Ok(ScanInventory {
                distro: Distro {
                    id: "debian".into(),
                    version_id: "12".into(),
                },
                packages: vec![
                    deb("libc6", "2.36-9+deb12u1", "glibc"),
                    pkg("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
                    pkg("PyPI", "requests", "2.31.0"),
                ],
            })
        })
        .await
        .unwrap();
    let report = stage
        .run(ctx(
            dir.path(),
            facts,
            serde_json::json!({"severity": ["CRITICAL"]}),
        ))
        .await
        .unwrap();
    let names: Vec<String> = report
        .outputs
        .iter()
        .map(|o| {
            serde_json::to_value(o).unwrap()["path"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    for f in [
        "scan.json",
        "scan.sarif",
        "scan.html",
        "gl-container-scanning-report.json",
        "scan.cdx.json",
        "scan.txt",
    ] {
        assert!(
            dir.path().join("out/scan").join(f).is_file(),
            "{f} written; outputs {names:?}"
        );
    }
    // log4j is CRITICAL but ignored; glibc is HIGH: nothing blocks.
    assert!(
        report.findings.iter().all(|f| !f.blocking),
        "{:#?}",
        report.findings
    );
    let log4j = report
        .findings
        .iter()
        .find(|f| f.rule == "CVE-2021-44228")
        .unwrap();
    assert!(log4j
        .suppressed_by
        .as_deref()
        .unwrap()
        .ends_with(".trivyignore:1"));
    assert_eq!(
        report.summary,
        "2 vulnerabilities in 3 packages (0 blocking, 1 suppressed)"
    );

    // The same with a stricter gate blocks on glibc.
    let facts2 = SharedFacts::default();
    facts2
        .get_or_try_init::<ScanInventory, (), _, _>(|| async {
            Ok(ScanInventory {
                distro: Distro {
                    id: "debian".into(),
                    version_id: "12".into(),
                },
                packages: vec![deb("libc6", "2.36-9+deb12u1", "glibc")],
            })
        })
        .await
        .unwrap();
    let report = stage
        .run(ctx(
            dir.path(),
            facts2,
            serde_json::json!({"fail_on_kev": true, "severity": []}),
        ))
        .await
        .unwrap();
    assert!(report
        .findings
        .iter()
        .any(|f| f.blocking && f.rule == "CVE-2023-4911"));
}

#[tokio::test]
async fn without_an_inventory_it_reads_the_image_and_reports_why_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let err = ScanStage::default()
        .run(ctx(
            dir.path(),
            SharedFacts::default(),
            serde_json::Value::Null,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StageError::Runtime(m) if m.contains("registry.example/app")),
        "{err}"
    );
}

#[test]
fn check_config_and_gate_weakening() {
    let dir = tempfile::tempdir().unwrap();
    let stage = ScanStage::default();
    let with = serde_json::json!({"ignorefile": ["missing.trivyignore"], "formats": ["html"]});
    let gate = serde_json::json!({"severty": ["HIGH"], "min_epss": 2});
    let problems = stage.check_config(&StageConfig {
        name: "scan",
        with: &with,
        gate: &gate,
        image: None,
        dockerfile: None,
        base_dir: dir.path(),
    });
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].message.contains("missing.trivyignore"));
    assert_eq!(problems[1].key.as_deref(), Some("severty"));
    assert_eq!(
        problems[1].hint.as_deref(),
        Some("did you mean `severity`?")
    );
    let gate = serde_json::json!({"min_epss": 2});
    let problems = stage.check_config(&StageConfig {
        name: "scan",
        with: &serde_json::Value::Null,
        gate: &gate,
        image: None,
        dockerfile: None,
        base_dir: dir.path(),
    });
    assert!(problems[0].message.contains("between 0 and 1"));
    let bad_format = serde_json::json!({"formats": ["pdf"]});
    assert_eq!(
        stage
            .check_config(&StageConfig {
                name: "scan",
                with: &bad_format,
                gate: &serde_json::Value::Null,
                image: None,
                dockerfile: None,
                base_dir: dir.path()
            })
            .len(),
        1
    );

    let base = serde_json::json!({"severity": ["CRITICAL", "HIGH"], "fail_on_kev": true});
    assert_eq!(stage.gate_weakening(&base, &base), None);
    assert!(stage
        .gate_weakening(
            &base,
            &serde_json::json!({"severity": ["CRITICAL"], "fail_on_kev": true})
        )
        .is_some());
    assert!(stage
        .gate_weakening(
            &base,
            &serde_json::json!({"severity": ["CRITICAL", "HIGH"]})
        )
        .is_some());
    assert_eq!(
        stage.gate_weakening(
            &base,
            &serde_json::json!({"severity": ["CRITICAL", "HIGH", "MEDIUM"], "fail_on_kev": true})
        ),
        None
    );
    assert!(stage
        .gate_weakening(
            &serde_json::Value::Null,
            &serde_json::json!({"ignore_unfixed": true})
        )
        .is_some());
}
