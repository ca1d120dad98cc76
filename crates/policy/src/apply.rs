//! `secchain policy apply`: server-side apply of the generated policies, all or nothing.
//!
//! [`plan`] turns the documents into an ordered list of [`ApplyRequest`]s: first a server
//! dry run (`dryRun=All`) of every document, then (unless only a dry run was asked for)
//! the real apply of every document, in a fixed order (ClusterImagePolicy, Kyverno
//! ClusterPolicy, ValidatingAdmissionPolicy, its binding). Every request is a
//! `kube::api::Patch::Apply` with field manager `secchain`, `force` (secchain owns these
//! fields) and `fieldValidation=Strict` (a field the cluster's CRD does not know fails the
//! dry run instead of being dropped silently).
//!
//! [`execute`] sends the plan with a [`kube::Client`]. It runs every dry run and reports
//! all failures at once; only when all passed does it apply, stopping at the first
//! failure and saying which documents were already applied. A dry run cannot catch
//! everything (a concurrent change, an admission webhook outage), so "all or nothing"
//! means: nothing is applied unless the API server accepted every document in a dry run.
//!
//! No Kubernetes API server can run where secchain is tested, so the tests cover
//! everything up to the wire: the plan, the exact HTTP requests (method, path, query,
//! content type, body) and their order, sent through a fake transport. Nothing here is
//! tested against a real cluster.

use std::path::Path;

use kube::api::{
    Api, ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams, ValidationDirective,
};
use kube::core::{Request, Resource as _};

use crate::error::{Error, Result};
use crate::generate::Document;
use crate::render::GENERATED_BY;

/// The field manager of every apply.
pub const FIELD_MANAGER: &str = "secchain";

/// The kinds `apply` knows, in apply order: `(apiVersion, kind, plural)`.
pub const KINDS: [(&str, &str, &str); 4] = [
    (
        "policy.sigstore.dev/v1beta1",
        "ClusterImagePolicy",
        "clusterimagepolicies",
    ),
    ("kyverno.io/v1", "ClusterPolicy", "clusterpolicies"),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy",
        "validatingadmissionpolicies",
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings",
    ),
];

/// A cluster-scoped resource to apply.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplyDocument {
    /// The file it came from.
    pub file_name: String,
    /// Its API group, version, kind and plural.
    pub api: ApiResource,
    /// `metadata.name`.
    pub name: String,
    /// The whole object, as sent.
    pub body: serde_json::Value,
    order: usize,
}

impl ApplyDocument {
    /// From a generated document; `None` for documents that are not resources (the pod snippet).
    pub fn from_document(doc: &Document) -> Result<Option<Self>> {
        if !doc.resource.is_applicable() {
            return Ok(None);
        }
        let body = doc.resource.to_json().map_err(|e| Error::Document {
            file: doc.file_name.clone(),
            message: e.to_string(),
        })?;
        Self::from_value(&doc.file_name, body).map(Some)
    }

    /// From a generated YAML file's text; `None` when it holds no `apiVersion` (the pod snippet).
    pub fn from_yaml(file_name: &str, text: &str) -> Result<Option<Self>> {
        let body: serde_json::Value =
            serde_saphyr::from_str(text).map_err(|e| Error::Document {
                file: file_name.to_string(),
                message: format!("not YAML: {e}"),
            })?;
        if body.get("apiVersion").is_none() {
            return Ok(None);
        }
        Self::from_value(file_name, body).map(Some)
    }

    fn from_value(file_name: &str, body: serde_json::Value) -> Result<Self> {
        let bad = |message: String| Error::Document {
            file: file_name.to_string(),
            message,
        };
        let api_version = body["apiVersion"].as_str().unwrap_or_default();
        let kind = body["kind"].as_str().unwrap_or_default();
        let (order, &(_, _, plural)) = KINDS
            .iter()
            .enumerate()
            .find(|(_, (v, k, _))| *v == api_version && *k == kind)
            .ok_or_else(|| {
                bad(format!(
                    "`{api_version}` `{kind}` is not a kind secchain applies"
                ))
            })?;
        let name = body["metadata"]["name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| bad("the resource has no metadata.name".into()))?
            .to_string();
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let gvk = GroupVersionKind::gvk(group, version, kind);
        Ok(ApplyDocument {
            file_name: file_name.to_string(),
            api: ApiResource::from_gvk_with_plural(&gvk, plural),
            name,
            body,
            order,
        })
    }
}

/// Reads the documents the `policy` stage wrote into `dir` (its `*.yaml` files with
/// secchain's header; the pod snippet is skipped).
pub fn load_dir(dir: &Path) -> Result<Vec<ApplyDocument>> {
    let io = |e: std::io::Error| Error::Document {
        file: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut docs = Vec::new();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).map_err(io)?;
        if !text.starts_with(GENERATED_BY) {
            continue;
        }
        docs.extend(ApplyDocument::from_yaml(&name, &text)?);
    }
    if docs.is_empty() {
        return Err(Error::Document {
            file: dir.display().to_string(),
            message: "no generated policy to apply here (run the `policy` stage first)".into(),
        });
    }
    Ok(docs)
}

/// Dry run or the real apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// `dryRun=All`: validated and admitted by the server, not persisted.
    DryRun,
    /// Persisted.
    Apply,
}

/// One server-side apply request.
#[derive(Clone, Debug)]
pub struct ApplyRequest {
    /// Dry run or apply.
    pub phase: Phase,
    /// The document.
    pub document: ApplyDocument,
    /// The patch parameters (field manager `secchain`, force, strict validation, dry run).
    pub params: PatchParams,
}

impl ApplyRequest {
    /// The patch sent.
    pub fn patch(&self) -> Patch<&serde_json::Value> {
        Patch::Apply(&self.document.body)
    }

    /// The exact HTTP request `kube` sends for this step.
    pub fn http_request(&self) -> Result<http::Request<Vec<u8>>> {
        Request::new(DynamicObject::url_path(&self.document.api, None))
            .patch(&self.document.name, &self.params, &self.patch())
            .map_err(|e| Error::Kube {
                context: format!("building the request for {}", self.document.file_name),
                message: e.to_string(),
            })
    }

    /// `dry-run apply ClusterImagePolicy/secchain-app`.
    pub fn describe(&self) -> String {
        let phase = match self.phase {
            Phase::DryRun => "dry-run apply",
            Phase::Apply => "apply",
        };
        format!("{phase} {}/{}", self.document.api.kind, self.document.name)
    }
}

/// What to do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Only the server dry run (`--dry-run=server`).
    pub dry_run_only: bool,
}

/// The ordered requests.
#[derive(Clone, Debug)]
pub struct ApplyPlan {
    /// Every dry run, then every apply.
    pub requests: Vec<ApplyRequest>,
}

/// Builds the plan: a dry run of every document, then (unless `dry_run_only`) every apply.
pub fn plan(mut documents: Vec<ApplyDocument>, options: &ApplyOptions) -> Result<ApplyPlan> {
    documents.sort_by(|a, b| (a.order, &a.name).cmp(&(b.order, &b.name)));
    for pair in documents.windows(2) {
        if pair[0].order == pair[1].order && pair[0].name == pair[1].name {
            return Err(Error::Document {
                file: pair[1].file_name.clone(),
                message: format!(
                    "{}/{} is also in {}",
                    pair[1].api.kind, pair[1].name, pair[0].file_name
                ),
            });
        }
    }
    let params = PatchParams::apply(FIELD_MANAGER)
        .force()
        .validation(ValidationDirective::Strict);
    let mut requests: Vec<ApplyRequest> = documents
        .iter()
        .map(|d| ApplyRequest {
            phase: Phase::DryRun,
            document: d.clone(),
            params: params.clone().dry_run(),
        })
        .collect();
    if !options.dry_run_only {
        requests.extend(documents.into_iter().map(|d| ApplyRequest {
            phase: Phase::Apply,
            document: d,
            params: params.clone(),
        }));
    }
    Ok(ApplyPlan { requests })
}

/// A client for a kubeconfig context (`--context`), or the default one (kubeconfig or in-cluster).
pub async fn client(context: Option<&str>) -> Result<kube::Client> {
    let err = |message: String| Error::Kube {
        context: "configuring the Kubernetes client".into(),
        message,
    };
    let config = match context {
        Some(ctx) => kube::Config::from_kubeconfig(&kube::config::KubeConfigOptions {
            context: Some(ctx.to_string()),
            ..Default::default()
        })
        .await
        .map_err(|e| err(e.to_string()))?,
        None => kube::Config::infer()
            .await
            .map_err(|e| err(e.to_string()))?,
    };
    kube::Client::try_from(config).map_err(|e| err(e.to_string()))
}

/// What [`execute`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Every step that succeeded, in order (`dry-run apply Kind/name`, `apply Kind/name`).
    pub done: Vec<String>,
}

/// Sends the plan: every dry run (all failures reported together), then every apply.
pub async fn execute(client: &kube::Client, plan: &ApplyPlan) -> Result<ApplyReport> {
    let mut report = ApplyReport::default();
    let mut failures = Vec::new();
    for req in plan.requests.iter().filter(|r| r.phase == Phase::DryRun) {
        match send(client, req).await {
            Ok(()) => report.done.push(req.describe()),
            Err(e) => failures.push(format!(
                "{} ({}): {e}",
                req.describe(),
                req.document.file_name
            )),
        }
    }
    if !failures.is_empty() {
        return Err(Error::Kube {
            context: "server dry run failed; nothing was applied".into(),
            message: failures.join("; "),
        });
    }
    for req in plan.requests.iter().filter(|r| r.phase == Phase::Apply) {
        if let Err(e) = send(client, req).await {
            let applied: Vec<&str> = report
                .done
                .iter()
                .filter(|d| d.starts_with("apply "))
                .map(String::as_str)
                .collect();
            return Err(Error::Kube {
                context: format!(
                    "{} failed after every dry run passed; already applied: [{}]",
                    req.describe(),
                    applied.join(", ")
                ),
                message: e.to_string(),
            });
        }
        report.done.push(req.describe());
    }
    Ok(report)
}

async fn send(client: &kube::Client, req: &ApplyRequest) -> Result<(), kube::Error> {
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &req.document.api);
    api.patch(&req.document.name, &req.params, &req.patch())
        .await
        .map(|_| ())
}
