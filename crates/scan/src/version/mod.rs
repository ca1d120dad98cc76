//! Version comparison, exactly as each ecosystem's own tools order versions.
//!
//! [`Scheme`] names a comparator; [`Scheme::for_ecosystem`] picks the one OSV's
//! `ECOSYSTEM` ranges use for an ecosystem, and [`Scheme::compare`] answers `None`
//! when a version cannot be read in that scheme (the matcher then skips the range
//! rather than guessing).

pub mod apk;
pub mod composer;
pub mod dpkg;
pub mod golang;
pub mod maven;
pub mod nuget;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

use std::cmp::Ordering;

/// A version ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Debian and Ubuntu (`dpkg --compare-versions`).
    Dpkg,
    /// Alpine, Wolfi, Chainguard (apk-tools).
    Apk,
    /// Red Hat, Rocky, AlmaLinux, SUSE, openSUSE, Mageia, … (`rpmvercmp`).
    Rpm,
    /// PyPI (PEP 440).
    Pep440,
    /// npm, crates.io, OSV `SEMVER` ranges (SemVer 2.0.0).
    SemVer,
    /// Go modules and the Go toolchain.
    Go,
    /// Maven (`ComparableVersion`).
    Maven,
    /// RubyGems (`Gem::Version`).
    RubyGems,
    /// NuGet (`NuGetVersion`).
    NuGet,
    /// Packagist (PHP `version_compare`).
    Composer,
}

impl Scheme {
    /// The comparator for an OSV ecosystem's base name (`Debian`, `PyPI`, …). Unknown
    /// ecosystems get `rpmvercmp`, a reasonable generic alphanumeric order.
    pub fn for_ecosystem(base: &str) -> Scheme {
        match base {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" | "Alpaquita" | "BellSoft Hardened Containers" => {
                Scheme::Apk
            }
            "PyPI" => Scheme::Pep440,
            "npm" | "crates.io" | "Hex" | "Pub" | "SwiftURL" | "Bitnami" => Scheme::SemVer,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "NuGet" => Scheme::NuGet,
            "Packagist" => Scheme::Composer,
            _ => Scheme::Rpm,
        }
    }

    /// Compares `a` with `b`; `None` if either is not a version in this scheme.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        match self {
            Scheme::Dpkg => dpkg::compare(a, b),
            Scheme::Apk => Some(apk::compare(a, b)),
            Scheme::Rpm => Some(rpm::compare(a, b)),
            Scheme::Pep440 => pep440::compare(a, b),
            Scheme::SemVer => semver::compare(a, b),
            Scheme::Go => golang::compare(a, b),
            Scheme::Maven => Some(maven::compare(a, b)),
            Scheme::RubyGems => rubygems::compare(a, b),
            Scheme::NuGet => nuget::compare(a, b),
            Scheme::Composer => Some(composer::compare(a, b)),
        }
    }

    /// Whether `a` and `b` name the same version (for OSV `versions` lists), using
    /// the scheme's equality where it has one and string equality otherwise.
    pub fn same(self, a: &str, b: &str) -> bool {
        a == b || self.compare(a, b) == Some(Ordering::Equal)
    }
}
