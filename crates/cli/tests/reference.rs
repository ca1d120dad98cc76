//! Generated reference files stay in step with the binary: the pipeline JSON Schema,
//! the pipeline reference, the rule catalogue and the man page are committed, and each
//! test regenerates one and compares. The example pipelines validate against the schema.

use std::path::{Path, PathBuf};

use crate::util::{repo_root, Project};

/// Fails with a diff-friendly message when `committed` is not what `command` prints now.
fn assert_fresh(committed: &str, args: &[&str]) {
    let p = Project::new();
    let generated = p.run(args).expect(0).stdout();
    let path = repo_root().join(committed);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != generated {
        let first = on_disk
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or(
                on_disk.lines().count().min(generated.lines().count()),
                |i| i,
            );
        panic!(
            "{committed} is stale (first difference at line {}): run `secchain {} > {committed}`",
            first + 1,
            args.join(" ")
        );
    }
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    assert_fresh("schemas/pipeline.schema.json", &["schema"]);
}

#[test]
fn the_committed_pipeline_reference_is_the_generated_one() {
    assert_fresh("docs/pipeline-reference.md", &["docs", "pipeline"]);
}

#[test]
fn the_committed_rule_catalogue_is_the_generated_one() {
    assert_fresh("docs/rules.md", &["docs", "rules"]);
}

#[test]
fn the_committed_man_page_is_the_generated_one() {
    assert_fresh("docs/man/secchain.1", &["man"]);
}

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(repo_root().join("schemas/pipeline.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The YAML file as JSON, for the validator.
fn yaml_as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example_pipelines() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = vec![root.join("pipeline.example.yaml")];
    let mut dirs = vec![root.join("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml")
                && std::fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .any(|l| l == "version: 1")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_example_pipeline_validates_against_the_schema_and_names_it() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let files = example_pipelines();
    assert!(files.len() >= 4, "{files:?}");
    for file in files {
        let errors: Vec<String> = validator
            .iter_errors(&yaml_as_json(&file))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        let first = std::fs::read_to_string(&file).unwrap();
        let first = first.lines().next().unwrap();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{}: no yaml-language-server line", file.display()));
        let resolved = file.parent().unwrap().join(target);
        assert!(
            resolved.is_file(),
            "{}: {target} does not exist",
            file.display()
        );
    }
}

#[test]
fn the_schema_rejects_what_validate_rejects() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let bad = [
        // Unknown top-level key.
        serde_json::json!({"version": 1, "stagez": []}),
        // Unknown stage kind.
        serde_json::json!({"version": 1, "stages": [{"kind": "lnt"}]}),
        // A scan gate option that does not exist.
        serde_json::json!({"version": 1, "stages": [{"kind": "scan", "gate": {"severty": ["HIGH"]}}]}),
        // A severity that does not exist.
        serde_json::json!({"version": 1, "stages": [{"kind": "scan", "gate": {"severity": ["SEVERE"]}}]}),
        // A lint option used on the pin stage.
        serde_json::json!({"version": 1, "stages": [{"kind": "pin", "with": {"ignored": ["DL3008"]}}]}),
        // The policy stage has no gate.
        serde_json::json!({"version": 1, "stages": [{"kind": "policy", "gate": {"x": 1}}]}),
    ];
    for doc in bad {
        assert!(!validator.is_valid(&doc), "accepted {doc}");
    }
    let good = serde_json::json!({"version": 1, "stages": [
        {"kind": "scan", "gate": {"severity": ["CRITICAL"], "ignore_unfixed": true}},
        {"kind": "exec", "name": "t", "with": {"run": "make test"}},
        {"kind": "lint", "gate": {"fail_on": "warning"}},
    ]});
    assert!(validator.is_valid(&good));
    let p = Project::new();
    p.write(
        "pipeline.yaml",
        "version: 1\nstages:\n  - kind: scan\n    gate: {severty: [HIGH]}\n",
    );
    p.run(&["validate"]).expect(2);
}

#[test]
fn completions_are_generated_for_each_shell() {
    let p = Project::new();
    for (shell, marker) in [
        ("bash", "complete"),
        ("zsh", "#compdef"),
        ("fish", "complete -c secchain"),
    ] {
        let out = p.run(&["completions", shell]).expect(0).stdout();
        assert!(out.contains(marker), "{shell}: {out}");
        assert!(out.contains("explain-rule"), "{shell} lacks subcommands");
    }
    p.run(&["completions", "tcsh"]).expect(2);
}
