//! A plain-text table grouped by severity, most severe first, with fixed versions:
//! readable in a CI log.

use super::ScanReport;
use crate::severity::Severity;

fn row(cells: &[String], widths: &[usize]) -> String {
    let mut s = String::from("  ");
    for (i, c) in cells.iter().enumerate() {
        if i + 1 == cells.len() {
            s.push_str(c);
        } else {
            s.push_str(&format!("{c:<w$}  ", w = widths[i]));
        }
    }
    s.trim_end().to_string() + "\n"
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// Renders the table.
pub fn render(report: &ScanReport) -> String {
    let mut out = String::new();
    let target = report.artifact.as_deref().unwrap_or("packages");
    out.push_str(&format!(
        "{target}: {} packages, {} vulnerabilities ({} blocking, {} suppressed)\n",
        report.packages_scanned,
        report.counts.total,
        report.counts.blocking,
        report.counts.suppressed
    ));
    let header = ["Package", "Installed", "Fixed", "Vulnerability", "Title"].map(String::from);
    for sev in Severity::ALL.into_iter().rev() {
        let rows: Vec<[String; 5]> = report
            .findings
            .iter()
            .filter(|f| f.suppressed_by.is_none() && f.vuln.severity == sev)
            .map(|f| {
                let mut id = f.vuln.id.clone();
                if f.vuln.kev.is_some() {
                    id.push_str(" [KEV]");
                }
                if f.blocking {
                    id.push_str(" ✗");
                }
                [
                    f.vuln.package.clone(),
                    f.vuln.installed_version.clone(),
                    f.vuln
                        .fixed_version
                        .clone()
                        .unwrap_or_else(|| "(none)".into()),
                    id,
                    clip(f.vuln.title.as_deref().unwrap_or(""), 60),
                ]
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{sev} ({})\n", rows.len()));
        let mut widths = header.iter().map(|h| h.chars().count()).collect::<Vec<_>>();
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        out.push_str(&row(&header, &widths));
        for r in &rows {
            out.push_str(&row(r, &widths));
        }
    }
    let suppressed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.suppressed_by.is_some())
        .collect();
    if !suppressed.is_empty() {
        out.push_str(&format!("\nSUPPRESSED ({})\n", suppressed.len()));
        for f in suppressed {
            let s = f
                .suppressed_by
                .as_ref()
                .map(|s| s.rule.as_str())
                .unwrap_or_default();
            out.push_str(&format!(
                "  {} {}@{}  by {s}\n",
                f.vuln.id, f.vuln.package, f.vuln.installed_version
            ));
        }
    }
    for w in &report.warnings {
        out.push_str(&format!("\nwarning: {w}"));
    }
    out.push_str(&format!(
        "\n\ngate: {}{}\n",
        if report.gate.passed {
            "passed"
        } else {
            "FAILED"
        },
        if report.gate.reasons.is_empty() {
            String::new()
        } else {
            format!(" — {}", report.gate.reasons.join("; "))
        }
    ));
    out
}
