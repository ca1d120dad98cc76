//! Driving `crane` (go-containerregistry) against test registries.
//!
//! Every crane command gets `--insecure`: test registries speak plain HTTP.

use std::path::Path;
use std::process::Command;

use crate::context::TestContext;
use crate::process::run_stdout;
use crate::tools::tool;

impl TestContext {
    /// A `crane ARGS... --insecure` command in this context's environment
    /// (so with its `DOCKER_CONFIG`), for tests that check how it fails.
    pub fn crane_command(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(tool("crane"));
        cmd.args(args).arg("--insecure");
        cmd
    }

    /// Runs `crane ARGS... --insecure` in this context's environment and
    /// returns its trimmed stdout; panics with its stderr when it fails.
    pub fn crane(&self, args: &[&str]) -> String {
        run_stdout(&mut self.crane_command(args))
    }

    /// Pushes an image made of `layers` (tarballs, gzipped or not, lowest
    /// first) on an empty base as `reference` (`HOST:PORT/REPO:TAG`) with
    /// `crane append` in this context's environment, and returns the manifest
    /// digest (`sha256:...`).
    pub fn crane_append<P: AsRef<Path>>(&self, reference: &str, layers: &[P]) -> String {
        let mut cmd = self.crane_command(&["append", "-t", reference]);
        for layer in layers {
            cmd.arg("-f").arg(layer.as_ref());
        }
        let pushed = run_stdout(&mut cmd);
        match pushed.rsplit_once('@') {
            Some((_, digest)) if digest.starts_with("sha256:") => digest.to_owned(),
            _ => panic!("crane append printed no digest reference: {pushed:?}"),
        }
    }
}

/// Runs `crane ARGS... --insecure` anonymously (in a fresh [`TestContext`])
/// and returns its trimmed stdout; panics with its stderr when it fails.
pub fn crane(args: &[&str]) -> String {
    TestContext::new().crane(args)
}

/// [`TestContext::crane_append`] anonymously, in a fresh [`TestContext`].
pub fn crane_append<P: AsRef<Path>>(reference: &str, layers: &[P]) -> String {
    TestContext::new().crane_append(reference, layers)
}
