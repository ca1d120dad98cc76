//! [`TestContext`]: a test's own temp dir and a clean environment for the
//! processes it starts.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::tools::search_path;

/// Variables passed through from the test's environment to the processes it
/// starts; every other variable is dropped.
const PASSED_THROUGH: &[&str] = &["RUST_BACKTRACE", "RUST_LOG"];

/// A test's own temp dir, removed on drop, holding a private home:
/// `home/` (`HOME`), `home/.docker` (`DOCKER_CONFIG`), `home/.config`,
/// `home/.cache` and `tmp/` (`TMPDIR`).
///
/// [`TestContext::command`] starts programs in that home, with nothing of the
/// developer's `HOME`, `DOCKER_CONFIG` or other variables leaking in.
#[derive(Debug)]
pub struct TestContext {
    root: TempDir,
}

impl TestContext {
    /// Creates the temp dir and its private home.
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("secchain-test-")
            .tempdir()
            .expect("create a temp dir");
        let ctx = Self { root };
        for dir in [
            ctx.docker_config(),
            ctx.home().join(".config"),
            ctx.home().join(".cache"),
            ctx.tmp(),
        ] {
            fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        }
        ctx
    }

    /// The temp dir; commands from [`TestContext::command`] start in it.
    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// The private `HOME`.
    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// The private `DOCKER_CONFIG` (where `crane auth login` writes
    /// `config.json`).
    pub fn docker_config(&self) -> PathBuf {
        self.home().join(".docker")
    }

    fn tmp(&self) -> PathBuf {
        self.path().join("tmp")
    }

    /// Writes `contents` to `relative` inside the temp dir, creating parent
    /// dirs, and returns the file's path.
    pub fn write(&self, relative: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// A command for `program` (a path, or a name looked up in
    /// [`search_path`]) with a cleared environment: `PATH` is
    /// [`search_path`], `HOME`, `DOCKER_CONFIG`, `XDG_CONFIG_HOME`,
    /// `XDG_CACHE_HOME` and `TMPDIR` point into the temp dir, `LC_ALL=C.UTF-8`,
    /// and only `RUST_BACKTRACE` and `RUST_LOG` pass through. It starts in
    /// [`TestContext::path`].
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .current_dir(self.path())
            .env("PATH", search_path())
            .env("HOME", self.home())
            .env("DOCKER_CONFIG", self.docker_config())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_CACHE_HOME", self.home().join(".cache"))
            .env("TMPDIR", self.tmp())
            .env("LC_ALL", "C.UTF-8");
        for name in PASSED_THROUGH {
            if let Some(value) = std::env::var_os(name) {
                cmd.env(name, value);
            }
        }
        cmd
    }
}

impl Default for TestContext {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_stdout;

    #[test]
    fn commands_see_only_the_private_home() {
        let ctx = TestContext::new();
        let env = run_stdout(&mut ctx.command("env"));
        let home = format!("HOME={}", ctx.home().display());
        let docker = format!("DOCKER_CONFIG={}", ctx.docker_config().display());
        assert!(env.lines().any(|l| l == home), "{env}");
        assert!(env.lines().any(|l| l == docker), "{env}");
        assert!(!env.contains("CARGO_"), "cargo's variables leaked: {env}");
    }

    #[test]
    fn write_creates_parents() {
        let ctx = TestContext::new();
        let path = ctx.write("a/b/c.txt", "x");
        assert_eq!(fs::read_to_string(path).unwrap(), "x");
    }
}
