//! Lossless Dockerfile parser for secchain.
//!
//! [`parse`] turns Dockerfile text into a [`Dockerfile`]: every instruction,
//! flag, word, heredoc, parser directive and comment keeps its exact
//! [`Span`] (byte offsets plus 1-based line and column), and the original
//! text is kept, so other stages can rewrite precise parts with
//! [`apply_edits`] (for example the tag of a `FROM` image, see
//! [`ImageRef::tag_range`]) without disturbing anything else.
//!
//! It also offers a small POSIX shell splitter for `RUN` ([`shell`]) and
//! `ARG` expansion for `FROM` ([`expand`]). Parsing never panics: a file
//! that cannot be parsed gives one [`ParseError`] with line and column.
//!
//! ```
//! let df = secchain_dockerfile::parse("FROM alpine:3.20 AS base\nRUN apk add --no-cache curl\n").unwrap();
//! let from = df.instructions[0].as_from().unwrap();
//! assert_eq!(from.image.tag.as_deref(), Some("3.20"));
//! let script = df.run_script(&df.instructions[1]).unwrap();
//! assert_eq!(script.commands[0].name.value, "apk");
//! ```
#![forbid(unsafe_code)]

mod edit;
mod error;
pub mod expand;
mod image;
mod model;
mod parser;
pub mod shell;
mod span;
mod words;

use std::collections::BTreeMap;
use std::ops::Range;

pub use edit::{apply_edits, Edit, EditError};
pub use error::ParseError;
pub use image::{split_reference, ImageRef, RefParts};
pub use model::*;
pub use shell::{Script, ShellWord, SimpleCommand};
pub use span::{LineIndex, Span, Text};

/// Parses Dockerfile text.
pub fn parse(source: &str) -> Result<Dockerfile, ParseError> {
    parser::Parser::new(source).parse()
}

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    source: String,
    index: LineIndex,
    /// The escape character (`\` or `` ` ``).
    pub escape: char,
    /// Parser directives at the top of the file.
    pub directives: Vec<Directive>,
    /// Comment lines, in order.
    pub comments: Vec<Comment>,
    /// Instructions, in order.
    pub instructions: Vec<Instruction>,
}

/// A build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// 0-based stage number.
    pub index: usize,
    /// Index of the `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    /// The stage name (`AS name`), if any.
    pub name: Option<String>,
    /// Indices of the stage's instructions, `FROM` included.
    pub instructions: Range<usize>,
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

impl Dockerfile {
    /// The original text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The span of byte range `range` of the source.
    pub fn span(&self, range: Range<usize>) -> Span {
        self.index.span(&self.source, range)
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let start = self.index.line_start(i).unwrap_or(self.source.len());
        let end = self.index.line_start(i + 1).unwrap_or(self.source.len());
        self.source
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The value of parser directive `name` (lower case), if present.
    pub fn directive(&self, name: &str) -> Option<&str> {
        self.directives
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.value.as_str())
    }

    /// The build stages.
    pub fn stages(&self) -> Vec<Stage> {
        let mut stages: Vec<Stage> = Vec::new();
        for (i, ins) in self.instructions.iter().enumerate() {
            if let Some(from) = ins.as_from() {
                if let Some(last) = stages.last_mut() {
                    last.instructions.end = i;
                }
                stages.push(Stage {
                    index: stages.len(),
                    from: i,
                    name: from.alias.as_ref().map(|a| a.value.clone()),
                    instructions: i..self.instructions.len(),
                });
            }
        }
        stages
    }

    /// Global `ARG`s (declared before the first `FROM`) with their defaults;
    /// `ARG`s without default are absent.
    pub fn global_args(&self) -> BTreeMap<String, String> {
        let mut vars = BTreeMap::new();
        for ins in &self.instructions {
            match &ins.body {
                Body::From(_) => break,
                Body::Arg(decls) => {
                    for d in decls {
                        if let Some(def) = &d.default {
                            let v = expand::expand(def, &vars);
                            vars.insert(d.name.clone(), v);
                        }
                    }
                }
                _ => {}
            }
        }
        vars
    }

    /// The image of `from` after expanding global `ARG`s, with `overrides`
    /// (build arguments) taking precedence over defaults.
    pub fn resolved_image(
        &self,
        from: &FromInstr,
        overrides: &BTreeMap<String, String>,
    ) -> ImageRef {
        if !from.image.has_variable() {
            return from.image.clone();
        }
        let mut vars = self.global_args();
        vars.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let text = expand::expand(&from.image.text, &vars);
        let parts = split_reference(&text);
        ImageRef {
            text,
            span: from.image.span,
            registry: parts.registry,
            name: parts.name,
            tag: parts.tag.map(|t| t.0),
            digest: parts.digest.map(|d| d.0),
            tag_range: None,
            digest_range: None,
        }
    }

    /// The shell script a `RUN` (or `ONBUILD RUN`) executes, split into
    /// commands. Ranges of the result are byte offsets of the source.
    ///
    /// Exec-form commands are joined with spaces (as hadolint does) and
    /// their ranges cover the whole argument list. Heredoc bodies are
    /// included when the `RUN` line is only heredocs or when a shell reads
    /// the heredoc (`RUN bash <<EOF`).
    pub fn run_script(&self, instr: &Instruction) -> Option<Script> {
        let instr = match &instr.body {
            Body::Onbuild(inner) => inner,
            _ => instr,
        };
        let Body::Run(cmd) = &instr.body else {
            return None;
        };
        match cmd {
            CommandForm::Exec(words) => {
                let joined = cmd.joined();
                let mut script = shell::parse_script(&joined);
                let whole = match (words.first(), words.last()) {
                    (Some(a), Some(b)) => a.span.start..b.span.end,
                    _ => instr.args.span.range(),
                };
                remap(&mut script, |_| whole.clone());
                Some(script)
            }
            CommandForm::Shell(text) => {
                let mut script = shell::parse_script(&text.value);
                let line_is_only_heredocs = !instr.heredocs.is_empty() && {
                    let mut rest = text.value.clone();
                    for h in instr.heredocs.iter().rev() {
                        let r = h.marker.start.saturating_sub(text.span.start)
                            ..h.marker.end.saturating_sub(text.span.start);
                        if rest.get(r.clone()).is_some() {
                            rest.replace_range(r, "");
                        }
                    }
                    rest.trim().is_empty()
                };
                let mut bodies = Vec::new();
                for h in &instr.heredocs {
                    let read_by_shell = script.commands.iter().any(|c| {
                        let r = text.source_range(c.range.clone());
                        r.start <= h.marker.start
                            && h.marker.start <= r.end + 1
                            && SHELLS.contains(&basename(&c.name.value))
                            && !c.args.iter().any(|a| a.value == "-c")
                    });
                    let sh_body = !h.body.starts_with("#!")
                        || SHELLS.iter().any(|s| {
                            h.body.lines().next().is_some_and(|l| {
                                l.ends_with(&format!("/{s}")) || l.ends_with(&format!(" {s}"))
                            })
                        });
                    if (line_is_only_heredocs || read_by_shell) && sh_body {
                        bodies.push(h);
                    }
                }
                remap(&mut script, |r| text.source_range(r));
                for h in bodies {
                    let mut s = shell::parse_script(&h.body);
                    let base = h.body_span.start;
                    let end = h.body_span.end;
                    remap(&mut s, |r| {
                        (base + r.start).min(end)..(base + r.end).min(end)
                    });
                    let offset = script.commands.len();
                    for mut c in s.commands {
                        c.parent = c.parent.map(|p| p + offset);
                        c.pipeline += 1_000_000 * (offset + 1);
                        script.commands.push(c);
                    }
                    script.pipes += s.pipes;
                }
                Some(script)
            }
        }
    }
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn remap(script: &mut Script, f: impl Fn(Range<usize>) -> Range<usize>) {
    for c in &mut script.commands {
        c.range = f(c.range.clone());
        c.name.range = f(c.name.range.clone());
        for w in c.args.iter_mut().chain(c.assignments.iter_mut()) {
            w.range = f(w.range.clone());
        }
    }
}
