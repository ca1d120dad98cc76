//! Image references (`registry/repo:tag@digest`), image source strings and platforms.
//!
//! Invariant: a parsed reference prints to a string that parses to the same reference.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_oci::{ImageReference, ImageSource, Platform};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = ImageReference::parse(text) {
        let printed = r.to_string();
        let again = ImageReference::parse(&printed)
            .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which does not parse: {e}"));
        assert_eq!(r, again, "{text:?} printed as {printed:?} parses differently");
        let familiar = r.familiar();
        let from_familiar = ImageReference::parse(&familiar)
            .unwrap_or_else(|e| panic!("familiar form {familiar:?} of {text:?} does not parse: {e}"));
        assert_eq!(r, from_familiar, "familiar form {familiar:?} of {text:?} differs");
        let _ = r.with_tag("latest");
        let _ = r.tag_or_digest();
    }
    let _ = ImageSource::parse(text);
    let _ = Platform::parse(text);
    let _ = secchain_dockerfile::split_reference(text);
});
