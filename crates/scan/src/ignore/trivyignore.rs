//! `.trivyignore`: one vulnerability id per line, `#` comments, and an optional
//! `exp:YYYY-MM-DD` after the id.

use super::{IgnoreError, Rule, RuleKind};

/// Parses a `.trivyignore` file.
pub fn parse(name: &str, text: &str) -> Result<Vec<Rule>, IgnoreError> {
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let id = parts.next().unwrap_or_default();
        let mut expires = None;
        for extra in parts {
            match extra.strip_prefix("exp:") {
                Some(date) if is_date(date) => expires = Some(date.to_string()),
                _ => {
                    return Err(IgnoreError {
                        location: format!("{name}:{}", i + 1),
                        message: format!("unexpected `{extra}`; a line is an id optionally followed by `exp:YYYY-MM-DD`"),
                    })
                }
            }
        }
        rules.push(Rule {
            location: format!("{name}:{}", i + 1),
            ids: vec![id.to_string()],
            paths: Vec::new(),
            purls: Vec::new(),
            expires,
            kind: RuleKind::Ignore,
            reason: None,
        });
    }
    Ok(rules)
}

/// Whether `s` is `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_comments_and_expiry() {
        let text = "# Accept the risk\nCVE-2018-14618\n\n  CVE-2019-14697 exp:2023-01-01  # until the rebuild\nGHSA-j8r2-6x86-q33q\n";
        let rules = parse(".trivyignore", text).unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[1].ids, ["CVE-2019-14697"]);
        assert_eq!(rules[1].expires.as_deref(), Some("2023-01-01"));
        assert_eq!(rules[1].location, ".trivyignore:4");
        assert!(parse("x", "CVE-1 exp:tomorrow").is_err());
    }
}
