//! The secret rules: one flat table, each rule with an id, a severity, the keywords
//! that must occur for its regex to be worth running, and how it detects.
//!
//! Keywords are matched case-insensitively by the Aho-Corasick prefilter in
//! [`crate::scanner`]; a rule's regex runs on a file only when one of its keywords
//! occurred in it (rules without keywords run on the files their `paths` select).
//! Regexes run on bytes with Unicode off; the secret is the named group `v`.
//!
//! Earlier rules win when two matches overlap, so the table goes from the most
//! specific (a GitHub token) to the most general (a `password=` assignment).

use crate::severity::Severity;

/// How a rule detects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detect {
    /// A regex whose named group `v` is the secret value.
    Value(&'static str),
    /// A regex that flags the whole file once (at its first match) without a value.
    File(&'static str),
    /// A directory name (`.git`) flagged once per layer and directory, content unread.
    Directory(&'static str),
    /// Found by the image-config scan (environment names, build arguments), not in files.
    Config,
}

/// Extra validation of a value after the regex matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// None beyond the regex (and the entropy threshold, if any).
    None,
    /// The value is a PEM body: at least 64 base64 characters once headers and whitespace go.
    PemBody,
    /// A free-form value: not a placeholder, variable or plain word.
    Generic,
}

/// One secret rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// Stable id, `secret:<name>`.
    pub id: &'static str,
    /// Severity of a finding.
    pub severity: Severity,
    /// What the rule finds, for messages ("AWS access key id").
    pub title: &'static str,
    /// Prefilter keywords (ASCII, matched case-insensitively); empty: run on every
    /// file its `paths` select.
    pub keywords: &'static [&'static str],
    /// How it detects.
    pub detect: Detect,
    /// Minimum Shannon entropy (bits per byte) of the value.
    pub min_entropy: Option<f64>,
    /// Path globs the rule is limited to (empty: any path).
    pub paths: &'static [&'static str],
    /// Path globs the rule skips (templates such as `.env.example`).
    pub exclude_paths: &'static [&'static str],
    /// Strings the file must also contain (case-sensitive), e.g. `service_account`.
    pub requires: &'static [&'static str],
    /// Extra validation of the value.
    pub check: Check,
}

const PRIVATE_KEY: &[&str] = &["PRIVATE KEY"];

/// A rule with the defaults filled in.
const fn rule(id: &'static str, severity: Severity, title: &'static str, detect: Detect) -> Rule {
    Rule {
        id,
        severity,
        title,
        keywords: &[],
        detect,
        min_entropy: None,
        paths: &[],
        exclude_paths: &[],
        requires: &[],
        check: Check::None,
    }
}

const fn key(
    id: &'static str,
    severity: Severity,
    title: &'static str,
    pattern: &'static str,
) -> Rule {
    Rule {
        keywords: PRIVATE_KEY,
        check: Check::PemBody,
        ..rule(id, severity, title, Detect::Value(pattern))
    }
}

const fn token(
    id: &'static str,
    severity: Severity,
    title: &'static str,
    keywords: &'static [&'static str],
    pattern: &'static str,
) -> Rule {
    Rule {
        keywords,
        ..rule(id, severity, title, Detect::Value(pattern))
    }
}

/// A rule for credential files: no keywords, it runs on every file `paths` selects.
const fn in_files(
    id: &'static str,
    severity: Severity,
    title: &'static str,
    paths: &'static [&'static str],
    pattern: &'static str,
) -> Rule {
    Rule {
        paths,
        ..rule(id, severity, title, Detect::Value(pattern))
    }
}

use Severity::{Critical, High, Low, Medium};

/// Every rule, most specific first.
pub static RULES: &[Rule] = &[
    // Tokens with a recognisable prefix.
    token(
        "secret:github-token",
        Critical,
        "GitHub token",
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        r"(?-u)\b(?P<v>gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    token(
        "secret:gitlab-token",
        Critical,
        "GitLab token",
        &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-",
            "glagent-",
        ],
        r"(?-u)\b(?P<v>gl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_\-]{20,})",
    ),
    token(
        "secret:aws-access-key",
        High,
        "AWS access key id",
        &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
        r"(?-u)\b(?P<v>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b",
    ),
    token(
        "secret:aws-secret-key",
        Critical,
        "AWS secret access key",
        &[
            "aws_secret",
            "aws-secret",
            "awssecret",
            "secret_access_key",
            "secretaccesskey",
            "secret-access-key",
        ],
        r#"(?-u)(?i)(?:aws[_\-]?secret(?:[_\-]?access)?[_\-]?key|secret[_\-]?access[_\-]?key)["']?\s*(?:[:=]|=>)\s*["']?(?P<v>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
    ),
    token(
        "secret:slack-token",
        High,
        "Slack token",
        &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-"],
        r"(?-u)\b(?P<v>xox[baprse]-[A-Za-z0-9\-]{10,})",
    ),
    token(
        "secret:slack-webhook",
        High,
        "Slack webhook URL",
        &["hooks.slack.com"],
        r"(?-u)(?P<v>https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+\-]{30,})",
    ),
    Rule {
        requires: &["service_account"],
        ..token(
            "secret:gcp-service-account",
            Critical,
            "Google Cloud service-account key",
            &["private_key"],
            r#"(?-u)"private_key"\s*:\s*"(?P<v>-----BEGIN PRIVATE KEY-----[^"]{64,})""#,
        )
    },
    token(
        "secret:google-api-key",
        High,
        "Google API key",
        &["AIza"],
        r"(?-u)\b(?P<v>AIza[0-9A-Za-z_\-]{35})",
    ),
    token(
        "secret:stripe-secret-key",
        Critical,
        "Stripe live secret key",
        &["sk_live_", "rk_live_"],
        r"(?-u)\b(?P<v>[sr]k_live_[A-Za-z0-9]{20,})",
    ),
    token(
        "secret:stripe-test-key",
        Low,
        "Stripe test-mode secret key",
        &["sk_test_", "rk_test_"],
        r"(?-u)\b(?P<v>[sr]k_test_[A-Za-z0-9]{20,})",
    ),
    token(
        "secret:npm-token",
        Critical,
        "npm access token",
        &["npm_"],
        r"(?-u)\b(?P<v>npm_[A-Za-z0-9]{36})\b",
    ),
    token(
        "secret:pypi-token",
        Critical,
        "PyPI API token",
        &["pypi-AgE"],
        r"(?-u)\b(?P<v>pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})",
    ),
    // Private keys (PEM). The value is the body between the armour lines.
    key(
        "secret:private-key-rsa",
        Critical,
        "RSA private key",
        r"(?-u)-----BEGIN RSA PRIVATE KEY-----(?P<v>(?:[^\-]|-[^\-])+)-----END RSA PRIVATE KEY-----",
    ),
    key(
        "secret:private-key-ec",
        Critical,
        "EC private key",
        r"(?-u)-----BEGIN EC PRIVATE KEY-----(?P<v>(?:[^\-]|-[^\-])+)-----END EC PRIVATE KEY-----",
    ),
    key(
        "secret:private-key-dsa",
        Critical,
        "DSA private key",
        r"(?-u)-----BEGIN DSA PRIVATE KEY-----(?P<v>(?:[^\-]|-[^\-])+)-----END DSA PRIVATE KEY-----",
    ),
    key(
        "secret:private-key-openssh",
        Critical,
        "OpenSSH private key",
        r"(?-u)-----BEGIN OPENSSH PRIVATE KEY-----(?P<v>(?:[^\-]|-[^\-])+)-----END OPENSSH PRIVATE KEY-----",
    ),
    key(
        "secret:private-key-pgp",
        Critical,
        "PGP private key block",
        r"(?-u)-----BEGIN PGP PRIVATE KEY BLOCK-----(?P<v>(?:[^\-]|-[^\-])+)-----END PGP PRIVATE KEY BLOCK-----",
    ),
    key(
        "secret:private-key-pkcs8",
        Critical,
        "PKCS#8 private key",
        r"(?-u)-----BEGIN PRIVATE KEY-----(?P<v>(?:[^\-]|-[^\-])+)-----END PRIVATE KEY-----",
    ),
    key(
        "secret:private-key-encrypted",
        High,
        "encrypted PKCS#8 private key",
        r"(?-u)-----BEGIN ENCRYPTED PRIVATE KEY-----(?P<v>(?:[^\-]|-[^\-])+)-----END ENCRYPTED PRIVATE KEY-----",
    ),
    // Credential files.
    in_files(
        "secret:git-credentials",
        Critical,
        "credentials in a git remote URL",
        &["**/.git/config", "**/.git-credentials", "**/.gitconfig"],
        r"(?-u)(?i)\b(?:https?|ssh|git)://[^\s:@/]+:(?P<v>[^\s:@/]{6,})@[A-Za-z0-9.\-]+",
    ),
    in_files(
        "secret:npmrc-credentials",
        High,
        "npm registry credentials (.npmrc)",
        &["**/.npmrc", "**/npmrc"],
        r#"(?-u)(?m)(?:^|:)[ \t]*_(?:authToken|auth|password)[ \t]*=[ \t]*["']?(?P<v>[^\s"']{6,})"#,
    ),
    in_files(
        "secret:pypirc-credentials",
        High,
        "PyPI upload credentials (.pypirc)",
        &["**/.pypirc"],
        r"(?-u)(?mi)^[ \t]*password[ \t]*[:=][ \t]*(?P<v>\S{6,})",
    ),
    in_files(
        "secret:netrc-credentials",
        High,
        "machine credentials (.netrc)",
        &["**/.netrc", "**/_netrc"],
        r"(?-u)(?i)\bpassword[ \t]+(?P<v>\S{6,})",
    ),
    in_files(
        "secret:docker-config-auth",
        High,
        "container registry credentials (Docker config)",
        &[
            "**/.docker/config.json",
            "**/.dockercfg",
            "**/containers/auth.json",
        ],
        r#"(?-u)"(?:auth|identitytoken|registrytoken)"\s*:\s*"(?P<v>[^"]{8,})""#,
    ),
    // Anything that looks like a credential in a URL.
    Rule {
        min_entropy: Some(3.0),
        check: Check::Generic,
        ..token(
            "secret:url-credentials",
            High,
            "password in a URL",
            &["://"],
            r"(?-u)\b[A-Za-z][A-Za-z0-9+.\-]{1,15}://[A-Za-z0-9._~%!$&'*+,;=\-]{1,64}:(?P<v>[A-Za-z0-9._~%!$&'*+,;=\-]{8,128})@[A-Za-z0-9.\-]+",
        )
    },
    // Tokens without a vendor prefix.
    token(
        "secret:jwt",
        Medium,
        "JSON Web Token",
        &["eyJ"],
        r"(?-u)\b(?P<v>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})",
    ),
    // Files that are secrets by nature.
    Rule {
        paths: &["**/.env", "**/.env.*"],
        exclude_paths: &[
            "**/.env.example",
            "**/.env.sample",
            "**/.env.template",
            "**/.env.dist",
            "**/.env.defaults",
        ],
        ..rule(
            "secret:dotenv-file",
            Medium,
            "environment file (.env) with values",
            Detect::File(
                r"(?-u)(?m)^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*[^\s#]",
            ),
        )
    },
    rule(
        "secret:git-directory",
        Medium,
        "git repository (.git directory)",
        Detect::Directory(".git"),
    ),
    // The most general: `password = …` with a high-entropy value.
    Rule {
        min_entropy: Some(3.5),
        check: Check::Generic,
        ..token(
            "secret:generic-secret",
            Medium,
            "high-entropy value assigned to a secret-named key",
            &[
                "password",
                "passwd",
                "secret",
                "token",
                "api_key",
                "apikey",
                "api-key",
                "access_key",
                "accesskey",
                "private_key",
                "credential",
            ],
            r#"(?-u)(?i)(?:password|passwd|secret(?:[_\-]?key)?|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|credentials?)["']?[ \t]*(?::=|=>|=|:)[ \t]*(?P<q>["'])?(?P<v>[^\s"'`;,<>(){}\[\]$\\]{8,200})(?:["'`\s;,]|$)"#,
        )
    },
    // Found in the image config, not in files.
    rule(
        "secret:config-env",
        High,
        "secret-named environment variable with a literal value",
        Detect::Config,
    ),
    rule(
        "secret:build-arg",
        High,
        "secret-named build argument recorded in the image history",
        Detect::Config,
    ),
];

/// The rule with id `id`.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The rule ids, in table order.
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let mut ids: Vec<&str> = rule_ids().collect();
        assert!(ids.iter().all(|id| id.starts_with("secret:")));
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(RULES.len() < 64, "the prefilter keeps rule sets in a u64");
    }

    #[test]
    fn value_rules_have_a_v_group_and_keywords_or_paths() {
        for r in RULES {
            match r.detect {
                Detect::Value(p) | Detect::File(p) => {
                    let re =
                        regex::bytes::Regex::new(p).unwrap_or_else(|e| panic!("{}: {e}", r.id));
                    if matches!(r.detect, Detect::Value(_)) {
                        assert!(re.capture_names().any(|n| n == Some("v")), "{}", r.id);
                    }
                    assert!(!r.keywords.is_empty() || !r.paths.is_empty(), "{}", r.id);
                    assert!(r.keywords.iter().all(|k| k.is_ascii()), "{}", r.id);
                }
                Detect::Directory(_) | Detect::Config => {}
            }
        }
    }
}
