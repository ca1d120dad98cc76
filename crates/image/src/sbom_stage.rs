//! The `sbom` stage: CycloneDX 1.6 and SPDX 2.3 documents of the subject image.
//!
//! ```yaml
//! - kind: sbom
//!   with:
//!     formats: [cyclonedx, spdx]     # default: both
//!     platforms: [linux/amd64]       # for a multi-platform image; default: every platform
//! ```
//!
//! A single-platform image gets `sbom.cdx.json` and `sbom.spdx.json`. An image that is
//! an index gets one pair per platform (`sbom-linux-arm64.cdx.json`, …) and one pair for
//! the index itself whose components say which platforms contain them, so an SBOM
//! attached to the index digest never silently describes a single platform.

use std::sync::Arc;

use async_trait::async_trait;
use secchain_oci::{ImageSource, OpenOptions, Platform};
use secchain_pipeline::{
    count, parse_section, ConfigProblem, OutputRecord, Stage, StageConfig, StageContext,
    StageError, StageReport,
};
use secchain_sbom::{Inventory, SubjectImage};
use serde::Deserialize;

use crate::subject::{
    catalog, inventory, open_options, read_layers, resolve_source, stage_error, subject, Subject,
};

/// `with:` of the `sbom` stage.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SbomOptions {
    /// Which documents to write (default: both).
    #[serde(default)]
    pub formats: Option<Vec<SbomFormat>>,
    /// Which platforms of a multi-platform image to catalogue (default: all).
    #[serde(default)]
    pub platforms: Option<Vec<String>>,
}

/// An SBOM format.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

impl SbomOptions {
    fn formats(&self) -> Vec<SbomFormat> {
        self.formats
            .clone()
            .unwrap_or_else(|| vec![SbomFormat::Cyclonedx, SbomFormat::Spdx])
    }
}

/// The `sbom` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct SbomStage;

#[async_trait]
impl Stage for SbomStage {
    fn kind(&self) -> &'static str {
        "sbom"
    }

    fn summary(&self) -> &'static str {
        "catalogues the image's packages and writes CycloneDX 1.6 and SPDX 2.3 SBOMs"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::with_only::<SbomOptions>(
            generator,
        ))
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<SbomOptions>("with", config.with) {
            Ok(opts) => {
                for (i, p) in opts.platforms.iter().flatten().enumerate() {
                    if let Err(e) = Platform::parse(p) {
                        problems.push(ConfigProblem {
                            path: vec![
                                secchain_pipeline::node::PathSeg::Key("with".into()),
                                secchain_pipeline::node::PathSeg::Key("platforms".into()),
                                secchain_pipeline::node::PathSeg::Index(i),
                            ],
                            key: None,
                            message: e.to_string(),
                            hint: None,
                        });
                    }
                }
                if opts.formats.as_ref().is_some_and(Vec::is_empty) {
                    problems.push(
                        ConfigProblem::at(
                            "with.formats",
                            "`formats` is empty: nothing would be written",
                        )
                        .hint("formats: [cyclonedx, spdx]"),
                    );
                }
            }
            Err(p) => problems.push(p),
        }
        if !config.gate.is_null() {
            problems.push(
                ConfigProblem::at("gate", "the sbom stage has no gate")
                    .hint("remove `gate:`; gate on the scan stage instead"),
            );
        }
        if config.image.is_none() {
            problems.push(ConfigProblem::at(
                "",
                "the sbom stage needs the pipeline's `image:`",
            ));
        }
        problems
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let opts: SbomOptions =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let subject = subject(&ctx).await?;
        let mut report = StageReport::default();
        let platforms = selected_platforms(&subject, &opts)?;
        if platforms.len() <= 1 {
            let inv = inventory(&ctx).await?;
            let doc_subject = subject_image(&subject, None);
            write_documents(&ctx, &opts, "sbom", &inv.0, &doc_subject, &mut report)?;
            report.summary = summary(&inv.0, None);
            report.data = data(&subject, &inv.0, &[]);
            return Ok(report);
        }
        let mut per_platform: Vec<(String, Inventory)> = Vec::new();
        for platform in &platforms {
            let inv = catalog_platform(&ctx, &subject, platform).await?;
            let name = format!("sbom-{}", platform.to_string().replace('/', "-"));
            write_documents(
                &ctx,
                &opts,
                &name,
                &inv,
                &subject_image(&subject, Some(platform)),
                &mut report,
            )?;
            per_platform.push((platform.to_string(), inv));
        }
        let merged = secchain_sbom::merge::merge_platforms(&per_platform);
        write_documents(
            &ctx,
            &opts,
            "sbom-index",
            &merged,
            &subject_image(&subject, None),
            &mut report,
        )?;
        report.summary = summary(&merged, Some(platforms.len()));
        let names: Vec<String> = platforms.iter().map(ToString::to_string).collect();
        report.data = data(&subject, &merged, &names);
        Ok(report)
    }
}

fn selected_platforms(subject: &Subject, opts: &SbomOptions) -> Result<Vec<Platform>, StageError> {
    let available: Vec<Platform> = subject
        .image
        .platforms()
        .iter()
        .map(|p| p.platform.clone())
        .collect();
    let Some(wanted) = &opts.platforms else {
        return Ok(available);
    };
    wanted
        .iter()
        .map(|w| {
            let p = Platform::parse(w).map_err(|e| StageError::Config(e.to_string()))?;
            available.iter().find(|a| **a == p).cloned().ok_or_else(|| {
                let list: Vec<String> = available.iter().map(ToString::to_string).collect();
                StageError::Config(format!(
                    "`with.platforms` names {p}, which {} does not have; available: {}",
                    subject.reference,
                    list.join(", ")
                ))
            })
        })
        .collect()
}

/// Opens one platform of the subject's index and catalogues it.
async fn catalog_platform(
    ctx: &StageContext,
    subject: &Subject,
    platform: &Platform,
) -> Result<Inventory, StageError> {
    ctx.events
        .info(&ctx.name, format!("cataloguing {platform}"));
    let source: ImageSource = resolve_source(&subject.reference, &ctx.run.base_dir)
        .map_err(|e| stage_error("image", e))?;
    let opts = OpenOptions {
        platform: Some(platform.clone()),
        ..open_options(&ctx.run).map_err(|e| stage_error("platform", e))?
    };
    let image = secchain_oci::open(&source, &opts)
        .await
        .map_err(|e| stage_error(&format!("opening {} for {platform}", subject.reference), e))?;
    let reference = format!("{} ({platform})", subject.reference);
    let platform_subject = read_layers(reference, image, Vec::new())
        .await
        .map_err(|e| stage_error("reading layers", e))?;
    catalog(Arc::new(platform_subject)).await
}

/// The SBOM's root component for the subject (or one platform of it).
pub(crate) fn subject_image(subject: &Subject, platform: Option<&Platform>) -> SubjectImage {
    let reference = subject.image.reference();
    let digest = match platform {
        Some(p) => subject
            .image
            .platforms()
            .iter()
            .find(|m| &m.platform == p)
            .map(|m| m.digest.to_string()),
        None => Some(subject.digest()),
    };
    // A local layout or archive has no registry name: use its file name and tag.
    let (local_name, local_tag) = match subject.image.source() {
        ImageSource::OciLayout { path, tag } => (
            path.file_name().map(|n| n.to_string_lossy().into_owned()),
            tag.clone(),
        ),
        ImageSource::DockerArchive { path, reference } => (
            path.file_stem().map(|n| n.to_string_lossy().into_owned()),
            reference
                .as_ref()
                .and_then(|r| r.rsplit_once(':').map(|(_, t)| t.to_string())),
        ),
        ImageSource::Registry(_) => (None, None),
    };
    SubjectImage {
        name: reference
            .map(|r| r.name())
            .or(local_name)
            .unwrap_or_else(|| subject.reference.clone()),
        digest,
        tag: reference
            .and_then(|r| r.tag().map(str::to_string))
            .or(local_tag),
        repository_url: reference.map(|r| r.name()),
        platform: Some(
            platform
                .cloned()
                .unwrap_or_else(|| subject.image.platform())
                .to_string(),
        ),
        created: None,
    }
}

fn write_documents(
    ctx: &StageContext,
    opts: &SbomOptions,
    stem: &str,
    inv: &Inventory,
    doc_subject: &SubjectImage,
    report: &mut StageReport,
) -> Result<(), StageError> {
    for format in opts.formats() {
        let record: OutputRecord = match format {
            SbomFormat::Cyclonedx => ctx.write_output(
                &format!("{stem}.cdx.json"),
                "application/vnd.cyclonedx+json",
                &secchain_sbom::cyclonedx::render(inv, doc_subject),
            )?,
            SbomFormat::Spdx => ctx.write_output(
                &format!("{stem}.spdx.json"),
                "application/spdx+json",
                &secchain_sbom::spdx::render(inv, doc_subject),
            )?,
        };
        report.outputs.push(record);
    }
    Ok(())
}

fn summary(inv: &Inventory, platforms: Option<usize>) -> String {
    let distro = inv
        .distro
        .as_ref()
        .map(|d| format!(" on {} {}", d.id, d.version_id.clone().unwrap_or_default()))
        .unwrap_or_default();
    let platforms = platforms
        .map(|n| format!(" across {}", count(n, "platform", "platforms")))
        .unwrap_or_default();
    let notes = match inv.notes.len() {
        0 => String::new(),
        n => format!(", {}", count(n, "note", "notes")),
    };
    format!(
        "{}{distro}{platforms}{notes}",
        count(inv.packages.len(), "package", "packages")
    )
}

fn data(subject: &Subject, inv: &Inventory, platforms: &[String]) -> serde_json::Value {
    serde_json::json!({
        "image": subject.reference,
        "digest": subject.digest(),
        "packages": inv.packages.len(),
        "distro": inv.distro.as_ref().map(|d| format!("{}-{}", d.id, d.version_id.clone().unwrap_or_default())),
        "platforms": platforms,
    })
}
