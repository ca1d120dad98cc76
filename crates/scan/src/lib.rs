//! secchain's `scan` stage: known vulnerabilities in an image's packages.
//!
//! - [`db`]: the vulnerability database (OSV records, CISA KEV, FIRST EPSS) in one
//!   SQLite file, imported atomically from OSV's export archives or local files.
//! - [`version`]: each ecosystem's exact version order (dpkg, apk, rpm, PEP 440,
//!   SemVer, Go, Maven, RubyGems, NuGet, Composer).
//! - [`matching`]: packages against advisories with OSV's range semantics,
//!   distribution releases and alias merging.
//! - [`gate`], [`ignore`]: Trivy-compatible gates, ignore files and OpenVEX.
//! - [`report`]: table, JSON, SARIF, CycloneDX VEX, GitLab and HTML renderings.
//! - [`stage`]: the `scan` pipeline stage.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cvss;
pub mod db;
pub mod docs;
pub mod ecosystem;
pub mod gate;
pub mod ignore;
pub mod inventory;
pub mod matching;
pub mod osv;
pub mod report;
pub mod severity;
pub mod stage;
pub mod version;

pub use db::{Database, DbError, ImportSource, ImportStats};
pub use matching::{match_packages, Distro, ScanInventory, ScanPackage, VulnFinding};
pub use severity::Severity;
pub use stage::ScanStage;

/// Now as RFC 3339 UTC.
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Seconds since an RFC 3339 time (0 if in the future; `None` if unreadable).
pub(crate) fn age_seconds(rfc3339: &str) -> Option<u64> {
    let then = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    let secs = (time::OffsetDateTime::now_utc() - then).whole_seconds();
    Some(secs.max(0) as u64)
}
