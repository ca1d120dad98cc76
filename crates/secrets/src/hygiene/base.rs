//! Whether the base image was pinned by digest, when the build is known: from the
//! Dockerfile (the final stage's `FROM`, followed through stage names) or from the
//! `org.opencontainers.image.base.name` / `.base.digest` labels builders may set.

use secchain_dockerfile::{Body, Dockerfile, ImageRef};
use secchain_oci::ImageConfig;

use super::{finding, HygieneFinding};
use crate::severity::Severity;

const BASE_NAME: &str = "org.opencontainers.image.base.name";
const BASE_DIGEST: &str = "org.opencontainers.image.base.digest";
const FIX: &str =
    "pin the base image by digest (`FROM image:tag@sha256:…`; `secchain pin` does it)";

/// The base-image check; `None` when pinned or unknown.
pub(super) fn check(
    config: &ImageConfig,
    dockerfile: Option<(&str, &str)>,
) -> Option<HygieneFinding> {
    if let Some((name, text)) = dockerfile {
        if let Ok(df) = secchain_dockerfile::parse(text) {
            return from_dockerfile(&df, name);
        }
    }
    let labels = &config.config.labels;
    let base = labels.get(BASE_NAME)?;
    if base.contains('@') || labels.get(BASE_DIGEST).is_some_and(|d| !d.is_empty()) {
        return None;
    }
    Some(finding(
        "hygiene:unpinned-base",
        Severity::Medium,
        &format!("the base image `{base}` (label {BASE_NAME}) is not pinned by digest"),
        vec![format!("label {BASE_NAME}")],
        FIX,
    ))
}

/// The final stage's external base, following `FROM <stage name>`.
fn from_dockerfile(df: &Dockerfile, name: &str) -> Option<HygieneFinding> {
    let froms: Vec<(Option<String>, ImageRef, u32)> = df
        .instructions
        .iter()
        .filter_map(|ins| match &ins.body {
            Body::From(f) => Some((
                f.alias.as_ref().map(|a| a.value.to_ascii_lowercase()),
                df.resolved_image(f, &Default::default()),
                ins.line(),
            )),
            _ => None,
        })
        .collect();
    let mut i = froms.len().checked_sub(1)?;
    // Follow stage references backwards (a stage can only name an earlier one).
    loop {
        let image = &froms[i].1;
        let reference = image.text.to_ascii_lowercase();
        match froms[..i]
            .iter()
            .rposition(|(alias, _, _)| alias.as_deref() == Some(reference.as_str()))
        {
            Some(j) => i = j,
            None => break,
        }
    }
    let (_, image, line) = &froms[i];
    if image.digest.is_some()
        || image.text.eq_ignore_ascii_case("scratch")
        || image.text.contains('$')
    {
        return None;
    }
    Some(finding(
        "hygiene:unpinned-base",
        Severity::Medium,
        &format!("the base image `{}` is not pinned by digest", image.text),
        vec![format!("{name}:{line}")],
        FIX,
    ))
}
