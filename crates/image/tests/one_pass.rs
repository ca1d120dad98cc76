//! The run's one pass over the layers: the catalogue read from what that pass kept
//! must equal the catalogue read with passes of its own, through overwritten,
//! deleted and irrelevant files, and a stage's registered visitor sees every layer.

use std::path::Path;

use secchain_image::{inventory, register_pass, subject, take_pass_result, ImageTree, PassVisitor};
use secchain_oci::{ContentVisitor, EntryMeta, Layer};
use secchain_pipeline::{RunInfo, StageContext};
use secchain_sbom::{CatalogOptions, PackageType};
use secchain_test::{go_binary, oci_layout, LayerBuilder};
use serde_json::json;

fn dpkg(packages: &[(&str, &str)]) -> String {
    packages
        .iter()
        .map(|(name, version)| {
            format!("Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\n\n")
        })
        .collect()
}

fn metadata(name: &str, version: &str) -> String {
    format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
}

/// Three layers: the second overwrites the dpkg database, deletes a Python package and
/// adds another; executables with and without Go build info; the third changes nothing
/// the catalogue reads.
fn image(dir: &Path) -> String {
    let site = "usr/lib/python3/dist-packages";
    let mut plain_elf = b"\x7fELF".to_vec();
    plain_elf.resize(64 << 10, 7);
    let go = go_binary(
        "path\texample.com/tool\nmod\texample.com/tool\tv1.2.3\th1:x\ndep\tgolang.org/x/text\tv0.14.0\th1:y\n",
        "go1.22.7",
    );
    let base = LayerBuilder::new()
        .file(
            "etc/os-release",
            "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n",
            0o644,
        )
        .file("var/lib/dpkg/status", dpkg(&[("libold", "1.0-1")]), 0o644)
        .file(
            &format!("{site}/gone-1.0.dist-info/METADATA"),
            metadata("gone", "1.0"),
            0o644,
        )
        .file("usr/bin/plain", plain_elf, 0o755)
        .file("usr/local/bin/tool", go, 0o755);
    let update = LayerBuilder::new()
        .file(
            "var/lib/dpkg/status",
            dpkg(&[("libold", "2.0-1"), ("libnew", "1.0-1")]),
            0o644,
        )
        .whiteout(&format!("{site}/gone-1.0.dist-info"))
        .file(
            &format!("{site}/kept-2.0.dist-info/METADATA"),
            metadata("kept", "2.0"),
            0o644,
        );
    let app = LayerBuilder::new().file("app/README", "nothing to catalogue\n", 0o644);
    std::fs::create_dir_all(dir).unwrap();
    oci_layout(dir, &[base, update, app], json!({"config": {}}))
}

fn context(dir: &Path, image: String) -> StageContext {
    StageContext::detached(
        "sbom",
        RunInfo {
            image: Some(image),
            platform: Some("linux/amd64".into()),
            base_dir: dir.to_path_buf(),
            out_root: dir.join("out"),
            ..RunInfo::default()
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_from_the_shared_pass_equals_one_read_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), image(&dir.path().join("layout")));
    let shared = inventory(&ctx).await.unwrap();

    let subject = subject(&ctx).await.unwrap();
    let handle = tokio::runtime::Handle::current();
    let own = tokio::task::spawn_blocking(move || {
        let tree = ImageTree::new(&subject.image, &subject.view, handle);
        secchain_sbom::catalog(&tree, &CatalogOptions::default())
    })
    .await
    .unwrap();

    assert_eq!(shared.0, own);
    let found: Vec<(PackageType, &str, &str)> = own
        .packages
        .iter()
        .map(|p| (p.ptype, p.name.as_str(), p.version.as_str()))
        .collect();
    for expected in [
        (PackageType::Deb, "libold", "2.0-1"),
        (PackageType::Deb, "libnew", "1.0-1"),
        (PackageType::Python, "kept", "2.0"),
        (PackageType::GoModule, "example.com/tool", "v1.2.3"),
        (PackageType::GoModule, "golang.org/x/text", "v0.14.0"),
    ] {
        assert!(
            found.contains(&expected),
            "{expected:?} missing from {found:#?}"
        );
    }
    assert!(
        !found
            .iter()
            .any(|&(_, name, version)| name == "gone" || (name, version) == ("libold", "1.0-1")),
        "{found:#?}"
    );
}

/// Counts what it was shown: layers, entries, and the bytes of the files it asked for.
#[derive(Default)]
struct Counter {
    layers: Vec<usize>,
    entries: usize,
    bytes: usize,
}

impl ContentVisitor for Counter {
    fn start_layer(&mut self, layer: &Layer) {
        self.layers.push(layer.index);
    }

    fn entry(&mut self, _layer: &Layer, meta: &EntryMeta) -> bool {
        self.entries += 1;
        meta.path.starts_with("/usr/")
    }

    fn content(&mut self, _layer: &Layer, _meta: &EntryMeta, data: &[u8]) {
        self.bytes += data.len();
    }
}

impl PassVisitor for Counter {
    fn finish(self: Box<Self>) -> Box<dyn std::any::Any + Send> {
        Box::new((self.layers, self.entries, self.bytes))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_visitor_rides_the_pass_that_opens_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path(), image(&dir.path().join("layout")));
    register_pass(&ctx, Box::new(Counter::default()));
    // Another stage opens the image; the visitor "sbom" registered rides along.
    let other = StageContext {
        name: "scan".into(),
        ..ctx.clone()
    };
    let subject = subject(&other).await.unwrap();
    assert!(take_pass_result::<(Vec<usize>, usize, usize)>(&other, &subject).is_none());
    let (layers, entries, bytes) =
        take_pass_result::<(Vec<usize>, usize, usize)>(&ctx, &subject).expect("the pass ran it");
    assert_eq!(layers, vec![0, 1, 2]);
    assert_eq!(
        entries, 9,
        "5 files, then 2 files and a whiteout, then 1 file"
    );
    // The plain executable (64 KiB) and the Go one, in layer 0.
    assert!(bytes > 64 << 10, "{bytes}");
    // Once only.
    assert!(take_pass_result::<(Vec<usize>, usize, usize)>(&ctx, &subject).is_none());
}
