//! Falco's list expansion, reproduced to predict what Falco will parse.
//!
//! Falco's rule compiler (`rule_loader_compiler.cpp`, `resolve_list`) does not resolve
//! lists in the AST: before parsing a condition it replaces every occurrence of a
//! list's name that has a delimiter (blank, `(`, `)`, `,`, `=`) or the string's edge
//! on both sides with the list's items joined by `, `, each item wrapped in `"` only
//! if it contains a space and does not already start with a quote. Items are pasted
//! as text, so they must already be condition-language literals; that is why rendered
//! lists hold [`super::condition::literal`]s.

use super::condition::{Expr, ListItem, Rhs};

const BLANKS: &[u8] = b" \t\n\r";
const DELIMS: &[u8] = b" \t\n\r(),=";

/// Expands every list of `lists` (name, literal items; in definition order) in
/// `condition`, as Falco does before parsing it.
pub fn expand_lists(condition: &str, lists: &[(String, Vec<String>)]) -> String {
    let mut text = condition.as_bytes().to_vec();
    for (name, items) in lists {
        resolve_list(&mut text, name.as_bytes(), items);
    }
    String::from_utf8_lossy(&text).into_owned()
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Falco's `quote_item`.
fn quote_item(item: &str) -> String {
    if item.contains(' ') && !item.starts_with(['"', '\'']) {
        format!("\"{item}\"")
    } else {
        item.to_string()
    }
}

fn resolve_list(cnd: &mut Vec<u8>, name: &[u8], items: &[String]) {
    let mut next = find(cnd, name, 0);
    while let Some(mut start) = next {
        let mut end = start + name.len();
        let left_ok = start == 0 || DELIMS.contains(&cnd[start - 1]);
        let right_ok = end >= cnd.len() || DELIMS.contains(&cnd[end]);
        if left_ok && right_ok {
            while start > 0 && BLANKS.contains(&cnd[start - 1]) {
                start -= 1;
            }
            while end < cnd.len() && BLANKS.contains(&cnd[end]) {
                end += 1;
            }
            let sub = items
                .iter()
                .map(|i| quote_item(i))
                .collect::<Vec<_>>()
                .join(", ");
            if sub.is_empty() {
                if start > 0 && cnd[start - 1] == b',' {
                    start -= 1;
                } else if end < cnd.len() && cnd[end] == b',' {
                    end += 1;
                }
            }
            let mut new = Vec::with_capacity(cnd.len() + sub.len() + 2);
            if start > 0 {
                new.extend_from_slice(&cnd[..start]);
                new.push(b' ');
            }
            new.extend_from_slice(sub.as_bytes());
            new.push(b' ');
            if end <= cnd.len() {
                new.extend_from_slice(&cnd[end..]);
            }
            *cnd = new;
            start += sub.len() + 1;
        }
        next = find(cnd, name, start + 1);
    }
}

/// `expr` with every reference to a list in `lookup` replaced by that list's values,
/// the tree Falco should parse from the expanded text.
pub fn inline_lists(expr: &Expr, lookup: &impl Fn(&str) -> Option<Vec<String>>) -> Expr {
    let mut out = expr.clone();
    inline(&mut out, lookup);
    out
}

fn inline(expr: &mut Expr, lookup: &impl Fn(&str) -> Option<Vec<String>>) {
    match expr {
        Expr::And(c) | Expr::Or(c) => c.iter_mut().for_each(|e| inline(e, lookup)),
        Expr::Not(inner) => inline(inner, lookup),
        Expr::Macro(_) => {}
        Expr::Check(check) => {
            if let Rhs::List(items) = &mut check.rhs {
                let mut new = Vec::with_capacity(items.len());
                for item in items.drain(..) {
                    match &item {
                        ListItem::ListRef(name) => match lookup(name) {
                            Some(values) => new.extend(values.into_iter().map(ListItem::Value)),
                            None => new.push(item),
                        },
                        ListItem::Value(_) => new.push(item),
                    }
                }
                *items = new;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_falco() {
        let lists = vec![
            (
                "shells".to_string(),
                vec!["sh".to_string(), "bash".to_string()],
            ),
            ("empty".to_string(), vec![]),
            (
                "spaced".to_string(),
                vec!["a b".to_string(), "\"c d\"".to_string()],
            ),
        ];
        assert_eq!(
            expand_lists("proc.name in (shells)", &lists),
            "proc.name in ( sh, bash )"
        );
        assert_eq!(
            expand_lists("proc.name in (x, empty)", &lists),
            "proc.name in (x  )"
        );
        assert_eq!(
            expand_lists("proc.name in (spaced)", &lists),
            "proc.name in ( \"a b\", \"c d\" )"
        );
        // Not a delimited occurrence: left alone.
        assert_eq!(
            expand_lists("proc.name in (myshells)", &lists),
            "proc.name in (myshells)"
        );
        // Inside a quoted string with blanks on both sides: rewritten (the hazard the
        // printer refuses to create).
        assert_eq!(
            expand_lists("fd.name = \"a shells b\"", &lists),
            "fd.name = \"a sh, bash b\""
        );
    }
}
