//! `secchain stages`: the stage kinds this binary knows.

use crate::{stages, CliError, EXIT_PASS};

/// Lists every stage kind with its one-line summary.
pub fn list() -> Result<i32, CliError> {
    let registry = stages::registry();
    let width = registry.kinds().map(str::len).max().unwrap_or(0);
    for stage in registry.stages() {
        println!("{:width$}  {}", stage.kind(), stage.summary());
    }
    Ok(EXIT_PASS)
}
