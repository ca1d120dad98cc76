//! The image config: environment, labels, entrypoint and cmd, healthcheck, and the
//! history's `created_by` lines, where build arguments end up.
//!
//! Every value goes through the same [`Scanner`] as file content (named like
//! `config.Env[AWS_SECRET_ACCESS_KEY]`), so a GitHub token in an `ENV` is found by the
//! GitHub rule. On top, a secret-named environment variable (`DB_PASSWORD`) or build
//! argument (`RUN |1 NPM_TOKEN=… /bin/sh -c …`, `ARG TOKEN=…`) with a literal value is a
//! finding even when the value is not recognisable, since its name says what it is.

use std::ops::Range;

use secchain_oci::{ImageConfig, Layer};

use crate::redact::redact;
use crate::rules::{rule_by_id, Rule};
use crate::scanner::{Match, Scanner};

/// A match in the image config.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigMatch {
    /// Where: `config.Env[NAME]`, `config.Labels[KEY]`, `config.Cmd`, `config.history[3]`.
    pub path: String,
    /// For a history entry: the layer it created (index, digest), if any.
    pub layer: Option<(usize, String)>,
    /// What matched, redacted.
    pub found: Match,
}

/// The rule a secret-named assignment takes precedence over.
const GENERIC: &str = "secret:generic-secret";

/// One config value to scan and where it is.
struct Value<'a> {
    path: String,
    text: String,
    /// Secret-named `NAME=value` pairs in the text: (name, value range), checked by `rule`.
    named: Vec<(&'a str, Range<usize>)>,
    rule: &'static str,
    layer: Option<(usize, String)>,
}

/// Scans everything in `config`; `layers` maps history entries to the layers they made.
pub fn scan_config(scanner: &Scanner, config: &ImageConfig, layers: &[Layer]) -> Vec<ConfigMatch> {
    let mut out = Vec::new();
    for v in values(config, layers) {
        let mut found = scanner.scan(&v.path, v.text.as_bytes());
        for (name, range) in &v.named {
            let value = &v.text[range.clone()];
            if !secret_name(name) || !literal(value) {
                continue;
            }
            // The name says more than the generic rule: it replaces that rule's match.
            let overlaps = |m: &Match| m.span.start < range.end && range.start < m.span.end;
            found.retain(|m| !(overlaps(m) && m.rule.id == GENERIC));
            if found.iter().any(overlaps) {
                continue;
            }
            let rule: &'static Rule = rule_by_id(v.rule).expect("config rules exist");
            found.push(Match {
                rule,
                line: 1 + v.text[..range.start].matches('\n').count() as u32,
                span: range.clone(),
                redacted: Some(redact(value)),
                suppressed_by: scanner
                    .allowlist()
                    .check(rule, &v.path, Some(value.as_bytes())),
            });
        }
        out.extend(found.into_iter().map(|found| ConfigMatch {
            path: v.path.clone(),
            layer: v.layer.clone(),
            found,
        }));
    }
    out
}

/// `text` with every secret the scanner (or a secret-named assignment) finds in it
/// replaced by its redacted form; for showing `created_by` lines.
pub fn mask(scanner: &Scanner, text: &str) -> String {
    let mut spans: Vec<Range<usize>> = scanner
        .scan("config", text.as_bytes())
        .into_iter()
        .map(|m| m.span)
        .filter(|s| !s.is_empty())
        .collect();
    spans.extend(
        assignments(text)
            .into_iter()
            .filter(|(name, r)| secret_name(name) && !r.is_empty())
            .map(|(_, r)| r),
    );
    spans.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in spans {
        if r.start < pos {
            continue;
        }
        out.push_str(&text[pos..r.start]);
        out.push_str(&redact(&text[r.clone()]));
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    out
}

fn values<'a>(config: &'a ImageConfig, layers: &[Layer]) -> Vec<Value<'a>> {
    let c = &config.config;
    let mut out = Vec::new();
    for kv in &c.env {
        let (name, eq) = match kv.split_once('=') {
            Some((n, _)) => (n, n.len() + 1),
            None => (kv.as_str(), kv.len()),
        };
        out.push(Value {
            path: format!("config.Env[{name}]"),
            text: kv.clone(),
            named: vec![(name, eq.min(kv.len())..kv.len())],
            rule: "secret:config-env",
            layer: None,
        });
    }
    for (k, v) in &c.labels {
        out.push(plain(format!("config.Labels[{k}]"), format!("{k}={v}")));
    }
    for (name, words) in [("Entrypoint", &c.entrypoint), ("Cmd", &c.cmd)] {
        if let Some(words) = words {
            out.push(plain(format!("config.{name}"), words.join(" ")));
        }
    }
    if let Some(h) = &c.healthcheck {
        out.push(plain("config.Healthcheck".into(), h.test.join(" ")));
    }
    let mut layer = 0;
    for (i, h) in config.history.iter().enumerate() {
        let made = (!h.empty_layer).then(|| {
            let made = layers.get(layer).map(|l| (l.index, l.digest.to_string()));
            layer += 1;
            made
        });
        let Some(text) = h.created_by.as_deref() else {
            continue;
        };
        out.push(Value {
            path: format!("config.history[{i}]"),
            text: text.to_string(),
            named: assignments(text),
            rule: "secret:build-arg",
            layer: made.flatten(),
        });
    }
    out
}

fn plain<'a>(path: String, text: String) -> Value<'a> {
    Value {
        path,
        text,
        named: Vec::new(),
        rule: "secret:config-env",
        layer: None,
    }
}

/// The build arguments of a history line: `|N K=V … cmd` (Docker and BuildKit `RUN`)
/// and `ARG K=V` (BuildKit, or `#(nop)  ARG K=V` from the classic builder).
fn assignments(text: &str) -> Vec<(&str, Range<usize>)> {
    let words = words_with_offsets(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i].1;
        i += 1;
        let limit = match word.strip_prefix('|').and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None if word == "ARG" => usize::MAX,
            None => continue,
        };
        let mut taken = 0;
        while i < words.len() && taken < limit {
            let (start, word) = words[i];
            let Some((name, _)) = word.split_once('=') else {
                break;
            };
            out.push((name, start + name.len() + 1..start + word.len()));
            taken += 1;
            i += 1;
        }
    }
    out
}

fn words_with_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// Parts of a name that say its value is a secret.
const SECRET_NAME_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "AUTH_KEY",
];

/// Suffixes that say the value is where the secret is, not the secret.
const REFERENCE_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_ENDPOINT",
    "_HEADER",
    "_TYPE",
];

/// `DB_PASSWORD`, `NPM_TOKEN`: yes; `PASSWORD_FILE`, `TOKEN_URL`: no.
fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace('-', "_");
    SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
        && !REFERENCE_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// A literal value worth reporting: not empty, not a reference, not a flag.
fn literal(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    let lower = v.to_ascii_lowercase();
    v.len() >= 4
        && !v.contains('$')
        && !v.starts_with('/')
        && !["true", "false", "none", "null", "changeme"].contains(&lower.as_str())
}

#[cfg(test)]
mod tests;
