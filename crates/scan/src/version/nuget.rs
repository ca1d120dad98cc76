//! NuGet versions (`NuGetVersion`): up to four numeric parts (missing ones are 0),
//! an optional SemVer 2 pre-release label compared case-insensitively, build metadata
//! ignored; a release sorts after its pre-releases.

use std::cmp::Ordering;

use super::semver::Ident;

fn parse(v: &str) -> Option<([u64; 4], Vec<Ident>)> {
    let v = v.trim();
    let v = v.split_once('+').map_or(v, |(a, _)| a);
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let mut nums = [0u64; 4];
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    for (slot, p) in nums.iter_mut().zip(&parts) {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *slot = p.parse().ok()?;
    }
    let mut ids = Vec::new();
    if let Some(p) = pre {
        for id in p.split('.') {
            if id.is_empty() || !id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
                return None;
            }
            ids.push(if id.bytes().all(|c| c.is_ascii_digit()) {
                Ident::Num(id.parse().ok()?)
            } else {
                Ident::Alpha(id.to_ascii_lowercase())
            });
        }
    }
    Some((nums, ids))
}

/// Compares two NuGet versions; `None` if either is malformed.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (an, ap) = parse(a)?;
    let (bn, bp) = parse(b)?;
    Some(
        an.cmp(&bn)
            .then_with(|| match (ap.is_empty(), bp.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => ap.cmp(&bp),
            }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn nuget_versions() {
        let cases = [
            ("1.0", "1.0.0.0", Equal),
            ("1.0.0.1", "1.0.0", Greater),
            ("1.0.0-beta", "1.0.0", Less),
            ("1.0.0-BETA", "1.0.0-beta", Equal),
            ("1.0.0-beta.2", "1.0.0-beta.10", Less),
            ("1.0.0+meta", "1.0.0", Equal),
            // System.Text.Json CVE-2024-30105 fixed 8.0.4; Newtonsoft.Json fixed 13.0.1.
            ("8.0.3", "8.0.4", Less),
            ("12.0.3", "13.0.1", Less),
            ("4.7.0-preview.1", "4.7.0", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Some(want), "{a} vs {b}");
            assert_eq!(compare(b, a), Some(want.reverse()), "{b} vs {a}");
        }
        assert_eq!(compare("1.0.0.0.0", "1"), None);
    }
}
