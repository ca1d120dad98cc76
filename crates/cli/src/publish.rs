//! After a run: JUnit XML next to the report, and GitHub Actions' summary, annotations
//! and step outputs when running there.

use std::io::Write as _;
use std::path::Path;

use secchain_pipeline::RunReport;

/// Writes `junit.xml` into `out`; in GitHub Actions also writes the job summary, prints
/// annotations and sets step outputs. Failures here are warnings: the run's verdict stands.
pub fn publish(report: &RunReport, out: &Path) {
    let junit = secchain_ci::junit::render(report);
    if let Err(e) = secchain_pipeline::write_atomic(&out.join("junit.xml"), junit.as_bytes()) {
        eprintln!(
            "warning: could not write {}: {e}",
            out.join("junit.xml").display()
        );
    }
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        return;
    }
    for line in secchain_ci::github::annotations(report) {
        println!("{line}");
    }
    append_env_file(
        "GITHUB_STEP_SUMMARY",
        &secchain_ci::github::step_summary(report),
    );
    let report_path = out.join("report.json").display().to_string();
    let outputs: String = secchain_ci::github::outputs(report, &report_path)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    append_env_file("GITHUB_OUTPUT", &outputs);
}

/// Appends to the file named by environment variable `var`, when set.
fn append_env_file(var: &str, text: &str) {
    let Some(path) = std::env::var_os(var) else {
        return;
    };
    let result = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = result {
        eprintln!(
            "warning: could not write ${var} ({}): {e}",
            Path::new(&path).display()
        );
    }
}
