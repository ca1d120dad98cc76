//! DSSE envelopes (cosign attestations).
//!
//! Invariants: an envelope prints to JSON that parses back to the same
//! envelope; signing its payload and verifying the result succeeds with the
//! signer's key and fails once the payload is changed (fail closed).
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use secchain_sign::payload::dsse::Envelope;
use secchain_sign::SigningKeyPair;

fn key() -> &'static SigningKeyPair {
    static KEY: OnceLock<SigningKeyPair> = OnceLock::new();
    KEY.get_or_init(|| SigningKeyPair::generate("fuzz").expect("a key"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(env) = Envelope::parse(data) else {
        return;
    };
    let again = Envelope::parse(&env.to_bytes()).expect("a printed envelope parses");
    assert_eq!(env, again, "envelope does not round-trip");
    let public = key().public_key();
    let verify = |m: &[u8], s: &[u8]| public.verify(m, s);
    assert!(env.verify(verify).is_err(), "a fuzzed envelope verified with a fresh key");
    let Ok(payload) = env.payload_unverified() else {
        return;
    };
    let signed = Envelope::sign(&env.payload_type, &payload, key()).expect("signing works");
    let reparsed = Envelope::parse(&signed.to_bytes()).expect("a signed envelope parses");
    let verified = reparsed.verify(verify).expect("a signed envelope verifies");
    assert_eq!(verified.get().bytes, payload, "verified payload differs");
    let mut tampered = reparsed.clone();
    tampered.payload_type.push('x');
    assert!(tampered.verify(verify).is_err(), "a changed payload type still verified");
});
