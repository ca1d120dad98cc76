//! Finding the real tools that `scripts/install-test-tools` installs.
//!
//! The installer puts one entry per tool in `$DIR/bin` and the Python tools in
//! `$DIR/venv/bin`; both are searched before `PATH`, so tests find the tools
//! whether or not the shell sourced `$DIR/env.sh`.

use std::env;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The environment variable naming the tools dir (see [`tools_dir`]).
pub const TOOLS_DIR_ENV: &str = "SECCHAIN_TOOLS_DIR";

/// The dir `scripts/install-test-tools` installs into: `$SECCHAIN_TOOLS_DIR`,
/// else `${XDG_CACHE_HOME:-$HOME/.cache}/secchain-test-tools`, as in the script.
pub fn tools_dir() -> PathBuf {
    if let Some(dir) = env::var_os(TOOLS_DIR_ENV).filter(|d| !d.is_empty()) {
        return dir.into();
    }
    let cache = env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(&env::var_os("HOME").unwrap_or_default()).join(".cache"));
    cache.join("secchain-test-tools")
}

/// The `PATH` for processes the tests start: the tools dir's `bin` and
/// `venv/bin`, then the inherited `PATH`.
pub fn search_path() -> OsString {
    let dir = tools_dir();
    let inherited = env::var_os("PATH").unwrap_or_default();
    let dirs = [dir.join("bin"), dir.join("venv/bin")]
        .into_iter()
        .chain(env::split_paths(&inherited));
    env::join_paths(dirs).expect("PATH entries contain no ':'")
}

/// The path of the executable `name`, looked up in [`search_path`].
///
/// # Panics
///
/// When the tool is not found, with a message saying to run
/// `scripts/install-test-tools`: a test that needs a tool fails rather than
/// skips.
pub fn tool(name: &str) -> PathBuf {
    env::split_paths(&search_path())
        .map(|dir| dir.join(name))
        .find(|path| is_executable(path))
        .unwrap_or_else(|| {
            panic!(
                "test tool `{name}` not found in {dir}/bin, {dir}/venv/bin or PATH: \
                 run scripts/install-test-tools (scripts/test does) to install it",
                dir = tools_dir().display()
            )
        })
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_tool_on_path() {
        assert!(tool("sh").ends_with("sh"));
    }

    #[test]
    #[should_panic(expected = "run scripts/install-test-tools")]
    fn a_missing_tool_says_how_to_install_it() {
        tool("secchain-no-such-tool");
    }
}
