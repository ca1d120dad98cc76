//! secchain's package inventory and SBOMs.
//!
//! [`catalog()`] runs every cataloger over a [`FileTree`] (an image's merged
//! filesystem, or a local directory through [`DirTree`]) and returns an
//! [`Inventory`]. [`cyclonedx::render`] and [`spdx::render`] turn an
//! inventory into CycloneDX 1.6 / SPDX 2.3 JSON; [`cyclonedx::parse`] reads a
//! CycloneDX SBOM back; [`merge::merge_platforms`] builds the inventory of a
//! multi-platform index.
#![forbid(unsafe_code)]

pub mod catalog;
pub mod cyclonedx;
pub mod inventory;
mod licenses;
pub mod merge;
pub mod purl;
pub mod spdx;
pub mod subject;
pub mod tree;

pub use catalog::{catalog, CatalogOptions, Selector};
pub use inventory::{
    BaseKind, Distro, FoundBy, Inventory, Location, Note, Package, PackageType, SourcePackage,
};
pub use subject::SubjectImage;
pub use tree::{DirTree, EntryKind, FileEntry, FileTree, LayerRef, MemTree};
