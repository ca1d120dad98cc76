//! The `secchain` command line: argument parsing, the stage list, and output rendering.
//!
//! The binary is glue: [`main_with_exit_code`] parses arguments, dispatches to one
//! module per subcommand under [`commands`], and maps the result to the documented exit
//! codes in one place: 0 every gate passed, 1 a gate failed, 2 usage or configuration
//! error, 3 runtime error (registry, network, I/O), 130 interrupted.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The binary is where output is written; library crates never print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod commands;
pub mod fetch;
pub mod init;
pub mod progress;
pub mod publish;
pub mod reference;
pub mod stage_docs;
pub mod stages;
pub mod style;
pub mod verdict;

use clap::Parser;

/// Exit code: every gate passed.
pub const EXIT_PASS: i32 = 0;
/// Exit code: a gate failed.
pub const EXIT_GATE_FAILED: i32 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: runtime error (registry, network, I/O).
pub const EXIT_RUNTIME: i32 = 3;

/// secchain's cache directory: `$SECCHAIN_CACHE_DIR`, else `$XDG_CACHE_HOME/secchain`, else `~/.cache/secchain`.
pub fn cache_dir() -> Option<std::path::PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    };
    var("SECCHAIN_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("secchain")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("secchain")))
}

/// An error that knows its exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad arguments or configuration: exit 2. The message is already rendered.
    Usage(String),
    /// Something failed at run time: exit 3.
    Runtime(anyhow::Error),
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Runtime(e)
    }
}

/// Runs the command line and returns the process exit code.
pub fn main_with_exit_code() -> i32 {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_PASS
            };
        }
    };
    match commands::dispatch(args) {
        Ok(code) => code,
        Err(CliError::Usage(message)) => {
            eprintln!("{}", message.trim_end());
            EXIT_USAGE
        }
        Err(CliError::Runtime(e)) => {
            eprintln!("error: {e:#}");
            EXIT_RUNTIME
        }
    }
}
