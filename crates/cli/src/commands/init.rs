//! `secchain init`: write a starting pipeline for the repository.

use crate::cli::InitArgs;
use crate::{CliError, EXIT_USAGE};

/// Not built yet.
pub fn init(_args: &InitArgs) -> Result<i32, CliError> {
    eprintln!("error: `secchain init` is not available in this build");
    Ok(EXIT_USAGE)
}
