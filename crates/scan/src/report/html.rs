//! One self-contained HTML report (inline CSS and script, no external assets):
//! summary, warnings and a findings table that sorts on a header click and filters
//! by text, severity and suppression. The page is built from a typed model; every
//! piece of scan data goes through [`escape`].

use super::ScanReport;
use crate::severity::Severity;

/// The page model.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Title.
    pub title: String,
    /// `passed` / `FAILED` and reasons.
    pub verdict: String,
    /// Whether the gate passed.
    pub passed: bool,
    /// (label, value) summary cards.
    pub cards: Vec<(String, String)>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Table rows.
    pub rows: Vec<Row>,
}

/// A table row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Severity.
    pub severity: Severity,
    /// Vulnerability ids (first is primary).
    pub ids: Vec<String>,
    /// Advisory URL.
    pub url: Option<String>,
    /// Package.
    pub package: String,
    /// Installed version.
    pub installed: String,
    /// Fixed version.
    pub fixed: String,
    /// CVSS score.
    pub score: Option<f64>,
    /// EPSS score.
    pub epss: Option<f64>,
    /// In KEV.
    pub kev: bool,
    /// Blocking.
    pub blocking: bool,
    /// Suppression rule.
    pub suppressed_by: Option<String>,
    /// Location.
    pub location: String,
    /// Title.
    pub title: String,
}

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Only `http(s)` links are made clickable.
fn safe_url(u: &str) -> Option<String> {
    (u.starts_with("https://") || u.starts_with("http://")).then(|| escape(u))
}

/// Builds the page model.
pub fn model(report: &ScanReport) -> Page {
    let c = &report.counts;
    let mut cards = vec![
        ("Packages".to_string(), report.packages_scanned.to_string()),
        ("Vulnerabilities".to_string(), c.total.to_string()),
        ("Blocking".to_string(), c.blocking.to_string()),
        ("Suppressed".to_string(), c.suppressed.to_string()),
    ];
    for s in Severity::ALL.into_iter().rev() {
        cards.push((
            s.to_string(),
            c.by_severity
                .get(s.as_str())
                .copied()
                .unwrap_or(0)
                .to_string(),
        ));
    }
    Page {
        title: format!(
            "secchain scan: {}",
            report.artifact.as_deref().unwrap_or("packages")
        ),
        verdict: if report.gate.passed {
            "gate passed".into()
        } else {
            format!("gate FAILED: {}", report.gate.reasons.join("; "))
        },
        passed: report.gate.passed,
        cards,
        warnings: report.warnings.clone(),
        rows: report
            .findings
            .iter()
            .map(|f| Row {
                severity: f.vuln.severity,
                ids: f.vuln.ids.clone(),
                url: f.vuln.url.clone(),
                package: f.vuln.package.clone(),
                installed: f.vuln.installed_version.clone(),
                fixed: f.vuln.fixed_version.clone().unwrap_or_default(),
                score: f.vuln.cvss.iter().filter_map(|c| c.score).reduce(f64::max),
                epss: f.vuln.epss.map(|e| e.score),
                kev: f.vuln.kev.is_some(),
                blocking: f.blocking,
                suppressed_by: f.suppressed_by.as_ref().map(|s| s.rule.clone()),
                location: super::location(&f.vuln),
                title: f.vuln.title.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}
.verdict{padding:.5em 1em;border-radius:4px;display:inline-block}.pass{background:#dfd}.fail{background:#fdd}
.cards{display:flex;gap:.6em;flex-wrap:wrap;margin:1em 0}.card{border:1px solid #ccc;border-radius:4px;padding:.4em .8em}
.card b{display:block;font-size:1.3em}.warn{color:#a60}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}th{cursor:pointer;background:#f4f4f4;user-select:none}
.sev{font-weight:bold}.CRITICAL{color:#b00}.HIGH{color:#d50}.MEDIUM{color:#a80}.LOW{color:#07a}.UNKNOWN{color:#666}
tr.suppressed{opacity:.55}.tag{font-size:.8em;border-radius:3px;padding:0 .3em;margin-left:.3em;background:#eee}.kev{background:#fcc}.block{background:#fdd}
.controls{margin:.8em 0;display:flex;gap:1em;align-items:center}";

const SCRIPT: &str = r#"(function(){
var t=document.getElementById('findings'),body=t.tBodies[0],q=document.getElementById('q'),sev=document.getElementById('sev'),sup=document.getElementById('sup');
function filter(){var s=q.value.toLowerCase(),v=sev.value,showSup=sup.checked;
for(var i=0;i<body.rows.length;i++){var r=body.rows[i];var ok=(!s||r.textContent.toLowerCase().indexOf(s)>=0)&&(!v||r.getAttribute('data-sev')===v)&&(showSup||!r.classList.contains('suppressed'));r.style.display=ok?'':'none';}}
[q,sev,sup].forEach(function(e){e.addEventListener('input',filter);e.addEventListener('change',filter);});
var dir={};Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){
var rows=Array.prototype.slice.call(body.rows),d=dir[i]=-(dir[i]||-1);
rows.sort(function(a,b){var x=a.cells[i].getAttribute('data-k')||a.cells[i].textContent,y=b.cells[i].getAttribute('data-k')||b.cells[i].textContent;
var nx=parseFloat(x),ny=parseFloat(y);if(!isNaN(nx)&&!isNaN(ny))return (nx-ny)*d;return x.localeCompare(y)*d;});
rows.forEach(function(r){body.appendChild(r);});});});filter();})();"#;

/// Renders the page.
pub fn render(report: &ScanReport) -> String {
    let page = model(report);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">");
    h.push_str(&format!(
        "<title>{}</title><style>{STYLE}</style></head><body>",
        escape(&page.title)
    ));
    h.push_str(&format!("<h1>{}</h1>", escape(&page.title)));
    h.push_str(&format!(
        "<div class=\"verdict {}\">{}</div>",
        if page.passed { "pass" } else { "fail" },
        escape(&page.verdict)
    ));
    h.push_str("<div class=\"cards\">");
    for (label, value) in &page.cards {
        h.push_str(&format!(
            "<div class=\"card\">{}<b>{}</b></div>",
            escape(label),
            escape(value)
        ));
    }
    h.push_str("</div>");
    for w in &page.warnings {
        h.push_str(&format!("<p class=\"warn\">⚠ {}</p>", escape(w)));
    }
    h.push_str("<div class=\"controls\"><input id=\"q\" type=\"search\" placeholder=\"Filter…\"><select id=\"sev\"><option value=\"\">all severities</option>");
    for s in Severity::ALL.into_iter().rev() {
        h.push_str(&format!("<option>{s}</option>"));
    }
    h.push_str("</select><label><input id=\"sup\" type=\"checkbox\" checked> show suppressed</label></div>");
    h.push_str("<table id=\"findings\"><thead><tr><th>Severity</th><th>Vulnerability</th><th>Package</th><th>Installed</th><th>Fixed</th><th>CVSS</th><th>EPSS</th><th>Location</th><th>Title</th></tr></thead><tbody>");
    for r in &page.rows {
        let sev_rank = Severity::ALL
            .iter()
            .position(|s| *s == r.severity)
            .unwrap_or(0);
        let primary = r.ids.first().map(String::as_str).unwrap_or("");
        let id_html = match r.url.as_deref().and_then(safe_url) {
            Some(u) => format!("<a href=\"{u}\" rel=\"noreferrer\">{}</a>", escape(primary)),
            None => escape(primary),
        };
        let mut tags = String::new();
        if r.kev {
            tags.push_str("<span class=\"tag kev\">KEV</span>");
        }
        if r.blocking {
            tags.push_str("<span class=\"tag block\">blocking</span>");
        }
        if let Some(s) = &r.suppressed_by {
            tags.push_str(&format!(
                "<span class=\"tag\">suppressed by {}</span>",
                escape(s)
            ));
        }
        let others = if r.ids.len() > 1 {
            format!("<br><small>{}</small>", escape(&r.ids[1..].join(", ")))
        } else {
            String::new()
        };
        h.push_str(&format!(
            "<tr data-sev=\"{sev}\"{cls}><td class=\"sev {sev}\" data-k=\"{sev_rank}\">{sev}</td><td>{id_html}{tags}{others}</td><td>{}</td><td>{}</td><td>{}</td><td data-k=\"{}\">{}</td><td data-k=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.package),
            escape(&r.installed),
            escape(&r.fixed),
            r.score.unwrap_or(-1.0),
            r.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            r.epss.unwrap_or(-1.0),
            r.epss.map(|e| format!("{e:.3}")).unwrap_or_default(),
            escape(&r.location),
            escape(&r.title),
            sev = r.severity,
            cls = if r.suppressed_by.is_some() { " class=\"suppressed\"" } else { "" },
        ));
    }
    h.push_str(&format!(
        "</tbody></table><script>{SCRIPT}</script></body></html>\n"
    ));
    h
}
