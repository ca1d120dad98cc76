//! The rpm databases: SQLite `rpmdb.sqlite` (read by secchain's own SQLite
//! page reader) and the Berkeley DB `Packages`, both down to the rpm headers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (path, body) = match data.split_first() {
        Some((b, rest)) if b & 1 == 1 => ("/var/lib/rpm/Packages", rest),
        Some((_, rest)) => ("/var/lib/rpm/rpmdb.sqlite", rest),
        None => return,
    };
    secchain_fuzz::catalog_one(path, body, 0o644);
    // The header parser on its own too: a blob of the database.
    let _ = secchain_sbom::catalog::rpm::parse_header(body);
});
