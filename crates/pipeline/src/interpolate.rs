//! `${VAR}` and `${VAR:-default}` in pipeline files, filled from the environment.
//!
//! Interpolation happens on string values only (never keys), after parsing, so a
//! value cannot inject YAML structure. `$${` writes a literal `${`. Values of
//! variables whose names look secret (`TOKEN`, `PASSWORD`, …) are registered with the
//! [`Redactor`] so they never reach a log line, a report or an output file.

use crate::diag::Diagnostic;
use crate::node::{Node, NodeValue, Pos};
use crate::redact::Redactor;

/// Where interpolation reads variables from.
pub trait Env {
    /// The value of `name`, if set.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl<F: Fn(&str) -> Option<String>> Env for F {
    fn var(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// Replaces every `${…}` in the string values of `node`, collecting problems in `diags`.
pub fn interpolate(
    node: &mut Node,
    env: &dyn Env,
    redactor: &Redactor,
    diags: &mut Vec<Diagnostic>,
) {
    match &mut node.value {
        NodeValue::Str(s) if s.contains('$') => match expand(s, env, redactor) {
            Ok(expanded) => *s = expanded,
            Err(message) => diags.push(error_at(node.pos, message)),
        },
        NodeValue::Seq(items) => items
            .iter_mut()
            .for_each(|n| interpolate(n, env, redactor, diags)),
        NodeValue::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, v)| interpolate(v, env, redactor, diags)),
        _ => {}
    }
}

fn error_at(pos: Pos, (message, hint): (String, String)) -> Diagnostic {
    Diagnostic::new("config:interpolation", message, Some(pos)).hint(hint)
}

/// Expands one string. Errors carry a message and a hint.
fn expand(input: &str, env: &dyn Env, redactor: &Redactor) -> Result<String, (String, String)> {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix("${") {
            out.push_str("${");
            rest = tail;
        } else if let Some(body_start) = after.strip_prefix('{') {
            let end = body_start.find('}').ok_or_else(|| {
                (
                    format!("unterminated `${{` in `{input}`"),
                    "close it with `}`, or write `$${` for a literal `${`".to_string(),
                )
            })?;
            out.push_str(&lookup(&body_start[..end], env, redactor)?);
            rest = &body_start[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn lookup(body: &str, env: &dyn Env, redactor: &Redactor) -> Result<String, (String, String)> {
    let (name, default) = match body.split_once(":-") {
        Some((n, d)) => (n, Some(d)),
        None => (body, None),
    };
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return Err((
            format!("`${{{body}}}` is not a valid variable reference"),
            "write `${NAME}` or `${NAME:-default}` with NAME made of letters, digits and `_`"
                .into(),
        ));
    }
    match env.var(name).filter(|v| !v.is_empty()) {
        Some(value) => {
            if Redactor::is_secret_name(name) {
                redactor.add(&value);
            }
            Ok(value)
        }
        None => default.map(str::to_string).ok_or_else(|| {
            (
                format!("environment variable `{name}` is not set"),
                format!("set {name}, or give a default: `${{{name}:-value}}`"),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TAG" => Some("1.2".into()),
            "API_TOKEN" => Some("s3cr3t-value".into()),
            _ => None,
        }
    }

    #[test]
    fn expands_variables_defaults_and_escapes() {
        let r = Redactor::default();
        assert_eq!(expand("app:${TAG}", &env, &r).unwrap(), "app:1.2");
        assert_eq!(expand("${NOPE:-dflt}/x", &env, &r).unwrap(), "dflt/x");
        assert_eq!(expand("$${TAG} $HOME", &env, &r).unwrap(), "${TAG} $HOME");
    }

    #[test]
    fn missing_variable_is_an_error_with_a_hint() {
        let (msg, hint) = expand("${NOPE}", &env, &Redactor::default()).unwrap_err();
        assert!(msg.contains("`NOPE` is not set"));
        assert!(hint.contains("${NOPE:-value}"));
        assert!(expand("${1BAD}", &env, &Redactor::default()).is_err());
        assert!(expand("${OPEN", &env, &Redactor::default()).is_err());
    }

    #[test]
    fn secret_values_are_registered_for_redaction() {
        let r = Redactor::default();
        expand("${API_TOKEN}", &env, &r).unwrap();
        assert_eq!(r.redact("token is s3cr3t-value"), "token is ***");
    }

    #[test]
    fn errors_point_at_the_value() {
        let mut node = Node::parse("image: ${MISSING}\n", 0).unwrap();
        let mut diags = Vec::new();
        interpolate(&mut node, &env, &Redactor::default(), &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pos.map(|p| (p.line, p.column)), Some((1, 8)));
    }
}
