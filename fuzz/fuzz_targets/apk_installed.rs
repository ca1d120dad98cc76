//! Alpine's installed database (`/lib/apk/db/installed`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    secchain_fuzz::catalog_one("/lib/apk/db/installed", data, 0o644);
});
