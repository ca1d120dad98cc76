//! The end-of-run output: the summary table (snapshot), colour on a terminal (run under a
//! real pseudo-terminal) but not off one or with `NO_COLOR`, and the line naming the gate
//! that rejected the image.

use std::process::{Command, Stdio};

use crate::util::{repo_root, Outcome, Project};

/// Compares `actual` with the committed snapshot; `SECCHAIN_UPDATE_SNAPSHOTS=1` rewrites it.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = repo_root().join("crates/cli/tests/snapshots").join(name);
    if std::env::var_os("SECCHAIN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "snapshot {name} differs (SECCHAIN_UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

/// Durations such as `0.1s` vary between runs; make them `0.0s`.
fn without_times(text: &str) -> String {
    text.lines()
        .map(|line| {
            line.split(' ')
                .map(|word| {
                    let digits = word.trim_end_matches('s');
                    let is_time = word.ends_with('s')
                        && digits.contains('.')
                        && digits.chars().all(|c| c.is_ascii_digit() || c == '.');
                    if is_time {
                        "0.0s".to_string()
                    } else {
                        word.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .map(|l| l + "\n")
        .collect()
}

const PIPELINE: &str = r#"version: 1
stages:
  - kind: exec
    name: build
    needs: []
    with: {run: "true"}

  - kind: exec
    name: unit-tests
    needs: []
    with: {run: "exit 3"}
    gate:
      exit_codes: [0, 1]

  - kind: exec
    name: after-tests
    needs: [unit-tests]
    with: {run: "true"}
"#;

#[test]
fn the_summary_names_each_stage_outcome_and_the_gate_line_that_failed() {
    let p = Project::new();
    p.write("pipeline.yaml", PIPELINE);
    let out = p
        .cmd(&["run", "--out", "out"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let outcome = crate::util::Outcome(out).expect(1);
    let stdout = outcome.stdout();
    assert!(!stdout.contains('\x1b'), "colour with NO_COLOR: {stdout:?}");
    assert_snapshot("summary-gate-failed.txt", &without_times(&stdout));
    let stderr = outcome.stderr();
    assert!(
        stderr.contains("pipeline.yaml:12:5: gate of stage `unit-tests` rejected exec:exit-status"),
        "{stderr}"
    );
}

#[test]
fn a_passing_run_has_no_gate_lines_and_no_colour_off_a_terminal() {
    let p = Project::new();
    p.write(
        "pipeline.yaml",
        "version: 1\nstages:\n  - kind: exec\n    with: {run: \"true\"}\n",
    );
    let outcome = p.run(&["run", "--out", "out"]).expect(0);
    assert!(!outcome.stdout().contains('\x1b'));
    assert!(outcome
        .stdout()
        .contains("result: every gate passed (exit 0)"));
    assert!(
        !outcome.stderr().contains("rejected"),
        "{}",
        outcome.stderr()
    );
}

#[test]
fn a_scan_gate_failure_names_the_package_and_the_version_to_upgrade_to() {
    let p = Project::new();
    let root = repo_root();
    p.write(
        "pipeline.yaml",
        &format!(
            "version: 1\nimage: oci:{root}/examples/hello/image:1.0\nplatform: linux/amd64\nstages:\n  \
             - kind: scan\n    with:\n      advisories: {root}/examples/hello/advisories\n    \
             gate:\n      severity: [CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN]\n",
            root = root.display()
        ),
    );
    let outcome = p.run(&["run", "--out", "out"]).expect(1);
    let stdout = outcome.stdout();
    let line = stdout.lines().find(|l| l.starts_with("scan")).unwrap();
    let headline = "2 fixable MEDIUM in libssl3 3.0.11-1~deb12u2 → upgrade to 3.0.13-1~deb12u1; ";
    assert!(line.contains(headline), "{stdout}");
    assert!(
        outcome
            .stderr()
            .contains("pipeline.yaml:8:5: gate of stage `scan` rejected "),
        "{}",
        outcome.stderr()
    );
}

/// `word` quoted for `sh`.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// Runs `secchain ARGS` in the project under a pseudo-terminal (util-linux
/// `script -qec CMD /dev/null`), with `NO_COLOR` unset unless `no_color`; returns what the
/// terminal received (stdout and stderr together).
fn run_on_a_terminal(p: &Project, args: &[&str], no_color: bool) -> Outcome {
    let command = std::iter::once(env!("CARGO_BIN_EXE_secchain"))
        .chain(args.iter().copied())
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"])
        .current_dir(p.dir.path())
        .env("HOME", p.home.path())
        .env_remove("DOCKER_CONFIG")
        .env_remove("NO_COLOR")
        .env("CI", "true")
        .env("TERM", "xterm")
        .stdin(Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    Outcome(
        cmd.output()
            .expect("util-linux `script` runs (apt-get install bsdutils)"),
    )
}

#[test]
fn the_summary_is_coloured_on_a_terminal_only_without_no_color() {
    let p = Project::new();
    p.write("pipeline.yaml", PIPELINE);
    let args = ["run", "--out", "out"];

    // On a terminal: the outcomes are coloured (green pass, bold red gate failure).
    let tty = run_on_a_terminal(&p, &args, false).expect(1).stdout();
    assert!(tty.contains("STAGE"), "no summary on the terminal: {tty:?}");
    assert!(tty.contains("\x1b[32mpassed"), "{tty:?}");
    assert!(tty.contains("\x1b[1;31mgate failed\x1b[0m"), "{tty:?}");

    // On a terminal with NO_COLOR=1: the same summary, no escape sequence at all.
    let plain = run_on_a_terminal(&p, &args, true).expect(1).stdout();
    assert!(
        plain.contains("STAGE") && plain.contains("gate failed"),
        "{plain:?}"
    );
    assert!(!plain.contains('\x1b'), "colour with NO_COLOR: {plain:?}");

    // Piped (not a terminal), NO_COLOR unset: no colour either.
    let piped = Outcome(p.cmd(&args).env_remove("NO_COLOR").output().unwrap()).expect(1);
    assert!(piped.stdout().contains("gate failed"), "{}", piped.stdout());
    assert!(!piped.stdout().contains('\x1b'), "{:?}", piped.stdout());
    assert!(!piped.stderr().contains('\x1b'), "{:?}", piped.stderr());
}
