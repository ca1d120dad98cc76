//! The files users copy into their CI: the GitHub Action, example workflows, the GitLab
//! template and the org-wide pipeline example.

use std::path::Path;

use secchain_test::tools_dir;

use crate::util::{repo_root, Project};

fn check_jsonschema(builtin: &str, file: &Path) {
    let bin = tools_dir().join("venv/bin/check-jsonschema");
    assert!(
        bin.exists(),
        "missing {}: run scripts/install-test-tools",
        bin.display()
    );
    let out = std::process::Command::new(bin)
        .args(["--builtin-schema", builtin])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} fails {builtin}: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every `uses:` names a full 40-hex commit.
fn assert_pinned(file: &Path) {
    let text = std::fs::read_to_string(file).unwrap();
    for line in text
        .lines()
        .filter(|l| l.trim_start().trim_start_matches("- ").starts_with("uses:"))
    {
        let reference = line
            .split("uses:")
            .nth(1)
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .trim();
        let sha = reference.rsplit('@').next().unwrap();
        assert!(
            sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{}: `{reference}` is not pinned by commit SHA",
            file.display()
        );
    }
}

#[test]
fn the_action_and_example_workflows_are_valid_and_pinned() {
    let root = repo_root();
    check_jsonschema("vendor.github-actions", &root.join("action.yml"));
    assert_pinned(&root.join("action.yml"));
    for name in ["pull-request.yml", "main.yml"] {
        let file = root.join("examples/ci/github").join(name);
        check_jsonschema("vendor.github-workflows", &file);
        assert_pinned(&file);
    }
}

#[test]
fn the_gitlab_template_is_valid_yaml_with_the_reports_gitlab_shows() {
    let python = tools_dir().join("venv/bin/python");
    let file = repo_root().join("templates/gitlab/secchain.yml");
    let script = "import sys, yaml\nd = yaml.safe_load(open(sys.argv[1]))\nr = d['secchain']['artifacts']['reports']\nprint(sorted(r))";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "['codequality', 'container_scanning', 'junit']"
    );
}

#[test]
fn the_org_example_accepts_the_compliant_repository_and_rejects_the_weakening_one() {
    let p = Project::new();
    let org = repo_root().join("examples/org/repos");
    p.run(&[
        "validate",
        "-f",
        org.join("payments/pipeline.yaml").to_str().unwrap(),
    ])
    .expect(0);
    let err = p
        .run(&[
            "validate",
            "-f",
            org.join("legacy/pipeline.yaml").to_str().unwrap(),
        ])
        .expect(2)
        .stderr();
    assert!(err.contains("weakens the locked gate"), "{err}");
    assert!(
        err.contains("legacy/pipeline.yaml:10:5") && err.contains("base.yaml:21:5"),
        "{err}"
    );
    let explained = p
        .run(&[
            "explain",
            "-f",
            org.join("payments/pipeline.yaml").to_str().unwrap(),
        ])
        .expect(0)
        .stdout();
    assert!(
        explained.contains("base.yaml:") && explained.contains("payments/pipeline.yaml:"),
        "{explained}"
    );
}

#[test]
fn secchains_own_dockerfile_passes_its_own_lint_with_pinned_distroless_bases() {
    let root = repo_root();
    let dockerfile = root.join("Dockerfile");
    let out = Project::new()
        .run(&["lint", dockerfile.to_str().unwrap(), "-f", "json"])
        .expect(0)
        .stdout();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["passed"], true);
    assert_eq!(
        report["files"][0]["findings"],
        serde_json::json!([]),
        "{out}"
    );
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    let bases: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("FROM "))
        .collect();
    assert!(bases.len() >= 2, "a multi-stage build: {bases:?}");
    for base in &bases {
        let digest = base.split("@sha256:").nth(1).unwrap_or_default();
        assert!(
            digest.len() >= 64 && digest[..64].bytes().all(|b| b.is_ascii_hexdigit()),
            "{base} is pinned by digest"
        );
    }
    assert!(bases.last().unwrap().starts_with("gcr.io/distroless/"));
}

#[test]
fn the_pre_commit_hooks_block_a_commit_whose_dry_run_fails() {
    let root = repo_root();
    // The pre-commit framework's hook list parses and runs secchain's dry run.
    let python = tools_dir().join("venv/bin/python3");
    let hooks = std::process::Command::new(python)
        .args([
            "-c",
            "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(root.join(".pre-commit-hooks.yaml"))
        .output()
        .unwrap();
    assert!(hooks.status.success());
    let hooks: serde_json::Value = serde_json::from_slice(&hooks.stdout).unwrap();
    let dry_run = hooks
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "secchain-dry-run")
        .unwrap();
    assert!(dry_run["entry"]
        .as_str()
        .unwrap()
        .starts_with("secchain run --dry-run"));

    // The plain git hook, in a real repository: a passing pipeline lets the commit
    // through, a failing lint gate stops it.
    let p = Project::new();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(p.dir.path())
            .env("HOME", p.home.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    let hook = p.path(".git/hooks/pre-commit");
    std::fs::copy(root.join("examples/ci/pre-commit/pre-commit"), &hook).unwrap();
    p.write(
        "pipeline.yaml",
        "version: 1\ndockerfile: Dockerfile\nstages:\n  - kind: lint\n",
    );
    p.write("Dockerfile", "FROM scratch\nUSER 65532\n");
    git(&["add", "."]);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_secchain")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commit = || {
        std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-q",
                "-m",
                "x",
            ])
            .current_dir(p.dir.path())
            .env("HOME", p.home.path())
            .env("PATH", &path)
            .env("TMPDIR", p.home.path())
            .output()
            .unwrap()
    };
    let ok = commit();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // SEC004: a literal credential in the Dockerfile fails the lint gate.
    p.write(
        "Dockerfile",
        "FROM scratch\nENV GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\nUSER 65532\n",
    );
    git(&["add", "."]);
    let blocked = commit();
    assert_eq!(
        blocked.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&blocked.stderr)
    );
    // Blocked by the lint gate (not by a configuration error).
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(p.home.path().join("secchain-pre-commit/report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["exit_code"], 1);
    let lint = crate::util::stage(&report, "lint");
    assert_eq!(lint["outcome"], "gate_failed");
    assert!(lint["blocking_findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "SEC004"));
}
