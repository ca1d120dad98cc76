//! `secchain scan IMAGE` / `secchain scan --sbom FILE`: the scan stage on its own, with
//! the flags Trivy users know.

use std::io::Write as _;

use anyhow::Context as _;

use crate::cli::ScanArgs;
use crate::commands::single::SingleStage;
use crate::progress;
use crate::CliError;

/// Scans an image (or an SBOM) and prints the report in the chosen format.
pub fn scan(args: &ScanArgs) -> Result<i32, CliError> {
    if args.image.is_none() == args.sbom.is_none() {
        return Err(CliError::Usage(
            "error: give an IMAGE or --sbom FILE (exactly one)".into(),
        ));
    }
    let (format, file) = match args.format.as_str() {
        "table" => ("table", "scan.txt"),
        "json" => ("json", "scan.json"),
        "sarif" => ("sarif", "scan.sarif"),
        "cyclonedx-vex" => ("cyclonedx-vex", "scan.cdx.json"),
        "gitlab" => ("gitlab", "gl-container-scanning-report.json"),
        "html" => ("html", "scan.html"),
        other => {
            return Err(CliError::Usage(format!(
            "error: unknown format `{other}` (table, json, sarif, cyclonedx-vex, gitlab or html)"
        )))
        }
    };
    let mut gate = serde_json::json!({ "ignore_unfixed": args.ignore_unfixed });
    if let Some(severity) = &args.severity {
        gate["severity"] = severity
            .split(',')
            .map(|s| s.trim().to_ascii_uppercase())
            .collect::<Vec<_>>()
            .into();
    }
    let cwd = std::env::current_dir().context("reading the working directory")?;
    let absolute = |p: &std::path::PathBuf| cwd.join(p).display().to_string();
    let mut with = serde_json::json!({
        "formats": [format],
        "ignorefiles": args.ignorefile.iter().map(absolute).collect::<Vec<_>>(),
        "vex": args.vex.iter().map(absolute).collect::<Vec<_>>(),
    });
    if let Some(sbom) = &args.sbom {
        with["sbom"] = absolute(sbom).into();
    }
    if let Some(db) = &args.db {
        with["db"] = absolute(db).into();
    }
    let out = args.out.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("secchain-scan-{}", std::process::id()))
    });
    let stage = SingleStage {
        kind: "scan",
        image: args.image.as_deref(),
        dockerfile: None,
        platform: args.platform.as_deref(),
        with,
        gate,
        out: out.clone(),
        dry_run: false,
    };
    let (_, report) = stage.run(true)?;
    let produced = out.join("scan").join(file);
    let result = match std::fs::read(&produced) {
        Ok(bytes) => {
            match &args.output {
                Some(path) => secchain_pipeline::write_atomic(path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout()
                    .write_all(&bytes)
                    .context("writing to stdout")?,
            }
            match report.exit_code {
                1 => Ok(args.exit_code),
                code => Ok(code),
            }
        }
        Err(_) => {
            eprint!(
                "{}",
                progress::summary_table(&report, &out, crate::style::Palette::for_stderr())
            );
            Ok(report.exit_code)
        }
    };
    if args.out.is_none() {
        let _ = std::fs::remove_dir_all(&out);
    }
    result
}
