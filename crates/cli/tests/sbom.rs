//! The sbom stage and `secchain sbom` against a real registry, an OCI layout and a
//! multi-platform index, with the CycloneDX output checked by the official validator.

use std::collections::BTreeSet;
use std::path::PathBuf;

use secchain_test::{crane, tools_dir, LayerBuilder, Registry, TestContext};

use crate::util::{repo_root, stage, Project};

fn example_layout() -> PathBuf {
    repo_root().join("examples/hello/image")
}

/// (name, version, purl) of every non-root component of a CycloneDX document.
fn components(bom: &serde_json::Value) -> BTreeSet<(String, String, String)> {
    bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] != "operating-system")
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["version"].as_str().unwrap().to_string(),
                c["purl"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn sbom_of(p: &Project, image: &str) -> (serde_json::Value, Vec<u8>) {
    let out = p.run(&["sbom", image]).expect(0);
    let bytes = out.0.stdout.clone();
    (serde_json::from_slice(&bytes).unwrap(), bytes)
}

/// Validates a CycloneDX 1.6 JSON file with the official cyclonedx-python-lib validator.
fn assert_valid_cyclonedx(path: &std::path::Path) {
    let python = tools_dir().join("venv/bin/python");
    assert!(
        python.exists(),
        "missing {}: run scripts/install-test-tools",
        python.display()
    );
    let script = "import sys\nfrom cyclonedx.validation.json import JsonStrictValidator\nfrom cyclonedx.schema import SchemaVersion\nerr = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())\nif err:\n    print(err); sys.exit(1)\n";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} is not valid CycloneDX 1.6: {}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_same_image_from_a_registry_and_a_layout_gives_the_same_packages() {
    let registry = Registry::start();
    let image = format!("{}/hello:1.0", registry.addr());
    crane(&["push", example_layout().to_str().unwrap(), &image]);
    let digest = crane(&["digest", &image]);

    let p = Project::new();
    let (from_registry, bytes_a) = sbom_of(&p, &image);
    let (_, bytes_b) = sbom_of(&p, &image);
    assert_eq!(
        bytes_a, bytes_b,
        "the same image must give a byte-identical SBOM"
    );
    let layout = format!("oci:{}:1.0", example_layout().display());
    let (from_layout, _) = sbom_of(&p, &layout);

    let expected: BTreeSet<(String, String, String)> = [
        (
            "base-files",
            "12.4+deb12u5",
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
        ),
        (
            "libssl3",
            "3.0.11-1~deb12u2",
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
        ),
        (
            "zlib1g",
            "1:1.2.13.dfsg-1",
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
        ),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(components(&from_registry), expected);
    assert_eq!(components(&from_layout), expected);
    let root = &from_registry["metadata"]["component"];
    assert_eq!(
        root["hashes"][0]["content"],
        digest.trim_start_matches("sha256:")
    );
    assert_eq!(root["name"], format!("{}/hello", registry.addr()));
}

#[test]
fn the_sbom_stage_writes_valid_cyclonedx_and_spdx_and_records_the_digest() {
    let p = Project::new();
    let layout = format!("oci:{}:1.0", example_layout().display());
    p.write(
        "p.yaml",
        &format!(
            "version: 1\nimage: \"{layout}\"\nplatform: linux/amd64\nstages:\n  - kind: sbom\n"
        ),
    );
    p.run(&["run", "-f", "p.yaml"]).expect(0);
    let report = p.report("secchain-out");
    let sbom = stage(&report, "sbom");
    assert_eq!(sbom["summary"], "3 packages on debian 12");
    let outputs: Vec<&str> = sbom["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert_eq!(outputs, ["sbom/sbom.cdx.json", "sbom/sbom.spdx.json"]);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(example_layout().join("index.json")).unwrap())
            .unwrap();
    assert_eq!(report["image"]["digest"], index["manifests"][0]["digest"]);
    assert_valid_cyclonedx(&p.path("secchain-out/sbom/sbom.cdx.json"));
    let spdx: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.path("secchain-out/sbom/sbom.spdx.json")).unwrap())
            .unwrap();
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    assert!(spdx["packages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["filesAnalyzed"] == false));
}

#[test]
fn a_multi_platform_index_gets_one_sbom_per_platform_and_one_for_the_index() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let status = |pkg: &str, arch: &str| {
        format!("Package: {pkg}\nStatus: install ok installed\nArchitecture: {arch}\nVersion: 1.0-1\n\nPackage: common\nStatus: install ok installed\nArchitecture: {arch}\nVersion: 2.0-1\n")
    };
    let mut manifests = Vec::new();
    for (arch, pkg) in [("amd64", "only-on-amd64"), ("arm64", "only-on-arm64")] {
        let layer = LayerBuilder::new()
            .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0o644)
            .file("var/lib/dpkg/status", status(pkg, arch), 0o644)
            .tar_gz();
        let path = ctx.write(format!("{arch}.tar.gz"), layer);
        let single = format!("{}/multi:{arch}", registry.addr());
        ctx.crane_append(&single, &[path]);
        ctx.crane(&[
            "mutate",
            &single,
            "--set-platform",
            &format!("linux/{arch}"),
            "-t",
            &single,
        ]);
        manifests.push(single);
    }
    let index = format!("{}/multi:index", registry.addr());
    ctx.crane(&[
        "index",
        "append",
        "-m",
        &manifests[0],
        "-m",
        &manifests[1],
        "-t",
        &index,
    ]);

    let p = Project::new();
    p.write("p.yaml", &format!("version: 1\nimage: {index}\nstages:\n  - kind: sbom\n    with: {{formats: [cyclonedx]}}\n"));
    p.run(&["run", "-f", "p.yaml"]).expect(0);
    let report = p.report("secchain-out");
    let outputs: Vec<&str> = stage(&report, "sbom")["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        [
            "sbom/sbom-linux-amd64.cdx.json",
            "sbom/sbom-linux-arm64.cdx.json",
            "sbom/sbom-index.cdx.json"
        ]
    );
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p.path(&format!("secchain-out/sbom/{f}"))).unwrap())
            .unwrap()
    };
    let names = |bom: &serde_json::Value| -> BTreeSet<String> {
        components(bom).into_iter().map(|c| c.0).collect()
    };
    assert_eq!(
        names(&read("sbom-linux-amd64.cdx.json")),
        ["common", "only-on-amd64"].map(String::from).into()
    );
    assert_eq!(
        names(&read("sbom-linux-arm64.cdx.json")),
        ["common", "only-on-arm64"].map(String::from).into()
    );
    let merged = read("sbom-index.cdx.json");
    assert_eq!(
        names(&merged),
        ["common", "only-on-amd64", "only-on-arm64"]
            .map(String::from)
            .into()
    );
    let index_digest = crane(&["digest", &index]);
    assert_eq!(
        merged["metadata"]["component"]["hashes"][0]["content"],
        index_digest.trim_start_matches("sha256:")
    );
    // Each component says which platforms contain it.
    let text = serde_json::to_string(&merged).unwrap();
    assert!(text.contains("linux/amd64") && text.contains("linux/arm64"));
    assert_valid_cyclonedx(&p.path("secchain-out/sbom/sbom-index.cdx.json"));
}
