//! The scan stage and `secchain scan` / `secchain db` on a real image with a real dpkg
//! database, matched against real OSV advisories (examples/hello/advisories).

use crate::util::{repo_root, stage, Project};

fn layout() -> String {
    format!(
        "oci:{}:1.0",
        repo_root().join("examples/hello/image").display()
    )
}

fn advisories() -> String {
    repo_root()
        .join("examples/hello/advisories")
        .display()
        .to_string()
}

/// Imports the example advisories into `db` with `secchain db import`.
fn import(p: &Project, db: &str) {
    let out = p
        .run(&["db", "import", &advisories(), "--db", db])
        .expect(0)
        .stdout();
    assert!(out.contains("imported 2 advisories"), "{out}");
}

#[test]
fn db_import_status_and_a_scan_of_a_real_image() {
    let p = Project::new();
    let db = p.path("vuln.db").display().to_string();
    import(&p, &db);
    let status = p.run(&["db", "status", "--db", &db]).expect(0).stdout();
    assert!(
        status.contains("database:") && status.contains("vuln.db"),
        "{status}"
    );

    // Default gate (CRITICAL, HIGH): two MEDIUM, fixable findings are reported, nothing fails.
    let json = p
        .run(&["scan", &layout(), "--db", &db, "-f", "json"])
        .expect(0)
        .stdout();
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let text = serde_json::to_string(&report).unwrap();
    for needle in [
        "CVE-2024-0727",
        "CVE-2023-5678",
        "libssl3",
        "3.0.11-1~deb12u2",
        "3.0.13-1~deb12u1",
    ] {
        assert!(text.contains(needle), "{needle} missing from {json}");
    }
    // MEDIUM now fails; --exit-code picks the code.
    p.run(&[
        "scan",
        &layout(),
        "--db",
        &db,
        "--severity",
        "CRITICAL,HIGH,MEDIUM",
    ])
    .expect(1);
    p.run(&[
        "scan",
        &layout(),
        "--db",
        &db,
        "--severity",
        "MEDIUM",
        "--exit-code",
        "5",
    ])
    .expect(5);
}

#[test]
fn ignore_files_with_expiry_and_an_sbom_as_input() {
    let p = Project::new();
    let db = p.path("vuln.db").display().to_string();
    import(&p, &db);
    // One ignore still valid, one expired: the expired one stops applying.
    p.write(".trivyignore", "# accepted until the next point release\nCVE-2024-0727 exp:2999-01-01\nCVE-2023-5678 exp:2020-01-01\n");
    let ignore = p.path(".trivyignore").display().to_string();
    let out = p
        .run(&[
            "scan",
            &layout(),
            "--db",
            &db,
            "--severity",
            "MEDIUM",
            "--ignorefile",
            &ignore,
            "-f",
            "json",
        ])
        .expect(1)
        .stdout();
    assert!(out.contains("CVE-2023-5678"), "{out}");
    p.write(".trivyignore", "CVE-2024-0727\nCVE-2023-5678\n");
    p.run(&[
        "scan",
        &layout(),
        "--db",
        &db,
        "--severity",
        "MEDIUM",
        "--ignorefile",
        &ignore,
    ])
    .expect(0);

    // The SBOM of the same image gives the same findings without the image.
    let sbom = p.run(&["sbom", &layout()]).expect(0).0.stdout;
    p.write("bom.cdx.json", &String::from_utf8(sbom).unwrap());
    let bom = p.path("bom.cdx.json").display().to_string();
    let out = p
        .run(&["scan", "--sbom", &bom, "--db", &db, "-f", "json"])
        .expect(0)
        .stdout();
    assert!(
        out.contains("CVE-2024-0727") && out.contains("CVE-2023-5678"),
        "{out}"
    );
}

#[test]
fn the_scan_stage_in_a_pipeline_writes_every_report_format() {
    let p = Project::new();
    p.write(
        "p.yaml",
        &format!(
            "version: 1\nimage: \"{}\"\nstages:\n  - kind: scan\n    with:\n      advisories: \"{}\"\n      formats: [table, gitlab, html, cyclonedx-vex]\n    gate: {{severity: [MEDIUM]}}\n",
            layout(),
            advisories()
        ),
    );
    p.run(&["run", "-f", "p.yaml"]).expect(1);
    let report = p.report("secchain-out");
    let scan = stage(&report, "scan");
    assert_eq!(scan["outcome"], "gate_failed");
    assert_eq!(scan["blocking_findings"].as_array().unwrap().len(), 2);
    for file in [
        "scan.json",
        "scan.sarif",
        "scan.txt",
        "gl-container-scanning-report.json",
        "scan.html",
        "scan.cdx.json",
    ] {
        assert!(
            p.path("secchain-out/scan").join(file).is_file(),
            "{file} missing"
        );
    }
    let html = std::fs::read_to_string(p.path("secchain-out/scan/scan.html")).unwrap();
    assert!(
        !html.contains("<script src=") && !html.contains("<link "),
        "the HTML report loads nothing external"
    );
}
