//! Deciding what to change and what to report, from the targets and their resolutions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use secchain_dockerfile::{split_reference, Edit};
use secchain_oci::ImageReference;
use serde::Serialize;

use crate::options::{Mode, PinOptions};
use crate::resolve::Resolution;
use crate::targets::{Target, TargetKind};

/// One reference in the pins report (`pins.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pin {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// Where it was found.
    pub kind: TargetKind,
    /// The reference as written before this run.
    pub written: String,
    /// The normalised image name with its tag (`docker.io/library/debian:12`).
    pub image: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest the reference is (or would be) pinned to.
    pub digest: Option<String>,
    /// Platforms the digest covers (for an index).
    pub platforms: Vec<String>,
    /// Whether the file pins this digest after the run.
    pub pinned: bool,
}

/// A problem found while pinning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinFinding {
    /// `unpinned`, `drift`, `untrusted-registry` or `denied-tag`.
    pub rule: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
    /// `file:line`.
    pub location: String,
    /// Set when an `allow_unpinned` entry excuses it.
    pub allowed_by: Option<String>,
}

/// The outcome of planning: edits per file, the pins report and findings.
#[derive(Clone, Debug, Default)]
pub struct PinPlan {
    /// Text edits per file (empty in check mode).
    pub edits: BTreeMap<PathBuf, Vec<Edit>>,
    /// Every reference.
    pub pins: Vec<Pin>,
    /// Problems.
    pub findings: Vec<PinFinding>,
}

/// Plans the run. `resolutions` maps each target's `reference` to its resolution.
pub fn plan(
    targets: &[Target],
    resolutions: &BTreeMap<String, Resolution>,
    opts: &PinOptions,
) -> PinPlan {
    let mut out = PinPlan::default();
    for t in targets {
        let location = format!("{}:{}", t.file.display(), t.line);
        let parts = split_reference(&t.reference);
        let normalised = ImageReference::parse(&t.reference).ok();
        let name = normalised
            .as_ref()
            .map_or_else(|| parts.name.clone(), |r| r.name());
        let tag = parts.tag.as_ref().map(|(t, _)| t.clone());
        let existing = parts.digest.as_ref().map(|(d, _)| d.clone());
        let resolution = resolutions.get(&t.reference);
        policy_findings(
            t,
            normalised.as_ref(),
            tag.as_deref(),
            &location,
            opts,
            &mut out.findings,
        );

        let mut pin = Pin {
            file: t.file.display().to_string(),
            line: t.line,
            kind: t.kind,
            written: t.written.clone(),
            image: format!("{name}:{}", tag.clone().unwrap_or_else(|| "latest".into())),
            tag: tag.clone(),
            digest: existing.clone(),
            platforms: resolution.map(|r| r.platforms.clone()).unwrap_or_default(),
            pinned: existing.is_some(),
        };
        let allowed = opts.allow_unpinned.iter().find(|a| {
            a.image == parts.name
                || Some(a.image.as_str()) == normalised.as_ref().map(|r| r.repository())
                || a.image == name
        });
        match (&existing, resolution, opts.mode) {
            (None, Some(r), Mode::Pin | Mode::Update) if t.range.is_some() && allowed.is_none() => {
                out.edits
                    .entry(t.file.clone())
                    .or_default()
                    .push(pin_edit(t, &r.digest));
                pin.digest = Some(r.digest.clone());
                pin.pinned = true;
            }
            (Some(old), Some(r), Mode::Update) if *old != r.digest && t.range.is_some() => {
                out.edits
                    .entry(t.file.clone())
                    .or_default()
                    .push(pin_edit(t, &r.digest));
                pin.digest = Some(r.digest.clone());
            }
            (Some(old), Some(r), Mode::Check) if *old != r.digest && tag.is_some() => {
                out.findings.push(PinFinding {
                    rule: "drift",
                    message: format!(
                        "{} is pinned to {old}, but tag `{}` now resolves to {} (run `secchain pin --update` after reviewing the change)",
                        t.written,
                        tag.clone().unwrap_or_default(),
                        r.digest
                    ),
                    location: location.clone(),
                    allowed_by: None,
                });
            }
            _ => {}
        }
        if !pin.pinned {
            let why = t
                .not_rewritable
                .clone()
                .unwrap_or_else(|| "run `secchain pin` to pin it".to_string());
            out.findings.push(PinFinding {
                rule: "unpinned",
                message: format!("`{}` is not pinned by digest: {why}", t.written),
                location,
                allowed_by: allowed.map(|a| format!("allow_unpinned: {}", a.reason)),
            });
        }
        if pin.digest.is_none() {
            pin.digest = resolution.map(|r| r.digest.clone());
        }
        out.pins.push(pin);
    }
    out
}

/// The edit that pins `t` to `digest`: the text as written, its old digest dropped, `@digest` added.
fn pin_edit(t: &Target, digest: &str) -> Edit {
    let range = t.range.clone().unwrap_or(0..0);
    let without_digest = t.written.split('@').next().unwrap_or(&t.written);
    Edit {
        range,
        text: format!("{without_digest}@{digest}"),
    }
}

fn policy_findings(
    t: &Target,
    reference: Option<&ImageReference>,
    tag: Option<&str>,
    location: &str,
    opts: &PinOptions,
    findings: &mut Vec<PinFinding>,
) {
    if let (Some(r), false) = (reference, opts.trusted_registries.is_empty()) {
        let full = r.name();
        let trusted = opts.trusted_registries.iter().any(|t| {
            let t = t.trim_end_matches("/*").trim_end_matches('/');
            full == t || full.starts_with(&format!("{t}/")) || r.registry() == t
        });
        if !trusted {
            findings.push(PinFinding {
                rule: "untrusted-registry",
                message: format!(
                    "`{}` comes from {}, which is not a trusted registry ({})",
                    t.written,
                    r.registry(),
                    opts.trusted_registries.join(", ")
                ),
                location: location.to_string(),
                allowed_by: None,
            });
        }
    }
    let effective_tag = tag.unwrap_or(if t.reference.contains('@') {
        ""
    } else {
        "latest"
    });
    if opts.deny_tags.iter().any(|d| d == effective_tag) {
        findings.push(PinFinding {
            rule: "denied-tag",
            message: format!(
                "`{}` uses the tag `{effective_tag}`, which the pipeline denies",
                t.written
            ),
            location: location.to_string(),
            allowed_by: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::find_targets;
    use std::path::Path;

    fn resolution(digest: &str) -> Resolution {
        Resolution {
            resolved: String::new(),
            digest: digest.into(),
            platforms: vec!["linux/amd64".into()],
        }
    }

    #[test]
    fn pins_unpinned_and_reports_drift_in_check_mode() {
        let d1 = format!("sha256:{}", "1".repeat(64));
        let d2 = format!("sha256:{}", "2".repeat(64));
        let text = format!("FROM debian:12\nFROM alpine:3.20@{d1}\n");
        let targets = find_targets(Path::new("Dockerfile"), &text, &BTreeMap::new()).unwrap();
        let res: BTreeMap<String, Resolution> = [
            ("debian:12".to_string(), resolution(&d1)),
            (format!("alpine:3.20@{d1}"), resolution(&d2)),
        ]
        .into();
        let pinned = plan(&targets, &res, &PinOptions::default());
        let new = secchain_dockerfile::apply_edits(&text, &pinned.edits[Path::new("Dockerfile")])
            .unwrap();
        assert_eq!(new, format!("FROM debian:12@{d1}\nFROM alpine:3.20@{d1}\n"));
        assert!(pinned.findings.is_empty());

        let check = plan(
            &targets,
            &res,
            &PinOptions {
                mode: Mode::Check,
                ..Default::default()
            },
        );
        assert!(check.edits.is_empty());
        let rules: Vec<&str> = check.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["unpinned", "drift"]);
        assert!(check.findings[1].message.contains(&d1) && check.findings[1].message.contains(&d2));

        let update = plan(
            &targets,
            &res,
            &PinOptions {
                mode: Mode::Update,
                ..Default::default()
            },
        );
        let new = secchain_dockerfile::apply_edits(&text, &update.edits[Path::new("Dockerfile")])
            .unwrap();
        assert_eq!(new, format!("FROM debian:12@{d1}\nFROM alpine:3.20@{d2}\n"));
    }

    #[test]
    fn policy_trusted_registries_denied_tags_and_exceptions() {
        let targets = find_targets(
            Path::new("Dockerfile"),
            "FROM ghcr.io/evil/x:latest\nFROM debian\n",
            &BTreeMap::new(),
        )
        .unwrap();
        let opts = PinOptions {
            mode: Mode::Check,
            trusted_registries: vec!["docker.io/library".into()],
            deny_tags: vec!["latest".into()],
            allow_unpinned: vec![crate::options::AllowUnpinned {
                image: "debian".into(),
                reason: "tracking the base on purpose".into(),
            }],
            ..Default::default()
        };
        let p = plan(&targets, &BTreeMap::new(), &opts);
        let got: Vec<(&str, Option<&str>)> = p
            .findings
            .iter()
            .map(|f| (f.rule, f.allowed_by.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("untrusted-registry", None),
                ("denied-tag", None),
                ("unpinned", None),
                ("denied-tag", None),
                (
                    "unpinned",
                    Some("allow_unpinned: tracking the base on purpose")
                )
            ]
        );
    }
}
