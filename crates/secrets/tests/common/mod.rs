//! Shared test support: images pushed to a real registry (layers with `crane append`,
//! config edited with `crane edit config`), OCI layouts written directly, and running
//! the stage through the `Stage` trait.
#![allow(dead_code, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use secchain_pipeline::{Event, EventSink, Redactor, RunInfo, Stage, StageContext, StageReport};
use secchain_secrets::SecretsStage;
use secchain_test::{LayerBuilder, Registry, TestContext};
use serde_json::{json, Value};

/// Pushes `layers` as `REGISTRY/name:1` and rewrites its config with `edit`.
pub fn push(
    registry: &Registry,
    ctx: &TestContext,
    name: &str,
    layers: &[LayerBuilder],
    edit: impl FnOnce(&mut Value),
) -> String {
    let image = format!("{}/{name}:1", registry.addr());
    let paths: Vec<PathBuf> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| ctx.write(format!("{name}-{i}.tar.gz"), l.tar_gz()))
        .collect();
    ctx.crane_append(&image, &paths);
    let mut config: Value = serde_json::from_str(&ctx.crane(&["config", &image])).unwrap();
    config["os"] = json!("linux");
    config["architecture"] = json!("amd64");
    edit(&mut config);
    let mut child = ctx
        .crane_command(&["edit", "config", &image])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(config.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "crane edit config: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    image
}

/// One history entry per layer, with these `created_by` lines (plus empty-layer steps
/// given as `(line, true)`).
pub fn set_history(config: &mut Value, steps: &[(&str, bool)]) {
    config["history"] = Value::Array(
        steps
            .iter()
            .map(|(line, empty)| json!({"created_by": line, "empty_layer": empty}))
            .collect(),
    );
}

/// A stage context for `image` writing below `out`.
pub fn context(
    out: &Path,
    image: &str,
    dockerfile: Option<PathBuf>,
    with: Value,
    gate: Value,
) -> StageContext {
    let run = RunInfo {
        image: Some(image.to_string()),
        dockerfile,
        platform: Some("linux/amd64".into()),
        base_dir: out.to_path_buf(),
        out_root: out.to_path_buf(),
        ..RunInfo::default()
    };
    StageContext {
        with,
        gate,
        ..StageContext::detached("secrets", run)
    }
}

/// A secret finding as `(rule, path, line, layer index, visible in the final image)`.
pub type Row = (String, String, Option<u64>, Option<u64>, bool);

/// What a run produced: the report, and every output file as text.
pub struct Run {
    pub report: StageReport,
    pub secrets: Value,
    pub hygiene: Option<Value>,
    /// The report as JSON plus every file written, concatenated.
    pub everything: String,
    /// The stage's log lines.
    pub messages: Vec<String>,
}

/// Runs the stage on `image` as the pipeline does: `prepare` (which puts the scan in
/// the run's one pass over the layers), then `run`.
pub fn run(image: &str, dockerfile: Option<PathBuf>, with: Value, gate: Value) -> Run {
    run_stage(image, dockerfile, with, gate, true)
}

/// Runs the stage on `image`, `prepare` first when `prepared` (else the stage walks the
/// layers on its own, as when the image was opened before it could register).
pub fn run_stage(
    image: &str,
    dockerfile: Option<PathBuf>,
    with: Value,
    gate: Value,
    prepared: bool,
) -> Run {
    let out = tempfile::tempdir().unwrap();
    let mut ctx = context(out.path(), image, dockerfile, with, gate);
    let (events, mut log) = EventSink::channel(Redactor::default());
    ctx.events = events;
    if prepared {
        SecretsStage.prepare(&ctx);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = rt.block_on(SecretsStage.run(ctx)).expect("the stage runs");
    let mut messages = Vec::new();
    while let Ok(e) = log.try_recv() {
        if let Event::StageLog { message, .. } = e.event {
            messages.push(message);
        }
    }
    let read = |name: &str| std::fs::read_to_string(out.path().join("secrets").join(name)).ok();
    let secrets: Value = serde_json::from_str(&read("secrets.json").unwrap()).unwrap();
    let hygiene = read("hygiene.json").map(|t| serde_json::from_str(&t).unwrap());
    let mut everything = serde_json::to_string(&report).unwrap();
    for entry in std::fs::read_dir(out.path().join("secrets")).unwrap() {
        everything.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    Run {
        report,
        secrets,
        hygiene,
        everything,
        messages,
    }
}

impl Run {
    /// `(rule, path, line, layer index, visible)` of the active findings in `secrets.json`.
    pub fn secrets(&self) -> Vec<Row> {
        rows(&self.secrets["findings"])
    }

    /// The same for the suppressed ones.
    pub fn suppressed(&self) -> Vec<Row> {
        rows(&self.secrets["suppressed"])
    }

    /// The hygiene rule ids found.
    pub fn hygiene_rules(&self) -> Vec<String> {
        self.hygiene.as_ref().unwrap()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    }
}

fn rows(v: &Value) -> Vec<Row> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["layer"]["index"].as_u64(),
                f["visible_in_final_image"].as_bool().unwrap(),
            )
        })
        .collect()
}
