//! Building the [`ImageProfileInput`] from the pipeline's subject image.
//!
//! [`ImageProfileInput`]: crate::input::ImageProfileInput
//!
//! The image is opened once per run by `secchain-image`; this module turns its config,
//! merged filesystem and package inventory into the input the profile is made from.
//! Scripts named by the entrypoint or cmd have their `#!` line read (only those files,
//! in one pass over the layers that hold them).

use std::sync::Arc;

use secchain_image::{inventory, subject, Subject};
use secchain_oci::EntryKind;
use secchain_pipeline::{StageContext, StageError};

use crate::input::{FileInfo, FileKind, ImageConfig, ImageProfileInput, PackageInfo};

/// Largest script whose `#!` line is read.
const MAX_SCRIPT: u64 = 1 << 20;

/// The run's [`ImageProfileInput`]: taken from the shared facts if a caller put one
/// there, else built from the subject image once and shared.
pub async fn image_profile_input(ctx: &StageContext) -> Result<Arc<ImageProfileInput>, StageError> {
    ctx.facts.get_or_try_init(|| build(ctx)).await
}

async fn build(ctx: &StageContext) -> Result<ImageProfileInput, StageError> {
    let subject = subject(ctx).await?;
    let inventory = inventory(ctx).await?;
    let config = &subject.image.config().config;
    let mut files: Vec<FileInfo> = subject
        .view
        .iter()
        .filter_map(|(path, node)| {
            let kind = match node.kind {
                EntryKind::File | EntryKind::Hardlink => FileKind::File,
                EntryKind::Dir => FileKind::Dir,
                EntryKind::Symlink => {
                    FileKind::Symlink(node.link_target.clone().unwrap_or_default())
                }
                _ => return None,
            };
            Some(FileInfo {
                path: path.to_string(),
                mode: node.mode,
                kind,
                size: node.size,
                uid: u32::try_from(node.uid).ok(),
                gid: u32::try_from(node.gid).ok(),
                interpreter: None,
            })
        })
        .collect();
    let programs: Vec<String> = config
        .entrypoint
        .iter()
        .chain(config.cmd.iter())
        .flatten()
        .cloned()
        .collect();
    read_interpreters(&subject, &programs, &mut files).await?;
    let healthcheck = config
        .healthcheck
        .as_ref()
        .map(|h| h.test.clone())
        .unwrap_or_default();
    Ok(ImageProfileInput {
        repository: repository(&subject),
        digest: Some(subject.image.manifest_digest().to_string()),
        config: ImageConfig {
            user: config.user.clone().unwrap_or_default(),
            entrypoint: config.entrypoint.clone().unwrap_or_default(),
            cmd: config.cmd.clone().unwrap_or_default(),
            env: config.env.clone(),
            working_dir: config.working_dir.clone().unwrap_or_default(),
            exposed_ports: subject.image.config().exposed_ports(),
            volumes: config.volumes.keys().cloned().collect(),
            healthcheck,
        },
        files,
        packages: inventory
            .0
            .packages
            .iter()
            .map(|p| PackageInfo {
                name: p.name.clone(),
                version: p.version.clone(),
                ecosystem: p.ptype.purl_type().to_string(),
            })
            .collect(),
    })
}

/// `container.image.repository` as Falco shows it; empty for a local layout or archive,
/// which no cluster pulls from (the stage then needs `with.repository`).
fn repository(subject: &Subject) -> String {
    subject
        .image
        .reference()
        .map(|r| r.name())
        .unwrap_or_default()
}

/// Reads the `#!` line of the absolute-path programs among `words` that are small files.
async fn read_interpreters(
    subject: &Subject,
    words: &[String],
    files: &mut [FileInfo],
) -> Result<(), StageError> {
    let wanted: Vec<String> = words
        .iter()
        .filter(|w| w.starts_with('/'))
        .filter_map(|w| subject.view.resolve(w))
        .filter(|p| {
            subject
                .view
                .get(p)
                .is_some_and(|n| n.kind == EntryKind::File && n.size <= MAX_SCRIPT)
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let contents = subject
        .view
        .read(&subject.image, &refs)
        .await
        .map_err(|e| StageError::Runtime(format!("reading the entrypoint scripts: {e}")))?;
    for (path, bytes) in contents {
        let Some(rest) = bytes.strip_prefix(b"#!") else {
            continue;
        };
        let line = rest.split(|b| *b == b'\n').next().unwrap_or_default();
        let interpreter = String::from_utf8_lossy(line).trim().to_string();
        if let Some(file) = files.iter_mut().find(|f| f.path == path) {
            file.interpreter = Some(interpreter);
        }
    }
    Ok(())
}
