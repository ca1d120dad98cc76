//! Python `METADATA` / `PKG-INFO` files.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    secchain_fuzz::catalog_one(
        "/usr/lib/python3/site-packages/pkg-1.0.dist-info/METADATA",
        data,
        0o644,
    );
});
