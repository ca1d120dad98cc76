//! RubyGems versions, ordered as `Gem::Version#<=>`: `-` means `.pre.`, segments are
//! digit runs (numbers) or letter runs (strings, which make a pre-release), trailing
//! zeros are dropped from the release part and from the pre-release part, missing
//! segments count as 0, and a string sorts before a number.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Num(u128),
    Str(String),
}

fn canonical_segments(v: &str) -> Option<Vec<Seg>> {
    let v = v.trim().replace('-', ".pre.");
    if v.is_empty() || !v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.') {
        return None;
    }
    let mut segs = Vec::new();
    let bytes = v.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            segs.push(Seg::Num(v[start..i].parse().unwrap_or(u128::MAX)));
        } else if bytes[i].is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            segs.push(Seg::Str(v[start..i].to_string()));
        } else {
            i += 1;
        }
    }
    let split = segs
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(segs.len());
    let mut pre = segs.split_off(split);
    let drop_zeros = |v: &mut Vec<Seg>| {
        while v.last() == Some(&Seg::Num(0)) {
            v.pop();
        }
    };
    drop_zeros(&mut segs);
    drop_zeros(&mut pre);
    segs.extend(pre);
    Some(segs)
}

/// Compares two gem versions; `None` if either is malformed.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (l, r) = (canonical_segments(a)?, canonical_segments(b)?);
    let zero = Seg::Num(0);
    for i in 0..l.len().max(r.len()) {
        let (x, y) = (l.get(i).unwrap_or(&zero), r.get(i).unwrap_or(&zero));
        let o = match (x, y) {
            (Seg::Num(a), Seg::Num(b)) => a.cmp(b),
            (Seg::Str(a), Seg::Str(b)) => a.cmp(b),
            (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
            (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
        };
        if o.is_ne() {
            return Some(o);
        }
    }
    Some(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn gem_versions() {
        // Rows from rubygems' test_gem_version.rb and real advisories.
        let cases = [
            ("1.0", "1.0.0", Equal),
            ("1.0", "1", Equal),
            ("1.0.a", "1.0", Less),
            ("1.0.a", "1.0.b", Less),
            ("1.0.a10", "1.0.a9", Greater),
            ("1.8.2.a", "1.8.2", Less),
            ("1.0.0.rc1", "1.0.0", Less),
            ("1.0-1", "1.0", Less), // `-` is `.pre.`
            ("1.0.b1", "1.0.a.2", Greater),
            ("0.beta.1", "0.0.beta.1", Equal),
            ("1.9.3", "1.9.3.0", Equal),
            ("5.2", "5.1", Greater),
            ("9.8.7", "1.2.3", Greater),
            // nokogiri GHSA-xc9x-jj77-9p9j fixed in 1.16.5; rack CVE-2024-26146 fixed 2.2.8.1.
            ("1.16.4", "1.16.5", Less),
            ("2.2.8", "2.2.8.1", Less),
            ("7.0.8.1", "7.0.8", Greater),
            ("7.1.0.rc1", "7.0.8.1", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Some(want), "{a} vs {b}");
            assert_eq!(compare(b, a), Some(want.reverse()), "{b} vs {a}");
        }
        assert_eq!(compare("1.0 beta", "1"), None);
    }
}
