//! Environment, labels and history of a config; build arguments; masking.

use secchain_oci::{Digest, HistoryEntry, ImageConfig, Layer};

use super::*;
use crate::scanner::ScanOptions;
use crate::testdata::fake;

fn layer(index: usize) -> Layer {
    Layer {
        index,
        digest: Digest::sha256(format!("layer {index}").as_bytes()),
        size: 1,
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip".into(),
        diff_id: None,
    }
}

fn history(created_by: &str, empty_layer: bool) -> HistoryEntry {
    HistoryEntry {
        created_by: Some(created_by.to_string()),
        empty_layer,
        ..HistoryEntry::default()
    }
}

fn found(config: &ImageConfig) -> Vec<(String, String, Option<usize>, bool)> {
    let scanner = Scanner::new(ScanOptions::default());
    scan_config(&scanner, config, &[layer(0), layer(1)])
        .into_iter()
        .map(|m| {
            (
                m.path,
                m.found.rule.id.to_string(),
                m.layer.map(|l| l.0),
                m.found.suppressed_by.is_some(),
            )
        })
        .collect()
}

#[test]
fn env_labels_and_history() {
    let mut config = ImageConfig::default();
    config.config.env = vec![
        "PATH=/usr/local/bin:/usr/bin".into(),
        format!("AWS_ACCESS_KEY_ID={}", fake::aws_id()),
        format!("AWS_SECRET_ACCESS_KEY={}", fake::aws_secret()),
        "DB_PASSWORD=hunter22".into(),
        "DB_PASSWORD_FILE=/run/secrets/db".into(),
        "API_TOKEN=".into(),
        "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D".into(),
    ];
    config
        .config
        .labels
        .insert("ci.token".into(), fake::gitlab());
    config.history = vec![
        history("ADD file:abc in /", false),
        history("ARG NPM_TOKEN", true),
        history(
            &format!(
                "RUN |2 NPM_TOKEN={} MODE=prod /bin/sh -c npm ci",
                fake::npm()
            ),
            false,
        ),
        history("ARG DEPLOY_PASSWORD=s3cr3t-Value", true),
    ];
    let got = found(&config);
    let want = [
        (
            "config.Env[AWS_ACCESS_KEY_ID]",
            "secret:aws-access-key",
            None,
        ),
        (
            "config.Env[AWS_SECRET_ACCESS_KEY]",
            "secret:aws-secret-key",
            None,
        ),
        ("config.Env[DB_PASSWORD]", "secret:config-env", None),
        ("config.Labels[ci.token]", "secret:gitlab-token", None),
        ("config.history[2]", "secret:npm-token", Some(1)),
        ("config.history[3]", "secret:build-arg", None),
    ];
    let got_short: Vec<(&str, &str, Option<usize>)> = got
        .iter()
        .map(|g| (g.0.as_str(), g.1.as_str(), g.2))
        .collect();
    assert_eq!(got_short, want);
}

#[test]
fn a_build_arg_with_an_unrecognisable_value() {
    let config = ImageConfig {
        history: vec![history(
            "RUN |1 GITHUB_TOKEN=abcdefgh1234 /bin/sh -c make",
            false,
        )],
        ..ImageConfig::default()
    };
    let got = found(&config);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].1.as_str(), got[0].2), ("secret:build-arg", Some(0)));
}

#[test]
fn masking_keeps_the_command_readable() {
    let scanner = Scanner::new(ScanOptions::default());
    let token = fake::github();
    let line = format!("RUN |2 GH_TOKEN={token} OTHER_PASSWORD=abcdefgh /bin/sh -c make");
    let masked = mask(&scanner, &line);
    assert!(
        !masked.contains(&token) && !masked.contains("abcdefgh"),
        "{masked}"
    );
    assert!(
        masked.starts_with("RUN |2 GH_TOKEN=gh…")
            && masked.ends_with("OTHER_PASSWORD=a…h /bin/sh -c make"),
        "{masked}"
    );
}

#[test]
fn names_and_literals() {
    assert!(
        secret_name("DB_PASSWORD")
            && secret_name("npm-token")
            && secret_name("AWS_SECRET_ACCESS_KEY")
    );
    assert!(!secret_name("PASSWORD_FILE") && !secret_name("TOKEN_URL") && !secret_name("AUTHOR"));
    assert!(literal("hunter22") && !literal("${X}") && !literal("true") && !literal("abc"));
    let a = assignments("RUN |2 A=1 B=two /bin/sh -c echo C=3");
    let names: Vec<&str> = a.iter().map(|x| x.0).collect();
    assert_eq!(names, ["A", "B"]);
    let a = assignments("/bin/sh -c #(nop)  ARG TOKEN=xyz");
    assert_eq!(a, [("TOKEN", 29..32)]);
}
