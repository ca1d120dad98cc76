//! Resolving the commands an image runs (entrypoint, cmd, healthcheck) to the
//! executables in its filesystem: `PATH` lookup, symlinks, script interpreters
//! (`#!`), wrappers (`env`, `tini`, `gosu`, …) and, best effort, the commands of a
//! `sh -c '…'` script.

use std::collections::BTreeSet;

use super::fs::{basename, join, normalize, Vfs};
use super::known::{is_in, SHELLS};

/// Docker's default `PATH` when the image sets none.
pub(crate) const DEFAULT_PATH: &str =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Wrappers that run another command: (name, how many positional arguments precede it).
const WRAPPERS: &[(&str, usize)] = &[
    ("catatonit", 0),
    ("dumb-init", 0),
    ("env", 0),
    ("gosu", 1),
    ("nohup", 0),
    ("su-exec", 1),
    ("tini", 0),
];

/// Shell words that may precede a command (`exec python3`, `if grep …`).
const SHELL_PREFIXES: &[&str] = &[
    "!", "(", "command", "do", "elif", "else", "exec", "if", "then", "time", "until", "while", "{",
];

/// Shell builtins and keywords that start no process.
const SHELL_BUILTINS: &[&str] = &[
    ".", ":", "[", "[[", "}", ")", "break", "case", "cd", "continue", "done", "echo", "esac",
    "eval", "exit", "export", "false", "fi", "for", "local", "read", "return", "set", "shift",
    "source", "test", "trap", "true", "ulimit", "umask", "unset", "wait",
];

/// Commands from a `sh -c` script are followed this deep.
const MAX_DEPTH: u8 = 3;

/// What the image is expected to execute.
#[derive(Default)]
pub(crate) struct Expected {
    /// Executable paths, both as invoked and with symlinks resolved.
    pub paths: BTreeSet<String>,
    /// The commands' real paths, in the order found (for reports).
    pub commands: Vec<String>,
    /// Things that could not be resolved.
    pub notes: Vec<String>,
}

pub(crate) struct Resolver<'v, 'a> {
    vfs: &'v Vfs<'a>,
    path_dirs: Vec<String>,
    workdir: String,
}

/// A command found in the filesystem.
pub(crate) struct Found {
    /// The path as looked up (may be a symlink).
    pub path: String,
    /// The path with symlinks resolved.
    pub real: String,
    /// The file's `#!` line, if known.
    pub interpreter: Option<String>,
}

impl<'v, 'a> Resolver<'v, 'a> {
    pub fn new(vfs: &'v Vfs<'a>, path_var: &str, workdir: &str) -> Self {
        Resolver {
            vfs,
            path_dirs: path_var
                .split(':')
                .filter(|d| d.starts_with('/'))
                .map(normalize)
                .collect(),
            workdir: normalize(workdir),
        }
    }

    /// Finds `name` like `execvp` would: a path if it has a `/`, else through `PATH`.
    pub fn lookup(&self, name: &str) -> Option<Found> {
        if name.is_empty() {
            return None;
        }
        let candidates: Vec<String> = if name.contains('/') {
            vec![if name.starts_with('/') {
                normalize(name)
            } else {
                join(&self.workdir, name)
            }]
        } else {
            self.path_dirs.iter().map(|d| join(d, name)).collect()
        };
        candidates.into_iter().find_map(|path| {
            let r = self.vfs.resolve_executable(&path)?;
            Some(Found {
                interpreter: r.info.and_then(|f| f.interpreter.clone()),
                path,
                real: r.real,
            })
        })
    }

    /// Adds the executables that running `argv` starts.
    pub fn add_command(&self, argv: &[String], what: &str, acc: &mut Expected) {
        self.add(argv, what, acc, 0, true);
    }

    /// Like [`Resolver::add_command`], without a note when `argv[0]` is not found
    /// (for a `cmd` that may just be arguments to the entrypoint).
    pub fn add_if_command(&self, argv: &[String], what: &str, acc: &mut Expected) {
        self.add(argv, what, acc, 0, false);
    }

    fn add(&self, argv: &[String], what: &str, acc: &mut Expected, depth: u8, note: bool) {
        let Some(argv0) = argv.first() else {
            return;
        };
        let Some(found) = self.lookup(argv0) else {
            if note {
                acc.notes.push(format!(
                    "{what}: `{argv0}` is not an executable file in the image"
                ));
            }
            return;
        };
        acc.paths.insert(found.path.clone());
        acc.paths.insert(found.real.clone());
        acc.commands.push(found.real.clone());
        self.add_interpreter(&found, what, acc);
        if depth >= MAX_DEPTH {
            return;
        }
        let name = basename(&found.real).to_string();
        let invoked = basename(argv0).to_string();
        if let Some(&(_, positional)) = WRAPPERS.iter().find(|(w, _)| *w == invoked || *w == name) {
            if let Some(rest) = wrapped_command(&argv[1..], positional) {
                self.add(rest, what, acc, depth + 1, note);
            }
        } else if name == "busybox" && invoked == "busybox" && argv.len() > 1 {
            self.add(&argv[1..], what, acc, depth + 1, note);
        } else if is_in(SHELLS, &invoked) || is_in(SHELLS, &name) {
            if let Some(script) = shell_script(&argv[1..]) {
                for word in script_commands(script) {
                    self.add(&[word], what, acc, depth + 1, false);
                }
            }
        }
    }

    /// A script's interpreter: from its `#!` line, or `/bin/sh` for a `.sh` file.
    fn add_interpreter(&self, found: &Found, what: &str, acc: &mut Expected) {
        let words: Vec<String> = match &found.interpreter {
            Some(line) => line.split_whitespace().map(str::to_string).collect(),
            None if found.real.ends_with(".sh") => {
                acc.notes.push(format!(
                    "{what}: `{}` looks like a shell script; assuming it runs with /bin/sh",
                    found.real
                ));
                vec!["/bin/sh".to_string()]
            }
            None => return,
        };
        let Some(interp) = words.first().and_then(|w| self.lookup(w)) else {
            acc.notes.push(format!(
                "{what}: the interpreter of `{}` is not in the image",
                found.real
            ));
            return;
        };
        acc.paths.insert(interp.path.clone());
        acc.paths.insert(interp.real.clone());
        if basename(&interp.real) == "env" {
            if let Some(target) = wrapped_command(&words[1..], 0).and_then(|r| r.first()) {
                if let Some(t) = self.lookup(target) {
                    acc.paths.insert(t.path);
                    acc.paths.insert(t.real);
                }
            }
        }
    }
}

/// The command a wrapper runs: skips options, `--`, `NAME=value` and `positional` arguments.
fn wrapped_command(args: &[String], positional: usize) -> Option<&[String]> {
    let mut i = 0;
    let mut skipped = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if a.starts_with('-') || (a.contains('=') && !a.starts_with('/')) {
            i += 1;
            continue;
        }
        if skipped < positional {
            skipped += 1;
            i += 1;
            continue;
        }
        break;
    }
    (i < args.len()).then(|| &args[i..])
}

/// The script of `sh [options] -c SCRIPT …`.
fn shell_script(args: &[String]) -> Option<&str> {
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if a.starts_with('-') && !a.starts_with("--") && a[1..].contains('c') {
            return iter.next().map(String::as_str);
        }
        if !a.starts_with('-') {
            return None;
        }
    }
    None
}

/// The first word of every simple command in a shell script (best effort: no
/// expansions, no functions; words with `$` are skipped).
fn script_commands(script: &str) -> Vec<String> {
    let mut text = script.to_string();
    for sep in ["&&", "||", ";", "|", "&", "`", "$(", "\n"] {
        text = text.replace(sep, "\n");
    }
    let mut out = Vec::new();
    for line in text.lines() {
        for w in line.split_whitespace().map(|w| w.trim_matches(['"', '\''])) {
            if w.is_empty()
                || (w.contains('=') && !w.starts_with('/'))
                || SHELL_PREFIXES.contains(&w)
            {
                continue;
            }
            let special = w.contains(['$', '(', ')', '<', '>', '*', '?']);
            if !SHELL_BUILTINS.contains(&w) && !w.starts_with('-') && !special {
                out.push(w.to_string());
            }
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn wrappers_and_scripts() {
        assert_eq!(
            wrapped_command(&s(&["-g", "--", "nginx", "-g"]), 0),
            Some(&s(&["nginx", "-g"])[..])
        );
        assert_eq!(
            wrapped_command(&s(&["app", "/srv/run"]), 1),
            Some(&s(&["/srv/run"])[..])
        );
        assert_eq!(shell_script(&s(&["-ec", "x"])), Some("x"));
        assert_eq!(shell_script(&s(&["script.sh"])), None);
        assert_eq!(
            script_commands("set -e; FOO=1 exec python3 app.py && echo ok | tee /x; $BIN"),
            s(&["python3", "tee"])
        );
    }
}
