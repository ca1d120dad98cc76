//! `secchain pin [FILE…]`: the pin stage on its own.

use crate::cli::PinArgs;
use crate::commands::single::SingleStage;
use crate::progress;
use crate::CliError;

/// Pins (or checks, or updates) the image references in the given files.
pub fn pin(args: &PinArgs) -> Result<i32, CliError> {
    let files: Vec<String> = if args.files.is_empty() {
        vec!["Dockerfile".into()]
    } else {
        args.files.iter().map(|f| f.display().to_string()).collect()
    };
    let mode = match (args.check, args.update) {
        (true, true) => {
            return Err(CliError::Usage(
                "error: --check and --update cannot be used together".into(),
            ))
        }
        (true, false) => "check",
        (false, true) => "update",
        (false, false) => "pin",
    };
    let mut build_args = serde_json::Map::new();
    for kv in &args.build_arg {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(CliError::Usage(format!(
                "error: --build-arg `{kv}` must be KEY=VALUE"
            )));
        };
        build_args.insert(k.to_string(), v.into());
    }
    let out = args.out.clone();
    let stage = SingleStage {
        kind: "pin",
        image: None,
        dockerfile: None,
        platform: None,
        with: serde_json::json!({ "files": files, "mode": mode, "build_args": build_args }),
        gate: serde_json::Value::Null,
        out: out.clone(),
        dry_run: args.dry_run,
    };
    let (_, report) = stage.run(true)?;
    if args.dry_run {
        if let Ok(diff) = std::fs::read_to_string(out.join("pin").join("pins.diff")) {
            print!("{diff}");
        }
    }
    for finding in report.stages.iter().flat_map(|s| &s.findings) {
        let status = if finding.blocking { "error" } else { "note" };
        eprintln!(
            "{status}[{}]: {}: {}",
            finding.rule,
            finding.location.as_deref().unwrap_or("-"),
            finding.message
        );
    }
    eprint!(
        "{}",
        progress::summary_table(&report, &out, crate::style::Palette::for_stderr())
    );
    Ok(report.exit_code)
}
