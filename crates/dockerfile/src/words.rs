//! Word splitting of instruction arguments: whitespace-delimited words with
//! optional quote processing, `key=value` pairs, and JSON arrays.

use std::ops::Range;

/// A word found in a logical text: its byte range and unquoted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawWord {
    pub range: Range<usize>,
    pub value: String,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Splits `text` at whitespace. With `quotes`, whitespace inside `'…'` or
/// `"…"` does not split and the quotes and escapes (`escape`) are removed
/// from the value; without it, the value is the raw word.
pub(crate) fn split_words(text: &str, quotes: bool, escape: char) -> Vec<RawWord> {
    let bytes = text.as_bytes();
    let esc = escape as u32 as u8;
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && is_ws(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        let mut value = String::new();
        let mut quote: Option<u8> = None;
        let mut lit_start = i;
        while i < bytes.len() {
            let b = bytes[i];
            if !quotes {
                if is_ws(b) {
                    break;
                }
                i += 1;
                continue;
            }
            match quote {
                None if is_ws(b) => break,
                None if b == b'\'' || b == b'"' => {
                    value.push_str(&text[lit_start..i]);
                    quote = Some(b);
                    i += 1;
                    lit_start = i;
                }
                Some(q) if b == q => {
                    value.push_str(&text[lit_start..i]);
                    quote = None;
                    i += 1;
                    lit_start = i;
                }
                q if b == esc && escape.is_ascii() && q != Some(b'\'') && i + 1 < bytes.len() => {
                    value.push_str(&text[lit_start..i]);
                    let next_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    let next = &text[i + 1..i + 1 + next_len];
                    // Inside double quotes only a few characters are escapable.
                    if q == Some(b'"') && !matches!(next, "\"" | "\\" | "$" | "`") {
                        value.push(escape);
                    }
                    value.push_str(next);
                    i += 1 + next_len;
                    lit_start = i;
                }
                _ => i += 1,
            }
        }
        if quotes {
            value.push_str(&text[lit_start..i.min(text.len())]);
        } else {
            value = text[start..i].to_string();
        }
        out.push(RawWord {
            range: start..i,
            value,
        });
    }
    out
}

/// Parses a JSON array of strings, returning each element's value and the
/// byte range of its quoted text. `None` when `text` is not such an array.
pub(crate) fn parse_json_array(text: &str) -> Option<Vec<RawWord>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && is_ws(bytes[*i]) {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    skip_ws(&mut i);
    if bytes.get(i) == Some(&b']') {
        i += 1;
        skip_ws(&mut i);
        return (i == bytes.len()).then_some(out);
    }
    loop {
        skip_ws(&mut i);
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let start = i;
        i += 1;
        let mut value = String::new();
        loop {
            let c = text.get(i..)?.chars().next()?;
            match c {
                '"' => {
                    i += 1;
                    break;
                }
                '\\' => {
                    let e = *bytes.get(i + 1)?;
                    i += 2;
                    match e {
                        b'"' => value.push('"'),
                        b'\\' => value.push('\\'),
                        b'/' => value.push('/'),
                        b'b' => value.push('\u{8}'),
                        b'f' => value.push('\u{c}'),
                        b'n' => value.push('\n'),
                        b'r' => value.push('\r'),
                        b't' => value.push('\t'),
                        b'u' => {
                            let hex = text.get(i..i + 4)?;
                            let n = u32::from_str_radix(hex, 16).ok()?;
                            value.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                            i += 4;
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => {
                    value.push(c);
                    i += c.len_utf8();
                }
            }
        }
        out.push(RawWord {
            range: start..i,
            value,
        });
        skip_ws(&mut i);
        match bytes.get(i) {
            Some(b',') => i += 1,
            Some(b']') => {
                i += 1;
                skip_ws(&mut i);
                return (i == bytes.len()).then_some(out);
            }
            _ => return None,
        }
    }
}

/// A `key=value` pair found in a logical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawPair {
    pub range: Range<usize>,
    pub key: String,
    pub key_range: Range<usize>,
    pub value: String,
    pub value_range: Range<usize>,
}

/// Parses `ENV`/`LABEL` arguments: `k=v k2="v 2"` or the legacy `k v w`.
pub(crate) fn parse_pairs(text: &str, escape: char) -> Vec<RawPair> {
    let words = split_words(text, true, escape);
    let Some(first) = words.first() else {
        return Vec::new();
    };
    let first_raw = &text[first.range.clone()];
    if !first_raw.contains('=') {
        // Legacy form: the first word is the key, the rest is the value.
        let key_range = first.range.clone();
        let value_start = words.get(1).map_or(first.range.end, |w| w.range.start);
        let value_end = words.last().map_or(first.range.end, |w| w.range.end);
        let raw_value = text.get(value_start..value_end).unwrap_or_default();
        return vec![RawPair {
            range: first.range.start..value_end,
            key: first.value.clone(),
            key_range,
            value: raw_value.to_string(),
            value_range: value_start..value_end,
        }];
    }
    words
        .into_iter()
        .map(|w| {
            let raw = &text[w.range.clone()];
            let eq = raw.find('=').unwrap_or(raw.len());
            let key_raw = &raw[..eq];
            let key = split_words(key_raw, true, escape)
                .into_iter()
                .next()
                .map(|k| k.value)
                .unwrap_or_default();
            let vstart = (w.range.start + eq + 1).min(w.range.end);
            let value = split_words(&text[vstart..w.range.end], true, escape)
                .into_iter()
                .map(|v| v.value)
                .collect::<Vec<_>>()
                .join(" ");
            RawPair {
                range: w.range.clone(),
                key,
                key_range: w.range.start..w.range.start + eq,
                value,
                value_range: vstart..w.range.end,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_quotes() {
        let w = split_words(r#"a "b c" d\ e 'f\g'"#, true, '\\');
        let v: Vec<_> = w.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(v, ["a", "b c", "d e", "f\\g"]);
    }

    #[test]
    fn parses_json() {
        let w = parse_json_array(r#" ["a", "b\"c" ] "#).unwrap();
        assert_eq!(w[1].value, "b\"c");
        assert!(parse_json_array("[a]").is_none());
        assert!(parse_json_array("[\"a\"").is_none());
        assert_eq!(parse_json_array("[]").unwrap().len(), 0);
    }

    #[test]
    fn parses_pairs() {
        let p = parse_pairs(r#"A=1 B="two words" C"#, '\\');
        assert_eq!(p[1].value, "two words");
        assert_eq!(p[2].key, "C");
        let p = parse_pairs("KEY some value", '\\');
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].value, "some value");
    }
}
