//! The `runtime-rules` stage: Falco rules generated from the image itself.
//!
//! An image that passed every gate can still be exploited at run time. A container
//! does a few known things; everything else should raise an alarm at once. This
//! crate profiles an image ([`profile()`]: entrypoint and cmd resolved to executables,
//! shells, package managers, compilers, network tools, user, ports, language
//! runtimes, writable directories) and generates ([`generate()`]) a Falco rules file
//! scoped to that image which alerts on everything else: unexpected processes,
//! shells, package managers, writes outside the expected paths, unexpected outbound
//! connections, download-and-execute, crypto-mining, privilege escalation, reads of
//! sensitive files and reverse shells. Optionally it also writes a Tetragon
//! `TracingPolicy` enforcing the same process allow-list ([`tetragon`]).
//!
//! Rules are built from a typed model of Falco's condition language ([`falco`]),
//! never by pasting strings: every value taken from the image is quoted and escaped
//! by the printer, and tests parse every generated condition with a port of Falco's
//! own grammar.
//!
//! The stage ([`RuntimeRulesStage`]) takes its input from the run's shared facts: an
//! [`ImageProfileInput`], built by the pipeline from the image and its inventory.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod docs;
pub mod falco;
pub mod generate;
pub mod image_input;
pub mod input;
pub mod options;
pub mod profile;
pub mod stage;
pub mod tetragon;

pub use generate::{generate, Generated, RuleId, SkippedValue};
pub use input::{FileInfo, FileKind, ImageConfig, ImageProfileInput, PackageInfo};
pub use options::{RuntimeRulesGate, RuntimeRulesOptions};
pub use profile::{profile, ImageProfile};
pub use stage::RuntimeRulesStage;
