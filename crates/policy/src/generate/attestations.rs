//! What each required attestation must say: Rego for policy-controller, JMESPath
//! conditions for Kyverno.
//!
//! - SLSA provenance: the builder is this pipeline (`runDetails.builder.id` for v1,
//!   `builder.id` for v0.2).
//! - cosign vuln predicate: no CRITICAL finding with a fixed version available. The scan
//!   result is read in Trivy's JSON shape (`scanner.result.Results[].Vulnerabilities[]`
//!   with `Severity` and `FixedVersion`), the shape `cosign attest --type vuln` carries.
//! - CycloneDX / SPDX SBOMs: the predicate is a document of that format.
//! - Anything else: present and signed.
//!
//! Rego policies are written for OPA's v1 syntax with `import rego.v1`, which both the
//! v0 and v1 parsers accept (policy-controller evaluates with the v0 parser). The policy is
//! evaluated against the whole in-toto statement (`input.predicateType`, `input.predicate`).
//! Strings are embedded as JSON string literals, which are valid Rego strings.

use serde_json::json;

use crate::error::{Error, Result};
use crate::input::PredicateType;
use crate::model::kyverno::{AnyAllConditions, Condition, ConditionOperator};

/// The builder id a provenance attestation must name, or the error naming the setting.
pub fn builder_id<'a>(builder_id: Option<&'a str>, p: &PredicateType) -> Result<&'a str> {
    builder_id.filter(|b| !b.trim().is_empty()).ok_or_else(|| {
        Error::missing(
            "builder_id",
            format!("requiring the `{p}` attestation means checking its builder, so the pipeline's SLSA builder id is needed (set `with.builder_id`, or have the sign or provenance stage report `data.builder_id`)"),
        )
    })
}

fn lit(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The Rego policy an attestation of type `p` must satisfy (`package sigstore`, rule `isCompliant`).
pub fn rego(p: &PredicateType, builder: Option<&str>) -> Result<String> {
    let head = "package sigstore\n\nimport rego.v1\n\ndefault isCompliant := false\n\n".to_string();
    let type_check = format!("\tinput.predicateType == {}\n", lit(p.uri()));
    let body = match p {
        PredicateType::SlsaProvenance1 => format!(
            "# The provenance names this pipeline as its builder.\nisCompliant if {{\n{type_check}\tinput.predicate.runDetails.builder.id == {}\n}}\n",
            lit(builder_id(builder, p)?)
        ),
        PredicateType::SlsaProvenance02 => format!(
            "# The provenance names this pipeline as its builder.\nisCompliant if {{\n{type_check}\tinput.predicate.builder.id == {}\n}}\n",
            lit(builder_id(builder, p)?)
        ),
        PredicateType::Vuln => format!(
            "# CRITICAL vulnerabilities that have a fixed version.\nfixable_critical contains v if {{\n\tsome result in input.predicate.scanner.result.Results\n\tsome v in result.Vulnerabilities\n\tupper(v.Severity) == \"CRITICAL\"\n\tv.FixedVersion != \"\"\n}}\n\n# The scan found no CRITICAL vulnerability that could have been fixed.\nisCompliant if {{\n{type_check}\tinput.predicate.scanner.uri != \"\"\n\tcount(fixable_critical) == 0\n}}\n"
        ),
        PredicateType::CycloneDx => format!(
            "# The predicate is a CycloneDX SBOM.\nisCompliant if {{\n{type_check}\tinput.predicate.bomFormat == \"CycloneDX\"\n}}\n"
        ),
        PredicateType::Spdx => format!(
            "# The predicate is an SPDX SBOM.\nisCompliant if {{\n{type_check}\tstartswith(input.predicate.spdxVersion, \"SPDX-\")\n}}\n"
        ),
        PredicateType::OpenVex | PredicateType::Other(_) => {
            format!("# A signed attestation of this type exists.\nisCompliant if {{\n{type_check}}}\n")
        }
    };
    Ok(head + &body)
}

/// The CIP-level Rego policy: the signature authority matched, and the attestation
/// authority matched with every named attestation (policy-controller ORs authorities;
/// this makes them all required).
pub fn cip_rego(
    signature_authority: &str,
    attestation_authority: &str,
    names: &[String],
) -> String {
    let mut out = String::from(
        "package sigstore\n\nimport rego.v1\n\ndefault isCompliant := false\n\n# Both authorities matched: the image is signed, and every required attestation verified.\nisCompliant if {\n",
    );
    out.push_str(&format!(
        "\tcount(input.authorityMatches[{}].signatures) > 0\n",
        lit(signature_authority)
    ));
    for name in names {
        out.push_str(&format!(
            "\tcount(input.authorityMatches[{}].attestations[{}]) > 0\n",
            lit(attestation_authority),
            lit(name)
        ));
    }
    out.push_str("}\n");
    out
}

fn condition(
    key: &str,
    op: ConditionOperator,
    value: serde_json::Value,
    message: &str,
) -> Condition {
    Condition {
        key: json!(format!("{{{{ {key} }}}}")),
        operator: op,
        value,
        message: Some(message.to_string()),
    }
}

/// Kyverno conditions on the predicate of an attestation of type `p` (JMESPath over the predicate).
pub fn kyverno_conditions(
    p: &PredicateType,
    builder: Option<&str>,
) -> Result<Vec<AnyAllConditions>> {
    let all = match p {
        PredicateType::SlsaProvenance1 => vec![condition(
            "runDetails.builder.id",
            ConditionOperator::Equals,
            json!(builder_id(builder, p)?),
            "the SLSA provenance must name this pipeline as its builder",
        )],
        PredicateType::SlsaProvenance02 => vec![condition(
            "builder.id",
            ConditionOperator::Equals,
            json!(builder_id(builder, p)?),
            "the SLSA provenance must name this pipeline as its builder",
        )],
        PredicateType::Vuln => vec![condition(
            "(scanner.result.Results[].Vulnerabilities[] || `[]`)[?Severity == 'CRITICAL' && FixedVersion] | length(@)",
            ConditionOperator::Equals,
            json!(0),
            "the vulnerability scan must find no CRITICAL vulnerability with a fix available",
        )],
        PredicateType::CycloneDx => vec![condition(
            "bomFormat",
            ConditionOperator::Equals,
            json!("CycloneDX"),
            "the SBOM attestation must hold a CycloneDX document",
        )],
        PredicateType::Spdx => vec![condition(
            "SPDXID",
            ConditionOperator::Equals,
            json!("SPDXRef-DOCUMENT"),
            "the SBOM attestation must hold an SPDX document",
        )],
        PredicateType::OpenVex | PredicateType::Other(_) => Vec::new(),
    };
    Ok(if all.is_empty() {
        Vec::new()
    } else {
        vec![AnyAllConditions { all }]
    })
}
