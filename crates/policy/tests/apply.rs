//! `secchain policy apply` up to the wire. No Kubernetes API server can run here, so the
//! plan, the exact HTTP requests and their order are checked, and `execute` runs against a
//! fake transport that records every request and answers like an API server would.

mod common;

use std::sync::{Arc, Mutex};

use secchain_policy::apply::{self, ApplyDocument, ApplyOptions, Phase};
use secchain_policy::render::render_all;
use serde_json::{json, Value};

fn documents() -> Vec<ApplyDocument> {
    common::docs(&common::key_input(), &common::all_attestations())
        .iter()
        .filter_map(|d| ApplyDocument::from_document(d).unwrap())
        .collect()
}

const PATHS: [&str; 4] = [
    "/apis/policy.sigstore.dev/v1beta1/clusterimagepolicies/secchain-app",
    "/apis/kyverno.io/v1/clusterpolicies/secchain-app",
    "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/secchain-app",
    "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/secchain-app",
];

fn query(uri: &http::Uri) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    pairs.sort();
    pairs
}

fn expected_query(dry_run: bool) -> Vec<(String, String)> {
    let mut q = vec![
        ("fieldManager".to_string(), "secchain".to_string()),
        ("fieldValidation".to_string(), "Strict".to_string()),
        ("force".to_string(), "true".to_string()),
    ];
    if dry_run {
        q.insert(0, ("dryRun".to_string(), "All".to_string()));
    }
    q
}

#[test]
fn the_plan_dry_runs_everything_then_applies_in_order() {
    // Shuffled input: the plan orders it.
    let mut docs = documents();
    docs.reverse();
    let plan = apply::plan(docs, &ApplyOptions::default()).unwrap();
    let steps: Vec<String> = plan.requests.iter().map(|r| r.describe()).collect();
    let kinds = [
        "ClusterImagePolicy",
        "ClusterPolicy",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
    ];
    let mut expected: Vec<String> = kinds
        .iter()
        .map(|k| format!("dry-run apply {k}/secchain-app"))
        .collect();
    expected.extend(kinds.iter().map(|k| format!("apply {k}/secchain-app")));
    assert_eq!(steps, expected);

    let generated = common::docs(&common::key_input(), &common::all_attestations());
    for (i, req) in plan.requests.iter().enumerate() {
        let http = req.http_request().unwrap();
        assert_eq!(http.method(), http::Method::PATCH);
        assert_eq!(http.uri().path(), PATHS[i % 4]);
        assert_eq!(
            query(http.uri()),
            expected_query(req.phase == Phase::DryRun)
        );
        assert_eq!(
            http.headers()["content-type"],
            "application/apply-patch+yaml"
        );
        // The patch is the whole generated object, exactly.
        let body: Value = serde_json::from_slice(http.body()).unwrap();
        let source = generated
            .iter()
            .find(|d| d.file_name == req.document.file_name)
            .unwrap();
        assert_eq!(body, source.resource.to_json().unwrap());
        assert!(matches!(req.patch(), kube::api::Patch::Apply(_)));
        assert_eq!(req.params.field_manager.as_deref(), Some("secchain"));
        assert!(req.params.force);
    }
}

#[test]
fn dry_run_only_plans_no_apply() {
    let plan = apply::plan(documents(), &ApplyOptions { dry_run_only: true }).unwrap();
    assert_eq!(plan.requests.len(), 4);
    assert!(plan
        .requests
        .iter()
        .all(|r| r.phase == Phase::DryRun && r.params.dry_run));
}

#[test]
fn duplicate_documents_are_refused() {
    let mut docs = documents();
    docs.push(docs[0].clone());
    assert!(apply::plan(docs, &ApplyOptions::default()).is_err());
}

#[derive(Clone, Debug, PartialEq)]
struct Seen {
    method: String,
    uri: String,
    content_type: String,
    body: Value,
}

/// A fake API server: records requests; fails the ones `fail` selects with 422.
fn fake(
    fail: impl Fn(&str) -> bool + Send + Sync + 'static,
) -> (kube::Client, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let fail = Arc::new(fail);
    let log = seen.clone();
    let svc = tower::service_fn(move |req: http::Request<kube::client::Body>| {
        let log = log.clone();
        let fail = fail.clone();
        async move {
            let (parts, body) = req.into_parts();
            let bytes = body.collect_bytes().await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap();
            let uri = parts.uri.to_string();
            log.lock().unwrap().push(Seen {
                method: parts.method.to_string(),
                uri: uri.clone(),
                content_type: parts.headers["content-type"].to_str().unwrap().to_string(),
                body: body.clone(),
            });
            let (status, answer) = if fail(&uri) {
                (
                    422,
                    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Invalid", "code": 422, "message": "admission webhook denied the request"}),
                )
            } else {
                (200, body)
            };
            Ok::<_, std::convert::Infallible>(
                http::Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(kube::client::Body::from(
                        serde_json::to_vec(&answer).unwrap(),
                    ))
                    .unwrap(),
            )
        }
    });
    (kube::Client::new(svc, "default"), seen)
}

#[tokio::test]
async fn execute_sends_exactly_the_planned_requests_in_order() {
    let plan = apply::plan(documents(), &ApplyOptions::default()).unwrap();
    let (client, seen) = fake(|_| false);
    let report = apply::execute(&client, &plan).await.unwrap();
    assert_eq!(
        report.done,
        plan.requests
            .iter()
            .map(|r| r.describe())
            .collect::<Vec<_>>()
    );
    let seen = seen.lock().unwrap().clone();
    let expected: Vec<Seen> = plan
        .requests
        .iter()
        .map(|r| {
            let h = r.http_request().unwrap();
            Seen {
                method: h.method().to_string(),
                uri: h.uri().to_string(),
                content_type: h.headers()["content-type"].to_str().unwrap().to_string(),
                body: serde_json::from_slice(h.body()).unwrap(),
            }
        })
        .collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_failed_dry_run_applies_nothing_and_reports_every_failure() {
    let plan = apply::plan(documents(), &ApplyOptions::default()).unwrap();
    let (client, seen) = fake(|uri| {
        uri.contains("dryRun=All")
            && (uri.contains("validatingadmissionpolicies") || uri.contains("kyverno"))
    });
    let err = apply::execute(&client, &plan)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("nothing was applied"), "{err}");
    assert!(
        err.contains("ClusterPolicy/secchain-app")
            && err.contains("ValidatingAdmissionPolicy/secchain-app"),
        "{err}"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 4, "every dry run, no apply");
    assert!(seen.iter().all(|s| s.uri.contains("dryRun=All")));
}

#[tokio::test]
async fn a_failed_apply_stops_and_says_what_was_applied() {
    let plan = apply::plan(documents(), &ApplyOptions::default()).unwrap();
    let (client, seen) =
        fake(|uri| !uri.contains("dryRun") && uri.contains("validatingadmissionpolicybindings"));
    let err = apply::execute(&client, &plan)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("already applied: [apply ClusterImagePolicy/secchain-app, apply ClusterPolicy/secchain-app, apply ValidatingAdmissionPolicy/secchain-app]"), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 8);
}

#[test]
fn load_dir_reads_back_what_the_stage_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let docs = common::docs(&common::key_input(), &common::all_attestations());
    for (file, text) in render_all(&docs).unwrap() {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    std::fs::write(
        dir.path().join("notes.yaml"),
        "apiVersion: v1\nkind: ConfigMap\n",
    )
    .unwrap();
    let loaded = apply::load_dir(dir.path()).unwrap();
    let mut from_docs = documents();
    let mut loaded_sorted = loaded.clone();
    from_docs.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    loaded_sorted.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    assert_eq!(
        loaded_sorted, from_docs,
        "pod snippet and foreign files skipped, bodies identical"
    );
    let empty = tempfile::tempdir().unwrap();
    assert!(apply::load_dir(empty.path())
        .unwrap_err()
        .to_string()
        .contains("policy"));
}
