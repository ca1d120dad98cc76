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
