//! Debian package versions (`[epoch:]upstream[-revision]`), compared exactly as
//! `dpkg --compare-versions` does: epochs first, then `verrevcmp` on the upstream
//! version and the revision, where `~` sorts before everything (even the end of the
//! string), letters before other symbols, and digit runs compare numerically.

use std::cmp::Ordering;

/// A parsed Debian version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DpkgVersion<'a> {
    /// The epoch (0 when absent).
    pub epoch: u64,
    /// The upstream version.
    pub upstream: &'a str,
    /// The Debian revision (empty when absent, which compares like `0`).
    pub revision: &'a str,
}

impl<'a> DpkgVersion<'a> {
    /// Splits a version into epoch, upstream and revision. Returns `None` for a
    /// non-numeric epoch.
    pub fn parse(s: &'a str) -> Option<Self> {
        let s = s.trim();
        let (epoch, rest) = match s.split_once(':') {
            Some((e, rest)) => (e.parse().ok()?, rest),
            None => (0, s),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((u, r)) => (u, r),
            None => (rest, ""),
        };
        Some(DpkgVersion {
            epoch,
            upstream,
            revision,
        })
    }
}

impl Ord for DpkgVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream, other.upstream))
            .then_with(|| verrevcmp(self.revision, other.revision))
    }
}

impl PartialOrd for DpkgVersion<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two Debian versions; `None` if either has an invalid epoch.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(DpkgVersion::parse(a)?.cmp(&DpkgVersion::parse(b)?))
}

fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`: alternating non-digit and digit runs.
fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ac = order(a.get(i).copied().filter(|c| !c.is_ascii_digit()));
            let bc = order(b.get(j).copied().filter(|c| !c.is_ascii_digit()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            if i < a.len() && !a[i].is_ascii_digit() {
                i += 1;
            }
            if j < b.len() && !b[j].is_ascii_digit() {
                j += 1;
            }
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while i < a.len() && a[i].is_ascii_digit() && j < b.len() && b[j].is_ascii_digit() {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if i < a.len() && a[i].is_ascii_digit() {
            return Ordering::Greater;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn dpkg_table() {
        // Each row checked against `dpkg --compare-versions`.
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0-1", "1.0", Greater),
            ("1.0", "1.0-0", Equal),
            ("1:1.0", "2.0", Greater),
            ("0:1.0", "1.0", Equal),
            ("1.0~rc1", "1.0", Less),
            ("1.0~rc1", "1.0~rc1~1", Greater),
            ("1.0~~", "1.0~", Less),
            ("1.0~", "1.0", Less),
            ("1.0a", "1.0", Greater),
            ("1.0a", "1.0+", Less), // letters before other symbols
            ("1.0+", "1.0.", Less),
            ("1.01", "1.1", Equal),
            ("1.10", "1.9", Greater),
            ("2.36-9+deb12u4", "2.36-9+deb12u3", Greater),
            ("2.36-9+deb12u10", "2.36-9+deb12u9", Greater),
            ("3.0.11-1~deb12u2", "3.0.11-1", Less),
            ("1.2.13.dfsg-1", "1:1.2.13.dfsg-1", Less),
            ("7.88.1-10+deb12u5", "7.88.1-10+deb12u12", Less),
            ("1.0-1ubuntu0.1", "1.0-1", Greater),
            ("1.0-1ubuntu0.1", "1.0-1.1", Less), // letters sort before `.`
            ("2.4.52-1ubuntu4.6", "2.4.52-1ubuntu4.10", Less),
            ("1.1.1f-1ubuntu2.20", "1.1.1f-1ubuntu2.3", Greater),
            ("1.2-3-4", "1.2-3-5", Less), // revision after the last hyphen
            ("10.0+git20231201", "10.0", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Some(want), "{a} vs {b}");
            assert_eq!(compare(b, a), Some(want.reverse()), "{b} vs {a}");
        }
        assert_eq!(compare("x:1.0", "1.0"), None);
    }
}
