//! Shell commands of `RUN`, viewed the way hadolint's rules see them:
//! a name, all arguments (flags included), and the flags found in them.

use secchain_dockerfile::SimpleCommand;
use std::ops::Range;

/// One simple command of a `RUN`, with hadolint-style flag analysis.
#[derive(Debug, Clone)]
pub struct Cmd {
    /// Command name.
    pub name: String,
    /// Arguments after the name, flags included.
    pub args: Vec<String>,
    /// Source byte range of each argument.
    pub arg_ranges: Vec<Range<usize>>,
    /// `(flag, index of the argument it came from)`: `--name=x` gives
    /// `name`, `-abc` gives `a`, `b` and `c`.
    pub flags: Vec<(String, usize)>,
    /// Source byte range of the whole command.
    pub range: Range<usize>,
    /// Source byte range of the name.
    pub name_range: Range<usize>,
    /// Pipeline identifier.
    pub pipeline: usize,
    /// Position within the pipeline.
    pub pipe_position: usize,
    /// Index of the command containing this one (`$( … )`).
    pub parent: Option<usize>,
    /// Names assigned before the command (`FOO=1 cmd`).
    pub assignments: Vec<String>,
}

impl Cmd {
    /// Builds the view of a parsed simple command.
    pub fn new(c: &SimpleCommand) -> Cmd {
        Cmd::from_owned(c.clone())
    }

    /// Builds the view of a parsed simple command, taking its strings.
    pub fn from_owned(c: SimpleCommand) -> Cmd {
        let arg_ranges = c.args.iter().map(|a| a.range.clone()).collect();
        let args: Vec<String> = c.args.into_iter().map(|a| a.value).collect();
        let mut flags = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if a == "--" || a == "-" {
                continue;
            }
            if let Some(long) = a.strip_prefix("--") {
                let name = long.split('=').next().unwrap_or("");
                flags.push((name.to_string(), i));
            } else if let Some(short) = a.strip_prefix('-') {
                for ch in short.chars() {
                    flags.push((ch.to_string(), i));
                }
            }
        }
        Cmd {
            name: c.name.value,
            args,
            arg_ranges,
            flags,
            range: c.range,
            name_range: c.name.range,
            pipeline: c.pipeline,
            pipe_position: c.pipe_position,
            parent: c.parent,
            assignments: c
                .assignments
                .into_iter()
                .map(|a| a.value.split('=').next().unwrap_or("").to_string())
                .collect(),
        }
    }

    /// The name without directories (`/usr/bin/apt-get` → `apt-get`).
    pub fn basename(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    /// hadolint `cmdHasArgs`: the name is `name` and some argument is one
    /// of `any`.
    pub fn has_args(&self, name: &str, any: &[&str]) -> bool {
        self.name == name && self.args.iter().any(|a| any.contains(&a.as_str()))
    }

    /// Whether some argument equals `arg`.
    pub fn has_arg(&self, arg: &str) -> bool {
        self.args.iter().any(|a| a == arg)
    }

    /// Whether flag `f` is present.
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == f)
    }

    /// Whether any of `fs` is present.
    pub fn has_any_flag(&self, fs: &[&str]) -> bool {
        self.flags.iter().any(|(n, _)| fs.contains(&n.as_str()))
    }

    /// How often flag `f` is present.
    pub fn count_flag(&self, f: &str) -> usize {
        self.flags.iter().filter(|(n, _)| n == f).count()
    }

    fn is_flag_index(&self, i: usize) -> bool {
        self.flags.iter().any(|&(_, j)| j == i)
    }

    /// Indices of arguments that are not flags.
    pub fn non_flag_indices(&self) -> Vec<usize> {
        (0..self.args.len())
            .filter(|&i| !self.is_flag_index(i))
            .collect()
    }

    /// hadolint `getArgsNoFlags`.
    pub fn args_no_flags(&self) -> Vec<&str> {
        self.non_flag_indices()
            .into_iter()
            .map(|i| self.args[i].as_str())
            .collect()
    }

    /// hadolint `dropFlagArg` then `getArgsNoFlags`: arguments that are
    /// neither flags nor the value following one of `drop` (when the flag
    /// has no inline `=value`). Returns argument indices.
    pub fn positional_dropping(&self, drop: &[&str]) -> Vec<usize> {
        let mut dropped = Vec::new();
        for &(ref f, j) in &self.flags {
            if drop.contains(&f.as_str()) && !self.args[j].contains('=') {
                dropped.push(j + 1);
            }
        }
        (0..self.args.len())
            .filter(|&i| !self.is_flag_index(i) && !dropped.contains(&i))
            .collect()
    }

    /// hadolint `getFlagArg`: values following flag `f`.
    pub fn flag_values(&self, f: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(n, _)| n == f)
            .filter_map(|&(_, j)| self.args.get(j + 1).map(String::as_str))
            .collect()
    }

    /// The source range of argument `i` (or of the command).
    pub fn arg_range(&self, i: usize) -> Range<usize> {
        self.arg_ranges
            .get(i)
            .cloned()
            .unwrap_or(self.range.clone())
    }

    /// hadolint `isPipInstall`.
    pub fn is_pip_install(&self) -> bool {
        let std = self.name.starts_with("pip")
            && !self.name.starts_with("pipenv")
            && self.has_arg("install");
        let py = self.name.starts_with("python")
            && self
                .args
                .windows(3)
                .any(|w| w[0] == "-m" && w[1] == "pip" && w[2] == "install");
        std || py
    }
}
