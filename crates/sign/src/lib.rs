//! secchain's signing: cosign-compatible keys, image signatures and attestations in
//! both formats cosign 3 reads, verification, keyless signing, and the `sign` stage.
//!
//! - Keys ([`key`]): [`generate_key_pair`] writes cosign's encrypted format;
//!   [`load_signing_key`] reads it (and keys `cosign generate-key-pair` made) and plain
//!   PKCS#8 / SEC1 P-256 PEM; keys are referenced by path, `env://VAR`, or (reserved)
//!   a KMS URI ([`KeyRef`]); passwords come from `COSIGN_PASSWORD` /
//!   `SECCHAIN_KEY_PASSWORD` or a terminal prompt ([`PasswordSource`]), never a flag.
//! - Signing ([`sign_image`], [`attest_image`]): always by digest. [`SignatureFormat::Legacy`]
//!   is cosign's `sha256-<hex>.sig` / `.att` tags (the default: what policy-controller
//!   and Kyverno verify today); [`SignatureFormat::Bundle`] is a Sigstore bundle v0.3
//!   attached as an OCI 1.1 referrer, with the referrers tag schema for registries
//!   without the API. Signatures accumulate; each is pushed completely or not at all.
//! - Verification ([`verify_image`]): one verdict per check, every check on the bytes
//!   whose signature verified.
//! - Keyless ([`keyless`]): Fulcio certificate + Rekor entry through the `sigstore`
//!   crate, behind the cargo feature `keyless` (off by default: it adds ~90 crates and
//!   minutes to a cold build). Without it, keyless requests fail with a clear error.
//! - The pipeline stage: [`SignStage`].
//!
//! Registry I/O goes through `secchain-oci` behind the small [`SignatureStore`] trait.
//! The crate never prints (the only terminal I/O is the password prompt, on the TTY).
//!
//! # CLI help text (for `crates/cli`)
//!
//! ## `secchain sign`
//! ```text
//! Sign a container image (by digest) with a cosign-compatible key, or keylessly.
//!
//! Usage: secchain sign [OPTIONS] <IMAGE>
//!
//! Arguments:
//!   <IMAGE>  Image reference; a tag is resolved to its digest and the digest is signed
//!
//! Options:
//!       --key <KEY>             Signing key: a file (cosign.key), env://VAR, or kms://… (not supported yet)
//!   -a, --annotations <K=V>     Annotation signed into the payload (repeatable)
//!       --format <FORMAT>       legacy (cosign .sig tag; default) | bundle (Sigstore bundle referrer)
//!       --keyless               Sign with a Fulcio certificate (OIDC token from SIGSTORE_ID_TOKEN
//!                               or GitHub Actions); records the signature in Rekor
//!       --fulcio-url <URL>      Fulcio for --keyless [default: https://fulcio.sigstore.dev]
//!       --rekor-url <URL>       Rekor for --keyless [default: https://rekor.sigstore.dev]
//!       --oidc-issuer <URL>     Require the identity token to come from this issuer
//!       --dry-run               Sign with an ephemeral key and push nothing; print what would be pushed
//!
//! The key's password is read from COSIGN_PASSWORD (or SECCHAIN_KEY_PASSWORD), else
//! prompted for on a terminal. Several signatures on one image accumulate.
//! Exit: 0 signed and pushed; 2 usage/key problem; 3 registry error.
//! ```
//! Library: [`sign_image`] with a [`SignRequest`] (`signer`: [`SignerSpec::Key`] with
//! [`PasswordSource::Interactive`], or [`SignerSpec::Keyless`]); print
//! [`SignOutcome::image`] / [`SignOutcome::tag`], or the JSON of the outcome.
//!
//! ## `secchain attest`
//! ```text
//! Attest a container image: sign an in-toto statement about its digest (DSSE).
//!
//! Usage: secchain attest [OPTIONS] --predicate <FILE> <IMAGE>
//!
//! Options:
//!       --key <KEY>             Signing key (as for `secchain sign`)
//!       --type <TYPE>           slsaprovenance1 | slsaprovenance02 | cyclonedx | spdxjson | vuln |
//!                               openvex | link | custom | any predicate type URI [default: custom]
//!       --predicate <FILE>      The predicate (JSON); `-` reads stdin
//!       --format <FORMAT>       legacy (cosign .att tag; default) | bundle
//!       --keyless, --fulcio-url, --rekor-url, --oidc-issuer, --dry-run   As for `secchain sign`
//! ```
//! Library: [`attest_image`] with an [`AttestRequest`] ([`PredicateType::parse`] for
//! `--type`, [`read_predicate`] for `--predicate`, [`parse_annotation`] for `-a`).
//!
//! ## `secchain verify`
//! ```text
//! Verify an image: by default the whole chain (its signature, its secchain provenance
//! and a policy: see secchain-provenance); with --signature-only its signatures, with
//! --attestation TYPE its attestations of that type.
//!
//! Usage: secchain verify [OPTIONS] --key <KEY> <IMAGE>
//!
//! Options:
//!       --key <KEY>                  Public key: cosign.pub, env://VAR
//!       --signature-only             Verify signatures only (like cosign verify)
//!       --attestation <TYPE>         Verify attestations of this predicate type
//!   -a, --annotations <K=V>          Required annotation in the signed payload (repeatable)
//!       --signature-format <FORMAT>  Only this format: legacy | bundle [default: both]
//!       --format <FORMAT>            text | json
//!
//! Checks each signature: signature over the exact payload, payload names the image's
//! digest, predicate type and annotations as required, all on the verified bytes.
//! Exit: 0 at least one signature passed every check; 1 none did (the reasons are
//! printed); 2 usage/key problem; 3 registry error.
//! ```
//! Library: [`verify_image`] with a [`VerifyRequest`]; print [`VerificationReport::reason`]
//! and the failing [`VerificationReport::checks`]; exit 1 unless
//! [`VerificationReport::passed`].
//!
//! ## `secchain key generate`
//! ```text
//! Generate an ECDSA P-256 key pair in cosign's format: cosign.key (encrypted, mode 0600)
//! and cosign.pub. Usable by `cosign sign --key`.
//!
//! Usage: secchain key generate [OPTIONS]
//!
//! Options:
//!       --output-key-prefix <P>  File name prefix [default: cosign]
//!       --dir <DIR>              Where to write [default: .]
//!       --force                  Overwrite existing files
//!
//! The password is read from COSIGN_PASSWORD (or SECCHAIN_KEY_PASSWORD), else prompted
//! for twice on a terminal. An empty password is allowed, as in cosign.
//! ```
//! Library: [`generate_key_pair`]`(dir, &PasswordSource::Interactive, &GenerateOptions)`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bundle;
pub mod docs;
pub mod error;
pub mod key;
pub mod keyless;
pub mod legacy;
pub mod payload;
pub mod referrers;
pub mod sign;
pub mod signer;
pub mod stage;
pub mod store;
pub mod verify;

pub use error::{Error, Result};
pub use key::{
    generate_key_pair, load_signing_key, load_verification_key, GenerateOptions, GeneratedKeyPair,
    KeyRef, PasswordSource, PublicKey, SigningKeyPair,
};
pub use keyless::KeylessConfig;
pub use payload::intoto::PredicateType;
pub use sign::{
    attest_image, attest_statement, parse_annotation, read_predicate, sign_image, AttestRequest,
    SignOutcome, SignRequest, SignatureFormat, SignerSpec, SigningSession, StatementRequest,
    Subject,
};
pub use signer::{Signer, TransparencyLog};
pub use stage::{resolved_image, stage_error, stage_signer, SignOptions, SignStage};
pub use store::{MemoryStore, RegistryStore, SignatureStore};
pub use verify::{verify_image, Check, Policy, Verdict, VerificationReport, VerifyRequest};
