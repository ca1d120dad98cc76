//! The ValidatingAdmissionPolicy's CEL, evaluated with a CEL interpreter against pods: the
//! generated pod snippet passes, each kind of violation fails exactly its validation, and
//! the policy only applies to pods that run the image (not its neighbours).

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use secchain_policy::input::PolicyInput;
use secchain_policy::options::PolicyOptions;
use serde_json::{json, Value};

fn to_cel(v: &Value) -> cel::Value {
    match v {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(cel::Value::Int)
            .unwrap_or_else(|| cel::Value::Float(n.as_f64().unwrap())),
        Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        Value::Array(items) => cel::Value::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(map) => {
            let m: HashMap<String, cel::Value> =
                map.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect();
            cel::Value::from(m)
        }
    }
}

fn eval(expression: &str, pod: &Value, variables: Option<&cel::Value>) -> cel::Value {
    let program = cel::Program::compile(expression)
        .unwrap_or_else(|e| panic!("CEL does not compile: {expression}: {e:?}"));
    let mut ctx = cel::Context::default();
    ctx.add_variable_from_value("object", to_cel(pod));
    if let Some(vars) = variables {
        ctx.add_variable_from_value("variables", vars.clone());
    }
    program
        .execute(&ctx)
        .unwrap_or_else(|e| panic!("CEL fails: {expression}: {e:?}"))
}

struct Policy {
    match_condition: String,
    variable: (String, String),
    validations: Vec<(String, String)>,
}

fn policy(input: &PolicyInput, options: &PolicyOptions) -> Policy {
    let docs = common::docs(input, options);
    let vap = common::doc_json(&docs, "validating-admission-policy.yaml");
    let spec = &vap["spec"];
    let conditions = spec["matchConditions"].as_array().unwrap();
    assert_eq!(conditions.len(), 1);
    let var = &spec["variables"][0];
    Policy {
        match_condition: conditions[0]["expression"].as_str().unwrap().into(),
        variable: (
            var["name"].as_str().unwrap().into(),
            var["expression"].as_str().unwrap().into(),
        ),
        validations: spec["validations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["expression"].as_str().unwrap().into(),
                    v["message"].as_str().unwrap().into(),
                )
            })
            .collect(),
    }
}

impl Policy {
    fn applies(&self, pod: &Value) -> bool {
        eval(&self.match_condition, pod, None) == cel::Value::Bool(true)
    }

    /// The messages of the validations the pod fails.
    fn failures(&self, pod: &Value) -> Vec<String> {
        let value = eval(&self.variable.1, pod, None);
        let vars = cel::Value::from(HashMap::from([(self.variable.0.clone(), value)]));
        self.validations
            .iter()
            .filter(|(expr, _)| eval(expr, pod, Some(&vars)) != cel::Value::Bool(true))
            .map(|(_, msg)| msg.clone())
            .collect()
    }
}

fn snippet_pod(input: &PolicyInput) -> Value {
    let docs = common::docs(input, &PolicyOptions::default());
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "app", "namespace": "prod"},
        "spec": common::doc_json(&docs, "pod-spec-snippet.yaml"),
    })
}

fn with(pod: &Value, pointer: &str, value: Value) -> Value {
    let mut pod = pod.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = pod
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{parent}"));
    match target {
        Value::Object(m) => {
            if value.is_null() {
                m.remove(key);
            } else {
                m.insert(key.into(), value);
            }
        }
        Value::Array(a) => a.push(value),
        _ => panic!("{parent}"),
    }
    pod
}

#[test]
fn the_pod_snippet_passes_every_validation() {
    let input = common::key_input();
    let p = policy(&input, &PolicyOptions::default());
    let pod = snippet_pod(&input);
    assert!(p.applies(&pod));
    assert_eq!(p.failures(&pod), Vec::<String>::new());
}

#[test]
fn each_violation_fails_its_validation() {
    let input = common::key_input();
    let p = policy(&input, &PolicyOptions::default());
    let pod = snippet_pod(&input);
    let c = "/spec/containers/0/securityContext";
    let one = |bad: Value, expected: &'static str| (bad, vec![expected]);
    let cases: Vec<(Value, Vec<&str>)> = vec![
        one(
            with(
                &pod,
                "/spec/containers/0/image",
                json!(format!("{}:1.4", common::REPO)),
            ),
            "by digest",
        ),
        one(
            with(&pod, &format!("{c}/readOnlyRootFilesystem"), json!(false)),
            "readOnlyRootFilesystem",
        ),
        one(
            with(&pod, &format!("{c}/allowPrivilegeEscalation"), Value::Null),
            "allowPrivilegeEscalation",
        ),
        one(
            with(&pod, &format!("{c}/privileged"), json!(true)),
            "privileged",
        ),
        one(with(&pod, &format!("{c}/runAsUser"), json!(0)), "UID 0"),
        one(
            with(&pod, &format!("{c}/runAsNonRoot"), json!(false)),
            "runAsNonRoot",
        ),
        one(
            with(&pod, &format!("{c}/capabilities/add"), json!(["SYS_ADMIN"])),
            "capabilities",
        ),
        one(
            with(&pod, &format!("{c}/capabilities/drop"), json!(["NET_RAW"])),
            "capabilities",
        ),
        one(
            with(
                &pod,
                &format!("{c}/seccompProfile"),
                json!({"type": "Unconfined"}),
            ),
            "seccomp",
        ),
        one(
            with(
                &pod,
                "/spec/volumes/-",
                json!({"name": "host", "hostPath": {"path": "/"}}),
            ),
            "hostPath",
        ),
        one(with(&pod, "/spec/hostNetwork", json!(true)), "hostNetwork"),
        one(with(&pod, "/spec/hostPID", json!(true)), "hostPID"),
        one(with(&pod, "/spec/hostIPC", json!(true)), "hostIPC"),
        // An unhardened init container (the pod-level runAsNonRoot and seccomp still cover it).
        (
            with(
                &pod,
                "/spec/initContainers",
                json!([{"name": "init", "image": "busybox"}]),
            ),
            vec![
                "allowPrivilegeEscalation",
                "readOnlyRootFilesystem",
                "capabilities",
            ],
        ),
    ];
    for (bad, expected) in cases {
        let failures = p.failures(&bad);
        assert_eq!(
            failures.len(),
            expected.len(),
            "{expected:?}: {failures:#?}"
        );
        for (f, e) in failures.iter().zip(&expected) {
            assert!(f.contains(e), "{expected:?}: {failures:#?}");
        }
    }
}

#[test]
fn pod_level_settings_count_and_container_settings_win() {
    let input = common::key_input();
    let p = policy(&input, &PolicyOptions::default());
    let pod = snippet_pod(&input);
    let c = "/spec/containers/0/securityContext";
    // runAsNonRoot and seccomp set only at pod level: fine.
    let pod_level = with(
        &with(&pod, &format!("{c}/runAsNonRoot"), Value::Null),
        &format!("{c}/seccompProfile"),
        Value::Null,
    );
    assert_eq!(p.failures(&pod_level), Vec::<String>::new());
    // The container's own setting overrides a good pod-level one.
    let overridden = with(
        &pod,
        &format!("{c}/seccompProfile"),
        json!({"type": "Unconfined"}),
    );
    assert_eq!(p.failures(&overridden).len(), 1);
    // Nothing set anywhere: fails.
    let nowhere = with(&pod_level, "/spec/securityContext", Value::Null);
    let f = p.failures(&nowhere);
    assert!(
        f.iter().any(|m| m.contains("runAsNonRoot")) && f.iter().any(|m| m.contains("seccomp")),
        "{f:#?}"
    );
}

#[test]
fn the_policy_applies_only_to_pods_running_the_image() {
    let input = common::key_input();
    let p = policy(&input, &PolicyOptions::default());
    let pod = snippet_pod(&input);
    let image = |i: &str| with(&pod, "/spec/containers/0/image", json!(i));
    for ours in [
        format!("{}:1.4", common::REPO),
        format!("{}@{}", common::REPO, common::DIGEST),
        format!("{}:1.4@{}", common::REPO, common::DIGEST),
        common::REPO.to_string(),
    ] {
        assert!(p.applies(&image(&ours)), "{ours}");
    }
    for neighbour in [
        "registry.example.com/team/app-other:1.4",
        "registry.example.com/team/application",
        "registry.example.com/team/app/sub:1",
        "registry.example.com/team/ap:1",
        "registryxexample.com/team/app:1",
        "other.example.com/team/app:1",
        "busybox",
    ] {
        assert!(!p.applies(&image(neighbour)), "{neighbour}");
    }
    // In an init container only: applies.
    let init = with(
        &image("busybox"),
        "/spec/initContainers",
        json!([{"name": "i", "image": format!("{}:2", common::REPO)}]),
    );
    assert!(p.applies(&init));
}

#[test]
fn docker_hub_images_match_every_spelling() {
    let mut input = common::key_input();
    input.image_repository = "nginx".into();
    let p = policy(&input, &PolicyOptions::default());
    let pod = snippet_pod(&input);
    for ours in ["nginx", "nginx:1.27", "library/nginx:1", "docker.io/library/nginx:1", "index.docker.io/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"] {
        assert!(p.applies(&with(&pod, "/spec/containers/0/image", json!(ours))), "{ours}");
    }
    for neighbour in [
        "nginx-extras:1",
        "bitnami/nginx:1",
        "docker.io/bitnami/nginx",
        "nginx:5000/app",
    ] {
        assert!(
            !p.applies(&with(&pod, "/spec/containers/0/image", json!(neighbour))),
            "{neighbour}"
        );
    }
}
