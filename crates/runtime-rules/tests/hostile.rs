//! Hostile values from an image (quotes, spaces, parentheses, newlines, backslashes)
//! end up as exactly one quoted value, or are left out and reported; never as
//! condition syntax.

mod common;

use common::validate_file;
use secchain_runtime_rules::falco::condition::{field, literal, Expr, PrintError, Rhs};
use secchain_runtime_rules::falco::lists::expand_lists;
use secchain_runtime_rules::falco::parser::parse;
use secchain_runtime_rules::{
    generate, profile, FileInfo, ImageConfig, ImageProfileInput, RuntimeRulesOptions,
};

/// Every string of up to three characters from a nasty alphabet either prints to a
/// literal that parses back to itself (also after Falco's textual list expansion,
/// with lists named like every word it could contain), or is refused for a reason
/// that really applies.
#[test]
fn every_short_string_round_trips_or_is_refused() {
    let alphabet = [
        "a", "b", "/", " ", "\"", "'", "\\", "(", ")", ",", "=", "\n", "\t", "\r", "\u{8}",
        "\u{c}", "\u{1}", "é", "%", "$",
    ];
    let lists: Vec<(String, Vec<String>)> = ["a", "b", "ab", "ba", "aa", "bb"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                vec!["INJECTED".to_string(), "\"x\"".to_string()],
            )
        })
        .collect();
    let mut values = vec![String::new()];
    let mut frontier = vec![String::new()];
    for _ in 0..3 {
        let mut next = Vec::new();
        for v in &frontier {
            for c in alphabet {
                next.push(format!("{v}{c}"));
            }
        }
        values.extend(next.iter().cloned());
        frontier = next;
    }
    let (mut printed, mut refused) = (0, 0);
    for v in values {
        match literal(&v) {
            Ok(text) => {
                printed += 1;
                let cond = format!("fd.name = {text}");
                let want = field("fd.name").eq(v.clone());
                assert_eq!(
                    parse(&cond).ok(),
                    Some(want.clone()),
                    "{v:?} printed as {text}"
                );
                let expanded = expand_lists(&cond, &lists);
                assert_eq!(
                    parse(&expanded).ok(),
                    Some(want),
                    "{v:?}: expansion changed {cond} into {expanded}"
                );
            }
            Err(PrintError::TrailingBackslash(_)) => {
                assert!(v.ends_with('\\'));
                refused += 1;
            }
            Err(PrintError::ListExpansionHazard { word, .. }) => {
                // Refused only with a word between two of Falco's list delimiters.
                let delims = v.chars().filter(|c| " (),=".contains(*c)).count();
                assert!(
                    !word.is_empty() && delims >= 2,
                    "{v:?} refused for {word:?}"
                );
                refused += 1;
            }
            Err(e) => panic!("{v:?}: unexpected {e}"),
        }
    }
    assert!(
        printed > 7000 && refused > 100,
        "printed {printed}, refused {refused}"
    );
}

fn hostile_input() -> ImageProfileInput {
    let exe = |p: &str| FileInfo::file(p, 0o755);
    ImageProfileInput {
        repository: "registry.example.com/evil/app".into(),
        digest: None,
        config: ImageConfig {
            user: "1000".into(),
            entrypoint: vec!["tool".into(), "--x".into()],
            env: vec!["PATH=/usr/local/bin:/usr/bin".into()],
            volumes: vec!["/data/my vol".into(), "/data/(x)".into()],
            ..ImageConfig::default()
        },
        files: vec![
            exe("/opt/my app/bin/tool"),
            FileInfo::symlink("/usr/local/bin/tool", "/opt/my app/bin/tool"),
            exe("/opt/we\"ird/x"),
            exe("/opt/new\nline"),
            exe("/opt/tab\there(1"),
            exe("/opt/back\\slash/run"),
            exe("/opt/it's"),
            exe("/opt/two  spaces"),
            exe("/opt/ctrl\u{1}char"),
            exe("/opt/trail "),
            exe("/opt/trailing\\"),
            exe("/opt/a b c"),
            exe("/opt/x (secchain_app_expected_executables) y"),
            FileInfo::file("/usr/bin/sh", 0o755),
        ],
        packages: vec![],
    }
}

#[test]
fn hostile_paths_are_quoted_or_left_out() {
    for self_contained in [false, true] {
        let opts = RuntimeRulesOptions {
            self_contained,
            ..RuntimeRulesOptions::default()
        };
        let g = generate(&profile(&hostile_input()), &opts).unwrap();
        let text = g.rules.render().unwrap();
        validate_file(&g.rules, &text, !self_contained);

        let list = |suffix: &str| {
            g.rules
                .lists()
                .find(|l| l.name.ends_with(suffix))
                .unwrap()
                .items
                .clone()
        };
        assert_eq!(
            list("_expected_executables"),
            ["/opt/my app/bin/tool", "/usr/local/bin/tool"]
        );
        let all = list("_image_executables");
        for kept in [
            "/opt/we\"ird/x",
            "/opt/new\nline",
            "/opt/tab\there(1",
            "/opt/back\\slash/run",
            "/opt/it's",
            "/opt/two  spaces",
            "/opt/ctrl\u{1}char",
            "/opt/trail ",
        ] {
            assert!(
                all.contains(&kept.to_string()),
                "{kept:?} missing from {all:?}"
            );
        }
        let mut skipped: Vec<(&str, &str)> = g
            .skipped
            .iter()
            .map(|s| (s.value.as_str(), s.list.rsplit('_').next().unwrap()))
            .collect();
        skipped.sort();
        skipped.dedup();
        assert_eq!(
            skipped,
            [
                ("/data/(x)", "dirs"),
                ("/data/(x)", "paths"),
                ("/opt/a b c", "executables"),
                ("/opt/trailing\\", "executables"),
                (
                    "/opt/x (secchain_app_expected_executables) y",
                    "executables"
                ),
            ]
        );
        assert!(g
            .skipped
            .iter()
            .any(|s| s.reason.contains("ends with a backslash")));
        assert!(g
            .skipped
            .iter()
            .any(|s| s.reason.contains("textual list expansion")));
        assert!(list("_writable_paths").contains(&"/data/my vol".to_string()));
        assert!(text.contains("could not be written safely and were left out"));
    }
}

#[test]
fn hostile_values_keep_their_place_in_the_tree() {
    // A value that looks like condition syntax stays one value.
    let v = "/x\" or\"sh";
    let e = Expr::and([
        Expr::macro_ref("spawned_process"),
        field("proc.exepath").eq(v),
    ]);
    let text = secchain_runtime_rules::falco::condition::print(&e).unwrap();
    assert_eq!(text, r#"spawned_process and proc.exepath = "/x\" or\"sh""#);
    let Expr::And(children) = parse(&text).unwrap() else {
        panic!("not an and")
    };
    let Expr::Check(c) = &children[1] else {
        panic!("not a check")
    };
    assert_eq!(c.rhs, Rhs::Value(v.to_string()));
    // One of those words between blanks would be rewritten by Falco's list expansion
    // if a list had that name: the printer refuses it rather than take the risk.
    assert!(literal("/x or sh y").is_err());
}
