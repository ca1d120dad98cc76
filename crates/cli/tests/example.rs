//! The README's example: `secchain run --dry-run -f pipeline.example.yaml` with an empty
//! HOME and no network finishes and reports every stage.

use crate::util::{repo_root, stage, Project};

#[test]
fn the_example_pipeline_validates() {
    let p = Project::new();
    let file = repo_root().join("pipeline.example.yaml");
    p.run(&["validate", "-f", file.to_str().unwrap()]).expect(0);
}

#[test]
fn the_example_pipeline_runs_dry_and_reports_every_stage() {
    let p = Project::new();
    let file = repo_root().join("pipeline.example.yaml");
    let out = p.path("out");
    let result = p
        .cmd(&[
            "run",
            "--dry-run",
            "-f",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let report = p.report("out");
    let names: Vec<&str> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "lint",
            "pin",
            "sbom",
            "scan",
            "sign",
            "policy",
            "runtime-rules",
            "image-size",
            "provenance"
        ]
    );
    assert_eq!(report["exit_code"], result.status.code().unwrap());
    assert_eq!(result.status.code(), Some(0), "{report:#}");
    assert_eq!(report["dry_run"], true);
    // Every stage passed, but `exec`, which a dry run does not execute.
    for s in report["stages"].as_array().unwrap() {
        let expected = if s["kind"] == "exec" {
            "skipped"
        } else {
            "passed"
        };
        assert_eq!(s["outcome"], expected, "{s:#}");
    }
    // The provenance ran last and records every other stage.
    let provenance = stage(&report, "provenance");
    assert_eq!(provenance["needs"].as_array().unwrap().len(), 8);
    assert!(report["pipeline"]["digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
}
