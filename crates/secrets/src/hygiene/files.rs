//! Checks on the final filesystem: shells, package managers, build tools, setuid and
//! setgid files, world-writable directories.
//!
//! Executables are recognised by name in a `bin`/`sbin` directory (any prefix:
//! `/usr/local/go/bin/go` counts), after dropping a version suffix (`gcc-12`,
//! `pip3.11`) and a target-triple prefix (`x86_64-linux-gnu-gcc-12`). The compiler
//! proper (`cc1`, `cc1plus`, `collect2`) is recognised wherever it is. A symlink
//! counts only when it resolves to a file.

use secchain_oci::{EntryKind, MergedView, Node};

use super::{finding, HygieneFinding};
use crate::severity::Severity;

const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "pdksh", "csh", "tcsh", "fish", "busybox",
];

const PACKAGE_MANAGERS: &[&str] = &[
    "apt",
    "apt-get",
    "aptitude",
    "dpkg",
    "apk",
    "yum",
    "dnf",
    "microdnf",
    "rpm",
    "zypper",
    "pacman",
    "tdnf",
    "pip",
    "pipx",
    "easy_install",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "gem",
    "bundle",
    "composer",
    "conda",
    "mamba",
    "nuget",
    "opkg",
];

const BUILD_TOOLS: &[&str] = &[
    "gcc", "g++", "cc", "c++", "cpp", "clang", "clang++", "tcc", "make", "gmake", "cmake", "ninja",
    "meson", "autoconf", "automake", "libtool", "ld", "ld.bfd", "ld.gold", "ld.lld", "as", "go",
    "rustc", "cargo", "javac", "mvn", "gradle", "ant", "gfortran", "nasm", "yasm", "bison", "flex",
];

/// Compiler internals, recognised outside `bin` directories.
const COMPILER_PARTS: &[&str] = &["cc1", "cc1plus", "cc1obj", "collect2", "lto1"];

/// Directories where world-writable is expected.
const SHARED_TMP: &[&str] = &["/tmp", "/var/tmp"];

#[derive(Default)]
struct Found {
    shells: Vec<String>,
    package_managers: Vec<String>,
    build_tools: Vec<String>,
    setuid: Vec<String>,
    world_writable: Vec<String>,
}

/// The filesystem checks.
pub(super) fn check(view: &MergedView) -> Vec<HygieneFinding> {
    let mut f = Found::default();
    for (path, node) in view.iter() {
        classify(view, path, node, &mut f);
    }
    let mut out = Vec::new();
    let minimal = "use a minimal or distroless final image and copy only the application into it (multi-stage build)";
    if !f.shells.is_empty() {
        out.push(finding(
            "hygiene:shell",
            Severity::Medium,
            "a shell is present",
            f.shells,
            minimal,
        ));
    }
    if !f.package_managers.is_empty() {
        out.push(finding(
            "hygiene:package-manager",
            Severity::Medium,
            "a package manager is present",
            f.package_managers,
            "install packages in a build stage and copy the result into a distroless or minimal final stage",
        ));
    }
    if !f.build_tools.is_empty() {
        out.push(finding(
            "hygiene:build-tools",
            Severity::Medium,
            "compilers or build tools are present",
            f.build_tools,
            "build in a separate stage (multi-stage build) and copy only the artefacts into the final stage",
        ));
    }
    if !f.setuid.is_empty() {
        out.push(finding(
            "hygiene:setuid",
            Severity::Medium,
            "setuid/setgid files are present",
            f.setuid,
            "remove them or clear the bits (`RUN chmod a-s …` in the final stage), or use a distroless base",
        ));
    }
    if !f.world_writable.is_empty() {
        out.push(finding(
            "hygiene:world-writable-dir",
            Severity::Medium,
            "world-writable directories outside /tmp and /var/tmp",
            f.world_writable,
            "`chmod o-w` them and give the runtime user its own writable directory (or a volume)",
        ));
    }
    out
}

fn classify(view: &MergedView, path: &str, node: &Node, f: &mut Found) {
    match node.kind {
        EntryKind::Dir => {
            let shared = SHARED_TMP
                .iter()
                .any(|t| path == *t || path.starts_with(&format!("{t}/")));
            if node.mode & 0o002 != 0 && !shared {
                f.world_writable.push(path.to_string());
            }
            return;
        }
        EntryKind::File | EntryKind::Hardlink if node.mode & 0o6000 != 0 => {
            let bits = match node.mode & 0o6000 {
                0o6000 => "setuid+setgid",
                0o4000 => "setuid",
                _ => "setgid",
            };
            f.setuid.push(format!("{path} ({bits})"));
        }
        EntryKind::File | EntryKind::Hardlink | EntryKind::Symlink => {}
        _ => return,
    }
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let in_bin = dir.ends_with("/bin") || dir.ends_with("/sbin") || dir == "/bin" || dir == "/sbin";
    if COMPILER_PARTS.contains(&name) && node.kind != EntryKind::Symlink {
        f.build_tools.push(path.to_string());
        return;
    }
    if !in_bin {
        return;
    }
    if node.kind == EntryKind::Symlink && !resolves_to_file(view, path) {
        return;
    }
    let base = base_name(name);
    let list = if SHELLS.contains(&base) {
        &mut f.shells
    } else if PACKAGE_MANAGERS.contains(&base) {
        &mut f.package_managers
    } else if BUILD_TOOLS.contains(&base) {
        &mut f.build_tools
    } else {
        return;
    };
    list.push(path.to_string());
}

fn resolves_to_file(view: &MergedView, path: &str) -> bool {
    view.resolve(path)
        .and_then(|p| view.get(&p).map(|n| n.kind))
        .is_some_and(|k| matches!(k, EntryKind::File | EntryKind::Hardlink))
}

/// `gcc-12` → `gcc`, `pip3.11` → `pip`, `x86_64-linux-gnu-gcc-12` → `gcc`.
fn base_name(name: &str) -> &str {
    let trimmed = name
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_end_matches('-');
    let trimmed = if trimmed.is_empty() { name } else { trimmed };
    match trimmed.rsplit_once('-') {
        Some((triple, tool)) if triple.contains("-linux-") || triple.ends_with("-linux") => tool,
        _ => trimmed,
    }
}

#[cfg(test)]
mod tests {
    use super::base_name;

    #[test]
    fn version_and_triple_suffixes() {
        assert_eq!(base_name("gcc-12"), "gcc");
        assert_eq!(base_name("pip3.11"), "pip");
        assert_eq!(base_name("x86_64-linux-gnu-gcc-12"), "gcc");
        assert_eq!(base_name("aarch64-linux-gnu-ld.bfd"), "ld.bfd");
        assert_eq!(base_name("apt-get"), "apt-get");
        assert_eq!(base_name("c++"), "c++");
        assert_eq!(base_name("bash"), "bash");
        assert_eq!(base_name("python3"), "python");
    }
}
