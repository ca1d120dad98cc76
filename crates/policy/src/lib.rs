//! secchain's `policy` stage: admission policies for the signed image (issue #11).
//!
//! Signing is worth nothing if the cluster runs unsigned images. From what the pipeline
//! knows (the image repository, the signing key or keyless identity, the attestations it
//! pushed, the image's user and ports) this crate generates what a platform team applies:
//!
//! - a sigstore policy-controller `ClusterImagePolicy` ([`model::cluster_image_policy`]),
//! - a Kyverno `ClusterPolicy` with `verifyImages` ([`model::kyverno`]),
//! - a `ValidatingAdmissionPolicy` and its binding (CEL: digest references and a hardened pod),
//! - a hardened pod spec to paste into a Deployment.
//!
//! Every document is a typed Rust value following the upstream definition field by field
//! (`kube`'s `CustomResource` derive for the two CRDs, `k8s-openapi` for the built-ins),
//! rendered to deterministic YAML with a header comment ([`render`]). [`generate()`] is the
//! library entry point, [`PolicyStage`] the pipeline stage and [`apply`] the server-side
//! apply behind `secchain policy apply`.
//!
//! ```
//! use secchain_policy::{generate, input::*, options::PolicyOptions};
//! let input = PolicyInput {
//!     image_repository: "registry.example.com/team/app".into(),
//!     image_digest: None,
//!     signer: Signer::Key {
//!         public_key_pem: "-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----\n".into(),
//!         rekor_url: None,
//!     },
//!     tlog: true,
//!     signature_format: SignatureFormat::Legacy,
//!     attestations: vec![PredicateType::SlsaProvenance1],
//!     builder_id: Some("https://ci.example.com/secchain".into()),
//!     image_user: Some("10001".into()),
//!     exposed_ports: vec![],
//!     writable_paths: vec!["/tmp".into()],
//! };
//! let docs = generate(&input, &PolicyOptions::default()).unwrap();
//! assert_eq!(docs.len(), 5);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod apply;
pub mod config;
pub mod error;
pub mod generate;
pub mod input;
pub mod model;
pub mod options;
pub mod reference;
pub mod render;
pub mod sign_data;
pub mod stage;

pub use error::{Error, Result};
pub use generate::{generate, Document, Resource};
pub use input::PolicyInput;
pub use options::PolicyOptions;
pub use stage::PolicyStage;
