//! `secchain sbom IMAGE`: the sbom stage on its own.

use std::io::Write as _;

use anyhow::Context as _;

use crate::cli::{SbomArgs, SbomFormatArg};
use crate::commands::single::SingleStage;
use crate::progress;
use crate::CliError;

/// Writes one SBOM of `IMAGE` to `--output` or stdout.
pub fn sbom(args: &SbomArgs) -> Result<i32, CliError> {
    let (format, file) = match args.format {
        SbomFormatArg::CyclonedxJson => ("cyclonedx", "sbom.cdx.json"),
        SbomFormatArg::SpdxJson => ("spdx", "sbom.spdx.json"),
    };
    let out = args.out.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("secchain-sbom-{}", std::process::id()))
    });
    let stage = SingleStage {
        kind: "sbom",
        image: Some(&args.image),
        dockerfile: None,
        platform: args.platform.as_deref(),
        with: serde_json::json!({ "formats": [format], "platforms": args.platform.as_ref().map(|p| vec![p]) }),
        gate: serde_json::Value::Null,
        out: out.clone(),
        dry_run: false,
    };
    let (_, report) = stage.run(true)?;
    let produced = out.join("sbom").join(file);
    let result = if report.exit_code == 0 {
        let bytes =
            std::fs::read(&produced).with_context(|| format!("reading {}", produced.display()))?;
        match &args.output {
            Some(path) => secchain_pipeline::write_atomic(path, &bytes)
                .with_context(|| format!("writing {}", path.display()))?,
            None => std::io::stdout()
                .write_all(&bytes)
                .context("writing to stdout")?,
        }
        Ok(report.exit_code)
    } else {
        eprint!(
            "{}",
            progress::summary_table(&report, &out, crate::style::Palette::for_stderr())
        );
        Ok(report.exit_code)
    };
    if args.out.is_none() {
        let _ = std::fs::remove_dir_all(&out);
    }
    result
}
