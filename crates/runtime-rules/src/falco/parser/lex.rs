//! The tokens of Falco's condition grammar (`libsinsp/filter/parser.cpp`'s `lex_*`
//! helpers and regular expressions) and Falco's `unescape_str`.

use super::{Parser, Res, StrToken, TRANSFORMERS};
use crate::falco::condition::Transformer;

impl Parser<'_> {
    pub(super) fn lex_blank(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), b' ' | b'\t' | b'\x08' | b'\r' | b'\n') {
            self.pos += 1;
        }
        self.pos > start
    }

    /// `not` followed by at least one POSIX space character.
    pub(super) fn lex_not_blank(&mut self) -> bool {
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        if self.rest().starts_with(b"not") && self.s.get(self.pos + 3).is_some_and(|&b| is_space(b))
        {
            let start = self.pos;
            self.pos += 3;
            while self.pos < self.s.len() && is_space(self.s[self.pos]) {
                self.pos += 1;
            }
            self.token(start);
            return true;
        }
        false
    }

    pub(super) fn lex_str(&mut self, lit: &str) -> bool {
        if self.rest().starts_with(lit.as_bytes()) {
            self.pos += lit.len();
            self.last = lit.to_string();
            true
        } else {
            false
        }
    }

    pub(super) fn lex_str_list(&mut self, list: &[&'static str]) -> Option<&'static str> {
        list.iter().copied().find(|op| self.lex_str(op))
    }

    pub(super) fn lex_transformer(&mut self) -> Option<Transformer> {
        TRANSFORMERS
            .iter()
            .find(|(lit, _)| self.lex_str(lit))
            .map(|&(_, t)| t)
    }

    /// Consumes bytes while `pred` holds; the token if at least one was consumed.
    fn lex_while(&mut self, pred: impl Fn(u8) -> bool) -> Option<String> {
        let start = self.pos;
        while self.pos < self.s.len() && pred(self.s[self.pos]) {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.token(start))
    }

    /// The length of an identifier at `at`, if one starts there.
    fn identifier_len(&self, at: usize) -> usize {
        let s = &self.s[at.min(self.s.len())..];
        if !s.first().is_some_and(u8::is_ascii_alphabetic) {
            return 0;
        }
        s.iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count()
    }

    pub(super) fn lex_identifier(&mut self) -> Option<String> {
        let len = self.identifier_len(self.pos);
        (len > 0).then(|| {
            let start = self.pos;
            self.pos += len;
            self.token(start)
        })
    }

    pub(super) fn lex_field_name(&mut self) -> Option<String> {
        let start = self.pos;
        let mut end = start + self.identifier_len(start);
        if end == start {
            return None;
        }
        let mut segments = 1;
        while self.s.get(end) == Some(&b'.') {
            let len = self.identifier_len(end + 1);
            if len == 0 {
                break;
            }
            end += 1 + len;
            segments += 1;
        }
        if segments < 2 {
            return None;
        }
        self.pos = end;
        Some(self.token(start))
    }

    pub(super) fn lex_field_arg_bare_str(&mut self) -> Option<String> {
        self.lex_while(|b| {
            !matches!(
                b,
                b'[' | b']' | b'"' | b'\'' | b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'
            )
        })
    }

    pub(super) fn lex_bare_str(&mut self) -> Option<String> {
        self.lex_while(|b| {
            !matches!(
                b,
                b'(' | b')'
                    | b'"'
                    | b'\''
                    | b'='
                    | b','
                    | b' '
                    | b'\t'
                    | b'\n'
                    | b'\x0b'
                    | b'\x0c'
                    | b'\r'
            )
        })
    }

    pub(super) fn lex_hex_num(&mut self) -> Option<String> {
        let r = self.rest();
        if r.len() > 2 && r[0] == b'0' && matches!(r[1], b'x' | b'X') {
            let len = r[2..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if len > 0 {
                let start = self.pos;
                self.pos += 2 + len;
                return Some(self.token(start));
            }
        }
        None
    }

    /// `[+\-]?[0-9]+[\.]?[0-9]*([eE][+\-][0-9]+)?`, longest match.
    pub(super) fn lex_num(&mut self) -> Option<String> {
        let r = self.rest();
        let digits = |from: usize| {
            r[from.min(r.len())..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut i = usize::from(matches!(r.first(), Some(b'+' | b'-')));
        let int = digits(i);
        if int == 0 {
            return None;
        }
        i += int;
        if r.get(i) == Some(&b'.') {
            i += 1;
        }
        i += digits(i);
        if matches!(r.get(i), Some(b'e' | b'E')) && matches!(r.get(i + 1), Some(b'+' | b'-')) {
            let exp = digits(i + 2);
            if exp > 0 {
                i += 2 + exp;
            }
        }
        let start = self.pos;
        self.pos += i;
        Some(self.token(start))
    }

    pub(super) fn lex_str_value(&mut self) -> Res<Option<StrToken>> {
        if let Some(value) = self.lex_quoted_str()? {
            return Ok(Some(StrToken {
                value,
                quoted: true,
            }));
        }
        Ok(self.lex_bare_str().map(|value| StrToken {
            value,
            quoted: false,
        }))
    }

    /// A quoted string, unescaped. Like Falco, the string ends at the first delimiter
    /// whose previous byte is not a backslash.
    pub(super) fn lex_quoted_str(&mut self) -> Res<Option<String>> {
        let delim = self.peek();
        if delim != b'"' && delim != b'\'' {
            return Ok(None);
        }
        let start = self.pos;
        let mut prev = b'\\';
        let mut i = self.pos;
        while i < self.s.len() && self.s[i] != 0 {
            let c = self.s[i];
            if c == delim && prev != b'\\' {
                self.pos = i + 1;
                let raw = &self.s[start..self.pos];
                self.token(start);
                return unescape(raw).map(Some).map_err(|m| self.error(&m));
            }
            prev = c;
            i += 1;
        }
        Ok(None)
    }
}

/// Falco's `unescape_str`: `raw` includes its quotes.
fn unescape(raw: &[u8]) -> Result<String, String> {
    let quote = raw[0];
    let mut out = Vec::with_capacity(raw.len());
    let mut escaped = false;
    for &c in &raw[1..raw.len() - 1] {
        if !escaped {
            if c == b'\\' {
                escaped = true;
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            b'b' => out.push(b'\x08'),
            b'f' => out.push(b'\x0c'),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            // Falco keeps `\ ` as a backslash, for old rules.
            b' ' | b'\\' => out.push(b'\\'),
            b'/' => out.push(b'/'),
            b'"' | b'\'' if c == quote => out.push(c),
            b'"' => return Err("invalid \\\" escape in '-quoted string".into()),
            b'\'' => return Err("invalid \\' escape in \"-quoted string".into()),
            other => {
                return Err(format!(
                    "unsupported string escape sequence: \\{}",
                    char::from(other)
                ))
            }
        }
        escaped = false;
    }
    String::from_utf8(out).map_err(|_| "invalid UTF-8 in a quoted string".to_string())
}
