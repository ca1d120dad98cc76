//! secchain's provenance: one SLSA v1 provenance attestation that links every stage.
//!
//! The pipeline's promise is a chain: this image was linted, pinned, scanned,
//! catalogued, signed and given policies, by this pipeline definition, from these
//! inputs. [`build_statement`] records that chain as an in-toto Statement v1
//! ([`intoto`]) with an SLSA provenance v1 predicate ([`slsa`]): the image as subject,
//! the effective pipeline and its bases as parameters, the Dockerfile, pinned base images
//! and vulnerability database as resolved dependencies, and every stage's outputs (by
//! sha256) and outcome as byproducts. [`ci::builder_id`] names the builder from the CI
//! environment. [`ProvenanceStage`] signs and attaches it; [`verify::verify_chain`]
//! (`secchain verify`) checks it end to end.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod builder;
pub mod ci;
pub mod docs;
pub mod intoto;
pub mod policy;
pub mod slsa;
pub mod stage;
pub mod subject;
pub mod verify;
pub mod vuln;

pub use builder::{build_statement, ProvenanceInputs, BUILD_TYPE};
pub use policy::VerifyPolicy;
pub use stage::{ProvenanceOptions, ProvenanceStage, PROVENANCE_FILE};
pub use verify::{verify_chain, ChainCheck, ChainReport, ChainRequest};
