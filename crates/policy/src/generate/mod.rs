//! From a [`PolicyInput`] and [`PolicyOptions`] to typed documents.
//!
//! [`generate`] checks the whole input first (a keyless identity without subject, a key
//! that is not a PEM public key, a namespace that is no DNS label, …) and builds every
//! requested document before returning, so a caller either gets all documents or an
//! error naming the setting to fix, never a partial set.

pub mod attestations;
pub mod cip;
pub mod kyverno;
pub mod naming;
pub mod pod;
pub mod vap;

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::input::{IdentityMatch, PolicyInput, Signer, PUBLIC_REKOR};
use crate::model::cluster_image_policy::ClusterImagePolicy;
use crate::model::kyverno::ClusterPolicy;
use crate::model::pod_snippet::PodSpec;
use crate::model::vap::{ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding};
use crate::options::{Emit, PolicyOptions};
use crate::reference::{is_digest, ImageRef};

/// One output file: its name and the typed resource it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The file name in the output directory (`cluster-image-policy.yaml`, …).
    pub file_name: String,
    /// The resource.
    pub resource: Resource,
    /// What the document is for, written into its header comment.
    pub description: String,
}

/// A generated resource.
#[derive(Clone, Debug, PartialEq)]
pub enum Resource {
    /// sigstore policy-controller policy.
    ClusterImagePolicy(Box<ClusterImagePolicy>),
    /// Kyverno policy.
    KyvernoClusterPolicy(Box<ClusterPolicy>),
    /// Kubernetes CEL policy.
    ValidatingAdmissionPolicy(Box<ValidatingAdmissionPolicy>),
    /// Its binding.
    ValidatingAdmissionPolicyBinding(Box<ValidatingAdmissionPolicyBinding>),
    /// The hardened pod spec (not a resource to apply).
    PodSnippet(Box<PodSpec>),
}

impl Resource {
    /// The resource as JSON (what is rendered and what `apply` sends).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Resource::ClusterImagePolicy(r) => serde_json::to_value(r),
            Resource::KyvernoClusterPolicy(r) => serde_json::to_value(r),
            Resource::ValidatingAdmissionPolicy(r) => serde_json::to_value(r),
            Resource::ValidatingAdmissionPolicyBinding(r) => serde_json::to_value(r),
            Resource::PodSnippet(r) => serde_json::to_value(r),
        }
    }

    /// The kind (`PodSpec` for the snippet).
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::ClusterImagePolicy(_) => "ClusterImagePolicy",
            Resource::KyvernoClusterPolicy(_) => "ClusterPolicy",
            Resource::ValidatingAdmissionPolicy(_) => "ValidatingAdmissionPolicy",
            Resource::ValidatingAdmissionPolicyBinding(_) => "ValidatingAdmissionPolicyBinding",
            Resource::PodSnippet(_) => "PodSpec",
        }
    }

    /// Whether the document is a cluster resource `apply` sends (the pod snippet is not).
    pub fn is_applicable(&self) -> bool {
        !matches!(self, Resource::PodSnippet(_))
    }
}

/// What every builder needs: the input, the options, the parsed image and the base name.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    /// The input.
    pub input: &'a PolicyInput,
    /// The options.
    pub options: &'a PolicyOptions,
    /// The parsed image repository (with the digest when known).
    pub image: ImageRef,
    /// The name of every generated resource.
    pub name: String,
}

impl Context<'_> {
    /// The Rekor instance signatures were recorded in.
    pub fn rekor_url(&self) -> &str {
        match &self.input.signer {
            Signer::Key { rekor_url, .. } => rekor_url.as_deref().unwrap_or(PUBLIC_REKOR),
            Signer::Keyless(id) => &id.rekor_url,
        }
    }

    /// Labels on every generated resource.
    pub fn labels(&self) -> BTreeMap<String, String> {
        BTreeMap::from([(
            "app.kubernetes.io/managed-by".to_string(),
            "secchain".to_string(),
        )])
    }
}

/// Generates the documents `options.emit` asks for, in a fixed order.
pub fn generate(input: &PolicyInput, options: &PolicyOptions) -> Result<Vec<Document>> {
    let ctx = context(input, options)?;
    let repo = ctx.image.repository();
    let mut docs = Vec::new();
    for emit in &options.emit {
        match emit {
            Emit::ClusterImagePolicy => docs.push(Document {
                file_name: "cluster-image-policy.yaml".into(),
                resource: Resource::ClusterImagePolicy(Box::new(cip::build(&ctx)?)),
                description: format!("sigstore policy-controller ClusterImagePolicy: admits images from {repo} only with the pipeline's signature and attestations."),
            }),
            Emit::Kyverno => docs.push(Document {
                file_name: "kyverno-cluster-policy.yaml".into(),
                resource: Resource::KyvernoClusterPolicy(Box::new(kyverno::build(&ctx)?)),
                description: format!("Kyverno ClusterPolicy: verifies the signature and attestations of images from {repo} and pins them by digest."),
            }),
            Emit::ValidatingAdmissionPolicy => {
                docs.push(Document {
                    file_name: "validating-admission-policy.yaml".into(),
                    resource: Resource::ValidatingAdmissionPolicy(Box::new(vap::policy(&ctx))),
                    description: format!("ValidatingAdmissionPolicy (CEL): pods running {repo} must reference it by digest and run hardened."),
                });
                docs.push(Document {
                    file_name: "validating-admission-policy-binding.yaml".into(),
                    resource: Resource::ValidatingAdmissionPolicyBinding(Box::new(vap::binding(&ctx))),
                    description: format!("ValidatingAdmissionPolicyBinding: binds the policy `{}` to the selected namespaces.", ctx.name),
                });
            }
            Emit::PodSnippet => docs.push(Document {
                file_name: "pod-spec-snippet.yaml".into(),
                resource: Resource::PodSnippet(Box::new(pod::build(&ctx)?)),
                description: format!("Hardened pod spec for {repo}: paste under a Deployment's spec.template.spec (not a resource to apply)."),
            }),
        }
    }
    Ok(docs)
}

fn context<'a>(input: &'a PolicyInput, options: &'a PolicyOptions) -> Result<Context<'a>> {
    if options.emit.is_empty() {
        return Err(Error::missing(
            "emit",
            "nothing to generate: list at least one document kind",
        ));
    }
    let mut image = ImageRef::parse(&input.image_repository)
        .map_err(|e| Error::invalid("image_repository", e.to_string()))?;
    if let Some(d) = &input.image_digest {
        if !is_digest(d) {
            return Err(Error::invalid(
                "image_digest",
                format!("`{d}` is not a sha256 digest"),
            ));
        }
        image.digest = Some(d.clone());
    }
    check_signer(&input.signer)?;
    for (setting, list) in [
        ("namespaces.include", &options.namespaces.include),
        ("namespaces.exclude", &options.namespaces.exclude),
    ] {
        if let Some(bad) = list.iter().find(|n| !naming::is_dns_label(n)) {
            return Err(Error::invalid(
                setting,
                format!("`{bad}` is not a namespace name"),
            ));
        }
    }
    let name = naming::base_name(options.name.as_deref(), image.short_name());
    Ok(Context {
        input,
        options,
        image,
        name,
    })
}

fn check_signer(signer: &Signer) -> Result<()> {
    match signer {
        Signer::Key { public_key_pem, .. } => {
            let pem = public_key_pem.trim();
            if pem.is_empty() {
                return Err(Error::missing(
                    "signer.public_key_pem",
                    "key signing needs the public key (PEM)",
                ));
            }
            let pem_ok = pem.starts_with("-----BEGIN ")
                && pem
                    .lines()
                    .next()
                    .is_some_and(|l| l.ends_with("PUBLIC KEY-----"))
                && pem.ends_with("PUBLIC KEY-----");
            if !pem_ok {
                return Err(Error::invalid(
                    "signer.public_key_pem",
                    "expected a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----); a private key or certificate does not belong in a policy",
                ));
            }
        }
        Signer::Keyless(id) => {
            for (setting, m) in [
                ("signer.keyless.issuer", &id.issuer),
                ("signer.keyless.subject", &id.subject),
            ] {
                let (IdentityMatch::Exact(v) | IdentityMatch::Regexp(v)) = m;
                if v.trim().is_empty() {
                    return Err(Error::missing(
                        setting,
                        "a keyless policy must name the identity the signature carries",
                    ));
                }
            }
            for (setting, url) in [
                ("signer.keyless.fulcio_url", &id.fulcio_url),
                ("signer.keyless.rekor_url", &id.rekor_url),
            ] {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(Error::invalid(
                        setting,
                        format!("`{url}` is not an http(s) URL"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The PEM with surrounding whitespace removed and exactly one trailing newline.
pub fn normalize_pem(pem: &str) -> String {
    let mut out = pem.trim().replace("\r\n", "\n");
    out.push('\n');
    out
}
