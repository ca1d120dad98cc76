//! Building the provenance statement from a finished (or nearly finished) run.

use std::collections::BTreeMap;

use secchain_pipeline::{RunInfo, StageRecord};
use serde_json::json;

use crate::ci::CiRun;
use crate::intoto::{ResourceDescriptor, Statement, STATEMENT_TYPE};
use crate::slsa::{
    BuildDefinition, BuildMetadata, Builder, Provenance, RunDetails, PREDICATE_TYPE,
};

/// The `buildType` of secchain pipelines: how to read the parameters below.
pub const BUILD_TYPE: &str = "https://secchain.dev/buildtypes/pipeline/v1";

/// Everything the statement is made from.
#[derive(Clone, Debug)]
pub struct ProvenanceInputs<'a> {
    /// The run.
    pub run: &'a RunInfo,
    /// The image and its digests: the image (index) digest and, for an index, every
    /// platform's manifest digest.
    pub subject: Vec<ResourceDescriptor>,
    /// The stages that finished before provenance, in pipeline order.
    pub finished: &'a [StageRecord],
    /// The Dockerfile's path (as written in the pipeline) and `sha256:…` digest.
    pub dockerfile: Option<(String, String)>,
    /// The builder, from the CI environment.
    pub ci: CiRun,
    /// Used as `invocationId` when the CI has none (e.g. a hash of the run's inputs and start time).
    pub fallback_invocation_id: String,
    /// When the provenance was made (RFC 3339).
    pub finished_on: String,
}

/// The in-toto Statement with the SLSA v1 predicate for the run.
pub fn build_statement(inputs: &ProvenanceInputs<'_>) -> Statement<Provenance> {
    let run = inputs.run;
    let mut version = BTreeMap::new();
    version.insert("secchain".to_string(), run.version.clone());
    Statement {
        type_: STATEMENT_TYPE.to_string(),
        subject: inputs.subject.clone(),
        predicate_type: PREDICATE_TYPE.to_string(),
        predicate: Provenance {
            build_definition: BuildDefinition {
                build_type: BUILD_TYPE.to_string(),
                external_parameters: json!({
                    "pipeline": {
                        "path": run.pipeline_path,
                        "digest": split_digest(&run.pipeline_digest),
                        "effective": run.effective_pipeline,
                    },
                    "image": run.image,
                    "platform": run.platform,
                    "dockerfile": inputs.dockerfile.as_ref().map(|(path, _)| path),
                }),
                internal_parameters: json!({
                    "secchainVersion": run.version,
                    "dryRun": run.dry_run,
                }),
                resolved_dependencies: resolved_dependencies(inputs),
            },
            run_details: RunDetails {
                builder: Builder {
                    id: inputs.ci.builder_id.clone(),
                    version,
                },
                metadata: BuildMetadata {
                    invocation_id: inputs
                        .ci
                        .invocation_id
                        .clone()
                        .unwrap_or_else(|| inputs.fallback_invocation_id.clone()),
                    started_on: run.started_at.clone(),
                    finished_on: inputs.finished_on.clone(),
                },
                byproducts: byproducts(inputs.finished),
            },
        },
    }
}

fn split_digest(digest: &str) -> serde_json::Value {
    let (algo, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
    json!({ algo: hex })
}

/// The Dockerfile, the pinned base images (pin stage), the vulnerability database
/// snapshot (scan stage) and the base pipelines, each by digest.
fn resolved_dependencies(inputs: &ProvenanceInputs<'_>) -> Vec<ResourceDescriptor> {
    let mut deps = Vec::new();
    if let Some((path, digest)) = &inputs.dockerfile {
        let mut d = ResourceDescriptor::named(path.clone(), digest);
        d.media_type = Some("text/x-dockerfile".into());
        deps.push(d);
    }
    for record in inputs.finished {
        if record.kind == "pin" {
            for pin in record.data["pins"].as_array().into_iter().flatten() {
                if let (Some(image), Some(digest)) = (pin["image"].as_str(), pin["digest"].as_str())
                {
                    let mut d = ResourceDescriptor::named(image, digest);
                    d.uri = Some(format!("pkg:docker/{image}"));
                    deps.push(d);
                }
            }
        }
        if record.kind == "scan" {
            let db = &record.data["database"];
            if let Some(digest) = db["digest"].as_str() {
                let mut d = ResourceDescriptor::named("vulnerability-database", digest);
                d.annotations
                    .insert("sources".into(), db["sources"].clone());
                deps.push(d);
            }
        }
    }
    for base in &inputs.run.extends {
        let mut d = ResourceDescriptor::named(base.path.clone(), &base.digest);
        d.media_type = Some("application/yaml".into());
        d.annotations.insert("role".into(), json!("base-pipeline"));
        deps.push(d);
    }
    deps
}

/// Every stage's outcome and every output file, by digest.
fn byproducts(finished: &[StageRecord]) -> Vec<ResourceDescriptor> {
    let mut out = Vec::new();
    for record in finished {
        let mut stage = ResourceDescriptor {
            name: Some(format!("stage/{}", record.name)),
            uri: Some(format!("https://secchain.dev/stages/{}", record.kind)),
            ..Default::default()
        };
        let annotations = [
            ("kind", json!(record.kind)),
            ("outcome", json!(record.outcome)),
            ("tolerated", json!(record.tolerated)),
            ("findings", json!(record.findings_total)),
            ("blockingFindings", json!(record.blocking_findings.len())),
            ("reason", json!(record.reason)),
        ];
        stage.annotations = annotations
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .filter(|(_, v)| !v.is_null())
            .collect();
        out.push(stage);
        for output in &record.outputs {
            let mut d = ResourceDescriptor::named(output.path.clone(), &output.digest);
            d.media_type = Some(output.media_type.clone());
            d.annotations.insert("stage".into(), json!(record.name));
            out.push(d);
        }
    }
    out
}
