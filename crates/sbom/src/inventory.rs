//! The package inventory: what the catalogers found in a filesystem.

use crate::tree::LayerRef;
use serde::{Deserialize, Serialize};

/// Kind of package, one per packaging system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageType {
    /// Debian package (dpkg).
    Deb,
    /// Alpine package (apk).
    Apk,
    /// RPM package.
    Rpm,
    /// Python distribution.
    Python,
    /// npm package.
    Npm,
    /// Go module.
    GoModule,
    /// Rust crate.
    RustCrate,
    /// Java archive / Maven artifact.
    Java,
    /// Ruby gem.
    Gem,
    /// PHP Composer package.
    Composer,
    /// .NET NuGet package.
    Nuget,
}

impl PackageType {
    /// The type name used in reports and compared with syft's (`deb`, `python`, `go-module`…).
    pub fn as_str(self) -> &'static str {
        match self {
            PackageType::Deb => "deb",
            PackageType::Apk => "apk",
            PackageType::Rpm => "rpm",
            PackageType::Python => "python",
            PackageType::Npm => "npm",
            PackageType::GoModule => "go-module",
            PackageType::RustCrate => "rust-crate",
            PackageType::Java => "java-archive",
            PackageType::Gem => "gem",
            PackageType::Composer => "php-composer",
            PackageType::Nuget => "dotnet",
        }
    }

    /// Parse [`PackageType::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        ALL_TYPES.iter().copied().find(|t| t.as_str() == s)
    }

    /// The purl type (`deb`, `pypi`, `golang`…).
    pub fn purl_type(self) -> &'static str {
        match self {
            PackageType::Deb => "deb",
            PackageType::Apk => "apk",
            PackageType::Rpm => "rpm",
            PackageType::Python => "pypi",
            PackageType::Npm => "npm",
            PackageType::GoModule => "golang",
            PackageType::RustCrate => "cargo",
            PackageType::Java => "maven",
            PackageType::Gem => "gem",
            PackageType::Composer => "composer",
            PackageType::Nuget => "nuget",
        }
    }
}

/// Every package type.
pub const ALL_TYPES: [PackageType; 11] = [
    PackageType::Deb,
    PackageType::Apk,
    PackageType::Rpm,
    PackageType::Python,
    PackageType::Npm,
    PackageType::GoModule,
    PackageType::RustCrate,
    PackageType::Java,
    PackageType::Gem,
    PackageType::Composer,
    PackageType::Nuget,
];

/// How a package was found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum FoundBy {
    /// Installed-package metadata (package database, dist-info, node_modules…).
    #[default]
    Installed,
    /// Declared by a lock file shipped in the image, not found installed.
    LockFile,
    /// Embedded in a binary (Go build info, cargo-auditable, JAR metadata).
    Binary,
}

/// A source package (distro advisories are keyed on it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourcePackage {
    /// Source package name.
    pub name: String,
    /// Source package version.
    pub version: String,
}

/// Where a package was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Absolute path of the metadata file.
    pub path: String,
    /// Layer that introduced it, when known.
    pub layer: Option<LayerRef>,
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Package name, normalised the way advisories name it.
    pub name: String,
    /// Version as recorded (dpkg: with epoch; rpm: `[epoch:]version-release`).
    pub version: String,
    /// Package type.
    pub ptype: PackageType,
    /// Namespace where the ecosystem has one (Maven group id, Go has none:
    /// the module path is the name).
    pub namespace: Option<String>,
    /// Architecture (distro packages).
    pub arch: Option<String>,
    /// Source package for distro packages.
    pub source: Option<SourcePackage>,
    /// Declared licenses (expressions or names), as found.
    pub licenses: Vec<String>,
    /// Where it was found (first is the primary location).
    pub locations: Vec<Location>,
    /// How it was found.
    pub found_by: FoundBy,
    /// Names of packages (same type) this one depends on, when known.
    pub depends_on: Vec<String>,
    /// Distro qualifier for purls (`debian-12`), set for distro packages.
    pub distro: Option<String>,
    /// Platforms that contain this package (filled by the index merge).
    pub platforms: Vec<String>,
    /// Extra purl qualifiers or metadata (`upstream`, `epoch`…), sorted by key.
    pub extra: Vec<(String, String)>,
}

impl Package {
    /// A package with the given identity and everything else empty.
    pub fn new(ptype: PackageType, name: impl Into<String>, version: impl Into<String>) -> Self {
        Package {
            name: name.into(),
            version: version.into(),
            ptype,
            namespace: None,
            arch: None,
            source: None,
            licenses: Vec::new(),
            locations: Vec::new(),
            found_by: FoundBy::Installed,
            depends_on: Vec::new(),
            distro: None,
            platforms: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Builder: add a location.
    pub fn at(mut self, path: &str, layer: Option<LayerRef>) -> Self {
        self.locations.push(Location {
            path: path.to_owned(),
            layer,
        });
        self
    }

    /// The OSV ecosystem name (`Debian`, `PyPI`, `npm`…), without distro version.
    pub fn ecosystem(&self) -> &'static str {
        match self.ptype {
            PackageType::Deb => {
                if self
                    .distro
                    .as_deref()
                    .is_some_and(|d| d.starts_with("ubuntu"))
                {
                    "Ubuntu"
                } else {
                    "Debian"
                }
            }
            PackageType::Apk => "Alpine",
            PackageType::Rpm => rpm_ecosystem(self.distro.as_deref()),
            PackageType::Python => "PyPI",
            PackageType::Npm => "npm",
            PackageType::GoModule => "Go",
            PackageType::RustCrate => "crates.io",
            PackageType::Java => "Maven",
            PackageType::Gem => "RubyGems",
            PackageType::Composer => "Packagist",
            PackageType::Nuget => "NuGet",
        }
    }

    /// The full name as advisories key it (Maven: `group:artifact`).
    pub fn full_name(&self) -> String {
        match (&self.namespace, self.ptype) {
            (Some(ns), PackageType::Java) => format!("{ns}:{}", self.name),
            (Some(ns), PackageType::Composer) => format!("{ns}/{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// The package URL (see [`crate::purl`]).
    pub fn purl(&self) -> String {
        crate::purl::package_purl(self)
    }

    /// Identity key used for sorting and deduplication.
    pub fn key(&self) -> (PackageType, String, String, String) {
        (
            self.ptype,
            self.full_name(),
            self.version.clone(),
            self.arch.clone().unwrap_or_default(),
        )
    }

    /// First location path, or "".
    pub fn path(&self) -> &str {
        self.locations.first().map_or("", |l| l.path.as_str())
    }
}

fn rpm_ecosystem(distro: Option<&str>) -> &'static str {
    match distro.unwrap_or("").split('-').next().unwrap_or("") {
        "rhel" | "centos" => "Red Hat",
        "rocky" => "Rocky Linux",
        "almalinux" => "AlmaLinux",
        "opensuse" | "opensuse-leap" | "opensuse-tumbleweed" => "openSUSE",
        "sles" => "SUSE",
        "mariner" | "azurelinux" => "Azure Linux",
        _ => "RPM",
    }
}

/// What kind of base the image has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaseKind {
    /// A regular distribution with a package manager.
    #[default]
    Distro,
    /// A distroless image: distro package metadata but no package manager
    /// (e.g. `/var/lib/dpkg/status.d/`).
    Distroless,
    /// No distribution at all (built `FROM scratch`).
    Scratch,
}

/// The Linux distribution of the image.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Distro {
    /// `ID` from os-release (`debian`, `alpine`, `ubuntu`…).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.20.3`).
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`).
    pub codename: Option<String>,
    /// `PRETTY_NAME`.
    pub pretty_name: Option<String>,
    /// `ID_LIKE` entries.
    pub id_like: Vec<String>,
}

impl Distro {
    /// The purl `distro` qualifier: `debian-12`, `alpine-3.20.3`, `ubuntu-22.04`.
    pub fn qualifier(&self) -> String {
        match &self.version_id {
            Some(v) => format!("{}-{v}", self.id),
            None => match &self.codename {
                Some(c) => format!("{}-{c}", self.id),
                None => self.id.clone(),
            },
        }
    }
}

/// A non-fatal finding about the catalog run (skipped file, unsupported format…).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Note {
    /// Path concerned (may be empty).
    pub path: String,
    /// What happened.
    pub message: String,
}

/// Everything found in one filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inventory {
    /// Packages, sorted by [`Package::key`] then path.
    pub packages: Vec<Package>,
    /// Distribution, when identified.
    pub distro: Option<Distro>,
    /// Base kind (distro, distroless, scratch).
    pub base: BaseKind,
    /// Notes about skipped or unsupported inputs.
    pub notes: Vec<Note>,
}

impl Inventory {
    /// Sort packages and notes into their canonical, deterministic order.
    pub fn sort(&mut self) {
        for p in &mut self.packages {
            p.licenses.sort();
            p.licenses.dedup();
            p.depends_on.sort();
            p.depends_on.dedup();
            p.platforms.sort();
            p.platforms.dedup();
            p.extra.sort();
        }
        self.packages.sort_by(|a, b| {
            a.key()
                .cmp(&b.key())
                .then_with(|| a.locations.cmp(&b.locations))
        });
        self.notes.sort();
        self.notes.dedup();
    }

    /// Add a note.
    pub fn note(&mut self, path: &str, message: impl Into<String>) {
        self.notes.push(Note {
            path: path.to_owned(),
            message: message.into(),
        });
    }
}
