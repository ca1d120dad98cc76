//! Matching against the OSV fixtures: every expected finding checked by hand against
//! the advisories in `tests/fixtures/osv`.

mod common;

use common::*;
use secchain_scan::{match_packages, Distro, ScanPackage, Severity, VulnFinding};

fn distro(id: &str, v: &str) -> Distro {
    Distro {
        id: id.into(),
        version_id: v.into(),
    }
}

fn scan(pkgs: &[ScanPackage], d: &Distro) -> Vec<VulnFinding> {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_db(dir.path());
    match_packages(&db, pkgs, d).unwrap()
}

/// (package, installed, first id, fixed)
fn summary(f: &[VulnFinding]) -> Vec<(String, String, String, Option<String>)> {
    let mut v: Vec<_> = f
        .iter()
        .map(|f| {
            (
                f.package.clone(),
                f.installed_version.clone(),
                f.id.clone(),
                f.fixed_version.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn debian_12_by_source_package_and_release() {
    let found = scan(
        &[
            deb("libc6", "2.36-9+deb12u1", "glibc"),
            deb("libc-bin", "2.36-9+deb12u3", "glibc"),
            // The Debian 11 entry (fixed 1.1.1n-0+deb11u4) must not apply; the
            // Debian 12 one is fixed in 3.0.8-1 < 3.0.11-1~deb12u2.
            deb("libssl3", "3.0.11-1~deb12u2", "openssl"),
            deb("curl", "7.88.1-10+deb12u3", "curl"),
        ],
        &distro("debian", "12"),
    );
    assert_eq!(
        summary(&found),
        vec![
            (
                s("curl"),
                s("7.88.1-10+deb12u3"),
                s("CVE-2023-38545"),
                Some(s("7.88.1-10+deb12u4"))
            ),
            (
                s("libc6"),
                s("2.36-9+deb12u1"),
                s("CVE-2023-4911"),
                Some(s("2.36-9+deb12u3"))
            ),
        ]
    );
    let glibc = found.iter().find(|f| f.package == "libc6").unwrap();
    // DEBIAN-CVE and the DSA (which fixes three CVEs) are one finding.
    assert_eq!(
        glibc.ids,
        ["CVE-2023-4911", "DEBIAN-CVE-2023-4911", "DSA-5514-1"]
    );
    assert_eq!(glibc.source_package.as_deref(), Some("glibc"));
    // Enriched from the CVE record: NVD's 7.8.
    assert_eq!(glibc.severity, Severity::High);
    assert_eq!(glibc.severity_source.from.as_deref(), Some("CVE-2023-4911"));
    assert_eq!(glibc.cvss[0].score, Some(7.8));
    assert_eq!(glibc.kev.as_ref().unwrap().date_added, "2023-11-21");
    assert_eq!(glibc.epss.unwrap().score, 0.01863);
    let curl = found.iter().find(|f| f.package == "curl").unwrap();
    assert_eq!(curl.severity, Severity::Unknown);
}

#[test]
fn debian_11_gets_its_own_fix() {
    let found = scan(
        &[deb("libssl1.1", "1.1.1n-0+deb11u3", "openssl")],
        &distro("debian", "11"),
    );
    assert_eq!(
        summary(&found),
        vec![(
            s("libssl1.1"),
            s("1.1.1n-0+deb11u3"),
            s("CVE-2023-0286"),
            Some(s("1.1.1n-0+deb11u4"))
        )]
    );
    let none = scan(
        &[deb("libssl1.1", "1.1.1n-0+deb11u4", "openssl")],
        &distro("debian", "11"),
    );
    assert!(none.is_empty());
}

#[test]
fn ubuntu_release_and_pro() {
    let mut libc = pkg("Ubuntu", "libc6", "2.35-0ubuntu3.1");
    libc.source_name = Some("glibc".into());
    let found = scan(&[libc], &distro("ubuntu", "22.04"));
    assert_eq!(found.len(), 1, "Pro 18.04 entry must not apply: {found:#?}");
    assert_eq!(found[0].fixed_version.as_deref(), Some("2.35-0ubuntu3.4"));
    assert_eq!(found[0].severity, Severity::High);
    // The source's own rating comes before an aliased CVE record's vector.
    assert_eq!(found[0].severity_source.kind, "rating");
}

#[test]
fn alpine_origin_package() {
    let mut crypto = pkg("Alpine", "libcrypto3", "3.1.3-r0");
    crypto.source_name = Some("openssl".into());
    let found = scan(std::slice::from_ref(&crypto), &distro("alpine", "3.18.4"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fixed_version.as_deref(), Some("3.1.4-r0"));
    assert!(scan(std::slice::from_ref(&crypto), &distro("alpine", "3.17.5")).is_empty());
    crypto.version = "3.1.4-r0".into();
    assert!(scan(&[crypto], &distro("alpine", "3.18.4")).is_empty());
}

#[test]
fn pypi_aliases_merge_and_pep440() {
    let found = scan(
        &[
            pkg("PyPI", "requests", "2.28.1"),
            pkg("PyPI", "urllib3", "2.0.4"),
            pkg("PyPI", "urllib3", "1.26.18"),
            pkg("PyPI", "django", "4.2.2"),
            pkg("PyPI", "Django", "4.1.10"),
            pkg("PyPI", "Django", "3.2.19"),
        ],
        &Distro::default(),
    );
    assert_eq!(
        summary(&found),
        vec![
            (
                s("Django"),
                s("3.2.19"),
                s("CVE-2023-36053"),
                Some(s("3.2.20"))
            ),
            (
                s("django"),
                s("4.2.2"),
                s("CVE-2023-36053"),
                Some(s("4.2.3"))
            ),
            (
                s("requests"),
                s("2.28.1"),
                s("CVE-2023-32681"),
                Some(s("2.31.0"))
            ),
            (
                s("urllib3"),
                s("2.0.4"),
                s("CVE-2023-43804"),
                Some(s("2.0.6"))
            ),
        ]
    );
    let requests = found.iter().find(|f| f.package == "requests").unwrap();
    assert_eq!(
        requests.ids,
        ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]
    );
    // NVD: CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N = 6.1
    assert_eq!(requests.severity, Severity::Medium);
    assert_eq!(requests.cvss[0].score, Some(6.1));
    let django = found
        .iter()
        .find(|f| f.installed_version == "4.2.2")
        .unwrap();
    assert_eq!(
        (django.severity, django.severity_source.kind.as_str()),
        (Severity::High, "rating")
    );
}

#[test]
fn npm_semver_ranges_withdrawn_last_affected_limit_versions() {
    let found = scan(
        &[
            pkg("npm", "semver", "7.5.1"),
            pkg("npm", "semver", "6.3.1"),
            pkg("npm", "semver", "5.7.1"),
            pkg("npm", "lodash", "4.17.20"),
            pkg("npm", "left-pad", "1.1.0"),
            pkg("npm", "left-pad", "1.2.1"),
            pkg("npm", "left-pad", "0.4.0"),
            pkg("npm", "left-pad", "0.6.0"),
            pkg("npm", "left-pad", "0.9.9"),
        ],
        &Distro::default(),
    );
    assert_eq!(
        summary(&found),
        vec![
            (s("left-pad"), s("0.4.0"), s("OSV-TEST-LAST-AFFECTED"), None),
            (s("left-pad"), s("0.9.9"), s("OSV-TEST-LAST-AFFECTED"), None),
            (s("left-pad"), s("1.1.0"), s("OSV-TEST-LAST-AFFECTED"), None),
            (
                s("lodash"),
                s("4.17.20"),
                s("CVE-2021-23337"),
                Some(s("4.17.21"))
            ),
            (
                s("semver"),
                s("5.7.1"),
                s("CVE-2022-25883"),
                Some(s("5.7.2"))
            ),
            (
                s("semver"),
                s("7.5.1"),
                s("CVE-2022-25883"),
                Some(s("7.5.2"))
            ),
        ]
    );
}

#[test]
fn go_pseudo_versions_and_stdlib() {
    let found = scan(
        &[
            pkg(
                "Go",
                "golang.org/x/net",
                "v0.0.0-20220722155237-a158d28d115b",
            ),
            pkg("Go", "golang.org/x/net", "v0.17.0"),
            pkg("Go", "stdlib", "go1.21.1"),
            pkg("Go", "stdlib", "go1.20.10"),
            pkg("Go", "stdlib", "go1.19.4"),
        ],
        &Distro::default(),
    );
    assert_eq!(
        summary(&found),
        vec![
            (
                s("golang.org/x/net"),
                s("v0.0.0-20220722155237-a158d28d115b"),
                s("CVE-2023-39325"),
                Some(s("0.17.0"))
            ),
            (
                s("stdlib"),
                s("go1.19.4"),
                s("CVE-2023-39325"),
                Some(s("1.20.10"))
            ),
            (
                s("stdlib"),
                s("go1.21.1"),
                s("CVE-2023-39325"),
                Some(s("1.21.3"))
            ),
        ]
    );
    assert_eq!(
        found[0].ids,
        ["CVE-2023-39325", "GHSA-4374-p667-p6c8", "GO-2023-2102"]
    );
}

#[test]
fn maven_log4shell() {
    let name = "org.apache.logging.log4j:log4j-core";
    let found = scan(
        &[
            pkg("Maven", name, "2.14.1"),
            pkg("Maven", name, "2.12.2"),
            pkg("Maven", name, "2.0-beta9"),
            pkg("Maven", name, "2.17.1"),
        ],
        &Distro::default(),
    );
    assert_eq!(
        summary(&found),
        vec![
            (
                s(name),
                s("2.0-beta9"),
                s("CVE-2021-44228"),
                Some(s("2.3.1"))
            ),
            (s(name), s("2.14.1"), s("CVE-2021-44228"), Some(s("2.15.0"))),
        ]
    );
    assert!(found
        .iter()
        .all(|f| f.severity == Severity::Critical && f.kev.is_some()));
}
