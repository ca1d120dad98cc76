//! Variable expansion as Docker applies it to `FROM` (global `ARG`s before
//! the first `FROM`): `$NAME`, `${NAME}`, `${NAME:-default}`,
//! `${NAME-default}`, `${NAME:+alt}` and `${NAME+alt}`.

use std::collections::BTreeMap;

/// Expands variables in `text` from `vars`. Unknown variables expand to
/// the empty string; `\$` keeps a literal `$`.
pub fn expand(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            if let Some(&(_, '$')) = chars.peek() {
                out.push('$');
                chars.next();
                continue;
            }
            out.push(c);
            continue;
        }
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some((_, '{')) => {
                chars.next();
                let start = i + 2;
                let mut depth = 1;
                let mut end = text.len();
                for (j, d) in chars.by_ref() {
                    match d {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let inner = text.get(start..end).unwrap_or("");
                out.push_str(&expand_braced(inner, vars));
            }
            Some((j, d)) if d.is_ascii_alphabetic() || d == '_' => {
                let mut end = text.len();
                while let Some(&(k, e)) = chars.peek() {
                    if e.is_ascii_alphanumeric() || e == '_' {
                        chars.next();
                    } else {
                        end = k;
                        break;
                    }
                }
                let name = text.get(j..end).unwrap_or("");
                out.push_str(vars.get(name).map(String::as_str).unwrap_or(""));
            }
            _ => out.push('$'),
        }
    }
    out
}

fn expand_braced(inner: &str, vars: &BTreeMap<String, String>) -> String {
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    let op = &inner[name_end..];
    let value = vars.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    if let Some(word) = op.strip_prefix(":-") {
        return if set_nonempty {
            value.cloned().unwrap_or_default()
        } else {
            expand(word, vars)
        };
    }
    if let Some(word) = op.strip_prefix('-') {
        return match value {
            Some(v) => v.clone(),
            None => expand(word, vars),
        };
    }
    if let Some(word) = op.strip_prefix(":+") {
        return if set_nonempty {
            expand(word, vars)
        } else {
            String::new()
        };
    }
    if let Some(word) = op.strip_prefix('+') {
        return if value.is_some() {
            expand(word, vars)
        } else {
            String::new()
        };
    }
    value.cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_forms() {
        let mut v = BTreeMap::new();
        v.insert("TAG".to_string(), "1.2".to_string());
        v.insert("EMPTY".to_string(), String::new());
        assert_eq!(expand("node:$TAG", &v), "node:1.2");
        assert_eq!(expand("node:${TAG}-alpine", &v), "node:1.2-alpine");
        assert_eq!(expand("${NOPE:-x}", &v), "x");
        assert_eq!(expand("${EMPTY:-x}", &v), "x");
        assert_eq!(expand("${EMPTY-x}", &v), "");
        assert_eq!(expand("${TAG:+y}", &v), "y");
        assert_eq!(expand("a\\$TAG", &v), "a$TAG");
        assert_eq!(expand("${unterminated", &v), "");
    }
}
