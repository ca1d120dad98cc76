//! The executor: runs a loaded pipeline's stages as their `needs:` allow.
//!
//! A plain loop over a `JoinSet`, not a generic DAG framework: start every stage whose
//! needs are satisfied, wait for one to finish, record it, repeat. A stage whose need
//! failed is skipped with the reason. Ctrl-C cancels the shared token; running stages
//! get a short grace period to stop, then are aborted, and the report says `cancelled`.
//! `report.json` is removed when a run starts and written atomically when it ends, so
//! an interrupted run never leaves a report that looks complete.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::events::{Event, EventSink};
use crate::facts::SharedFacts;
use crate::load::LoadedPipeline;
use crate::model::{Pipeline, StageSpec};
use crate::output::write_atomic;
use crate::registry::StageRegistry;
use crate::report::{
    now_rfc3339, ImageRef, Outcome, PipelineRef, RunReport, RunResult, StageRecord, REPORT_SCHEMA,
};
use crate::stage::{RunInfo, StageContext, StageError, StageReport};

/// How long running stages may take to notice a cancellation before they are aborted.
const CANCEL_GRACE: Duration = Duration::from_secs(3);

/// Options of one run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The output directory (`--out`).
    pub out_dir: PathBuf,
    /// Change nothing outside `out_dir`.
    pub dry_run: bool,
    /// Overrides the pipeline's `platform:`.
    pub platform: Option<String>,
    /// Overrides the pipeline's `image:`.
    pub image: Option<String>,
    /// secchain's version, for the report.
    pub version: String,
}

/// For each stage, the indices of the stages it waits for.
///
/// `needs:` absent means "the previous stage in the list"; `needs: []` means none.
pub fn dependencies(pipeline: &Pipeline) -> Vec<Vec<usize>> {
    let index = |id: &str| pipeline.stages.iter().position(|s| s.id() == id);
    pipeline
        .stages
        .iter()
        .enumerate()
        .map(|(i, stage)| match &stage.needs {
            Some(needs) => needs.iter().filter_map(|n| index(n)).collect(),
            None if i > 0 => vec![i - 1],
            None => Vec::new(),
        })
        .collect()
}

/// Makes every stage whose kind [`crate::Stage::runs_last`] also wait for every other
/// stage, except those that (directly or not) wait for it.
fn wait_for_all(
    pipeline: &Pipeline,
    registry: &StageRegistry,
    mut deps: Vec<Vec<usize>>,
) -> Vec<Vec<usize>> {
    let runs_last = |i: usize| {
        registry
            .get(&pipeline.stages[i].kind)
            .is_some_and(|s| s.runs_last())
    };
    for i in (0..deps.len()).filter(|&i| runs_last(i)) {
        let waiting_for_i = dependants(&deps, i);
        let mut all: Vec<usize> = (0..deps.len())
            .filter(|&j| j != i && !waiting_for_i.contains(&j) && !runs_last(j))
            .collect();
        for &d in &deps[i] {
            if !all.contains(&d) {
                all.push(d);
            }
        }
        deps[i] = all;
    }
    deps
}

/// The stages that need `target`, directly or through others.
fn dependants(deps: &[Vec<usize>], target: usize) -> Vec<usize> {
    let mut found = vec![target];
    let mut grew = true;
    while grew {
        grew = false;
        for (j, d) in deps.iter().enumerate() {
            if !found.contains(&j) && d.iter().any(|x| found.contains(x)) {
                found.push(j);
                grew = true;
            }
        }
    }
    found.retain(|&j| j != target);
    found
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Done { satisfied: bool },
}

/// Runs the pipeline and writes `report.json` into the output directory.
pub async fn execute(
    loaded: &LoadedPipeline,
    registry: &StageRegistry,
    opts: &RunOptions,
    events: EventSink,
    cancel: CancellationToken,
) -> std::io::Result<RunReport> {
    let pipeline = &loaded.pipeline;
    let started = Instant::now();
    let started_at = now_rfc3339();
    std::fs::create_dir_all(&opts.out_dir)?;
    let report_path = opts.out_dir.join("report.json");
    match std::fs::remove_file(&report_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let image = opts.image.clone().or_else(|| pipeline.image.clone());
    let run = Arc::new(RunInfo {
        image: image.clone(),
        dockerfile: pipeline
            .dockerfile
            .as_ref()
            .map(|d| loaded.base_dir.join(d)),
        platform: opts.platform.clone().or_else(|| pipeline.platform.clone()),
        base_dir: loaded.base_dir.clone(),
        out_root: opts.out_dir.clone(),
        pipeline_path: loaded.path.display().to_string(),
        pipeline_digest: loaded.digest.clone(),
        extends: loaded.extends.clone(),
        started_at: started_at.clone(),
        version: opts.version.clone(),
        effective_pipeline: loaded.tree.to_json(),
        dry_run: opts.dry_run,
        subject_digest: Default::default(),
    });
    let deps = wait_for_all(pipeline, registry, dependencies(pipeline));
    let facts = SharedFacts::default();
    let mut records: Vec<Option<StageRecord>> = vec![None; pipeline.stages.len()];
    let mut state = vec![State::Pending; pipeline.stages.len()];
    let mut tasks: JoinSet<(usize, Result<StageReport, StageError>, u64, String)> = JoinSet::new();
    events.send(Event::RunStarted {
        stages: pipeline.stages.iter().map(|s| s.id().to_string()).collect(),
        dry_run: opts.dry_run,
    });

    let context_for = |spec: &StageSpec, records: &[Option<StageRecord>]| StageContext {
        name: spec.id().to_string(),
        with: spec.with.clone().unwrap_or_default(),
        gate: spec.gate.clone().unwrap_or_default(),
        run: run.clone(),
        out_dir: opts.out_dir.join(spec.id()),
        facts: facts.clone(),
        finished: Arc::new(records.iter().flatten().cloned().collect()),
        events: events.clone(),
        cancel: cancel.child_token(),
        redactor: loaded.redactor.clone(),
    };
    for spec in pipeline.stages.iter().filter(|s| s.enabled) {
        if let Some(stage) = registry.get(&spec.kind) {
            stage.prepare(&context_for(spec, &records));
        }
    }

    loop {
        // Start, skip or disable everything that can be decided now.
        for i in 0..pipeline.stages.len() {
            if state[i] != State::Pending {
                continue;
            }
            let spec = &pipeline.stages[i];
            let blocked_by = deps[i]
                .iter()
                .find(|&&d| matches!(state[d], State::Done { satisfied: false }));
            let ready = deps[i]
                .iter()
                .all(|&d| matches!(state[d], State::Done { .. }));
            if !spec.enabled {
                finish_without_running(
                    &mut records,
                    &mut state,
                    &events,
                    spec,
                    &deps[i],
                    pipeline,
                    i,
                    "disabled in the pipeline",
                    true,
                );
            } else if let Some(&b) = blocked_by {
                let reason = format!("needs `{}`, which did not pass", pipeline.stages[b].id());
                finish_without_running(
                    &mut records,
                    &mut state,
                    &events,
                    spec,
                    &deps[i],
                    pipeline,
                    i,
                    &reason,
                    false,
                );
            } else if ready && !cancel.is_cancelled() {
                state[i] = State::Running;
                let Some(stage) = registry.get(&spec.kind) else {
                    unreachable!("validation rejects unknown kinds")
                };
                let ctx = context_for(spec, &records);
                events.send(Event::StageStarted {
                    stage: spec.id().to_string(),
                    kind: spec.kind.clone(),
                });
                tasks.spawn(async move {
                    let started_at = now_rfc3339();
                    let t = Instant::now();
                    let result = stage.run(ctx).await;
                    (i, result, t.elapsed().as_millis() as u64, started_at)
                });
            }
        }
        if tasks.is_empty() {
            break;
        }
        let joined = tokio::select! {
            joined = tasks.join_next() => joined,
            () = cancel.cancelled() => {
                let _ = tokio::time::timeout(CANCEL_GRACE, async { while tasks.join_next().await.is_some() {} }).await;
                tasks.abort_all();
                break;
            }
        };
        let Some(joined) = joined else { break };
        let (i, result, duration_ms, stage_started) = match joined {
            Ok(v) => v,
            Err(e) if e.is_panic() => {
                // A stage panicked: find which one is still marked running and not in the set.
                let i = state.iter().position(|s| *s == State::Running).unwrap_or(0);
                (
                    i,
                    Err(StageError::Runtime(format!("the stage crashed: {e}"))),
                    0,
                    now_rfc3339(),
                )
            }
            Err(_) => continue,
        };
        let spec = &pipeline.stages[i];
        let record = record_from_result(
            spec,
            &deps[i],
            pipeline,
            result,
            duration_ms,
            stage_started,
            &loaded.redactor,
        );
        let satisfied =
            matches!(record.outcome, Outcome::Passed | Outcome::Skipped) || spec.continue_on_error;
        events.send(Event::StageFinished {
            stage: record.name.clone(),
            outcome: record.outcome,
            summary: record.summary.clone(),
            duration_ms,
        });
        state[i] = State::Done { satisfied };
        records[i] = Some(record);
    }

    let cancelled = cancel.is_cancelled();
    for (i, spec) in pipeline.stages.iter().enumerate() {
        if records[i].is_none() {
            let (outcome, reason) = if state[i] == State::Running {
                (Outcome::Cancelled, "the run was interrupted")
            } else {
                (
                    Outcome::Skipped,
                    "the run was interrupted before it started",
                )
            };
            let record = blank_record(spec, &deps[i], pipeline, outcome, reason);
            records[i] = Some(record);
        }
    }
    let stages: Vec<StageRecord> = records.into_iter().flatten().collect();
    let result = if cancelled {
        RunResult::Cancelled
    } else if stages
        .iter()
        .any(|s| s.outcome == Outcome::Error && s.error_kind != Some("config"))
    {
        RunResult::Error
    } else if stages.iter().any(|s| s.outcome == Outcome::Error) {
        RunResult::ConfigError
    } else if stages
        .iter()
        .any(|s| s.outcome == Outcome::GateFailed && !s.tolerated)
    {
        RunResult::GateFailed
    } else {
        RunResult::Passed
    };
    let report = RunReport {
        schema: REPORT_SCHEMA,
        secchain_version: opts.version.clone(),
        pipeline: PipelineRef {
            path: loaded.path.display().to_string(),
            digest: loaded.digest.clone(),
            extends: loaded.extends.clone(),
        },
        image: image.map(|reference| ImageRef {
            reference,
            digest: run.subject_digest.get().cloned(),
        }),
        dry_run: opts.dry_run,
        started_at,
        finished_at: now_rfc3339(),
        duration_ms: started.elapsed().as_millis() as u64,
        result,
        exit_code: result.exit_code(),
        stages,
    };
    let json = serde_json::to_vec_pretty(&report).map_err(std::io::Error::other)?;
    write_atomic(
        &report_path,
        &loaded
            .redactor
            .redact(&String::from_utf8_lossy(&json))
            .into_bytes(),
    )?;
    events.send(Event::RunFinished {
        exit_code: result.exit_code(),
    });
    Ok(report)
}

fn needs_names(deps: &[usize], pipeline: &Pipeline) -> Vec<String> {
    deps.iter()
        .map(|&d| pipeline.stages[d].id().to_string())
        .collect()
}

fn blank_record(
    spec: &StageSpec,
    deps: &[usize],
    pipeline: &Pipeline,
    outcome: Outcome,
    reason: &str,
) -> StageRecord {
    StageRecord {
        name: spec.id().to_string(),
        kind: spec.kind.clone(),
        needs: needs_names(deps, pipeline),
        outcome,
        tolerated: false,
        reason: Some(reason.to_string()),
        error_kind: None,
        summary: reason.to_string(),
        started_at: None,
        duration_ms: 0,
        findings_total: 0,
        blocking_findings: Vec::new(),
        findings: Vec::new(),
        outputs: Vec::new(),
        planned_actions: Vec::new(),
        data: serde_json::Value::Null,
    }
}

#[allow(clippy::too_many_arguments)]
fn finish_without_running(
    records: &mut [Option<StageRecord>],
    state: &mut [State],
    events: &EventSink,
    spec: &StageSpec,
    deps: &[usize],
    pipeline: &Pipeline,
    i: usize,
    reason: &str,
    satisfied: bool,
) {
    let record = blank_record(spec, deps, pipeline, Outcome::Skipped, reason);
    events.send(Event::StageFinished {
        stage: record.name.clone(),
        outcome: Outcome::Skipped,
        summary: reason.to_string(),
        duration_ms: 0,
    });
    records[i] = Some(record);
    state[i] = State::Done { satisfied };
}

fn record_from_result(
    spec: &StageSpec,
    deps: &[usize],
    pipeline: &Pipeline,
    result: Result<StageReport, StageError>,
    duration_ms: u64,
    started_at: String,
    redactor: &crate::redact::Redactor,
) -> StageRecord {
    let mut record = match result {
        Ok(report) => {
            let blocking: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.blocking)
                .cloned()
                .collect();
            let outcome = match (&report.skipped, blocking.is_empty()) {
                (Some(_), _) => Outcome::Skipped,
                (None, true) => Outcome::Passed,
                (None, false) => Outcome::GateFailed,
            };
            StageRecord {
                name: spec.id().to_string(),
                kind: spec.kind.clone(),
                needs: needs_names(deps, pipeline),
                outcome,
                tolerated: false,
                reason: report.skipped.clone(),
                error_kind: None,
                summary: redactor.redact(&report.summary),
                started_at: None,
                duration_ms,
                findings_total: report.findings.len(),
                blocking_findings: blocking,
                findings: report.findings,
                outputs: report.outputs,
                planned_actions: report.planned_actions,
                data: report.data,
            }
        }
        Err(err) => {
            let outcome = if matches!(err, StageError::Cancelled) {
                Outcome::Cancelled
            } else {
                Outcome::Error
            };
            let message = redactor.redact(&err.to_string());
            let mut r = blank_record(spec, deps, pipeline, outcome, &message);
            r.error_kind = match err {
                StageError::Config(_) => Some("config"),
                StageError::NotImplemented { .. } => Some("not_implemented"),
                StageError::Runtime(_) => Some("runtime"),
                StageError::Cancelled => None,
            };
            r.duration_ms = duration_ms;
            r
        }
    };
    record.started_at = Some(started_at);
    // `continue_on_error` lets dependants run after a failure and tolerates a failed
    // gate; an error is never tolerated in the run's result: the gate was not evaluated,
    // so passing would be a false pass.
    record.tolerated = spec.continue_on_error && record.outcome == Outcome::GateFailed;
    record
}
