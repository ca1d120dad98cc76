//! [`Registry`]: a real distribution 2.8 registry (Debian's
//! `docker-registry`) for one test, on a free loopback port.
//!
//! Each registry has its own temp dir with its storage, its `config.yml`, its
//! htpasswd file when it has auth, and `registry.log` (its stdout and stderr).
//! The registry has no OCI 1.1 referrers API, so clients must use the
//! referrers tag schema there.

mod config;
mod probe;

use std::fs::{self, File};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::tools::{search_path, tool};

/// How long a registry may take to answer `GET /v2/`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a registry gets to exit after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(1);
/// Ports picked before giving up when another process takes each one first.
const START_ATTEMPTS: usize = 5;
/// How often readiness and exit are polled.
const POLL: Duration = Duration::from_millis(20);

/// A running `docker-registry`, stopped (SIGTERM, then SIGKILL) and its
/// storage removed on drop.
#[derive(Debug)]
pub struct Registry {
    child: Child,
    addr: String,
    dir: TempDir,
}

/// How a start attempt ended.
enum Startup {
    Ready,
    Exited(ExitStatus),
    TimedOut,
}

impl Registry {
    /// Starts an anonymous registry (pull, push and delete allowed) and
    /// waits until it answers.
    ///
    /// # Panics
    ///
    /// When `docker-registry` is not installed, or does not answer within
    /// 30 s; the message holds the registry's log.
    pub fn start() -> Self {
        Self::launch(None)
    }

    /// Starts a registry that requires HTTP basic auth as `user` with
    /// `password` (an htpasswd file with one bcrypt entry, hashed by the tools
    /// venv's Python `bcrypt`), and waits until it answers.
    ///
    /// # Panics
    ///
    /// As [`Registry::start`].
    pub fn start_with_htpasswd(user: &str, password: &str) -> Self {
        Self::launch(Some((user, password)))
    }

    /// `127.0.0.1:PORT`, the registry host for image references.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The registry's filesystem storage root (`docker/registry/v2/...`
    /// below it).
    pub fn storage_dir(&self) -> PathBuf {
        self.dir.path().join("storage")
    }

    /// What the registry has written to stdout and stderr so far (its
    /// request log included).
    pub fn log(&self) -> String {
        read_log(self.dir.path())
    }

    fn launch(credentials: Option<(&str, &str)>) -> Self {
        let program = tool("docker-registry");
        let dir = tempfile::Builder::new()
            .prefix("secchain-registry-")
            .tempdir()
            .expect("create the registry's temp dir");
        let storage = dir.path().join("storage");
        fs::create_dir(&storage).expect("create the registry's storage dir");
        let htpasswd = credentials.map(|(user, password)| {
            let path = dir.path().join("htpasswd");
            fs::write(&path, config::htpasswd_entry(user, password)).expect("write htpasswd");
            path
        });
        for _ in 0..START_ATTEMPTS {
            let addr = free_addr();
            let config = dir.path().join("config.yml");
            fs::write(
                &config,
                config::render(&storage, &addr, htpasswd.as_deref()),
            )
            .expect("write the registry's config.yml");
            let mut child = spawn(&program, &config, dir.path());
            match wait_ready(&mut child, &addr) {
                Startup::Ready => return Self { child, addr, dir },
                Startup::Exited(_) if read_log(dir.path()).contains("address already in use") => {}
                Startup::Exited(status) => {
                    panic!(
                        "docker-registry exited ({status}) before answering on {addr}:\n{}",
                        read_log(dir.path())
                    )
                }
                Startup::TimedOut => {
                    stop(&mut child);
                    panic!(
                        "docker-registry did not answer GET http://{addr}/v2/ within {READY_TIMEOUT:?}:\n{}",
                        read_log(dir.path())
                    )
                }
            }
        }
        panic!("docker-registry found no free port in {START_ATTEMPTS} attempts")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// A loopback address whose port was free a moment ago.
fn free_addr() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("read the bound port");
    addr.to_string()
}

fn spawn(program: &Path, config: &Path, dir: &Path) -> Child {
    let log = File::create(dir.join("registry.log")).expect("create registry.log");
    Command::new(program)
        .arg("serve")
        .arg(config)
        .env_clear()
        .env("PATH", search_path())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the registry.log handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()))
}

fn wait_ready(child: &mut Child, addr: &str) -> Startup {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().expect("poll docker-registry") {
            return Startup::Exited(status);
        }
        if probe::answers(addr) {
            return Startup::Ready;
        }
        if Instant::now() > deadline {
            return Startup::TimedOut;
        }
        sleep(POLL);
    }
}

/// SIGTERM, a short grace period, then SIGKILL; reaps the process.
fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        sleep(POLL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn read_log(dir: &Path) -> String {
    fs::read_to_string(dir.join("registry.log"))
        .unwrap_or_else(|e| format!("(no registry.log: {e})"))
}
