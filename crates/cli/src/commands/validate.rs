//! `secchain validate`: check a pipeline file, run nothing.

use std::path::Path;

use crate::{stages, CliError, EXIT_PASS};

/// Validates the pipeline at `path`; prints a one-line confirmation.
pub fn validate(path: &Path) -> Result<i32, CliError> {
    let loaded = super::load_pipeline(path, &stages::registry(), None)?;
    println!(
        "{} is valid: {} stage(s), pipeline digest {}",
        path.display(),
        loaded.pipeline.stages.len(),
        loaded.digest
    );
    Ok(EXIT_PASS)
}
