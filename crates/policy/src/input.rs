//! What the pipeline knows about the image and how it was signed: the input of [`crate::generate`].
//!
//! The stage builds a [`PolicyInput`] from the run (image, digest), the finished `sign`
//! stage's `data` (see [`crate::sign_data`]) and the stage's `with:`; other callers can
//! build one directly.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The public Rekor instance (cosign's default transparency log).
pub const PUBLIC_REKOR: &str = "https://rekor.sigstore.dev";
/// The public Fulcio instance (cosign's default keyless CA).
pub const PUBLIC_FULCIO: &str = "https://fulcio.sigstore.dev";

/// Everything the generated policies are about.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyInput {
    /// The repository the cluster pulls the image from, e.g. `registry.example.com/team/app`
    /// (a tag or digest written here is ignored for matching but used in the pod snippet).
    pub image_repository: String,
    /// The image's manifest digest (`sha256:…`), when known.
    pub image_digest: Option<String>,
    /// How the image was signed.
    pub signer: Signer,
    /// Whether signatures and attestations were recorded in a Rekor transparency log.
    pub tlog: bool,
    /// The signature format the pipeline used.
    pub signature_format: SignatureFormat,
    /// The attestations the pipeline pushed for the image.
    pub attestations: Vec<PredicateType>,
    /// The SLSA provenance builder id the pipeline writes (`runDetails.builder.id`).
    pub builder_id: Option<String>,
    /// The image config's `User` (`1000`, `1000:1000`, `app`), if any.
    pub image_user: Option<String>,
    /// The image config's `ExposedPorts`.
    pub exposed_ports: Vec<Port>,
    /// Paths the container writes to; each becomes an `emptyDir` under a read-only root.
    pub writable_paths: Vec<String>,
}

/// How the image was signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    /// With a key pair; the policies carry (or reference) the public key.
    Key {
        /// The public key, PEM (`-----BEGIN PUBLIC KEY-----`).
        public_key_pem: String,
        /// The Rekor instance the signature went to (default: the public one), when `tlog`.
        rekor_url: Option<String>,
    },
    /// Keyless (Fulcio certificate bound to an OIDC identity).
    Keyless(KeylessIdentity),
}

/// The identity a keyless signature's certificate carries, and the Sigstore instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeylessIdentity {
    /// The OIDC issuer (`https://token.actions.githubusercontent.com`).
    pub issuer: IdentityMatch,
    /// The certificate subject (an e-mail or workflow URI).
    pub subject: IdentityMatch,
    /// The Fulcio instance that issued the certificate.
    pub fulcio_url: String,
    /// The Rekor instance the signature went to.
    pub rekor_url: String,
}

/// An exact value or a regular expression (RE2 syntax, as the controllers use Go's regexp).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityMatch {
    /// Must equal.
    Exact(String),
    /// Must match.
    Regexp(String),
}

impl fmt::Display for IdentityMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityMatch::Exact(v) => write!(f, "{v}"),
            IdentityMatch::Regexp(v) => write!(f, "~/{v}/"),
        }
    }
}

/// How signatures are stored next to the image.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "PolicySignatureFormat")]
pub enum SignatureFormat {
    /// cosign's tag-based `.sig`/`.att` layout (cosign's default).
    #[default]
    Legacy,
    /// Sigstore bundles attached as OCI referrers (`cosign --new-bundle-format`).
    Bundle,
}

/// An in-toto predicate type the pipeline attests.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PredicateType {
    /// SLSA provenance v1 (`https://slsa.dev/provenance/v1`).
    SlsaProvenance1,
    /// SLSA provenance v0.2 (`https://slsa.dev/provenance/v0.2`).
    SlsaProvenance02,
    /// cosign's vulnerability scan predicate (`https://cosign.sigstore.dev/attestation/vuln/v1`).
    Vuln,
    /// A CycloneDX SBOM (`https://cyclonedx.org/bom`).
    CycloneDx,
    /// An SPDX SBOM (`https://spdx.dev/Document`).
    Spdx,
    /// OpenVEX (`https://openvex.dev/ns`).
    OpenVex,
    /// Any other predicate type URI (checked for presence only).
    Other(String),
}

impl PredicateType {
    /// Parses cosign's short names (`slsaprovenance1`, `vuln`, `cyclonedx`, `spdxjson`, …)
    /// and predicate type URIs.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Some(match t {
            "slsaprovenance1"
            | "slsa-provenance"
            | "slsa-provenance-v1"
            | "https://slsa.dev/provenance/v1" => Self::SlsaProvenance1,
            "slsaprovenance"
            | "slsaprovenance02"
            | "slsa-provenance-v0.2"
            | "https://slsa.dev/provenance/v0.2" => Self::SlsaProvenance02,
            "vuln" | "https://cosign.sigstore.dev/attestation/vuln/v1" => Self::Vuln,
            "cyclonedx" | "https://cyclonedx.org/bom" => Self::CycloneDx,
            "spdx" | "spdxjson" | "https://spdx.dev/Document" => Self::Spdx,
            "openvex" | "https://openvex.dev/ns" => Self::OpenVex,
            uri if uri.starts_with("https://") || uri.starts_with("http://") => {
                Self::Other(uri.to_string())
            }
            _ => return None,
        })
    }

    /// The predicate type URI.
    pub fn uri(&self) -> &str {
        match self {
            Self::SlsaProvenance1 => "https://slsa.dev/provenance/v1",
            Self::SlsaProvenance02 => "https://slsa.dev/provenance/v0.2",
            Self::Vuln => "https://cosign.sigstore.dev/attestation/vuln/v1",
            Self::CycloneDx => "https://cyclonedx.org/bom",
            Self::Spdx => "https://spdx.dev/Document",
            Self::OpenVex => "https://openvex.dev/ns",
            Self::Other(uri) => uri,
        }
    }

    /// A short DNS-label-safe name for the attestation (`slsa-provenance`, `vuln`, …).
    pub fn short_name(&self) -> String {
        match self {
            Self::SlsaProvenance1 | Self::SlsaProvenance02 => "slsa-provenance".into(),
            Self::Vuln => "vuln".into(),
            Self::CycloneDx => "sbom-cyclonedx".into(),
            Self::Spdx => "sbom-spdx".into(),
            Self::OpenVex => "openvex".into(),
            Self::Other(uri) => {
                let tail: String = uri
                    .trim_end_matches('/')
                    .rsplit('/')
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("-");
                crate::generate::naming::dns_label(&format!("predicate-{tail}"))
            }
        }
    }

    /// Whether this is a SLSA provenance predicate.
    pub fn is_provenance(&self) -> bool {
        matches!(self, Self::SlsaProvenance1 | Self::SlsaProvenance02)
    }
}

impl fmt::Display for PredicateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri())
    }
}

/// An exposed port of the image config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Port {
    /// The port number.
    pub port: u16,
    /// The protocol.
    pub protocol: Protocol,
}

/// A port protocol, as Kubernetes spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Protocol {
    /// `TCP`, `UDP` or `SCTP`.
    pub fn as_k8s(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

impl Port {
    /// Parses an image config port key: `8080`, `8080/tcp`, `53/udp`.
    pub fn parse(s: &str) -> Option<Self> {
        let (num, proto) = s.trim().split_once('/').unwrap_or((s.trim(), "tcp"));
        let port: u16 = num.parse().ok().filter(|p| *p != 0)?;
        let protocol = match proto.to_ascii_lowercase().as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "sctp" => Protocol::Sctp,
            _ => return None,
        };
        Some(Port { port, protocol })
    }
}

/// The image config as the stage reads it from the run's shared facts
/// (`ctx.facts.get::<ImageConfigFacts>()`), when whoever opens the image puts one there.
/// `with.image_config` overrides it field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageConfigFacts {
    /// The config's `User` (`1000`, `1000:1000`, `app`).
    pub user: Option<String>,
    /// The config's `ExposedPorts` keys (`8080/tcp`).
    pub exposed_ports: Vec<String>,
    /// Directories the container needs to write to (from `Volumes`, or known by the caller).
    pub writable_paths: Vec<String>,
}

/// A numeric user and group parsed from an image config `User`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumericUser {
    /// The UID.
    pub uid: i64,
    /// The GID, when written.
    pub gid: Option<i64>,
}

impl NumericUser {
    /// Parses `1000` or `1000:1000`; `None` for names (`app`, `app:app`).
    pub fn parse(user: &str) -> Option<Self> {
        let (u, g) = match user.trim().split_once(':') {
            Some((u, g)) => (u, Some(g)),
            None => (user.trim(), None),
        };
        let uid = u.parse::<u32>().ok()?;
        let gid = match g {
            Some(g) => Some(i64::from(g.parse::<u32>().ok()?)),
            None => None,
        };
        Some(NumericUser {
            uid: i64::from(uid),
            gid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicate_types_round_trip() {
        for name in [
            "slsaprovenance1",
            "vuln",
            "cyclonedx",
            "spdxjson",
            "openvex",
        ] {
            let p = PredicateType::parse(name).unwrap();
            assert_eq!(PredicateType::parse(p.uri()), Some(p));
        }
        assert_eq!(PredicateType::parse("nonsense"), None);
        let other = PredicateType::parse("https://example.com/attestation/build/v2").unwrap();
        assert_eq!(other.short_name(), "predicate-build-v2");
    }

    #[test]
    fn ports_and_users() {
        assert_eq!(
            Port::parse("53/udp"),
            Some(Port {
                port: 53,
                protocol: Protocol::Udp
            })
        );
        assert_eq!(Port::parse("8080").unwrap().protocol, Protocol::Tcp);
        assert_eq!(Port::parse("0/tcp"), None);
        assert_eq!(
            NumericUser::parse("1000:2000"),
            Some(NumericUser {
                uid: 1000,
                gid: Some(2000)
            })
        );
        assert_eq!(NumericUser::parse("app"), None);
        assert_eq!(NumericUser::parse("1000:app"), None);
    }
}
