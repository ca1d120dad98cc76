//! Walking condition trees: the fields, macros and lists they use, and renaming
//! or reinterpreting references.

use std::collections::BTreeSet;

use super::{Expr, Field, ListItem, Operand, Rhs};

impl Expr {
    /// Every field the expression reads (transformer arguments included).
    pub fn fields(&self) -> BTreeSet<Field> {
        let mut out = BTreeSet::new();
        self.walk(&mut |e| {
            if let Expr::Check(c) = e {
                c.lhs.collect_fields(&mut out);
                if let Rhs::Operand(o) = &c.rhs {
                    o.collect_fields(&mut out);
                }
            }
        });
        out
    }

    /// Every macro the expression references.
    pub fn macro_refs(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.walk(&mut |e| {
            if let Expr::Macro(m) = e {
                out.insert(m.clone());
            }
        });
        out
    }

    /// Every list the expression references (bare identifiers in lists, and `in name`).
    pub fn list_refs(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.walk(&mut |e| {
            if let Expr::Check(c) = e {
                match &c.rhs {
                    Rhs::List(items) => {
                        for item in items {
                            if let ListItem::ListRef(name) = item {
                                out.insert(name.clone());
                            }
                        }
                    }
                    Rhs::ListName(name) => {
                        out.insert(name.clone());
                    }
                    _ => {}
                }
            }
        });
        out
    }

    /// Calls `f` on this node and every node below it.
    pub fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::And(children) | Expr::Or(children) => {
                for c in children {
                    c.walk(f);
                }
            }
            Expr::Not(inner) => inner.walk(f),
            Expr::Check(_) | Expr::Macro(_) => {}
        }
    }

    /// Renames macro references with `macros` and list references with `lists`
    /// (each returns the new name, or `None` to keep the old one).
    pub fn rename_refs(
        &mut self,
        macros: &impl Fn(&str) -> Option<String>,
        lists: &impl Fn(&str) -> Option<String>,
    ) {
        match self {
            Expr::And(children) | Expr::Or(children) => {
                for c in children {
                    c.rename_refs(macros, lists);
                }
            }
            Expr::Not(inner) => inner.rename_refs(macros, lists),
            Expr::Macro(name) => {
                if let Some(new) = macros(name) {
                    *name = new;
                }
            }
            Expr::Check(c) => match &mut c.rhs {
                Rhs::List(items) => {
                    for item in items {
                        if let ListItem::ListRef(name) = item {
                            if let Some(new) = lists(name) {
                                *name = new;
                            }
                        }
                    }
                }
                Rhs::ListName(name) => {
                    if let Some(new) = lists(name) {
                        *name = new;
                    }
                }
                _ => {}
            },
        }
    }

    /// Turns bare list items that name no list in `is_list` into plain values.
    ///
    /// Falco's own files write values bare (`evt.type in (execve, execveat)`); the
    /// parser cannot tell such a value from a list reference. This makes the
    /// difference explicit, so a copied condition prints its values quoted.
    pub fn demote_unknown_list_refs(&mut self, is_list: &impl Fn(&str) -> bool) {
        match self {
            Expr::And(children) | Expr::Or(children) => {
                for c in children {
                    c.demote_unknown_list_refs(is_list);
                }
            }
            Expr::Not(inner) => inner.demote_unknown_list_refs(is_list),
            Expr::Macro(_) => {}
            Expr::Check(c) => {
                if let Rhs::List(items) = &mut c.rhs {
                    for item in items.iter_mut() {
                        if let ListItem::ListRef(name) = item {
                            if !is_list(name) {
                                *item = ListItem::Value(std::mem::take(name));
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Operand {
    fn collect_fields(&self, out: &mut BTreeSet<Field>) {
        match self {
            Operand::Field(f) => {
                out.insert(f.clone());
            }
            Operand::Transform { arg, .. } => arg.collect_fields(out),
        }
    }
}
