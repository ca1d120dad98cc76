//! Packagist (Composer) versions, compared as PHP's `version_compare` does after
//! Composer strips a leading `v`: parts split at `.`, `-`, `_`, `+` and digit/letter
//! transitions; `dev < alpha = a < beta = b < RC = rc < number < pl = p`, unknown
//! words lowest.

use std::cmp::Ordering;

fn canonical(v: &str) -> Vec<String> {
    let v = v.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    for c in v.chars() {
        if matches!(c, '.' | '-' | '_' | '+') {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
        } else {
            if let Some(p) = prev {
                if !cur.is_empty() && p.is_ascii_digit() != c.is_ascii_digit() {
                    parts.push(std::mem::take(&mut cur));
                }
            }
            cur.push(c);
        }
        prev = Some(c);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

fn special(s: &str) -> i32 {
    const FORMS: [(&str, i32); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| s.starts_with(name))
        .map_or(-6, |(_, v)| *v)
}

fn is_num(s: &str) -> bool {
    s.bytes().next().is_some_and(|c| c.is_ascii_digit())
}

/// Compares two Composer versions. Always answers.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (canonical(a), canonical(b));
    for i in 0..pa.len().max(pb.len()) {
        let o = match (pa.get(i), pb.get(i)) {
            (Some(x), Some(y)) => match (is_num(x), is_num(y)) {
                (true, true) => {
                    let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
                }
                (false, false) => special(x).cmp(&special(y)),
                (true, false) => special("#").cmp(&special(y)),
                (false, true) => special(x).cmp(&special("#")),
            },
            (Some(x), None) => {
                if is_num(x) {
                    Ordering::Greater
                } else {
                    special(x).cmp(&special("#"))
                }
            }
            (None, Some(y)) => {
                if is_num(y) {
                    Ordering::Less
                } else {
                    special("#").cmp(&special(y))
                }
            }
            (None, None) => Ordering::Equal,
        };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn composer_versions() {
        let cases = [
            ("1.0.0", "v1.0.0", Equal),
            ("1.0.0-dev", "1.0.0-alpha", Less),
            ("1.0.0-alpha1", "1.0.0-beta1", Less),
            ("1.0.0-RC1", "1.0.0", Less),
            ("1.0.0", "1.0.0-pl1", Less),
            ("1.0.0", "1.0.0.1", Less),
            ("1.0.0-beta2", "1.0.0-beta10", Less),
            // guzzlehttp/guzzle CVE-2022-31090 fixed in 7.4.5; symfony/http-kernel 5.4.20.
            ("7.4.4", "7.4.5", Less),
            ("5.4.20", "5.4.9", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }
}
