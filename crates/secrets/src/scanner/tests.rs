//! Each rule on a sample, and the values it must not report.
//!
//! Samples are assembled at run time (`p("gh", "p_")`) so no file in the repository
//! holds a string that looks like a live credential.

use super::*;
use crate::testdata::{fake, p};

fn scan(path: &str, text: &str) -> Vec<(String, u32, Option<String>, bool)> {
    Scanner::new(ScanOptions::default())
        .scan(path, text.as_bytes())
        .into_iter()
        .map(|m| {
            (
                m.rule.id.to_string(),
                m.line,
                m.redacted,
                m.suppressed_by.is_some(),
            )
        })
        .collect()
}

fn rules(path: &str, text: &str) -> Vec<String> {
    scan(path, text)
        .into_iter()
        .filter(|m| !m.3)
        .map(|m| m.0)
        .collect()
}

#[test]
fn every_content_rule_finds_its_sample() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "/app/a.txt",
            format!("token: {}", fake::github()),
            "secret:github-token",
        ),
        (
            "/app/a.txt",
            format!("x={}", fake::gitlab()),
            "secret:gitlab-token",
        ),
        (
            "/app/a.txt",
            format!("id {}", fake::aws_id()),
            "secret:aws-access-key",
        ),
        (
            "/root/.aws/credentials",
            format!("aws_secret_access_key = {}\n", fake::aws_secret()),
            "secret:aws-secret-key",
        ),
        (
            "/app/a.txt",
            format!("SLACK={}", fake::slack()),
            "secret:slack-token",
        ),
        (
            "/app/a.txt",
            format!("url: {}", fake::slack_webhook()),
            "secret:slack-webhook",
        ),
        (
            "/app/sa.json",
            fake::gcp_service_account(),
            "secret:gcp-service-account",
        ),
        (
            "/app/a.js",
            format!("const k = '{}';", fake::google_api()),
            "secret:google-api-key",
        ),
        (
            "/app/a.txt",
            format!("{}\n", fake::stripe_live()),
            "secret:stripe-secret-key",
        ),
        (
            "/app/a.txt",
            format!("{}\n", fake::stripe_test()),
            "secret:stripe-test-key",
        ),
        (
            "/app/a.txt",
            format!("{}\n", fake::npm()),
            "secret:npm-token",
        ),
        (
            "/app/a.txt",
            format!("{}\n", fake::pypi()),
            "secret:pypi-token",
        ),
        (
            "/root/.ssh/id_rsa",
            fake::pem("RSA PRIVATE KEY"),
            "secret:private-key-rsa",
        ),
        ("/k", fake::pem("EC PRIVATE KEY"), "secret:private-key-ec"),
        ("/k", fake::pem("DSA PRIVATE KEY"), "secret:private-key-dsa"),
        (
            "/k",
            fake::pem("OPENSSH PRIVATE KEY"),
            "secret:private-key-openssh",
        ),
        (
            "/k",
            fake::pem("PGP PRIVATE KEY BLOCK"),
            "secret:private-key-pgp",
        ),
        ("/k", fake::pem("PRIVATE KEY"), "secret:private-key-pkcs8"),
        (
            "/k",
            fake::pem("ENCRYPTED PRIVATE KEY"),
            "secret:private-key-encrypted",
        ),
        (
            "/app/.git/config",
            format!(
                "[remote \"origin\"]\n\turl = https://deploy:{}@git.example.com/a.git\n",
                fake::password()
            ),
            "secret:git-credentials",
        ),
        (
            "/root/.npmrc",
            format!("//registry.example.com/:_authToken={}\n", fake::password()),
            "secret:npmrc-credentials",
        ),
        (
            "/root/.pypirc",
            format!("[pypi]\nusername = me\npassword = {}\n", fake::password()),
            "secret:pypirc-credentials",
        ),
        (
            "/root/.netrc",
            format!(
                "machine example.com login me password {}\n",
                fake::password()
            ),
            "secret:netrc-credentials",
        ),
        (
            "/root/.docker/config.json",
            format!(
                "{{\"auths\":{{\"r.example.com\":{{\"auth\":\"{}\"}}}}}}",
                fake::password()
            ),
            "secret:docker-config-auth",
        ),
        (
            "/app/settings.py",
            format!("DB = 'postgres://app:{}@db:5432/app'\n", fake::password()),
            "secret:url-credentials",
        ),
        (
            "/app/a.txt",
            format!("Authorization: Bearer {}\n", fake::jwt()),
            "secret:jwt",
        ),
        (
            "/srv/.env",
            "# settings\nDEBUG=1\n".to_string(),
            "secret:dotenv-file",
        ),
        (
            "/app/config.yaml",
            format!("db:\n  password: \"{}\"\n", fake::password()),
            "secret:generic-secret",
        ),
    ];
    for (path, text, want) in cases {
        let got = rules(path, &text);
        assert_eq!(got, vec![want.to_string()], "{path}: {text}");
    }
}

#[test]
fn lines_and_redaction() {
    let text = format!("a\nb\nkey={}\n\n{}\n", fake::aws_id(), fake::github());
    let got = scan("/app/x", &text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].1, got[1].1), (3, 5));
    let id = fake::aws_id();
    assert_eq!(
        got[0].2.as_deref(),
        Some(format!("{}…{}", &id[..2], &id[18..]).as_str())
    );
    let key = scan("/k", &fake::pem("RSA PRIVATE KEY"));
    let shown = key[0].2.clone().unwrap();
    assert!(
        shown.starts_with("MI…") && shown.chars().count() == 5,
        "{shown}"
    );
}

#[test]
fn placeholders_references_and_low_entropy_are_not_secrets() {
    for text in [
        "password = changeme123",
        "password: ${DB_PASSWORD}",
        "password = os.environ['DB_PASSWORD']",
        "secret_key = settings.SECRET_KEY",
        "token = get_token(request)",
        "password: aaaaaaaaaaaa",
        "api_key = \"your-api-key-here\"",
        "password = <PASSWORD>",
        "PASSWORD_FILE=/run/secrets/db_password",
        "postgres://user:password@localhost/db",
        "token: 12345678",
    ] {
        assert!(
            rules("/app/config", text).is_empty(),
            "{text}: {:?}",
            rules("/app/config", text)
        );
    }
    // A private-key header without a body, as in code that looks for keys.
    let code = "if line.startswith('-----BEGIN RSA PRIVATE KEY-----'):\n    pass\n# -----END RSA PRIVATE KEY-----\n";
    assert!(rules("/app/x.py", code).is_empty());
}

#[test]
fn path_rules_need_their_paths() {
    let text = format!("password {}\n", fake::password());
    assert_eq!(rules("/root/.netrc", &text), ["secret:netrc-credentials"]);
    assert!(rules("/app/notes.txt", &text).is_empty());
    assert_eq!(
        rules("/srv/.env.production", "A=1\n"),
        ["secret:dotenv-file"]
    );
    assert!(rules("/srv/.env.example", "A=1\n").is_empty(), "a template");
    assert!(rules("/srv/env.txt", "A=1\n").is_empty());
}

#[test]
fn the_specific_rule_wins_an_overlap() {
    let text = format!("GITHUB_TOKEN={}\n", fake::github());
    assert_eq!(rules("/app/x", &text), ["secret:github-token"]);
    let text = format!(
        "url = https://x-access-token:{}@github.com/o/r.git\n",
        fake::github()
    );
    assert_eq!(rules("/app/.git/config", &text), ["secret:github-token"]);
    assert_eq!(
        rules("/app/sa.json", &fake::gcp_service_account()),
        ["secret:gcp-service-account"]
    );
}

#[test]
fn known_test_values_are_suppressed() {
    let text = p("AKIAIOSFODNN7", "EXAMPLE");
    let got = scan("/app/x", &text);
    assert_eq!(got.len(), 1);
    assert!(got[0].3, "the AWS example key is allowed");
    let got = scan("/app/k.pem", &fake::rfc9500_ecc_p256());
    assert_eq!(got[0].0, "secret:private-key-ec");
    assert!(got[0].3, "the RFC 9500 test key is allowed");
}

#[test]
fn binary_and_entropy_helpers() {
    assert!(is_binary(b"\x7fELF\0\0"));
    assert!(!is_binary(b"plain text"));
    assert!(entropy(b"aaaa") < 0.01);
    assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
}

#[test]
fn generic_values_in_source_code_must_be_quoted() {
    let pw = fake::password();
    assert!(rules("/app/index.js", &format!("const cfg = {{ token: {pw} }};")).is_empty());
    assert_eq!(
        rules(
            "/app/index.js",
            &format!("const cfg = {{ token: \"{pw}\" }};")
        ),
        ["secret:generic-secret"]
    );
    assert_eq!(
        rules("/app/config.yml", &format!("token: {pw}\n")),
        ["secret:generic-secret"]
    );
    assert!(rules("/app/x.js.map", &format!("withCredentials: {pw},")).is_empty());
    // A URL with a password is reported in code too.
    assert_eq!(
        rules("/app/db.py", &format!("DSN = postgres://app:{pw}@db/app\n")),
        ["secret:url-credentials"]
    );
}

#[test]
fn pagination_and_request_tokens_are_not_secrets() {
    for text in [
        "\"ClientRequestToken\": \"1d2129a1-3d38-460a-9756-e5b91fddb951\"",
        "\"NextContinuationToken\": \"1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==\"",
        "\"input_token\": \"ExclusiveStartBackupArn\"",
        "\"PurchaseToken\": \"eyJ2IjoiMSIsInMiOjEsImMiOi...\"",
        "api_key: 1d2129a1-3d38-460a-9756-e5b91fddb951",
    ] {
        assert!(rules("/data/examples.json", text).is_empty(), "{text}");
    }
}
