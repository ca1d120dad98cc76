//! purl rendering/parsing and the `SOURCE_DATE_EPOCH` timestamp (the only
//! test in this binary that touches the environment).

use secchain_sbom::purl::Purl;
use secchain_sbom::{cyclonedx, Inventory, Package, PackageType, SubjectImage};

#[test]
fn purls_follow_the_spec() {
    let mut p = Package::new(PackageType::Java, "jackson-core", "2.17.2");
    p.namespace = Some("com.fasterxml.jackson.core".into());
    assert_eq!(
        p.purl(),
        "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.17.2"
    );
    assert_eq!(
        Package::new(PackageType::Python, "Zope.Interface", "7.1").purl(),
        "pkg:pypi/zope-interface@7.1"
    );
    assert_eq!(
        Package::new(PackageType::Npm, "@types/node", "20.1.0").purl(),
        "pkg:npm/%40types/node@20.1.0"
    );
    let mut deb = Package::new(PackageType::Deb, "bash", "5.2.15-2+b7");
    deb.arch = Some("amd64".into());
    deb.distro = Some("debian-12".into());
    assert_eq!(
        deb.purl(),
        "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12"
    );
    let s = SubjectImage {
        name: "ghcr.io/acme/app".into(),
        digest: Some("sha256:0123".into()),
        tag: Some("v1".into()),
        repository_url: Some("ghcr.io/acme/app".into()),
        platform: Some("linux/arm64".into()),
        created: None,
    };
    assert_eq!(
        s.purl(),
        "pkg:oci/app@sha256%3A0123?platform=linux/arm64&repository_url=ghcr.io/acme/app&tag=v1"
    );
    for text in [
        "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12",
        "pkg:npm/%40types/node@20.1.0",
        "pkg:golang/github.com/spf13/cobra@v1.8.1",
        "pkg:rpm/rocky/bash@5.1.8-9.el9?arch=x86_64&epoch=1",
    ] {
        let parsed = Purl::parse(text).unwrap();
        assert_eq!(parsed.render(), text);
    }
    let parsed = Purl::parse("pkg:npm/%40types/node@20.1.0").unwrap();
    assert_eq!(
        (parsed.namespace.as_deref(), parsed.name.as_str()),
        (Some("@types"), "node")
    );
}

#[test]
fn source_date_epoch_sets_the_timestamp() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1700000000");
    let bom = cyclonedx::render(
        &Inventory::default(),
        &SubjectImage {
            name: "x".into(),
            created: Some(5),
            ..Default::default()
        },
    );
    let text = String::from_utf8(bom).unwrap();
    assert!(
        text.contains("\"timestamp\": \"2023-11-14T22:13:20Z\""),
        "{text}"
    );
}
