//! Secret findings as reported: where (layer and path, or config field), whether the
//! file is still in the final image, and the redacted value; and `secrets.json`.

use secchain_oci::{EntryKind, MergedView};
use serde::Serialize;

use crate::config_scan::ConfigMatch;
use crate::rules::Detect;
use crate::severity::Severity;
use crate::visitor::{LayerMatch, ScanStats};

/// Prefix of `suppressed_by` for the built-in allow-list (see [`crate::allowlist`]).
pub const BUILTIN_ALLOW: &str = "allowlist (built-in)";

/// A layer, by index and blob digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerRef {
    /// Index (base is 0).
    pub index: usize,
    /// Blob digest.
    pub digest: String,
}

/// One secret finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecretFinding {
    /// Rule id (`secret:aws-access-key`).
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What the rule finds ("AWS access key id").
    pub title: &'static str,
    /// The file's path in the layer, or the config field (`config.Env[NAME]`).
    pub path: String,
    /// 1-based line, when the finding has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The layer holding the file (or, for a history entry, the layer that step made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// True for findings in the image config.
    pub in_config: bool,
    /// False when a later layer deleted or overwrote the file: it is gone from a running
    /// container but anyone who pulls the image can still read it.
    pub visible_in_final_image: bool,
    /// The value with at most its first and last two characters (`AK…LE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redacted: Option<String>,
    /// Why the allow-list suppressed it, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
}

impl SecretFinding {
    /// From a match in a layer; `view` says whether the file survived.
    pub fn from_layer(m: LayerMatch, view: &MergedView) -> Self {
        let visible = match view.get(&m.path) {
            Some(node) if node.kind == EntryKind::Dir => {
                matches!(m.found.rule.detect, Detect::Directory(_))
            }
            Some(node) => node
                .content
                .as_ref()
                .is_some_and(|c| c.layer == m.layer && c.path == m.path),
            None => false,
        };
        SecretFinding {
            rule: m.found.rule.id,
            severity: m.found.rule.severity,
            title: m.found.rule.title,
            path: m.path,
            line: (m.found.line > 0).then_some(m.found.line),
            layer: Some(LayerRef {
                index: m.layer,
                digest: m.digest,
            }),
            in_config: false,
            visible_in_final_image: visible,
            redacted: m.found.redacted,
            suppressed_by: m.found.suppressed_by,
        }
    }

    /// From a match in the config (always visible: the config ships with the image).
    pub fn from_config(m: ConfigMatch) -> Self {
        SecretFinding {
            rule: m.found.rule.id,
            severity: m.found.rule.severity,
            title: m.found.rule.title,
            path: m.path,
            line: None,
            layer: m.layer.map(|(index, digest)| LayerRef { index, digest }),
            in_config: true,
            visible_in_final_image: true,
            redacted: m.found.redacted,
            suppressed_by: m.found.suppressed_by,
        }
    }

    /// True when the built-in allow-list suppressed it.
    pub fn builtin_suppressed(&self) -> bool {
        self.suppressed_by
            .as_deref()
            .is_some_and(|s| s.starts_with(BUILTIN_ALLOW))
    }

    /// `path:line` for files (the layer goes in [`SecretFinding::message`]), the field for config.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.path),
            None => self.path.clone(),
        }
    }

    /// One line saying what, where, and whether it is still in the final image.
    pub fn message(&self) -> String {
        let value = self
            .redacted
            .as_deref()
            .map(|v| format!(" `{v}`"))
            .unwrap_or_default();
        let layer = self
            .layer
            .as_ref()
            .map(|l| format!("layer {} ({})", l.index, l.digest))
            .unwrap_or_default();
        if self.in_config {
            let step = if layer.is_empty() {
                String::new()
            } else {
                format!(", the step that made {layer}")
            };
            return format!(
                "{}{value} in the image config: {}{step}",
                self.title,
                self.location()
            );
        }
        let state = if self.visible_in_final_image {
            "still in the final image"
        } else {
            "deleted or overwritten by a later layer, but still readable by anyone who pulls the image"
        };
        format!(
            "{}{value} in {} of {layer}: {state}",
            self.title,
            self.location()
        )
    }
}

/// `secrets.json`.
#[derive(Clone, Debug, Serialize)]
pub struct SecretsDocument<'a> {
    /// Document schema.
    pub schema: &'static str,
    /// The image as written in the pipeline.
    pub image: &'a str,
    /// Its digest.
    pub digest: String,
    /// Findings not suppressed.
    pub findings: Vec<&'a SecretFinding>,
    /// Findings the allow-lists suppressed, with the reason.
    pub suppressed: Vec<&'a SecretFinding>,
    /// What the walk covered.
    pub stats: &'a ScanStats,
}

/// The schema URI of `secrets.json`.
pub const SECRETS_SCHEMA: &str = "https://secchain.dev/schemas/secrets/v1";
