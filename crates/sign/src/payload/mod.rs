//! What gets signed: cosign's simple-signing payload (legacy image signatures), the
//! in-toto Statement v1 (attestations, and image signatures in bundle format), and the
//! DSSE envelope that carries a statement and its signatures.
//!
//! All are typed serde structs with a fixed field order and sorted maps, so the same
//! input always serialises to the same bytes.

pub mod dsse;
pub mod intoto;
pub mod simple_signing;

/// Bytes whose signature was verified, and nothing else.
///
/// Only the verification functions of this crate construct it, so a check that takes
/// a `Verified` cannot be made on bytes that were not verified (an unverified layer
/// annotation, a sibling envelope): the class of bug behind cosign's CVE-2022-35929.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified<T> {
    value: T,
}

impl<T> Verified<T> {
    /// Wraps a value whose signature was verified. Crate-private on purpose.
    pub(crate) fn new(value: T) -> Self {
        Verified { value }
    }

    /// The verified value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// Parses or transforms the verified value; the result is still "verified"
    /// because it is derived from the verified bytes alone.
    pub fn map<U, E>(&self, f: impl FnOnce(&T) -> Result<U, E>) -> Result<Verified<U>, E> {
        f(&self.value).map(Verified::new)
    }
}
