//! Parser tests: instructions, spans, continuations, directives, heredocs,
//! flags, JSON forms, ARG expansion, errors and fuzz safety.

use secchain_dockerfile::*;
use std::collections::BTreeMap;

fn p(s: &str) -> Dockerfile {
    parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_instruction_parses() {
    let src = "\
ARG BASE=debian
FROM --platform=$BUILDPLATFORM ${BASE}:12 AS build
MAINTAINER someone
RUN --mount=type=cache,target=/var/cache/apt apt-get update
CMD [\"run\", \"x\"]
LABEL a=b \"c d\"=\"e f\"
EXPOSE 80/tcp 443
ENV A=1 B=\"two words\"
ADD --chown=1:1 --chmod=644 --link https://x/y.tgz /opt/
COPY --from=build /a /b
ENTRYPOINT /bin/app
VOLUME [\"/data\"]
USER app:app
WORKDIR /app
ONBUILD RUN echo hi
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1
SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]
";
    let df = p(src);
    let kinds: Vec<Kind> = df.instructions.iter().map(|i| i.kind).collect();
    assert_eq!(kinds.len(), 18);
    assert_eq!(kinds[1], Kind::From);
    let from = df.instructions[1].as_from().unwrap();
    assert_eq!(from.platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(from.alias.as_ref().unwrap().value, "build");
    assert_eq!(from.image.span.line, 2);
    assert_eq!(&src[from.image.span.range()], "${BASE}:12");
    let img = df.resolved_image(from, &BTreeMap::new());
    assert_eq!(img.text, "debian:12");
    let mut o = BTreeMap::new();
    o.insert("BASE".to_string(), "ubuntu".to_string());
    assert_eq!(df.resolved_image(from, &o).text, "ubuntu:12");
    let run = &df.instructions[3];
    assert_eq!(run.mounts()[0].kind, MountType::Cache);
    assert_eq!(run.mounts()[0].get("target"), Some("/var/cache/apt"));
    assert!(matches!(df.instructions[4].command(), Some(CommandForm::Exec(w)) if w.len() == 2));
    let Body::Label(l) = &df.instructions[5].body else {
        panic!()
    };
    assert_eq!(l[1].key, "c d");
    assert_eq!(l[1].value, "e f");
    let add = &df.instructions[8];
    assert_eq!(add.flags.len(), 3);
    assert_eq!(add.flags[2].name, "link");
    assert_eq!(
        add.copy_args().unwrap().dest.as_ref().unwrap().value,
        "/opt/"
    );
    assert_eq!(df.instructions[14].onbuild().unwrap().kind, Kind::Run);
    assert!(matches!(
        &df.instructions[16].body,
        Body::Healthcheck(HealthcheckBody::Cmd(CommandForm::Shell(_)))
    ));
    assert_eq!(df.stages().len(), 1);
}

#[test]
fn continuations_and_comments_keep_spans() {
    let src = "FROM alpine:3\nRUN apk add \\\n# a comment\n\n    curl \\\n    git\nUSER 1000\n";
    let df = p(src);
    let run = &df.instructions[1];
    assert_eq!(run.span.line, 2);
    assert_eq!(run.span.end_line, 6);
    assert_eq!(df.comments.len(), 1);
    let script = df.run_script(run).unwrap();
    let c = &script.commands[0];
    assert_eq!(c.args.len(), 3);
    let git = &c.args[2];
    assert_eq!(&src[git.range.clone()], "git");
    let sp = df.span(git.range.clone());
    assert_eq!((sp.line, sp.column), (6, 5));
    assert_eq!(df.instructions[2].span.line, 7);
}

#[test]
fn escape_directive_and_syntax() {
    let src = "# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir `\n  c:\\\n";
    let df = p(src);
    assert_eq!(df.escape, '`');
    assert_eq!(df.directive("syntax"), Some("docker/dockerfile:1"));
    let Some(CommandForm::Shell(t)) = df.instructions[1].command() else {
        panic!()
    };
    assert_eq!(t.value, "dir   c:\\");
}

#[test]
fn heredocs() {
    let src = "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nCOPY <<A <<-\"B\" /dst/\none\nA\n\ttwo\n\tB\nRUN python3 <<PY\nimport os\nPY\nUSER 1\n";
    let df = p(src);
    assert_eq!(df.instructions.len(), 5);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    let s = df.run_script(run).unwrap();
    let names: Vec<_> = s.commands.iter().map(|c| c.name.value.as_str()).collect();
    assert_eq!(names, ["apt-get", "apt-get"]);
    assert_eq!(df.span(s.commands[1].range.clone()).line, 4);
    let copy = &df.instructions[2];
    assert_eq!(copy.heredocs.len(), 2);
    assert_eq!(copy.heredocs[1].body, "two\n");
    assert!(copy.heredocs[1].quoted && copy.heredocs[1].strip_tabs);
    let py = df.run_script(&df.instructions[3]).unwrap();
    assert_eq!(py.commands.len(), 1);
    assert_eq!(df.instructions[4].span.line, 14);
}

#[test]
fn errors_name_line_and_column() {
    let e = parse("FROM a\n  FORM b\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 3));
    assert!(e.to_string().contains("FORM"));
    let e = parse("FROM a\nRUN <<EOF\necho\n").unwrap_err();
    assert_eq!(e.line, 2);
    let e = parse("FROM\n").unwrap_err();
    assert_eq!(e.line, 1);
}

#[test]
fn rewrite_tag_exactly() {
    let src = "FROM node:20 AS a # keep\nFROM a\n";
    let df = p(src);
    let img = &df.instructions[0].as_from().unwrap().image;
    let r = img.tag_range.clone().unwrap();
    let out = apply_edits(
        src,
        &[Edit {
            range: r.end..r.end,
            text: "@sha256:00".into(),
        }],
    )
    .unwrap();
    assert_eq!(out, "FROM node:20@sha256:00 AS a # keep\nFROM a\n");
}

#[test]
fn shell_splitting() {
    let s = shell::parse_script(
        "set -eux; (cd /x && make) | tee log || true; FOO=1 apt-get install -y \"a b\" $(cat v) 2>&1 >/dev/null; echo `id -u`; if [ -f x ]; then rm -rf x; fi",
    );
    let names: Vec<_> = s.commands.iter().map(|c| c.name.value.as_str()).collect();
    assert_eq!(
        names,
        ["set", "cd", "make", "tee", "true", "apt-get", "cat", "echo", "id", "[", "rm"]
    );
    assert_eq!(s.pipes, 1);
    let apt = &s.commands[5];
    assert_eq!(apt.assignments.len(), 1);
    let args: Vec<_> = apt.args.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(args, ["install", "-y", "a b", "${catv}"]);
    assert_eq!(s.commands[6].parent, Some(5));
    assert!(s.commands[2].piped_into || s.commands[1].piped_into);
    let c = shell::parse_script("curl -fsSL https://x | sh -");
    assert_eq!(c.commands[0].pipeline, c.commands[1].pipeline);
    assert!(c.commands[0].piped_into);
}

#[test]
fn fuzz_never_panics() {
    let seeds = [
        "FROM a:b AS c\nRUN x \\\n  y <<EOF\nbody\nEOF\n",
        "# escape=`\nFROM x\nRUN a `\n b\nCOPY [\"a\", \"b\"] /c\n",
        "ONBUILD ONBUILD RUN $(( (1+2) )) `a` ${x:-$(b)} 'q\" \"\\",
        "FROM é\nLABEL é=\"ü\" \nENV a=\"b\\\"c\" d\nEXPOSE 80/udp\nHEALTHCHECK NONE\n",
    ];
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let alphabet: Vec<char> = "FROMRUN \\\n\t\"'`$(){}[]<<-EOF#=,:@/é|&;"
        .chars()
        .collect();
    for seed in seeds {
        for cut in 0..=seed.len() {
            if seed.is_char_boundary(cut) {
                let _ = parse(&seed[..cut]).map(|d| {
                    for i in &d.instructions {
                        let _ = d.run_script(i);
                    }
                });
                let _ = shell::parse_script(&seed[..cut]);
            }
        }
    }
    for _ in 0..3000 {
        let len = (next() % 60) as usize;
        let mut s = String::from(if next() % 2 == 0 { "FROM x\nRUN " } else { "" });
        for _ in 0..len {
            s.push(alphabet[(next() % alphabet.len() as u64) as usize]);
        }
        if let Ok(d) = parse(&s) {
            for i in &d.instructions {
                let _ = d.run_script(i);
            }
        }
        let _ = shell::parse_script(&s);
    }
}
