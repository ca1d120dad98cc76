//! Every generated document validates against the upstream schema it claims to follow
//! (read from `../shared/schemas` when present), and the schemas the `CustomResource`
//! derive generates agree with the upstream CRDs for every field secchain models.

mod common;

use common::schemas;
use kube::CustomResourceExt;
use secchain_policy::model::cluster_image_policy::ClusterImagePolicy;
use secchain_policy::model::kyverno::ClusterPolicy;
use serde_json::{json, Value};

const CIP_CRD: &str = "policy.sigstore.dev_clusterimagepolicies.crd.yaml";
const KYVERNO_CRD: &str = "kyverno.io_clusterpolicies.crd.yaml";
const ADMISSION: &str = "k8s-1.35-admissionregistration.k8s.io-v1.openapi.json";
const CORE: &str = "k8s-1.35-core-v1-pod.openapi.json";

/// The validator for a generated file, or `None` when the schemas are absent.
fn validator(file: &str) -> Option<jsonschema::Validator> {
    match file {
        "cluster-image-policy.yaml" => {
            schemas::crd_validator(CIP_CRD, "policy.sigstore.dev/v1beta1", "ClusterImagePolicy")
        }
        "kyverno-cluster-policy.yaml" => {
            schemas::crd_validator(KYVERNO_CRD, "kyverno.io/v1", "ClusterPolicy")
        }
        "validating-admission-policy.yaml" => schemas::k8s_validator(
            ADMISSION,
            "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy",
        ),
        "validating-admission-policy-binding.yaml" => schemas::k8s_validator(
            ADMISSION,
            "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding",
        ),
        "pod-spec-snippet.yaml" => schemas::k8s_validator(CORE, "io.k8s.api.core.v1.PodSpec"),
        other => panic!("no schema for {other}"),
    }
}

#[test]
fn every_generated_document_validates_against_its_upstream_schema() {
    if schemas::dir().is_none() {
        return; // ../shared/schemas is not next to this checkout
    }
    let mut validators = std::collections::HashMap::new();
    let mut checked = 0;
    for (variant, input, options) in common::variants() {
        for doc in common::docs(&input, &options) {
            let v = validators
                .entry(doc.file_name.clone())
                .or_insert_with(|| validator(&doc.file_name).unwrap());
            // Validate what is written: the YAML read back, not the in-memory value.
            let text = secchain_policy::render::render(&doc).unwrap();
            let written: Value = serde_saphyr::from_str(&text).unwrap();
            let errors = schemas::errors(v, &written);
            assert!(
                errors.is_empty(),
                "{variant}/{}: {errors:#?}",
                doc.file_name
            );
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} documents checked");
}

#[test]
fn the_validators_reject_what_the_api_server_would() {
    if schemas::dir().is_none() {
        return;
    }
    let docs = common::docs(&common::key_input(), &common::all_attestations());
    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "cluster-image-policy.yaml",
            "/spec/authorities/0/key/dta",
            json!("x"),
        ),
        ("cluster-image-policy.yaml", "/spec/images/0/glob", json!(7)),
        (
            "kyverno-cluster-policy.yaml",
            "/spec/rules/0/verifyImages/0/failureAction",
            json!("Block"),
        ),
        (
            "kyverno-cluster-policy.yaml",
            "/spec/rules/0/verifyImages/0/mutateDigests",
            json!(true),
        ),
        (
            "validating-admission-policy.yaml",
            "/spec/validation",
            json!([]),
        ),
        (
            "validating-admission-policy-binding.yaml",
            "/spec/validationActions",
            json!("Deny"),
        ),
        (
            "pod-spec-snippet.yaml",
            "/securityContext/runAsUser",
            json!("root"),
        ),
        (
            "pod-spec-snippet.yaml",
            "/containers/0/securityContext/readOnlyRoot",
            json!(true),
        ),
        (
            "cluster-image-policy.yaml",
            "/apiVersion",
            json!("policy.sigstore.dev/v1alpha9"),
        ),
    ];
    for (file, pointer, value) in cases {
        let mut doc = common::doc_json(&docs, file);
        set(&mut doc, pointer, value);
        let v = validator(file).unwrap();
        assert!(
            !schemas::errors(&v, &doc).is_empty(),
            "{file}: setting {pointer} should be rejected"
        );
    }
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = if parent.is_empty() {
        &mut *doc
    } else {
        doc.pointer_mut(parent).unwrap()
    };
    parent
        .as_object_mut()
        .unwrap()
        .insert(key.to_string(), value);
}

/// Walks the derived schema: every property it declares exists upstream with the same
/// type (and format when both give one), enums are subsets, and every property upstream
/// requires at a modelled object is modelled too.
fn compare(ours: &Value, upstream: &Value, path: &str, problems: &mut Vec<String>) {
    let field = |s: &Value, k: &str| s.get(k).cloned();
    if let (Some(a), Some(b)) = (field(ours, "type"), field(upstream, "type")) {
        if a != b {
            problems.push(format!("{path}: type {a} vs upstream {b}"));
        }
    }
    if let (Some(a), Some(b)) = (field(ours, "format"), field(upstream, "format")) {
        if a != b {
            problems.push(format!("{path}: format {a} vs upstream {b}"));
        }
    }
    if let Some(Value::Array(ours_enum)) = field(ours, "enum") {
        match field(upstream, "enum") {
            Some(Value::Array(up)) => {
                for v in ours_enum.iter().filter(|v| !up.contains(v)) {
                    problems.push(format!("{path}: enum value {v} not upstream"));
                }
            }
            _ if field(upstream, "type") == Some(json!("string")) => {}
            _ => problems.push(format!("{path}: enum where upstream has none")),
        }
    }
    if ours.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true))
        && upstream.get("x-kubernetes-preserve-unknown-fields") != Some(&json!(true))
    {
        problems.push(format!(
            "{path}: preserves unknown fields, upstream does not"
        ));
    }
    if let Some(props) = ours.get("properties").and_then(Value::as_object) {
        for (name, schema) in props {
            match upstream.get("properties").and_then(|p| p.get(name)) {
                Some(up) => compare(schema, up, &format!("{path}.{name}"), problems),
                None => problems.push(format!("{path}.{name}: not in the upstream schema")),
            }
        }
        for req in upstream
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !props.contains_key(req.as_str().unwrap()) {
                problems.push(format!("{path}: upstream requires {req}, not modelled"));
            }
        }
    }
    if let (Some(a), Some(b)) = (ours.get("items"), upstream.get("items")) {
        compare(a, b, &format!("{path}[]"), problems);
    }
}

fn derived_schema(
    crd: &k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
) -> Value {
    let crd = serde_json::to_value(crd).unwrap();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone()
}

#[test]
fn derived_crd_schemas_match_the_upstream_crds() {
    if schemas::dir().is_none() {
        return;
    }
    for (name, ours, upstream_file, version) in [
        (
            "ClusterImagePolicy",
            derived_schema(&ClusterImagePolicy::crd()),
            CIP_CRD,
            "v1beta1",
        ),
        (
            "ClusterPolicy",
            derived_schema(&ClusterPolicy::crd()),
            KYVERNO_CRD,
            "v1",
        ),
    ] {
        let upstream = schemas::crd_schema(upstream_file, version).unwrap();
        let mut problems = Vec::new();
        compare(
            &ours["properties"]["spec"],
            &upstream["properties"]["spec"],
            "spec",
            &mut problems,
        );
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        // The comparison is not vacuous: the derived spec models nested fields.
        assert!(
            ours.to_string().len() > 2000,
            "{name}: derived schema suspiciously small"
        );
    }
}

#[test]
fn every_emitted_field_is_in_the_derived_schema() {
    // The derive generates the schema from the same structs that serialise the documents,
    // so a field in a document but not in the derived schema would mean a hand-written value.
    for (variant, input, options) in common::variants() {
        let docs = common::docs(&input, &options);
        for (file, crd) in [
            ("cluster-image-policy.yaml", ClusterImagePolicy::crd()),
            ("kyverno-cluster-policy.yaml", ClusterPolicy::crd()),
        ] {
            let schema = derived_schema(&crd);
            let doc = common::doc_json(&docs, file);
            let mut missing = Vec::new();
            walk(
                &doc["spec"],
                &schema["properties"]["spec"],
                "spec",
                &mut missing,
            );
            assert!(missing.is_empty(), "{variant}/{file}: {missing:?}");
        }
    }
}

fn walk(doc: &Value, schema: &Value, path: &str, missing: &mut Vec<String>) {
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true)) {
        return;
    }
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                match schema.get("properties").and_then(|p| p.get(k)) {
                    Some(s) => walk(v, s, &format!("{path}.{k}"), missing),
                    None => missing.push(format!("{path}.{k}")),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &schema["items"], &format!("{path}[{i}]"), missing);
            }
        }
        _ => {}
    }
}

#[test]
fn the_schema_comparison_catches_a_mismatch() {
    if schemas::dir().is_none() {
        return;
    }
    let upstream = schemas::crd_schema(CIP_CRD, "v1beta1").unwrap();
    let mut ours = derived_schema(&ClusterImagePolicy::crd());
    let spec = &mut ours["properties"]["spec"];
    spec["properties"]["images"]["items"]["properties"]["glob"]["type"] = json!("integer");
    spec["properties"]["imagez"] = json!({"type": "string"});
    let mut problems = Vec::new();
    compare(
        &ours["properties"]["spec"],
        &upstream["properties"]["spec"],
        "spec",
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:#?}");

    let upstream = schemas::crd_schema(KYVERNO_CRD, "v1").unwrap();
    let mut ours = derived_schema(&ClusterPolicy::crd());
    let vi = &mut ours["properties"]["spec"]["properties"]["rules"]["items"]["properties"]
        ["verifyImages"]["items"];
    vi["properties"]["failureAction"]["enum"] = json!(["Audit", "Block"]);
    let mut problems = Vec::new();
    compare(
        &ours["properties"]["spec"],
        &upstream["properties"]["spec"],
        "spec",
        &mut problems,
    );
    assert_eq!(
        problems,
        ["spec.rules[].verifyImages[].failureAction: enum value \"Block\" not upstream"]
    );
}
