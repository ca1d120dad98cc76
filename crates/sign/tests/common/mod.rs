//! Shared set-up for the interop tests: a real registry, an image in it, the real
//! cosign, keys made by either tool.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Output;
use std::sync::{Arc, OnceLock};

use secchain_oci::{Digest, ImageReference};
use secchain_sign::{
    GenerateOptions, KeyRef, PasswordSource, PredicateType, SignatureFormat, SignerSpec,
    SigningKeyPair,
};
use secchain_test::{tool, LayerBuilder, Registry, TestContext};

/// The password of every test key.
pub const PASSWORD: &str = "correct horse battery staple";

/// A registry with one image in it, and a test context.
pub struct World {
    pub registry: Registry,
    pub ctx: TestContext,
    /// `127.0.0.1:PORT/app`.
    pub repo: String,
    /// The pushed image's digest.
    pub digest: String,
}

impl World {
    /// Starts a registry and pushes a one-layer image as `app:v1`.
    pub fn new() -> Self {
        let registry = Registry::start();
        let ctx = TestContext::new();
        let repo = format!("{}/app", registry.addr());
        let digest = push_image(&ctx, &format!("{repo}:v1"), "one");
        World {
            registry,
            ctx,
            repo,
            digest,
        }
    }

    /// `repo@digest`.
    pub fn image(&self) -> String {
        format!("{}@{}", self.repo, self.digest)
    }

    /// Pushes another image as `app:<tag>` and returns its digest.
    pub fn push_other(&self, tag: &str) -> String {
        push_image(&self.ctx, &format!("{}:{tag}", self.repo), tag)
    }

    /// Runs cosign with `args` (COSIGN_PASSWORD set) in the test's environment.
    pub fn cosign(&self, args: &[&str]) -> Output {
        let mut cmd = self.ctx.command(tool("cosign"));
        cmd.args(args).env("COSIGN_PASSWORD", PASSWORD);
        cmd.output()
            .unwrap_or_else(|e| panic!("cannot run cosign: {e}"))
    }

    /// Runs cosign and panics with its output unless it succeeds.
    pub fn cosign_ok(&self, args: &[&str]) -> String {
        let out = self.cosign(args);
        assert!(
            out.status.success(),
            "cosign {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs cosign and panics unless it fails; returns its stderr.
    pub fn cosign_fails(&self, args: &[&str]) -> String {
        let out = self.cosign(args);
        assert!(
            !out.status.success(),
            "cosign {args:?} unexpectedly succeeded:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// The key pair `cosign generate-key-pair` made for this test binary.
    pub fn cosign_keys(&self) -> &'static Keys {
        cosign_keys()
    }

    /// secchain sign (library).
    pub async fn sign(
        &self,
        image: &str,
        signer: SignerSpec,
        format: SignatureFormat,
        annotations: &[(&str, &str)],
    ) -> secchain_sign::SignOutcome {
        secchain_sign::sign_image(&secchain_sign::SignRequest {
            image: image.to_string(),
            digest: None,
            signer,
            format,
            annotations: annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            dry_run: false,
            registry: secchain_oci::OpenOptions::default(),
        })
        .await
        .unwrap_or_else(|e| panic!("secchain sign {image}: {e}"))
    }

    /// secchain attest (library).
    pub async fn attest(
        &self,
        image: &str,
        signer: SignerSpec,
        format: SignatureFormat,
        predicate_type: &str,
        predicate: serde_json::Value,
    ) -> secchain_sign::SignOutcome {
        secchain_sign::attest_image(&secchain_sign::AttestRequest {
            image: image.to_string(),
            digest: None,
            signer,
            format,
            predicate_type: PredicateType::parse(predicate_type).unwrap(),
            predicate,
            dry_run: false,
            registry: secchain_oci::OpenOptions::default(),
        })
        .await
        .unwrap_or_else(|e| panic!("secchain attest {image}: {e}"))
    }

    /// secchain verify (library).
    pub async fn verify(
        &self,
        image: &str,
        public: &std::path::Path,
        attestation: Option<&str>,
        annotations: &[(&str, &str)],
        formats: &[SignatureFormat],
    ) -> secchain_sign::VerificationReport {
        secchain_sign::verify_image(&secchain_sign::VerifyRequest {
            image: image.to_string(),
            key: KeyRef::File(public.to_path_buf()),
            attestation: attestation.map(|t| PredicateType::parse(t).unwrap()),
            annotations: annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            formats: formats.to_vec(),
            registry: secchain_oci::OpenOptions::default(),
        })
        .await
        .unwrap_or_else(|e| panic!("secchain verify {image}: {e}"))
    }

    /// A store on the test repository (for tampering).
    pub fn store(&self) -> secchain_sign::RegistryStore {
        let r = ImageReference::parse(&self.image()).unwrap();
        secchain_sign::RegistryStore::new(&r, &secchain_oci::OpenOptions::default())
    }

    /// The digest as a `Digest`.
    pub fn subject(&self) -> Digest {
        Digest::parse(&self.digest).unwrap()
    }
}

/// A key pair on disk and its signing key, decrypted once.
pub struct Keys {
    /// The encrypted private key.
    pub key: PathBuf,
    /// The public key.
    pub public: PathBuf,
    /// The decrypted key.
    pub pair: Arc<SigningKeyPair>,
}

impl Keys {
    /// A signer spec using the already decrypted key.
    pub fn signer(&self) -> SignerSpec {
        SignerSpec::Provided(self.pair.clone())
    }

    /// A signer spec that reads and decrypts the key file.
    pub fn file_signer(&self) -> SignerSpec {
        SignerSpec::Key {
            key: KeyRef::File(self.key.clone()),
            password: PasswordSource::given(PASSWORD),
        }
    }

    /// The private key path as a string.
    pub fn key_str(&self) -> &str {
        self.key.to_str().unwrap()
    }

    /// The public key path as a string.
    pub fn pub_str(&self) -> &str {
        self.public.to_str().unwrap()
    }
}

/// One `cosign generate-key-pair` per test binary, decrypted once: cosign's scrypt
/// (N=65536) takes seconds in an unoptimised build.
pub fn cosign_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("sign-cosign-keys-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ctx = TestContext::new();
        let mut cmd = ctx.command(tool("cosign"));
        cmd.arg("generate-key-pair")
            .current_dir(&dir)
            .env("COSIGN_PASSWORD", PASSWORD);
        let out = cmd.output().expect("run cosign generate-key-pair");
        assert!(
            out.status.success(),
            "cosign generate-key-pair: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let key = dir.join("cosign.key");
        let pair = secchain_sign::load_signing_key(
            &KeyRef::File(key.clone()),
            &PasswordSource::given(PASSWORD),
        )
        .expect("secchain reads the key cosign generated");
        Keys {
            key,
            public: dir.join("cosign.pub"),
            pair: Arc::new(pair),
        }
    })
}

/// A second key pair (secchain-generated, cheap scrypt parameters), once per binary.
pub fn other_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("sign-other-keys-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = secchain_sign::generate_key_pair(
            &dir,
            &PasswordSource::given(PASSWORD),
            &GenerateOptions {
                scrypt: secchain_sign::key::cosign_format::ScryptParams {
                    n: 1024,
                    r: 8,
                    p: 1,
                },
                ..GenerateOptions::default()
            },
        )
        .unwrap();
        let pair = secchain_sign::load_signing_key(
            &KeyRef::File(out.private_key.clone()),
            &PasswordSource::given(PASSWORD),
        )
        .unwrap();
        Keys {
            key: out.private_key,
            public: out.public_key,
            pair: Arc::new(pair),
        }
    })
}

/// Pushes a one-layer image with `crane append` and returns its digest.
pub fn push_image(ctx: &TestContext, reference: &str, content: &str) -> String {
    let layer = LayerBuilder::new()
        .file("etc/hello.txt", format!("hello {content}\n"), 0o644)
        .tar_gz();
    let path = ctx.write(format!("layer-{content}.tar.gz"), layer);
    ctx.crane_append(reference, &[path])
}

/// A SLSA provenance v1 predicate.
pub fn slsa_predicate() -> serde_json::Value {
    serde_json::json!({
        "buildDefinition": {
            "buildType": "https://secchain.dev/build/v1",
            "externalParameters": {"pipeline": "pipeline.yaml"}
        },
        "runDetails": {"builder": {"id": "https://secchain.dev/builder"}}
    })
}

/// Asserts a verification report passed, with its reasons otherwise.
pub fn assert_passed(report: &secchain_sign::VerificationReport) {
    assert!(
        report.passed,
        "verification failed: {}\n{:#?}",
        report.reason, report.checks
    );
}

/// Asserts a verification report failed and its reason mentions `needle`.
pub fn assert_failed(report: &secchain_sign::VerificationReport, needle: &str) {
    assert!(
        !report.passed,
        "verification unexpectedly passed: {}",
        report.reason
    );
    assert!(
        report.reason.contains(needle),
        "expected `{needle}` in the reason: {}\n{:#?}",
        report.reason,
        report.checks
    );
}
