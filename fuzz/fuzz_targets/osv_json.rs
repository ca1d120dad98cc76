//! OSV advisory records, and the version orderings their ranges are compared with.
//!
//! Invariant: every version comparator is antisymmetric and reflexive on the
//! versions a record names.
#![no_main]
use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use secchain_scan::osv::Vulnerability;
use secchain_scan::version::Scheme;

fn check_order(scheme: Scheme, a: &str, b: &str) {
    let ab = scheme.compare(a, b);
    let ba = scheme.compare(b, a);
    assert_eq!(ab, ba.map(Ordering::reverse), "{scheme:?}: {a:?} vs {b:?} is not antisymmetric");
    if let Some(o) = scheme.compare(a, a) {
        assert_eq!(o, Ordering::Equal, "{scheme:?}: {a:?} is not equal to itself");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = Vulnerability::from_json(data) else {
        return;
    };
    for a in &v.affected {
        let Some(pkg) = &a.package else { continue };
        let base = pkg.ecosystem.split(':').next().unwrap_or("");
        let scheme = Scheme::for_ecosystem(base);
        let mut versions: Vec<&str> = a.versions.iter().map(String::as_str).collect();
        for r in &a.ranges {
            for e in &r.events {
                for x in [&e.introduced, &e.fixed, &e.last_affected, &e.limit]
                    .into_iter()
                    .flatten()
                {
                    versions.push(x);
                }
            }
        }
        versions.truncate(16);
        for x in &versions {
            for y in &versions {
                check_order(scheme, x, y);
            }
        }
    }
});
