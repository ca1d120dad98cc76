//! The upstream schemas in `../shared/schemas` (next to the repository), turned into JSON
//! Schema validators.
//!
//! Kubernetes schemas are OpenAPI: the conversion makes them behave like the API server.
//! - Objects with `properties` and no `additionalProperties` reject unknown fields (the
//!   server prunes them, or rejects them under `fieldValidation=Strict`), unless marked
//!   `x-kubernetes-preserve-unknown-fields`.
//! - `x-kubernetes-int-or-string` and `format: int-or-string` accept an integer or a string.
//! - `nullable: true` accepts null.
//! - A CRD's root gets `apiVersion`, `kind` (fixed to the CRD's) and `metadata`, which the
//!   server adds to every custom resource's schema.
//! - `$ref`s of the k8s OpenAPI files point into `components`, kept at the document root.

use std::path::PathBuf;

use serde_json::{json, Map, Value};

/// `../shared/schemas` relative to the repository root. Its absence fails the test:
/// a schema check that silently checks nothing would be a false pass.
pub fn dir() -> Option<PathBuf> {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas");
    assert!(
        d.is_dir(),
        "{} is missing: the policy tests validate against the upstream schemas in ../shared/schemas next to the repository",
        d.display()
    );
    Some(d)
}

fn read(file: &str) -> Option<String> {
    Some(std::fs::read_to_string(dir()?.join(file)).unwrap_or_else(|e| panic!("{file}: {e}")))
}

/// The `openAPIV3Schema` of `version` in a CRD file.
pub fn crd_schema(file: &str, version: &str) -> Option<Value> {
    let crd: Value = serde_saphyr::from_str(&read(file)?).expect("CRD YAML");
    let v = crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == version)
        .unwrap_or_else(|| panic!("{file} has no version {version}"));
    Some(v["schema"]["openAPIV3Schema"].clone())
}

/// A validator for custom resources of a CRD version.
pub fn crd_validator(file: &str, api_version: &str, kind: &str) -> Option<jsonschema::Validator> {
    let version = api_version.rsplit('/').next().unwrap();
    let mut schema = convert(&crd_schema(file, version)?);
    let props = schema["properties"].as_object_mut().unwrap();
    props.insert("apiVersion".into(), json!({"const": api_version}));
    props.insert("kind".into(), json!({"const": kind}));
    props.insert(
        "metadata".into(),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["name"],
            "additionalProperties": false,
        }),
    );
    schema["required"] = json!(["apiVersion", "kind", "metadata", "spec"]);
    schema["additionalProperties"] = json!(false);
    Some(build(&schema))
}

/// A validator for the component `component` of a k8s OpenAPI file.
pub fn k8s_validator(file: &str, component: &str) -> Option<jsonschema::Validator> {
    let doc: Value = serde_json::from_str(&read(file)?).expect("OpenAPI JSON");
    assert!(
        doc["components"]["schemas"].get(component).is_some(),
        "{file} has no {component}"
    );
    let schema = json!({
        "$ref": format!("#/components/schemas/{component}"),
        "components": convert(&doc["components"]),
    });
    Some(build(&schema))
}

fn build(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .expect("a valid JSON Schema")
}

/// Every validation error, as `path: message`.
pub fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// OpenAPI (v3.0, Kubernetes flavour) to JSON Schema, recursively.
pub fn convert(node: &Value) -> Value {
    match node {
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let v = match k.as_str() {
                    // Maps of schemas.
                    "properties" | "schemas" | "patternProperties" => Value::Object(
                        v.as_object()
                            .unwrap()
                            .iter()
                            .map(|(name, s)| (name.clone(), convert(s)))
                            .collect(),
                    ),
                    // Single schemas and lists of schemas.
                    "items" | "additionalProperties" | "not" | "allOf" | "anyOf" | "oneOf" => {
                        convert(v)
                    }
                    _ => v.clone(),
                };
                out.insert(k.clone(), v);
            }
            let int_or_string = out.get("x-kubernetes-int-or-string") == Some(&json!(true))
                || out.get("format") == Some(&json!("int-or-string"));
            if int_or_string {
                out.remove("type");
                out.remove("format");
                out.insert(
                    "anyOf".into(),
                    json!([{"type": "integer"}, {"type": "string"}]),
                );
            }
            if out.get("nullable") == Some(&json!(true)) {
                if let Some(Value::String(t)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                }
            }
            let preserve = out.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
            if out.contains_key("properties")
                && !out.contains_key("additionalProperties")
                && !preserve
            {
                out.insert("additionalProperties".into(), json!(false));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}
