//! Secrets: sensitive ARG/ENV names, literal credentials in the file, and
//! secret build arguments used by RUN instead of `--mount=type=secret`.

use crate::rule::{Ctx, Hits, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::{Body, MountType};

const KNOWN: &[&str] = &[
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "STRIPE_DEVICE_NAME",
    "TRAVIS_OS_NAME",
    "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];

const SUSPICIOUS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

/// Whether a variable name looks like it holds a secret (hadolint's list).
pub(crate) fn sensitive_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let lower = name.to_ascii_lowercase();
    KNOWN.contains(&upper.as_str()) || SUSPICIOUS.iter().any(|s| lower.contains(s))
}

/// DL3064: sensitive ARG/ENV names.
pub static DL3064: Rule = Rule {
    id: "DL3064",
    name: "secret-in-arg-or-env",
    severity: Warning,
    message: "Potentially sensitive data should not be used in the `ARG` or `ENV` commands",
    help: "ARG and ENV values are stored in the image history and config: anyone who pulls the image can read them \
(`docker history`, `docker inspect`). Fix: pass secrets with `RUN --mount=type=secret,id=token …` and read them \
from /run/secrets/token during that RUN only.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nARG GITHUB_TOKEN\n",
    good: "FROM alpine:3\nRUN --mount=type=secret,id=github_token cat /run/secrets/github_token > /dev/null\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            let bad = match &ins.body {
                Body::Arg(decls) => decls.iter().find(|d| sensitive_name(&d.name)).map(|d| d.span.range()),
                Body::Env(pairs) => pairs.iter().find(|p| sensitive_name(&p.key)).map(|p| p.key_span.range()),
                _ => None,
            };
            if let Some(r) = bad {
                hits.range(cx, i, r);
            }
        }
    },
};

fn is_alnum_run(s: &str, len: usize, extra: &[u8]) -> bool {
    s.len() >= len
        && s.as_bytes()[..len]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(b))
}

/// Finds a literal credential in `text`: returns (byte offset, kind).
pub(crate) fn find_token(text: &str) -> Option<(usize, &'static str)> {
    let prefixes: &[(&str, &str, usize, &[u8])] = &[
        ("AKIA", "an AWS access key id", 16, b""),
        ("ASIA", "an AWS temporary access key id", 16, b""),
        ("ghp_", "a GitHub personal access token", 36, b""),
        ("gho_", "a GitHub OAuth token", 36, b""),
        ("ghu_", "a GitHub user token", 36, b""),
        ("ghs_", "a GitHub server token", 36, b""),
        ("ghr_", "a GitHub refresh token", 36, b""),
        ("github_pat_", "a GitHub fine-grained token", 40, b"_"),
        ("glpat-", "a GitLab personal access token", 20, b"-_"),
        ("gldt-", "a GitLab deploy token", 20, b"-_"),
        ("xoxb-", "a Slack token", 10, b"-"),
        ("xoxp-", "a Slack token", 10, b"-"),
        ("sk_live_", "a Stripe secret key", 20, b""),
        ("AIza", "a Google API key", 35, b"-_"),
        ("npm_", "an npm token", 36, b""),
        ("-----BEGIN", "a private key", 0, b""),
    ];
    let bytes = text.as_bytes();
    for (at, &b) in bytes.iter().enumerate() {
        if !matches!(b, b'A' | b'g' | b'x' | b's' | b'n' | b'-') {
            continue;
        }
        for (prefix, kind, len, extra) in prefixes {
            if prefix.as_bytes()[0] != b || !bytes[at..].starts_with(prefix.as_bytes()) {
                continue;
            }
            let Some(rest) = text.get(at + prefix.len()..) else {
                continue;
            };
            let boundary_ok = at == 0 || !text.as_bytes()[at - 1].is_ascii_alphanumeric();
            let ok = if *prefix == "-----BEGIN" {
                rest.trim_start()
                    .split("-----")
                    .next()
                    .is_some_and(|h| h.ends_with("PRIVATE KEY"))
            } else {
                let upper_only = matches!(*prefix, "AKIA" | "ASIA");
                is_alnum_run(rest, *len, extra)
                    && (!upper_only
                        || rest.as_bytes()[..*len]
                            .iter()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
            };
            if ok && boundary_ok {
                return Some((at, kind));
            }
        }
    }
    None
}

fn scan(cx: &Ctx<'_>, hits: &mut Hits, idx: usize, text: &str, base: usize) {
    if let Some((off, kind)) = find_token(text) {
        let start = base + off;
        let end = (start + 12).min(cx.df.source().len());
        let end = (start..=end)
            .rev()
            .find(|e| cx.df.source().is_char_boundary(*e))
            .unwrap_or(start);
        hits.with_message(
            cx,
            idx,
            start..end,
            format!("the file contains {kind}: remove it and rotate the credential"),
        );
    }
}

/// SEC004: literal credentials.
pub static SEC004: Rule = Rule {
    id: "SEC004",
    name: "hardcoded-credential",
    severity: Error,
    message: "A literal credential (AWS/GitHub/GitLab token, private key, …) is written in the Dockerfile",
    help: "A credential in a Dockerfile ends up in version control, in build logs and usually in the image. \
Fix: remove it, rotate it (treat it as leaked), and pass it at build time with \
`RUN --mount=type=secret,id=…` instead.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nENV GH=ghp_0123456789abcdefghijABCDEFGHIJ012345\n",
    good: "FROM alpine:3\nRUN --mount=type=secret,id=gh GH=$(cat /run/secrets/gh) ./publish.sh\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            let src = cx.df.source();
            let r = ins.span.range();
            if let Some(text) = src.get(r.clone()) {
                scan(cx, hits, i, text, r.start);
            }
        }
    },
};

/// SEC005: secret ARG used in RUN.
pub static SEC005: Rule = Rule {
    id: "SEC005",
    name: "secret-build-arg-in-run",
    severity: Error,
    message: "A secret build argument is used in RUN; use `RUN --mount=type=secret` instead",
    help: "Build arguments used by RUN are recorded in the image history and build cache, so the secret can be read \
back from the image. Fix: `RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci` and \
build with `--secret id=npm_token,env=NPM_TOKEN`.",
    enabled_by_default: true,
    bad: "FROM node:20\nARG NPM_TOKEN\nRUN echo \"//registry.npmjs.org/:_authToken=$NPM_TOKEN\" > .npmrc && npm ci\n",
    good: "FROM node:20\nRUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci\n",
    check: |cx, hits| {
        let mut secret_args: Vec<String> = Vec::new();
        for (i, ins) in cx.instructions() {
            match &ins.body {
                Body::Arg(decls) => secret_args.extend(decls.iter().filter(|d| sensitive_name(&d.name)).map(|d| d.name.clone())),
                Body::Run(_) => {
                    if ins.mounts().iter().any(|m| m.kind == MountType::Secret) {
                        continue;
                    }
                    let text = ins.args.value.as_str();
                    let used = secret_args.iter().find(|a| {
                        text.contains(&format!("${{{a}}}")) || {
                            let needle = format!("${a}");
                            text.match_indices(&needle).any(|(p, _)| {
                                !text[p + needle.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                            })
                        }
                    });
                    if let Some(a) = used {
                        hits.with_message(cx, i, ins.args.span.range(), format!("build argument `{a}` holds a secret and is used in RUN"));
                    }
                }
                _ => {}
            }
        }
    },
};
