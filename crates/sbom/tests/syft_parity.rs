//! The package set (type, name, version) found in realistic filesystems must
//! equal syft's, except for the differences pinned (and explained) below.

mod common;

use secchain_sbom::catalog::python::normalize_name;
use secchain_sbom::{catalog, CatalogOptions, DirTree};
use std::collections::BTreeSet;
use std::process::Command;

type Key = (String, String, String);

/// A difference accepted on purpose: (type, name, version, reason).
/// `Ours` are packages only we report, `Syft` only syft.
enum Side {
    Ours,
    Syft,
}

struct Pinned {
    side: Side,
    ptype: &'static str,
    name: &'static str,
    version: &'static str,
    #[allow(dead_code)]
    why: &'static str,
}

/// Package types syft reports that secchain deliberately does not catalogue.
const IGNORED_SYFT_TYPES: &[(&str, &str)] = &[
    (
        "github-action",
        "GitHub Actions referenced by CI workflow files shipped inside npm packages are not software in the image",
    ),
    (
        "github-action-workflow",
        "reusable GitHub workflows referenced by CI files inside npm packages: not software in the image",
    ),
];

fn syft_set(dir: &std::path::Path) -> BTreeSet<Key> {
    let syft = common::tool("syft", "SECCHAIN_SYFT");
    let out = common::run(
        Command::new(syft)
            .arg(format!("dir:{}", dir.display()))
            .args(["-o", "syft-json", "-q"])
            .env("SYFT_CHECK_FOR_APP_UPDATE", "false"),
    );
    let v: serde_json::Value = serde_json::from_slice(&out).expect("syft JSON");
    v["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .filter_map(|a| {
            let t = a["type"].as_str()?.to_owned();
            if IGNORED_SYFT_TYPES.iter().any(|(x, _)| *x == t) {
                return None;
            }
            let mut n = a["name"].as_str()?.to_owned();
            if t == "python" {
                // Advisories name Python packages by their PEP 503 name; syft keeps the raw one.
                n = normalize_name(&n);
            }
            Some((t, n, a["version"].as_str()?.to_owned()))
        })
        .collect()
}

fn ours(dir: &std::path::Path) -> BTreeSet<Key> {
    let inv = catalog(&DirTree::new(dir), &CatalogOptions::default());
    inv.packages
        .iter()
        .map(|p| {
            (
                p.ptype.as_str().to_owned(),
                p.name.clone(),
                p.version.clone(),
            )
        })
        .collect()
}

fn check(fixture: &str, pinned: &[Pinned], min_packages: usize) {
    let dir = common::fixture(fixture);
    let theirs = syft_set(&dir);
    let mine = ours(&dir);
    assert!(
        mine.len() >= min_packages,
        "{fixture}: only {} packages found, expected at least {min_packages}",
        mine.len()
    );
    let is_pinned = |side: &Side, k: &Key| {
        pinned.iter().any(|p| {
            matches!(
                (&p.side, side),
                (Side::Ours, Side::Ours) | (Side::Syft, Side::Syft)
            ) && p.ptype == k.0
                && p.name == k.1
                && p.version == k.2
        })
    };
    let only_ours: Vec<&Key> = mine
        .difference(&theirs)
        .filter(|k| !is_pinned(&Side::Ours, k))
        .collect();
    let only_syft: Vec<&Key> = theirs
        .difference(&mine)
        .filter(|k| !is_pinned(&Side::Syft, k))
        .collect();
    // Every pin must still be needed, so the table cannot rot.
    let stale: Vec<&str> = pinned
        .iter()
        .filter(|p| {
            let k = (p.ptype.to_owned(), p.name.to_owned(), p.version.to_owned());
            match p.side {
                Side::Ours => !mine.contains(&k) || theirs.contains(&k),
                Side::Syft => !theirs.contains(&k) || mine.contains(&k),
            }
        })
        .map(|p| p.name)
        .collect();
    assert!(
        only_ours.is_empty() && only_syft.is_empty() && stale.is_empty(),
        "{fixture}: ours {} vs syft {} packages\nonly ours (unpinned): {only_ours:#?}\nonly syft (unpinned): {only_syft:#?}\nstale pins: {stale:?}",
        mine.len(),
        theirs.len()
    );
}

#[test]
fn debian_bookworm_minbase_matches_syft() {
    check("debian", &[], 80);
}

#[test]
fn pypi_target_dir_matches_syft() {
    check("pypi", &[], 40);
}

#[test]
fn npm_node_modules_matches_syft() {
    check(
        "npm",
        &[Pinned {
            side: Side::Syft,
            ptype: "npm",
            name: "secchain-fixture-app",
            version: "1.0.0",
            why: "the root project of package-lock.json is the application being built, not a \
                  dependency: its name is private and matching it against npm advisories \
                  would only produce false positives",
        }, Pinned {
            side: Side::Syft,
            ptype: "npm",
            name: "fsevents",
            version: "2.3.3",
            why: "package-lock.json lists fsevents as an optional dependency for `os: [darwin]`; \
                  npm never installs it on Linux (it is not in node_modules), so reporting it \
                  would put a package that is not in the image into the SBOM and the scan",
        }],
        300,
    );
}

#[test]
fn go_binaries_and_jars_match_syft() {
    const WHY: &str = "GOPATH-mode Debian build with no module version and no -X ldflags in the \
        build info: syft guesses the version from a semver-looking string found anywhere in \
        the binary; secchain only trusts the build info and reports (devel)";
    check(
        "binaries",
        &[
            Pinned {
                side: Side::Ours,
                ptype: "go-module",
                name: "github.com/docker/distribution/cmd/registry",
                version: "(devel)",
                why: WHY,
            },
            Pinned {
                side: Side::Syft,
                ptype: "go-module",
                name: "github.com/docker/distribution/cmd/registry",
                version: "v2.8.2+ds1",
                why: WHY,
            },
        ],
        5,
    );
}
