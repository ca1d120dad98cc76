//! Keeps secrets out of everything secchain prints or writes.
//!
//! Secrets reach secchain only through the environment. Their values are registered
//! here when a pipeline file interpolates them (or a stage reads them), and every log
//! line, event and captured command output passes through [`Redactor::redact`].

use std::sync::{Arc, RwLock};

/// A shared set of secret values to mask.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    secrets: Arc<RwLock<Vec<String>>>,
}

/// Parts of an environment variable name that mark its value as secret.
const SECRET_NAME_PARTS: &[&str] = &[
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "AUTH",
];

impl Redactor {
    /// Whether a variable name looks like it holds a secret.
    pub fn is_secret_name(name: &str) -> bool {
        let upper = name.to_ascii_uppercase();
        SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
    }

    /// Registers a value to mask. Values shorter than 4 characters are not registered:
    /// masking them would garble ordinary text without protecting anything.
    pub fn add(&self, value: &str) {
        if value.len() < 4 {
            return;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        if !secrets.iter().any(|s| s == value) {
            secrets.push(value.to_string());
            // Longest first, so a secret containing another is masked whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Registers the values of every secret-looking variable in `vars`.
    pub fn add_secret_env<'a>(&self, vars: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (name, value) in vars {
            if Self::is_secret_name(name) {
                self.add(value);
            }
        }
    }

    /// `text` with every registered secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        let mut out = text.to_string();
        for s in secrets.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "***");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_longest_first_and_ignores_short_values() {
        let r = Redactor::default();
        r.add("abcd");
        r.add("abcdefgh");
        r.add("x");
        assert_eq!(r.redact("abcdefgh abcd x"), "*** *** x");
    }

    #[test]
    fn recognises_secret_names() {
        assert!(Redactor::is_secret_name("GITHUB_TOKEN"));
        assert!(Redactor::is_secret_name("registry_password"));
        assert!(!Redactor::is_secret_name("IMAGE_TAG"));
    }
}
