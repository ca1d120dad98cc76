//! `secchain lint [FILE…]`: the lint rules on their own.

use std::io::IsTerminal;

use anyhow::Context as _;
use secchain_lint::cli::{run, CliOptions};
use secchain_lint::output::Format;

use crate::cli::LintArgs;
use crate::CliError;

/// Lints the given Dockerfiles and prints the report; exit 1 when the gate fails.
pub fn lint(args: &LintArgs) -> Result<i32, CliError> {
    if args.list_rules {
        print!("{}", secchain_lint::cli::list_rules());
        return Ok(crate::EXIT_PASS);
    }
    let format = Format::parse(&args.format).ok_or_else(|| {
        CliError::Usage(format!(
            "error: unknown format `{}` (use human, json, sarif or gitlab)",
            args.format
        ))
    })?;
    let fail_on = match &args.fail_on {
        Some(level) => Some(
            serde_json::from_value(serde_json::Value::String(level.clone()))
                .map_err(|e| CliError::Usage(format!("error: --fail-on {level}: {e}")))?,
        ),
        None => None,
    };
    let opts = CliOptions {
        files: args.files.clone(),
        format,
        color: format == Format::Human
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none(),
        config: args.config.clone(),
        fail_on,
        ignore: args.ignore.clone(),
        trusted_registries: args.trusted_registry.clone(),
    };
    let cwd = std::env::current_dir().context("reading the working directory")?;
    match run(&opts, &cwd) {
        Ok(out) => {
            print!("{}", out.text);
            Ok(out.exit_code)
        }
        Err(e) => Err(CliError::Usage(format!("error: {e}"))),
    }
}
