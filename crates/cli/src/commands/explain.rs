//! `secchain explain`: the effective pipeline and where each setting came from.

use std::path::Path;

use crate::{stages, CliError, EXIT_PASS};

/// Prints the effective pipeline at `path` with provenance comments.
pub fn explain(path: &Path) -> Result<i32, CliError> {
    let loaded = super::load_pipeline(path, &stages::registry(), None)?;
    print!(
        "{}",
        secchain_pipeline::explain::explain(&loaded.tree, &loaded.sources)
    );
    Ok(EXIT_PASS)
}
