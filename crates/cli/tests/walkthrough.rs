//! The five-minute walkthrough (docs/walkthrough.md), command by command, against a
//! local registry: init → validate → database → dry run → fix the findings → dry run →
//! sign → verify.
//!
//! The commands are read from the page's `sh` blocks and run with `sh -c`, so the page
//! cannot drift from what is tested. Three substitutions are made, and only these: the
//! example image `registry.example.com/you/app:dev` is the image pushed to the test's
//! registry; `…` (the password a user types) is a fixed password; and
//! `secchain db update` (which downloads OSV, KEV and EPSS) becomes
//! `secchain db import examples/hello/advisories`, real OSV advisories kept in the
//! repository, because this machine has no internet.

use std::path::Path;

use secchain_test::{LayerBuilder, Registry, TestContext};

use crate::util::{repo_root, stage, Outcome, Project};

/// The image name the page uses.
const DOC_IMAGE: &str = "registry.example.com/you/app:dev";
/// The password the test uses for the key.
const PASSWORD: &str = "walkthrough";

/// Every command of the page, in order, with the exit code it must have.
const STEPS: &[(&str, i32)] = &[
    ("secchain init --image registry.example.com/you/app:dev", 0),
    ("secchain validate", 0),
    ("secchain db update", 0),
    ("secchain run --dry-run", 1),
    ("secchain explain-rule unpinned", 0),
    ("secchain pin Dockerfile", 0),
    ("secchain explain-rule DL3008", 0),
    ("secchain run --dry-run", 0),
    ("secchain key generate", 0),
    (
        "COSIGN_PASSWORD=… secchain sign --key cosign.key registry.example.com/you/app:dev",
        0,
    ),
    (
        "secchain verify --signature-only --key cosign.pub registry.example.com/you/app:dev",
        0,
    ),
];

/// The commands in the `sh` blocks of a Markdown page, trailing `# comments` removed.
fn page_commands(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in page.lines() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            in_sh = !in_sh && info == "sh";
            continue;
        }
        if !in_sh || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let command = match trimmed.find(" #") {
            Some(at) => &trimmed[..at],
            None => trimmed,
        };
        out.push(command.trim().to_string());
    }
    out
}

/// The lines of the page's `text` blocks (what the first dry run prints).
fn page_text_lines() -> Vec<String> {
    let page = std::fs::read_to_string(repo_root().join("docs/walkthrough.md")).unwrap();
    let mut out = Vec::new();
    let mut in_text = false;
    for line in page.lines() {
        if let Some(info) = line.trim().strip_prefix("```") {
            in_text = !in_text && info == "text";
            continue;
        }
        if in_text && !line.trim().is_empty() {
            out.push(line.to_string());
        }
    }
    assert!(out.len() >= 8, "the page shows no summary: {out:?}");
    out
}

/// Output made comparable with the page: the test registry's address as the page's
/// `registry.example.com`, and every duration as `0.0s`.
fn normalised(text: &str, registry: &Registry) -> String {
    text.replace(registry.addr(), "registry.example.com")
        .split(' ')
        .map(|word| {
            let digits = word.trim_end_matches('s');
            if word.ends_with('s')
                && digits.contains('.')
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            {
                "0.0s"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Debian-like image: os-release and a dpkg database with libssl3 3.0.11-1~deb12u2,
/// which the advisories in examples/hello/advisories affect (MEDIUM, fixed upstream).
fn debian_layer() -> Vec<u8> {
    let status = "Package: libssl3\nStatus: install ok installed\nPriority: optional\n\
                  Section: libs\nInstalled-Size: 6200\nMaintainer: Debian OpenSSL Team \
                  <pkg-openssl-devel@alioth-lists.debian.net>\nArchitecture: amd64\n\
                  Source: openssl\nVersion: 3.0.11-1~deb12u2\n\
                  Description: Secure Sockets Layer toolkit - shared libraries\n";
    LayerBuilder::new()
        .file(
            "etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
            0o644,
        )
        .file("var/lib/dpkg/status", status, 0o644)
        .tar_gz()
}

/// Runs one command of the page in the project, with the substitutions above.
fn run_step(p: &Project, command: &str, image: &str) -> Outcome {
    let command = command
        .replace(DOC_IMAGE, image)
        .replace('…', PASSWORD)
        .replace(
            "secchain db update",
            &format!(
                "secchain db import '{}'",
                repo_root().join("examples/hello/advisories").display()
            ),
        );
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_secchain")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut sh = std::process::Command::new("sh");
    sh.args(["-c", &command])
        .current_dir(p.dir.path())
        .env("HOME", p.home.path())
        .env("CI", "true")
        .env("PATH", path)
        .env("COSIGN_PASSWORD", PASSWORD)
        .env_remove("DOCKER_CONFIG")
        .env_remove("SECCHAIN_DB")
        .env_remove("NO_COLOR");
    Outcome(sh.output().unwrap())
}

#[test]
fn the_walkthrough_page_is_what_the_test_runs() {
    let page = std::fs::read_to_string(repo_root().join("docs/walkthrough.md")).unwrap();
    let expected: Vec<&str> = STEPS.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        page_commands(&page),
        expected,
        "docs/walkthrough.md and the steps of crates/cli/tests/walkthrough.rs differ: change both"
    );
}

#[test]
fn the_walkthrough_commands_work_end_to_end() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let base = format!("{}/library/debian:12", registry.addr());
    let image = format!("{}/you/app:dev", registry.addr());
    let layer = ctx.write("l.tar.gz", debian_layer());
    ctx.crane_append(&base, std::slice::from_ref(&layer));
    ctx.crane_append(&image, &[layer]);

    let p = Project::new();
    let unfixed = format!(
        "FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER 1000\n"
    );
    p.write("Dockerfile", &unfixed);

    let mut runs = 0;
    for (command, code) in STEPS {
        let out = run_step(&p, command, &image);
        let (stdout, stderr) = (out.stdout(), out.stderr());
        out.expect(*code);
        match *command {
            "secchain validate" => {
                let pipeline = std::fs::read_to_string(p.path("pipeline.yaml")).unwrap();
                assert!(pipeline.contains(&image), "{pipeline}");
            }
            "secchain db update" => {
                assert!(stdout.contains("imported 2 advisories"), "{stdout}");
                let status = p.run(&["db", "status"]).expect(0).stdout();
                assert!(status.contains("records:  2 advisories"), "{status}");
            }
            "secchain run --dry-run" => {
                runs += 1;
                let report = p.report("secchain-out");
                assert_eq!(report["dry_run"], true);
                assert_eq!(report["exit_code"], *code);
                // Every check ran: nothing was skipped or failed for want of a network.
                for name in ["lint", "pin", "sbom", "scan", "secrets"] {
                    let s = stage(&report, name);
                    assert_ne!(s["outcome"], "error", "{name}: {s:#}");
                    assert_ne!(s["outcome"], "skipped", "{name}: {s:#}");
                }
                let scan = stage(&report, "scan");
                assert_eq!(scan["outcome"], "passed", "{scan:#}");
                // The two MEDIUM advisories of libssl3 were found, and did not block.
                assert_eq!(scan["findings_total"], 2, "{scan:#}");
                let findings = scan["findings"].to_string();
                assert!(findings.contains("libssl3"), "{findings}");
                assert!(
                    stdout.contains("2 vulnerabilities in 1 package "),
                    "{stdout}"
                );
                if runs == 1 {
                    // The base image is not pinned: the pin stage's gate fails, and the
                    // summary points at the gate in pipeline.yaml.
                    assert_eq!(stage(&report, "pin")["outcome"], "gate_failed");
                    assert!(stderr.contains("gate of stage `pin` rejected"), "{stderr}");
                    // The page shows this run's summary and gate line, as printed.
                    let printed = normalised(&format!("{stdout}\n{stderr}"), &registry);
                    for line in page_text_lines() {
                        assert!(
                            printed.contains(&normalised(&line, &registry)),
                            "docs/walkthrough.md shows a line the run did not print:\n{line}\n--- printed\n{printed}"
                        );
                    }
                    // Signing waits until every check has passed.
                    let sign = stage(&report, "sign");
                    assert_eq!(sign["outcome"], "skipped", "{sign:#}");
                    assert_eq!(sign["reason"], "needs `pin`, which did not pass");
                } else {
                    for s in report["stages"].as_array().unwrap() {
                        assert_eq!(s["outcome"], "passed", "{s:#}");
                    }
                    assert!(stdout.contains("ephemeral"), "{stdout}");
                }
            }
            "secchain explain-rule unpinned" => {
                assert!(stdout.contains("secchain pin"), "{stdout}");
            }
            "secchain pin Dockerfile" => {
                let pinned = std::fs::read_to_string(p.path("Dockerfile")).unwrap();
                assert!(
                    pinned.starts_with(&format!("FROM {base}@sha256:")),
                    "{pinned}"
                );
                // Only the reference changed.
                assert_eq!(
                    pinned.lines().skip(1).collect::<Vec<_>>(),
                    unfixed.lines().skip(1).collect::<Vec<_>>()
                );
            }
            "secchain explain-rule DL3008" => {
                assert!(
                    stdout.contains("How to fix it") && stdout.contains("hadolint ignore=DL3008")
                );
                // The page's "fix the Dockerfile": pin the apt package's version.
                let lint = p.run(&["lint", "--fail-on", "warning"]).expect(1).stdout();
                assert!(lint.contains("DL3008"), "{lint}");
                let dockerfile = std::fs::read_to_string(p.path("Dockerfile")).unwrap();
                p.write(
                    "Dockerfile",
                    &dockerfile.replace(" curl ", " curl=7.88.1-10+deb12u5 "),
                );
                let lint = p.run(&["lint", "--fail-on", "warning"]).expect(0).stdout();
                assert!(!lint.contains("DL3008"), "{lint}");
            }
            "secchain key generate" => {
                assert!(p.path("cosign.key").is_file() && p.path("cosign.pub").is_file());
            }
            c if c.starts_with("secchain verify") => {
                assert!(stdout.contains("verified"), "{stdout}");
            }
            _ => {}
        }
    }
    assert_eq!(runs, 2);

    // Another key does not verify the image: fail closed.
    let q = Project::new();
    let out = q
        .cmd(&["key", "generate"])
        .env("COSIGN_PASSWORD", "other")
        .output()
        .unwrap();
    assert!(out.status.success());
    let other_pub = q.path("cosign.pub");
    p.run(&[
        "verify",
        "--signature-only",
        "--key",
        other_pub.to_str().unwrap(),
        &image,
    ])
    .expect(1);
}
