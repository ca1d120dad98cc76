//! Image manifests and indexes (OCI and Docker v2), with or without a content type.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_oci::Manifest;

const TYPES: [Option<&str>; 5] = [
    None,
    Some("application/vnd.oci.image.manifest.v1+json"),
    Some("application/vnd.oci.image.index.v1+json"),
    Some("application/vnd.docker.distribution.manifest.v2+json"),
    Some("application/vnd.docker.distribution.manifest.list.v2+json"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let content_type = TYPES[usize::from(which) % TYPES.len()];
    if let Ok(m) = Manifest::parse(body, content_type, "fuzz manifest") {
        let _ = m.media_type();
    }
});
