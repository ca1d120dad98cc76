//! secchain's pipeline engine.
//!
//! This crate reads a pipeline file and runs it; it knows no particular stage.
//!
//! - [`load`] turns a file (and the bases it `extends:`) into a [`LoadedPipeline`], or a
//!   [`ConfigError`] listing every problem with its `file:line:column` and a hint.
//! - Stages plug in through the [`Stage`] trait and are looked up in a [`StageRegistry`].
//! - [`execute`] runs the stages as their `needs:` allow, sharing computed facts
//!   ([`SharedFacts`]), streaming [`Event`]s to whoever displays progress, and writing
//!   the [`RunReport`] (`report.json`).
//!
//! ```no_run
//! # async fn demo(registry: secchain_pipeline::StageRegistry) {
//! use secchain_pipeline::*;
//! let opts = LoadOptions { registry: &registry, env: &ProcessEnv, fetch: None, check_files: true, image: None };
//! let loaded = load("pipeline.yaml".as_ref(), &opts).expect("valid pipeline");
//! let run = RunOptions { out_dir: "secchain-out".into(), dry_run: true, platform: None, image: None, version: "0.1.0".into() };
//! let report = execute(&loaded, &registry, &run, EventSink::discard(), Default::default()).await.unwrap();
//! std::process::exit(report.exit_code);
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diag;
pub mod docs;
pub mod events;
pub mod executor;
pub mod explain;
pub mod facts;
pub mod interpolate;
pub mod load;
pub mod merge;
pub mod model;
pub mod node;
pub mod output;
pub mod redact;
pub mod registry;
pub mod report;
pub mod schema;
pub mod stage;
pub mod validate;

pub use diag::{ConfigError, Diagnostic, SourceMap};
pub use docs::{DocCategory, RuleDoc, StaticDoc};
pub use events::{Event, EventSink, LogLevel, TimedEvent};
pub use executor::{execute, RunOptions};
pub use facts::SharedFacts;
pub use interpolate::{Env, ProcessEnv};
pub use load::{load, load_text, Fetch, LoadOptions, LoadedPipeline};
pub use model::{Pipeline, StageSpec};
pub use output::{sha256_digest, write_atomic, OutputRecord};
pub use redact::Redactor;
pub use registry::StageRegistry;
pub use report::{count, Outcome, RunReport, RunResult, StageRecord};
pub use schema::{pipeline_schema, StageSchema};
/// Re-exported so stages name the same schema types the engine composes.
pub use schemars;
pub use stage::{
    parse_section, ConfigProblem, Finding, RunInfo, Stage, StageConfig, StageContext, StageError,
    StageReport,
};
pub use tokio_util::sync::CancellationToken;
