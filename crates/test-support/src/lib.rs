//! Test support for secchain: the pieces every crate's tests share for
//! driving real tools instead of mocks.
//!
//! - [`tool`] finds a tool installed by `scripts/install-test-tools`
//!   (docker-registry, crane, cosign, syft, ...) and panics with the fix when
//!   it is missing: tests never skip silently.
//! - [`TestContext`] gives a test its own temp dir with a private `HOME` and
//!   `DOCKER_CONFIG`, and builds [`Command`](std::process::Command)s whose
//!   environment holds nothing of the developer's.
//! - [`Registry`] runs a real distribution (2.8) registry on a free loopback
//!   port, optionally behind htpasswd auth, and stops it on drop.
//! - [`FaultProxy`] sits in front of a registry and injects scripted faults
//!   (resets, error statuses with `Retry-After`, stalls, truncated or
//!   corrupted bodies) into chosen requests.
//! - [`LayerBuilder`] writes deterministic layer tarballs, hostile ones
//!   included; [`crane_append`] pushes them as an image, [`oci_layout`] writes
//!   them as an OCI layout.
//! - [`go_binary`] is an executable with Go build info, for catalogue tests.
//! - [`fuzz_regressions`] reads the inputs fuzzing found, for regression tests.
//! - [`run`] and [`run_stdout`] run a command and panic with its output when
//!   it fails.
//!
//! ```no_run
//! use secchain_test::{crane, crane_append, LayerBuilder, Registry, TestContext};
//!
//! let registry = Registry::start();
//! let ctx = TestContext::new();
//! let layer = LayerBuilder::new()
//!     .file("etc/os-release", "ID=test\n", 0o644)
//!     .tar_gz();
//! let path = ctx.write("layer.tar.gz", layer);
//! let image = format!("{}/app:v1", registry.addr());
//! let digest = crane_append(&image, &[path]);
//! assert_eq!(crane(&["digest", &image]), digest);
//! ```

mod binaries;
mod context;
mod crane;
mod fault_proxy;
mod fuzz;
mod layer;
mod oci_layout;
mod process;
mod registry;
mod tools;

pub use binaries::go_binary;
pub use context::TestContext;
pub use crane::{crane, crane_append};
pub use fault_proxy::{Fault, FaultProxy, Rule};
pub use fuzz::fuzz_regressions;
pub use layer::LayerBuilder;
pub use oci_layout::{oci_layout, oci_layout_uncompressed};
pub use process::{run, run_stdout};
pub use registry::Registry;
pub use tools::{search_path, tool, tools_dir, TOOLS_DIR_ENV};

/// The tar entry types, for [`LayerBuilder::raw`].
pub use tar::EntryType;
