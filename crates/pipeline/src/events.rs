//! Events: the interface between the executor and whatever shows progress.
//!
//! The executor and the stages send [`Event`]s into an [`EventSink`]; the binary turns
//! them into progress bars, plain timestamped lines, or a JSON event stream. Nothing
//! in the engine or a stage prints.

use serde::Serialize;
use tokio::sync::mpsc;

use crate::redact::Redactor;
use crate::report::Outcome;

/// Something that happened during a run.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The run is about to start these stages.
    RunStarted {
        /// Stage names in pipeline order.
        stages: Vec<String>,
        /// Whether this is a dry run.
        dry_run: bool,
    },
    /// A stage started.
    StageStarted {
        /// The stage's name.
        stage: String,
        /// The stage's kind.
        kind: String,
    },
    /// A stage said something.
    StageLog {
        /// The stage's name.
        stage: String,
        /// `info` or `warn`.
        level: LogLevel,
        /// The message, with secrets masked.
        message: String,
    },
    /// A stage ended (or was skipped without starting).
    StageFinished {
        /// The stage's name.
        stage: String,
        /// How it ended.
        outcome: Outcome,
        /// One line for humans.
        summary: String,
        /// Wall time in milliseconds.
        duration_ms: u64,
    },
    /// The run ended.
    RunFinished {
        /// The process exit code the run maps to.
        exit_code: i32,
    },
}

/// The importance of a stage log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    /// Progress.
    Info,
    /// Something the user should look at, that does not fail the stage.
    Warn,
}

/// An event with the time it happened.
#[derive(Clone, Debug, Serialize)]
pub struct TimedEvent {
    /// RFC 3339 UTC timestamp.
    pub time: String,
    /// The event.
    #[serde(flatten)]
    pub event: Event,
}

/// Where events go. Cloning is cheap; a sink without a receiver drops events.
#[derive(Clone, Debug)]
pub struct EventSink {
    tx: Option<mpsc::UnboundedSender<TimedEvent>>,
    redactor: Redactor,
}

impl EventSink {
    /// A sink and the receiver the renderer reads from.
    pub fn channel(redactor: Redactor) -> (Self, mpsc::UnboundedReceiver<TimedEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            EventSink {
                tx: Some(tx),
                redactor,
            },
            rx,
        )
    }

    /// A sink that drops everything (tests, library use).
    pub fn discard() -> Self {
        EventSink {
            tx: None,
            redactor: Redactor::default(),
        }
    }

    /// Sends an event.
    pub fn send(&self, event: Event) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(TimedEvent {
                time: crate::report::now_rfc3339(),
                event,
            });
        }
    }

    /// Logs a progress line for `stage`, with secrets masked.
    pub fn info(&self, stage: &str, message: impl AsRef<str>) {
        self.log(stage, LogLevel::Info, message.as_ref());
    }

    /// Logs a warning for `stage`, with secrets masked.
    pub fn warn(&self, stage: &str, message: impl AsRef<str>) {
        self.log(stage, LogLevel::Warn, message.as_ref());
    }

    fn log(&self, stage: &str, level: LogLevel, message: &str) {
        self.send(Event::StageLog {
            stage: stage.to_string(),
            level,
            message: self.redactor.redact(message),
        });
    }
}
