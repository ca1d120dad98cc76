//! The command-line interface definition (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// secchain: lint, pin, scan, catalogue, sign and police a container image in one pipeline.
#[derive(Debug, Parser)]
#[command(name = "secchain", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate, then run a pipeline.
    Run(RunArgs),
    /// Check a pipeline file without running anything (exit 2 on any problem).
    Validate(PipelineArg),
    /// Print the effective pipeline after `extends:` and where each setting came from.
    Explain(PipelineArg),
    /// List the stage kinds this secchain knows.
    Stages,
}

/// The pipeline file argument shared by several commands.
#[derive(Debug, Args)]
pub struct PipelineArg {
    /// The pipeline file.
    #[arg(
        short = 'f',
        long = "file",
        default_value = "pipeline.yaml",
        value_name = "FILE"
    )]
    pub file: PathBuf,
}

/// Arguments of `secchain run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The pipeline file.
    #[command(flatten)]
    pub pipeline: PipelineArg,
    /// Where reports and outputs go.
    #[arg(long, default_value = "secchain-out", value_name = "DIR")]
    pub out: PathBuf,
    /// Show what would change outside --out (pushes, rewrites, cluster changes) without doing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Override the pipeline's `image:`.
    #[arg(long, value_name = "REF")]
    pub image: Option<String>,
    /// Platform to select from a multi-platform image, e.g. linux/arm64.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Progress output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Progress bars on a terminal; timestamped lines otherwise (or when CI=true).
    Text,
    /// One JSON event per line on stdout.
    Json,
}
