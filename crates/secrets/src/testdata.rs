//! Fake secrets for this crate's tests, assembled at run time from a seeded generator,
//! so no file in the repository holds anything that looks like a live credential.
//! Not part of the API.

/// Concatenates two pieces (keeps recognisable prefixes out of the source text).
pub fn p(a: &str, b: &str) -> String {
    format!("{a}{b}")
}

/// Deterministic pseudo-random text over `alphabet`.
pub fn random(seed: u64, len: usize, alphabet: &[u8]) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Fake credentials, one per rule.
pub mod fake {
    use super::{p, random, ALNUM, B64URL};

    /// A GitHub personal access token.
    pub fn github() -> String {
        p("gh", &p("p_", &random(1, 36, ALNUM)))
    }
    /// A GitLab personal access token.
    pub fn gitlab() -> String {
        p("glp", &p("at-", &random(2, 20, ALNUM)))
    }
    /// An AWS access key id.
    pub fn aws_id() -> String {
        p(
            "AK",
            &p("IA", &random(3, 16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
        )
    }
    /// An AWS secret access key.
    pub fn aws_secret() -> String {
        random(
            4,
            40,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
        )
    }
    /// A Slack bot token.
    pub fn slack() -> String {
        p(
            "xo",
            &p(
                "xb-",
                &format!(
                    "{}-{}-{}",
                    random(5, 12, b"0123456789"),
                    random(6, 13, b"0123456789"),
                    random(7, 24, ALNUM)
                ),
            ),
        )
    }
    /// A Slack webhook URL.
    pub fn slack_webhook() -> String {
        format!(
            "https://hooks.{}/services/T{}/B{}/{}",
            p("slack", ".com"),
            random(8, 8, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            random(9, 8, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            random(10, 24, ALNUM)
        )
    }
    /// A Google API key.
    pub fn google_api() -> String {
        p("AI", &p("za", &random(11, 35, B64URL)))
    }
    /// A Google Cloud service-account key file.
    pub fn gcp_service_account() -> String {
        let key = pem("PRIVATE KEY").replace('\n', "\\n");
        format!(
            "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{key}\",\n  \"client_email\": \"demo@demo.iam.gserviceaccount.com\"\n}}\n",
            random(12, 40, b"0123456789abcdef")
        )
    }
    /// A Stripe live secret key.
    pub fn stripe_live() -> String {
        p("sk_", &p("live_", &random(13, 24, ALNUM)))
    }
    /// A Stripe test secret key.
    pub fn stripe_test() -> String {
        p("sk_", &p("test_", &random(14, 24, ALNUM)))
    }
    /// An npm access token.
    pub fn npm() -> String {
        p("np", &p("m_", &random(15, 36, ALNUM)))
    }
    /// A PyPI API token.
    pub fn pypi() -> String {
        p("pypi-", &p("AgEIcHlwaS5vcmc", &random(16, 64, B64URL)))
    }
    /// A password-like value: 20 mixed characters.
    pub fn password() -> String {
        format!("{}7Q", random(17, 18, ALNUM))
    }
    /// A JSON Web Token.
    pub fn jwt() -> String {
        format!(
            "{}.{}.{}",
            p("ey", "JhbGciOiJIUzI1NiJ9"),
            p("ey", &p("J", &random(18, 30, B64URL))),
            random(19, 43, B64URL)
        )
    }
    /// A PEM block with armour `label` (`RSA PRIVATE KEY`) and a fake DER body.
    pub fn pem(label: &str) -> String {
        let body = format!(
            "MIIEow{}",
            random(
                20,
                250,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            )
        );
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----{} {label}-----\n{}\n-----END {label}-----\n",
            "BEGIN",
            lines.join("\n")
        )
    }
    /// RFC 9500's testECCP256 key: a published test key the allow-list must recognise.
    pub fn rfc9500_ecc_p256() -> String {
        [
            p("-----BEGIN EC PRIVATE ", "KEY-----"),
            "MHcCAQEEIObLW92AqkWunJXowVR2Z5/+yVPBaFHnEedDk5WJxk/BoAoGCCqGSM49".into(),
            "AwEHoUQDQgAEQiVI+I+3gv+17KN0RFLHKh5Vj71vc75eSOkyMsxFxbFsTNEMTLjV".into(),
            "uKFxOelIgsiZJXKZNCX0FBmrfpCkKklCcg==".into(),
            p("-----END EC PRIVATE ", "KEY-----"),
        ]
        .join("\n")
            + "\n"
    }
}
