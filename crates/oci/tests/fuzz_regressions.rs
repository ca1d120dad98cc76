//! Inputs the `image_reference` fuzz target found (files in
//! `tests/fuzz-regressions/image_reference/`): each must keep the target's invariants.

use secchain_oci::ImageReference;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    secchain_test::fuzz_regressions(env!("CARGO_MANIFEST_DIR"), target)
}

/// A Docker Hub repository whose first component looks like a registry
/// (`docker.io/my.org/app`) keeps `docker.io/` in its familiar form.
#[test]
fn familiar_form_parses_back_to_the_same_reference() {
    for (name, bytes) in inputs("image_reference") {
        let text = std::str::from_utf8(&bytes).unwrap();
        let r = ImageReference::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let familiar = r.familiar();
        let again = ImageReference::parse(&familiar).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r, again, "{name}: familiar form {familiar:?}");
    }
    let r = ImageReference::parse("docker.io/my.org/app:1").unwrap();
    assert_eq!(r.familiar(), "docker.io/my.org/app:1");
    let hub = ImageReference::parse("docker.io/library/alpine:3.20").unwrap();
    assert_eq!(hub.familiar(), "alpine:3.20");
    let user = ImageReference::parse("docker.io/someone/app:1").unwrap();
    assert_eq!(user.familiar(), "someone/app:1");
}
