//! Semantic Versioning 2.0.0 precedence (npm, crates.io, OSV `SEMVER` ranges):
//! `MAJOR.MINOR.PATCH[-pre][+build]`, pre-release identifiers compared numerically
//! when numeric and in ASCII order otherwise, numeric ones lower, a shorter list of
//! equal identifiers lower, and build metadata ignored. A leading `v` or `=` is
//! accepted (npm tolerates it) and missing minor/patch numbers count as 0.

use std::cmp::Ordering;

/// A parsed semantic version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemVer {
    /// Major, minor, patch.
    pub core: [u64; 3],
    /// Pre-release identifiers.
    pub pre: Vec<Ident>,
    /// Build metadata (ignored for precedence).
    pub build: String,
}

/// A pre-release identifier.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ident {
    /// Numeric identifiers have lower precedence than alphanumeric ones.
    Num(u64),
    /// Alphanumeric identifiers compare in ASCII order.
    Alpha(String),
}

impl SemVer {
    /// Parses a version; `None` if it is not a semantic version.
    pub fn parse(input: &str) -> Option<Self> {
        let s = input.trim();
        let s = s.strip_prefix(['v', 'V', '=']).unwrap_or(s);
        let (s, build) = match s.split_once('+') {
            Some((s, b)) => (s, b.to_string()),
            None => (s, String::new()),
        };
        let (core_str, pre_str) = match s.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        let mut core = [0u64; 3];
        let parts: Vec<&str> = core_str.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        for (slot, part) in core.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            *slot = part.parse().ok()?;
        }
        let mut pre = Vec::new();
        if let Some(p) = pre_str {
            for id in p.split('.') {
                if id.is_empty() || !id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
                    return None;
                }
                pre.push(if id.bytes().all(|c| c.is_ascii_digit()) {
                    Ident::Num(id.parse().ok()?)
                } else {
                    Ident::Alpha(id.to_string())
                });
            }
        }
        Some(SemVer { core, pre, build })
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.core
            .cmp(&other.core)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two semantic versions; `None` if either does not parse.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(SemVer::parse(a)?.cmp(&SemVer::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn semver_spec_ordering() {
        // The SemVer 2.0.0 spec's example, ascending.
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(compare(w[0], w[1]), Some(Less), "{} < {}", w[0], w[1]);
            assert_eq!(compare(w[1], w[0]), Some(Greater));
        }
    }

    #[test]
    fn real_cases() {
        let cases = [
            ("1.0.0+build.1", "1.0.0+build.2", Equal),
            ("v1.2.3", "1.2.3", Equal),
            ("=1.2.3", "1.2.3", Equal),
            ("1.2", "1.2.0", Equal),
            // lodash CVE-2021-23337 fixed in 4.17.21; semver GHSA-c2qf-rxjj-qqgw fixed 7.5.2.
            ("4.17.20", "4.17.21", Less),
            ("7.5.1", "7.5.2", Less),
            ("6.3.0", "7.0.0-0", Less),
            ("7.0.0-0", "7.0.0", Less),
            ("1.0.0-rc.1-hotfix", "1.0.0-rc.1", Greater),
            ("1.0.0-10", "1.0.0-9", Greater),
            ("1.0.0-a10", "1.0.0-a9", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Some(want), "{a} vs {b}");
        }
        for bad in ["", "1.x", "1.2.3.4", "1.2.3-", "1.2.3-a..b", "latest"] {
            assert!(SemVer::parse(bad).is_none(), "{bad}");
        }
    }
}
