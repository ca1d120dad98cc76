//! One module per subcommand; [`dispatch`] picks one.

mod db;
mod explain;
mod init;
mod lint;
mod pin;
mod reference;
mod run;
mod sbom;
mod scan;
mod sign;
mod single;
mod stages;
mod validate;

use std::path::Path;

use secchain_pipeline::{load, LoadOptions, LoadedPipeline, ProcessEnv, StageRegistry};

use crate::cli::{Cli, Command};
use crate::CliError;

/// Runs the chosen subcommand and returns its exit code.
pub fn dispatch(cli: Cli) -> Result<i32, CliError> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Validate(args) => validate::validate(&args.file),
        Command::Explain(args) => explain::explain(&args.file),
        Command::Stages => stages::list(),
        Command::Sbom(args) => sbom::sbom(&args),
        Command::Pin(args) => pin::pin(&args),
        Command::Lint(args) => lint::lint(&args),
        Command::Scan(args) => scan::scan(&args),
        Command::Db(args) => db::db(&args),
        Command::Sign(args) => sign::sign(&args),
        Command::Attest(args) => sign::attest(&args),
        Command::Verify(args) => sign::verify(&args),
        Command::Key { command } => sign::key(&command),
        Command::Init(args) => init::init(&args),
        Command::ExplainRule { id } => reference::explain_rule(&id),
        Command::Docs { topic, kind } => reference::docs(topic, kind.as_deref()),
        Command::Schema => reference::schema(),
        Command::Completions { shell } => reference::completions(shell),
        Command::Man => reference::man(),
    }
}

/// Loads and validates a pipeline file with the built-in stages; problems become a usage error.
pub(crate) fn load_pipeline(
    path: &Path,
    registry: &StageRegistry,
    image: Option<&str>,
) -> Result<LoadedPipeline, CliError> {
    let fetcher = crate::fetch::HttpsFetcher::new();
    let opts = LoadOptions {
        registry,
        env: &ProcessEnv,
        fetch: Some(&fetcher),
        check_files: true,
        image,
    };
    load(path, &opts).map_err(|e| {
        let count = e.diagnostics.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        CliError::Usage(format!(
            "{}\n{count} {noun} in {}; nothing was run",
            e.render(),
            path.display()
        ))
    })
}
