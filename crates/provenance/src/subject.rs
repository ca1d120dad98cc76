//! The provenance's subject: the image by digest, and each platform's manifest.

use secchain_image::open_options;
use secchain_oci::{ErrorKind, ImageSource};
use secchain_pipeline::{StageContext, StageError};

use crate::intoto::ResourceDescriptor;

/// The image the provenance is about.
#[derive(Clone, Debug)]
pub struct Target {
    /// `registry/repository` for registry images, else the reference as written.
    pub name: String,
    /// The digest that names the image: the index digest for a multi-platform image.
    pub digest: String,
    /// The statement's subjects: the image first, then every platform's manifest.
    pub subjects: Vec<ResourceDescriptor>,
}

/// Opens the image (manifests and config only; `image` with local paths already
/// resolved against the pipeline's directory) and lists its digests. Fails when an
/// earlier stage of the run saw a different digest: the tag moved during the run.
pub async fn resolve(ctx: &StageContext, image: &str) -> Result<Target, StageError> {
    let source = ImageSource::parse(image).map_err(|e| open_error(image, e))?;
    let options = open_options(&ctx.run).map_err(|e| open_error(image, e))?;
    let opened = secchain_oci::open(&source, &options)
        .await
        .map_err(|e| open_error(image, e))?;
    let digest = opened
        .index_digest()
        .unwrap_or(opened.manifest_digest())
        .to_string();
    if let Some(seen) = ctx.run.subject_digest.get() {
        if *seen != digest {
            return Err(StageError::Runtime(format!(
                "{image} is now {digest}, but earlier stages of this run worked on {seen}: \
                 the tag moved during the run; pin the image by digest and run again"
            )));
        }
    }
    let name = match &source {
        ImageSource::Registry(r) => r.name(),
        _ => image.to_string(),
    };
    let mut subjects = vec![ResourceDescriptor::named(name.clone(), &digest)];
    for platform in opened.platforms() {
        let mut d = ResourceDescriptor::named(name.clone(), &platform.digest.to_string());
        d.annotations.insert(
            "platform".into(),
            serde_json::json!(platform.platform.to_string()),
        );
        d.media_type = Some(platform.media_type.clone());
        subjects.push(d);
    }
    Ok(Target {
        name,
        digest,
        subjects,
    })
}

fn open_error(image: &str, e: secchain_oci::Error) -> StageError {
    let message = format!("opening {image}: {e}");
    match e.kind() {
        ErrorKind::Usage => StageError::Config(message),
        _ => StageError::Runtime(message),
    }
}
