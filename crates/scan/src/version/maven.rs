//! Maven versions, ordered as Maven's `ComparableVersion` (the POM reference's
//! "version order specification"): items split at `.`, `-` and digit/letter
//! transitions, `-` and transitions opening a sub-list, trailing null items (`0`, `""`,
//! `final`, `ga`, `release`) trimmed, and qualifiers ordered
//! `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final < sp < others`.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Int(u128),
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn qualifier_key(q: &str) -> String {
    match QUALIFIERS.iter().position(|x| *x == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

fn string_item(value: &str, followed_by_digit: bool) -> Item {
    let v = match value {
        "a" if followed_by_digit => "alpha",
        "b" if followed_by_digit => "beta",
        "m" if followed_by_digit => "milestone",
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Str(v.to_string())
}

fn parse_item(is_digit: bool, buf: &str) -> Item {
    if is_digit {
        Item::Int(buf.parse().unwrap_or(u128::MAX))
    } else {
        string_item(buf, false)
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(v) => *v == 0,
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// Compares with another item, `None` standing for "nothing" (padding).
    fn cmp_opt(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(v), None) => {
                if *v == 0 {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => a.cmp(b),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(s), None) => qualifier_key(s).cmp(&qualifier_key("")),
            (Item::Str(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => qualifier_key(a).cmp(&qualifier_key(b)),
            (Item::Str(_), Some(Item::List(_))) => Ordering::Less,
            (Item::List(l), None) => match l.first() {
                None => Ordering::Equal,
                Some(first) => first.cmp_opt(None),
            },
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => {
                for i in 0..a.len().max(b.len()) {
                    let r = match (a.get(i), b.get(i)) {
                        (None, None) => Ordering::Equal,
                        (None, Some(r)) => r.cmp_opt(None).reverse(),
                        (Some(l), r) => l.cmp_opt(r),
                    };
                    if r.is_ne() {
                        return r;
                    }
                }
                Ordering::Equal
            }
        }
    }
}

fn normalize(list: &mut Vec<Item>) {
    for item in list.iter_mut() {
        if let Item::List(l) = item {
            normalize(l);
        }
    }
    while let Some(i) = (0..list.len()).rev().find(|&i| list[i].is_null()) {
        // Only trailing nulls, possibly behind lists, are removed.
        if list[i + 1..].iter().all(|x| matches!(x, Item::List(_))) {
            list.remove(i);
        } else {
            break;
        }
    }
}

fn parse(version: &str) -> Item {
    let v = version.trim().to_ascii_lowercase();
    let chars: Vec<char> = v.chars().collect();
    // A stack of open lists; each new sub-list is appended to its parent when closed.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;
    let substr = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    for (i, &c) in chars.iter().enumerate() {
        let top = stack.len() - 1;
        if c == '.' {
            let item = if i == start {
                Item::Int(0)
            } else {
                parse_item(is_digit, &substr(start, i))
            };
            stack[top].push(item);
            start = i + 1;
        } else if c == '-' {
            let item = if i == start {
                Item::Int(0)
            } else {
                parse_item(is_digit, &substr(start, i))
            };
            stack[top].push(item);
            start = i + 1;
            stack.push(Vec::new());
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                stack[top].push(string_item(&substr(start, i), true));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                stack[top].push(parse_item(true, &substr(start, i)));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = false;
        }
    }
    if chars.len() > start {
        // Maven 3.9: a trailing `.X` qualifier is treated as `-X` (1.0.0.X1 < 1.0.0-X2).
        if !is_digit && !stack[stack.len() - 1].is_empty() {
            stack.push(Vec::new());
        }
        let top = stack.len() - 1;
        stack[top].push(parse_item(is_digit, &substr(start, chars.len())));
    }
    while stack.len() > 1 {
        let mut child = stack.pop().unwrap_or_default();
        normalize(&mut child);
        let top = stack.len() - 1;
        stack[top].push(Item::List(child));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    Item::List(root)
}

/// Compares two Maven versions. Always answers (any string is a Maven version).
pub fn compare(a: &str, b: &str) -> Ordering {
    parse(a).cmp_opt(Some(&parse(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn maven_ordering() {
        // Maven's ComparableVersionTest: VERSIONS_QUALIFIER and VERSIONS_NUMBER, ascending.
        let qualifier = [
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ];
        let number = [
            "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
            "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11",
            "11", "11.a", "11b", "11c", "11m",
        ];
        for list in [&qualifier[..], &number[..]] {
            for w in list.windows(2) {
                assert_eq!(compare(w[0], w[1]), Less, "{} < {}", w[0], w[1]);
                assert_eq!(compare(w[1], w[0]), Greater, "{} > {}", w[1], w[0]);
            }
        }
    }

    #[test]
    fn maven_equalities() {
        let equal = [
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("1", "1-0"),
            ("1", "1.0-0"),
            ("1.0", "1.0-0"),
            ("1a", "1-a"),
            ("1a", "1.0-a"),
            ("1a", "1.0.0-a"),
            ("1.0a", "1-a"),
            ("1x", "1-x"),
            ("1.0x", "1-x"),
            ("1.0.0x", "1-x"),
            ("1ga", "1"),
            ("1release", "1"),
            ("1final", "1"),
            ("1cr", "1rc"),
            ("1a1", "1-alpha-1"),
            ("1b2", "1-beta-2"),
            ("1m3", "1-milestone-3"),
            ("1X", "1x"),
            ("1A", "1a"),
            ("1-GA", "1"),
            ("1-FINAL", "1"),
        ];
        for (a, b) in equal {
            assert_eq!(compare(a, b), Equal, "{a} == {b}");
        }
        // Real advisories: log4j-core CVE-2021-44228 fixed in 2.15.0 (introduced 2.0-beta9);
        // jackson-databind and spring-core fixes.
        assert_eq!(compare("2.0-beta9", "2.0"), Less);
        assert_eq!(compare("2.14.1", "2.15.0"), Less);
        assert_eq!(compare("2.0-beta9", "2.0-beta10"), Less);
        assert_eq!(compare("2.0-rc1", "2.0-beta9"), Greater);
        assert_eq!(compare("2.13.4.1", "2.13.4"), Greater);
        assert_eq!(compare("5.3.18", "5.3.20"), Less);
        assert_eq!(compare("5.3.20.RELEASE", "5.3.20"), Equal);
    }
}
