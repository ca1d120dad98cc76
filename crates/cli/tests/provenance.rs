//! The provenance stage and `secchain verify` end to end, against a real registry and
//! the real cosign: the attestation verifies with `cosign verify-attestation --type
//! slsaprovenance1`, follows the in-toto and SLSA field rules, and `secchain verify`
//! rejects a changed byproduct, a provenance for another digest and a failed gate.

use base64::Engine as _;
use secchain_test::{tool, Registry, TestContext};

use crate::util::{repo_root, stage, Project};

const PASSWORD: &str = "correct horse";

/// A project with a cosign key pair, the example image pushed to a registry, and a
/// Dockerfile whose base image is that image (so the pin stage has work to do).
struct Setup {
    registry: Registry,
    ctx: TestContext,
    p: Project,
    image: String,
    digest: String,
}

impl Setup {
    fn new() -> Self {
        let registry = Registry::start();
        let ctx = TestContext::new();
        let image = format!("{}/hello:1", registry.addr());
        ctx.crane(&[
            "push",
            repo_root().join("examples/hello/image").to_str().unwrap(),
            &image,
        ]);
        let digest = ctx.crane(&["digest", &image]);
        let p = Project::new();
        p.write("Dockerfile", &format!("FROM {image}\nUSER 65532\n"));
        let s = Setup {
            registry,
            ctx,
            p,
            image,
            digest,
        };
        s.secchain(&["key", "generate"]).expect(0);
        s
    }

    fn secchain(&self, args: &[&str]) -> crate::util::Outcome {
        crate::util::Outcome(
            self.p
                .cmd(args)
                .env("COSIGN_PASSWORD", PASSWORD)
                .output()
                .unwrap(),
        )
    }

    /// Writes the pipeline: pin, sbom, scan (the scan gate given), sign, provenance.
    fn pipeline(&self, scan_gate: &str, tolerate_scan: bool) {
        let advisories = repo_root().join("examples/hello/advisories");
        self.p.write(
            "pipeline.yaml",
            &format!(
                "version: 1\nimage: {image}\ndockerfile: Dockerfile\nstages:\n\
                 \x20 - kind: pin\n\
                 \x20 - kind: sbom\n    needs: []\n\
                 \x20 - kind: scan\n    needs: [sbom]\n    continue_on_error: {tolerate_scan}\n\
                 \x20   with: {{advisories: \"{advisories}\"}}\n    gate: {scan_gate}\n\
                 \x20 - kind: sign\n    needs: [scan]\n    with: {{key: cosign.key}}\n\
                 \x20 - kind: provenance\n    with: {{key: cosign.key}}\n",
                image = self.image,
                advisories = advisories.display(),
            ),
        );
    }

    fn by_digest(&self) -> String {
        format!("{}/hello@{}", self.registry.addr(), self.digest)
    }

    fn cosign(&self, args: &[&str]) -> std::process::Output {
        self.ctx
            .command(tool("cosign"))
            .args(args)
            .current_dir(self.p.dir.path())
            .output()
            .unwrap()
    }
}

/// Decodes the statements cosign printed (one DSSE envelope per line).
fn statements(cosign_stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(cosign_stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .map(|l| {
            let envelope: serde_json::Value = serde_json::from_str(l).unwrap();
            let payload = base64::engine::general_purpose::STANDARD
                .decode(envelope["payload"].as_str().unwrap())
                .unwrap();
            serde_json::from_slice(&payload).unwrap()
        })
        .collect()
}

fn is_sha256_hex(v: &serde_json::Value) -> bool {
    v.as_str()
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The in-toto Statement v1 and SLSA provenance v1 field rules.
fn assert_slsa_v1(statement: &serde_json::Value) {
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(statement["predicateType"], "https://slsa.dev/provenance/v1");
    let subjects = statement["subject"].as_array().unwrap();
    assert!(!subjects.is_empty(), "a statement has at least one subject");
    for s in subjects {
        assert!(is_sha256_hex(&s["digest"]["sha256"]), "subject digest: {s}");
    }
    let p = &statement["predicate"];
    let def = &p["buildDefinition"];
    assert!(def["buildType"].as_str().unwrap().starts_with("https://"));
    assert!(def["externalParameters"].is_object());
    let run = &p["runDetails"];
    assert!(!run["builder"]["id"].as_str().unwrap().is_empty());
    for time in ["startedOn", "finishedOn"] {
        let t = run["metadata"][time].as_str().unwrap();
        assert!(
            t.len() >= 20 && t.as_bytes()[10] == b'T' && t.ends_with('Z'),
            "{time} is RFC 3339 UTC: {t}"
        );
    }
    assert!(!run["metadata"]["invocationId"].as_str().unwrap().is_empty());
    for list in [&def["resolvedDependencies"], &run["byproducts"]] {
        for d in list.as_array().into_iter().flatten() {
            // A ResourceDescriptor has at least one of uri, digest, content.
            assert!(
                d.get("uri").is_some() || d.get("digest").is_some() || d.get("content").is_some(),
                "{d}"
            );
            if let Some(hex) = d["digest"].get("sha256") {
                assert!(is_sha256_hex(hex), "{d}");
            }
        }
    }
}

#[test]
fn a_real_run_attaches_a_provenance_that_cosign_verifies_and_secchain_verify_checks() {
    let s = Setup::new();
    s.pipeline("{severity: [CRITICAL, HIGH]}", false);
    s.secchain(&["run", "-f", "pipeline.yaml"]).expect(0);
    let report = s.p.report("secchain-out");
    assert_eq!(stage(&report, "provenance")["outcome"], "passed");

    // cosign finds and verifies the provenance, the SBOM and the scan results.
    let by_digest = s.by_digest();
    let verify_attestation = |kind: &str| {
        let out = s.cosign(&[
            "verify-attestation",
            "--key",
            "cosign.pub",
            "--type",
            kind,
            "--insecure-ignore-tlog=true",
            "--allow-insecure-registry",
            &by_digest,
        ]);
        assert!(
            out.status.success(),
            "cosign verify-attestation --type {kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        statements(&out.stdout)
    };
    let provenance = verify_attestation("slsaprovenance1");
    assert_eq!(provenance.len(), 1, "{provenance:#?}");
    let statement = &provenance[0];
    assert_slsa_v1(statement);
    assert!(verify_attestation("cyclonedx")[0]["predicate"]["components"].is_array());
    assert!(verify_attestation("vuln")[0]["predicate"]["scanner"]["result"].is_object());

    // The subject is the image; the pinned base image and the advisories are inputs;
    // every output file of the run is a byproduct with its digest.
    let hex = s.digest.strip_prefix("sha256:").unwrap();
    assert_eq!(statement["subject"][0]["digest"]["sha256"], hex);
    let deps = statement["predicate"]["buildDefinition"]["resolvedDependencies"]
        .as_array()
        .unwrap();
    assert!(
        deps.iter().any(|d| d["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("pkg:docker/"))
            && d["digest"]["sha256"] == hex),
        "the pinned base image: {deps:#?}"
    );
    assert!(deps.iter().any(|d| d["name"] == "Dockerfile"));
    assert!(deps.iter().any(|d| d["name"] == "vulnerability-database"));
    let byproducts = statement["predicate"]["runDetails"]["byproducts"]
        .as_array()
        .unwrap();
    let sbom = std::fs::read(s.p.path("secchain-out/sbom/sbom.cdx.json")).unwrap();
    let sbom_digest = secchain_pipeline::sha256_digest(&sbom);
    assert!(byproducts.iter().any(|b| b["name"] == "sbom/sbom.cdx.json"
        && format!("sha256:{}", b["digest"]["sha256"].as_str().unwrap()) == sbom_digest));
    for name in ["pin", "sbom", "scan", "sign"] {
        let recorded = byproducts
            .iter()
            .find(|b| b["name"] == format!("stage/{name}"))
            .unwrap_or_else(|| panic!("stage {name} is recorded"));
        assert_eq!(recorded["annotations"]["outcome"], "passed");
    }
    // The file written to the output directory is what was attached.
    let local =
        std::fs::read_to_string(s.p.path("secchain-out/provenance/provenance.intoto.jsonl"))
            .unwrap();
    assert_eq!(statements(local.as_bytes())[0], *statement);

    // secchain verify: the whole chain, with a policy.
    s.p.write(
        "verify.yaml",
        &format!(
            "required_stages: [sbom, scan, sign]\nmax_age: 1d\nbase_images: [\"{}/hello\"]\n",
            s.registry.addr()
        ),
    );
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", &s.image, "--key", "cosign.pub"];
        args.extend_from_slice(extra);
        s.secchain(&args)
    };
    let ok = verify(&["--artifacts", "secchain-out", "--policy", "verify.yaml"]).expect(0);
    assert!(ok.stdout().contains("verified"), "{}", ok.stdout());
    let json: serde_json::Value = serde_json::from_str(
        &verify(&["--artifacts", "secchain-out", "--format", "json"])
            .expect(0)
            .stdout(),
    )
    .unwrap();
    assert_eq!(json["passed"], true);
    assert!(json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["check"] == "byproducts" && c["verdict"] == "pass"));

    // A policy the run does not meet.
    s.p.write(
        "strict.yaml",
        "required_stages: [lint]\nbase_images: [\"gcr.io/distroless/*\"]\n",
    );
    let strict = verify(&["--policy", "strict.yaml"]).expect(1).stdout();
    assert!(strict.contains("`lint` did not run"), "{strict}");
    assert!(strict.contains("not allowed by the policy"), "{strict}");

    // A byproduct changed after the run.
    std::fs::write(s.p.path("secchain-out/sbom/sbom.cdx.json"), b"{}").unwrap();
    let tampered = verify(&["--artifacts", "secchain-out"]).expect(1).stdout();
    assert!(
        tampered.contains("sbom/sbom.cdx.json changed after the run"),
        "{tampered}"
    );
}

#[test]
fn verify_rejects_a_provenance_for_another_digest_and_a_failed_gate() {
    let s = Setup::new();
    // The scan gate fails (two fixable MEDIUM findings), tolerated by continue_on_error.
    s.pipeline("{severity: [MEDIUM]}", true);
    s.secchain(&["run", "-f", "pipeline.yaml"]).expect(0);
    let report = s.p.report("secchain-out");
    assert_eq!(stage(&report, "scan")["outcome"], "gate_failed");
    assert_eq!(stage(&report, "provenance")["outcome"], "passed");
    let failed = s
        .secchain(&["verify", &s.image, "--key", "cosign.pub"])
        .expect(1)
        .stdout();
    assert!(
        failed.contains(
            "stage `scan` failed its gate (2 blocking finding(s)), tolerated by continue_on_error"
        ),
        "{failed}"
    );
    s.p.write("tolerant.yaml", "allow_tolerated_failures: true\n");
    s.secchain(&[
        "verify",
        &s.image,
        "--key",
        "cosign.pub",
        "--policy",
        "tolerant.yaml",
    ])
    .expect(0);

    // The same signed provenance attached to another image: signed by the right key,
    // but about a different digest.
    let other = format!("{}/other:1", s.registry.addr());
    let layer = s.ctx.write(
        "l.tar.gz",
        secchain_test::LayerBuilder::new()
            .file("etc/other", "other", 0o644)
            .tar_gz(),
    );
    let other_digest = s.ctx.crane_append(&other, &[layer]);
    let other_by_digest = format!("{}/other@{other_digest}", s.registry.addr());
    s.secchain(&["sign", &other_by_digest, "--key", "cosign.key"])
        .expect(0);
    let attach = s.cosign(&[
        "attach",
        "attestation",
        "--attestation",
        "secchain-out/provenance/provenance.intoto.jsonl",
        "--allow-insecure-registry",
        &other_by_digest,
    ]);
    assert!(
        attach.status.success(),
        "cosign attach attestation: {}",
        String::from_utf8_lossy(&attach.stderr)
    );
    let wrong = s
        .secchain(&["verify", &other_by_digest, "--key", "cosign.pub"])
        .expect(1)
        .stdout();
    assert!(wrong.contains("FAIL  provenance-signature"), "{wrong}");
    assert!(wrong.contains(&other_digest), "{wrong}");
}

#[test]
fn a_dry_run_signs_the_provenance_with_an_ephemeral_key_and_is_reproducible() {
    let p = Project::new();
    let file = repo_root().join("pipeline.example.yaml");
    let predicate = |out: &str| {
        p.run(&[
            "run",
            "--dry-run",
            "-q",
            "-f",
            file.to_str().unwrap(),
            "--out",
            out,
        ])
        .expect(0);
        let line = std::fs::read(p.path(out).join("provenance/provenance.intoto.jsonl")).unwrap();
        let mut statement = statements(&line).remove(0);
        assert_slsa_v1(&statement);
        statement["predicate"].take()
    };
    let (mut a, mut b) = (predicate("a"), predicate("b"));
    assert_eq!(
        a["buildDefinition"]["internalParameters"]["ephemeralKey"],
        true
    );
    assert_eq!(a["buildDefinition"]["internalParameters"]["dryRun"], true);
    // Apart from the times, the invocation id, and the digests of files that embed the
    // run's time or the ephemeral key's signatures, two runs give the same predicate.
    for p in [&mut a, &mut b] {
        let run = &mut p["runDetails"];
        run["metadata"] = serde_json::Value::Null;
        for d in run["byproducts"].as_array_mut().unwrap() {
            let name = d["name"].as_str().unwrap_or_default().to_string();
            let varies = name.starts_with("attestation/")
                || name.starts_with("policy/")
                || [
                    "scan/scan.json",
                    "scan/gl-container-scanning-report.json",
                    "sign/signature.json",
                ]
                .contains(&name.as_str());
            if varies {
                d["digest"] = serde_json::Value::Null;
                d["annotations"]["manifestDigest"] = serde_json::Value::Null;
            }
        }
    }
    assert_eq!(a, b);
    // Nothing was pushed: the report lists the pushes a real run would make.
    let report = p.report("a");
    let planned = stage(&report, "provenance")["planned_actions"]
        .as_array()
        .unwrap();
    assert!(
        planned.iter().any(|a| a.as_str().unwrap().contains(".att")),
        "{planned:?}"
    );
}
