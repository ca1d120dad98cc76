//! A parser for Falco's condition grammar, ported from `libsinsp/filter/parser.cpp`
//! so that tests can check generated conditions the way Falco would read them.
//!
//! ```text
//! Expr        ::= OrExpr
//! OrExpr      ::= AndExpr ('or' (' ' AndExpr | '(' Expr ')'))*
//! AndExpr     ::= NotExpr ('and' (' ' NotExpr | '(' Expr ')'))*
//! NotExpr     ::= ('not' blank+)* ('not(' Expr ')' | Check)
//! Check       ::= '(' Expr ')' | Field Condition | Transformer Condition | Identifier
//! Condition   ::= 'exists' | NumOp Number | StrOp Value | ListOp ('(' Values? ')' | Identifier)
//! Field       ::= FieldName ('[' (QuotedStr | FieldArgBareStr) ']')?
//! ```
//!
//! The port keeps Falco's quirks, since the point is to predict what Falco accepts:
//! word operators need a blank after them (`contains `), `or(`/`and(` need no blank,
//! `not not x` is `x`, a quoted string ends at the first quote not preceded by a
//! backslash (even an escaped one), and only the escapes of Falco's `unescape_str`
//! are accepted. Bare identifiers inside a list (`(shell_binaries)`) are returned as
//! [`ListItem::ListRef`]: before parsing, Falco substitutes list names textually, so
//! such an item is a list reference when a list of that name exists.

use super::condition::{Check, Expr, Field, ListItem, Op, Operand, Rhs, Transformer};

/// Falco's recursion limit for rule conditions (`p.set_max_depth(1000)` in the rule compiler).
const MAX_DEPTH: u32 = 1000;

/// A condition that Falco's grammar rejects.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the input.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Parses a whole condition.
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    let mut p = Parser {
        s: input.as_bytes(),
        pos: 0,
        depth: 0,
        last: String::new(),
    };
    if input.is_empty() {
        return Err(p.error("filter input string is empty"));
    }
    let expr = p.parse_or()?;
    if p.pos != p.s.len() {
        let msg = format!("unexpected token after '{}', expecting 'or', 'and'", p.last);
        return Err(p.error(&msg));
    }
    Ok(expr)
}

const UNARY_OPS: &[&str] = &["exists"];
const NUM_OPS: &[&str] = &["<=", "<", ">=", ">"];
const STR_OPS: &[&str] = &[
    "==",
    "=",
    "!=",
    "glob ",
    "iglob ",
    "contains ",
    "icontains ",
    "bcontains ",
    "startswith ",
    "bstartswith ",
    "endswith ",
];
const LIST_OPS: &[&str] = &["intersects", "in", "pmatch"];
const TRANSFORMERS: &[(&str, Transformer)] = &[
    ("tolower(", Transformer::ToLower),
    ("toupper(", Transformer::ToUpper),
    ("b64(", Transformer::B64),
    ("basename(", Transformer::Basename),
];

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    depth: u32,
    last: String,
}

/// A lexed string value and whether it was quoted.
struct StrToken {
    value: String,
    quoted: bool,
}

type Res<T> = Result<T, ParseError>;

impl Parser<'_> {
    fn error(&self, message: &str) -> ParseError {
        let before = &self.s[..self.pos.min(self.s.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        ParseError {
            message: message.to_string(),
            offset: self.pos,
            line,
            column: 1 + String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count(),
        }
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.error(&format!("exceeded max depth limit of {MAX_DEPTH}")));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn peek(&self) -> u8 {
        self.s.get(self.pos).copied().unwrap_or(0)
    }

    fn rest(&self) -> &[u8] {
        &self.s[self.pos..]
    }

    fn token(&mut self, start: usize) -> String {
        self.last = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
        self.last.clone()
    }

    // --- expressions -------------------------------------------------------------

    fn parse_or(&mut self) -> Res<Expr> {
        self.enter()?;
        self.lex_blank();
        let mut children = vec![self.parse_and()?];
        self.lex_blank();
        while self.lex_str("or") {
            let child = if self.lex_blank() {
                self.parse_and()?
            } else if self.lex_str("(") {
                self.parse_embedded_remainder()?
            } else {
                return Err(self.error("expected blank or '(' after 'or'"));
            };
            children.push(child);
            self.lex_blank();
        }
        self.leave();
        Ok(group(children, Expr::Or))
    }

    fn parse_and(&mut self) -> Res<Expr> {
        self.enter()?;
        self.lex_blank();
        let mut children = vec![self.parse_not()?];
        self.lex_blank();
        while self.lex_str("and") {
            let child = if self.lex_blank() {
                self.parse_not()?
            } else if self.lex_str("(") {
                self.parse_embedded_remainder()?
            } else {
                return Err(self.error("expected blank or '(' after 'and'"));
            };
            children.push(child);
            self.lex_blank();
        }
        self.leave();
        Ok(group(children, Expr::And))
    }

    fn parse_not(&mut self) -> Res<Expr> {
        self.enter()?;
        self.lex_blank();
        let mut negate = false;
        while self.lex_not_blank() {
            negate = !negate;
        }
        let child = if self.lex_str("not(") {
            negate = !negate;
            self.parse_embedded_remainder()?
        } else {
            self.parse_check()?
        };
        self.leave();
        Ok(if negate { Expr::not(child) } else { child })
    }

    /// The rest of a parenthesised expression, after its `(`.
    fn parse_embedded_remainder(&mut self) -> Res<Expr> {
        self.enter()?;
        self.lex_blank();
        let child = self.parse_or()?;
        self.lex_blank();
        if !self.lex_str(")") {
            return Err(self.error("expected a ')' token"));
        }
        self.leave();
        Ok(child)
    }

    fn parse_check(&mut self) -> Res<Expr> {
        self.enter()?;
        self.lex_blank();
        let result = if self.lex_str("(") {
            self.parse_embedded_remainder()?
        } else if let Some(name) = self.lex_field_name() {
            let left = self.parse_field_remainder(name)?;
            self.parse_condition(Operand::Field(left))?
        } else if let Some(t) = self.lex_transformer() {
            self.lex_blank();
            let left = self.parse_transformer_remainder(t)?;
            self.parse_condition(left)?
        } else if let Some(id) = self.lex_identifier() {
            Expr::Macro(id)
        } else {
            return Err(self.error("expected a '(' token, a field check, or an identifier"));
        };
        self.leave();
        Ok(result)
    }

    fn parse_field_remainder(&mut self, name: String) -> Res<Field> {
        self.enter()?;
        let mut field = Field { name, arg: None };
        if self.lex_str("[") {
            let arg = match self.lex_quoted_str()? {
                Some(s) => s,
                None => match self.lex_field_arg_bare_str() {
                    Some(s) => s,
                    None => {
                        return Err(self.error(
                            "expected a valid field argument: a quoted string or a bare string",
                        ))
                    }
                },
            };
            field.arg = Some(arg);
            if !self.lex_str("]") {
                return Err(self.error("expected a ']' token"));
            }
        }
        self.leave();
        Ok(field)
    }

    /// The rest of `transformer(`: a field or a nested transformer, then `)`.
    fn parse_transformer_remainder(&mut self, transformer: Transformer) -> Res<Operand> {
        self.enter()?;
        self.lex_blank();
        let mut child = None;
        if let Some(t) = self.lex_transformer() {
            self.lex_blank();
            child = Some(self.parse_transformer_remainder(t)?);
        }
        // Falco tries a field even after a nested transformer (and keeps the field).
        if let Some(name) = self.lex_field_name() {
            child = Some(Operand::Field(self.parse_field_remainder(name)?));
        }
        let Some(child) = child else {
            return Err(self.error("expected a field or a nested valid transformer"));
        };
        self.lex_blank();
        if !self.lex_str(")") {
            return Err(self.error("expected a ')' token closing the transformer"));
        }
        self.leave();
        Ok(Operand::Transform {
            transformer,
            arg: Box::new(child),
        })
    }

    fn parse_condition(&mut self, lhs: Operand) -> Res<Expr> {
        self.enter()?;
        self.lex_blank();
        let check = |op, rhs| Expr::Check(Check { lhs, op, rhs });
        if self.lex_str_list(UNARY_OPS).is_some() {
            self.leave();
            return Ok(check(Op::Exists, Rhs::None));
        }
        self.lex_blank();
        let result = if let Some(op) = self.lex_str_list(NUM_OPS) {
            let rhs = self.parse_num_value_or_transformer()?;
            check(op_from(op), rhs)
        } else if let Some(op) = self.lex_str_list(STR_OPS) {
            let rhs = self.parse_str_value_or_transformer()?;
            check(op_from(op), rhs)
        } else if let Some(op) = self.lex_str_list(LIST_OPS) {
            let rhs = self.parse_list_value_or_transformer()?;
            check(op_from(op), rhs)
        } else {
            return Err(self.error(
                "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', \
                 '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', \
                 'bstartswith', 'endswith', 'intersects', 'in', 'pmatch'",
            ));
        };
        self.leave();
        Ok(result)
    }

    fn parse_num_value_or_transformer(&mut self) -> Res<Rhs> {
        self.enter()?;
        self.lex_blank();
        let result = if let Some(o) = self.try_parse_transformer_or_val()? {
            Rhs::Operand(o)
        } else if let Some(n) = self.lex_hex_num().or_else(|| self.lex_num()) {
            Rhs::Value(n)
        } else {
            return Err(self.error("expected a number value or a field with a valid transformer"));
        };
        self.leave();
        Ok(result)
    }

    fn parse_str_value_or_transformer(&mut self) -> Res<Rhs> {
        self.enter()?;
        self.lex_blank();
        let result = if let Some(o) = self.try_parse_transformer_or_val()? {
            Rhs::Operand(o)
        } else if let Some(t) = self.lex_str_value()? {
            Rhs::Value(t.value)
        } else {
            return Err(self.error("expected a string value or a field with a valid transformer"));
        };
        self.leave();
        Ok(result)
    }

    /// A string value inside a list (no transformers).
    fn parse_list_item(&mut self) -> Res<ListItem> {
        self.enter()?;
        self.lex_blank();
        let Some(t) = self.lex_str_value()? else {
            return Err(self.error("expected a string value"));
        };
        self.leave();
        Ok(if !t.quoted && super::condition::is_identifier(&t.value) {
            ListItem::ListRef(t.value)
        } else {
            ListItem::Value(t.value)
        })
    }

    fn parse_list_value_or_transformer(&mut self) -> Res<Rhs> {
        self.enter()?;
        self.lex_blank();
        if self.lex_str("(") {
            let mut items = Vec::new();
            self.lex_blank();
            // Like Falco: a first item that fails to parse means "the list is empty".
            let depth = self.depth;
            if let Ok(first) = self.parse_list_item() {
                items.push(first);
                self.lex_blank();
                while self.lex_str(",") {
                    items.push(self.parse_list_item()?);
                    self.lex_blank();
                }
            } else {
                self.depth = depth;
            }
            if !self.lex_str(")") {
                return Err(self.error("expected a ')' token"));
            }
            self.leave();
            return Ok(Rhs::List(items));
        }
        let result = if let Some(o) = self.try_parse_transformer_or_val()? {
            Rhs::Operand(o)
        } else if let Some(id) = self.lex_identifier() {
            Rhs::ListName(id)
        } else {
            return Err(
                self.error("expected a list, an identifier, or a field with a valid transformer")
            );
        };
        self.leave();
        Ok(result)
    }

    fn try_parse_transformer_or_val(&mut self) -> Res<Option<Operand>> {
        self.enter()?;
        self.lex_blank();
        let result = if self.lex_str("val(") {
            self.lex_blank();
            let Some(name) = self.lex_field_name() else {
                return Err(self.error("expected a field within 'val' transformer"));
            };
            let field = self.parse_field_remainder(name)?;
            self.lex_blank();
            if !self.lex_str(")") {
                return Err(self.error("expected a ')' token closing the transformer"));
            }
            Some(Operand::Transform {
                transformer: Transformer::Val,
                arg: Box::new(Operand::Field(field)),
            })
        } else if let Some(t) = self.lex_transformer() {
            self.lex_blank();
            Some(self.parse_transformer_remainder(t)?)
        } else {
            None
        };
        self.leave();
        Ok(result)
    }
}

fn op_from(token: &str) -> Op {
    match token.trim() {
        "=" | "==" => Op::Eq,
        "!=" => Op::Ne,
        "<" => Op::Lt,
        "<=" => Op::Le,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        "contains" => Op::Contains,
        "icontains" => Op::IContains,
        "bcontains" => Op::BContains,
        "startswith" => Op::StartsWith,
        "bstartswith" => Op::BStartsWith,
        "endswith" => Op::EndsWith,
        "glob" => Op::Glob,
        "iglob" => Op::IGlob,
        "in" => Op::In,
        "intersects" => Op::Intersects,
        "pmatch" => Op::PMatch,
        other => unreachable!("operator tables only hold known operators, got {other}"),
    }
}

fn group(mut children: Vec<Expr>, make: fn(Vec<Expr>) -> Expr) -> Expr {
    if children.len() == 1 {
        children.pop().unwrap_or_else(|| unreachable!())
    } else {
        make(children)
    }
}

mod lex;
#[cfg(test)]
mod tests;
