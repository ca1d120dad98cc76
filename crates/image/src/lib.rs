//! The pipeline's subject image, shared by every stage that reads it.
//!
//! Stages never open the image themselves. They ask this crate, which opens it once
//! per run through [`secchain_pipeline::SharedFacts`] and hands every stage the same
//! [`Subject`] (the verified manifest and config plus the merged filesystem view) and
//! the same package [`Inventory`](secchain_sbom::Inventory):
//!
//! - [`subject`] opens `image:` (a registry reference, `oci:DIR[:TAG]` or
//!   `docker-archive:FILE`, relative paths resolved against the pipeline file) for the
//!   requested platform, records its digest as the run's subject digest, and builds the
//!   merged view in one streaming pass over the layers, which also keeps the
//!   catalogue's files ([`prefetch`]) and runs the visitors stages registered with
//!   [`register_pass`] ([`pass`]): the layers are decompressed once per run;
//! - [`inventory`] catalogues the packages in it ([`ImageTree`] adapts the image to the
//!   catalogue's [`FileTree`](secchain_sbom::FileTree));
//! - [`SbomStage`] is the `sbom` stage.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod pass;
mod prefetch;
mod sbom_stage;
mod subject;
mod tree;

pub use pass::{register_pass, take_pass_result, PassVisitor};
pub use sbom_stage::{SbomOptions, SbomStage};
pub use subject::{inventory, open_options, resolve_source, subject, Subject, SubjectInventory};
pub use tree::ImageTree;
