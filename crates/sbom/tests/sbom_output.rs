//! CycloneDX 1.6 and SPDX 2.3 output: schema validity (official schemas,
//! validated by Python tools), determinism, and parsing SBOMs back.

mod common;

use secchain_sbom::{catalog, cyclonedx, spdx, CatalogOptions, DirTree, Inventory, SubjectImage};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn subject(name: &str) -> SubjectImage {
    SubjectImage {
        name: format!("registry.example/secchain/{name}"),
        digest: Some(format!("sha256:{}", "ab".repeat(32))),
        tag: Some("1.0".into()),
        repository_url: Some(format!("registry.example/secchain/{name}")),
        platform: Some("linux/amd64".into()),
        created: Some(1_700_000_000),
    }
}

fn inventory(fixture: &str) -> (PathBuf, Inventory) {
    let dir = common::fixture(fixture);
    let inv = catalog(&DirTree::new(&dir), &CatalogOptions::default());
    (dir, inv)
}

fn python() -> PathBuf {
    common::tool("python3", "SECCHAIN_TEST_PYTHON")
}

fn validate(kind: &str, files: &[PathBuf]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate.py");
    let mut cmd = Command::new(python());
    cmd.arg(script).arg(kind);
    if kind == "spdx" {
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spdx-2.3.schema.json"));
    }
    cmd.args(files);
    common::run(&mut cmd);
}

/// (type, name, version, arch, source) of a package.
type Key = (String, String, String, Option<String>, Option<String>);

fn keys(inv: &Inventory) -> BTreeSet<Key> {
    inv.packages
        .iter()
        .map(|p| {
            (
                p.ptype.as_str().to_owned(),
                p.full_name(),
                p.version.clone(),
                p.arch.clone(),
                p.source
                    .as_ref()
                    .map(|s| format!("{}@{}", s.name, s.version)),
            )
        })
        .collect()
}

#[test]
fn sboms_validate_against_official_schemas() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cdx = Vec::new();
    let mut spdx_files = Vec::new();
    for fx in ["debian", "pypi", "npm"] {
        let (_, inv) = inventory(fx);
        let s = subject(fx);
        let c = tmp.path().join(format!("{fx}.cdx.json"));
        std::fs::write(&c, cyclonedx::render(&inv, &s)).unwrap();
        cdx.push(c);
        let p = tmp.path().join(format!("{fx}.spdx.json"));
        std::fs::write(&p, spdx::render(&inv, &s)).unwrap();
        spdx_files.push(p);
    }
    // A scratch directory with nothing in it still gives valid documents.
    let empty = Inventory::default();
    let s = SubjectImage {
        name: "scratch".into(),
        ..SubjectImage::default()
    };
    let c = tmp.path().join("empty.cdx.json");
    std::fs::write(&c, cyclonedx::render(&empty, &s)).unwrap();
    cdx.push(c);
    let p = tmp.path().join("empty.spdx.json");
    std::fs::write(&p, spdx::render(&empty, &s)).unwrap();
    spdx_files.push(p);
    validate("cyclonedx", &cdx);
    validate("spdx", &spdx_files);
}

#[test]
fn output_is_deterministic() {
    let (dir, inv) = inventory("debian");
    let again = catalog(&DirTree::new(&dir), &CatalogOptions::default());
    assert_eq!(inv, again, "two catalog runs differ");
    let s = subject("debian");
    assert_eq!(cyclonedx::render(&inv, &s), cyclonedx::render(&again, &s));
    assert_eq!(spdx::render(&inv, &s), spdx::render(&again, &s));
    let text = String::from_utf8(spdx::render(&inv, &s)).unwrap();
    assert!(
        text.contains("\"created\": \"2023-11-14T22:13:20Z\""),
        "image creation time is the timestamp"
    );
    assert!(text.contains("\"filesAnalyzed\": false"));
}

#[test]
fn debian_inventory_has_distro_sources_and_purls() {
    let (_, inv) = inventory("debian");
    let d = inv.distro.as_ref().expect("distro");
    assert_eq!(
        (
            d.id.as_str(),
            d.version_id.as_deref(),
            d.codename.as_deref()
        ),
        ("debian", Some("12"), Some("bookworm"))
    );
    assert_eq!(inv.base, secchain_sbom::BaseKind::Distro);
    let libc = inv
        .packages
        .iter()
        .find(|p| p.name == "libc6")
        .expect("libc6");
    assert_eq!(libc.source.as_ref().unwrap().name, "glibc");
    assert_eq!(libc.ecosystem(), "Debian");
    let purl = libc.purl();
    assert!(
        purl.starts_with("pkg:deb/debian/libc6@2.36-9%2Bdeb12u"),
        "{purl}"
    );
    assert!(
        purl.contains("arch=amd64")
            && purl.contains("distro=debian-12")
            && purl.contains("upstream=glibc"),
        "{purl}"
    );
    let licensed = inv
        .packages
        .iter()
        .filter(|p| !p.licenses.is_empty())
        .count();
    assert!(
        licensed >= 40,
        "DEP-5 copyright licenses attached to only {licensed} packages"
    );
    assert_eq!(libc.path(), "/var/lib/dpkg/status");
    // Dependencies resolved to catalogued packages.
    let coreutils = inv.packages.iter().find(|p| p.name == "coreutils").unwrap();
    assert!(
        coreutils.depends_on.iter().any(|d| d == "libc6"),
        "{:?}",
        coreutils.depends_on
    );
}

#[test]
fn cyclonedx_round_trips() {
    for fx in ["debian", "pypi", "npm"] {
        let (_, inv) = inventory(fx);
        let bytes = cyclonedx::render(&inv, &subject(fx));
        let back = cyclonedx::parse(&bytes).expect("parse our own SBOM");
        assert_eq!(
            keys(&inv),
            keys(&back),
            "{fx}: packages differ after a round trip"
        );
        assert_eq!(
            inv.distro.as_ref().map(|d| d.qualifier()),
            back.distro.as_ref().map(|d| d.qualifier())
        );
        let locs = |i: &Inventory| {
            i.packages
                .iter()
                .map(|p| p.locations.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(locs(&inv), locs(&back), "{fx}: locations differ");
        let deps = |i: &Inventory| {
            i.packages
                .iter()
                .map(|p| p.depends_on.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(deps(&inv), deps(&back), "{fx}: dependencies differ");
    }
}

#[test]
fn syft_cyclonedx_parses_into_the_same_packages() {
    let dir = common::fixture("pypi");
    let syft = common::tool("syft", "SECCHAIN_SYFT");
    let out = common::run(
        Command::new(syft)
            .arg(format!("dir:{}", dir.display()))
            .args(["-o", "cyclonedx-json", "-q"])
            .env("SYFT_CHECK_FOR_APP_UPDATE", "false"),
    );
    let theirs = cyclonedx::parse(&out).expect("parse syft's CycloneDX");
    let (_, ours) = inventory("pypi");
    let names = |i: &Inventory| {
        i.packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(names(&ours), names(&theirs));
}
