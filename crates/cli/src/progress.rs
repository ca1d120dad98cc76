//! Showing a run: progress while it runs, a summary table when it ends.
//!
//! Three renderers consume the engine's events: progress spinners on a terminal
//! (indicatif), plain timestamped lines when stderr is not a terminal or `CI=true`,
//! and a JSON event per line (`--log-format json`). `--quiet` shows nothing but errors.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use secchain_pipeline::{Event, LogLevel, Outcome, RunReport, TimedEvent};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::cli::LogFormat;
use crate::style::Palette;

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renderer {
    /// Nothing but errors.
    Quiet,
    /// JSON lines on stdout.
    Json,
    /// Timestamped lines on stderr.
    Plain,
    /// Spinners on the terminal.
    Terminal,
}

impl Renderer {
    /// Picks the renderer from the flags and the environment.
    pub fn choose(quiet: bool, format: LogFormat) -> Self {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        match (quiet, format) {
            (true, _) => Renderer::Quiet,
            (false, LogFormat::Json) => Renderer::Json,
            (false, LogFormat::Text) if !ci && std::io::stderr().is_terminal() => {
                Renderer::Terminal
            }
            (false, LogFormat::Text) => Renderer::Plain,
        }
    }
}

/// Consumes events until the run ends.
pub async fn render(renderer: Renderer, mut events: UnboundedReceiver<TimedEvent>) {
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let mut bars: HashMap<String, ProgressBar> = HashMap::new();
    while let Some(timed) = events.recv().await {
        match renderer {
            Renderer::Quiet => {}
            Renderer::Json => println!("{}", serde_json::to_string(&timed).unwrap_or_default()),
            Renderer::Plain => {
                if let Some(line) = plain_line(&timed.event) {
                    eprintln!("{} {line}", timed.time);
                }
            }
            Renderer::Terminal => terminal(&multi, &mut bars, &timed.event),
        }
    }
}

fn plain_line(event: &Event) -> Option<String> {
    Some(match event {
        Event::RunStarted { stages, dry_run } => {
            format!(
                "run started: {}{}",
                stages.join(", "),
                if *dry_run { " (dry run)" } else { "" }
            )
        }
        Event::StageStarted { stage, kind } => format!("[{stage}] started ({kind})"),
        Event::StageLog {
            stage,
            level,
            message,
        } => match level {
            LogLevel::Info => format!("[{stage}] {message}"),
            LogLevel::Warn => format!("[{stage}] warning: {message}"),
        },
        Event::StageFinished {
            stage,
            outcome,
            summary,
            duration_ms,
        } => format!(
            "[{stage}] {} in {} — {summary}",
            outcome.as_str(),
            seconds(*duration_ms)
        ),
        Event::RunFinished { .. } => return None,
    })
}

fn terminal(multi: &MultiProgress, bars: &mut HashMap<String, ProgressBar>, event: &Event) {
    let template = if crate::style::colour_allowed() {
        "{spinner} {prefix:.bold} {wide_msg}"
    } else {
        "{spinner} {prefix} {wide_msg}"
    };
    let style =
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner());
    match event {
        Event::StageStarted { stage, kind } => {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style);
            bar.set_prefix(stage.clone());
            bar.set_message(format!("running ({kind})"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bars.insert(stage.clone(), bar);
        }
        Event::StageLog { stage, message, .. } => {
            if let Some(bar) = bars.get(stage) {
                bar.set_message(message.clone());
            }
        }
        Event::StageFinished {
            stage,
            outcome,
            summary,
            duration_ms,
        } => {
            let bar = bars.remove(stage).unwrap_or_else(|| {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style);
                bar.set_prefix(stage.clone());
                bar
            });
            bar.finish_with_message(format!(
                "{} {} in {} — {summary}",
                mark(*outcome),
                outcome.as_str(),
                seconds(*duration_ms)
            ));
        }
        Event::RunStarted { .. } | Event::RunFinished { .. } => {}
    }
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "✔",
        Outcome::GateFailed => "✘",
        Outcome::Error => "!",
        Outcome::Skipped => "-",
        Outcome::Cancelled => "⨯",
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.1}s", ms as f64 / 1000.0)
}

/// Prints the end-of-run table (to stdout, or stderr in JSON mode so stdout stays JSON).
pub fn print_summary(renderer: Renderer, report: &RunReport, out: &Path) {
    match renderer {
        Renderer::Quiet => {}
        Renderer::Json => eprint!("{}", summary_table(report, out, Palette::for_stderr())),
        Renderer::Plain | Renderer::Terminal => {
            print!("{}", summary_table(report, out, Palette::for_stdout()))
        }
    }
}

/// The end-of-run table as text, coloured with `palette`.
pub fn summary_table(report: &RunReport, out: &Path, palette: Palette) -> String {
    let rows: Vec<[String; 5]> = report
        .stages
        .iter()
        .map(|s| {
            let mut result = s.outcome.as_str().to_string();
            if s.tolerated {
                result.push_str(" (tolerated)");
            }
            [
                s.name.clone(),
                s.kind.clone(),
                result,
                seconds(s.duration_ms),
                s.summary.clone(),
            ]
        })
        .collect();
    let header = ["STAGE", "KIND", "RESULT", "TIME", "SUMMARY"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    let outcomes = report.stages.iter().map(|s| Some(s.outcome));
    for (row, outcome) in std::iter::once(&header)
        .chain(rows.iter())
        .zip(std::iter::once(None).chain(outcomes))
    {
        for (c, width) in widths.iter().enumerate() {
            // Pad first, then colour, so escapes do not break the alignment.
            let cell = format!("{:width$}", row[c]);
            let cell = match (c, outcome) {
                (2, Some(outcome)) => palette.outcome(outcome, &cell),
                (_, None) => palette.bold(&cell),
                _ => cell,
            };
            text.push_str(&cell);
            text.push_str("  ");
        }
        text.push_str(&row[4]);
        text.push('\n');
    }
    let verdict = match report.result {
        secchain_pipeline::RunResult::Passed => "every gate passed",
        secchain_pipeline::RunResult::GateFailed => "a gate failed",
        secchain_pipeline::RunResult::ConfigError => "a stage found the configuration wrong",
        secchain_pipeline::RunResult::Error => "a stage could not run",
        secchain_pipeline::RunResult::Cancelled => "interrupted",
    };
    let dry = if report.dry_run { " (dry run)" } else { "" };
    let verdict = match report.result {
        secchain_pipeline::RunResult::Passed => palette.outcome(Outcome::Passed, verdict),
        secchain_pipeline::RunResult::GateFailed => palette.outcome(Outcome::GateFailed, verdict),
        _ => palette.outcome(Outcome::Error, verdict),
    };
    text.push_str(&format!(
        "\nresult: {verdict}{dry} (exit {}); report: {}\n",
        report.exit_code,
        out.join("report.json").display()
    ));
    text
}
