//! Falco's condition language as a small typed AST, with builders for the checks
//! the generator needs.
//!
//! The AST mirrors what Falco's own parser (`libsinsp/filter/parser.cpp`) produces:
//! `and`/`or` groups, `not`, field checks (`field op value`), and bare identifiers
//! (macro references). Parentheses are not nodes: `(a and b)` inside an `or` is just
//! an [`Expr::And`] child. Values are the *unescaped* strings; how a value is written
//! (bare or quoted) is decided by the printer, [`print()`].
//!
//! Conditions are built from these types, never by pasting strings together, so a
//! path from an image (with quotes, spaces, parentheses or newlines) can only ever
//! end up as one quoted value.

mod print;
mod visit;

pub use print::{
    check_value, is_bare_safe, is_field_name, is_identifier, is_keyword, literal, print,
    print_pretty, quote, PrintError,
};

/// A condition expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// All children hold (`a and b and c`). Has at least two children once built
    /// through [`Expr::and`].
    And(Vec<Expr>),
    /// Any child holds (`a or b or c`).
    Or(Vec<Expr>),
    /// The child does not hold.
    Not(Box<Expr>),
    /// A field check, e.g. `proc.name in (sh, bash)`.
    Check(Check),
    /// A bare identifier: a reference to a macro.
    Macro(String),
}

/// A field check: `lhs op rhs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The field (possibly inside a transformer) being tested.
    pub lhs: Operand,
    /// The comparison.
    pub op: Op,
    /// What it is compared with ([`Rhs::None`] for `exists`).
    pub rhs: Rhs,
}

/// A field, or a transformer applied to one (`tolower(proc.name)`, `val(proc.pname)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A plain field.
    Field(Field),
    /// A transformer around another operand.
    Transform {
        /// The transformer.
        transformer: Transformer,
        /// Its argument.
        arg: Box<Operand>,
    },
}

/// A field reference, with its optional argument (`proc.aname[2]`, `fd.types[0]`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Field {
    /// The field name, e.g. `proc.aname` or `evt.arg.flags`.
    pub name: String,
    /// The argument between brackets, if any.
    pub arg: Option<String>,
}

/// Falco's field transformers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transformer {
    /// `val(field)`: the value of another field (right-hand side only).
    Val,
    /// `tolower(field)`.
    ToLower,
    /// `toupper(field)`.
    ToUpper,
    /// `b64(field)`.
    B64,
    /// `basename(field)`.
    Basename,
}

impl Transformer {
    /// The transformer's name as written before `(`.
    pub fn keyword(self) -> &'static str {
        match self {
            Transformer::Val => "val",
            Transformer::ToLower => "tolower",
            Transformer::ToUpper => "toupper",
            Transformer::B64 => "b64",
            Transformer::Basename => "basename",
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=` (also written `==`).
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `contains`.
    Contains,
    /// `icontains`.
    IContains,
    /// `bcontains`.
    BContains,
    /// `startswith`.
    StartsWith,
    /// `bstartswith`.
    BStartsWith,
    /// `endswith`.
    EndsWith,
    /// `glob`.
    Glob,
    /// `iglob`.
    IGlob,
    /// `in`.
    In,
    /// `intersects`.
    Intersects,
    /// `pmatch`.
    PMatch,
    /// `exists` (unary).
    Exists,
}

/// What kind of right-hand side an operator takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// No right-hand side.
    Unary,
    /// A number (`<`, `<=`, `>`, `>=`).
    Numeric,
    /// A string value.
    Str,
    /// A list.
    List,
}

impl Op {
    /// The operator as written.
    pub fn keyword(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::IContains => "icontains",
            Op::BContains => "bcontains",
            Op::StartsWith => "startswith",
            Op::BStartsWith => "bstartswith",
            Op::EndsWith => "endswith",
            Op::Glob => "glob",
            Op::IGlob => "iglob",
            Op::In => "in",
            Op::Intersects => "intersects",
            Op::PMatch => "pmatch",
            Op::Exists => "exists",
        }
    }

    /// The kind of right-hand side the operator takes.
    pub fn kind(self) -> OpKind {
        match self {
            Op::Exists => OpKind::Unary,
            Op::Lt | Op::Le | Op::Gt | Op::Ge => OpKind::Numeric,
            Op::In | Op::Intersects | Op::PMatch => OpKind::List,
            _ => OpKind::Str,
        }
    }
}

/// The right-hand side of a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rhs {
    /// None (`exists`).
    None,
    /// One value (a string, or a number for numeric operators).
    Value(String),
    /// A parenthesised list: `(a, "b c", my_list)`.
    List(Vec<ListItem>),
    /// A list named without parentheses: `in my_list`.
    ListName(String),
    /// Another field through a transformer: `= val(proc.pname)`.
    Operand(Operand),
}

/// One item of a parenthesised list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListItem {
    /// A value, compared as a string (or number, by the field's type).
    Value(String),
    /// A bare identifier: Falco replaces it with the items of the list of that name
    /// (and keeps it as a plain value when no such list exists).
    ListRef(String),
}

/// Builds an [`Operand::Field`] for `name`.
pub fn field(name: &str) -> Field {
    Field {
        name: name.to_string(),
        arg: None,
    }
}

impl Field {
    /// The same field with an argument (`proc.aname[2]`).
    pub fn with_arg(mut self, arg: impl Into<String>) -> Self {
        self.arg = Some(arg.into());
        self
    }

    fn check(self, op: Op, rhs: Rhs) -> Expr {
        Expr::Check(Check {
            lhs: Operand::Field(self),
            op,
            rhs,
        })
    }

    /// `field = value`.
    pub fn eq(self, value: impl Into<String>) -> Expr {
        self.check(Op::Eq, Rhs::Value(value.into()))
    }

    /// `field != value`.
    pub fn ne(self, value: impl Into<String>) -> Expr {
        self.check(Op::Ne, Rhs::Value(value.into()))
    }

    /// `field contains value`.
    pub fn contains(self, value: impl Into<String>) -> Expr {
        self.check(Op::Contains, Rhs::Value(value.into()))
    }

    /// `field icontains value`.
    pub fn icontains(self, value: impl Into<String>) -> Expr {
        self.check(Op::IContains, Rhs::Value(value.into()))
    }

    /// `field startswith value`.
    pub fn startswith(self, value: impl Into<String>) -> Expr {
        self.check(Op::StartsWith, Rhs::Value(value.into()))
    }

    /// `field endswith value`.
    pub fn endswith(self, value: impl Into<String>) -> Expr {
        self.check(Op::EndsWith, Rhs::Value(value.into()))
    }

    /// `field >= n`.
    pub fn ge(self, n: i64) -> Expr {
        self.check(Op::Ge, Rhs::Value(n.to_string()))
    }

    /// `field exists`.
    pub fn exists(self) -> Expr {
        self.check(Op::Exists, Rhs::None)
    }

    /// `field in (v1, v2, ...)` with literal values.
    pub fn in_values<I, S>(self, values: I) -> Expr
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let items = values
            .into_iter()
            .map(|v| ListItem::Value(v.into()))
            .collect();
        self.check(Op::In, Rhs::List(items))
    }

    /// `field in (list_name)`: membership in a named list.
    pub fn in_list(self, list: impl Into<String>) -> Expr {
        self.check(Op::In, Rhs::List(vec![ListItem::ListRef(list.into())]))
    }

    /// `field pmatch (list_name)`: the value is below one of the list's path prefixes.
    pub fn pmatch_list(self, list: impl Into<String>) -> Expr {
        self.check(Op::PMatch, Rhs::List(vec![ListItem::ListRef(list.into())]))
    }

    /// `field pmatch (v1, v2, ...)` with literal path prefixes.
    pub fn pmatch_values<I, S>(self, values: I) -> Expr
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let items = values
            .into_iter()
            .map(|v| ListItem::Value(v.into()))
            .collect();
        self.check(Op::PMatch, Rhs::List(items))
    }
}

impl Expr {
    /// `a and b and ...`; a single child is returned as is. Nested `and`s are kept
    /// (they print with parentheses), so build flat lists where flatness matters.
    ///
    /// # Panics
    /// If `children` is empty: an empty conjunction has no spelling in Falco.
    pub fn and(children: impl IntoIterator<Item = Expr>) -> Expr {
        let mut v: Vec<Expr> = children.into_iter().collect();
        assert!(!v.is_empty(), "an `and` needs at least one child");
        if v.len() == 1 {
            v.pop().unwrap_or_else(|| unreachable!())
        } else {
            Expr::And(v)
        }
    }

    /// `a or b or ...`; a single child is returned as is.
    ///
    /// # Panics
    /// If `children` is empty.
    pub fn or(children: impl IntoIterator<Item = Expr>) -> Expr {
        let mut v: Vec<Expr> = children.into_iter().collect();
        assert!(!v.is_empty(), "an `or` needs at least one child");
        if v.len() == 1 {
            v.pop().unwrap_or_else(|| unreachable!())
        } else {
            Expr::Or(v)
        }
    }

    /// `not expr`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(expr: Expr) -> Expr {
        Expr::Not(Box::new(expr))
    }

    /// A reference to the macro `name`.
    pub fn macro_ref(name: impl Into<String>) -> Expr {
        Expr::Macro(name.into())
    }
}
