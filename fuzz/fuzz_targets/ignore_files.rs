//! Ignore files: `.trivyignore` (text) and `.trivyignore.yaml`, then the rule
//! matching they feed (path globs and purls). The first byte picks the format;
//! the text after the first NUL, if any, is the path the globs are matched to.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_scan::ignore::{glob, purl_covers, trivyignore, trivyignore_yaml};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (doc, path) = text.split_once('\0').unwrap_or((&text, "usr/lib/python3/dist-packages/x/METADATA"));
    let rules = if which & 1 == 0 {
        trivyignore::parse(".trivyignore", doc)
    } else {
        trivyignore_yaml::parse(".trivyignore.yaml", doc)
    };
    let Ok(rules) = rules else { return };
    for r in &rules {
        assert!(!r.location.is_empty(), "a rule without a location");
        for p in &r.paths {
            let _ = glob(p, path);
        }
        for p in &r.purls {
            let _ = purl_covers(p, Some("pkg:deb/debian/openssl@3.0.11-1?arch=amd64"));
        }
    }
});
