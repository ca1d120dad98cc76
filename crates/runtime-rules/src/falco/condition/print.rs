//! Printing a condition AST as Falco condition text, with correct quoting.
//!
//! Values are written bare only when that cannot change their meaning: integers and
//! absolute paths made of `[A-Za-z0-9_./+@:-]`. Everything else is double-quoted with
//! the escapes Falco's `unescape_str` understands (`\\`, `\"`, `\n`, `\r`, `\t`, `\b`,
//! `\f`). Quoting identifier-like values (`"bash"`) also keeps Falco's rule loader from
//! mistaking them for list names: it expands lists by *textual* substitution of every
//! delimiter-bounded occurrence of a list's name before parsing.
//!
//! Some strings cannot be written safely at all, and printing them is an error:
//! - a NUL character (Falco's lexer stops at it);
//! - a trailing backslash (Falco's quoted-string lexer treats a quote preceded by a
//!   backslash as escaped, even when that backslash is itself escaped);
//! - a run of characters with one of Falco's list-expansion delimiters
//!   (blank, `(`, `)`, `,`, `=`) on *both* sides, e.g. `"a b c"`: if a list named `b`
//!   exists anywhere in the loaded rules, Falco would splice its items into the string.

use super::{Check, Expr, ListItem, OpKind, Operand, Rhs};

/// Why an expression or value cannot be printed as Falco condition text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    /// The value contains a NUL character.
    #[error("value {0:?} contains a NUL character, which Falco's parser cannot read")]
    Nul(String),
    /// The value ends with a backslash.
    #[error(
        "value {0:?} ends with a backslash; Falco's lexer would read the closing quote as escaped"
    )]
    TrailingBackslash(String),
    /// The value has a word that Falco's textual list expansion could replace.
    #[error("value {value:?} contains `{word}` between delimiters; Falco's textual list expansion could rewrite it")]
    ListExpansionHazard {
        /// The value.
        value: String,
        /// The exposed word.
        word: String,
    },
    /// A numeric operator's value is not a number.
    #[error("`{0}` is not a number")]
    NotANumber(String),
    /// A macro or list reference is not an identifier.
    #[error("`{0}` is not a valid macro or list name")]
    BadIdentifier(String),
    /// A field name does not match Falco's field-name syntax.
    #[error("`{0}` is not a valid field name")]
    BadFieldName(String),
    /// An `and`/`or` group without children.
    #[error("an `and`/`or` group has no children")]
    EmptyGroup,
    /// The right-hand side does not fit the operator.
    #[error("operator `{op}` cannot take {what}")]
    OperatorMismatch {
        /// The operator.
        op: &'static str,
        /// What it was given.
        what: &'static str,
    },
}

/// Prints `expr` on one line.
pub fn print(expr: &Expr) -> Result<String, PrintError> {
    let mut out = String::new();
    write_expr(expr, &mut out)?;
    Ok(out)
}

/// Prints `expr` with each top-level `and` (or `or`) operand on its own line
/// (easier to review in a rules file; newlines are blanks to Falco).
pub fn print_pretty(expr: &Expr) -> Result<String, PrintError> {
    let (children, sep) = match expr {
        Expr::And(c) if !c.is_empty() => (c, "\nand "),
        Expr::Or(c) if !c.is_empty() => (c, "\nor "),
        _ => return print(expr),
    };
    let parts = children
        .iter()
        .map(|c| {
            let mut s = String::new();
            write_operand_of_group(c, &mut s)?;
            Ok(s)
        })
        .collect::<Result<Vec<_>, PrintError>>()?;
    Ok(parts.join(sep))
}

/// The literal for a string value: bare when safe (see the module docs), else quoted.
pub fn literal(value: &str) -> Result<String, PrintError> {
    if is_bare_safe(value) {
        Ok(value.to_string())
    } else {
        quote(value)
    }
}

/// The double-quoted, escaped literal for `value`.
pub fn quote(value: &str) -> Result<String, PrintError> {
    if value.contains('\0') {
        return Err(PrintError::Nul(value.to_string()));
    }
    if value.ends_with('\\') {
        return Err(PrintError::TrailingBackslash(value.to_string()));
    }
    let mut inner = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => inner.push_str("\\\\"),
            '"' => inner.push_str("\\\""),
            '\n' => inner.push_str("\\n"),
            '\r' => inner.push_str("\\r"),
            '\t' => inner.push_str("\\t"),
            '\u{8}' => inner.push_str("\\b"),
            '\u{c}' => inner.push_str("\\f"),
            c => inner.push(c),
        }
    }
    if let Some(word) = list_expansion_hazard(&inner) {
        return Err(PrintError::ListExpansionHazard {
            value: value.to_string(),
            word,
        });
    }
    Ok(format!("\"{inner}\""))
}

/// Checks that `value` can be printed (see [`literal`]) without printing it.
pub fn check_value(value: &str) -> Result<(), PrintError> {
    literal(value).map(|_| ())
}

/// The characters Falco's rule loader treats as delimiters around a list name.
fn is_list_delim(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '(' | ')' | ',' | '=')
}

/// The first non-delimiter run in a quoted literal's text that has a delimiter on
/// both sides (the only runs Falco's textual list expansion can match).
fn list_expansion_hazard(inner: &str) -> Option<String> {
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_list_delim(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !is_list_delim(chars[i]) {
            i += 1;
        }
        let bounded_left = start > 0;
        let bounded_right = i < chars.len();
        if bounded_left && bounded_right {
            return Some(chars[start..i].iter().collect());
        }
    }
    None
}

/// Whether `value` may be written without quotes: an integer, or an absolute path of
/// `[A-Za-z0-9_./+@:-]`.
pub fn is_bare_safe(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    value.starts_with('/')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./+@:-".contains(&b))
}

/// Falco's `Identifier` token: `[a-zA-Z]+[a-zA-Z0-9_]*`.
pub fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether `s` is one of Falco's boolean operators, which a bare macro reference
/// cannot be written as.
pub fn is_keyword(s: &str) -> bool {
    matches!(s, "and" | "or" | "not")
}

/// Falco's `FieldName` token: identifiers joined by dots, at least two.
pub fn is_field_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| is_identifier(p))
}

fn is_number(s: &str) -> bool {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_alphanumeric());
    }
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let int_ok = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = frac.bytes().all(|b| b.is_ascii_digit());
    let exp_ok = exponent.is_none_or(|e| {
        e.strip_prefix(['+', '-'])
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    });
    int_ok && frac_ok && exp_ok
}

fn write_expr(expr: &Expr, out: &mut String) -> Result<(), PrintError> {
    match expr {
        Expr::And(children) | Expr::Or(children) => {
            if children.is_empty() {
                return Err(PrintError::EmptyGroup);
            }
            let sep = if matches!(expr, Expr::And(_)) {
                " and "
            } else {
                " or "
            };
            for (i, c) in children.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                write_operand_of_group(c, out)?;
            }
            Ok(())
        }
        Expr::Not(inner) => {
            out.push_str("not ");
            match inner.as_ref() {
                Expr::Check(_) | Expr::Macro(_) => write_expr(inner, out),
                _ => {
                    out.push('(');
                    write_expr(inner, out)?;
                    out.push(')');
                    Ok(())
                }
            }
        }
        Expr::Macro(name) => {
            // `not`, `and` and `or` lex as identifiers inside `( … )`, but written
            // bare they read back as operators: `(not) or x` would print as `not or x`.
            if !is_identifier(name) || is_keyword(name) {
                return Err(PrintError::BadIdentifier(name.clone()));
            }
            out.push_str(name);
            Ok(())
        }
        Expr::Check(check) => write_check(check, out),
    }
}

/// Writes a child of `and`/`or`, parenthesising nested groups so they parse back
/// as the same tree.
fn write_operand_of_group(child: &Expr, out: &mut String) -> Result<(), PrintError> {
    if matches!(child, Expr::And(_) | Expr::Or(_)) {
        out.push('(');
        write_expr(child, out)?;
        out.push(')');
        Ok(())
    } else {
        write_expr(child, out)
    }
}

fn write_operand(operand: &Operand, out: &mut String) -> Result<(), PrintError> {
    match operand {
        Operand::Field(f) => {
            if !is_field_name(&f.name) {
                return Err(PrintError::BadFieldName(f.name.clone()));
            }
            out.push_str(&f.name);
            if let Some(arg) = &f.arg {
                out.push('[');
                let bare = !arg.is_empty()
                    && !arg.chars().any(|c| {
                        matches!(
                            c,
                            '[' | ']' | '"' | '\'' | ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}'
                        )
                    });
                if bare {
                    out.push_str(arg);
                } else {
                    out.push_str(&quote(arg)?);
                }
                out.push(']');
            }
            Ok(())
        }
        Operand::Transform { transformer, arg } => {
            out.push_str(transformer.keyword());
            out.push('(');
            write_operand(arg, out)?;
            out.push(')');
            Ok(())
        }
    }
}

fn write_check(check: &Check, out: &mut String) -> Result<(), PrintError> {
    write_operand(&check.lhs, out)?;
    let op = check.op.keyword();
    let mismatch = |what| PrintError::OperatorMismatch { op, what };
    match (check.op.kind(), &check.rhs) {
        (OpKind::Unary, Rhs::None) => {
            out.push_str(" exists");
            return Ok(());
        }
        (OpKind::Unary, _) => return Err(mismatch("a value")),
        (_, Rhs::None) => return Err(mismatch("no value")),
        _ => {}
    }
    out.push(' ');
    out.push_str(op);
    out.push(' ');
    match (check.op.kind(), &check.rhs) {
        (_, Rhs::Operand(o)) => write_operand(o, out),
        (OpKind::Numeric, Rhs::Value(v)) => {
            if !is_number(v) {
                return Err(PrintError::NotANumber(v.clone()));
            }
            out.push_str(v);
            Ok(())
        }
        (OpKind::Str, Rhs::Value(v)) => {
            out.push_str(&literal(v)?);
            Ok(())
        }
        (OpKind::List, Rhs::List(items)) => {
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match item {
                    ListItem::Value(v) => out.push_str(&literal(v)?),
                    ListItem::ListRef(name) => {
                        if !is_identifier(name) {
                            return Err(PrintError::BadIdentifier(name.clone()));
                        }
                        out.push_str(name);
                    }
                }
            }
            out.push(')');
            Ok(())
        }
        (OpKind::List, Rhs::ListName(name)) => {
            if !is_identifier(name) {
                return Err(PrintError::BadIdentifier(name.clone()));
            }
            out.push_str(name);
            Ok(())
        }
        (OpKind::List, Rhs::Value(_)) => Err(mismatch("a single value")),
        (_, Rhs::List(_) | Rhs::ListName(_)) => Err(mismatch("a list")),
        (OpKind::Unary, _) | (_, Rhs::None) => unreachable!("handled above"),
    }
}

/// Exposes the number check for the parser's tests.
#[cfg(test)]
pub(crate) fn number(s: &str) -> bool {
    is_number(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::falco::condition::field;

    #[test]
    fn bare_and_quoted_values() {
        assert_eq!(literal("/usr/bin/python3").unwrap(), "/usr/bin/python3");
        assert_eq!(literal("443").unwrap(), "443");
        assert_eq!(literal("bash").unwrap(), "\"bash\"");
        assert_eq!(literal("/a b").unwrap(), "\"/a b\"");
        assert_eq!(literal("a\"b\\c\nd").unwrap(), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn unprintable_values() {
        assert!(matches!(
            literal("a\\"),
            Err(PrintError::TrailingBackslash(_))
        ));
        assert!(matches!(literal("a\0"), Err(PrintError::Nul(_))));
        assert!(matches!(
            literal("/x shell_binaries y"),
            Err(PrintError::ListExpansionHazard { word, .. }) if word == "shell_binaries"
        ));
        assert!(matches!(
            literal("(evil)"),
            Err(PrintError::ListExpansionHazard { .. })
        ));
        // One delimiter leaves every word touching a quote: safe.
        assert!(literal("/opt/my app/bin").is_ok());
    }

    #[test]
    fn numbers() {
        for ok in ["0", "-1", "+5", "1.5", "2e+10", "0x1F"] {
            assert!(number(ok), "{ok}");
        }
        for bad in ["", "a", "1e5", "--1", "0x"] {
            assert!(!number(bad), "{bad}");
        }
    }

    #[test]
    fn groups_and_not() {
        let e = Expr::and([
            Expr::macro_ref("spawned_process"),
            Expr::or([field("proc.name").eq("sh"), field("proc.name").eq("bash")]),
            Expr::not(field("proc.exepath").in_list("allowed")),
            Expr::not(Expr::not(Expr::macro_ref("x"))),
        ]);
        assert_eq!(
            print(&e).unwrap(),
            "spawned_process and (proc.name = \"sh\" or proc.name = \"bash\") \
             and not proc.exepath in (allowed) and not (not x)"
        );
    }
}
