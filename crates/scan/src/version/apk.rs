//! Alpine package versions, compared token by token as apk-tools (2.14 and 3.x)
//! `version.c` does: `digit{.digit}…{letter}{_suffix{N}}…{~hash}{-rN}`, where `_alpha`,
//! `_beta`, `_pre`, `_rc` sort before the release and `_cvs`, `_svn`, `_git`, `_hg`,
//! `_p` after it, a dotted digit run with a leading zero compares as a string (as
//! Gentoo does), and `-rN` is the package revision.

use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

/// Suffix order: pre-release suffixes below `NONE` (5), post-release ones above.
const SUFFIXES: [&str; 11] = [
    "", "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p",
];
const SUFFIX_NONE: usize = 5;

struct State<'a> {
    token: Token,
    suffix: usize,
    number: u64,
    value: &'a [u8],
    rest: &'a [u8],
}

impl<'a> State<'a> {
    fn first(s: &'a [u8]) -> Self {
        let mut t = State {
            token: Token::InitialDigit,
            suffix: 0,
            number: 0,
            value: &[],
            rest: s,
        };
        t.digits();
        t
    }

    fn digits(&mut self) {
        let n = self.rest.iter().take_while(|c| c.is_ascii_digit()).count();
        self.value = &self.rest[..n];
        self.number = self.value.iter().fold(0u64, |acc, c| {
            acc.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        });
        self.rest = &self.rest[n..];
        if n == 0 {
            self.token = Token::Invalid;
        }
    }

    fn span(&mut self, pred: impl Fn(&u8) -> bool) {
        let n = self.rest.iter().take_while(|c| pred(c)).count();
        self.value = &self.rest[..n];
        self.rest = &self.rest[n..];
    }

    fn next(&mut self) {
        let Some(&c) = self.rest.first() else {
            self.token = Token::End;
            return;
        };
        let ok = match c {
            b'a'..=b'z' if self.token <= Token::Digit => {
                self.value = &self.rest[..1];
                self.rest = &self.rest[1..];
                self.token = Token::Letter;
                true
            }
            b'.' | b'0'..=b'9' if c != b'.' || self.token <= Token::Digit => {
                if c == b'.' {
                    self.rest = &self.rest[1..];
                }
                match self.token {
                    Token::InitialDigit | Token::Digit => self.token = Token::Digit,
                    Token::Suffix => self.token = Token::SuffixNo,
                    _ => self.token = Token::Invalid,
                }
                if self.token != Token::Invalid {
                    self.digits();
                }
                self.token != Token::Invalid
            }
            b'_' if self.token <= Token::SuffixNo => {
                self.rest = &self.rest[1..];
                self.span(u8::is_ascii_lowercase);
                self.suffix = SUFFIXES
                    .iter()
                    .position(|s| !s.is_empty() && s.as_bytes() == self.value)
                    .unwrap_or(0);
                self.token = Token::Suffix;
                self.suffix != 0
            }
            b'~' if self.token < Token::CommitHash => {
                self.rest = &self.rest[1..];
                self.span(u8::is_ascii_hexdigit);
                self.token = Token::CommitHash;
                !self.value.is_empty()
            }
            b'-' if self.token < Token::RevisionNo && self.rest.starts_with(b"-r") => {
                self.rest = &self.rest[2..];
                self.token = Token::RevisionNo;
                self.digits();
                self.token != Token::Invalid
            }
            _ => false,
        };
        if !ok {
            self.token = Token::Invalid;
        }
    }
}

fn token_cmp(a: &State<'_>, b: &State<'_>) -> Ordering {
    let string_sort = || a.value.cmp(b.value);
    match a.token {
        Token::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => {
            string_sort()
        }
        Token::Digit | Token::InitialDigit | Token::SuffixNo | Token::RevisionNo => {
            a.number.cmp(&b.number)
        }
        Token::Letter => a.value.first().cmp(&b.value.first()),
        Token::Suffix => a.suffix.cmp(&b.suffix),
        _ => string_sort(),
    }
}

/// Compares two apk versions. Always answers; invalid tails compare as apk-tools
/// compares them.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut ta = State::first(a.trim().as_bytes());
    let mut tb = State::first(b.trim().as_bytes());
    while ta.token == tb.token && ta.token < Token::End {
        let r = token_cmp(&ta, &tb);
        if r.is_ne() {
            return r;
        }
        ta.next();
        tb.next();
    }
    if ta.token == tb.token {
        return Ordering::Equal;
    }
    if ta.token == Token::Suffix && ta.suffix < SUFFIX_NONE {
        return Ordering::Less;
    }
    if tb.token == Token::Suffix && tb.suffix < SUFFIX_NONE {
        return Ordering::Greater;
    }
    // The version that goes on (a lower token kind next) is greater.
    tb.token.cmp(&ta.token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn apk_table() {
        // Rows from apk-tools' test/version.data and Alpine's secdb.
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0-r1", "1.0-r0", Greater),
            ("1.0-r0", "1.0", Greater),
            ("1.0_rc1", "1.0", Less),
            ("1.0_alpha", "1.0_beta", Less),
            ("1.0_beta2", "1.0_beta10", Less),
            ("1.0_rc1", "1.0_p1", Less),
            ("1.0_p1", "1.0", Greater),
            ("1.0_git20230101", "1.0", Greater),
            ("1.0a", "1.0", Greater),
            ("1.0a", "1.0b", Less),
            ("1.0.1", "1.0a", Greater),
            ("1.01", "1.1", Less),
            ("1.001", "1.01", Less),
            ("1.10", "1.9", Greater),
            ("3.1.4-r5", "3.1.4-r10", Less),
            ("3.0.12-r0", "3.0.12-r1", Less),
            ("1.36.1-r5", "1.36.1-r15", Less),
            ("2.4.57-r0", "2.4.58-r0", Less),
            ("1.2.3_pre1-r1", "1.2.3-r0", Less),
            ("0.9.8k-r0", "0.9.8j-r2", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }
}
