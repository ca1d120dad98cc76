//! `extends:` and `locked:`: bases merge under the repository's pipeline, and locked
//! settings cannot be weakened.

use crate::util::Project;

const BASE: &str = "\
version: 1
stages:
  - kind: exec
    name: policy-check
    with: {run: \"true\"}
    gate: {exit_codes: [0, 1]}
    locked: [gate, required, continue_on_error]
  - kind: exec
    name: notify
    with: {run: \"echo base\"}
";

fn project(repo: &str) -> Project {
    let p = Project::new();
    p.write("platform/base.yaml", BASE);
    p.write("repo/p.yaml", repo);
    p
}

#[test]
fn a_repository_pipeline_extends_a_base_and_explain_shows_where_settings_came_from() {
    let p = project("version: 1\nextends: [../platform/base.yaml]\nstages:\n  - kind: exec\n    name: notify\n    with: {run: \"echo repo\"}\n");
    let out = p.run(&["explain", "-f", "repo/p.yaml"]).expect(0).stdout();
    assert!(out.contains("  - kind: \"exec\"  # repo/../platform/base.yaml:3:11\n    name: \"policy-check\"  # repo/../platform/base.yaml:4:11"), "{out}");
    assert!(
        out.contains("run: \"echo repo\"  # repo/p.yaml:6:17"),
        "{out}"
    );
    assert!(!out.contains("echo base"), "{out}");
}

#[test]
fn tightening_a_locked_gate_is_allowed() {
    let p = project("version: 1\nextends: ../platform/base.yaml\nstages:\n  - kind: exec\n    name: policy-check\n    gate: {exit_codes: [0]}\n");
    p.run(&["validate", "-f", "repo/p.yaml"]).expect(0);
}

#[test]
fn weakening_a_locked_gate_names_both_files() {
    let p = project("version: 1\nextends: ../platform/base.yaml\nstages:\n  - kind: exec\n    name: policy-check\n    gate: {exit_codes: [0, 1, 2]}\n");
    let err = p.run(&["validate", "-f", "repo/p.yaml"]).expect(2).stderr();
    assert!(
        err.contains("weakens the locked gate: it lets exit codes [2] pass"),
        "{err}"
    );
    assert!(err.contains("--> repo/p.yaml:6:5"), "{err}");
    assert!(err.contains("--> repo/../platform/base.yaml:7:5"), "{err}");
    assert!(err.contains("`gate` is locked here"), "{err}");
}

#[test]
fn a_required_stage_cannot_be_disabled() {
    let p = project("version: 1\nextends: ../platform/base.yaml\nstages:\n  - kind: exec\n    name: policy-check\n    enabled: false\n");
    let err = p.run(&["validate", "-f", "repo/p.yaml"]).expect(2).stderr();
    assert!(err.contains("cannot be disabled"), "{err}");
}

#[test]
fn continue_on_error_cannot_be_turned_on_when_locked() {
    let p = project("version: 1\nextends: ../platform/base.yaml\nstages:\n  - kind: exec\n    name: policy-check\n    continue_on_error: true\n");
    let err = p.run(&["validate", "-f", "repo/p.yaml"]).expect(2).stderr();
    assert!(
        err.contains("cannot set `continue_on_error: true`"),
        "{err}"
    );
}

#[test]
fn unlocked_stages_can_be_disabled_and_locks_reach_grandchildren() {
    let p = project("version: 1\nextends: ../platform/base.yaml\nstages:\n  - kind: exec\n    name: notify\n    enabled: false\n");
    p.run(&["validate", "-f", "repo/p.yaml"]).expect(0);
    p.write("repo/team.yaml", "version: 1\nextends: p.yaml\nstages:\n  - kind: exec\n    name: policy-check\n    gate: {exit_codes: [0, 3]}\n");
    let err = p
        .run(&["validate", "-f", "repo/team.yaml"])
        .expect(2)
        .stderr();
    assert!(err.contains("weakens the locked gate"), "{err}");
}

#[test]
fn a_locked_with_cannot_change() {
    let p = Project::new();
    p.write(
        "base.yaml",
        "version: 1\nstages:\n  - kind: exec\n    with: {run: \"true\"}\n    locked: true\n",
    );
    p.write(
        "p.yaml",
        "version: 1\nextends: base.yaml\nstages:\n  - kind: exec\n    with: {run: \"false\"}\n",
    );
    let err = p.run(&["validate", "-f", "p.yaml"]).expect(2).stderr();
    assert!(
        err.contains("changes `with:`, which the base pipeline locks"),
        "{err}"
    );
}

#[test]
fn extends_cycles_and_missing_bases_are_reported() {
    let p = Project::new();
    p.write("a.yaml", "version: 1\nextends: b.yaml\nstages: []\n");
    p.write("b.yaml", "version: 1\nextends: a.yaml\nstages: []\n");
    let err = p.run(&["validate", "-f", "a.yaml"]).expect(2).stderr();
    assert!(err.contains("config:extends-cycle"), "{err}");
    p.write("c.yaml", "version: 1\nextends: missing.yaml\nstages: []\n");
    let err = p.run(&["validate", "-f", "c.yaml"]).expect(2).stderr();
    assert!(
        err.contains("cannot read pipeline file `missing.yaml`") && err.contains("c.yaml:2:10"),
        "{err}"
    );
}

#[test]
fn remote_bases_must_be_https_and_pinned() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nextends: [\"https://example.com/base.yaml\"]\nstages: []\n",
    );
    let err = p.run(&["validate", "-f", "p.yaml"]).expect(2).stderr();
    assert!(
        err.contains("is not pinned") && err.contains("sha256"),
        "{err}"
    );
    p.write(
        "q.yaml",
        "version: 1\nextends: [{url: \"http://example.com/b.yaml\", sha256: x}]\nstages: []\n",
    );
    let err = p.run(&["validate", "-f", "q.yaml"]).expect(2).stderr();
    assert!(err.contains("must use https://"), "{err}");
}

#[test]
fn a_different_kind_under_an_inherited_name_is_rejected() {
    let p = project(
        "version: 1\nextends: ../platform/base.yaml\nstages:\n  - kind: scan\n    name: notify\n",
    );
    let err = p.run(&["validate", "-f", "repo/p.yaml"]).expect(2).stderr();
    assert!(err.contains("changes its kind"), "{err}");
}

#[test]
fn a_cached_remote_base_is_used_offline_and_checked_against_its_pin() {
    let p = Project::new();
    let base =
        "version: 1\nstages:\n  - {kind: exec, name: org, with: {run: \"true\"}, locked: true}\n";
    let sha = {
        use std::io::Write;
        let mut child = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(base.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()[..64].to_string()
    };
    // The cache is content-addressed: a file named by the pinned digest is the base.
    p.write(&format!("cache/bases/{sha}"), base);
    let pipeline = format!("version: 1\nextends: [{{url: \"https://bases.invalid/org.yaml\", sha256: {sha}}}]\nstages: []\n");
    p.write("p.yaml", &pipeline);
    let out = p
        .cmd(&["explain", "-f", "p.yaml"])
        .env("SECCHAIN_CACHE_DIR", p.path("cache"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("https://bases.invalid/org.yaml:3:"));
    // A cached copy that does not match its pin is not trusted; fetching then fails clearly.
    p.write(&format!("cache/bases/{sha}"), "version: 1\nstages: []\n");
    let out = p
        .cmd(&["validate", "-f", "p.yaml"])
        .env("SECCHAIN_CACHE_DIR", p.path("cache"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot fetch `https://bases.invalid/org.yaml`"),
        "{err}"
    );
}
