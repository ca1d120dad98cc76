//! `secchain run`: validate, run the stages, write the report, print the summary.

use anyhow::Context as _;
use secchain_pipeline::{execute, CancellationToken, EventSink, RunOptions};

use crate::cli::RunArgs;
use crate::progress::{self, Renderer};
use crate::{stages, CliError};

/// Runs the pipeline and returns the run's exit code.
pub fn run(args: &RunArgs) -> Result<i32, CliError> {
    let registry = stages::registry();
    let loaded = super::load_pipeline(&args.pipeline.file, &registry)?;
    // Secrets reach secchain only through the environment: mask every secret-looking one.
    let vars: Vec<(String, String)> = std::env::vars().collect();
    loaded
        .redactor
        .add_secret_env(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let (sink, events) = EventSink::channel(loaded.redactor.clone());
        let renderer = Renderer::choose(args.quiet, args.log_format);
        let display = tokio::spawn(progress::render(renderer, events));
        let cancel = CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        let opts = RunOptions {
            out_dir: args.out.clone(),
            dry_run: args.dry_run,
            platform: args.platform.clone(),
            image: args.image.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let report = execute(&loaded, &registry, &opts, sink, cancel)
            .await
            .with_context(|| format!("writing the run's outputs to {}", args.out.display()))?;
        let _ = display.await;
        progress::print_summary(renderer, &report, &args.out);
        Ok(report.exit_code)
    })
}
