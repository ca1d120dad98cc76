//! Why a run failed, in terms of the pipeline file: one line per failed gate, pointing at
//! the `gate:` that rejected the image and naming the finding it rejected.
//!
//! ```text
//! pipeline.yaml:23:5: gate of stage `scan` rejected CVE-2024-0727 (HIGH): openssl 3.0.11 → 3.0.13 (+1 more)
//! ```

use secchain_pipeline::node::PathSeg;
use secchain_pipeline::{LoadedPipeline, Outcome, RunReport, StageRecord};

use crate::style::Palette;

/// One line per stage whose gate failed, in report order.
pub fn gate_failures(report: &RunReport, loaded: &LoadedPipeline, palette: Palette) -> Vec<String> {
    report
        .stages
        .iter()
        .filter(|s| s.outcome == Outcome::GateFailed)
        .map(|s| gate_line(s, loaded, palette))
        .collect()
}

fn gate_line(stage: &StageRecord, loaded: &LoadedPipeline, palette: Palette) -> String {
    let index = loaded
        .pipeline
        .stages
        .iter()
        .position(|s| s.id() == stage.name);
    let (place, label) = match index {
        Some(i) => {
            let path = [PathSeg::Key("stages".into()), PathSeg::Index(i)];
            let has_gate = loaded.tree.lookup(&path).get("gate").is_some();
            let pos = loaded.tree.key_pos(&path, "gate");
            let label = if has_gate {
                format!("gate of stage `{}`", stage.name)
            } else {
                format!("default gate of stage `{}`", stage.name)
            };
            (loaded.sources.describe(pos), label)
        }
        None => (
            loaded.path.display().to_string(),
            format!("stage `{}`", stage.name),
        ),
    };
    let what = match stage.blocking_findings.split_first() {
        Some((first, rest)) => {
            let mut text = format!("{} ({}): {}", first.rule, first.severity, first.message);
            if let Some(location) = &first.location {
                text.push_str(&format!(" at {location}"));
            }
            if !rest.is_empty() {
                text.push_str(&format!(" (+{} more)", rest.len()));
            }
            text
        }
        None => stage
            .reason
            .clone()
            .unwrap_or_else(|| stage.summary.clone()),
    };
    format!(
        "{}: {} rejected {what}",
        palette.bold(&place),
        palette.outcome(Outcome::GateFailed, &label)
    )
}
