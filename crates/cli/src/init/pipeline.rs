//! The pipeline `secchain init` proposes: a typed [`Pipeline`] chosen from what the
//! repository contains, rendered as YAML with a comment above each stage.
//!
//! The YAML itself comes from serialising the typed value; comments are added line-wise
//! around the serialised parts, so nothing is pasted into a text template.

use secchain_pipeline::model::PIPELINE_VERSION;
use secchain_pipeline::{Pipeline, StageSpec};
use serde_json::{json, Map, Value};

use super::detect::Repository;

/// A pipeline and the comments that explain it.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineDoc {
    /// Comment lines at the top of the file.
    pub header: Vec<String>,
    /// The pipeline.
    pub pipeline: Pipeline,
    /// Comment lines above each stage, in stage order.
    pub stage_comments: Vec<Vec<String>>,
}

/// The pipeline for `repo`, about `image`.
pub fn propose(repo: &Repository, image: &str) -> PipelineDoc {
    let mut stages = Vec::new();
    let mut comments = Vec::new();
    let dockerfile = repo.dockerfiles.first().cloned();
    let mut after_checks = Vec::new();

    if dockerfile.is_some() {
        let mut lines =
            vec!["Dockerfile lint: hadolint's DL rules plus secchain's SEC rules.".to_string()];
        if let Some(config) = &repo.hadolint_config {
            lines.push(format!(
                "{config} is read as well (ignored rules, overrides, trusted registries)."
            ));
        }
        lines.push("`secchain explain-rule DL3008` explains a finding.".into());
        let with = (repo.dockerfiles.len() > 1).then(|| json!({"files": repo.dockerfiles}));
        stages.push(stage(
            "lint",
            Some(vec![]),
            with,
            Some(json!({"fail_on": "error"})),
        ));
        comments.push(lines);
        after_checks.push("lint");
    }

    let pin_files: Vec<&String> = repo
        .kubernetes
        .iter()
        .chain(&repo.compose)
        .chain(&repo.github_workflows)
        .collect();
    if dockerfile.is_some() || !pin_files.is_empty() {
        let mut with = Map::new();
        with.insert("mode".into(), json!("check"));
        if !pin_files.is_empty() {
            with.insert("files".into(), json!(pin_files));
        }
        with.insert("deny_tags".into(), json!(["latest"]));
        stages.push(stage("pin", Some(vec![]), Some(Value::Object(with)), None));
        comments.push(vec![
            "Every image reference pinned to a digest. `check` changes nothing and fails on".into(),
            "unpinned or moved references; `secchain pin FILE` writes the pins.".into(),
        ]);
        after_checks.push("pin");
    }

    stages.push(stage("sbom", Some(vec![]), None, None));
    comments.push(vec![
        "CycloneDX and SPDX SBOMs of every layer's packages.".into()
    ]);

    let mut scan_with = Map::new();
    if !repo.trivy_ignores.is_empty() {
        scan_with.insert("ignorefiles".into(), json!(repo.trivy_ignores));
    }
    scan_with.insert("formats".into(), json!(["table", "sarif", "html"]));
    stages.push(stage(
        "scan",
        Some(vec!["sbom".into()]),
        Some(Value::Object(scan_with)),
        Some(json!({"severity": ["CRITICAL", "HIGH"], "ignore_unfixed": true})),
    ));
    comments.push(vec![
        "Known vulnerabilities (run `secchain db update` once). Fails on CRITICAL and HIGH".into(),
        "findings that have a fix; the summary names the package and the version to upgrade to."
            .into(),
    ]);
    after_checks.push("scan");

    stages.push(stage(
        "secrets",
        Some(vec![]),
        None,
        Some(json!({"fail_on": "high"})),
    ));
    comments.push(vec![
        "Secrets in any layer or the image config (values are never printed).".into(),
    ]);
    after_checks.push("secrets");

    let sign_with = repo.cosign_key.as_ref().map(|key| json!({"key": key}));
    stages.push(stage(
        "sign",
        Some(after_checks.iter().map(|s| s.to_string()).collect()),
        sign_with,
        None,
    ));
    comments.push(if repo.cosign_key.is_some() {
        vec!["Signs the image digest once every check passed (password: COSIGN_PASSWORD).".into()]
    } else {
        vec![
            "Signs the image digest once every check passed: keyless in CI with an identity".into(),
            "token, or `secchain key generate` and `with: {key: cosign.key}`.".into(),
        ]
    });

    if !repo.kubernetes.is_empty() {
        stages.push(stage("policy", Some(vec!["sign".into()]), None, None));
        comments.push(vec![
            "Admission policies so clusters run only this image, signed by this key.".into(),
        ]);
    }

    let mut header = vec![
        "secchain pipeline written by `secchain init`; edit freely.".to_string(),
        "  secchain validate             check this file".into(),
        "  secchain run --dry-run        run every stage, push nothing".into(),
        "  secchain docs pipeline        every key of this file".into(),
    ];
    header.push(format!("Found: {}.", found_summary(repo)));
    PipelineDoc {
        header,
        pipeline: Pipeline {
            version: PIPELINE_VERSION,
            image: Some(image.to_string()),
            dockerfile,
            platform: None,
            stages,
        },
        stage_comments: comments,
    }
}

fn stage(
    kind: &str,
    needs: Option<Vec<String>>,
    with: Option<Value>,
    gate: Option<Value>,
) -> StageSpec {
    StageSpec {
        kind: kind.to_string(),
        name: None,
        needs,
        with,
        gate,
        continue_on_error: false,
        enabled: true,
        locked: None,
    }
}

fn found_summary(repo: &Repository) -> String {
    let count = |n: usize, what: &str| (n > 0).then(|| format!("{n} {what}"));
    let parts: Vec<String> = [
        count(repo.dockerfiles.len(), "Dockerfile(s)"),
        count(repo.kubernetes.len(), "Kubernetes manifest(s)"),
        count(repo.compose.len(), "compose file(s)"),
        count(repo.github_workflows.len(), "GitHub workflow(s)"),
        repo.gitlab_ci.then(|| "GitLab CI".to_string()),
        repo.hadolint_config.clone(),
        (!repo.trivy_ignores.is_empty()).then(|| repo.trivy_ignores.join(", ")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing to build from yet (no Dockerfile)".into()
    } else {
        parts.join(", ")
    }
}

impl PipelineDoc {
    /// The YAML file, comments included.
    pub fn render(&self, schema_path: &str) -> Result<String, String> {
        let mut out = format!("# yaml-language-server: $schema={schema_path}\n");
        for line in &self.header {
            out.push_str(&comment(line));
        }
        let mut top = to_plain_json(&self.pipeline)?;
        let stages = top.remove("stages");
        out.push_str(&to_yaml(&Value::Object(top))?);
        out.push_str("\nstages:\n");
        let stages = match stages {
            Some(Value::Array(stages)) => stages,
            _ => Vec::new(),
        };
        for (i, stage) in stages.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            for line in self.stage_comments.get(i).into_iter().flatten() {
                out.push_str("  ");
                out.push_str(&comment(line));
            }
            let yaml = to_yaml(stage)?;
            for (n, line) in yaml.lines().enumerate() {
                out.push_str(if n == 0 { "  - " } else { "    " });
                out.push_str(line);
                out.push('\n');
            }
        }
        Ok(out)
    }
}

fn comment(line: &str) -> String {
    if line.is_empty() {
        "#\n".into()
    } else {
        format!("# {line}\n")
    }
}

/// The pipeline as JSON without the keys that only repeat defaults.
fn to_plain_json(pipeline: &Pipeline) -> Result<Map<String, Value>, String> {
    let mut value = serde_json::to_value(pipeline).map_err(|e| e.to_string())?;
    let obj = value.as_object_mut().ok_or("a pipeline is a mapping")?;
    obj.retain(|_, v| !v.is_null());
    if let Some(Value::Array(stages)) = obj.get_mut("stages") {
        for stage in stages.iter_mut().filter_map(Value::as_object_mut) {
            stage.retain(|key, v| {
                !(v.is_null()
                    || (key == "enabled" && *v == Value::Bool(true))
                    || (key == "continue_on_error" && *v == Value::Bool(false)))
            });
        }
    }
    Ok(std::mem::take(obj))
}

fn to_yaml(value: &Value) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}
