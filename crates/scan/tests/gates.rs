//! Gates, ignore files and VEX over a scan of the fixture database. Expected
//! blocking sets worked out by hand from the fixture advisories:
//! glibc CVE-2023-4911 HIGH (KEV, EPSS 0.01863, fixed), curl CVE-2023-38545 UNKNOWN
//! (fixed), log4j CVE-2021-44228 CRITICAL (KEV, EPSS 0.97565, fixed), left-pad
//! OSV-TEST-LAST-AFFECTED UNKNOWN (no fix), requests CVE-2023-32681 MEDIUM (EPSS
//! 0.00143, fixed), semver CVE-2022-25883 HIGH (EPSS 0.00181, fixed).

mod common;

use std::io::Write;

use common::*;
use secchain_scan::gate::Gate;
use secchain_scan::ignore::{self, Rule};
use secchain_scan::matching::ScanInventory;
use secchain_scan::report::{Format, ScanReport};
use secchain_scan::stage::scan;
use secchain_scan::{Distro, ScanPackage};

fn inventory() -> ScanInventory {
    let mut curl = deb("curl", "7.88.1-10+deb12u3", "curl");
    curl.purl = Some("pkg:deb/debian/curl@7.88.1-10%2Bdeb12u3?arch=amd64&distro=debian-12".into());
    let mut semver = pkg("npm", "semver", "7.5.1");
    semver.purl = Some("pkg:npm/semver@7.5.1".into());
    semver.path = Some("/app/node_modules/semver/package.json".into());
    let mut requests = pkg("PyPI", "requests", "2.28.1");
    requests.purl = Some("pkg:pypi/requests@2.28.1".into());
    let packages: Vec<ScanPackage> = vec![
        deb("libc6", "2.36-9+deb12u1", "glibc"),
        curl,
        pkg("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
        pkg("npm", "left-pad", "1.1.0"),
        requests,
        semver,
    ];
    ScanInventory {
        distro: Distro {
            id: "debian".into(),
            version_id: "12".into(),
        },
        packages,
    }
}

struct Env {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    dir: std::path::PathBuf,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    fixture_db(dir.path());
    Env {
        db: dir.path().join("vuln.db"),
        dir: dir.path().to_path_buf(),
        _dir: dir,
    }
}

fn run(e: &Env, gate: serde_json::Value, rules: &[Rule]) -> ScanReport {
    let gate: Gate = serde_json::from_value(gate).unwrap();
    scan(
        &e.db,
        &inventory(),
        rules,
        &gate,
        Some("registry.example/app:1".into()),
    )
    .unwrap()
}

fn blocking(r: &ScanReport) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| f.vuln.id.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn each_gate_option_alone_and_combined() {
    let e = env();
    let cases: Vec<(serde_json::Value, Vec<&str>)> = vec![
        (
            serde_json::json!({}),
            vec!["CVE-2021-44228", "CVE-2022-25883", "CVE-2023-4911"],
        ),
        (
            serde_json::json!({"severity": ["CRITICAL"]}),
            vec!["CVE-2021-44228"],
        ),
        (
            serde_json::json!({"severity": ["UNKNOWN"]}),
            vec!["CVE-2023-38545", "OSV-TEST-LAST-AFFECTED"],
        ),
        (
            serde_json::json!({"severity": ["UNKNOWN"], "ignore_unfixed": true}),
            vec!["CVE-2023-38545"],
        ),
        (
            serde_json::json!({"severity": ["LOW"], "fail_on_kev": true}),
            vec!["CVE-2021-44228", "CVE-2023-4911"],
        ),
        (
            serde_json::json!({"min_epss": 0.01}),
            vec!["CVE-2021-44228", "CVE-2023-4911"],
        ),
        (
            serde_json::json!({"severity": ["medium"], "fail_on_kev": true, "ignore_unfixed": true}),
            vec!["CVE-2021-44228", "CVE-2023-32681", "CVE-2023-4911"],
        ),
        (serde_json::json!({"severity": []}), vec![]),
    ];
    for (gate, want) in cases {
        let r = run(&e, gate.clone(), &[]);
        assert_eq!(blocking(&r), want, "gate {gate}");
        assert_eq!(r.gate.passed, want.is_empty(), "gate {gate}");
        assert_eq!(r.counts.total, 6);
    }
}

#[test]
fn trivyignore_expiry_and_stale_entries() {
    let e = env();
    let path = e.dir.join(".trivyignore");
    std::fs::write(
        &path,
        "# accepted until the log4j upgrade lands\nCVE-2021-44228\nCVE-2023-4911 exp:2020-01-01\nCVE-1999-0001\n",
    )
    .unwrap();
    let rules = ignore::load(&path).unwrap();
    let r = run(&e, serde_json::json!({}), &rules);
    assert_eq!(blocking(&r), ["CVE-2022-25883", "CVE-2023-4911"]);
    let log4j = r
        .findings
        .iter()
        .find(|f| f.vuln.id == "CVE-2021-44228")
        .unwrap();
    assert_eq!(
        log4j.suppressed_by.as_ref().unwrap().rule,
        format!("{}:2", path.display())
    );
    assert!(
        !log4j.blocking,
        "suppressed findings stay in the report and never block"
    );
    assert_eq!(r.expired_ignores.len(), 1);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("expired on 2020-01-01")),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.stale_ignores.len(), 1);
    assert_eq!(r.stale_ignores[0].ids, ["CVE-1999-0001"]);
    // Stale entries fail only with fail_on_stale_ignores.
    let strict = run(
        &e,
        serde_json::json!({"severity": [], "fail_on_stale_ignores": true}),
        &rules,
    );
    assert!(!strict.gate.passed);
    assert!(strict.gate.reasons[0].contains("CVE-1999-0001"));
}

#[test]
fn trivyignore_yaml_paths_and_purls() {
    let e = env();
    let path = e.dir.join(".trivyignore.yaml");
    std::fs::write(
        &path,
        "vulnerabilities:\n  - id: CVE-2022-25883\n    paths: [\"app/node_modules/**\"]\n    statement: only used at build time\n  - id: CVE-2023-4911\n    purls: [\"pkg:deb/debian/libc6\"]\n",
    )
    .unwrap();
    let rules = ignore::load(&path).unwrap();
    let r = run(&e, serde_json::json!({}), &rules);
    let semver = r
        .findings
        .iter()
        .find(|f| f.vuln.id == "CVE-2022-25883")
        .unwrap();
    assert_eq!(
        semver.suppressed_by.as_ref().unwrap().reason.as_deref(),
        Some("only used at build time")
    );
    // libc6 has no purl in this inventory: a purl-limited entry cannot match it.
    assert_eq!(blocking(&r), ["CVE-2021-44228", "CVE-2023-4911"]);
    assert_eq!(r.stale_ignores.len(), 1);
}

#[test]
fn openvex_not_affected_fixed_and_superseded() {
    let e = env();
    let path = e.dir.join("app.openvex.json");
    let doc = serde_json::json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/app-1",
        "author": "Platform team",
        "timestamp": "2024-06-01T00:00:00Z",
        "version": 1,
        "statements": [
            {"vulnerability": {"name": "CVE-2023-38545"},
             "products": [{"@id": "pkg:oci/app@sha256:0123", "subcomponents": [{"@id": "pkg:deb/debian/curl"}]}],
             "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
             "impact_statement": "curl is never run with a SOCKS5 proxy", "timestamp": "2024-06-01T00:00:00Z"},
            {"vulnerability": {"name": "CVE-2021-44228"}, "products": [{"@id": "pkg:oci/app@sha256:0123"}],
             "status": "fixed", "timestamp": "2024-06-01T00:00:00Z"},
            {"vulnerability": {"name": "CVE-2023-32681"}, "products": [{"@id": "pkg:pypi/requests"}],
             "status": "not_affected", "justification": "component_not_present", "timestamp": "2024-05-01T00:00:00Z"},
            {"vulnerability": {"name": "CVE-2023-32681"}, "products": [{"@id": "pkg:pypi/requests"}],
             "status": "affected", "action_statement": "upgrade", "timestamp": "2024-06-01T00:00:00Z"}
        ]
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let rules = ignore::load(&path).unwrap();
    let r = run(
        &e,
        serde_json::json!({"severity": ["CRITICAL", "HIGH", "MEDIUM", "UNKNOWN"]}),
        &rules,
    );
    let by_id = |id: &str| r.findings.iter().find(|f| f.vuln.id == id).unwrap();
    let curl = by_id("CVE-2023-38545").suppressed_by.clone().unwrap();
    assert_eq!(curl.status.as_deref(), Some("not_affected"));
    assert_eq!(
        curl.reason.as_deref(),
        Some("vulnerable_code_not_in_execute_path: curl is never run with a SOCKS5 proxy")
    );
    assert_eq!(
        by_id("CVE-2021-44228")
            .suppressed_by
            .as_ref()
            .unwrap()
            .status
            .as_deref(),
        Some("fixed")
    );
    // The later `affected` statement supersedes the earlier `not_affected`.
    assert!(by_id("CVE-2023-32681").suppressed_by.is_none());
    assert_eq!(
        blocking(&r),
        [
            "CVE-2022-25883",
            "CVE-2023-32681",
            "CVE-2023-4911",
            "OSV-TEST-LAST-AFFECTED"
        ]
    );
    // CycloneDX carries the VEX analysis.
    let cdx: serde_json::Value = serde_json::from_str(&Format::CyclonedxVex.render(&r)).unwrap();
    let v = cdx["vulnerabilities"].as_array().unwrap();
    let curl_v = v.iter().find(|x| x["id"] == "CVE-2023-38545").unwrap();
    assert_eq!(curl_v["analysis"]["state"], "not_affected");
    assert_eq!(curl_v["analysis"]["justification"], "code_not_reachable");
    assert_eq!(
        v.iter().find(|x| x["id"] == "CVE-2021-44228").unwrap()["analysis"]["state"],
        "resolved"
    );
    assert!(ignore::load(&e.dir.join("missing.json")).is_err());
    let bad = e.dir.join("bad.json");
    std::fs::File::create(&bad)
        .unwrap()
        .write_all(b"{\"@context\": \"https://example.com\", \"statements\": []}")
        .unwrap();
    assert!(ignore::load(&bad)
        .unwrap_err()
        .to_string()
        .contains("not OpenVEX"));
}

#[test]
fn weakening_a_locked_gate() {
    let g = |v: serde_json::Value| -> Gate { serde_json::from_value(v).unwrap() };
    let base = g(
        serde_json::json!({"severity": ["CRITICAL", "HIGH"], "fail_on_kev": true, "min_epss": 0.1}),
    );
    assert_eq!(base.weakened_by(&base), None);
    assert!(base
        .weakened_by(&g(
            serde_json::json!({"severity": ["CRITICAL"], "fail_on_kev": true, "min_epss": 0.1})
        ))
        .unwrap()
        .contains("HIGH"));
    assert!(base
        .weakened_by(&g(
            serde_json::json!({"fail_on_kev": false, "min_epss": 0.1})
        ))
        .unwrap()
        .contains("fail_on_kev"));
    assert!(base
        .weakened_by(&g(
            serde_json::json!({"fail_on_kev": true, "min_epss": 0.5})
        ))
        .unwrap()
        .contains("min_epss"));
    assert!(base
        .weakened_by(&g(
            serde_json::json!({"fail_on_kev": true, "min_epss": 0.1, "ignore_unfixed": true})
        ))
        .unwrap()
        .contains("ignore_unfixed"));
    // Tightening is allowed.
    assert_eq!(
        base.weakened_by(&g(
            serde_json::json!({"severity": ["CRITICAL", "HIGH", "MEDIUM"], "fail_on_kev": true})
        )),
        None
    );
    assert_eq!(
        base.weakened_by(&g(
            serde_json::json!({"fail_on_kev": true, "min_epss": 0.05})
        )),
        None
    );
    let aged = g(serde_json::json!({"max_db_age": "1d", "fail_on_db_age": true}));
    assert!(aged
        .weakened_by(&g(
            serde_json::json!({"max_db_age": "2w", "fail_on_db_age": true})
        ))
        .is_some());
}

#[test]
fn reports_render_in_every_format() {
    let e = env();
    let rules = ignore::trivyignore::parse(".trivyignore", "CVE-2021-44228\n").unwrap();
    let r = run(&e, serde_json::json!({}), &rules);
    let json: serde_json::Value = serde_json::from_str(&Format::Json.render(&r)).unwrap();
    assert_eq!(json["schema"], "https://secchain.dev/schemas/scan/v1");
    assert_eq!(json["findings"].as_array().unwrap().len(), 6);
    let sarif: serde_json::Value = serde_json::from_str(&Format::Sarif.render(&r)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let log4j = results
        .iter()
        .find(|x| x["ruleId"] == "CVE-2021-44228")
        .unwrap();
    assert_eq!(log4j["level"], "error");
    assert_eq!(log4j["suppressions"][0]["kind"], "external");
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "CVE-2021-44228")
        .unwrap()
        .clone();
    assert_eq!(rule["properties"]["security-severity"], "10.0");
    let gl: serde_json::Value = serde_json::from_str(&Format::Gitlab.render(&r)).unwrap();
    assert_eq!(gl["scan"]["type"], "container_scanning");
    assert_eq!(
        gl["vulnerabilities"].as_array().unwrap().len(),
        5,
        "suppressed findings are left out"
    );
    let table = Format::Table.render(&r);
    assert!(table.contains("CRITICAL") || table.contains("SUPPRESSED"));
    assert!(
        table.contains("libc6") && table.contains("2.36-9+deb12u3"),
        "{table}"
    );
    let html = Format::Html.render(&r);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("src=\"http") && !html.contains("<link"),
        "no external assets"
    );
    assert!(html.contains("`Cookie` HTTP header") || html.contains("Unintended leak"));
}

#[test]
fn html_escapes_untrusted_text() {
    let e = env();
    let mut r = run(&e, serde_json::json!({}), &[]);
    r.findings[0].vuln.title = Some("<script>alert(1)</script>".into());
    r.findings[0].vuln.url = Some("javascript:alert(1)".into());
    r.findings[0].vuln.package = "\"><img src=x onerror=alert(1)>".into();
    let html = Format::Html.render(&r);
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("href=\"javascript:"));
    assert!(!html.contains("<img src=x"));
}

#[test]
fn old_database_warns_and_can_fail() {
    let e = env();
    // Make the database look 30 days old.
    let conn = rusqlite::Connection::open(&e.db).unwrap();
    conn.execute(
        "UPDATE meta SET value = '2000-01-01T00:00:00Z' WHERE key = 'updated_at'",
        [],
    )
    .unwrap();
    drop(conn);
    let r = run(&e, serde_json::json!({"severity": []}), &[]);
    assert!(r.gate.passed);
    assert!(r.warnings.iter().any(|w| w.contains("database is")));
    let r = run(
        &e,
        serde_json::json!({"severity": [], "max_db_age": "7d", "fail_on_db_age": true}),
        &[],
    );
    assert!(!r.gate.passed);
    assert!(r.gate.reasons[0].contains("max_db_age 7d"));
}
