//! GitHub Actions: the job summary, annotations and step outputs.
//!
//! Workflow commands follow GitHub's documented escaping: in messages `%`, CR and LF
//! are percent-encoded; in properties `:` and `,` as well, so a finding can never
//! inject a second command or property.

use std::fmt::Write as _;

use secchain_pipeline::{Finding, Outcome, RunReport};

/// Findings shown in the summary at most (the report has them all).
const TOP_FINDINGS: usize = 20;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `path:line[:col]` split into its parts, when the location points into a file.
fn file_line(location: &str) -> Option<(&str, u32)> {
    let number = |s: &str| s.parse::<u32>().ok();
    let (rest, last) = location.rsplit_once(':')?;
    match rest.rsplit_once(':') {
        Some((file, line)) if number(last).is_some() && number(line).is_some() => {
            Some((file, number(line)?))
        }
        _ => Some((rest, number(last)?)),
    }
    .filter(|(file, _)| !file.is_empty() && !file.contains(' '))
}

/// One `::error`/`::warning` workflow command per finding that points at a file line:
/// blocking findings are errors, the others warnings.
pub fn annotations(report: &RunReport) -> Vec<String> {
    let mut out = Vec::new();
    for stage in &report.stages {
        for f in stage.findings.iter().filter(|f| f.suppressed_by.is_none()) {
            let Some((file, line)) = f.location.as_deref().and_then(file_line) else {
                continue;
            };
            let level = if f.blocking { "error" } else { "warning" };
            out.push(format!(
                "::{level} file={},line={line},title={}::{}",
                escape_property(file),
                escape_property(&format!("{} {}", stage.name, f.rule)),
                escape_data(&f.message)
            ));
        }
    }
    out
}

fn row_mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "✅ passed",
        Outcome::GateFailed => "❌ gate failed",
        Outcome::Error => "⚠️ error",
        Outcome::Skipped => "⏭️ skipped",
        Outcome::Cancelled => "⏹️ cancelled",
    }
}

/// Markdown table cells cannot hold `|` or newlines.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The Markdown job summary: verdict, stage table, top blocking findings.
pub fn step_summary(report: &RunReport) -> String {
    let mut md = String::new();
    let verdict = match report.exit_code {
        0 => "✅ every gate passed",
        1 => "❌ a gate failed",
        2 => "⚠️ configuration error",
        130 => "⏹️ interrupted",
        _ => "⚠️ a stage could not run",
    };
    let _ = writeln!(
        md,
        "## secchain: {verdict}{}\n",
        if report.dry_run { " (dry run)" } else { "" }
    );
    if let Some(image) = &report.image {
        let _ = writeln!(
            md,
            "Image `{}`{}\n",
            image.reference,
            image
                .digest
                .as_ref()
                .map(|d| format!(" `{d}`"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        md,
        "| Stage | Kind | Result | Time | Summary |\n|---|---|---|---|---|"
    );
    for s in &report.stages {
        let _ = writeln!(
            md,
            "| {} | {} | {}{} | {:.1}s | {} |",
            cell(&s.name),
            s.kind,
            row_mark(s.outcome),
            if s.tolerated { " (tolerated)" } else { "" },
            s.duration_ms as f64 / 1000.0,
            cell(&s.summary)
        );
    }
    let blocking: Vec<(&str, &Finding)> = report
        .stages
        .iter()
        .flat_map(|s| {
            s.blocking_findings
                .iter()
                .map(move |f| (s.name.as_str(), f))
        })
        .collect();
    if !blocking.is_empty() {
        let _ = writeln!(md, "\n### Blocking findings ({})\n\n| Stage | Rule | Severity | Where | Finding |\n|---|---|---|---|---|", blocking.len());
        for (stage, f) in blocking.iter().take(TOP_FINDINGS) {
            let _ = writeln!(
                md,
                "| {} | `{}` | {} | {} | {} |",
                cell(stage),
                cell(&f.rule),
                cell(&f.severity),
                cell(f.location.as_deref().unwrap_or("")),
                cell(&f.message)
            );
        }
        if blocking.len() > TOP_FINDINGS {
            let _ = writeln!(
                md,
                "\n…and {} more in `report.json`.",
                blocking.len() - TOP_FINDINGS
            );
        }
    }
    md
}

/// `name=value` lines for `$GITHUB_OUTPUT`: `result`, `exit-code`, `image-digest`, `report`.
pub fn outputs(report: &RunReport, report_path: &str) -> Vec<(String, String)> {
    let result = serde_plain(&report.result);
    let mut out = vec![
        ("result".to_string(), result),
        ("exit-code".to_string(), report.exit_code.to_string()),
        ("report".to_string(), report_path.to_string()),
    ];
    if let Some(digest) = report.image.as_ref().and_then(|i| i.digest.clone()) {
        out.push(("image-digest".to_string(), digest));
    }
    out
}

fn serde_plain(result: &secchain_pipeline::RunResult) -> String {
    match result {
        secchain_pipeline::RunResult::Passed => "passed",
        secchain_pipeline::RunResult::GateFailed => "gate_failed",
        secchain_pipeline::RunResult::ConfigError => "config_error",
        secchain_pipeline::RunResult::Error => "error",
        secchain_pipeline::RunResult::Cancelled => "cancelled",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_escaping() {
        assert_eq!(file_line("Dockerfile:12"), Some(("Dockerfile", 12)));
        assert_eq!(file_line("a/Dockerfile:3:7"), Some(("a/Dockerfile", 3)));
        assert_eq!(file_line("openssl 3.0.11"), None);
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("x\r\n::error::y"), "x%0D%0A::error::y");
    }
}
