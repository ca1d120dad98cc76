//! Every rule has a positive (`bad`) and a negative (`good`) example; this
//! runs them all, plus targeted cases for trickier semantics.

use secchain_lint::{lint_with, DockerIgnore, LintConfig, RULES};

/// Applies `# secchain-test key=value` comments of an example.
fn setup(src: &str) -> (LintConfig, DockerIgnore) {
    let mut cfg = LintConfig::default();
    let mut di = DockerIgnore::Unknown;
    for line in src.lines() {
        if let Some(rest) = line.strip_prefix("# secchain-test ") {
            let (k, v) = rest.split_once('=').unwrap();
            match k {
                "trusted" => cfg.trusted_registries.push(v.to_string()),
                "dockerignore" if v == "missing" => di = DockerIgnore::Missing,
                "dockerignore" => di = DockerIgnore::parse(v),
                _ => panic!("unknown test key {k}"),
            }
        }
    }
    for r in RULES {
        if !r.enabled_by_default {
            cfg.enable.push(r.id.to_string());
        }
    }
    (cfg, di)
}

fn ids(src: &str) -> Vec<String> {
    let (cfg, di) = setup(src);
    lint_with("Dockerfile", src, &cfg, &di)
        .findings()
        .map(|f| f.rule.clone())
        .collect()
}

#[test]
fn every_rule_has_a_positive_and_a_negative_case() {
    let mut failures = Vec::new();
    for r in RULES {
        let bad = ids(r.bad);
        let good = ids(r.good);
        if !bad.iter().any(|i| i == r.id) {
            failures.push(format!("{}: bad example not reported: {:?}", r.id, bad));
        }
        if good.iter().any(|i| i == r.id) {
            failures.push(format!("{}: good example reported", r.id));
        }
        assert!(
            !r.message.is_empty() && r.help.contains("Fix"),
            "{} needs a message and a help text with a fix",
            r.id
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn at_least_45_rules_with_unique_ids() {
    assert!(RULES.len() >= 45);
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
    assert!(RULES
        .iter()
        .all(|r| r.id.starts_with("DL") || r.id.starts_with("SEC")));
}

fn has(src: &str, id: &str) -> bool {
    ids(src).iter().any(|i| i == id)
}

#[test]
fn final_stage_root_variants() {
    assert!(has("FROM alpine:3\nUSER 0\n", "DL3002"));
    assert!(has("FROM alpine:3\nUSER root:root\n", "DL3002"));
    assert!(has("FROM alpine:3\nRUN id\n", "SEC002"));
    assert!(!has(
        "FROM gcr.io/distroless/static:nonroot\nCOPY a /a\n",
        "SEC002"
    ));
    assert!(!has(
        "FROM alpine:3 AS base\nUSER 1000\nFROM base\nCMD [\"x\"]\n",
        "SEC002"
    ));
}

#[test]
fn secrets_by_name_and_value_and_secret_mounts_are_fine() {
    assert!(has("FROM alpine:3\nENV DB_PASSWORD=x\n", "DL3064"));
    assert!(has("FROM alpine:3\nARG API_KEY\n", "DL3064"));
    assert!(has("FROM alpine:3\nENV K=AKIAABCDEFGHIJKLMNOP\n", "SEC004"));
    assert!(has(
        "FROM alpine:3\nARG T=glpat-abcdefghij0123456789\n",
        "SEC004"
    ));
    assert!(has(
        "FROM alpine:3\nRUN echo '-----BEGIN RSA PRIVATE KEY-----' > /k\n",
        "SEC004"
    ));
    assert!(!has("FROM alpine:3\nENV K=AKIA-not-a-key\n", "SEC004"));
    let mounted =
        "FROM node:20\nRUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci\nUSER node\n";
    let found = ids(mounted);
    for id in ["DL3064", "SEC004", "SEC005", "SEC006"] {
        assert!(!found.iter().any(|i| i == id), "{id} in {found:?}");
    }
    assert!(!has(
        "FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=t npm ci # $NPM_TOKEN\n",
        "SEC005"
    ));
}

#[test]
fn sensitive_copies() {
    for src in [
        ".env",
        "id_ed25519",
        "config/credentials.json",
        ".git",
        "deploy.pem",
        ".npmrc",
    ] {
        assert!(
            has(&format!("FROM alpine:3\nCOPY {src} /x/\n"), "SEC006"),
            "{src}"
        );
    }
    for src in [".env.example", "id_rsa.pub", "app.py", "ca-cert.pem"] {
        assert!(
            !has(&format!("FROM alpine:3\nCOPY {src} /x/\n"), "SEC006"),
            "{src}"
        );
    }
}

#[test]
fn download_and_execute_forms() {
    assert!(has(
        "FROM debian:12\nRUN wget -qO- https://x | bash -s --\n",
        "SEC011"
    ));
    assert!(has(
        "FROM debian:12\nRUN sh -c \"$(curl -fsSL https://x)\"\n",
        "SEC011"
    ));
    assert!(has(
        "FROM debian:12\nRUN bash <(curl -fsSL https://x)\n",
        "SEC011"
    ));
    assert!(has(
        "FROM debian:12\nRUN curl -fsSL https://x | sudo bash\n",
        "SEC011"
    ));
    assert!(!has(
        "FROM debian:12\nRUN curl -fsSL https://x | tar -xz\n",
        "SEC011"
    ));
    assert!(!has("FROM debian:12\nRUN echo curl | sh\n", "SEC011"));
}

#[test]
fn package_rules_apply_per_command_not_substring() {
    // `apt-get install` appears only inside an echo: no install command.
    assert!(!has(
        "FROM debian:12\nRUN echo 'apt-get install foo'\n",
        "DL3008"
    ));
    // The second install is unpinned.
    assert!(has(
        "FROM debian:12\nRUN apt-get install -y a=1 && apt-get install -y b\n",
        "DL3008"
    ));
    // apk with --virtual keeps its name out of the package list.
    assert!(!has(
        "FROM alpine:3\nRUN apk add --no-cache --virtual .deps gcc=1 musl-dev=2\n",
        "DL3018"
    ));
    assert!(has(
        "FROM python:3\nRUN python -m pip install requests\n",
        "DL3013"
    ));
    assert!(!has(
        "FROM python:3\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "DL3013"
    ));
    assert!(!has(
        "FROM python:3\nENV PIP_NO_CACHE_DIR=1\nRUN pip install requests==2\n",
        "DL3042"
    ));
    assert!(has(
        "FROM debian:12\nRUN apt-get dist-upgrade -y\n",
        "SEC012"
    ));
}

#[test]
fn toolchains_only_in_final_stage() {
    let multi = "FROM debian:12 AS build\nRUN apt-get install -y build-essential=12.9\nFROM debian:12-slim\nCOPY --from=build /a /a\n";
    assert!(!has(multi, "SEC008"));
    assert!(has(
        "FROM alpine:3\nRUN apk add --no-cache build-base=0.5\n",
        "SEC008"
    ));
    assert!(has(
        "FROM maven:3-eclipse-temurin-21\nCOPY . /src\n",
        "SEC009"
    ));
    assert!(!has(
        "FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\n",
        "SEC009"
    ));
}

#[test]
fn dockerignore_state() {
    assert!(DockerIgnore::parse(".git\nnode_modules\n").excludes_git());
    assert!(DockerIgnore::parse("**/.git\n").excludes_git());
    assert!(!DockerIgnore::parse(".git\n!.git\n").excludes_git());
    assert!(!DockerIgnore::parse("node_modules\n").excludes_git());
    assert!(has(
        "# secchain-test dockerignore=node_modules\nFROM alpine:3\nADD . /app\n",
        "SEC007"
    ));
    assert!(
        !has("FROM alpine:3\nCOPY . .\n", "SEC007"),
        "unknown context: no finding"
    );
}

#[test]
fn inline_ignores_and_config() {
    let src = "# secchain ignore=SEC002\nFROM debian:12\n# hadolint ignore=DL3008,DL3015\nRUN apt-get install -y curl\nCMD [\"x\"]\n";
    let found = ids(src);
    assert!(
        !found
            .iter()
            .any(|i| i == "DL3008" || i == "DL3015" || i == "SEC002"),
        "{found:?}"
    );
    let global = "# hadolint global ignore=DL3006\nFROM debian\nFROM ubuntu\n";
    assert!(!has(global, "DL3006"));
    let cfg = LintConfig {
        disable_ignore_pragma: true,
        ..LintConfig::default()
    };
    let r = lint_with("D", src, &cfg, &DockerIgnore::Unknown);
    assert!(r.findings().any(|f| f.rule == "DL3008"));
}

#[test]
fn parse_errors_are_one_finding() {
    let r = lint_with(
        "D",
        "FROM a:1\nRUN <<EOF\nnever ends\n",
        &LintConfig::default(),
        &DockerIgnore::Unknown,
    );
    let f: Vec<_> = r.findings().collect();
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].rule.as_str(), f[0].line), ("DL1000", 2));
    assert!(r.files[0].parse_error.is_some());
}
