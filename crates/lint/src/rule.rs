//! The rule type, the per-file context rules read, and the hits they emit.

use crate::cmd::Cmd;
use crate::config::LintConfig;
use crate::severity::Severity;
use secchain_dockerfile::{Dockerfile, Instruction, Kind, Mount, Span, Stage};

/// A lint rule: its metadata, documentation, examples and check.
pub struct Rule {
    /// Stable id: hadolint's `DLxxxx` where hadolint has the same rule,
    /// `SECxxx` for secchain's own.
    pub id: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One-line message.
    pub message: &'static str,
    /// Longer explanation, ending with how to fix it.
    pub help: &'static str,
    /// Whether the rule runs unless enabled explicitly.
    pub enabled_by_default: bool,
    /// A Dockerfile that triggers the rule.
    pub bad: &'static str,
    /// A Dockerfile that does not.
    pub good: &'static str,
    /// The check.
    pub check: fn(&Ctx<'_>, &mut Hits),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Rule {
    /// Whether this is one of hadolint's rules.
    pub fn is_hadolint(&self) -> bool {
        self.id.starts_with("DL")
    }
}

/// A place a rule reports: the instruction line (as hadolint reports) and
/// the precise span of the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the instruction in the file (for ignores and fingerprints).
    pub instruction: usize,
    /// The precise span.
    pub span: Span,
    /// A more specific message than the rule's, if any.
    pub message: Option<String>,
}

/// Collects the hits of one rule.
#[derive(Debug, Default)]
pub struct Hits(pub(crate) Vec<Hit>);

impl Hits {
    /// Reports instruction `idx` as a whole.
    pub fn instr(&mut self, cx: &Ctx<'_>, idx: usize) {
        let span = cx.df.instructions[idx].span;
        self.0.push(Hit {
            instruction: idx,
            span,
            message: None,
        });
    }

    /// Reports a precise byte range inside instruction `idx`.
    pub fn range(&mut self, cx: &Ctx<'_>, idx: usize, range: std::ops::Range<usize>) {
        self.0.push(Hit {
            instruction: idx,
            span: cx.df.span(range),
            message: None,
        });
    }

    /// Reports with a specific message.
    pub fn with_message(
        &mut self,
        cx: &Ctx<'_>,
        idx: usize,
        range: std::ops::Range<usize>,
        msg: String,
    ) {
        self.0.push(Hit {
            instruction: idx,
            span: cx.df.span(range),
            message: Some(msg),
        });
    }
}

/// What `.dockerignore` says, when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DockerIgnore {
    /// Not known (linting text without a build context).
    #[default]
    Unknown,
    /// The build context has no `.dockerignore`.
    Missing,
    /// The patterns of the file.
    Present(Vec<String>),
}

impl DockerIgnore {
    /// Parses `.dockerignore` text.
    pub fn parse(text: &str) -> DockerIgnore {
        DockerIgnore::Present(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
        )
    }

    /// Whether `.git` is excluded from the build context.
    pub fn excludes_git(&self) -> bool {
        let DockerIgnore::Present(patterns) = self else {
            return false;
        };
        let mut excluded = false;
        for p in patterns {
            let (neg, p) = match p.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, p.as_str()),
            };
            let p = p.trim_start_matches("./").trim_start_matches('/');
            let p = p.trim_end_matches('/');
            let hits = matches!(
                p,
                ".git" | ".git/**" | "**/.git" | "*" | "**" | ".*" | "**/.git/**" | ".git*"
            );
            if hits {
                excluded = !neg;
            }
        }
        excluded
    }
}

/// Everything a rule may look at for one file.
pub struct Ctx<'a> {
    /// The parsed file.
    pub df: &'a Dockerfile,
    /// The configuration.
    pub config: &'a LintConfig,
    /// The build context's `.dockerignore`.
    pub dockerignore: &'a DockerIgnore,
    /// Build stages.
    pub stages: Vec<Stage>,
    /// Per instruction: the commands of its `RUN` (or `ONBUILD RUN`).
    pub cmds: Vec<Option<Vec<Cmd>>>,
    /// Per instruction: number of `|` pipes in its script.
    pub pipes: Vec<usize>,
    /// Per instruction: its parsed `--mount` flags.
    pub mounts: Vec<Vec<Mount>>,
}

impl<'a> Ctx<'a> {
    /// Prepares the context of a parsed file.
    pub fn new(df: &'a Dockerfile, config: &'a LintConfig, dockerignore: &'a DockerIgnore) -> Self {
        let mut cmds = Vec::with_capacity(df.instructions.len());
        let mut pipes = Vec::with_capacity(df.instructions.len());
        for ins in &df.instructions {
            match df.run_script(ins) {
                Some(s) => {
                    pipes.push(s.pipes);
                    cmds.push(Some(s.commands.into_iter().map(Cmd::from_owned).collect()));
                }
                None => {
                    pipes.push(0);
                    cmds.push(None);
                }
            }
        }
        Ctx {
            df,
            config,
            dockerignore,
            stages: df.stages(),
            cmds,
            pipes,
            mounts: df.instructions.iter().map(Instruction::mounts).collect(),
        }
    }

    /// Instructions with their index.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.df.instructions.iter().enumerate()
    }

    /// Plain `RUN` instructions (not `ONBUILD`) with their commands.
    pub fn runs(&self) -> impl Iterator<Item = (usize, &[Cmd])> + '_ {
        self.df
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == Kind::Run)
            .filter_map(|(i, _)| self.cmds[i].as_deref().map(|c| (i, c)))
    }

    /// `RUN` and `ONBUILD RUN` instructions with their commands.
    pub fn runs_and_onbuild(&self) -> impl Iterator<Item = (usize, &[Cmd])> + '_ {
        self.cmds
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_deref().map(|c| (i, c)))
    }

    /// The stage containing instruction `idx`, if any.
    pub fn stage_of(&self, idx: usize) -> Option<&Stage> {
        self.stages.iter().find(|s| s.instructions.contains(&idx))
    }

    /// The last stage.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }
}

/// Runs a simple per-`RUN` check over `RUN` (and, with `onbuild`, over
/// `ONBUILD RUN`) instructions: `bad` returns the source range to report.
pub fn each_run(
    cx: &Ctx<'_>,
    hits: &mut Hits,
    onbuild: bool,
    bad: impl Fn(usize, &[Cmd]) -> Option<std::ops::Range<usize>>,
) {
    for (i, cmds) in cx.runs_and_onbuild() {
        if !onbuild && cx.df.instructions[i].kind != Kind::Run {
            continue;
        }
        if let Some(r) = bad(i, cmds) {
            hits.range(cx, i, r);
        }
    }
}

/// Runs `bad` on every command of every `RUN` (and `ONBUILD RUN` with
/// `onbuild`); reports the first bad command of each instruction.
pub fn each_cmd(cx: &Ctx<'_>, hits: &mut Hits, onbuild: bool, bad: impl Fn(&Cmd) -> bool) {
    each_run(cx, hits, onbuild, |_, cmds| {
        cmds.iter().find(|c| bad(c)).map(|c| c.range.clone())
    });
}
