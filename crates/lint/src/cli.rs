//! `secchain lint [FILE…]` as a library call, for the CLI crate to wire up:
//! options in, rendered text and exit code out (nothing is printed here).

use crate::config::{LintConfig, Threshold};
use crate::output::{self, Format};
use crate::report::LintReport;
use crate::rules::RULES;
use crate::{lint_file, Error};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Options of `secchain lint`.
#[derive(Debug, Clone)]
pub struct CliOptions {
    /// Dockerfiles; empty means `Dockerfile` in the working directory.
    pub files: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Colours in human output.
    pub color: bool,
    /// An explicit configuration file, merged after the discovered ones.
    pub config: Option<PathBuf>,
    /// `--fail-on`: overrides the configured gate.
    pub fail_on: Option<Threshold>,
    /// `--ignore RULE` (repeatable).
    pub ignore: Vec<String>,
    /// `--trusted-registry REGISTRY` (repeatable).
    pub trusted_registries: Vec<String>,
}

impl Default for CliOptions {
    fn default() -> Self {
        CliOptions {
            files: Vec::new(),
            format: Format::Human,
            color: false,
            config: None,
            fail_on: None,
            ignore: Vec::new(),
            trusted_registries: Vec::new(),
        }
    }
}

/// What to print and how to exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliOutput {
    /// The rendered report.
    pub text: String,
    /// 0 when the gate passes, 1 when it fails.
    pub exit_code: i32,
    /// The report itself.
    pub report: LintReport,
}

/// Runs `secchain lint` in working directory `cwd`: configuration from
/// `.hadolint.yaml` and `.secchain/lint.yaml` in `cwd`, then `--config`,
/// then the flags.
pub fn run(opts: &CliOptions, cwd: &Path) -> Result<CliOutput, Error> {
    let mut cfg = LintConfig::discover(cwd)?;
    if let Some(p) = &opts.config {
        cfg.merge(LintConfig::load(&cwd.join(p))?);
    }
    cfg.ignored.extend(opts.ignore.iter().cloned());
    cfg.trusted_registries
        .extend(opts.trusted_registries.iter().cloned());
    if let Some(t) = opts.fail_on {
        cfg.gate.fail_on = Some(t);
        cfg.no_fail = false;
    }
    let files = if opts.files.is_empty() {
        vec![PathBuf::from("Dockerfile")]
    } else {
        opts.files.clone()
    };
    let mut report = LintReport {
        files: Vec::new(),
        threshold: cfg.threshold(),
    };
    for f in &files {
        let path = if f.is_absolute() {
            f.clone()
        } else {
            cwd.join(f)
        };
        let mut r = lint_file(&path, &cfg)?;
        for file in &mut r.files {
            file.file = f.display().to_string();
            for finding in &mut file.findings {
                finding.file = file.file.clone();
            }
        }
        report.extend(r);
    }
    let text = match opts.format {
        Format::Human => output::human::render(&report, opts.color),
        other => output::render(&report, other),
    };
    Ok(CliOutput {
        text,
        exit_code: if report.passed() { 0 } else { 1 },
        report,
    })
}

/// The rule list of `secchain lint --list-rules`.
pub fn list_rules() -> String {
    let mut out = String::new();
    for r in RULES {
        let _ = writeln!(
            out,
            "{:7} {:8} {}{}",
            r.id,
            r.severity.as_str(),
            r.message,
            if r.enabled_by_default {
                ""
            } else {
                " (off by default)"
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lints_files_in_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Dockerfile"),
            "FROM alpine:3.20\nRUN apk add curl\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join(".hadolint.yaml"),
            "ignored: [DL3019]\nfailure-threshold: warning\n",
        )
        .unwrap();
        let out = run(&CliOptions::default(), dir.path()).unwrap();
        assert_eq!(out.exit_code, 1, "{}", out.text);
        assert!(
            out.text.contains("Dockerfile:2:13: warning[DL3018]"),
            "{}",
            out.text
        );
        assert!(
            out.text
                .contains("2 | RUN apk add curl\n  |             ^^^^"),
            "{}",
            out.text
        );
        assert!(!out.text.contains("DL3019"));
        let opts = CliOptions {
            fail_on: Some(Threshold::Never),
            format: Format::Sarif,
            ..CliOptions::default()
        };
        let out = run(&opts, dir.path()).unwrap();
        assert_eq!(out.exit_code, 0);
        assert!(out.text.contains("\"version\": \"2.1.0\""));
        assert!(list_rules().contains("SEC001"));
        assert!(run(
            &CliOptions {
                files: vec!["nope".into()],
                ..CliOptions::default()
            },
            dir.path()
        )
        .is_err());
    }
}
