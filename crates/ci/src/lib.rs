//! secchain in CI systems.
//!
//! Everything here is rendered from the run's [`RunReport`](secchain_pipeline::RunReport),
//! so every CI sees the same facts:
//! - [`github`]: the Markdown job summary for `$GITHUB_STEP_SUMMARY`, `::error`
//!   annotations for findings that point at a file and line, and step outputs;
//! - [`junit`]: JUnit XML (one test case per stage gate) for Jenkins, Azure Pipelines,
//!   Tekton, GitLab and anything else that reads test reports.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod github;
pub mod junit;
