//! `secchain init`: detect, propose, and write without overwriting.

use crate::cli::InitArgs;
use crate::init::{ci, detect, pipeline};
use crate::{CliError, EXIT_PASS};

/// Writes the proposed pipeline (and CI file) into the repository.
pub fn init(args: &InitArgs) -> Result<i32, CliError> {
    let repo = detect::detect(&args.dir)
        .map_err(|e| CliError::Usage(format!("error: cannot read {}: {e}", args.dir.display())))?;
    let image = args
        .image
        .clone()
        .unwrap_or_else(|| format!("${{IMAGE:-registry.example.com/{}:dev}}", repo.name));
    let doc = pipeline::propose(&repo, &image);
    let text = doc
        // Editors fetch the published schema: the repository has no local copy.
        .render(secchain_pipeline::schema::SCHEMA_ID)
        .map_err(|e| CliError::Runtime(anyhow::anyhow!("rendering the pipeline: {e}")))?;
    if args.stdout {
        print!("{text}");
        return Ok(EXIT_PASS);
    }
    let mut files = vec![(args.file.display().to_string(), text)];
    if let Some(kind) = args.ci {
        let file_name = args.file.display().to_string();
        files.push(
            ci::workflow(kind, &file_name).map_err(|e| CliError::Runtime(anyhow::anyhow!(e)))?,
        );
    }
    // Check everything first, so a refusal writes nothing at all.
    for (rel, _) in &files {
        let path = args.dir.join(rel);
        if path.exists() && !args.force {
            return Err(CliError::Usage(format!(
                "error: {} already exists; nothing was written\n  hint: pass --force to replace it, or --stdout to print the proposal",
                path.display()
            )));
        }
    }
    for (rel, text) in &files {
        let path = args.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                CliError::Runtime(anyhow::anyhow!("creating {}: {e}", parent.display()))
            })?;
        }
        secchain_pipeline::write_atomic(&path, text.as_bytes())
            .map_err(|e| CliError::Runtime(anyhow::anyhow!("writing {}: {e}", path.display())))?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "next: secchain validate -f {0} && secchain run --dry-run -f {0}",
        args.file.display()
    );
    Ok(EXIT_PASS)
}
