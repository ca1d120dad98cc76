//! Never a false pass: for every stage kind that has a gate, a stage that cannot do its
//! work makes the run fail (exit 2 or 3), the report marks it `error`, and this holds
//! with `continue_on_error: true` too, where the provenance (which still runs) records
//! the error.

use base64::Engine as _;

use crate::util::{repo_root, stage, Project};

/// A stage kind, the `with:` that makes it fail at run time, and whether the image
/// stays readable (then the provenance runs after it and records the error).
struct Case {
    kind: &'static str,
    with: &'static str,
    image_ok: bool,
}

/// Every gated kind, each broken in a way only running it can find out: the
/// Dockerfile is not UTF-8 (lint), its base image's registry does not answer (pin),
/// the advisories are not advisories (scan), the command does not exist (exec), the
/// image is a directory that is not an OCI layout (the stages that read the image).
const CASES: &[Case] = &[
    Case {
        kind: "lint",
        with: "{}",
        image_ok: true,
    },
    Case {
        kind: "pin",
        with: "{}",
        image_ok: true,
    },
    Case {
        kind: "scan",
        with: "{advisories: not-advisories.txt}",
        image_ok: true,
    },
    Case {
        kind: "exec",
        with: "{run: [\"/nonexistent/secchain-test-command\"]}",
        image_ok: true,
    },
    Case {
        kind: "sbom",
        with: "{}",
        image_ok: false,
    },
    Case {
        kind: "secrets",
        with: "{}",
        image_ok: false,
    },
    Case {
        kind: "runtime-rules",
        with: "{repository: registry.example.com/app}",
        image_ok: false,
    },
    Case {
        kind: "sign",
        with: "{}",
        image_ok: false,
    },
];

fn pipeline(case: &Case, tolerate: bool, dockerfile: &str) -> String {
    let image = if case.image_ok {
        format!(
            "oci:{}:1.0",
            repo_root().join("examples/hello/image").display()
        )
    } else {
        "oci:not-a-layout".to_string()
    };
    format!(
        "version: 1\nimage: \"{image}\"\ndockerfile: {dockerfile}\nstages:\n\
         \x20 - kind: {kind}\n    continue_on_error: {tolerate}\n    with: {with}\n\
         \x20 - kind: provenance\n    with: {{key: cosign.key, attach: false}}\n",
        kind = case.kind,
        with = case.with,
    )
}

fn recorded_outcome(p: &Project, kind: &str) -> Option<String> {
    let line = std::fs::read(p.path("secchain-out/provenance/provenance.intoto.jsonl")).ok()?;
    let envelope: serde_json::Value = serde_json::from_slice(&line).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    statement["predicate"]["runDetails"]["byproducts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == format!("stage/{kind}"))
        .map(|b| b["annotations"]["outcome"].as_str().unwrap().to_string())
}

#[test]
fn an_error_in_any_gated_stage_never_reads_as_a_pass() {
    for case in CASES {
        for tolerate in [false, true] {
            let p = Project::new();
            std::fs::create_dir_all(p.path("not-a-layout")).unwrap();
            std::fs::write(
                p.path("Dockerfile"),
                b"FROM scratch\nLABEL a=\"\xff\xfe\"\n",
            )
            .unwrap();
            p.write("Dockerfile.pin", "FROM 127.0.0.1:1/base:1\nUSER 65532\n");
            p.write("not-advisories.txt", "these are not advisories\n");
            let dockerfile = if case.kind == "pin" {
                "Dockerfile.pin"
            } else {
                "Dockerfile"
            };
            p.write("pipeline.yaml", &pipeline(case, tolerate, dockerfile));
            let with_password = |args: &[&str]| {
                crate::util::Outcome(
                    p.cmd(args)
                        .env("COSIGN_PASSWORD", "correct horse")
                        .output()
                        .unwrap(),
                )
            };
            with_password(&["key", "generate"]).expect(0);
            // A real run: a dry run would not execute `exec`.
            let out = with_password(&["run", "-f", "pipeline.yaml"]);
            let report = p.report("secchain-out");
            let what = format!(
                "{} (continue_on_error: {tolerate}): exit {}\n{}",
                case.kind,
                out.code(),
                out.stderr()
            );
            assert!(
                [2, 3].contains(&out.code()),
                "{what}: an error must fail the run"
            );
            assert_eq!(report["exit_code"], out.code(), "{what}");
            assert_ne!(report["result"], "passed", "{what}");
            let s = stage(&report, case.kind);
            assert_eq!(s["outcome"], "error", "{what}: {s:#}");
            // continue_on_error tolerates a failed gate, never an error.
            assert_eq!(s["tolerated"], false, "{what}");
            if tolerate && case.image_ok {
                // The run went on to the provenance, which says the stage errored.
                assert_eq!(
                    recorded_outcome(&p, case.kind).as_deref(),
                    Some("error"),
                    "{what}"
                );
            }
        }
    }
}
