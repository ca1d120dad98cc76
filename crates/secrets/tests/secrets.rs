//! The stage on images pushed to a real registry: a key copied then deleted, a `.git`
//! directory with a token copied then removed, a token passed as a build argument, an
//! AWS key in ENV, test keys the allow-list must ignore — and no full secret anywhere
//! in what the stage writes.

mod common;

use common::{push, run, run_stage, set_history};
use secchain_secrets::testdata::{fake, p};
use secchain_test::{LayerBuilder, Registry, TestContext};
use serde_json::json;

struct Planted {
    image: String,
    secrets: Vec<String>,
}

fn careless_image(registry: &Registry, ctx: &TestContext) -> Planted {
    let key = fake::pem("RSA PRIVATE KEY");
    let git_token = fake::github();
    let arg_token = fake::npm();
    let aws_id = fake::aws_id();
    let aws_secret = fake::aws_secret();
    let env_password = fake::password();
    let base = LayerBuilder::new()
        .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0o644)
        .file("root/.ssh/id_rsa", key.clone(), 0o600)
        .file("app/.git/HEAD", "ref: refs/heads/main\n", 0o644)
        .file(
            "app/.git/config",
            format!("[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://ci:{git_token}@github.com/acme/app.git\n"),
            0o644,
        )
        .file("app/main.py", "print('hello')\n", 0o644)
        .file("srv/.env", format!("MODE=prod\nDB_PASSWORD={env_password}\n"), 0o600)
        // Test keys the allow-list must ignore.
        .file("app/docs/aws.md", format!("Use `{}` as in the AWS docs.\n", p("AKIAIOSFODNN7", "EXAMPLE")), 0o644)
        .file("app/testdata/fixture.txt", format!("key = {}\n", fake::aws_id()), 0o644)
        .file("app/certs/rfc9500.pem", fake::rfc9500_ecc_p256(), 0o644)
        .file("app/bin/server", vec![0x7f, b'E', b'L', b'F', 0, 0, 0, 0, b'g', b'h', b'p', b'_'], 0o755);
    // The "cleanup" layer: deletes the key and the repository, empties the .env.
    let cleanup = LayerBuilder::new()
        .whiteout("root/.ssh/id_rsa")
        .whiteout("app/.git")
        .file("srv/.env", "MODE=prod\n", 0o600);
    let build_arg_line =
        format!("RUN |1 NPM_TOKEN={arg_token} /bin/sh -c npm ci && rm -rf /root/.ssh /app/.git");
    let image = push(registry, ctx, "careless", &[base, cleanup], |c| {
        c["config"]["Env"] = json!([
            "PATH=/usr/local/bin:/usr/bin:/bin",
            format!("AWS_ACCESS_KEY_ID={aws_id}"),
            format!("AWS_SECRET_ACCESS_KEY={aws_secret}"),
        ]);
        c["config"]["User"] = json!("10001");
        set_history(
            c,
            &[
                ("COPY . / # buildkit", false),
                ("ARG NPM_TOKEN", true),
                (&build_arg_line, false),
            ],
        );
    });
    Planted {
        image,
        secrets: vec![key, git_token, arg_token, aws_id, aws_secret, env_password],
    }
}

#[test]
fn what_a_careless_build_left_behind_is_found() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let planted = careless_image(&registry, &ctx);
    let r = run(&planted.image, None, json!({"hygiene": false}), json!(null));

    let found = r.secrets();
    let has = |rule: &str, path: &str, line: Option<u64>, layer: Option<u64>, visible: bool| {
        assert!(
            found.contains(&(rule.into(), path.into(), line, layer, visible)),
            "missing ({rule}, {path}, {line:?}, {layer:?}, {visible}) in {found:#?}"
        );
    };
    // Deleted in layer 1, still readable in layer 0.
    has(
        "secret:private-key-rsa",
        "/root/.ssh/id_rsa",
        Some(1),
        Some(0),
        false,
    );
    has("secret:git-directory", "/app/.git", None, Some(0), false);
    has(
        "secret:github-token",
        "/app/.git/config",
        Some(4),
        Some(0),
        false,
    );
    // Overwritten in layer 1: the old .env held the password.
    has("secret:dotenv-file", "/srv/.env", Some(1), Some(0), false);
    has(
        "secret:generic-secret",
        "/srv/.env",
        Some(2),
        Some(0),
        false,
    );
    has("secret:dotenv-file", "/srv/.env", Some(1), Some(1), true);
    // The config.
    has(
        "secret:aws-access-key",
        "config.Env[AWS_ACCESS_KEY_ID]",
        None,
        None,
        true,
    );
    has(
        "secret:aws-secret-key",
        "config.Env[AWS_SECRET_ACCESS_KEY]",
        None,
        None,
        true,
    );
    has("secret:npm-token", "config.history[2]", None, Some(1), true);
    assert_eq!(found.len(), 9, "{found:#?}");

    // Test keys: suppressed, with the reason, and never blocking.
    let suppressed = r.suppressed();
    let rules: Vec<(&str, &str)> = suppressed
        .iter()
        .map(|s| (s.0.as_str(), s.1.as_str()))
        .collect();
    assert!(
        rules.contains(&("secret:aws-access-key", "/app/docs/aws.md")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("secret:aws-access-key", "/app/testdata/fixture.txt")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("secret:private-key-ec", "/app/certs/rfc9500.pem")),
        "{rules:?}"
    );
    assert!(r.everything.contains("RFC 9500 testECCP256"));

    // Every finding carries the layer digest and a message saying where it is.
    let layer0 = r.secrets["findings"][0]["layer"]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(layer0.starts_with("sha256:") && layer0.len() == 71);
    let key = r
        .report
        .findings
        .iter()
        .find(|f| f.rule == "secret:private-key-rsa")
        .unwrap();
    assert_eq!(key.location.as_deref(), Some("/root/.ssh/id_rsa:1"));
    assert!(
        key.message.contains(&layer0) && key.message.contains("deleted or overwritten"),
        "{}",
        key.message
    );
    assert!(key.blocking && key.severity == "critical");
    let dotenv = r
        .report
        .findings
        .iter()
        .find(|f| f.rule == "secret:dotenv-file")
        .unwrap();
    assert!(
        !dotenv.blocking,
        "medium is under the default fail_on: high"
    );
    assert!(
        r.report.findings.iter().all(|f| f.suppressed_by.is_none()),
        "built-in suppressions stay out of the report"
    );
    assert_eq!(r.report.data["only_in_earlier_layers"], 5);
    assert!(
        r.report
            .summary
            .contains("9 secrets (5 only in earlier layers)"),
        "{}",
        r.report.summary
    );

    // Not one full secret, nor any 8-character piece of one, in the report or the files.
    for secret in &planted.secrets {
        let compact: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
        for window in compact.as_bytes().windows(8) {
            let piece = std::str::from_utf8(window).unwrap();
            if piece.contains("-----") || piece.contains("PRIVATE") {
                continue;
            }
            assert!(
                !r.everything.contains(piece),
                "`{piece}` of a secret leaked"
            );
        }
    }
}

#[test]
fn the_shared_pass_and_a_walk_of_its_own_find_the_same() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let planted = careless_image(&registry, &ctx);
    let with = json!({"hygiene": false});
    let shared = run_stage(&planted.image, None, with.clone(), json!(null), true);
    let own = run_stage(&planted.image, None, with, json!(null), false);
    assert!(
        shared
            .messages
            .iter()
            .any(|m| m.contains("one pass over the layers")),
        "{:?}",
        shared.messages
    );
    assert!(
        own.messages
            .iter()
            .any(|m| m.contains("walking the layers again")),
        "{:?}",
        own.messages
    );
    assert!(!shared.secrets().is_empty());
    assert_eq!(shared.secrets(), own.secrets());
    assert_eq!(shared.suppressed(), own.suppressed());
    assert_eq!(shared.secrets["stats"], own.secrets["stats"]);
}

#[test]
fn the_user_allow_list_and_the_gate() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let planted = careless_image(&registry, &ctx);
    let with = json!({
        "hygiene": false,
        "allow": [
            {"rule": "secret:private-key-rsa", "path": "/root/.ssh/*", "reason": "throwaway deploy key, revoked"},
            {"path": "config.Env[*]", "reason": "CI-only credentials"},
        ],
    });
    let r = run(&planted.image, None, with, json!({"fail_on": "critical"}));
    let key = r
        .report
        .findings
        .iter()
        .find(|f| f.rule == "secret:private-key-rsa")
        .unwrap();
    assert_eq!(
        key.suppressed_by.as_deref(),
        Some("allowlist: throwaway deploy key, revoked")
    );
    assert!(!key.blocking);
    let env: Vec<_> = r
        .report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("secret:aws-"))
        .collect();
    assert_eq!(env.len(), 2);
    assert!(env.iter().all(|f| f.suppressed_by.is_some() && !f.blocking));
    let blocking: Vec<&str> = r
        .report
        .findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(blocking, ["secret:github-token", "secret:npm-token"]);
}
