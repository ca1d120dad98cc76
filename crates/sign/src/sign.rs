//! `secchain sign` and `secchain attest`: the library functions behind them.
//!
//! [`sign_image`] and [`attest_image`] take a request naming the image, the signer
//! and the format; they resolve the image to its digest (always signing by digest),
//! sign, and push in the chosen format. The `*_with_store` functions do the same on
//! any [`SignatureStore`] for a known subject, and are what the stage and the tests
//! use.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use secchain_oci::manifest::media_type;
use secchain_oci::{Descriptor, Digest, ImageReference, ImageSource};
use serde::{Deserialize, Serialize};

use crate::bundle::{self, Bundle, TlogEntry};
use crate::error::{Error, Result};
use crate::key::{load_signing_key, KeyRef, PasswordSource};
use crate::keyless::KeylessConfig;
use crate::legacy::{self, LegacyKind, LegacyLayer};
use crate::payload::dsse::{self, Envelope};
use crate::payload::intoto::{self, PredicateType, Statement};
use crate::payload::simple_signing::{self, SimpleSigning};
use crate::referrers;
use crate::signer::{ephemeral_signer, LogRequest, Signer, TransparencyLog};
use crate::store::{
    DryRunStore, Prefetched, PushedObject, Recorder, RegistryStore, SignatureStore,
};

/// Which of cosign's two storage formats.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SignatureFormat {
    /// cosign's tag-based format: `sha256-<hex>.sig` / `.att`. The default: it is
    /// what Sigstore policy-controller and Kyverno verify today.
    #[default]
    Legacy,
    /// A Sigstore bundle (v0.3) attached as an OCI 1.1 referrer (cosign 3's default).
    Bundle,
}

impl SignatureFormat {
    /// Parses `legacy` or `bundle`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "legacy" => Ok(SignatureFormat::Legacy),
            "bundle" => Ok(SignatureFormat::Bundle),
            other => Err(Error::Invalid(format!(
                "unknown signature format `{other}` (expected legacy or bundle)"
            ))),
        }
    }
}

impl std::fmt::Display for SignatureFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignatureFormat::Legacy => "legacy",
            SignatureFormat::Bundle => "bundle",
        })
    }
}

/// Who signs.
#[derive(Clone)]
pub enum SignerSpec {
    /// A key file or `env://VAR`, with its password source.
    Key {
        /// The key.
        key: KeyRef,
        /// Where its password comes from.
        password: PasswordSource,
    },
    /// Keyless: a Fulcio certificate for an ephemeral key, the signature logged in Rekor.
    Keyless(KeylessConfig),
    /// A throwaway key: dry runs. Says so in every outcome.
    Ephemeral,
    /// A signer the caller already has (a loaded key, a KMS signer).
    Provided(Arc<dyn Signer>),
}

impl std::fmt::Debug for SignerSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignerSpec::Key { key, password } => f
                .debug_struct("Key")
                .field("key", key)
                .field("password", password)
                .finish(),
            SignerSpec::Keyless(c) => f.debug_tuple("Keyless").field(c).finish(),
            SignerSpec::Ephemeral => f.write_str("Ephemeral"),
            SignerSpec::Provided(s) => write!(f, "Provided({})", s.describe()),
        }
    }
}

/// A ready signer and, for keyless signing, its transparency log.
pub struct SigningSession {
    /// The signer.
    pub signer: Arc<dyn Signer>,
    /// The log signatures are recorded in (keyless only).
    pub tlog: Option<Arc<dyn TransparencyLog>>,
}

impl std::fmt::Debug for SigningSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningSession")
            .field("signer", &self.signer.describe())
            .field("tlog", &self.tlog.is_some())
            .finish()
    }
}

impl SignerSpec {
    /// Loads the key, or obtains the keyless certificate.
    pub async fn open(&self) -> Result<SigningSession> {
        match self {
            SignerSpec::Key { key, password } => {
                let (key, password) = (key.clone(), password.clone());
                // scrypt takes a moment: keep it off the async workers.
                let pair = tokio::task::spawn_blocking(move || load_signing_key(&key, &password))
                    .await
                    .map_err(|e| Error::Crypto(format!("key loading task failed: {e}")))??;
                Ok(SigningSession {
                    signer: Arc::new(pair),
                    tlog: None,
                })
            }
            SignerSpec::Keyless(cfg) => crate::keyless::open_session(cfg).await,
            SignerSpec::Ephemeral => Ok(SigningSession {
                signer: Arc::new(ephemeral_signer()?),
                tlog: None,
            }),
            SignerSpec::Provided(s) => Ok(SigningSession {
                signer: s.clone(),
                tlog: None,
            }),
        }
    }
}

/// A request to sign an image (`secchain sign`).
#[derive(Clone, Debug)]
pub struct SignRequest {
    /// The image: a registry reference (tag or digest), or in a dry run also
    /// `oci:DIR[:TAG]` / `docker-archive:FILE`.
    pub image: String,
    /// The digest to sign when the caller already resolved it (must match a digest in `image`).
    pub digest: Option<String>,
    /// Who signs.
    pub signer: SignerSpec,
    /// Storage format.
    pub format: SignatureFormat,
    /// Annotations (`-a key=value`), signed into the payload.
    pub annotations: BTreeMap<String, String>,
    /// Push nothing; list what would be pushed.
    pub dry_run: bool,
    /// Registry access (credentials, insecure registries, timeouts).
    pub registry: secchain_oci::OpenOptions,
}

/// A request to attest an image (`secchain attest`).
#[derive(Clone, Debug)]
pub struct AttestRequest {
    /// The image (as in [`SignRequest::image`]).
    pub image: String,
    /// The digest when already resolved.
    pub digest: Option<String>,
    /// Who signs.
    pub signer: SignerSpec,
    /// Storage format.
    pub format: SignatureFormat,
    /// The predicate type.
    pub predicate_type: PredicateType,
    /// The predicate (the JSON document given with `--predicate`).
    pub predicate: serde_json::Value,
    /// Push nothing; list what would be pushed.
    pub dry_run: bool,
    /// Registry access.
    pub registry: secchain_oci::OpenOptions,
}

/// What was signed and pushed (written to the stage's `signature.json`).
#[derive(Clone, Debug, Serialize)]
pub struct SignOutcome {
    /// `registry/repo@sha256:…`: what was signed.
    pub image: String,
    /// The image manifest digest.
    pub digest: String,
    /// `signature` or `attestation`.
    pub kind: &'static str,
    /// The storage format.
    pub format: SignatureFormat,
    /// The statement's predicate type (attestations and bundle signatures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// What signed.
    pub signer: String,
    /// True for a dry run's throwaway key.
    pub ephemeral: bool,
    /// base64(SHA-256(SPKI)) of the signing key.
    pub key_hint: String,
    /// The signing key's public key (PEM).
    pub public_key: String,
    /// Digest of the signed payload / envelope / bundle blob.
    pub payload_digest: String,
    /// The tag that now lists the signature (`.sig`/`.att`, or the referrers tag).
    pub tag: String,
    /// The manifest pushed under that tag (legacy) or the referrer manifest (bundle).
    pub manifest_digest: String,
    /// False when the identical signature was already there.
    pub added: bool,
    /// The transparency log entry (keyless).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tlog_entry: Option<TlogEntry>,
    /// Every blob and manifest written (or, in a dry run, that would be), in order.
    pub pushed: Vec<PushedObject>,
    /// Nothing was pushed.
    pub dry_run: bool,
    /// The signed DSSE envelope (attestations and bundle signatures), as pushed.
    #[serde(skip)]
    pub envelope: Option<Envelope>,
}

impl SignOutcome {
    /// In a dry run, the actions that would have been taken, one line each.
    pub fn planned_actions(&self) -> Vec<String> {
        self.pushed.iter().map(ToString::to_string).collect()
    }
}

/// The subject of a signature: the image manifest's descriptor and repository.
#[derive(Clone, Debug)]
pub struct Subject {
    /// The repository as `registry/name`.
    pub repository: String,
    /// Media type, digest and size of the image manifest (or index).
    pub descriptor: Descriptor,
}

impl Subject {
    /// `registry/name@sha256:…`.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.repository, self.descriptor.digest)
    }
}

/// Signs an image: resolves the digest, opens the signer, signs and pushes.
pub async fn sign_image(request: &SignRequest) -> Result<SignOutcome> {
    let what = What::Signature {
        annotations: &request.annotations,
    };
    run(
        &request.image,
        request.digest.as_deref(),
        &request.signer,
        request.format,
        what,
        request.dry_run,
        &request.registry,
    )
    .await
}

/// Attests an image: an in-toto statement about the image digest, in a DSSE
/// envelope, pushed like `cosign attest`.
pub async fn attest_image(request: &AttestRequest) -> Result<SignOutcome> {
    let what = What::Attestation {
        predicate_type: &request.predicate_type,
        predicate: &request.predicate,
    };
    run(
        &request.image,
        request.digest.as_deref(),
        &request.signer,
        request.format,
        what,
        request.dry_run,
        &request.registry,
    )
    .await
}

/// A request to attest an image with an in-toto statement made by the caller (the
/// provenance stage's SLSA provenance), signed and pushed exactly as given.
#[derive(Clone, Debug)]
pub struct StatementRequest {
    /// The image (as in [`SignRequest::image`]).
    pub image: String,
    /// The digest when already resolved.
    pub digest: Option<String>,
    /// Who signs.
    pub signer: SignerSpec,
    /// Storage format.
    pub format: SignatureFormat,
    /// The statement's JSON bytes; its subjects must include the image digest.
    pub statement: Vec<u8>,
    /// Push nothing; list what would be pushed.
    pub dry_run: bool,
    /// Registry access.
    pub registry: secchain_oci::OpenOptions,
}

/// Attests an image with a ready statement; the outcome carries the signed envelope.
pub async fn attest_statement(request: &StatementRequest) -> Result<SignOutcome> {
    run(
        &request.image,
        request.digest.as_deref(),
        &request.signer,
        request.format,
        What::Statement {
            bytes: &request.statement,
        },
        request.dry_run,
        &request.registry,
    )
    .await
}

/// Parses a `-a key=value` annotation (the value may contain `=`; the key may not be empty).
pub fn parse_annotation(text: &str) -> Result<(String, String)> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(Error::Invalid(format!(
            "annotation `{text}` is not key=value"
        ))),
    }
}

/// Reads a predicate (`--predicate FILE`, `-` for stdin): a JSON document.
pub fn read_predicate(path: &std::path::Path) -> Result<serde_json::Value> {
    let bytes = if path == std::path::Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Error::io("reading the predicate from stdin", e))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?
    };
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Invalid(format!("the predicate {} is not JSON: {e}", path.display())))
}

/// What to sign.
#[derive(Clone, Copy, Debug)]
pub enum What<'a> {
    /// An image signature with these annotations.
    Signature {
        /// `-a key=value`.
        annotations: &'a BTreeMap<String, String>,
    },
    /// An attestation.
    Attestation {
        /// Predicate type.
        predicate_type: &'a PredicateType,
        /// Predicate.
        predicate: &'a serde_json::Value,
    },
    /// An in-toto statement made by the caller, signed exactly as given (its subjects
    /// must include the image digest).
    Statement {
        /// The statement's JSON bytes.
        bytes: &'a [u8],
    },
}

/// Where the signature goes: a registry repository, or (dry runs of local images)
/// nowhere.
enum Target {
    Registry(RegistryStore, Subject),
    Local(Subject),
}

async fn target(
    image: &str,
    digest: Option<&str>,
    dry_run: bool,
    options: &secchain_oci::OpenOptions,
) -> Result<Target> {
    let source = ImageSource::parse(image).map_err(|e| Error::Invalid(e.to_string()))?;
    match source {
        ImageSource::Registry(reference) => {
            let store = RegistryStore::new(&reference, options);
            let subject = resolve_subject(&store, &reference, digest).await?;
            Ok(Target::Registry(store, subject))
        }
        local => {
            if !dry_run {
                return Err(Error::Invalid(format!(
                    "{image}: signatures are stored in a registry next to the image; push the \
                     image and sign its registry reference (by digest)"
                )));
            }
            Ok(Target::Local(local_subject(&local, digest).await?))
        }
    }
}

async fn run(
    image: &str,
    digest: Option<&str>,
    signer: &SignerSpec,
    format: SignatureFormat,
    what: What<'_>,
    dry_run: bool,
    options: &secchain_oci::OpenOptions,
) -> Result<SignOutcome> {
    // Decrypting the key (scrypt) is CPU work; resolving the image and reading the
    // tag the signature will be added to is network work: do both at once.
    let first_read = |subject: &Subject| match (format, what) {
        (SignatureFormat::Legacy, What::Signature { .. }) => {
            LegacyKind::Signature.tag(&subject.descriptor.digest)
        }
        (SignatureFormat::Legacy, What::Attestation { .. } | What::Statement { .. }) => {
            LegacyKind::Attestation.tag(&subject.descriptor.digest)
        }
        (SignatureFormat::Bundle, _) => subject.descriptor.digest.to_tag(),
    };
    let prepare = async {
        let target = target(image, digest, dry_run, options).await?;
        let prefetched = match &target {
            Target::Registry(store, subject) => {
                let tag = first_read(subject);
                let manifest = store.get_manifest(&tag).await?;
                Some((tag, manifest))
            }
            Target::Local(_) => None,
        };
        Ok::<_, Error>((target, prefetched))
    };
    let (session, prepared) = tokio::join!(signer.open(), prepare);
    let (session, (target, prefetched)) = (session?, prepared?);
    match target {
        Target::Registry(store, subject) => {
            let store = Prefetched::new(&store, prefetched);
            if dry_run {
                let overlay = DryRunStore::new(subject.repository.clone(), Some(&store));
                sign_subject(&overlay, &subject, &session, format, what, true).await
            } else {
                sign_subject(&store, &subject, &session, format, what, false).await
            }
        }
        Target::Local(subject) => {
            let overlay = DryRunStore::new(subject.repository.clone(), None);
            sign_subject(&overlay, &subject, &session, format, what, true).await
        }
    }
}

/// Resolves `reference` (and an optional known digest) to the subject descriptor,
/// fetching the manifest by digest (which verifies it).
pub async fn resolve_subject(
    store: &RegistryStore,
    reference: &ImageReference,
    known: Option<&str>,
) -> Result<Subject> {
    let digest = match (known, reference.digest()) {
        (Some(k), Some(d)) if k != d.to_string() => {
            return Err(Error::Invalid(format!(
                "{reference}: the given digest {k} differs from the reference's {d}"
            )))
        }
        (Some(k), _) => Digest::parse(k).map_err(|e| Error::Invalid(e.to_string()))?,
        (None, Some(d)) => d.clone(),
        (None, None) => store.resolve(reference).await?,
    };
    let raw = store
        .get_manifest(&digest.to_string())
        .await?
        .ok_or_else(|| {
            Error::Registry(format!(
                "{}@{digest}: manifest not found",
                store.repository_name()
            ))
        })?;
    Ok(Subject {
        repository: store.repository_name(),
        descriptor: Descriptor::new(raw.media_type, raw.digest, raw.bytes.len() as u64),
    })
}

/// The subject of a local image (OCI layout, docker archive), for dry runs.
async fn local_subject(source: &ImageSource, known: Option<&str>) -> Result<Subject> {
    let name = match source {
        ImageSource::OciLayout { path, .. } | ImageSource::DockerArchive { path, .. } => {
            path.display().to_string()
        }
        ImageSource::Registry(r) => r.name(),
    };
    if let ImageSource::OciLayout { path, tag } = source {
        let index_path = path.join("index.json");
        let bytes = std::fs::read(&index_path)
            .map_err(|e| Error::io(format!("reading {}", index_path.display()), e))?;
        let index: secchain_oci::ImageIndex = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Malformed(format!("{}: {e}", index_path.display())))?;
        let pick = index.manifests.iter().find(|d| match tag {
            Some(t) => d.annotation("org.opencontainers.image.ref.name") == Some(t.as_str()),
            None => index.manifests.len() == 1,
        });
        let d = pick.ok_or_else(|| {
            Error::Invalid(format!(
                "{source}: no single manifest{} in index.json",
                tag.as_ref()
                    .map(|t| format!(" tagged {t}"))
                    .unwrap_or_default()
            ))
        })?;
        if let Some(k) = known {
            if k != d.digest.to_string() {
                return Err(Error::Invalid(format!(
                    "{source}: the given digest {k} differs from the layout's {}",
                    d.digest
                )));
            }
        }
        return Ok(Subject {
            repository: name,
            descriptor: Descriptor::new(d.media_type.clone(), d.digest.clone(), d.size),
        });
    }
    let image = secchain_oci::open(source, &secchain_oci::OpenOptions::default())
        .await
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let media = image
        .manifest()
        .media_type
        .clone()
        .unwrap_or_else(|| media_type::OCI_MANIFEST.to_string());
    Ok(Subject {
        repository: name,
        descriptor: Descriptor::new(
            media,
            image.manifest_digest().clone(),
            image.manifest_raw().len() as u64,
        ),
    })
}

/// Signs `subject` with `session` and pushes to `store` (blobs first, the tag that
/// makes it visible last). `dry_run` only marks the outcome; pass a [`DryRunStore`]
/// to push nothing.
pub async fn sign_subject(
    store: &dyn SignatureStore,
    subject: &Subject,
    session: &SigningSession,
    format: SignatureFormat,
    what: What<'_>,
    dry_run: bool,
) -> Result<SignOutcome> {
    let recorder = Recorder::new(store);
    let signer = session.signer.as_ref();
    let tlog = session.tlog.as_deref();
    let digest = subject.descriptor.digest.to_string();
    let kind = match what {
        What::Signature { .. } => "signature",
        What::Attestation { .. } | What::Statement { .. } => "attestation",
    };
    // Everything but a legacy signature is an in-toto statement in a DSSE envelope.
    let statement = match (format, what) {
        (SignatureFormat::Legacy, What::Signature { .. }) => None,
        (_, what) => Some(statement_for(what, &subject.repository, &digest)?),
    };
    let predicate_type = statement.as_ref().map(|(_, t)| t.clone());
    let envelope = statement
        .as_ref()
        .map(|(bytes, _)| Envelope::sign(intoto::PAYLOAD_TYPE, bytes, signer))
        .transpose()?;
    let pushed = match (format, what, &envelope) {
        (SignatureFormat::Legacy, What::Signature { annotations }, _) => {
            let payload = SimpleSigning::new(&subject.repository, &digest, annotations).to_bytes();
            let signature = signer.sign(&payload)?;
            let mut ann = BTreeMap::from([(
                legacy::SIGNATURE_ANNOTATION.to_string(),
                B64.encode(&signature),
            )]);
            let entry = keyless_annotations(
                signer,
                tlog,
                &mut ann,
                Logged::Payload {
                    payload: &payload,
                    signature: &signature,
                },
            )
            .await?;
            push_legacy(
                &recorder,
                subject,
                LegacyKind::Signature,
                simple_signing::MEDIA_TYPE,
                payload,
                ann,
                entry,
            )
            .await?
        }
        (SignatureFormat::Legacy, _, Some(envelope)) => {
            let envelope_json = envelope.to_bytes();
            let mut ann = BTreeMap::from([
                (legacy::SIGNATURE_ANNOTATION.to_string(), String::new()),
                (
                    legacy::PREDICATE_TYPE_ANNOTATION.to_string(),
                    predicate_type.clone().unwrap_or_default(),
                ),
            ]);
            let entry =
                keyless_annotations(signer, tlog, &mut ann, Logged::Envelope(&envelope_json))
                    .await?;
            push_legacy(
                &recorder,
                subject,
                LegacyKind::Attestation,
                dsse::MEDIA_TYPE,
                envelope_json,
                ann,
                entry,
            )
            .await?
        }
        (SignatureFormat::Bundle, _, Some(envelope)) => {
            push_bundle(
                &recorder,
                subject,
                signer,
                tlog,
                envelope.clone(),
                predicate_type.as_deref().unwrap_or_default(),
            )
            .await?
        }
        (_, _, None) => unreachable!("every statement is signed above"),
    };
    Ok(SignOutcome {
        image: subject.reference(),
        digest,
        kind,
        format,
        predicate_type,
        signer: signer.describe(),
        ephemeral: signer.is_ephemeral(),
        key_hint: signer.public_key().hint(),
        public_key: signer.public_key().to_pem(),
        payload_digest: pushed.payload_digest,
        tag: pushed.tag,
        manifest_digest: pushed.manifest_digest,
        added: pushed.added,
        tlog_entry: pushed.tlog_entry,
        pushed: recorder.pushed(),
        dry_run,
        envelope,
    })
}

/// The statement to sign for `what` (not for legacy signatures) and its predicate type.
fn statement_for(what: What<'_>, repository: &str, digest: &str) -> Result<(Vec<u8>, String)> {
    let (name, annotations, predicate_type, predicate) = match what {
        What::Statement { bytes } => {
            let statement = Statement::parse(bytes)?;
            if statement.subject_with_digest(digest).is_none() {
                return Err(Error::Invalid(format!(
                    "the statement to attest does not name the image's digest {digest} as a subject"
                )));
            }
            return Ok((bytes.to_vec(), statement.predicate_type));
        }
        What::Signature { annotations } => (
            None,
            (!annotations.is_empty()).then(|| {
                annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect()
            }),
            intoto::COSIGN_SIGN_PREDICATE,
            serde_json::json!({}),
        ),
        What::Attestation {
            predicate_type,
            predicate,
        } => (
            Some(repository),
            None,
            predicate_type.uri(),
            predicate.clone(),
        ),
    };
    let statement = Statement::for_image(name, digest, annotations, predicate_type, predicate)?;
    Ok((statement.to_bytes(), predicate_type.to_string()))
}

struct Pushed {
    payload_digest: String,
    tag: String,
    manifest_digest: String,
    added: bool,
    tlog_entry: Option<TlogEntry>,
}

/// What a keyless legacy layer records in the log.
enum Logged<'a> {
    /// A signature over a payload.
    Payload {
        payload: &'a [u8],
        signature: &'a [u8],
    },
    /// A DSSE envelope.
    Envelope(&'a [u8]),
}

/// For keyless signers: adds the certificate, chain and Rekor bundle annotations.
async fn keyless_annotations(
    signer: &dyn Signer,
    tlog: Option<&dyn TransparencyLog>,
    annotations: &mut BTreeMap<String, String>,
    logged: Logged<'_>,
) -> Result<Option<TlogEntry>> {
    let Some(chain) = signer.certificate_chain() else {
        return Ok(None);
    };
    let pems: Vec<String> = chain.iter().map(|der| certificate_pem(der)).collect();
    let leaf = pems
        .first()
        .cloned()
        .ok_or_else(|| Error::Keyless("the certificate chain is empty".into()))?;
    annotations.insert(legacy::CERTIFICATE_ANNOTATION.to_string(), leaf.clone());
    annotations.insert(legacy::CHAIN_ANNOTATION.to_string(), pems[1..].concat());
    let Some(tlog) = tlog else {
        return Ok(None);
    };
    let request = match logged {
        Logged::Payload { payload, signature } => LogRequest::HashedRekord {
            payload,
            signature,
            verifier_pem: &leaf,
        },
        Logged::Envelope(envelope_json) => LogRequest::Dsse {
            envelope_json,
            verifier_pem: &leaf,
        },
    };
    let entry = tlog.record(request).await?;
    annotations.insert(
        legacy::BUNDLE_ANNOTATION.to_string(),
        crate::keyless::rekor_bundle_annotation(&entry)?,
    );
    Ok(Some(entry))
}

/// PEM of a DER certificate.
pub(crate) fn certificate_pem(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).unwrap_or_default()
}

async fn push_legacy(
    store: &dyn SignatureStore,
    subject: &Subject,
    kind: LegacyKind,
    layer_media_type: &str,
    data: Vec<u8>,
    annotations: BTreeMap<String, String>,
    tlog_entry: Option<TlogEntry>,
) -> Result<Pushed> {
    let mut descriptor = Descriptor::of_bytes(layer_media_type, &data);
    descriptor.annotations = Some(annotations);
    let payload_digest = descriptor.digest.to_string();
    let appended = legacy::append(
        store,
        &subject.descriptor.digest,
        kind,
        &LegacyLayer { descriptor, data },
    )
    .await?;
    Ok(Pushed {
        payload_digest,
        tag: format!("{}:{}", store.repository_name(), appended.tag),
        manifest_digest: appended.manifest_digest.to_string(),
        added: appended.added,
        tlog_entry,
    })
}

async fn push_bundle(
    store: &dyn SignatureStore,
    subject: &Subject,
    signer: &dyn Signer,
    tlog: Option<&dyn TransparencyLog>,
    envelope: Envelope,
    predicate_type: &str,
) -> Result<Pushed> {
    let bundle = match signer.certificate_chain() {
        Some(chain) => {
            let leaf = chain
                .first()
                .ok_or_else(|| Error::Keyless("the certificate chain is empty".into()))?;
            let entries = match tlog {
                Some(t) => vec![
                    t.record(LogRequest::Dsse {
                        envelope_json: &envelope.to_bytes(),
                        verifier_pem: &certificate_pem(leaf),
                    })
                    .await?,
                ],
                None => Vec::new(),
            };
            Bundle::for_certificate(envelope, leaf, entries)
        }
        None => Bundle::for_key(envelope, signer.public_key().hint()),
    };
    let tlog_entry = bundle.verification_material.tlog_entries.first().cloned();
    let bundle_bytes = bundle.to_bytes();
    let manifest = bundle::referrer_manifest(
        &bundle_bytes,
        &subject.descriptor,
        predicate_type,
        &bundle::created_timestamp(),
    );
    let manifest_bytes = serde_json::to_vec(&manifest).expect("a manifest always serialises");
    let manifest_digest = Digest::sha256(&manifest_bytes);
    // Blobs, then the manifest by digest (invisible until indexed), then the index tag.
    let (bundle_blob, config_blob) = tokio::join!(
        store.put_blob(&manifest.layers[0], &bundle_bytes),
        store.put_blob(&manifest.config, crate::store::EMPTY_JSON)
    );
    bundle_blob?;
    config_blob?;
    store
        .put_manifest(
            &manifest_digest.to_string(),
            media_type::OCI_MANIFEST,
            &manifest_bytes,
        )
        .await?;
    let mut entry = Descriptor::new(
        media_type::OCI_MANIFEST,
        manifest_digest.clone(),
        manifest_bytes.len() as u64,
    );
    entry.artifact_type = manifest.artifact_type.clone();
    entry.annotations = manifest.annotations.clone();
    let added = referrers::add_referrer(store, &subject.descriptor.digest, &entry).await?;
    Ok(Pushed {
        payload_digest: manifest.layers[0].digest.to_string(),
        tag: format!("{}:{}", store.repository_name(), added.tag),
        manifest_digest: manifest_digest.to_string(),
        added: added.added,
        tlog_entry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_and_predicates() {
        assert_eq!(
            parse_annotation("a=b=c").unwrap(),
            ("a".to_string(), "b=c".to_string())
        );
        assert_eq!(parse_annotation("a=").unwrap().1, "");
        assert!(parse_annotation("=b").is_err());
        assert!(parse_annotation("ab").is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.json");
        std::fs::write(&p, r#"{"k":1}"#).unwrap();
        assert_eq!(read_predicate(&p).unwrap()["k"], 1);
        std::fs::write(&p, "SPDXVersion: SPDX-2.3").unwrap();
        assert!(read_predicate(&p)
            .unwrap_err()
            .to_string()
            .contains("not JSON"));
        assert_eq!(
            SignatureFormat::parse("bundle").unwrap(),
            SignatureFormat::Bundle
        );
        assert!(SignatureFormat::parse("sigstore").is_err());
    }
}
