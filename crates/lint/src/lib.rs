//! secchain's Dockerfile linter.
//!
//! [`lint_source`] and [`lint_file`] parse a Dockerfile with
//! [`secchain_dockerfile`], run every rule of [`RULES`] that the
//! [`LintConfig`] enables, drop findings silenced by inline ignores
//! (`# hadolint ignore=DL3008` or `# secchain ignore=SEC001` on the line
//! before), and return a [`LintReport`]. Reports render as human text
//! ([`output::human`]), JSON ([`output::json`]), SARIF 2.1.0
//! ([`output::sarif`]) and GitLab Code Quality ([`output::gitlab`]).
//!
//! Where hadolint has a rule for the same thing, the rule uses hadolint's
//! `DL` id and meaning, so `.hadolint.yaml` files and ignore comments keep
//! working; secchain's own rules use the `SEC` prefix.
//!
//! ```
//! use secchain_lint::{lint_source, LintConfig};
//! let report = lint_source("Dockerfile", "FROM debian\nRUN sudo make\n", &LintConfig::default());
//! let ids: Vec<&str> = report.findings().map(|f| f.rule.as_str()).collect();
//! assert!(ids.contains(&"DL3006") && ids.contains(&"DL3004"));
//! ```
#![forbid(unsafe_code)]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod docs;
pub mod ignore;
pub mod output;
pub mod report;
pub mod rule;
pub mod rules;
pub mod severity;
pub mod stage;

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use config::{ConfigError, Gate, LintConfig, Override, Threshold};
pub use report::{FileReport, Finding, LintReport, Region, Summary};
pub use rule::{DockerIgnore, Rule};
pub use rules::RULES;
pub use severity::Severity;
pub use stage::LintStage;

/// Errors of [`lint_file`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The Dockerfile cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A configuration file is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Lints Dockerfile text. `name` is the file name reported in findings.
///
/// `.dockerignore` is read from `config.context` when set; otherwise it is
/// unknown and SEC007 does not run (use [`lint_file`] for files on disk).
pub fn lint_source(name: &str, text: &str, config: &LintConfig) -> LintReport {
    let dockerignore = match &config.context {
        Some(dir) => read_dockerignore(dir, Path::new(name)),
        None => DockerIgnore::Unknown,
    };
    lint_with(name, text, config, &dockerignore)
}

/// Reads and lints a Dockerfile. The build context (for `.dockerignore`)
/// is `config.context`, or the file's directory.
pub fn lint_file(path: &Path, config: &LintConfig) -> Result<LintReport, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let dir = config
        .context
        .clone()
        .unwrap_or_else(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
    let dockerignore = read_dockerignore(&dir, path);
    Ok(lint_with(
        &path.display().to_string(),
        &text,
        config,
        &dockerignore,
    ))
}

/// Reads `<Dockerfile name>.dockerignore` or `.dockerignore` in `dir`.
pub fn read_dockerignore(dir: &Path, dockerfile: &Path) -> DockerIgnore {
    let specific = dockerfile
        .file_name()
        .map(|n| dir.join(format!("{}.dockerignore", n.to_string_lossy())));
    for p in specific
        .into_iter()
        .chain(std::iter::once(dir.join(".dockerignore")))
    {
        if let Ok(text) = std::fs::read_to_string(&p) {
            return DockerIgnore::parse(&text);
        }
    }
    DockerIgnore::Missing
}

fn region(span: secchain_dockerfile::Span) -> Region {
    Region {
        start_line: span.line,
        start_column: span.column,
        end_line: span.end_line,
        end_column: span.end_column,
        start_byte: span.start,
        end_byte: span.end,
    }
}

/// Digest of an instruction's text with whitespace normalised.
fn text_digest(text: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    for (i, w) in text.split_whitespace().enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(w.as_bytes());
    }
    h.finalize().into()
}

/// A finding's fingerprint: rule, file, normalised instruction text and
/// the occurrence number among identical instructions; line numbers are
/// not part of it, so it survives edits elsewhere in the file.
fn fingerprint(rule: &str, file: &str, text_digest: &[u8; 32], occurrence: usize) -> String {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(file.as_bytes());
    h.update([0]);
    h.update(text_digest);
    h.update(occurrence.to_le_bytes());
    hex::encode(&h.finalize()[..16])
}

/// Lints text with a known `.dockerignore` state.
pub fn lint_with(
    name: &str,
    text: &str,
    config: &LintConfig,
    dockerignore: &DockerIgnore,
) -> LintReport {
    let file = lint_one(name, text, config, dockerignore);
    LintReport {
        files: vec![file],
        threshold: config.threshold(),
    }
}

fn lint_one(
    name: &str,
    text: &str,
    config: &LintConfig,
    dockerignore: &DockerIgnore,
) -> FileReport {
    let df = match secchain_dockerfile::parse(text) {
        Ok(df) => df,
        Err(e) => {
            let idx = secchain_dockerfile::LineIndex::new(text);
            let line_start = idx
                .line_start(e.line.saturating_sub(1) as usize)
                .unwrap_or(0);
            let offset = text
                .get(line_start..)
                .and_then(|l| {
                    l.char_indices()
                        .nth(e.column.saturating_sub(1) as usize)
                        .map(|(o, _)| line_start + o)
                })
                .unwrap_or(line_start);
            let span = idx.span(text, offset..offset);
            let finding = Finding {
                rule: "DL1000".into(),
                severity: Severity::Error,
                message: format!("parse error: {e}"),
                file: name.to_string(),
                line: e.line,
                column: e.column,
                region: region(span),
                fingerprint: fingerprint("DL1000", name, &text_digest(&e.message), 0),
            };
            return FileReport {
                file: name.to_string(),
                findings: vec![finding],
                parse_error: Some(e.to_string()),
                source: text.to_string(),
            };
        }
    };
    let cx = rule::Ctx::new(&df, config, dockerignore);
    let ignores = if config.disable_ignore_pragma {
        ignore::Ignores::default()
    } else {
        ignore::Ignores::collect(&df)
    };
    let mut findings = Vec::new();
    let mut occurrences: BTreeMap<(&str, [u8; 32]), usize> = BTreeMap::new();
    let mut digests: Vec<Option<[u8; 32]>> = vec![None; df.instructions.len()];
    for rule in RULES {
        let Some(severity) = config.severity_of(rule.id, rule.severity, rule.enabled_by_default)
        else {
            continue;
        };
        let mut hits = rule::Hits::default();
        (rule.check)(&cx, &mut hits);
        let mut hits = hits.0;
        hits.sort_by_key(|h| (h.instruction, h.span.start));
        hits.dedup_by_key(|h| h.instruction);
        for h in hits {
            let ins = &df.instructions[h.instruction];
            let line = ins.span.line;
            if ignores.is_ignored(rule.id, line) {
                continue;
            }
            let digest = *digests[h.instruction].get_or_insert_with(|| {
                text_digest(df.source().get(ins.span.range()).unwrap_or(""))
            });
            let n = occurrences.entry((rule.id, digest)).or_default();
            let fp = fingerprint(rule.id, name, &digest, *n);
            *n += 1;
            findings.push(Finding {
                rule: rule.id.to_string(),
                severity,
                message: h.message.unwrap_or_else(|| rule.message.to_string()),
                file: name.to_string(),
                line,
                column: ins.span.column,
                region: region(h.span),
                fingerprint: fp,
            });
        }
    }
    findings.sort_by(|a, b| (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule)));
    FileReport {
        file: name.to_string(),
        findings,
        parse_error: None,
        source: text.to_string(),
    }
}
