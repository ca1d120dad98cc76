//! OpenVEX documents used to suppress findings.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_scan::ignore::{glob, openvex, purl_covers};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(rules) = openvex::parse("vex.json", &text) else {
        return;
    };
    for r in &rules {
        assert!(!r.location.is_empty(), "a rule without a location");
        for p in &r.paths {
            let _ = glob(p, "usr/lib/x86_64-linux-gnu/libssl.so.3");
        }
        for p in &r.purls {
            let _ = purl_covers(p, Some("pkg:deb/debian/openssl@3.0.11-1?arch=amd64"));
        }
    }
});
