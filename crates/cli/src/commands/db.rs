//! `secchain db update|import|status`: the vulnerability database.

use std::time::Duration;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use secchain_scan::db::{self, Database, ImportSource, UpdateOptions, UpdateProgress};

use crate::cli::{DbArgs, DbCommand};
use crate::{CliError, EXIT_PASS};

/// Runs a database subcommand.
pub fn db(args: &DbArgs) -> Result<i32, CliError> {
    let path = args.db.clone().unwrap_or_else(Database::default_path);
    match &args.command {
        DbCommand::Status => {
            let database =
                Database::open(&path).map_err(|e| CliError::Runtime(anyhow::anyhow!("{e}")))?;
            let status = database
                .status()
                .map_err(|e| CliError::Runtime(anyhow::anyhow!("{e}")))?;
            print!("{}", status.render());
            Ok(EXIT_PASS)
        }
        DbCommand::Import { path: source } => {
            let bar = spinner();
            let stats = db::import::import(&path, &[ImportSource::local(source)], &mut |s| {
                bar.set_message(format!("{} advisories", s.advisories));
                bar.tick();
            })
            .map_err(|e| {
                CliError::Runtime(anyhow::anyhow!("importing {}: {e}", source.display()))
            })?;
            bar.finish_and_clear();
            println!(
                "imported {} advisories ({} affected packages) into {}",
                stats.advisories,
                stats.affected,
                path.display()
            );
            Ok(EXIT_PASS)
        }
        DbCommand::Update {
            ecosystem,
            base_url,
            no_kev,
            no_epss,
        } => {
            let mut opts = UpdateOptions {
                ecosystems: ecosystem.clone(),
                ..UpdateOptions::default()
            };
            if let Some(url) = base_url {
                opts.base_url = url.clone();
            }
            if *no_kev {
                opts.kev_url = None;
            }
            if *no_epss {
                opts.epss_url = None;
            }
            if opts.ecosystems.is_empty() {
                return Err(CliError::Usage(
                    "error: name the ecosystems to download, e.g. --ecosystem Debian --ecosystem PyPI".into(),
                ));
            }
            let bar = spinner();
            let progress = |p: UpdateProgress| match p {
                UpdateProgress::Download {
                    source,
                    bytes,
                    total,
                } => bar.set_message(format!(
                    "{source}: {} / {} KiB",
                    bytes / 1024,
                    total.map_or("?".into(), |t| (t / 1024).to_string())
                )),
                UpdateProgress::NotModified { source } => {
                    bar.set_message(format!("{source}: not modified"))
                }
                UpdateProgress::Import { records } => {
                    bar.set_message(format!("importing: {records} records"))
                }
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            let outcome = runtime
                .block_on(db::update(&path, &opts, &progress))
                .map_err(|e| {
                    CliError::Runtime(anyhow::anyhow!(
                        "updating {}: {e} (the previous database is unchanged)",
                        path.display()
                    ))
                })?;
            bar.finish_and_clear();
            println!(
                "updated: {}; not modified: {}; database {}",
                if outcome.updated.is_empty() {
                    "none".into()
                } else {
                    outcome.updated.join(", ")
                },
                if outcome.not_modified.is_empty() {
                    "none".into()
                } else {
                    outcome.not_modified.join(", ")
                },
                path.display()
            );
            Ok(EXIT_PASS)
        }
    }
}

fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
