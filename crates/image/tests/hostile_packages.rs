//! Hostile package databases (issue #10): OCI layouts whose dpkg status, apk
//! installed database, Python METADATA and package.json files hold invalid
//! UTF-8, a single 50 MB field, or a million entries. Each image is opened and
//! catalogued as the sbom stage does (`ImageTree` over the merged view), then
//! rendered as CycloneDX and SPDX. The run must finish, leave a note for
//! everything it skipped or cut, and keep absurd values out of the SBOM.

use std::path::Path;

use secchain_image::ImageTree;
use secchain_oci::{ImageSource, OpenOptions};
use secchain_sbom::catalog::bounds::{MAX_FIELD, MAX_LIST, MAX_PACKAGES_PER_FILE};
use secchain_sbom::{CatalogOptions, Inventory, PackageType, SubjectImage};
use secchain_test::{oci_layout_uncompressed, LayerBuilder};
use serde_json::json;

/// 50 MB: one field of that size (files stay under the 64 MiB metadata limit,
/// so they are parsed, not skipped whole).
const HUGE: usize = 50 << 20;

/// Writes an OCI layout with one uncompressed layer; returns `oci:DIR`.
fn layout(dir: &Path, layer: &LayerBuilder) -> String {
    std::fs::create_dir_all(dir).unwrap();
    oci_layout_uncompressed(dir, std::slice::from_ref(layer), json!({"config": {}}))
}

/// Opens the layout and catalogues it the way the sbom stage does.
async fn catalogue(image: &str, opts: CatalogOptions) -> Inventory {
    let source = ImageSource::parse(image).unwrap();
    let image = secchain_oci::open(&source, &OpenOptions::default())
        .await
        .unwrap_or_else(|e| panic!("opening the hostile image failed: {e}"));
    let view = image.filesystem().await.unwrap();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let tree = ImageTree::new(&image, &view, handle);
        secchain_sbom::catalog(&tree, &opts)
    })
    .await
    .expect("the catalogue must not panic")
}

/// dpkg status: a package with invalid UTF-8, one whose name is 50 MB, one
/// with a 6 MB Depends line, then a few ordinary ones.
fn dpkg_status() -> Vec<u8> {
    let mut s = b"Package: caf\xe9\nVersion: 1.0\xff\nStatus: install ok installed\n\n".to_vec();
    s.extend(format!("Package: {}\nVersion: 1\n\n", "n".repeat(HUGE)).bytes());
    s.extend(b"Package: deps\nVersion: 1\nDepends: ");
    s.extend("d, ".repeat(2_000_000).bytes());
    s.extend(b"\n\n");
    s.extend(b"Package: ok\nVersion: 1\n");
    s
}

/// apk installed: the same cases in apk's `P:`/`V:`/`A:` form.
fn apk_installed() -> Vec<u8> {
    let mut s = b"P:caf\xe9\nV:1.0\nA:x86_64\n\n".to_vec();
    s.extend(format!("P:big\nV:{}\n\n", "1".repeat(HUGE)).bytes());
    s.extend(format!("P:arch\nV:1\nA:{}\n\n", "a".repeat(2 * MAX_FIELD)).bytes());
    s.extend(b"P:ok\nV:1\n");
    s
}

fn site(dist: &str) -> String {
    format!("usr/lib/python3/site-packages/{dist}.dist-info/METADATA")
}

fn node(name: &str) -> String {
    format!("app/node_modules/{name}/package.json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_fields_and_invalid_utf8_are_bounded_and_noted() {
    let huge = "x".repeat(HUGE);
    let many_requires: String = (0..MAX_LIST * 3)
        .map(|i| format!("Requires-Dist: r{i}\n"))
        .collect();
    let many_deps: serde_json::Map<String, serde_json::Value> = (0..MAX_LIST * 3)
        .map(|i| (format!("d{i}"), json!("1")))
        .collect();
    let layer = LayerBuilder::new()
        .file("var/lib/dpkg/status", dpkg_status(), 0o644)
        .file("lib/apk/db/installed", apk_installed(), 0o644)
        .file(
            &site("latin-1.0"),
            b"Name: caf\xe9\nVersion: 1.0\n".to_vec(),
            0o644,
        )
        .file(
            &site("huge-1"),
            format!("Name: huge\nVersion: 1\nLicense-Expression: {huge}\n"),
            0o644,
        )
        .file(
            &site("long-1"),
            format!("Name: {}\nVersion: 1\n", "l".repeat(2 * MAX_FIELD)),
            0o644,
        )
        .file(
            &site("many-1"),
            format!("Name: many\nVersion: 1\n{many_requires}"),
            0o644,
        )
        .file(
            &node("bad"),
            b"{\"name\": \"bad\xff\", \"version\": \"1\"}".to_vec(),
            0o644,
        )
        .file(
            &node("huge"),
            json!({"name": "huge", "version": huge}).to_string(),
            0o644,
        )
        .file(
            &node("many"),
            json!({"name": "many", "version": "1", "dependencies": many_deps}).to_string(),
            0o644,
        );
    drop(huge);
    let dir = tempfile::tempdir().unwrap();
    let image = layout(dir.path(), &layer);
    drop(layer);
    let inv = catalogue(&image, CatalogOptions::default()).await;
    let notes = |path: &str| -> Vec<&str> {
        inv.notes
            .iter()
            .filter(|n| n.path == path)
            .map(|n| n.message.as_str())
            .collect()
    };
    let noted = |path: &str, what: &str| {
        assert!(
            notes(path).iter().any(|m| m.contains(what)),
            "no note containing {what:?} for {path}: {:#?}",
            notes(path)
        );
    };
    let count = |t: PackageType| inv.packages.iter().filter(|p| p.ptype == t).count();
    let find = |t: PackageType, name: &str| {
        inv.packages
            .iter()
            .find(|p| p.ptype == t && p.name == name)
            .unwrap_or_else(|| panic!("no {t:?} package {name}"))
    };
    let bounded = format!("kept the first {MAX_LIST}");

    // dpkg: the 50 MB name is skipped, the huge Depends list cut to the bound,
    // invalid UTF-8 kept as U+FFFD with a note; the rest is read as usual.
    let status = "/var/lib/dpkg/status";
    noted(status, "whose name or version is over");
    noted(status, "invalid UTF-8");
    noted(status, &bounded);
    assert_eq!(count(PackageType::Deb), 3);
    assert_eq!(find(PackageType::Deb, "ok").version, "1");
    assert_eq!(find(PackageType::Deb, "caf\u{fffd}").version, "1.0\u{fffd}");
    assert!(find(PackageType::Deb, "deps").depends_on.len() <= MAX_LIST);

    // apk: the same, and an absurd architecture is dropped, not the package.
    let installed = "/lib/apk/db/installed";
    noted(installed, "whose name or version is over");
    noted(installed, "invalid UTF-8");
    noted(installed, "dropped values over");
    assert_eq!(count(PackageType::Apk), 3);
    assert_eq!(find(PackageType::Apk, "ok").version, "1");
    assert_eq!(find(PackageType::Apk, "arch").arch, None);

    // Python: the Latin-1 name is kept (U+FFFD, noted), a 2 KiB name skipped,
    // a 50 MB license dropped, thousands of requirements cut to the bound.
    let python = |d: &str| format!("/{}", site(d));
    noted(&python("latin-1.0"), "invalid UTF-8");
    noted(&python("long-1"), "whose name or version is over");
    noted(&python("huge-1"), "dropped values over");
    noted(&python("many-1"), &bounded);
    assert!(find(PackageType::Python, "huge").licenses.is_empty());
    assert!(find(PackageType::Python, "caf\u{fffd}").version == "1.0");
    assert_eq!(count(PackageType::Python), 3);

    // npm: invalid UTF-8 is invalid JSON (noted), a 50 MB version skipped,
    // thousands of dependencies cut to the bound.
    noted(&format!("/{}", node("bad")), "invalid package.json");
    noted(
        &format!("/{}", node("huge")),
        "whose name or version is over",
    );
    noted(&format!("/{}", node("many")), &bounded);
    assert_eq!(count(PackageType::Npm), 1);

    // Nothing absurd reaches the SBOMs (pretty-printed: one value per line).
    let subject = SubjectImage::default();
    for (format, doc) in [
        (
            "CycloneDX",
            secchain_sbom::cyclonedx::render(&inv, &subject),
        ),
        ("SPDX", secchain_sbom::spdx::render(&inv, &subject)),
    ] {
        let longest_line = doc.split(|&b| b == b'\n').map(<[u8]>::len).max();
        assert!(
            longest_line.unwrap_or(0) < 4 * MAX_FIELD,
            "{format}: a line of {longest_line:?} bytes"
        );
        serde_json::from_slice::<serde_json::Value>(&doc)
            .unwrap_or_else(|e| panic!("{format} is not JSON: {e}"));
    }
}

/// A million entries in the dpkg status and the apk database: the catalogue
/// stops reading each at the per-file bound (lowered here from its default of
/// [`MAX_PACKAGES_PER_FILE`] so the SBOMs stay small in a debug build) and
/// says so. Without the bound this image gives two million packages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_entries_stop_at_the_per_file_bound() {
    const ENTRIES: usize = 1_000_000;
    const BOUND: usize = 1_000;
    let status: String = (0..ENTRIES)
        .map(|i| format!("Package: p{i}\nVersion: 1\n\n"))
        .collect();
    let installed: String = (0..ENTRIES).map(|i| format!("P:p{i}\nV:1\n\n")).collect();
    let layer = LayerBuilder::new()
        .file("var/lib/dpkg/status", status, 0o644)
        .file("lib/apk/db/installed", installed, 0o644);
    let dir = tempfile::tempdir().unwrap();
    let image = layout(dir.path(), &layer);
    drop(layer);
    const { assert!(BOUND < MAX_PACKAGES_PER_FILE) };
    let opts = CatalogOptions {
        max_packages_per_file: BOUND,
        ..CatalogOptions::default()
    };
    let inv = catalogue(&image, opts).await;
    for (path, t) in [
        ("/var/lib/dpkg/status", PackageType::Deb),
        ("/lib/apk/db/installed", PackageType::Apk),
    ] {
        let n = inv.packages.iter().filter(|p| p.ptype == t).count();
        assert_eq!(n, BOUND, "{path}");
        let stopped = format!("stopped after {BOUND} packages");
        assert!(
            inv.notes
                .iter()
                .any(|n| n.path == path && n.message.contains(&stopped)),
            "no note for {path}: {:#?}",
            inv.notes
        );
    }
    let doc = secchain_sbom::cyclonedx::render(&inv, &SubjectImage::default());
    let bom: serde_json::Value = serde_json::from_slice(&doc).unwrap();
    assert_eq!(bom["components"].as_array().map(Vec::len), Some(2 * BOUND));
}
