//! `secchain verify`: checks the chain a run recorded, end to end.
//!
//! [`verify_chain`] verifies, in order: the image signature; the provenance
//! attestation's signature (cosign's checks, [`secchain_sign::verify_image`]); then,
//! only on the verified statement ([`check_statement`]): the in-toto and SLSA field
//! rules, that the subject is this image's digest, that every stage passed its gate,
//! that the byproducts found in an artifacts directory match their recorded digests,
//! and the policy file's rules (required stages, maximum age, builders, base images).
//! Each check gives a verdict and a reason; verification passes only when none fails.

use std::path::{Component, Path, PathBuf};

use secchain_sign::{
    verify_image, KeyRef, PredicateType, SignatureFormat, Verdict, VerificationReport,
    VerifyRequest,
};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::builder::BUILD_TYPE;
use crate::intoto::{ResourceDescriptor, Statement, STATEMENT_TYPE};
use crate::policy::{matches_pattern, VerifyPolicy};
use crate::slsa::{Provenance, PREDICATE_TYPE};

/// What to verify.
#[derive(Clone, Debug)]
pub struct ChainRequest {
    /// The image (a tag is resolved to its digest once).
    pub image: String,
    /// The public key.
    pub key: KeyRef,
    /// The run's output directory, to compare byproducts with.
    pub artifacts: Option<PathBuf>,
    /// The policy.
    pub policy: VerifyPolicy,
    /// Formats to read; empty means both.
    pub formats: Vec<SignatureFormat>,
    /// Registry access.
    pub registry: secchain_oci::OpenOptions,
}

/// One check of the chain.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChainCheck {
    /// `image-signature`, `provenance-signature`, `statement`, `subject`, `stages`,
    /// `required-stages`, `byproducts`, `max-age`, `builder`, `base-images`.
    pub check: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub detail: String,
}

impl ChainCheck {
    fn new(check: &'static str, verdict: Verdict, detail: impl Into<String>) -> Self {
        ChainCheck {
            check,
            verdict,
            detail: detail.into(),
        }
    }
}

/// The result of [`verify_chain`].
#[derive(Clone, Debug, Serialize)]
pub struct ChainReport {
    /// `registry/repo@sha256:…`.
    pub image: String,
    /// Every check, in order.
    pub checks: Vec<ChainCheck>,
    /// True when no check failed.
    pub passed: bool,
    /// The verified provenance statement, when one was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<serde_json::Value>,
}

/// Verifies the image signature, the provenance and the policy.
pub async fn verify_chain(request: &ChainRequest) -> Result<ChainReport, secchain_sign::Error> {
    let mut checks = Vec::new();
    let signatures = verify_image(&VerifyRequest {
        image: request.image.clone(),
        key: request.key.clone(),
        attestation: None,
        annotations: Default::default(),
        formats: request.formats.clone(),
        registry: request.registry.clone(),
    })
    .await?;
    checks.push(signature_check("image-signature", &signatures));
    // By digest from here on: the tag is resolved once.
    let attestations = verify_image(&VerifyRequest {
        image: signatures.image.clone(),
        key: request.key.clone(),
        attestation: Some(PredicateType::parse("slsaprovenance1")?),
        annotations: Default::default(),
        formats: request.formats.clone(),
        registry: request.registry.clone(),
    })
    .await?;
    checks.push(signature_check("provenance-signature", &attestations));
    let newest = newest_provenance(&attestations);
    match &newest {
        Some((statement, _)) => {
            let now = OffsetDateTime::now_utc();
            checks.extend(check_statement(
                statement,
                &signatures.digest,
                request.artifacts.as_deref(),
                &request.policy,
                now,
            ));
        }
        None if attestations.passed => checks.push(ChainCheck::new(
            "statement",
            Verdict::Fail,
            format!("no verified attestation is a secchain provenance (buildType {BUILD_TYPE})"),
        )),
        None => {}
    }
    let passed = checks.iter().all(|c| c.verdict != Verdict::Fail);
    Ok(ChainReport {
        image: signatures.image,
        checks,
        passed,
        provenance: newest.map(|(_, raw)| raw),
    })
}

fn signature_check(check: &'static str, report: &VerificationReport) -> ChainCheck {
    let verdict = if report.passed {
        Verdict::Pass
    } else {
        Verdict::Fail
    };
    ChainCheck::new(check, verdict, report.reason.clone())
}

/// The verified secchain provenance that finished last (a re-run attaches another).
fn newest_provenance(
    report: &VerificationReport,
) -> Option<(Statement<Provenance>, serde_json::Value)> {
    report
        .verified
        .iter()
        .filter_map(|v| v.statement.clone())
        .filter_map(|raw| {
            let statement: Statement<Provenance> = serde_json::from_value(raw.clone()).ok()?;
            (statement.predicate.build_definition.build_type == BUILD_TYPE)
                .then_some((statement, raw))
        })
        .max_by_key(|(s, _)| parse_time(&s.predicate.run_details.metadata.finished_on).ok())
}

/// Checks a verified provenance statement against the image digest, the artifacts
/// directory and the policy.
pub fn check_statement(
    statement: &Statement<Provenance>,
    digest: &str,
    artifacts: Option<&Path>,
    policy: &VerifyPolicy,
    now: OffsetDateTime,
) -> Vec<ChainCheck> {
    let mut checks = vec![format_check(statement), subject_check(statement, digest)];
    let stages = stage_outcomes(statement);
    checks.push(stages_check(&stages, policy));
    checks.push(required_check(&stages, policy));
    checks.push(byproducts_check(statement, artifacts));
    checks.push(age_check(statement, policy, now));
    checks.push(builder_check(statement, policy));
    checks.push(base_images_check(statement, policy));
    checks
}

fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| format!("`{text}` is not RFC 3339: {e}"))
}

/// The in-toto Statement v1 and SLSA provenance v1 field rules.
fn format_check(s: &Statement<Provenance>) -> ChainCheck {
    let mut problems = Vec::new();
    if s.type_ != STATEMENT_TYPE {
        problems.push(format!("_type is `{}`, not {STATEMENT_TYPE}", s.type_));
    }
    if s.predicate_type != PREDICATE_TYPE {
        problems.push(format!("predicateType is `{}`", s.predicate_type));
    }
    if s.subject.is_empty() {
        problems.push("there is no subject".into());
    }
    for (i, subject) in s.subject.iter().enumerate() {
        if subject.digest.is_empty() {
            problems.push(format!("subject {i} has no digest"));
        }
        problems.extend(digest_problems(&format!("subject {i}"), subject));
    }
    let p = &s.predicate;
    if !p.build_definition.external_parameters.is_object() {
        problems.push("buildDefinition.externalParameters is not an object".into());
    }
    if p.run_details.builder.id.is_empty() {
        problems.push("runDetails.builder.id is empty".into());
    }
    let lists = [
        (
            "resolvedDependencies",
            &p.build_definition.resolved_dependencies,
        ),
        ("byproducts", &p.run_details.byproducts),
    ];
    for (list, items) in lists {
        for (i, d) in items.iter().enumerate() {
            if d.uri.is_none() && d.digest.is_empty() {
                problems.push(format!("{list}[{i}] has neither uri nor digest"));
            }
            problems.extend(digest_problems(&format!("{list}[{i}]"), d));
        }
    }
    let meta = &p.run_details.metadata;
    match (parse_time(&meta.started_on), parse_time(&meta.finished_on)) {
        (Ok(start), Ok(end)) if end < start => {
            problems.push("finishedOn is before startedOn".into())
        }
        (Ok(_), Ok(_)) => {}
        (a, b) => problems.extend(a.err().into_iter().chain(b.err())),
    }
    if problems.is_empty() {
        ChainCheck::new(
            "statement",
            Verdict::Pass,
            "an in-toto Statement v1 with an SLSA provenance v1 predicate",
        )
    } else {
        ChainCheck::new("statement", Verdict::Fail, problems.join("; "))
    }
}

fn digest_problems(what: &str, d: &ResourceDescriptor) -> Vec<String> {
    d.digest
        .iter()
        .filter(|(alg, hex)| {
            let len = match alg.as_str() {
                "sha256" => 64,
                "sha512" => 128,
                _ => return false,
            };
            hex.len() != len
                || !hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
        .map(|(alg, hex)| format!("{what} has a malformed {alg} digest `{hex}`"))
        .collect()
}

fn subject_check(s: &Statement<Provenance>, digest: &str) -> ChainCheck {
    let (alg, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
    let found = s.subject.iter().any(|d| {
        d.digest
            .get(alg)
            .is_some_and(|h| h.eq_ignore_ascii_case(hex))
    });
    if found {
        ChainCheck::new(
            "subject",
            Verdict::Pass,
            format!("the provenance is about {digest}"),
        )
    } else {
        let named: Vec<String> = s
            .subject
            .iter()
            .flat_map(|d| d.digest.iter().map(|(a, h)| format!("{a}:{h}")))
            .collect();
        ChainCheck::new(
            "subject",
            Verdict::Fail,
            format!(
                "the provenance is about {}, not this image ({digest})",
                named.join(", ")
            ),
        )
    }
}

/// A stage as the provenance recorded it.
#[derive(Clone, Debug)]
struct StageOutcome {
    name: String,
    kind: String,
    outcome: String,
    tolerated: bool,
    reason: Option<String>,
    blocking: u64,
}

fn stage_outcomes(s: &Statement<Provenance>) -> Vec<StageOutcome> {
    s.predicate
        .run_details
        .byproducts
        .iter()
        .filter_map(|d| {
            let name = d.name.as_deref()?.strip_prefix("stage/")?;
            let a = &d.annotations;
            let text = |k: &str| a.get(k).and_then(|v| v.as_str()).map(str::to_string);
            Some(StageOutcome {
                name: name.to_string(),
                kind: text("kind").unwrap_or_default(),
                outcome: text("outcome").unwrap_or_default(),
                tolerated: a
                    .get("tolerated")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
                reason: text("reason"),
                blocking: a
                    .get("blockingFindings")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
            })
        })
        .collect()
}

fn stages_check(stages: &[StageOutcome], policy: &VerifyPolicy) -> ChainCheck {
    if stages.is_empty() {
        return ChainCheck::new("stages", Verdict::Fail, "the provenance records no stages");
    }
    let failed: Vec<String> = stages
        .iter()
        .filter(|s| matches!(s.outcome.as_str(), "gate_failed" | "error" | "cancelled"))
        .filter(|s| !(s.tolerated && policy.allow_tolerated_failures))
        .map(|s| {
            let what = match s.outcome.as_str() {
                "gate_failed" => format!("failed its gate ({} blocking finding(s))", s.blocking),
                "error" => format!(
                    "errored ({})",
                    s.reason.as_deref().unwrap_or("no reason recorded")
                ),
                other => other.to_string(),
            };
            let tolerated = if s.tolerated {
                ", tolerated by continue_on_error"
            } else {
                ""
            };
            format!("stage `{}` {what}{tolerated}", s.name)
        })
        .collect();
    if failed.is_empty() {
        let passed = stages.iter().filter(|s| s.outcome == "passed").count();
        ChainCheck::new(
            "stages",
            Verdict::Pass,
            format!(
                "{passed} of {} recorded stage(s) passed, none failed",
                stages.len()
            ),
        )
    } else {
        ChainCheck::new("stages", Verdict::Fail, failed.join("; "))
    }
}

fn required_check(stages: &[StageOutcome], policy: &VerifyPolicy) -> ChainCheck {
    if policy.required_stages.is_empty() {
        return ChainCheck::new(
            "required-stages",
            Verdict::Skip,
            "no required stages in the policy",
        );
    }
    let mut missing = Vec::new();
    for required in &policy.required_stages {
        let matching: Vec<&StageOutcome> = stages
            .iter()
            .filter(|s| &s.name == required || &s.kind == required)
            .collect();
        if matching.is_empty() {
            missing.push(format!("`{required}` did not run"));
        } else if !matching.iter().any(|s| s.outcome == "passed") {
            missing.push(format!(
                "`{required}` did not pass ({})",
                matching[0].outcome
            ));
        }
    }
    if missing.is_empty() {
        ChainCheck::new(
            "required-stages",
            Verdict::Pass,
            format!("{} ran and passed", policy.required_stages.join(", ")),
        )
    } else {
        ChainCheck::new("required-stages", Verdict::Fail, missing.join("; "))
    }
}

/// Every byproduct file found in `artifacts` must have its recorded digest.
fn byproducts_check(s: &Statement<Provenance>, artifacts: Option<&Path>) -> ChainCheck {
    let Some(dir) = artifacts else {
        return ChainCheck::new(
            "byproducts",
            Verdict::Skip,
            "no --artifacts directory given",
        );
    };
    let files: Vec<&ResourceDescriptor> = s
        .predicate
        .run_details
        .byproducts
        .iter()
        .filter(|d| d.uri.is_none() && d.digest.contains_key("sha256"))
        .collect();
    let (mut matched, mut absent, mut problems) = (0, 0, Vec::new());
    for d in &files {
        let Some(name) = d.name.as_deref() else {
            continue;
        };
        let relative = Path::new(name);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            problems.push(format!(
                "byproduct `{name}` is not a path inside the artifacts directory"
            ));
            continue;
        }
        let path = dir.join(relative);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let actual = secchain_pipeline::sha256_digest(&bytes);
                let recorded = format!("sha256:{}", d.digest["sha256"]);
                if actual == recorded {
                    matched += 1;
                } else {
                    problems.push(format!(
                        "{name} changed after the run: recorded {recorded}, found {actual}"
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => absent += 1,
            Err(e) => problems.push(format!("reading {}: {e}", path.display())),
        }
    }
    if !problems.is_empty() {
        return ChainCheck::new("byproducts", Verdict::Fail, problems.join("; "));
    }
    if matched == 0 {
        return ChainCheck::new(
            "byproducts",
            Verdict::Fail,
            format!(
                "none of the {} recorded byproduct file(s) is in {}: is it the run's --out directory?",
                files.len(),
                dir.display()
            ),
        );
    }
    ChainCheck::new(
        "byproducts",
        Verdict::Pass,
        format!(
            "{matched} file(s) in {} match their recorded digests ({absent} not present)",
            dir.display()
        ),
    )
}

fn age_check(s: &Statement<Provenance>, policy: &VerifyPolicy, now: OffsetDateTime) -> ChainCheck {
    let Some(max) = policy.max_age else {
        return ChainCheck::new("max-age", Verdict::Skip, "no max_age in the policy");
    };
    let finished = &s.predicate.run_details.metadata.finished_on;
    match parse_time(finished) {
        Ok(t) => {
            let age = now - t;
            if age <= max {
                ChainCheck::new(
                    "max-age",
                    Verdict::Pass,
                    format!("made {finished}, within {max:?}"),
                )
            } else {
                ChainCheck::new(
                    "max-age",
                    Verdict::Fail,
                    format!(
                        "made {finished}, {} h ago: older than the policy's {} h",
                        age.whole_hours(),
                        max.as_secs() / 3600
                    ),
                )
            }
        }
        Err(e) => ChainCheck::new("max-age", Verdict::Fail, e),
    }
}

fn builder_check(s: &Statement<Provenance>, policy: &VerifyPolicy) -> ChainCheck {
    let id = &s.predicate.run_details.builder.id;
    if policy.builder_ids.is_empty() {
        return ChainCheck::new(
            "builder",
            Verdict::Skip,
            format!("built by {id}; no builder_ids in the policy"),
        );
    }
    if policy.builder_ids.iter().any(|p| matches_pattern(p, id)) {
        ChainCheck::new("builder", Verdict::Pass, format!("built by {id}"))
    } else {
        ChainCheck::new(
            "builder",
            Verdict::Fail,
            format!("built by {id}, which the policy's builder_ids do not allow"),
        )
    }
}

fn base_images_check(s: &Statement<Provenance>, policy: &VerifyPolicy) -> ChainCheck {
    let bases: Vec<String> = s
        .predicate
        .build_definition
        .resolved_dependencies
        .iter()
        .filter(|d| {
            d.uri
                .as_deref()
                .is_some_and(|u| u.starts_with("pkg:docker/"))
        })
        .filter_map(|d| d.name.as_deref())
        .map(repository)
        .collect();
    if policy.base_images.is_empty() {
        return ChainCheck::new(
            "base-images",
            Verdict::Skip,
            format!(
                "{} pinned base image(s); no base_images in the policy",
                bases.len()
            ),
        );
    }
    let refused: Vec<&String> = bases
        .iter()
        .filter(|b| {
            !policy
                .base_images
                .iter()
                .any(|p| matches_pattern(p, b) || (!p.ends_with('*') && repository(p) == **b))
        })
        .collect();
    if refused.is_empty() {
        ChainCheck::new(
            "base-images",
            Verdict::Pass,
            format!("{} pinned base image(s), all allowed", bases.len()),
        )
    } else {
        ChainCheck::new(
            "base-images",
            Verdict::Fail,
            format!(
                "base image(s) not allowed by the policy: {}",
                refused
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    }
}

/// The normalised repository of an image reference (`debian:12` → `docker.io/library/debian`).
fn repository(image: &str) -> String {
    secchain_oci::ImageReference::parse(image)
        .map(|r| r.name())
        .unwrap_or_else(|_| image.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::slsa::{BuildDefinition, BuildMetadata, Builder, RunDetails};

    const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    fn statement(byproducts: Vec<ResourceDescriptor>) -> Statement<Provenance> {
        Statement {
            type_: STATEMENT_TYPE.into(),
            subject: vec![ResourceDescriptor::named("registry.test/app", DIGEST)],
            predicate_type: PREDICATE_TYPE.into(),
            predicate: Provenance {
                build_definition: BuildDefinition {
                    build_type: BUILD_TYPE.into(),
                    external_parameters: serde_json::json!({}),
                    internal_parameters: serde_json::Value::Null,
                    resolved_dependencies: Vec::new(),
                },
                run_details: RunDetails {
                    builder: Builder {
                        id: "https://secchain.dev/builders/local/v1".into(),
                        version: BTreeMap::new(),
                    },
                    metadata: BuildMetadata {
                        invocation_id: "x".into(),
                        started_on: "2026-11-01T10:00:00Z".into(),
                        finished_on: "2026-11-01T10:05:00Z".into(),
                    },
                    byproducts,
                },
            },
        }
    }

    fn stage(name: &str, outcome: &str) -> ResourceDescriptor {
        let mut d = ResourceDescriptor {
            name: Some(format!("stage/{name}")),
            uri: Some(format!("https://secchain.dev/stages/{name}")),
            ..Default::default()
        };
        d.annotations.insert("kind".into(), serde_json::json!(name));
        d.annotations
            .insert("outcome".into(), serde_json::json!(outcome));
        d
    }

    fn verdict(checks: &[ChainCheck], name: &str) -> Verdict {
        checks.iter().find(|c| c.check == name).unwrap().verdict
    }

    fn now() -> OffsetDateTime {
        parse_time("2026-11-02T10:00:00Z").unwrap()
    }

    #[test]
    fn a_byproduct_name_cannot_leave_the_artifacts_directory() {
        let dir = tempfile::tempdir().unwrap();
        let outside = ResourceDescriptor::named("../secret", DIGEST);
        let s = statement(vec![stage("scan", "passed"), outside]);
        let checks = check_statement(
            &s,
            DIGEST,
            Some(dir.path()),
            &VerifyPolicy::default(),
            now(),
        );
        let byproducts = checks.iter().find(|c| c.check == "byproducts").unwrap();
        assert_eq!(byproducts.verdict, Verdict::Fail);
        assert!(
            byproducts.detail.contains("not a path inside"),
            "{}",
            byproducts.detail
        );
    }

    #[test]
    fn an_empty_artifacts_directory_is_not_a_pass() {
        let dir = tempfile::tempdir().unwrap();
        let s = statement(vec![
            stage("sbom", "passed"),
            ResourceDescriptor::named("sbom/sbom.cdx.json", DIGEST),
        ]);
        let checks = check_statement(
            &s,
            DIGEST,
            Some(dir.path()),
            &VerifyPolicy::default(),
            now(),
        );
        assert_eq!(verdict(&checks, "byproducts"), Verdict::Fail);
    }

    #[test]
    fn policy_rules_age_builders_and_required_stages() {
        let s = statement(vec![stage("scan", "passed"), stage("lint", "skipped")]);
        let policy = VerifyPolicy {
            required_stages: vec!["scan".into(), "lint".into()],
            max_age: Some(std::time::Duration::from_secs(3600)),
            builder_ids: vec!["https://github.com/*".into()],
            ..VerifyPolicy::default()
        };
        let checks = check_statement(&s, DIGEST, None, &policy, now());
        assert_eq!(verdict(&checks, "statement"), Verdict::Pass);
        assert_eq!(verdict(&checks, "subject"), Verdict::Pass);
        assert_eq!(verdict(&checks, "stages"), Verdict::Pass);
        assert_eq!(verdict(&checks, "required-stages"), Verdict::Fail);
        assert_eq!(verdict(&checks, "max-age"), Verdict::Fail);
        assert_eq!(verdict(&checks, "builder"), Verdict::Fail);
        assert_eq!(verdict(&checks, "byproducts"), Verdict::Skip);
    }

    #[test]
    fn malformed_statements_and_other_subjects_fail() {
        let mut s = statement(vec![stage("scan", "error")]);
        s.subject[0].digest.insert("sha256".into(), "XYZ".into());
        s.predicate.run_details.metadata.finished_on = "yesterday".into();
        let checks = check_statement(&s, DIGEST, None, &VerifyPolicy::default(), now());
        let format = checks.iter().find(|c| c.check == "statement").unwrap();
        assert_eq!(format.verdict, Verdict::Fail);
        assert!(format.detail.contains("malformed sha256") && format.detail.contains("RFC 3339"));
        assert_eq!(verdict(&checks, "subject"), Verdict::Fail);
        assert_eq!(verdict(&checks, "stages"), Verdict::Fail);
    }
}
