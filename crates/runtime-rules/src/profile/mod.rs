//! The image's runtime profile: what it is expected to run and touch, and which
//! dangerous tools it carries.

mod command;
mod fs;
mod known;
mod user;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::input::{FileKind, ImageProfileInput};
use command::{Expected, Resolver, DEFAULT_PATH};
use fs::{basename, normalize, Vfs};
pub use known::{
    COMPILERS, MINER_ARGS, MINER_NAMES, MINER_PORTS, NETWORK_TOOLS, PACKAGE_MANAGERS,
    PRIVILEGE_TOOLS, SHELLS,
};
pub use user::UserInfo;

/// What an image is expected to do at run time, and what it could be abused with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImageProfile {
    /// The image's repository.
    pub repository: String,
    /// Its digest, when pinned.
    pub digest: Option<String>,
    /// The real paths of the commands the image runs (entrypoint/cmd, wrappers,
    /// `sh -c` commands, healthcheck), in order.
    pub commands: Vec<String>,
    /// Paths the image is expected to execute: the commands as invoked and resolved,
    /// and the interpreters of scripts among them.
    pub expected_executables: BTreeSet<String>,
    /// Every executable in the image (regular files with an execute bit, and links to
    /// them; shared objects excluded).
    pub executables: BTreeSet<String>,
    /// Shells present (paths).
    pub shells: BTreeSet<String>,
    /// Package managers present (paths).
    pub package_managers: BTreeSet<String>,
    /// Compilers and build tools present (paths).
    pub compilers: BTreeSet<String>,
    /// Network tools present (curl, wget, nc, …; paths).
    pub network_tools: BTreeSet<String>,
    /// Tools that switch users (sudo, su, …; paths).
    pub privilege_tools: BTreeSet<String>,
    /// Executables with the setuid or setgid bit.
    pub setuid_executables: BTreeSet<String>,
    /// Language runtimes: from the commands and from the package inventory.
    pub runtimes: BTreeSet<String>,
    /// Interpreters of language runtimes present in the image (paths).
    pub interpreters: BTreeSet<String>,
    /// Whether the image's main command is itself a shell.
    pub entrypoint_is_shell: bool,
    /// The user the image runs as.
    pub user: UserInfo,
    /// Exposed TCP ports.
    pub tcp_ports: BTreeSet<u16>,
    /// Exposed UDP ports.
    pub udp_ports: BTreeSet<u16>,
    /// Directories the image is expected to write to.
    pub writable_dirs: BTreeSet<String>,
    /// What could not be worked out, in words.
    pub notes: Vec<String>,
}

impl ImageProfile {
    /// Whether the image has any shell.
    pub fn has_shell(&self) -> bool {
        !self.shells.is_empty()
    }

    /// Whether the image has any package manager.
    pub fn has_package_manager(&self) -> bool {
        !self.package_managers.is_empty()
    }

    /// The process names (basenames) of a set of paths.
    pub fn names(paths: &BTreeSet<String>) -> BTreeSet<String> {
        paths.iter().map(|p| basename(p).to_string()).collect()
    }
}

/// Directories the container runtime or convention makes writable in every image.
const ALWAYS_WRITABLE: &[&str] = &["/dev/shm", "/tmp", "/var/tmp"];

fn is_shared_object(name: &str) -> bool {
    name.ends_with(".so") || name.contains(".so.")
}

/// Profiles an image from its config, file list and package inventory.
pub fn profile(input: &ImageProfileInput) -> ImageProfile {
    let vfs = Vfs::new(&input.files);
    let config = &input.config;
    let env_path = config
        .env
        .iter()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or(DEFAULT_PATH);
    let workdir = if config.working_dir.is_empty() {
        "/".to_string()
    } else {
        normalize(&config.working_dir)
    };
    let resolver = Resolver::new(&vfs, env_path, &workdir);
    let user = UserInfo::parse(&config.user);

    let mut p = ImageProfile {
        repository: input.repository.clone(),
        digest: input.digest.clone(),
        user,
        ..ImageProfile::default()
    };
    collect_executables(&vfs, &mut p);

    let mut expected = Expected::default();
    let argv: Vec<String> = config
        .entrypoint
        .iter()
        .chain(&config.cmd)
        .cloned()
        .collect();
    if argv.is_empty() {
        expected
            .notes
            .push("the image has neither entrypoint nor cmd".to_string());
    }
    resolver.add_command(&argv, "entrypoint/cmd", &mut expected);
    if !config.entrypoint.is_empty() && !config.cmd.is_empty() {
        // `exec "$@"` in an entrypoint script runs the cmd too.
        resolver.add_if_command(&config.cmd, "cmd", &mut expected);
    }
    match config.healthcheck.first().map(String::as_str) {
        Some("CMD") => resolver.add_command(&config.healthcheck[1..], "healthcheck", &mut expected),
        Some("CMD-SHELL") => {
            let mut sh = vec!["/bin/sh".to_string(), "-c".to_string()];
            sh.extend(config.healthcheck[1..].iter().cloned());
            resolver.add_command(&sh, "healthcheck", &mut expected);
        }
        _ => {}
    }
    p.entrypoint_is_shell = argv
        .first()
        .and_then(|a| resolver.lookup(a))
        .is_some_and(|f| {
            known::is_in(SHELLS, basename(&f.real)) || known::is_in(SHELLS, basename(&f.path))
        });
    p.expected_executables = expected.paths;
    p.commands = expected.commands;
    p.notes = expected.notes;

    for cmd in &p.commands {
        if let Some(rt) = known::runtime_of(basename(cmd)) {
            p.runtimes.insert(rt.to_string());
        }
    }
    for pkg in &input.packages {
        if let Some((_, rt)) = known::ECOSYSTEM_RUNTIMES
            .iter()
            .find(|(eco, _)| pkg.ecosystem.eq_ignore_ascii_case(eco))
        {
            p.runtimes.insert(rt.to_string());
        }
    }

    parse_ports(&config.exposed_ports, &mut p);
    p.writable_dirs = writable_dirs(&vfs, input, &workdir, &p.user);
    p
}

fn collect_executables(vfs: &Vfs<'_>, p: &mut ImageProfile) {
    for (path, info) in vfs.entries() {
        let name = basename(path);
        if is_shared_object(name) {
            continue;
        }
        let real = match &info.kind {
            FileKind::File if info.is_executable_file() => path.to_string(),
            FileKind::Symlink(_) => match vfs.resolve_executable(path) {
                Some(r) if !is_shared_object(basename(&r.real)) => r.real,
                _ => continue,
            },
            _ => continue,
        };
        p.executables.insert(path.to_string());
        if info.kind == FileKind::File && info.mode & 0o6000 != 0 {
            p.setuid_executables.insert(path.to_string());
        }
        // A link is classified by its own name (`sh -> busybox`) and its target's.
        for n in [name, basename(&real)] {
            let sets = [
                (known::SHELLS, &mut p.shells),
                (known::PACKAGE_MANAGERS, &mut p.package_managers),
                (known::COMPILERS, &mut p.compilers),
                (known::NETWORK_TOOLS, &mut p.network_tools),
                (known::PRIVILEGE_TOOLS, &mut p.privilege_tools),
            ];
            for (table, set) in sets {
                if known::is_in(table, n) {
                    set.insert(path.to_string());
                }
            }
            if known::runtime_of(n).is_some() {
                p.interpreters.insert(path.to_string());
            }
        }
    }
}

fn parse_ports(ports: &[String], p: &mut ImageProfile) {
    for spec in ports {
        let (num, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
        match (num.parse::<u16>(), proto.to_ascii_lowercase().as_str()) {
            (Ok(n), "tcp") => {
                p.tcp_ports.insert(n);
            }
            (Ok(n), "udp") => {
                p.udp_ports.insert(n);
            }
            _ => p.notes.push(format!(
                "exposed port `{spec}` is not PORT/tcp or PORT/udp; ignored"
            )),
        }
    }
}

/// Volumes, the always-writable temp dirs, world-writable dirs, dirs owned by a
/// non-root image user, and the working dir when the user owns it; nested dirs
/// collapsed into their top-most writable ancestor.
fn writable_dirs(
    vfs: &Vfs<'_>,
    input: &ImageProfileInput,
    workdir: &str,
    user: &UserInfo,
) -> BTreeSet<String> {
    let mut dirs: BTreeSet<String> = ALWAYS_WRITABLE.iter().map(|d| d.to_string()).collect();
    dirs.extend(input.config.volumes.iter().map(|v| normalize(v)));
    for (path, info) in vfs.entries() {
        if info.kind != FileKind::Dir || path == "/" {
            continue;
        }
        let world_writable = info.mode & 0o002 != 0;
        let owned = user.uid.is_some_and(|u| u != 0 && info.uid == Some(u));
        if world_writable || owned {
            dirs.insert(path.to_string());
        }
    }
    if let (Some(uid), Some(info)) = (user.uid, vfs.get(workdir)) {
        if workdir != "/" && info.kind == FileKind::Dir && info.uid == Some(uid) {
            dirs.insert(workdir.to_string());
        }
    }
    dirs.remove("/");
    let all: Vec<String> = dirs.iter().cloned().collect();
    dirs.retain(|d| {
        !all.iter()
            .any(|other| other != d && d.starts_with(&format!("{other}/")))
    });
    dirs
}
