//! Human-readable text: one block per finding with the source line and a
//! caret under the offending text, then a summary.

use crate::report::LintReport;
use std::fmt::Write;

/// Renders `report`; `color` adds ANSI colours.
pub fn render(report: &LintReport, color: bool) -> String {
    let mut out = String::new();
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    for file in &report.files {
        let lines: Vec<&str> = file.source.lines().collect();
        for f in &file.findings {
            let r = &f.region;
            let sev = match f.severity {
                crate::Severity::Error => paint("1;31", "error"),
                crate::Severity::Warning => paint("1;33", "warning"),
                crate::Severity::Info => paint("1;36", "info"),
                crate::Severity::Style => paint("1;35", "style"),
            };
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                f.file, r.start_line, r.start_column, sev, f.rule, f.message
            );
            if let Some(text) = lines.get(r.start_line.saturating_sub(1) as usize) {
                let num = r.start_line.to_string();
                let pad = " ".repeat(num.len());
                let start = r.start_column.saturating_sub(1) as usize;
                let len = if r.end_line == r.start_line {
                    (r.end_column.saturating_sub(r.start_column) as usize).max(1)
                } else {
                    text.chars().count().saturating_sub(start).max(1)
                };
                let indent: String = text
                    .chars()
                    .take(start)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{num} | {text}");
                let _ = writeln!(out, "{pad} | {indent}{}", paint("1;32", &"^".repeat(len)));
            }
            let _ = writeln!(out);
        }
    }
    let s = report.summary();
    let total = s.error + s.warning + s.info + s.style;
    let verdict = if report.passed() { "passed" } else { "failed" };
    let _ = writeln!(
        out,
        "{} file(s), {total} finding(s): {} error, {} warning, {} info, {} style — gate {verdict}",
        report.files.len(),
        s.error,
        s.warning,
        s.info,
        s.style
    );
    out
}
