//! [`FaultProxy`]: a TCP proxy for tests that sits in front of a real
//! registry on a free loopback port and injects scripted faults.
//!
//! A script is a list of [`Rule`]s; each request is matched against its
//! request line (`GET /v2/app/blobs/sha256:… HTTP/1.1`) and the first rule
//! that applies decides its [`Fault`]; requests no rule claims pass through
//! untouched. Faults: close without answer, TCP reset after N bytes, an
//! error status (500/503/429, optionally with `Retry-After`), a stall (never
//! answer), a truncated body, a corrupted body.
//!
//! The proxy runs on its own thread with its own tokio runtime, so it works
//! the same from synchronous and asynchronous tests; dropping it stops it
//! and closes every connection (stalled ones included).
//!
//! ```no_run
//! use secchain_test::{Fault, FaultProxy, Registry, Rule};
//!
//! let registry = Registry::start();
//! let proxy = FaultProxy::start(registry.addr());
//! // The second blob download is answered 503 with Retry-After: 1, once.
//! proxy.add_rule(
//!     Rule::new("/blobs/sha256:", Fault::Status { code: 503, retry_after: Some(1) })
//!         .skip(1)
//!         .times(1),
//! );
//! let image = format!("{}/app:v1", proxy.addr());
//! # let _ = image;
//! ```

mod conn;
mod rule;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub use rule::{Fault, Rule};

use conn::Shared;

/// A running fault-injecting proxy; stopped on drop.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("addr", &self.addr)
            .field("upstream", &self.shared.upstream)
            .finish()
    }
}

impl FaultProxy {
    /// Starts a proxy for `upstream` (`127.0.0.1:PORT`, as [`crate::Registry::addr`])
    /// on a free loopback port, with an empty script.
    ///
    /// # Panics
    ///
    /// When `upstream` is not a socket address or no loopback port can be bound.
    pub fn start(upstream: &str) -> Self {
        let upstream: SocketAddr = upstream
            .parse()
            .unwrap_or_else(|e| panic!("fault proxy upstream {upstream:?}: {e}"));
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port for the proxy");
        listener
            .set_nonblocking(true)
            .expect("make the proxy's listener non-blocking");
        let addr = listener.local_addr().expect("read the proxy's port");
        let shared = Arc::new(Shared {
            rules: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            upstream,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let for_thread = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("fault-proxy-{}", addr.port()))
            .spawn(move || run(listener, for_thread, stopped))
            .expect("start the fault proxy thread");
        FaultProxy {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `127.0.0.1:PORT`, the registry host to use in image references.
    pub fn addr(&self) -> String {
        self.addr.to_string()
    }

    /// Appends a rule to the script (rules are tried in the order added).
    pub fn add_rule(&self, rule: Rule) {
        self.shared
            .rules
            .lock()
            .expect("fault proxy rules")
            .push(rule);
    }

    /// Removes every rule: from now on everything passes through.
    pub fn clear_rules(&self) {
        self.shared.rules.lock().expect("fault proxy rules").clear();
    }

    /// The request lines seen so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.shared
            .log
            .lock()
            .expect("fault proxy log")
            .iter()
            .map(|(line, _)| line.clone())
            .collect()
    }

    /// How many requests got a fault so far.
    pub fn faults_injected(&self) -> usize {
        self.shared
            .log
            .lock()
            .expect("fault proxy log")
            .iter()
            .filter(|(_, fault)| fault.is_some())
            .count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The proxy thread: accepts until told to stop, then drops every connection.
fn run(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("build the fault proxy's runtime");
    runtime.block_on(async {
        let listener =
            tokio::net::TcpListener::from_std(listener).expect("register the proxy's listener");
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                accepted = listener.accept() => {
                    let Ok((client, _)) = accepted else { continue };
                    let shared = Arc::clone(&shared);
                    tokio::spawn(async move {
                        let _ = conn::serve(client, shared).await;
                    });
                }
            }
        }
    });
    runtime.shutdown_background();
}
