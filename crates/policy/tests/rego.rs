//! The Rego policies of the ClusterImagePolicy, evaluated with a Rego interpreter the way
//! policy-controller does (`data.sigstore.isCompliant` over the in-toto statement, and over
//! the authority matches for the CIP-level policy), with both the v0 parser policy-controller
//! uses and the v1 parser.

mod common;

use serde_json::{json, Value};

fn compliant(policy: &str, input: &Value, rego_v0: bool) -> bool {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(rego_v0);
    engine
        .add_policy("sigstore.rego".into(), policy.into())
        .unwrap_or_else(|e| panic!("policy does not parse (v0: {rego_v0}): {e}\n{policy}"));
    engine.set_input_json(&input.to_string()).unwrap();
    let v = engine
        .eval_rule("data.sigstore.isCompliant".into())
        .unwrap();
    v == regorus::Value::from(true)
}

fn check(policy: &str, input: &Value) -> bool {
    let v0 = compliant(policy, input, true);
    let v1 = compliant(policy, input, false);
    assert_eq!(v0, v1, "v0 and v1 disagree on {input}");
    v0
}

/// The Rego of the attestation named `name` in the key-signed CIP, and the CIP-level Rego.
fn policies() -> (Vec<(String, String)>, String) {
    let docs = common::docs(&common::key_input(), &common::all_attestations());
    let cip = common::doc_json(&docs, "cluster-image-policy.yaml");
    let atts = cip["spec"]["authorities"][1]["attestations"]
        .as_array()
        .unwrap();
    let per_att = atts
        .iter()
        .map(|a| {
            assert_eq!(a["policy"]["type"], "rego");
            (
                a["name"].as_str().unwrap().to_string(),
                a["policy"]["data"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(cip["spec"]["policy"]["type"], "rego");
    (
        per_att,
        cip["spec"]["policy"]["data"].as_str().unwrap().to_string(),
    )
}

fn att(name: &str) -> String {
    policies().0.into_iter().find(|(n, _)| n == name).unwrap().1
}

fn statement(predicate_type: &str, predicate: Value) -> Value {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": common::REPO, "digest": {"sha256": &common::DIGEST[7..]}}],
        "predicateType": predicate_type,
        "predicate": predicate,
    })
}

#[test]
fn provenance_must_name_this_pipeline_as_builder() {
    let p = att("slsa-provenance");
    let prov = |builder: &str| {
        statement(
            "https://slsa.dev/provenance/v1",
            json!({"buildDefinition": {"buildType": "https://secchain.dev/build/v1"}, "runDetails": {"builder": {"id": builder}}}),
        )
    };
    assert!(check(&p, &prov(common::BUILDER)));
    assert!(!check(&p, &prov("https://evil.example.com/builder")));
    assert!(!check(
        &p,
        &statement("https://slsa.dev/provenance/v1", json!({}))
    ));
    assert!(!check(
        &p,
        &statement(
            "https://slsa.dev/provenance/v0.2",
            json!({"builder": {"id": common::BUILDER}})
        )
    ));
}

#[test]
fn vuln_attestation_must_have_no_fixable_critical() {
    let p = att("vuln");
    let scan = |vulns: Value| {
        statement(
            "https://cosign.sigstore.dev/attestation/vuln/v1",
            json!({
                "invocation": {"uri": "https://ci.example.com/run/1"},
                "scanner": {"uri": "https://github.com/aquasecurity/trivy", "version": "0.58.0",
                             "result": {"Results": [{"Target": "app", "Vulnerabilities": vulns}, {"Target": "os"}]}},
                "metadata": {"scanStartedOn": "2025-01-01T00:00:00Z", "scanFinishedOn": "2025-01-01T00:01:00Z"},
            }),
        )
    };
    assert!(check(&p, &scan(json!([]))));
    assert!(check(
        &p,
        &scan(json!([{"VulnerabilityID": "CVE-1", "Severity": "HIGH", "FixedVersion": "1.2"}]))
    ));
    assert!(check(
        &p,
        &scan(json!([{"VulnerabilityID": "CVE-2", "Severity": "CRITICAL", "FixedVersion": ""}]))
    ));
    assert!(check(
        &p,
        &scan(json!([{"VulnerabilityID": "CVE-3", "Severity": "CRITICAL"}]))
    ));
    assert!(!check(
        &p,
        &scan(json!([{"VulnerabilityID": "CVE-4", "Severity": "CRITICAL", "FixedVersion": "2.0"}]))
    ));
    assert!(!check(
        &p,
        &scan(json!([{"VulnerabilityID": "CVE-5", "Severity": "critical", "FixedVersion": "2.0"}]))
    ));
}

#[test]
fn sbom_attestations_must_hold_their_format() {
    let cdx = att("sbom-cyclonedx");
    assert!(check(
        &cdx,
        &statement(
            "https://cyclonedx.org/bom",
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6"})
        )
    ));
    assert!(!check(
        &cdx,
        &statement(
            "https://cyclonedx.org/bom",
            json!({"spdxVersion": "SPDX-2.3"})
        )
    ));
    let spdx = att("sbom-spdx");
    assert!(check(
        &spdx,
        &statement(
            "https://spdx.dev/Document",
            json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"})
        )
    ));
    assert!(!check(
        &spdx,
        &statement(
            "https://spdx.dev/Document",
            json!({"bomFormat": "CycloneDX"})
        )
    ));
}

#[test]
fn the_cip_policy_requires_the_signature_and_every_attestation() {
    let (atts, p) = policies();
    let sig = json!([{"id": "sha256:aa", "subject": "", "issuer": ""}]);
    let all: serde_json::Map<String, Value> = atts
        .iter()
        .map(|(n, _)| {
            (
                n.clone(),
                json!([{"id": "x", "predicateType": "t", "digest": "sha256:bb"}]),
            )
        })
        .collect();
    let result = |signatures: Value, attestations: serde_json::Map<String, Value>| {
        let mut matches = serde_json::Map::new();
        if !signatures.is_null() {
            matches.insert("signature".into(), json!({"signatures": signatures}));
        }
        if !attestations.is_empty() {
            matches.insert("attestations".into(), json!({"attestations": attestations}));
        }
        json!({"authorityMatches": matches})
    };
    assert!(check(&p, &result(sig.clone(), all.clone())));
    assert!(
        !check(&p, &result(Value::Null, all.clone())),
        "unsigned image with attestations"
    );
    assert!(
        !check(&p, &result(sig.clone(), serde_json::Map::new())),
        "signed image without attestations"
    );
    let mut missing_one = all.clone();
    missing_one.remove("vuln");
    assert!(
        !check(&p, &result(sig, missing_one)),
        "one attestation missing"
    );
}
