//! dpkg status database (`/var/lib/dpkg/status`) and distroless `status.d` files.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (path, body) = match data.split_first() {
        Some((b, rest)) if b & 1 == 1 => ("/var/lib/dpkg/status.d/pkg", rest),
        Some((_, rest)) => ("/var/lib/dpkg/status", rest),
        None => return,
    };
    secchain_fuzz::catalog_one(path, body, 0o644);
});
