//! `secchain run`: ordering, concurrency, exit codes, dry runs, redaction, interruption.

use crate::util::{stage, Project};

#[test]
fn stages_without_needs_run_concurrently_and_needs_order_them() {
    let p = Project::new();
    // `waiter` only passes if `signaller` runs while it is waiting: proof of concurrency
    // without timing anything. `after` needs `waiter` and checks its output exists.
    p.write(
        "p.yaml",
        r#"version: 1
stages:
  - kind: exec
    name: waiter
    needs: []
    with:
      run: "for i in $(seq 300); do [ -f flag ] && { echo ok > $SECCHAIN_STAGE_OUT/w.txt; exit 0; }; sleep 0.1; done; exit 1"
      outputs: [w.txt]
  - kind: exec
    name: signaller
    needs: []
    with: {run: "touch flag"}
  - kind: exec
    name: after
    needs: [waiter]
    with: {run: "test -f $SECCHAIN_OUT/waiter/w.txt"}
"#,
    );
    p.run(&["run", "-f", "p.yaml"]).expect(0);
    let report = p.report("secchain-out");
    assert_eq!(report["result"], "passed");
    for name in ["waiter", "signaller", "after"] {
        assert_eq!(stage(&report, name)["outcome"], "passed", "{name}");
    }
    assert_eq!(
        stage(&report, "after")["needs"],
        serde_json::json!(["waiter"])
    );
    let w = &stage(&report, "waiter")["outputs"].as_array().unwrap()[2];
    assert_eq!(w["path"], "waiter/w.txt");
    assert_eq!(
        w["digest"],
        "sha256:8ffec5b4fbd5b1f2b28a4ae3b3ba88cd7f8c94e4b5a4dc6bbbf8bb6a6ab5fd0a".replace(
            "8ffec5b4fbd5b1f2b28a4ae3b3ba88cd7f8c94e4b5a4dc6bbbf8bb6a6ab5fd0a",
            &sha256_hex(b"ok\n")
        )
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn implicit_needs_follow_the_list_order() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, name: one, with: {run: \"exit 1\"}}\n  - {kind: exec, name: two, with: {run: \"true\"}}\n",
    );
    p.run(&["run", "-f", "p.yaml"]).expect(1);
    let report = p.report("secchain-out");
    assert_eq!(stage(&report, "two")["outcome"], "skipped");
    assert_eq!(
        stage(&report, "two")["reason"],
        "needs `one`, which did not pass"
    );
}

#[test]
fn exit_codes_follow_the_worst_outcome() {
    let p = Project::new();
    p.write(
        "pass.yaml",
        "version: 1\nstages:\n  - {kind: exec, with: {run: \"true\"}}\n",
    );
    p.write(
        "gate.yaml",
        "version: 1\nstages:\n  - {kind: exec, with: {run: \"exit 4\"}}\n",
    );
    p.write("allowed.yaml", "version: 1\nstages:\n  - {kind: exec, with: {run: \"exit 4\"}, gate: {exit_codes: [0, 4]}}\n");
    p.write(
        "runtime.yaml",
        "version: 1\nstages:\n  - {kind: exec, with: {run: \"true\", outputs: [missing.json]}}\n",
    );
    // A configuration problem only a stage can see at run time: exit 2.
    p.write(
        "config.yaml",
        "version: 1\nimage: \"oci:not-a-layout\"\nstages:\n  - {kind: sbom}\n",
    );
    p.run(&["run", "-f", "pass.yaml"]).expect(0);
    p.run(&["run", "-f", "gate.yaml"]).expect(1);
    p.run(&["run", "-f", "allowed.yaml"]).expect(0);
    let err = p.run(&["run", "-f", "runtime.yaml"]).expect(3);
    assert_eq!(stage(&p.report("secchain-out"), "exec")["outcome"], "error");
    assert!(
        err.stdout().contains("did not write its declared output"),
        "{}",
        err.stdout()
    );
    p.run(&["run", "-f", "config.yaml"]).expect(2);
    let report = p.report("secchain-out");
    assert_eq!(stage(&report, "sbom")["outcome"], "error");
    assert_eq!(stage(&report, "sbom")["error_kind"], "config");
}

#[test]
fn continue_on_error_is_recorded_but_does_not_fail_the_run() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, name: flaky, continue_on_error: true, with: {run: \"exit 1\"}}\n  - {kind: exec, name: next, with: {run: \"true\"}}\n",
    );
    p.run(&["run", "-f", "p.yaml"]).expect(0);
    let report = p.report("secchain-out");
    assert_eq!(stage(&report, "flaky")["outcome"], "gate_failed");
    assert_eq!(stage(&report, "flaky")["tolerated"], true);
    assert_eq!(stage(&report, "next")["outcome"], "passed");
}

#[test]
fn continue_on_error_never_turns_an_error_into_a_pass() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, name: broken, continue_on_error: true, with: {run: \"true\", outputs: [nope.json]}}\n  - {kind: exec, name: next, with: {run: \"true\"}}\n",
    );
    p.run(&["run", "-f", "p.yaml"]).expect(3);
    let report = p.report("secchain-out");
    assert_eq!(stage(&report, "broken")["outcome"], "error");
    assert_eq!(stage(&report, "broken")["tolerated"], false);
    assert_eq!(stage(&report, "next")["outcome"], "passed");
}

#[test]
fn a_dry_run_changes_nothing_outside_out() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, with: {run: \"touch created-by-exec\"}}\n",
    );
    let out = p
        .run(&["run", "--dry-run", "-f", "p.yaml", "--out", "o"])
        .expect(0);
    assert!(!p.path("created-by-exec").exists());
    let report = p.report("o");
    assert_eq!(report["dry_run"], true);
    assert_eq!(stage(&report, "exec")["outcome"], "skipped");
    assert_eq!(
        stage(&report, "exec")["planned_actions"][0],
        "run `touch created-by-exec`"
    );
    assert!(out.stdout().contains("(dry run)"));
    let mut entries: Vec<_> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    entries.sort();
    assert_eq!(entries, ["o", "p.yaml"]);
}

#[test]
fn secrets_from_the_environment_never_reach_outputs() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nimage: \"reg.example/app:${SECCHAIN_TEST_TAG:-1}\"\nstages:\n  - {kind: exec, with: {run: \"echo token=$DEPLOY_TOKEN; echo pw=$PW >&2; exit 1\", env: {PW: \"${REGISTRY_PASSWORD}\"}}}\n",
    );
    let out = p
        .cmd(&["run", "-f", "p.yaml", "--log-format", "json"])
        .env("DEPLOY_TOKEN", "tok-1234567890")
        .env("REGISTRY_PASSWORD", "hunter2-hunter2")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(p.path("secchain-out/report.json")).unwrap(),
        std::fs::read_to_string(p.path("secchain-out/exec/stdout.log")).unwrap(),
        std::fs::read_to_string(p.path("secchain-out/exec/stderr.log")).unwrap(),
    ]
    .join("\n");
    assert!(
        !all.contains("tok-1234567890") && !all.contains("hunter2-hunter2"),
        "{all}"
    );
    assert!(all.contains("token=***") && all.contains("pw=***"), "{all}");
}

#[test]
fn json_log_format_is_one_event_per_line() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, with: {run: \"true\"}}\n",
    );
    let out = p
        .run(&["run", "-f", "p.yaml", "--log-format", "json"])
        .expect(0)
        .stdout();
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "run_started",
            "stage_started",
            "stage_log",
            "stage_finished",
            "run_finished"
        ]
    );
    assert!(events
        .iter()
        .all(|e| e["time"].as_str().unwrap().ends_with('Z')));
}

#[test]
fn quiet_prints_nothing_on_success() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, with: {run: \"true\"}}\n",
    );
    let out = p.run(&["run", "-q", "-f", "p.yaml"]).expect(0);
    assert_eq!(out.stdout(), "");
    assert_eq!(out.stderr(), "");
}

#[test]
fn an_interrupted_run_says_so_and_leaves_no_complete_looking_report() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, name: slow, with: {run: \"touch started; sleep 60\"}}\n  - {kind: exec, name: later, with: {run: \"true\"}}\n",
    );
    // A stale report from an earlier run must not survive.
    p.write("secchain-out/report.json", "{\"result\": \"passed\"}");
    let mut child = p.cmd(&["run", "-f", "p.yaml"]).spawn().unwrap();
    for _ in 0..300 {
        if p.path("started").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let report = p.report("secchain-out");
    assert_eq!(report["result"], "cancelled");
    assert_eq!(stage(&report, "slow")["outcome"], "cancelled");
    assert_eq!(stage(&report, "later")["outcome"], "skipped");
}

#[test]
fn junit_and_github_actions_outputs_are_written() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - {kind: exec, name: ok, needs: [], with: {run: \"true\"}}\n  - {kind: exec, name: bad, needs: [], with: {run: \"exit 2\"}}\n",
    );
    let summary = p.path("summary.md");
    let outputs = p.path("outputs.txt");
    let out = p
        .cmd(&["run", "-f", "p.yaml"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let junit = std::fs::read_to_string(p.path("secchain-out/junit.xml")).unwrap();
    assert!(
        junit.contains(
            "<testsuites name=\"secchain\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\""
        ),
        "{junit}"
    );
    assert!(
        junit.contains("<testcase name=\"bad gate\" classname=\"secchain.exec\""),
        "{junit}"
    );
    assert!(junit.contains("exec:exit-status [error]"), "{junit}");
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(
        md.contains("## secchain: ❌ a gate failed")
            && md.contains("| bad | exec | ❌ gate failed |"),
        "{md}"
    );
    let outs = std::fs::read_to_string(outputs).unwrap();
    assert!(
        outs.contains("result=gate_failed\n") && outs.contains("exit-code=1\n"),
        "{outs}"
    );
}

#[test]
fn the_command_line_image_satisfies_stages_that_need_one() {
    let p = Project::new();
    // No `image:` in the file: `--image` supplies it, for the check and for the run.
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - kind: secrets\n    with: {hygiene: false}\n",
    );
    let image = format!(
        "oci:{}",
        crate::util::repo_root()
            .join("examples/hello/image")
            .display()
    );
    let without = p.run(&["run", "--dry-run", "-f", "p.yaml"]).expect(2);
    assert!(without.stderr().contains("image:"), "{}", without.stderr());
    p.run(&["run", "--dry-run", "-f", "p.yaml", "--image", &image])
        .expect(0);
    let report = p.report("secchain-out");
    assert_eq!(stage(&report, "secrets")["outcome"], "passed");
}
