//! Image hygiene: the properties of an image an attacker relies on once inside it.
//!
//! [`check`] reads the image config and the merged (final) filesystem and reports,
//! each finding with the files it is about and the fix:
//!
//! | rule | severity | what |
//! |---|---|---|
//! | `hygiene:root-user` | high | no `USER`, or user `root` / uid 0 |
//! | `hygiene:shell` | medium | a shell (`sh`, `bash`, `busybox`, …) |
//! | `hygiene:package-manager` | medium | `apt`, `apk`, `dnf`, `pip`, `npm`, … |
//! | `hygiene:build-tools` | medium | compilers and build tools (`gcc`, `cc1`, `make`, `go`, `rustc`, `javac`, …) |
//! | `hygiene:setuid` | medium | setuid or setgid files |
//! | `hygiene:world-writable-dir` | medium | world-writable directories outside `/tmp` and `/var/tmp` |
//! | `hygiene:no-healthcheck` | low | no `HEALTHCHECK` (or `HEALTHCHECK NONE`) |
//! | `hygiene:unpinned-base` | medium | the base image is not pinned by digest (from the Dockerfile or the `org.opencontainers.image.base.*` labels, when known) |
//! | `hygiene:image-size` | low | uncompressed size over the limit; names the largest layers |
//!
//! It is a library function so the lint stage can run the same checks when an image is
//! available; the `secrets` stage runs it on the subject image.

mod base;
mod files;
mod size;

use secchain_oci::{ImageConfig, Layer, MergedView};
use serde::Serialize;

use crate::severity::Severity;

pub use size::{LayerSize, SizeReport};

/// The hygiene rule ids, in report order.
pub const HYGIENE_RULES: &[&str] = &[
    "hygiene:root-user",
    "hygiene:shell",
    "hygiene:package-manager",
    "hygiene:build-tools",
    "hygiene:setuid",
    "hygiene:world-writable-dir",
    "hygiene:no-healthcheck",
    "hygiene:unpinned-base",
    "hygiene:image-size",
];

/// Default size above which `hygiene:image-size` is reported (uncompressed bytes).
pub const DEFAULT_MAX_IMAGE_SIZE: u64 = 1 << 30;

/// Most files named in one finding's message (all are in `files`).
const FILES_IN_MESSAGE: usize = 5;

/// One hygiene finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HygieneFinding {
    /// Rule id (`hygiene:shell`).
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What was found, naming the first files.
    pub message: String,
    /// Every file (or layer, or Dockerfile line) the finding is about.
    pub files: Vec<String>,
    /// How to fix it.
    pub fix: &'static str,
}

/// What [`check`] looks at.
#[derive(Clone, Copy, Debug)]
pub struct HygieneInput<'a> {
    /// The image config.
    pub config: &'a ImageConfig,
    /// The final filesystem.
    pub view: &'a MergedView,
    /// The layers, base first.
    pub layers: &'a [Layer],
    /// Content bytes of each layer from a full walk, when one was made; otherwise sizes
    /// are estimated from the final filesystem.
    pub layer_bytes: Option<&'a [u64]>,
    /// The Dockerfile that built the image, as (name for messages, text), when known.
    pub dockerfile: Option<(&'a str, &'a str)>,
}

/// Hygiene options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HygieneOptions {
    /// Uncompressed size above which `hygiene:image-size` is reported.
    pub max_image_size: u64,
}

impl Default for HygieneOptions {
    fn default() -> Self {
        HygieneOptions {
            max_image_size: DEFAULT_MAX_IMAGE_SIZE,
        }
    }
}

/// The findings and the size report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HygieneReport {
    /// Findings, in [`HYGIENE_RULES`] order.
    pub findings: Vec<HygieneFinding>,
    /// Image and layer sizes, largest layers first.
    pub size: SizeReport,
}

/// Runs every hygiene check. `describe_step` renders a history `created_by` line for
/// the size report (the stage masks secrets in it).
pub fn check(
    input: &HygieneInput<'_>,
    options: &HygieneOptions,
    describe_step: &dyn Fn(&str) -> String,
) -> HygieneReport {
    let mut findings = Vec::new();
    findings.extend(root_user(input.config));
    findings.extend(files::check(input.view));
    findings.extend(healthcheck(input.config));
    findings.extend(base::check(input.config, input.dockerfile));
    let size = size::report(input, describe_step);
    findings.extend(size::check(&size, options.max_image_size));
    findings.sort_by_key(|f| HYGIENE_RULES.iter().position(|r| *r == f.rule));
    HygieneReport { findings, size }
}

/// A finding naming `files` (the first few in the message).
fn finding(
    rule: &'static str,
    severity: Severity,
    what: &str,
    files: Vec<String>,
    fix: &'static str,
) -> HygieneFinding {
    let mut shown = files
        .iter()
        .take(FILES_IN_MESSAGE)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if files.len() > FILES_IN_MESSAGE {
        shown.push_str(&format!(" and {} more", files.len() - FILES_IN_MESSAGE));
    }
    let message = if shown.is_empty() {
        format!("{what}; fix: {fix}")
    } else {
        format!("{what}: {shown}; fix: {fix}")
    };
    HygieneFinding {
        rule,
        severity,
        message,
        files,
        fix,
    }
}

fn root_user(config: &ImageConfig) -> Option<HygieneFinding> {
    let what = match config.user() {
        None => "the image sets no USER, so it runs as root".to_string(),
        Some(u) => {
            let user = u.split(':').next().unwrap_or(u);
            if user != "root" && user != "0" {
                return None;
            }
            format!("the image runs as root (USER {u})")
        }
    };
    Some(finding(
        "hygiene:root-user",
        Severity::High,
        &what,
        Vec::new(),
        "add a non-root `USER` (e.g. `USER 65532:65532`) in the final stage",
    ))
}

fn healthcheck(config: &ImageConfig) -> Option<HygieneFinding> {
    let what = match &config.config.healthcheck {
        None => "the image has no HEALTHCHECK",
        Some(h) if h.is_disabled() => "the image disables its HEALTHCHECK (HEALTHCHECK NONE)",
        Some(_) => return None,
    };
    Some(finding(
        "hygiene:no-healthcheck",
        Severity::Low,
        what,
        Vec::new(),
        "add a `HEALTHCHECK` in exec form that needs no shell (or rely on the orchestrator's probes and accept this finding)",
    ))
}
