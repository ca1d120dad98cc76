//! Image and layer sizes, and the `hygiene:image-size` check naming the largest layers.

use serde::Serialize;

use super::{finding, HygieneFinding, HygieneInput};
use crate::severity::Severity;

/// Layers listed as the largest.
const LARGEST: usize = 5;

/// One layer's size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerSize {
    /// Layer index (base is 0).
    pub index: usize,
    /// Blob digest.
    pub digest: String,
    /// Size as stored (compressed).
    pub compressed: u64,
    /// Bytes of file content in the layer.
    pub uncompressed: u64,
    /// The build step that made it (secrets masked), when the history says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// Sizes of the image and its largest layers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SizeReport {
    /// Sum of the layers as stored.
    pub compressed: u64,
    /// Sum of the layers' file content.
    pub uncompressed: u64,
    /// True when layer content sizes are estimated from the final filesystem (files
    /// deleted later not counted) rather than measured in a full walk.
    pub estimated: bool,
    /// The largest layers by content, largest first.
    pub largest_layers: Vec<LayerSize>,
}

pub(super) fn report(
    input: &HygieneInput<'_>,
    describe_step: &dyn Fn(&str) -> String,
) -> SizeReport {
    let estimate;
    let bytes: &[u64] = match input.layer_bytes {
        Some(b) => b,
        None => {
            estimate = estimated_bytes(input);
            &estimate
        }
    };
    let steps = input.config.layer_history();
    let mut layers: Vec<LayerSize> = input
        .layers
        .iter()
        .map(|l| LayerSize {
            index: l.index,
            digest: l.digest.to_string(),
            compressed: l.size,
            uncompressed: bytes.get(l.index).copied().unwrap_or(0),
            created_by: steps
                .get(l.index)
                .copied()
                .flatten()
                .and_then(|h| h.created_by.as_deref())
                .map(describe_step),
        })
        .collect();
    let compressed = layers.iter().map(|l| l.compressed).sum();
    let uncompressed = layers.iter().map(|l| l.uncompressed).sum();
    layers.sort_by(|a, b| {
        b.uncompressed
            .cmp(&a.uncompressed)
            .then(a.index.cmp(&b.index))
    });
    layers.truncate(LARGEST);
    SizeReport {
        compressed,
        uncompressed,
        estimated: input.layer_bytes.is_none(),
        largest_layers: layers,
    }
}

fn estimated_bytes(input: &HygieneInput<'_>) -> Vec<u64> {
    let mut bytes = vec![0u64; input.layers.len()];
    for (_, node) in input.view.files() {
        if let Some(b) = bytes.get_mut(node.layer) {
            *b += node.size;
        }
    }
    bytes
}

pub(super) fn check(size: &SizeReport, limit: u64) -> Option<HygieneFinding> {
    if size.uncompressed <= limit {
        return None;
    }
    let files = size
        .largest_layers
        .iter()
        .map(|l| {
            let step = l
                .created_by
                .as_deref()
                .map(|s| format!(", {}", short(s)))
                .unwrap_or_default();
            format!("layer {} ({}{step})", l.index, mib(l.uncompressed))
        })
        .collect();
    Some(finding(
        "hygiene:image-size",
        Severity::Low,
        &format!(
            "the image holds {} of files ({} compressed), over the {} limit; largest layers",
            mib(size.uncompressed),
            mib(size.compressed),
            mib(limit)
        ),
        files,
        "use a smaller base, a multi-stage build, and clean caches in the step that creates them",
    ))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

fn short(step: &str) -> String {
    const MAX: usize = 60;
    if step.chars().count() <= MAX {
        step.to_string()
    } else {
        format!("{}…", step.chars().take(MAX).collect::<String>())
    }
}
