//! Platforms (`os/arch[/variant]`) and matching against image indexes.
//!
//! Architecture names are Go's (`amd64`, `arm64`, `386`, `ppc64le`, …).
//! Common aliases are accepted and normalised (`x86_64` → `amd64`,
//! `aarch64` → `arm64`, `armhf` → `arm/v7`, `armel` → `arm/v6`,
//! `i386`/`i686` → `386`). For matching, `arm64` with no variant equals
//! `arm64/v8`, and `arm` with no variant equals `arm/v7`, as containerd does.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A platform: OS, CPU architecture and optional variant / OS version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Platform {
    /// Operating system (`linux`, `windows`, …).
    pub os: String,
    /// CPU architecture in Go's naming (`amd64`, `arm64`, …).
    pub architecture: String,
    /// CPU variant (`v7`, `v8`, …), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// OS version (Windows images), if any.
    #[serde(
        default,
        rename = "os.version",
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

impl Platform {
    /// Builds a platform, normalising architecture aliases.
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Self {
        let (architecture, alias_variant) = normalise_arch(&architecture.to_ascii_lowercase());
        let variant = variant
            .map(|v| v.to_ascii_lowercase())
            .or(alias_variant.map(str::to_string));
        Platform {
            os: os.to_ascii_lowercase(),
            architecture,
            variant,
            os_version: None,
        }
    }

    /// Parses `os/arch[/variant]` (also `arch` alone, meaning linux).
    pub fn parse(input: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidPlatform {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let parts: Vec<&str> = input.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad("empty component"));
        }
        if parts.iter().any(|p| {
            !p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        }) {
            return Err(bad(
                "components may only contain letters, digits, '_', '-', '.'",
            ));
        }
        let p = match parts.as_slice() {
            [one] => {
                let lower = one.to_ascii_lowercase();
                if KNOWN_OS.contains(&lower.as_str()) {
                    return Err(bad("an architecture is required (OS/ARCH)"));
                }
                let (arch, _) = normalise_arch(&lower);
                if !KNOWN_ARCH.contains(&arch.as_str()) {
                    return Err(bad(&format!("unknown architecture {one:?}")));
                }
                Platform::new("linux", one, None)
            }
            [os, arch] => Platform::new(os, arch, None),
            [os, arch, variant] => Platform::new(os, arch, Some(variant)),
            _ => return Err(bad("too many components")),
        };
        if !KNOWN_OS.contains(&p.os.as_str()) {
            return Err(bad(&format!("unknown operating system {:?}", p.os)));
        }
        if !KNOWN_ARCH.contains(&p.architecture.as_str()) {
            return Err(bad(&format!("unknown architecture {:?}", p.architecture)));
        }
        Ok(p)
    }

    /// The platform of this machine: linux plus `std::env::consts::ARCH` in Go naming.
    pub fn host() -> Self {
        let (arch, variant) = host_arch();
        Platform {
            os: "linux".to_string(),
            architecture: arch.to_string(),
            variant: variant.map(str::to_string),
            os_version: None,
        }
    }

    /// True when an index entry with platform `candidate` satisfies this (requested) platform.
    ///
    /// OS and architecture must be equal; a requested variant must equal the
    /// candidate's (after defaults), no requested variant accepts any.
    pub fn matches(&self, candidate: &Platform) -> bool {
        if self.os != candidate.os {
            return false;
        }
        let (want_arch, _) = normalise_arch(&self.architecture);
        let (have_arch, _) = normalise_arch(&candidate.architecture);
        if want_arch != have_arch {
            return false;
        }
        match &self.variant {
            None => true,
            Some(_) => self.effective_variant() == candidate.effective_variant(),
        }
    }

    /// How good a match `candidate` is (higher is better), for choosing among several matches.
    pub(crate) fn match_score(&self, candidate: &Platform) -> u32 {
        let mut score = 1;
        if self.effective_variant() == candidate.effective_variant() {
            score += 2;
        }
        if self.variant == candidate.variant {
            score += 1;
        }
        score
    }

    fn effective_variant(&self) -> Option<String> {
        match (self.architecture.as_str(), self.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_string()),
            ("arm", None) => Some("v7".to_string()),
            (_, v) => v.map(str::to_string),
        }
    }

    /// True for the `unknown/unknown` entries BuildKit adds for attestations.
    pub fn is_unknown(&self) -> bool {
        self.os == "unknown" || self.architecture == "unknown"
    }
}

const KNOWN_OS: &[&str] = &[
    "linux",
    "windows",
    "darwin",
    "freebsd",
    "netbsd",
    "openbsd",
    "solaris",
    "illumos",
    "aix",
    "plan9",
    "dragonfly",
    "android",
    "ios",
    "js",
    "wasip1",
    "unknown",
];

const KNOWN_ARCH: &[&str] = &[
    "amd64", "arm64", "arm", "386", "ppc64le", "ppc64", "s390x", "riscv64", "mips", "mipsle",
    "mips64", "mips64le", "loong64", "wasm", "unknown", "amd64p32", "sparc64",
];

fn normalise_arch(arch: &str) -> (String, Option<&'static str>) {
    match arch {
        "x86_64" | "x86-64" | "x64" => ("amd64".into(), None),
        "aarch64" => ("arm64".into(), None),
        "armhf" | "armv7l" | "armv7" => ("arm".into(), Some("v7")),
        "armel" | "armv6l" | "armv6" => ("arm".into(), Some("v6")),
        "armv5" | "armv5l" => ("arm".into(), Some("v5")),
        "i386" | "i486" | "i586" | "i686" | "x86" => ("386".into(), None),
        "powerpc64le" => ("ppc64le".into(), None),
        "powerpc64" => ("ppc64".into(), None),
        "loongarch64" => ("loong64".into(), None),
        other => (other.to_string(), None),
    }
}

fn host_arch() -> (&'static str, Option<&'static str>) {
    match std::env::consts::ARCH {
        "x86_64" => ("amd64", None),
        "aarch64" => ("arm64", None),
        "x86" => ("386", None),
        "arm" => ("arm", Some("v7")),
        "powerpc64" if cfg!(target_endian = "little") => ("ppc64le", None),
        "powerpc64" => ("ppc64", None),
        "s390x" => ("s390x", None),
        "riscv64" => ("riscv64", None),
        "mips" if cfg!(target_endian = "little") => ("mipsle", None),
        "mips" => ("mips", None),
        "mips64" if cfg!(target_endian = "little") => ("mips64le", None),
        "mips64" => ("mips64", None),
        "loongarch64" => ("loong64", None),
        other => (other, None),
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Platform::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let cases: &[(&str, &str)] = &[
            ("linux/amd64", "linux/amd64"),
            ("linux/arm64", "linux/arm64"),
            ("linux/arm64/v8", "linux/arm64/v8"),
            ("linux/arm/v7", "linux/arm/v7"),
            ("linux/x86_64", "linux/amd64"),
            ("linux/aarch64", "linux/arm64"),
            ("linux/armhf", "linux/arm/v7"),
            ("Linux/AMD64", "linux/amd64"),
            ("linux/i386", "linux/386"),
            ("windows/amd64", "windows/amd64"),
            ("arm64", "linux/arm64"),
            ("linux/ppc64le", "linux/ppc64le"),
        ];
        for (input, want) in cases {
            let p = Platform::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(p.to_string(), *want, "{input}");
        }
        for bad in [
            "",
            "linux",
            "linux/",
            "/amd64",
            "linux/amd64/v8/x",
            "linux/nope",
            "beos/amd64",
            "linux/am d64",
        ] {
            let e = Platform::parse(bad).expect_err(bad);
            assert!(e.is_usage(), "{bad}: {e}");
        }
    }

    #[test]
    fn matching_rules() {
        let p = |s: &str| Platform::parse(s).unwrap();
        assert!(p("linux/arm64").matches(&p("linux/arm64/v8")));
        assert!(p("linux/arm64/v8").matches(&p("linux/arm64")));
        assert!(!p("linux/arm64/v9").matches(&p("linux/arm64")));
        assert!(p("linux/arm").matches(&p("linux/arm/v6")));
        assert!(!p("linux/arm/v7").matches(&p("linux/arm/v6")));
        assert!(p("linux/arm/v7").matches(&Platform::new("linux", "arm", None)));
        assert!(!p("linux/amd64").matches(&p("windows/amd64")));
        assert!(!p("linux/amd64").matches(&p("linux/arm64")));
        let want = p("linux/arm64");
        assert!(want.match_score(&p("linux/arm64")) > want.match_score(&p("linux/arm64/v9")));
    }

    #[test]
    fn host_is_linux_with_go_arch() {
        let h = Platform::host();
        assert_eq!(h.os, "linux");
        assert!(KNOWN_ARCH.contains(&h.architecture.as_str()), "{h}");
        if std::env::consts::ARCH == "x86_64" {
            assert_eq!(h.to_string(), "linux/amd64");
        }
    }
}
