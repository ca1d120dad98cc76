//! Unit tests of the condition parser (grammar, quirks, error positions).

use super::parse;
use crate::falco::condition::{field, print, Expr, ListItem, Op, Operand, Rhs, Transformer};

fn check(e: &Expr) -> &crate::falco::condition::Check {
    match e {
        Expr::Check(c) => c,
        other => panic!("not a check: {other:?}"),
    }
}

#[test]
fn precedence_and_groups() {
    let e = parse("a and b or not c and (d or e)").unwrap();
    assert_eq!(
        e,
        Expr::Or(vec![
            Expr::And(vec![Expr::macro_ref("a"), Expr::macro_ref("b")]),
            Expr::And(vec![
                Expr::not(Expr::macro_ref("c")),
                Expr::Or(vec![Expr::macro_ref("d"), Expr::macro_ref("e")]),
            ]),
        ])
    );
}

#[test]
fn double_not_cancels_and_not_paren() {
    assert_eq!(parse("not not a").unwrap(), Expr::macro_ref("a"));
    assert_eq!(parse("not(a)").unwrap(), Expr::not(Expr::macro_ref("a")));
    assert_eq!(
        parse("not (not a)").unwrap(),
        Expr::not(Expr::not(Expr::macro_ref("a")))
    );
}

#[test]
fn operators() {
    for (text, op) in [
        ("proc.name = a", Op::Eq),
        ("proc.name == a", Op::Eq),
        ("proc.name != a", Op::Ne),
        ("fd.num < 3", Op::Lt),
        ("fd.num <= 3", Op::Le),
        ("fd.num > 3", Op::Gt),
        ("fd.num>=0", Op::Ge),
        ("proc.cmdline contains x", Op::Contains),
        ("proc.cmdline icontains x", Op::IContains),
        ("evt.buffer bcontains 6c73", Op::BContains),
        ("fd.name startswith /etc", Op::StartsWith),
        ("evt.buffer bstartswith 7f45", Op::BStartsWith),
        ("fd.name endswith .so", Op::EndsWith),
        ("fd.name glob '/home/*/.ssh/*'", Op::Glob),
        ("fd.name iglob '*.PEM'", Op::IGlob),
        ("proc.name in (a, b)", Op::In),
        ("proc.args intersects (a, b)", Op::Intersects),
        ("fd.name pmatch (/etc, /usr)", Op::PMatch),
        ("proc.pname exists", Op::Exists),
    ] {
        let e = parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_eq!(check(&e).op, op, "{text}");
    }
}

#[test]
fn word_operators_need_a_blank() {
    assert!(parse("proc.name contains'x'").is_err());
    assert!(parse("proc.name in(a)").is_ok());
    assert!(parse("a or(b)").is_ok());
    assert!(parse("a orb").is_err());
}

#[test]
fn field_arguments() {
    let e = parse("proc.aname[2] = sh").unwrap();
    assert_eq!(
        check(&e).lhs,
        Operand::Field(field("proc.aname").with_arg("2"))
    );
    let e = parse("proc.env[\"MY VAR\"] exists").unwrap();
    assert_eq!(
        check(&e).lhs,
        Operand::Field(field("proc.env").with_arg("MY VAR"))
    );
    let e = parse("evt.arg.flags contains O_CREAT").unwrap();
    assert_eq!(check(&e).lhs, Operand::Field(field("evt.arg.flags")));
}

#[test]
fn lists_and_references() {
    let e = parse("proc.name in (shell_binaries, \"bash\", /bin/sh, 'x y')").unwrap();
    assert_eq!(
        check(&e).rhs,
        Rhs::List(vec![
            ListItem::ListRef("shell_binaries".into()),
            ListItem::Value("bash".into()),
            ListItem::Value("/bin/sh".into()),
            ListItem::Value("x y".into()),
        ])
    );
    let e = parse("proc.name in ()").unwrap();
    assert_eq!(check(&e).rhs, Rhs::List(vec![]));
    let e = parse("proc.name in shell_binaries").unwrap();
    assert_eq!(check(&e).rhs, Rhs::ListName("shell_binaries".into()));
}

#[test]
fn transformers() {
    let e = parse("tolower(proc.name) = bash").unwrap();
    assert!(matches!(
        check(&e).lhs,
        Operand::Transform {
            transformer: Transformer::ToLower,
            ..
        }
    ));
    let e = parse("proc.name = val(proc.pname)").unwrap();
    assert!(matches!(
        check(&e).rhs,
        Rhs::Operand(Operand::Transform {
            transformer: Transformer::Val,
            ..
        })
    ));
}

#[test]
fn escapes_like_falco() {
    let e = parse(r#"fd.name = "a\"b\\c\nd\/e""#).unwrap();
    assert_eq!(check(&e).rhs, Rhs::Value("a\"b\\c\nd/e".into()));
    let e = parse(r"fd.name = 'it\'s'").unwrap();
    assert_eq!(check(&e).rhs, Rhs::Value("it's".into()));
    assert!(parse(r#"fd.name = "\x41""#).is_err());
    assert!(parse(r#"fd.name = 'a\"b'"#).is_err());
    // A quote after an escaped backslash does not end the string (Falco's lexer).
    assert!(parse(r#"fd.name = "a\\""#).is_err());
}

#[test]
fn errors_have_positions() {
    let err = parse("proc.name = a and\n  proc.name ~ b").unwrap_err();
    assert_eq!(err.line, 2);
    assert_eq!(err.column, 13);
    assert!(parse("").is_err());
    assert!(parse("(a").is_err());
    assert!(parse("a b").is_err());
    assert!(parse("fd.num > abc").is_err());
}

#[test]
fn deep_nesting_is_limited() {
    let deep = format!("{}a{}", "(".repeat(600), ")".repeat(600));
    assert!(parse(&deep).is_err());
    let shallow = format!("{}a{}", "(".repeat(50), ")".repeat(50));
    assert_eq!(parse(&shallow).unwrap(), Expr::macro_ref("a"));
}

#[test]
fn printer_round_trips() {
    let e = Expr::and([
        Expr::macro_ref("spawned_process"),
        Expr::or([
            field("proc.exepath").in_values(["/usr/bin/x", "a b", "q\"uote"]),
            Expr::not(field("fd.name").startswith("/tmp/it's(\"q\"\n\\x")),
        ]),
        field("proc.aname").with_arg("2").eq("sh"),
        field("fd.num").ge(0),
        field("proc.pname").exists(),
    ]);
    let text = print(&e).unwrap();
    assert_eq!(parse(&text).unwrap(), e, "{text}");
}
