//! What cosign signs and stores: simple-signing payloads, in-toto statements
//! and Sigstore bundles.
//!
//! Invariant: each parsed document prints to JSON that parses again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_sign::bundle::Bundle;
use secchain_sign::payload::intoto::Statement;
use secchain_sign::payload::simple_signing::SimpleSigning;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = SimpleSigning::parse(data) {
        SimpleSigning::parse(&p.to_bytes()).expect("a printed payload parses");
        let _ = p.annotations();
    }
    if let Ok(s) = Statement::parse(data) {
        let printed = Statement::parse(&s.to_bytes()).expect("a printed statement parses");
        for subject in &printed.subject {
            for (alg, hex) in &subject.digest {
                let _ = printed.subject_with_digest(&format!("{alg}:{hex}"));
            }
        }
    }
    if let Ok(b) = Bundle::parse(data) {
        Bundle::parse(&b.to_bytes()).expect("a printed bundle parses");
    }
});
