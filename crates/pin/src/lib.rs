//! The `pin` stage: every image reference a build depends on, made immutable.
//!
//! A tag can be moved by whoever controls the registry; a digest cannot. This crate
//! finds image references ([`targets`]: Dockerfile `FROM`, `COPY --from=IMAGE`,
//! `RUN --mount=from=IMAGE`; Kubernetes workloads, compose files and GitHub workflow
//! containers), resolves their tags to the digest the registry serves ([`resolve`]: the
//! index digest for multi-platform images, so pinning never drops platforms), and
//! rewrites each reference in place as `name:tag@sha256:…` ([`plan`], [`write`]),
//! changing only the reference's bytes. In check mode it reports what is unpinned and
//! which pinned tags have moved since.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod docs;
pub mod options;
pub mod plan;
pub mod resolve;
pub mod stage;
pub mod targets;
pub mod write;

pub use options::{Mode, PinGate, PinOptions};
pub use plan::{plan, Pin, PinFinding, PinPlan};
pub use resolve::{Resolution, Resolver};
pub use stage::PinStage;
pub use targets::{find_targets, Target, TargetKind};
