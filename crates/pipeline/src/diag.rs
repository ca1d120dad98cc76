//! Diagnostics: one problem in a pipeline file, with its location, and how to print it.
//!
//! Every configuration problem secchain finds is a [`Diagnostic`]: a stable code
//! (`config:unknown-key`), a message, the position it points at, optional related
//! positions ("locked here") and a hint. [`SourceMap`] owns the text of every file a
//! pipeline was read from so diagnostics can be rendered with the offending line and a caret.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::node::Pos;

/// The files a pipeline was assembled from (the pipeline itself and every base it extends).
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

/// One file's path and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user named it (or the URL of a remote base).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

impl SourceMap {
    /// Adds a file and returns its index, used in [`Pos::file`].
    pub fn add(&mut self, path: PathBuf, text: String) -> usize {
        self.files.push(SourceFile { path, text });
        self.files.len() - 1
    }

    /// The file at `index`.
    pub fn file(&self, index: usize) -> Option<&SourceFile> {
        self.files.get(index)
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// `path:line:column` for a position.
    pub fn describe(&self, pos: Pos) -> String {
        let path = self.file(pos.file).map_or_else(
            || Path::new("<unknown>").display().to_string(),
            |f| f.path.display().to_string(),
        );
        format!("{path}:{}:{}", pos.line, pos.column)
    }

    /// Renders a diagnostic with the source line and a caret under the offending token.
    pub fn render(&self, d: &Diagnostic) -> String {
        let mut out = format!("error[{}]: {}\n", d.code, d.message);
        if let Some(pos) = d.pos {
            self.render_snippet(&mut out, pos, None);
        }
        for (pos, label) in &d.related {
            self.render_snippet(&mut out, *pos, Some(label));
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "   = hint: {hint}");
        }
        out
    }

    fn render_snippet(&self, out: &mut String, pos: Pos, label: Option<&str>) {
        let _ = writeln!(out, "  --> {}", self.describe(pos));
        let Some(line) = self
            .file(pos.file)
            .and_then(|f| yaml_line(&f.text, pos.line.max(1) as usize))
        else {
            return;
        };
        let number = pos.line.to_string();
        let pad = " ".repeat(number.len());
        let col = pos.column.saturating_sub(1) as usize;
        let token_len = line
            .chars()
            .skip(col)
            .take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',')
            .count()
            .max(1);
        let _ = writeln!(out, " {pad} |");
        let _ = writeln!(out, " {number} | {line}");
        let _ = writeln!(
            out,
            " {pad} | {}{}{}",
            " ".repeat(col),
            "^".repeat(token_len),
            label.map(|l| format!(" {l}")).unwrap_or_default()
        );
    }
}

/// One problem found in a pipeline file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// A stable, namespaced code, e.g. `config:unknown-key`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where it is wrong, when known.
    pub pos: Option<Pos>,
    /// Other places that explain the problem (e.g. where a setting was locked).
    pub related: Vec<(Pos, String)>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code, message and position.
    pub fn new(code: &'static str, message: impl Into<String>, pos: Option<Pos>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            pos,
            related: Vec::new(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a related position with a label.
    pub fn related(mut self, pos: Pos, label: impl Into<String>) -> Self {
        self.related.push((pos, label.into()));
        self
    }
}

/// Suggests the candidate closest to `input`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The problems found in a pipeline, with the sources needed to render them.
#[derive(Clone, Debug)]
pub struct ConfigError {
    /// Every problem found (validation collects them all rather than stopping at the first).
    pub diagnostics: Vec<Diagnostic>,
    /// The files the positions refer to.
    pub sources: SourceMap,
}

impl ConfigError {
    /// Renders every diagnostic, separated by blank lines.
    pub fn render(&self) -> String {
        let parts: Vec<String> = self
            .diagnostics
            .iter()
            .map(|d| self.sources.render(d))
            .collect();
        parts.join("\n")
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for ConfigError {}

/// Line `n` (1-based) of `text`, counting line breaks as YAML (and so the loader's
/// positions) does: `\n`, `\r\n` and a lone `\r`.
fn yaml_line(text: &str, n: usize) -> Option<&str> {
    let mut rest = text;
    for _ in 1..n {
        let i = rest.find(['\n', '\r'])?;
        let step = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + step..];
    }
    Some(&rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_and_caret() {
        let mut sources = SourceMap::default();
        let file = sources.add("p.yaml".into(), "version: 1\n  severty: high\n".into());
        let d = Diagnostic::new(
            "config:unknown-key",
            "unknown key `severty`",
            Some(Pos {
                file,
                line: 2,
                column: 3,
            }),
        )
        .hint("did you mean `severity`?");
        let text = sources.render(&d);
        assert!(text.contains("--> p.yaml:2:3"), "{text}");
        assert!(text.contains(" 2 |   severty: high"), "{text}");
        assert!(text.contains("   |   ^^^^^^^\n"), "{text}");
        assert!(text.contains("hint: did you mean `severity`?"), "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("severty", ["severity", "kind"]),
            Some("severity")
        );
        assert_eq!(did_you_mean("zzz", ["severity", "kind"]), None);
    }
}
