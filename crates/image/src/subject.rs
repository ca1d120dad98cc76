//! Opening the subject image once per run and sharing it.

use std::any::Any;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use secchain_oci::{ErrorKind, Image, ImageSource, MergedView, OpenOptions, Platform, SharedPass};
use secchain_pipeline::{RunInfo, StageContext, StageError};
use secchain_sbom::{CatalogOptions, Inventory};

use crate::pass::{PassRegistry, PassResults, PassVisitor};
use crate::prefetch::{Prefetch, Prefetched};
use crate::tree::ImageTree;

/// Content the catalogue may keep from the first pass (beyond it, a second pass reads).
const PREFETCH_BUDGET: u64 = 256 << 20;

/// The stage name under which the catalogue's prefetch runs in the shared pass.
const PREFETCH: &str = "\0catalogue";

/// The opened subject image and its merged filesystem view.
#[derive(Debug)]
pub struct Subject {
    /// The image as written in the pipeline (or `--image`).
    pub reference: String,
    /// The opened image (verified manifest and config).
    pub image: Image,
    /// Final state of every path, and which layer changed what.
    pub view: MergedView,
    /// The catalogue's files, kept from the pass that built `view`.
    pub(crate) prefetched: Prefetched,
    /// What the stages' registered visitors found in that pass.
    pub(crate) pass_results: PassResults,
}

impl Subject {
    /// The digest that names the image: the index digest when it came from an index,
    /// else the manifest digest.
    pub fn digest(&self) -> String {
        self.image
            .index_digest()
            .unwrap_or(self.image.manifest_digest())
            .to_string()
    }
}

/// The package inventory of the subject image (a distinct type so it is shared on its own).
#[derive(Debug)]
pub struct SubjectInventory(pub Inventory);

/// Maps an image-access error to a stage error: the user's mistakes are configuration
/// errors, everything else (network, integrity, limits, I/O) is a runtime error.
pub(crate) fn stage_error(context: &str, err: secchain_oci::Error) -> StageError {
    let message = format!("{context}: {err}");
    match err.kind() {
        ErrorKind::Usage => StageError::Config(message),
        _ => StageError::Runtime(message),
    }
}

/// Resolves `oci:` and `docker-archive:` paths in `image` against `base_dir`.
pub fn resolve_source(image: &str, base_dir: &Path) -> Result<ImageSource, secchain_oci::Error> {
    Ok(ImageSource::parse(image)?.resolved_against(base_dir))
}

/// Image-access options for a run: the requested platform, default limits and cache.
pub fn open_options(run: &RunInfo) -> Result<OpenOptions, secchain_oci::Error> {
    let platform = run.platform.as_deref().map(Platform::parse).transpose()?;
    Ok(OpenOptions {
        platform,
        ..OpenOptions::default()
    })
}

async fn open_subject(ctx: &StageContext) -> Result<Subject, StageError> {
    let reference = ctx.run.image.clone().ok_or_else(|| {
        StageError::Config(format!(
            "stage `{}` reads the image, but the pipeline has no `image:` (set it, or pass --image)",
            ctx.name
        ))
    })?;
    let source = resolve_source(&reference, &ctx.run.base_dir)
        .map_err(|e| stage_error("the pipeline's `image:`", e))?;
    let opts = open_options(&ctx.run).map_err(|e| stage_error("the pipeline's `platform:`", e))?;
    ctx.events.info(&ctx.name, format!("opening {reference}"));
    let image = secchain_oci::open(&source, &opts)
        .await
        .map_err(|e| stage_error(&format!("opening {reference}"), e))?;
    ctx.events.info(
        &ctx.name,
        format!(
            "reading {} layer(s) of {}",
            image.layers().len(),
            image.manifest_digest()
        ),
    );
    let subject = read_layers(reference.clone(), image, PassRegistry::take(&ctx.facts))
        .await
        .map_err(|e| stage_error(&format!("reading the layers of {reference}"), e))?;
    let _ = ctx.run.subject_digest.set(subject.digest());
    Ok(subject)
}

/// Streams the layers of `image` once: builds the merged view, keeps the catalogue's
/// files and runs the registered `visitors`, whose results the stages take later.
pub(crate) async fn read_layers(
    reference: String,
    image: Image,
    visitors: Vec<(String, Box<dyn PassVisitor>)>,
) -> Result<Subject, secchain_oci::Error> {
    let mut visitors = visitors;
    visitors.push((
        PREFETCH.to_string(),
        Box::new(Prefetch::new(&CatalogOptions::default(), PREFETCH_BUDGET)),
    ));
    let (names, visitors): (Vec<String>, Vec<Box<dyn PassVisitor>>) = visitors.into_iter().unzip();
    let (view, pass) = image.filesystem_with(SharedPass::new(visitors)).await?;
    let mut results: HashMap<String, Box<dyn Any + Send>> = names
        .into_iter()
        .zip(pass.into_visitors())
        .map(|(name, v)| (name, v.finish()))
        .collect();
    let prefetched = results
        .remove(PREFETCH)
        .and_then(|r| r.downcast::<Prefetched>().ok())
        .map(|b| *b)
        .unwrap_or_default();
    Ok(Subject {
        reference,
        image,
        view,
        prefetched,
        pass_results: PassResults::new(results),
    })
}

/// The subject image, opened by the first stage that asks and shared with the rest.
pub async fn subject(ctx: &StageContext) -> Result<Arc<Subject>, StageError> {
    tokio::select! {
        subject = ctx.facts.get_or_try_init(|| open_subject(ctx)) => subject,
        () = ctx.cancel.cancelled() => Err(StageError::Cancelled),
    }
}

/// The subject image's package inventory, catalogued once and shared.
pub async fn inventory(ctx: &StageContext) -> Result<Arc<SubjectInventory>, StageError> {
    let subject = subject(ctx).await?;
    ctx.facts
        .get_or_try_init(|| async move {
            ctx.events.info(&ctx.name, "cataloguing packages");
            catalog(subject).await.map(SubjectInventory)
        })
        .await
}

/// Catalogues the packages of an opened image on a blocking thread (the catalogue
/// reads file contents through the async image reader).
pub(crate) async fn catalog(subject: Arc<Subject>) -> Result<Inventory, StageError> {
    let handle = tokio::runtime::Handle::current();
    let what = subject.reference.clone();
    tokio::task::spawn_blocking(move || {
        let tree = ImageTree::new(&subject.image, &subject.view, handle)
            .with_prefetched(&subject.prefetched);
        secchain_sbom::catalog(&tree, &CatalogOptions::default())
    })
    .await
    .map_err(|e| StageError::Runtime(format!("cataloguing the packages of {what} failed: {e}")))
}
