//! `secchain run`: validate, run the stages, write the report, print the summary.

use std::path::Path;

use anyhow::Context as _;
use secchain_pipeline::{
    execute, CancellationToken, EventSink, LoadedPipeline, RunOptions, RunReport, StageRegistry,
};

use crate::cli::{LogFormat, RunArgs};
use crate::progress::{self, Renderer};
use crate::{stages, CliError};

/// Runs the pipeline and returns the run's exit code.
pub fn run(args: &RunArgs) -> Result<i32, CliError> {
    let registry = stages::registry();
    let loaded = super::load_pipeline(&args.pipeline.file, &registry, args.image.as_deref())?;
    let report = execute_loaded(
        &loaded,
        &registry,
        &args.out,
        args.dry_run,
        args.quiet,
        args.log_format,
        args.image.clone(),
        args.platform.clone(),
    )?;
    crate::publish::publish(&report, &args.out);
    if !args.quiet {
        progress::print_summary(Renderer::choose(false, args.log_format), &report, &args.out);
    }
    for line in crate::verdict::gate_failures(&report, &loaded, crate::style::Palette::for_stderr())
    {
        eprintln!("{line}");
    }
    Ok(report.exit_code)
}

/// Runs a loaded pipeline with progress display; shared by `run` and the standalone stage commands.
#[allow(clippy::too_many_arguments)]
pub(crate) fn execute_loaded(
    loaded: &LoadedPipeline,
    registry: &StageRegistry,
    out: &Path,
    dry_run: bool,
    quiet: bool,
    log_format: LogFormat,
    image: Option<String>,
    platform: Option<String>,
) -> Result<RunReport, CliError> {
    // Secrets reach secchain only through the environment: mask every secret-looking one.
    let vars: Vec<(String, String)> = std::env::vars().collect();
    loaded
        .redactor
        .add_secret_env(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let (sink, events) = EventSink::channel(loaded.redactor.clone());
        let display = tokio::spawn(progress::render(
            Renderer::choose(quiet, log_format),
            events,
        ));
        let cancel = CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        let opts = RunOptions {
            out_dir: out.to_path_buf(),
            dry_run,
            platform,
            image,
            version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let report = execute(loaded, registry, &opts, sink, cancel)
            .await
            .with_context(|| format!("writing the run's outputs to {}", out.display()))?;
        let _ = display.await;
        Ok::<_, anyhow::Error>(report)
    })?;
    Ok(report)
}
