//! Opening the subject image once per run and sharing it.

use std::path::Path;
use std::sync::Arc;

use secchain_oci::{ErrorKind, Image, ImageSource, MergedView, OpenOptions, Platform};
use secchain_pipeline::{RunInfo, StageContext, StageError};
use secchain_sbom::{CatalogOptions, Inventory};

use crate::tree::ImageTree;

/// The opened subject image and its merged filesystem view.
#[derive(Debug)]
pub struct Subject {
    /// The image as written in the pipeline (or `--image`).
    pub reference: String,
    /// The opened image (verified manifest and config).
    pub image: Image,
    /// Final state of every path, and which layer changed what.
    pub view: MergedView,
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
    let view = image
        .filesystem()
        .await
        .map_err(|e| stage_error(&format!("reading the layers of {reference}"), e))?;
    let subject = Subject {
        reference,
        image,
        view,
    };
    let _ = ctx.run.subject_digest.set(subject.digest());
    Ok(subject)
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
        let tree = ImageTree::new(&subject.image, &subject.view, handle);
        secchain_sbom::catalog(&tree, &CatalogOptions::default())
    })
    .await
    .map_err(|e| StageError::Runtime(format!("cataloguing the packages of {what} failed: {e}")))
}
