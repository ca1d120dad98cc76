//! Names of well-known programs, by category, and the matching of versioned names
//! (`python3.12`, `pip3.11`, `gcc-12`).

/// Shells (Falco's `shell_binaries` plus a few more) and busybox, whose applets include `sh`.
pub const SHELLS: &[&str] = &[
    "ash", "bash", "busybox", "csh", "dash", "fish", "ksh", "mksh", "sh", "tcsh", "zsh",
];

/// Package managers, system and language.
pub const PACKAGE_MANAGERS: &[&str] = &[
    "apk",
    "apt",
    "apt-get",
    "aptitude",
    "composer",
    "conda",
    "dnf",
    "dpkg",
    "easy_install",
    "gem",
    "microdnf",
    "npm",
    "pip",
    "pip3",
    "pipx",
    "pnpm",
    "rpm",
    "yarn",
    "yum",
    "zypper",
];

/// Compilers and build tools.
pub const COMPILERS: &[&str] = &[
    "as", "c++", "cargo", "cc", "clang", "clang++", "cmake", "g++", "gcc", "gfortran", "go",
    "javac", "ld", "make", "rustc", "tcc",
];

/// Network tools that fetch or relay data.
pub const NETWORK_TOOLS: &[&str] = &[
    "aria2c",
    "curl",
    "ftp",
    "nc",
    "nc.openbsd",
    "nc.traditional",
    "ncat",
    "netcat",
    "nmap",
    "scp",
    "sftp",
    "socat",
    "ssh",
    "telnet",
    "tftp",
    "wget",
];

/// Tools that run commands as another user.
pub const PRIVILEGE_TOOLS: &[&str] = &[
    "doas", "gosu", "pkexec", "runuser", "setpriv", "su", "su-exec", "sudo",
];

/// Well-known crypto-miner program names.
pub const MINER_NAMES: &[&str] = &[
    "bfgminer",
    "ccminer",
    "cgminer",
    "cpuminer",
    "cpuminer-multi",
    "ethminer",
    "gminer",
    "kdevtmpfsi",
    "kinsing",
    "lolminer",
    "minerd",
    "nanominer",
    "nbminer",
    "phoenixminer",
    "srbminer",
    "t-rex",
    "teamredminer",
    "xmr-stak",
    "xmr-stak-cpu",
    "xmrig",
];

/// Command-line fragments of mining software (pool protocols and miner options).
pub const MINER_ARGS: &[&str] = &[
    "stratum+tcp://",
    "stratum+ssl://",
    "stratum+tls://",
    "stratum2+tcp://",
    "stratum1+tcp://",
    "--donate-level",
    "--coin=monero",
    "--algo=rx/0",
];

/// Ports commonly used by mining pools (from Falco's incubating `miner_ports`, without
/// the generic web ports 25, 8000, 8001, 8008, 8080, 8118).
pub const MINER_PORTS: &[u16] = &[
    3333, 3334, 3335, 3336, 3357, 4444, 5555, 5556, 5588, 5730, 6099, 6666, 7777, 7778, 8333, 8899,
    9332, 9999, 14433, 14444, 45560, 45700,
];

/// Language runtimes: (runtime, executable names).
pub const RUNTIMES: &[(&str, &[&str])] = &[
    ("dotnet", &["dotnet"]),
    ("java", &["java"]),
    ("node", &["node", "nodejs", "bun", "deno"]),
    ("perl", &["perl"]),
    ("php", &["php", "php-fpm"]),
    ("python", &["python", "python2", "python3", "pypy", "pypy3"]),
    ("ruby", &["ruby"]),
];

/// Package ecosystems (purl types) and the runtime they imply.
pub const ECOSYSTEM_RUNTIMES: &[(&str, &str)] = &[
    ("composer", "php"),
    ("gem", "ruby"),
    ("golang", "go"),
    ("maven", "java"),
    ("npm", "node"),
    ("nuget", "dotnet"),
    ("pypi", "python"),
];

/// `name` without a version suffix: `python3.12` → `python3`, `pip3.11` → `pip3`,
/// `gcc-12` → `gcc`, `php8.2` → `php`.
pub fn unversioned(name: &str) -> &str {
    let mut n = name;
    if let Some((base, ver)) = n.rsplit_once('-') {
        if is_version(ver) {
            n = base;
        }
    }
    if let Some(i) = n.find('.') {
        if is_version(&n[i + 1..]) {
            n = &n[..i];
        }
    }
    // `php8` → `php`, but keep names whose digit is part of them (`pip3`, `python3`).
    let trimmed = n.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < n.len()
        && !trimmed.is_empty()
        && !["pip", "python", "pypy"].contains(&trimmed)
    {
        n = trimmed;
    }
    n
}

fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Whether an executable called `name` belongs to `table` (versioned names included).
pub fn is_in(table: &[&str], name: &str) -> bool {
    table.contains(&name) || table.contains(&unversioned(name))
}

/// The runtime an executable called `name` provides, if any.
pub fn runtime_of(name: &str) -> Option<&'static str> {
    RUNTIMES
        .iter()
        .find(|(_, names)| is_in(names, name))
        .map(|(rt, _)| *rt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_names() {
        assert_eq!(unversioned("python3.12"), "python3");
        assert_eq!(unversioned("pip3.11"), "pip3");
        assert_eq!(unversioned("gcc-12"), "gcc");
        assert_eq!(unversioned("php8.2"), "php");
        assert_eq!(unversioned("python3"), "python3");
        assert_eq!(unversioned("t-rex"), "t-rex");
        assert!(is_in(PACKAGE_MANAGERS, "pip3.11"));
        assert!(is_in(COMPILERS, "clang-17"));
        assert_eq!(runtime_of("python3.12"), Some("python"));
        assert_eq!(runtime_of("bash"), None);
    }
}
