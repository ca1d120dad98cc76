//! Shared helpers for the secchain-sbom integration tests: fixture building
//! and locating the external tools (syft, the validating Python). A missing
//! tool is a test failure with instructions, never a skip.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Directory of the test tools (`scripts/install-test-tools`).
pub fn tools_dir() -> PathBuf {
    if let Ok(d) = std::env::var("SECCHAIN_TOOLS_DIR") {
        return PathBuf::from(d);
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let cache = std::env::var("XDG_CACHE_HOME").unwrap_or_else(|_| format!("{home}/.cache"));
    PathBuf::from(cache).join("secchain-test-tools")
}

/// Path of a tool: `$env_var`, else `<tools dir>/venv/bin/<name>`, else `<tools dir>/bin/<name>`.
pub fn tool(name: &str, env_var: &str) -> PathBuf {
    if let Ok(p) = std::env::var(env_var) {
        return PathBuf::from(p);
    }
    for sub in ["venv/bin", "bin"] {
        let p = tools_dir().join(sub).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!(
        "test tool `{name}` not found (looked at ${env_var} and {}/{{venv/bin,bin}}): run scripts/install-test-tools",
        tools_dir().display()
    );
}

/// Build (or reuse) a fixture with tests/fixtures/build.sh; returns its root.
pub fn fixture(name: &str) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(name)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "fixture build `{name}` failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    PathBuf::from(dir)
}

/// Run a command, panic with its stderr on failure, return stdout.
pub fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
