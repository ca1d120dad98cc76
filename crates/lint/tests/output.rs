//! Output formats: SARIF 2.1.0 shape, GitLab Code Quality, JSON, human
//! text, and fingerprints that survive line shifts.

use secchain_lint::output::{gitlab, human, json, sarif};
use secchain_lint::{lint_with, DockerIgnore, LintConfig, LintReport};

fn report(src: &str) -> LintReport {
    lint_with(
        "app/Dockerfile",
        src,
        &LintConfig::default(),
        &DockerIgnore::Unknown,
    )
}

const SRC: &str = "FROM debian\nRUN apt-get update && apt-get install -y curl\n";

#[test]
fn sarif_has_rules_results_and_fingerprints() {
    let v: serde_json::Value = serde_json::from_str(&sarif::render(&report(SRC))).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["id"].is_string()
        && r["help"]["text"].is_string()
        && r["shortDescription"]["text"].is_string()));
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "app/Dockerfile");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert_eq!(
            r["partialFingerprints"]["secchainFingerprint/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }
}

#[test]
fn fingerprints_are_stable_when_lines_move() {
    let a = report(SRC);
    let b = report(&format!("# a new comment\n\n{SRC}"));
    let fa: Vec<_> = a.findings().map(|f| (&f.rule, &f.fingerprint)).collect();
    let fb: Vec<_> = b.findings().map(|f| (&f.rule, &f.fingerprint)).collect();
    assert_eq!(fa, fb);
    assert_ne!(
        a.findings().next().unwrap().line,
        b.findings().next().unwrap().line
    );
}

#[test]
fn gitlab_json_and_human() {
    let r = report(SRC);
    let g: serde_json::Value = serde_json::from_str(&gitlab::render(&r)).unwrap();
    let first = &g[0];
    assert_eq!(first["type"], "issue");
    assert!(["info", "minor", "major", "critical", "blocker"]
        .contains(&first["severity"].as_str().unwrap()));
    assert_eq!(first["location"]["path"], "app/Dockerfile");
    assert!(first["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    let j: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
    assert_eq!(j["files"][0]["file"], "app/Dockerfile");
    assert!(j["summary"]["warning"].as_u64().unwrap() >= 1);
    let h = human::render(&r, false);
    assert!(h.contains("app/Dockerfile:1:6: warning[DL3006]"), "{h}");
    assert!(h.contains("1 | FROM debian\n  |      ^^^^^^"), "{h}");
    let hl: serde_json::Value = serde_json::from_str(&json::render_hadolint(&r)).unwrap();
    assert_eq!(hl[0]["code"].as_str().unwrap().len(), 6);
}
