//! Text helpers shared by catalogers: lossy decoding and RFC 822-style stanzas.

/// Decode bytes as UTF-8 (lossy, BOM stripped); Latin-1 bytes become U+FFFD.
pub(crate) fn decode(data: &[u8]) -> String {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    String::from_utf8_lossy(data).into_owned()
}

/// Split RFC 822-style text into stanzas separated by blank lines; each
/// stanza is a list of (field, value) with continuation lines joined by `\n`.
/// Lazy: a caller that stops early never holds the rest of the file parsed.
pub(crate) fn stanzas(text: &str) -> impl Iterator<Item = Vec<(String, String)>> + '_ {
    let mut lines = text.lines();
    std::iter::from_fn(move || {
        let mut cur: Vec<(String, String)> = Vec::new();
        for line in lines.by_ref() {
            if line.trim().is_empty() {
                if cur.is_empty() {
                    continue;
                }
                return Some(cur);
            }
            if line.starts_with([' ', '\t']) {
                if let Some(last) = cur.last_mut() {
                    last.1.push('\n');
                    last.1.push_str(line.trim());
                }
                continue;
            }
            if let Some((k, v)) = line.split_once(':') {
                cur.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        (!cur.is_empty()).then_some(cur)
    })
}

/// Header fields of an email-style document (Python METADATA): stops at the
/// first blank line (the body).
pub(crate) fn headers(text: &str) -> Vec<(String, String)> {
    let head = text.split("\n\n").next().unwrap_or("");
    let head = head.split("\r\n\r\n").next().unwrap_or("");
    stanzas(head).next().unwrap_or_default()
}

/// First value of a field (case-insensitive).
pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// All values of a field (case-insensitive).
pub(crate) fn fields<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Strip one level of matching quotes.
pub(crate) fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}
