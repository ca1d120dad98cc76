//! The `policy` stage's `with:` section.
//!
//! ```yaml
//! - kind: policy
//!   with:
//!     emit: [cluster-image-policy, kyverno, validating-admission-policy, pod-snippet]  # default: all
//!     mode: enforce                       # or warn
//!     namespaces: {include: [], exclude: [kube-system]}
//!     require_attestations: [slsaprovenance1, vuln, cyclonedx]   # default: [slsaprovenance1]
//!     builder_id: https://ci.example.com/secchain               # the provenance's builder id
//!     name: secchain-app                  # resource names (default: secchain-<image name>)
//!     repository: registry.example.com/team/app   # default: the pipeline's image
//!     sign_stage: sign                    # which finished sign stage to read (default: the only one)
//!     key_secret: {name: cosign-pub, namespace: cosign-system}  # reference the key, don't inline it
//!     container_name: app                 # in the pod snippet
//!     image_config: {user: "10001:10001", ports: ["8080/tcp"], writable_paths: [/tmp]}
//!     signer:                             # instead of a sign stage's data
//!       public_key_pem: "-----BEGIN PUBLIC KEY-----…"   # or public_key_file: cosign.pub
//!       keyless: {issuer: …, subject: …}  # or issuer_regexp / subject_regexp, fulcio_url, rekor_url
//!       tlog: true
//!       format: legacy                    # or bundle
//! ```

use std::path::PathBuf;

use secchain_pipeline::ConfigProblem;
use serde::Deserialize;

use crate::generate::naming::is_dns_label;
use crate::input::{Port, PredicateType, SignatureFormat};
use crate::options::{Emit, KeySecret, Mode, Namespaces};

/// `with:` of a `policy` stage.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyWith {
    /// Documents to emit (default: all).
    #[serde(default)]
    pub emit: Option<Vec<Emit>>,
    /// Enforce or warn.
    #[serde(default)]
    pub mode: Mode,
    /// Namespace selection.
    #[serde(default)]
    pub namespaces: Namespaces,
    /// Required attestations (cosign short names or predicate type URIs).
    #[serde(default)]
    pub require_attestations: Option<Vec<String>>,
    /// The SLSA builder id provenance must name.
    #[serde(default)]
    pub builder_id: Option<String>,
    /// Base name of the resources.
    #[serde(default)]
    pub name: Option<String>,
    /// The repository the cluster pulls from (default: the pipeline's `image:`).
    #[serde(default)]
    pub repository: Option<String>,
    /// The sign stage to read.
    #[serde(default)]
    pub sign_stage: Option<String>,
    /// Reference the public key by Secret.
    #[serde(default)]
    pub key_secret: Option<KeySecret>,
    /// The container's name in the pod snippet.
    #[serde(default)]
    pub container_name: Option<String>,
    /// The image's user, ports and writable paths.
    #[serde(default)]
    pub image_config: Option<ImageConfigWith>,
    /// The signer, when no sign stage runs before this one.
    #[serde(default)]
    pub signer: Option<SignerWith>,
}

/// `with.image_config`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageConfigWith {
    /// `1000` or `1000:1000`.
    #[serde(default)]
    pub user: Option<String>,
    /// `8080/tcp`, `53/udp`.
    #[serde(default)]
    pub ports: Option<Vec<String>>,
    /// Directories the container writes to.
    #[serde(default)]
    pub writable_paths: Option<Vec<String>>,
}

/// `with.signer`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerWith {
    /// The public key, PEM.
    #[serde(default)]
    pub public_key_pem: Option<String>,
    /// A file holding the public key, relative to the pipeline file.
    #[serde(default)]
    pub public_key_file: Option<PathBuf>,
    /// Keyless identity.
    #[serde(default)]
    pub keyless: Option<KeylessWith>,
    /// Whether signatures went to Rekor (default true).
    #[serde(default)]
    pub tlog: Option<bool>,
    /// The Rekor instance for key signatures.
    #[serde(default)]
    pub rekor_url: Option<String>,
    /// Signature format (default legacy).
    #[serde(default)]
    pub format: Option<SignatureFormat>,
}

/// `with.signer.keyless` (and the sign stage's `data.keyless`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeylessWith {
    /// Exact OIDC issuer.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Issuer regular expression.
    #[serde(default)]
    pub issuer_regexp: Option<String>,
    /// Exact certificate subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Subject regular expression.
    #[serde(default)]
    pub subject_regexp: Option<String>,
    /// Fulcio URL (default: the public instance).
    #[serde(default)]
    pub fulcio_url: Option<String>,
    /// Rekor URL (default: the public instance).
    #[serde(default)]
    pub rekor_url: Option<String>,
}

impl PolicyWith {
    /// Problems serde cannot see, located under `with`.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        if self.emit.as_ref().is_some_and(Vec::is_empty) {
            out.push(ConfigProblem::at("with.emit", "`emit` lists no document").hint(
                "emit: [cluster-image-policy, kyverno, validating-admission-policy, pod-snippet]",
            ));
        }
        for (field, list) in [
            ("include", &self.namespaces.include),
            ("exclude", &self.namespaces.exclude),
        ] {
            for ns in list.iter().filter(|n| !is_dns_label(n)) {
                out.push(ConfigProblem::at(
                    &format!("with.namespaces.{field}"),
                    format!("`{ns}` is not a namespace name"),
                ));
            }
        }
        for a in self.require_attestations.iter().flatten() {
            if PredicateType::parse(a).is_none() {
                out.push(
                    ConfigProblem::at("with.require_attestations", format!("unknown attestation `{a}`"))
                        .hint("one of slsaprovenance1, slsaprovenance02, vuln, cyclonedx, spdxjson, openvex, or a predicate type URI"),
                );
            }
        }
        if let Some(ic) = &self.image_config {
            for p in ic
                .ports
                .iter()
                .flatten()
                .filter(|p| Port::parse(p).is_none())
            {
                out.push(
                    ConfigProblem::at("with.image_config.ports", format!("`{p}` is not a port"))
                        .hint("8080/tcp, 53/udp or 8080"),
                );
            }
        }
        if let Some(s) = &self.signer {
            out.extend(s.problems("with.signer"));
            if s.keyless.is_some() && self.key_secret.is_some() {
                out.push(ConfigProblem::at(
                    "with.key_secret",
                    "`key_secret` references a public key, but the signer is keyless",
                ));
            }
        }
        out
    }
}

impl SignerWith {
    /// Problems of a signer section at `path`.
    pub fn problems(&self, path: &str) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let given = [
            self.public_key_pem.is_some(),
            self.public_key_file.is_some(),
            self.keyless.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            out.push(
                ConfigProblem::at(path, "a signer needs exactly one of `public_key_pem`, `public_key_file` or `keyless`")
                    .hint("public_key_file: cosign.pub   or   keyless: {issuer: …, subject: …}"),
            );
        }
        if let Some(k) = &self.keyless {
            out.extend(k.problems(&format!("{path}.keyless")));
        }
        out
    }
}

impl KeylessWith {
    /// Problems of a keyless section at `path`: exactly one issuer form and one subject form.
    pub fn problems(&self, path: &str) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        for (name, exact, regexp) in [
            ("issuer", &self.issuer, &self.issuer_regexp),
            ("subject", &self.subject, &self.subject_regexp),
        ] {
            let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
            match (set(exact), set(regexp)) {
                (false, false) => out.push(
                    ConfigProblem::at(path, format!("a keyless signer needs `{name}` (or `{name}_regexp`): the identity the signature carries"))
                        .hint(format!("{name}: … as in the signing certificate")),
                ),
                (true, true) => out.push(ConfigProblem::at(
                    path,
                    format!("set `{name}` or `{name}_regexp`, not both"),
                )),
                _ => {}
            }
        }
        out
    }
}
