//! secchain's `secrets` stage: what a careless build left in an image, and the image
//! properties attackers rely on.
//!
//! Deleting a file in a later layer does not remove it from the image, and build
//! arguments end up in the history: anyone who pulls the image can read every layer
//! and the config. This crate looks everywhere:
//!
//! - [`rules`]: the flat table of secret rules (`secret:github-token`, …), each with a
//!   severity, prefilter keywords and a regex or path condition;
//! - [`scanner`]: the content scanner — one Aho-Corasick pass selects the candidate
//!   rules, only their regexes run; values are validated, allow-listed ([`allowlist`])
//!   and [redacted](redact) before anything leaves it;
//! - [`visitor`]: a [`ContentVisitor`](secchain_oci::ContentVisitor) that scans every entry
//!   of every layer in one streaming pass (files later deleted or overwritten included),
//!   skipping binaries and files over the size limit;
//! - [`config_scan`]: environment variables, labels and history `created_by` lines;
//! - [`hygiene`]: root user, shells, package managers, compilers, setuid files,
//!   world-writable directories, healthcheck, base-image pinning, size;
//! - [`SecretsStage`]: the `secrets` pipeline stage writing `secrets.json` and
//!   `hygiene.json`.
//!
//! No output, log line or report of this crate ever contains a full secret: findings
//! carry at most the first and last two characters of a value.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod allowlist;
pub mod config_scan;
pub mod docs;
pub mod glob;
pub mod hygiene;
mod options;
mod pem;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scanner;
pub mod severity;
mod stage;
#[doc(hidden)]
pub mod testdata;
pub mod visitor;

pub use allowlist::{AllowEntry, Allowlist};
pub use hygiene::{HygieneFinding, HygieneInput, HygieneOptions, HygieneReport};
pub use options::{SecretsGate, SecretsOptions};
pub use report::{LayerRef, SecretFinding};
pub use rules::{Rule, RULES};
pub use scanner::{Match, ScanOptions, Scanner};
pub use severity::{FailOn, Severity};
pub use stage::SecretsStage;
pub use visitor::{LayerMatch, LayerScan, ScanFailed, ScanStats, SecretVisitor};
