//! Redaction: the only form in which a secret value ever leaves the scanner.
//!
//! [`redact`] keeps at most the first two and last two characters (`AK…LE`), one and
//! one for values under 16 characters, and nothing for values under 8 — never more
//! than 4 characters of a secret, and never enough to tell a short one. The values are
//! dropped right after the allow-list check; findings carry only the redacted form.

/// The redacted form of `value` (leading and trailing whitespace ignored).
pub fn redact(value: &str) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    let keep = match chars.len() {
        0..8 => 0,
        8..16 => 1,
        _ => 2,
    };
    if keep == 0 {
        return "…".to_string();
    }
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}…{tail}")
}

/// [`redact`] of bytes (invalid UTF-8 shown lossily).
pub fn redact_bytes(value: &[u8]) -> String {
    redact(&String::from_utf8_lossy(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_four_characters() {
        assert_eq!(redact("AKIAQWERTYUIOPASDFGH"), "AK…GH");
        assert_eq!(redact("hunter22"), "h…2");
        assert_eq!(redact("hunter2"), "…");
        assert_eq!(redact(""), "…");
        assert_eq!(redact("  \nMIIEabcdefghijklmnop==\n"), "MI…==");
        assert_eq!(redact("äöüäöüäöüäöüäöüäöü"), "äö…öü");
        assert_eq!(redact_bytes(b"sk_live_0123456789abcdef"), "sk…ef");
    }
}
