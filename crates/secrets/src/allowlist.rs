//! Allow-lists: values and paths that look like secrets but are known not to be.
//!
//! Built in:
//! - documented example values, by SHA-256 (AWS's `AKIAIOSFODNN7EXAMPLE` pair and any
//!   AWS key ending in `EXAMPLE`, jwt.io's sample token, Stripe's documented test key);
//! - the RFC 9500 standard test keys (RSA, EC and DSA, in their own and PKCS#8 form),
//!   by SHA-256 of the key's DER;
//! - paths where test fixtures live (`**/testdata/**`, tests inside `node_modules` and
//!   Python packages, CPython's own test suite, `/usr/share/doc`).
//!
//! The user's `with.allow` entries come on top: each names a rule, a path glob and/or
//! the SHA-256 of the value (for a private key: of its DER, `sed '/-----/d' key.pem |
//! base64 -d | sha256sum`), and says why. All given fields must match.

use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::glob::Glob;
use crate::pem::pem_der;
use crate::rules::{Check, Rule};

/// One `with.allow` entry.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    /// A rule id (`secret:jwt`); absent: any rule.
    #[serde(default)]
    pub rule: Option<String>,
    /// A path glob (`/app/fixtures/**`); absent: any path.
    #[serde(default)]
    pub path: Option<String>,
    /// The SHA-256 (hex) of the value; absent: any value.
    #[serde(default)]
    pub value_sha256: Option<String>,
    /// Why it is allowed (required; recorded with the suppressed finding).
    #[serde(default)]
    pub reason: String,
}

/// Documented example values, as SHA-256 of the value, with the reason.
const KNOWN_VALUES: &[(&str, &str)] = &[
    (
        "1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3",
        "AWS documentation example access key id",
    ),
    (
        "78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598",
        "AWS documentation example secret key",
    ),
    (
        "c6ea27c534f993d31f0aef882e3d200e7b87470c379ae79c8f9b19d3bd363dc9",
        "AWS documentation example access key id",
    ),
    (
        "e21b597ba6b9cafa59d9ebc4d65c0385f5eb3fa56abab2607fa76589ad849a33",
        "AWS documentation example secret key",
    ),
    (
        "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
        "jwt.io sample token",
    ),
    (
        "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
        "Stripe documentation test key",
    ),
    (
        "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",
        "Stripe documentation test key",
    ),
];

/// RFC 9500 test keys: SHA-256 of the DER, in the key's own form and as PKCS#8.
const TEST_KEYS: &[(&str, &str)] = &[
    (
        "01bfa457f9af0822682c874cda4a7bbeae0e77db889dffa0c0ab0d4eb1bcdea1",
        "RFC 9500 testRSA1024",
    ),
    (
        "537845beaf1efd0316ed2b7522e7de050d665a93a01316c5919838e440f28f7b",
        "RFC 9500 testRSA1024",
    ),
    (
        "5882709c242c6f47cef05fb6a601322092635fd40c639d7548e4f488f4fbddf8",
        "RFC 9500 testRSA2048",
    ),
    (
        "01ef24fa2abb1c7c446ea4e921fa278f822ab3f8828f1c5da8791359b603910e",
        "RFC 9500 testRSA2048",
    ),
    (
        "a859072142256c4cf3ee14288a363eed354fde60ca1ed1b3b0f2fb656871fb3f",
        "RFC 9500 testRSA4096",
    ),
    (
        "344777f58b59b987e87cdae41d9bcaf1718150a88d2e55e6ce451d3b71fdc069",
        "RFC 9500 testRSA4096",
    ),
    (
        "152abe484b6f0aa434d0127c2cdc3fba48b95384a6e0f45704598c183fc79397",
        "RFC 9500 testECCP256",
    ),
    (
        "847de31f4cb51beca27fd08b31ab69b0bc50ab1495a1e5cb17bbe3dcd21eb128",
        "RFC 9500 testECCP256",
    ),
    (
        "a8f4c40bb82e320a20b896149384b99dbfe46ac7eb229c0991ab86e9810e9bc5",
        "RFC 9500 testECCP384",
    ),
    (
        "aafcd9dcd72509f3c940767b4d0b3dc420572e1d9c4ebcc16e99c239ab2ea107",
        "RFC 9500 testECCP384",
    ),
    (
        "bc45439de4bb00082492595b8f61e7f5fb8dfc38e846f27f25133d81ebbbc560",
        "RFC 9500 testECCP521",
    ),
    (
        "b5cbb151767cb434095735514bc870d2e264c89b4e1966d149403e6c8fe0f183",
        "RFC 9500 testECCP521",
    ),
    (
        "6bada16be7ca070935a80bfe63c29fae9cbd9e12bbdd5037516b26e9f3dceeb2",
        "RFC 9500 testDLP1024",
    ),
    (
        "6f32977fb6f61ee155794ab9b81aa2f1fb7b31207707e213c704115774877c11",
        "RFC 9500 testDLP1024",
    ),
    (
        "ed5baaa24a1098bb881ebf449dc1b7d6c804aa87afac2ce735318cab4c45bd11",
        "RFC 9500 testDLP2048",
    ),
    (
        "d8aed9435e27bac9c840947568d9f2b4e1dd50848e508698ac27e8929bcee5c8",
        "RFC 9500 testDLP2048",
    ),
    (
        "aefbc6249224b5c6317e6c523b373b624f8802afc1f673424d39f083583c5114",
        "RFC 9500 testDLP4096",
    ),
    (
        "ce7142875eb71ba3fdc6a95ab164eab6ae4f1caa238c1ac618456186aada9b7b",
        "RFC 9500 testDLP4096",
    ),
];

/// Where test fixtures live.
const TEST_PATHS: &[&str] = &[
    "**/testdata/**",
    "**/node_modules/**/test/**",
    "**/node_modules/**/tests/**",
    "**/node_modules/**/__tests__/**",
    "**/node_modules/**/fixtures/**",
    "**/site-packages/**/tests/**",
    "**/site-packages/**/test/**",
    "**/dist-packages/**/tests/**",
    "**/dist-packages/**/test/**",
    "/usr/lib/python3*/test/**",
    "/usr/local/lib/python3*/test/**",
    "/usr/share/doc/**",
];

/// The built-in allow-list plus the user's entries.
#[derive(Clone, Debug)]
pub struct Allowlist {
    paths: Vec<Glob>,
    user: Vec<(AllowEntry, Option<Glob>)>,
}

impl Default for Allowlist {
    fn default() -> Self {
        Allowlist::new(Vec::new())
    }
}

impl Allowlist {
    /// The built-in list plus `user` entries.
    pub fn new(user: Vec<AllowEntry>) -> Self {
        Allowlist {
            paths: TEST_PATHS.iter().map(|p| Glob::new(p)).collect(),
            user: user
                .into_iter()
                .map(|e| {
                    let glob = e.path.as_deref().map(Glob::new);
                    (e, glob)
                })
                .collect(),
        }
    }

    /// Why a finding of `rule` at `path` (with `value`, when it has one) is allowed:
    /// `Some("allowlist: …")`, or `None` when it stands.
    pub fn check(&self, rule: &Rule, path: &str, value: Option<&[u8]>) -> Option<String> {
        let hashes = value.map(|v| value_hashes(rule, v)).unwrap_or_default();
        if let Some(reason) = self.user_match(rule.id, path, &hashes) {
            return Some(format!("allowlist: {reason}"));
        }
        self.builtin(rule, path, value, &hashes)
            .map(|reason| format!("allowlist (built-in): {reason}"))
    }

    fn user_match(&self, rule: &str, path: &str, hashes: &[String]) -> Option<&str> {
        self.user
            .iter()
            .find(|(e, glob)| {
                e.rule.as_deref().is_none_or(|r| r == rule)
                    && glob.as_ref().is_none_or(|g| g.matches(path))
                    && e.value_sha256
                        .as_deref()
                        .is_none_or(|want| hashes.iter().any(|h| h.eq_ignore_ascii_case(want)))
            })
            .map(|(e, _)| e.reason.as_str())
    }

    fn builtin(
        &self,
        rule: &Rule,
        path: &str,
        value: Option<&[u8]>,
        hashes: &[String],
    ) -> Option<String> {
        let known = KNOWN_VALUES.iter().chain(TEST_KEYS);
        if let Some((_, why)) = known
            .into_iter()
            .find(|(h, _)| hashes.iter().any(|x| x == h))
        {
            return Some((*why).to_string());
        }
        if rule.id.starts_with("secret:aws-")
            && value.is_some_and(|v| v.ends_with(b"EXAMPLE") || v.ends_with(b"EXAMPLEKEY"))
        {
            return Some("AWS documentation example key".to_string());
        }
        self.paths
            .iter()
            .find(|g| g.matches(path))
            .map(|g| format!("test fixture path {}", g.as_str()))
    }
}

/// The hashes a value is known by: SHA-256 of the value and, for a PEM body, of its DER.
fn value_hashes(rule: &Rule, value: &[u8]) -> Vec<String> {
    let mut out = vec![hex::encode(Sha256::digest(value))];
    if rule.check == Check::PemBody {
        if let Some(der) = pem_der(value) {
            out.push(hex::encode(Sha256::digest(der)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::rule_by_id;

    fn rule(id: &str) -> &'static Rule {
        rule_by_id(id).unwrap()
    }

    #[test]
    fn documented_examples_and_test_paths_are_allowed() {
        let a = Allowlist::default();
        let aws = rule("secret:aws-access-key");
        assert!(a
            .check(aws, "/app/config", Some(b"AKIAIOSFODNN7EXAMPLE"))
            .is_some());
        assert!(a
            .check(aws, "/app/config", Some(b"AKIAZZZZZZZZZZEXAMPLE"))
            .is_some());
        assert!(a
            .check(aws, "/app/config", Some(b"AKIAQWERTYUIOPASDFGH"))
            .is_none());
        assert!(a
            .check(aws, "/src/x/testdata/creds", Some(b"AKIAQWERTYUIOPASDFGH"))
            .is_some());
        assert!(a
            .check(
                rule("secret:private-key-rsa"),
                "/app/node_modules/jws/test/k.pem",
                Some(b"MII")
            )
            .is_some());
    }

    #[test]
    fn user_entries_need_every_given_field() {
        let value = b"ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        let sha = hex::encode(Sha256::digest(value));
        let a = Allowlist::new(vec![
            AllowEntry {
                rule: Some("secret:github-token".into()),
                path: Some("/fixtures/**".into()),
                reason: "fixtures".into(),
                ..Default::default()
            },
            AllowEntry {
                value_sha256: Some(sha.to_uppercase()),
                reason: "revoked token".into(),
                ..Default::default()
            },
        ]);
        let gh = rule("secret:github-token");
        assert_eq!(
            a.check(gh, "/fixtures/a", Some(b"x")).as_deref(),
            Some("allowlist: fixtures")
        );
        assert!(a
            .check(rule("secret:jwt"), "/fixtures/a", Some(b"x"))
            .is_none());
        assert_eq!(
            a.check(gh, "/app/a", Some(value)).as_deref(),
            Some("allowlist: revoked token")
        );
        assert!(a.check(gh, "/app/a", Some(b"other")).is_none());
    }
}
