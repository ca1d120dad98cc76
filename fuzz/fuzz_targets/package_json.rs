//! npm `package.json` of installed packages.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    secchain_fuzz::catalog_one("/app/node_modules/pkg/package.json", data, 0o644);
});
