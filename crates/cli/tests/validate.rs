//! `secchain validate`: every class of configuration error, with its location and hint.

use crate::util::Project;

/// Validates `pipeline` (as p.yaml) and returns stderr, asserting exit code 2.
fn problems(pipeline: &str) -> String {
    let p = Project::new();
    p.write("p.yaml", pipeline);
    p.run(&["validate", "-f", "p.yaml"]).expect(2).stderr()
}

#[test]
fn a_valid_pipeline_exits_0() {
    let p = Project::new();
    p.write(
        "p.yaml",
        "version: 1\nstages:\n  - kind: exec\n    with: {run: \"true\"}\n",
    );
    let out = p.run(&["validate", "-f", "p.yaml"]).expect(0);
    assert!(
        out.stdout().contains("p.yaml is valid: 1 stage(s)"),
        "{}",
        out.stdout()
    );
}

#[test]
fn a_misspelt_key_names_line_column_and_the_likely_key() {
    let err =
        problems("version: 1\nstages:\n  - kind: exec\n    neds: []\n    with: {run: \"true\"}\n");
    assert!(err.contains("unknown key `neds`"), "{err}");
    assert!(err.contains("--> p.yaml:4:5"), "{err}");
    assert!(err.contains("did you mean `needs`?"), "{err}");
    assert!(err.contains("nothing was run"), "{err}");
}

#[test]
fn a_misspelt_top_level_key_is_reported() {
    let err = problems("version: 1\nimgae: nginx\nstages: []\n");
    assert!(
        err.contains("p.yaml:2:1") && err.contains("did you mean `image`?"),
        "{err}"
    );
}

#[test]
fn yaml_syntax_errors_have_a_location() {
    let err = problems("version: 1\nstages:\n  - kind: exec\n   with: [unclosed\n");
    assert!(
        err.contains("config:syntax") && err.contains("p.yaml:"),
        "{err}"
    );
}

#[test]
fn wrong_types_name_the_field() {
    let err = problems("version: 1\nstages:\n  - kind: exec\n    continue_on_error: maybe\n    with: {run: \"true\"}\n");
    assert!(err.contains("config:type"), "{err}");
    assert!(err.contains("stages[0].continue_on_error"), "{err}");
    assert!(err.contains("p.yaml:4:24"), "{err}");
}

#[test]
fn unsupported_versions_are_rejected() {
    let err = problems("version: 7\nstages: []\n");
    assert!(
        err.contains("unsupported pipeline version 7") && err.contains("p.yaml:1:10"),
        "{err}"
    );
}

#[test]
fn unknown_stage_kinds_suggest_the_closest() {
    let err = problems("version: 1\nstages:\n  - kind: sacn\n");
    assert!(
        err.contains("unknown stage kind `sacn`") && err.contains("did you mean `scan`?"),
        "{err}"
    );
    assert!(err.contains("p.yaml:3:11"), "{err}");
}

#[test]
fn stages_without_a_kind_are_rejected() {
    let err = problems("version: 1\nstages:\n  - name: x\n");
    assert!(err.contains("this stage has no `kind:`"), "{err}");
}

#[test]
fn duplicate_stage_names_point_at_both() {
    let err = problems("version: 1\nstages:\n  - kind: exec\n    with: {run: a}\n  - kind: exec\n    with: {run: b}\n");
    assert!(err.contains("two stages are named `exec`"), "{err}");
    assert!(
        err.contains("p.yaml:5:5") && err.contains("p.yaml:3:5"),
        "{err}"
    );
}

#[test]
fn needs_must_name_stages() {
    let err = problems("version: 1\nstages:\n  - kind: exec\n    name: build\n    with: {run: a}\n  - kind: exec\n    name: test\n    needs: [biuld]\n    with: {run: b}\n");
    assert!(
        err.contains("needs `biuld`, which is not a stage")
            && err.contains("did you mean `build`?"),
        "{err}"
    );
    assert!(err.contains("p.yaml:8:13"), "{err}");
}

#[test]
fn needs_cycles_are_rejected() {
    let err = problems(
        "version: 1\nstages:\n  - {kind: exec, name: a, needs: [c], with: {run: x}}\n  - {kind: exec, name: b, needs: [a], with: {run: x}}\n  - {kind: exec, name: c, needs: [b], with: {run: x}}\n",
    );
    assert!(
        err.contains("config:needs-cycle") && err.contains("a → c → b → a"),
        "{err}"
    );
}

#[test]
fn a_missing_dockerfile_is_reported() {
    let err = problems("version: 1\ndockerfile: app/Dockerfile\nstages: []\n");
    assert!(
        err.contains("the Dockerfile")
            && err.contains("does not exist")
            && err.contains("p.yaml:2:13"),
        "{err}"
    );
}

#[test]
fn unset_variables_are_reported_with_a_hint() {
    let err = problems(
        "version: 1\nimage: registry.example/app:${SECCHAIN_TEST_UNSET_TAG}\nstages: []\n",
    );
    assert!(
        err.contains("`SECCHAIN_TEST_UNSET_TAG` is not set"),
        "{err}"
    );
    assert!(
        err.contains("${SECCHAIN_TEST_UNSET_TAG:-value}") && err.contains("p.yaml:2:8"),
        "{err}"
    );
}

#[test]
fn stage_options_are_checked_by_the_stage() {
    let err = problems(
        "version: 1\nstages:\n  - kind: exec\n    with:\n      run: \"true\"\n      oputs: [x]\n",
    );
    assert!(
        err.contains("unknown key `oputs` in `with`") && err.contains("did you mean `outputs`?"),
        "{err}"
    );
    assert!(err.contains("p.yaml:6:7"), "{err}");
    let err = problems("version: 1\nstages:\n  - kind: exec\n    with: {run: \"\"}\n");
    assert!(err.contains("needs a command in `with.run`"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = problems("version: 1\nstages:\n  - kind: sacn\n  - kind: exec\n    neds: []\n    with: {run: x, oputs: []}\n");
    assert!(err.contains("3 problems in p.yaml"), "{err}");
}

#[test]
fn a_missing_pipeline_file_is_a_usage_error() {
    let p = Project::new();
    let err = p.run(&["validate", "-f", "nope.yaml"]).expect(2).stderr();
    assert!(
        err.contains("cannot read pipeline file `nope.yaml`"),
        "{err}"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let p = Project::new();
    p.run(&["run", "--no-such-flag"]).expect(2);
}
