//! The `scan` pipeline stage.
//!
//! ```yaml
//! - kind: scan
//!   with:
//!     db: ~/.cache/secchain/vuln.db      # default: `Database::default_path()`
//!     ignorefiles: [.trivyignore]        # default: .trivyignore / .trivyignore.yaml if present
//!     vex: [vex/app.openvex.json]        # OpenVEX documents
//!     formats: [table, html, gitlab, cyclonedx-vex]   # besides scan.json and scan.sarif
//!   gate:
//!     severity: [CRITICAL, HIGH]
//!     ignore_unfixed: true
//!     fail_on_kev: true
//! ```
//! The package list comes from `with.sbom`, or the run's shared facts (a [`ScanInventory`], built from the subject image once per run); the
//! stage writes `scan.json` and `scan.sarif`, plus one file per extra format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use async_trait::async_trait;
use secchain_pipeline::{
    count, parse_section, ConfigProblem, Finding, Stage, StageConfig, StageContext, StageError,
    StageReport,
};
use serde::Deserialize;

use crate::db::Database;
use crate::gate::Gate;
use crate::ignore::{self, Rule};
use crate::matching::{match_packages, ScanInventory, VulnFinding};
use crate::report::{self, DbSummary, Format, ReportContext, ScanReport};

/// `with:` of a `scan` stage.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ScanWith")]
pub struct ScanOptions {
    /// The database file (relative to the pipeline file's directory).
    #[serde(default)]
    pub db: Option<String>,
    /// Ignore files (`.trivyignore`, `.trivyignore.yaml`).
    #[serde(default, alias = "ignorefile")]
    pub ignorefiles: Vec<String>,
    /// OpenVEX documents.
    #[serde(default)]
    pub vex: Vec<String>,
    /// Extra report formats.
    #[serde(default)]
    pub formats: Vec<Format>,
    /// Scan this CycloneDX SBOM instead of the pipeline's image.
    #[serde(default)]
    pub sbom: Option<String>,
    /// Match against these advisories (an OSV directory or zip, as for `secchain db
    /// import`) instead of the database: imported into the stage's output directory,
    /// so the scan is reproducible and runs offline.
    #[serde(default)]
    pub advisories: Option<String>,
}

/// Imports `source` into a fresh database in the stage's output directory.
async fn import_advisories(ctx: &StageContext, source: &Path) -> Result<PathBuf, StageError> {
    let db = ctx.out_dir.join("advisories.db");
    std::fs::create_dir_all(&ctx.out_dir)
        .map_err(|e| StageError::io(format!("creating {}", ctx.out_dir.display()), e))?;
    let _ = std::fs::remove_file(&db);
    let (target, from) = (db.clone(), source.to_path_buf());
    ctx.events.info(
        &ctx.name,
        format!("importing advisories from {}", source.display()),
    );
    tokio::task::spawn_blocking(move || {
        crate::db::import::import(
            &target,
            &[crate::db::ImportSource::local(&from)],
            &mut |_| {},
        )
    })
    .await
    .map_err(|e| StageError::Runtime(format!("importing advisories failed: {e}")))?
    .map_err(|e| {
        StageError::Config(format!(
            "cannot import the advisories in {}: {e}",
            source.display()
        ))
    })?;
    Ok(db)
}

/// The `scan` stage.
#[derive(Clone, Debug, Default)]
pub struct ScanStage {
    /// Overrides the database path (tests, the CLI's `--db`).
    pub db_path: Option<PathBuf>,
}

fn resolve(base: &Path, p: &str) -> PathBuf {
    let expanded = match p.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| PathBuf::from(p)),
        None => PathBuf::from(p),
    };
    if expanded.is_absolute() {
        expanded
    } else {
        base.join(expanded)
    }
}

impl ScanOptions {
    /// The suppression files to read: those listed, else the default ignore files
    /// that exist in `base`.
    pub fn suppression_files(&self, base: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = if self.ignorefiles.is_empty() {
            [".trivyignore", ".trivyignore.yaml"]
                .iter()
                .map(|f| base.join(f))
                .filter(|p| p.is_file())
                .collect()
        } else {
            self.ignorefiles.iter().map(|f| resolve(base, f)).collect()
        };
        files.extend(self.vex.iter().map(|f| resolve(base, f)));
        files
    }
}

#[async_trait]
impl Stage for ScanStage {
    fn kind(&self) -> &'static str {
        "scan"
    }

    fn summary(&self) -> &'static str {
        "matches the image's packages against OSV advisories (with KEV and EPSS); Trivy-style gates, ignore files and VEX"
    }

    fn config_schema(
        &self,
        generator: &mut secchain_pipeline::schemars::SchemaGenerator,
    ) -> Option<secchain_pipeline::StageSchema> {
        Some(secchain_pipeline::StageSchema::of::<ScanOptions, Gate>(
            generator,
        ))
    }

    fn rule_docs(&self) -> Vec<secchain_pipeline::RuleDoc> {
        crate::docs::rule_docs()
    }

    fn check_config(&self, config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        match parse_section::<ScanOptions>("with", config.with) {
            Ok(opts) => {
                if let Some(dir) = &opts.advisories {
                    if !resolve(config.base_dir, dir).exists() {
                        problems.push(
                            ConfigProblem::at("with.advisories", format!("`{dir}` does not exist"))
                                .hint("an OSV directory or zip, relative to the pipeline file"),
                        );
                    }
                }
                for (key, list) in [("ignorefiles", &opts.ignorefiles), ("vex", &opts.vex)] {
                    for f in list {
                        if !resolve(config.base_dir, f).is_file() {
                            problems.push(
                                ConfigProblem::at(
                                    &format!("with.{key}"),
                                    format!("`{f}` does not exist"),
                                )
                                .hint("paths are relative to the pipeline file"),
                            );
                        }
                    }
                }
            }
            Err(p) => problems.push(p),
        }
        match parse_section::<Gate>("gate", config.gate) {
            Ok(gate) => {
                for (field, message) in gate.problems() {
                    problems.push(ConfigProblem::at(&format!("gate.{field}"), message));
                }
            }
            Err(p) => problems.push(p),
        }
        problems
    }

    fn gate_weakening(
        &self,
        base: &serde_json::Value,
        candidate: &serde_json::Value,
    ) -> Option<String> {
        let base: Gate = parse_section("gate", base).ok()?;
        let candidate: Gate = match parse_section("gate", candidate) {
            Ok(c) => c,
            Err(_) => return Some("the gate cannot be read".into()),
        };
        base.weakened_by(&candidate)
    }

    async fn run(&self, ctx: StageContext) -> Result<StageReport, StageError> {
        let opts: ScanOptions =
            parse_section("with", &ctx.with).map_err(|p| StageError::Config(p.message))?;
        let gate: Gate =
            parse_section("gate", &ctx.gate).map_err(|p| StageError::Config(p.message))?;
        let inventory = match &opts.sbom {
            Some(sbom) => Arc::new(crate::inventory::sbom_scan_inventory(&resolve(
                &ctx.run.base_dir,
                sbom,
            ))?),
            None => crate::inventory::image_scan_inventory(&ctx).await?,
        };
        let db_path = match &opts.advisories {
            Some(dir) => import_advisories(&ctx, &resolve(&ctx.run.base_dir, dir)).await?,
            None => self
                .db_path
                .clone()
                .or_else(|| opts.db.as_deref().map(|p| resolve(&ctx.run.base_dir, p)))
                .unwrap_or_else(Database::default_path),
        };
        let mut rules: Vec<Rule> = Vec::new();
        for file in opts.suppression_files(&ctx.run.base_dir) {
            rules.extend(ignore::load(&file).map_err(|e| StageError::Config(e.to_string()))?);
        }
        ctx.events.info(
            &ctx.name,
            format!(
                "matching {} packages against {}",
                inventory.packages.len(),
                db_path.display()
            ),
        );
        let artifact = ctx.run.image.clone();
        // What the provenance records as the database snapshot: the advisories given
        // (reproducible), else the database file as scanned.
        let snapshot = match &opts.advisories {
            Some(dir) => Snapshot::Tree(resolve(&ctx.run.base_dir, dir)),
            None => Snapshot::File(db_path.clone()),
        };
        let report = tokio::task::spawn_blocking(move || {
            let mut report = scan(&db_path, &inventory, &rules, &gate, artifact)?;
            report.database.digest = Some(snapshot.digest()?);
            Ok::<_, String>(report)
        })
        .await
        .map_err(|e| StageError::Runtime(format!("the scan task failed: {e}")))?
        .map_err(StageError::Runtime)?;
        std::fs::create_dir_all(&ctx.out_dir)
            .map_err(|e| StageError::io(format!("creating {}", ctx.out_dir.display()), e))?;
        let mut out = StageReport::default();
        let mut formats = vec![Format::Json, Format::Sarif];
        formats.extend(
            opts.formats
                .iter()
                .copied()
                .filter(|f| !matches!(f, Format::Json | Format::Sarif)),
        );
        for f in formats {
            let (name, media) = f.file();
            out.outputs
                .push(ctx.write_output(name, media, f.render(&report).as_bytes())?);
        }
        for w in &report.warnings {
            ctx.events.warn(&ctx.name, w);
        }
        out.findings = stage_findings(&report);
        let counts = format!(
            "{} in {} ({} blocking, {} suppressed)",
            count(report.counts.total, "vulnerability", "vulnerabilities"),
            count(report.packages_scanned, "package", "packages"),
            report.counts.blocking,
            report.counts.suppressed
        );
        out.summary = match headline(&report) {
            Some(line) => format!("{line}; {counts}"),
            None => counts,
        };
        out.data = serde_json::json!({
            "counts": report.counts,
            "database": report.database,
            "gate": report.gate,
        });
        Ok(out)
    }
}

/// Runs a whole scan: opens the database, matches, applies suppressions and the gate.
pub fn scan(
    db_path: &Path,
    inventory: &ScanInventory,
    rules: &[Rule],
    gate: &Gate,
    artifact: Option<String>,
) -> Result<ScanReport, String> {
    let db = Database::open(db_path).map_err(|e| e.to_string())?;
    let status = db.status().map_err(|e| e.to_string())?;
    let findings =
        match_packages(&db, &inventory.packages, &inventory.distro).map_err(|e| e.to_string())?;
    let today: String = crate::now_rfc3339().chars().take(10).collect();
    let applied = ignore::apply(rules, &findings, &today);
    Ok(report::build(
        findings,
        applied,
        gate,
        ReportContext {
            artifact,
            distro: (!inventory.distro.id.is_empty()).then(|| inventory.distro.clone()),
            packages_scanned: inventory.packages.len(),
            database: DbSummary {
                path: status.path,
                updated_at: status.updated_at,
                age_seconds: status.age_seconds,
                sources: status.sources.into_iter().map(|s| s.name).collect(),
                digest: None,
            },
        },
    ))
}

/// The vulnerability data a scan used, to be named by digest.
enum Snapshot {
    /// A directory of advisories: digest of its sorted `path NUL sha256 LF` lines
    /// (a single advisories file: digest of its bytes).
    Tree(PathBuf),
    /// A database file: digest of its bytes.
    File(PathBuf),
}

impl Snapshot {
    fn digest(&self) -> Result<String, String> {
        use sha2::Digest as _;
        let fail =
            |p: &Path, e: std::io::Error| format!("reading {} to digest it: {e}", p.display());
        match self {
            Snapshot::Tree(dir) if !dir.is_file() => {
                let mut files = Vec::new();
                collect_files(dir, dir, &mut files).map_err(|e| fail(dir, e))?;
                files.sort();
                let mut hasher = sha2::Sha256::new();
                for rel in files {
                    let digest = file_digest(&dir.join(&rel)).map_err(|e| fail(dir, e))?;
                    hasher.update(format!("{rel}\0{digest}\n"));
                }
                Ok(format!("sha256:{}", hex::encode(hasher.finalize())))
            }
            Snapshot::File(path) | Snapshot::Tree(path) => {
                file_digest(path).map_err(|e| fail(path, e))
            }
        }
    }
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// `sha256:…` of a file, read in chunks.
fn file_digest(path: &Path) -> std::io::Result<String> {
    use sha2::Digest as _;
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("sha256:{}", hex::encode(hasher.finalize())))
}

/// The one line that matters: the worst blocking package and what to upgrade it to,
/// e.g. `2 fixable CRITICAL in openssl 3.0.11 → upgrade to 3.0.13`.
pub fn headline(report: &ScanReport) -> Option<String> {
    let blocking: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| &f.vuln)
        .collect();
    let worst = blocking.iter().map(|v| v.severity).max()?;
    // The package with the most findings at the worst severity (ties: first by name).
    let mut by_package: BTreeMap<(&str, &str), Vec<&VulnFinding>> = BTreeMap::new();
    for v in blocking.iter().filter(|v| v.severity == worst) {
        by_package
            .entry((v.package.as_str(), v.installed_version.as_str()))
            .or_default()
            .push(*v);
    }
    let ((package, installed), vulns) = by_package
        .into_iter()
        .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(&a.0)))?;
    let fixes: Vec<&str> = vulns
        .iter()
        .filter_map(|v| v.fixed_version.as_deref())
        .collect();
    let count = vulns.len();
    let line = if fixes.len() == count {
        // Upgrading to the highest fixed version fixes them all.
        let scheme = crate::version::Scheme::for_ecosystem(&vulns[0].ecosystem);
        let target = fixes
            .iter()
            .copied()
            .max_by(|a, b| scheme.compare(a, b).unwrap_or(std::cmp::Ordering::Equal))
            .unwrap_or_default();
        format!("{count} fixable {worst} in {package} {installed} → upgrade to {target}")
    } else if fixes.is_empty() {
        format!("{count} {worst} in {package} {installed}, no fix yet")
    } else {
        format!(
            "{count} {worst} in {package} {installed} ({} fixable)",
            fixes.len()
        )
    };
    let others = blocking.len() - count;
    Some(if others > 0 {
        format!("{line} (+{others} more blocking)")
    } else {
        line
    })
}

/// The report's findings in the pipeline's terms, plus gate-relevant notices.
pub fn stage_findings(report: &ScanReport) -> Vec<Finding> {
    let mut out: Vec<Finding> = report
        .findings
        .iter()
        .map(|f| {
            let v = &f.vuln;
            let mut message = format!(
                "{} {} → {}",
                v.package,
                v.installed_version,
                v.fixed_version.as_deref().unwrap_or("no fix")
            );
            if let Some(t) = &v.title {
                message.push_str(&format!(": {t}"));
            }
            if v.ids.len() > 1 {
                message.push_str(&format!(" [{}]", v.ids[1..].join(", ")));
            }
            Finding {
                rule: v.id.clone(),
                severity: v.severity.to_string(),
                message,
                location: Some(report::location(v)),
                blocking: f.blocking,
                suppressed_by: f.suppressed_by.as_ref().map(|s| s.rule.clone()),
            }
        })
        .collect();
    for r in &report.stale_ignores {
        out.push(Finding {
            rule: "scan:stale-ignore".into(),
            severity: "warning".into(),
            message: format!(
                "ignore entry for {} matched nothing in this scan",
                r.ids.join(", ")
            ),
            location: Some(r.location.clone()),
            blocking: report.gate_config.fail_on_stale_ignores,
            suppressed_by: None,
        });
    }
    for r in &report.expired_ignores {
        out.push(Finding {
            rule: "scan:expired-ignore".into(),
            severity: "warning".into(),
            message: format!(
                "ignore entry for {} expired on {} and no longer applies",
                r.ids.join(", "),
                r.expires.as_deref().unwrap_or("?")
            ),
            location: Some(r.location.clone()),
            blocking: false,
            suppressed_by: None,
        });
    }
    if let Some(w) = report
        .warnings
        .iter()
        .chain(&report.gate.reasons)
        .find(|w| w.contains("database is"))
    {
        out.push(Finding {
            rule: "scan:db-age".into(),
            severity: "warning".into(),
            message: w.clone(),
            location: Some(report.database.path.clone()),
            blocking: report.gate_config.fail_on_db_age,
            suppressed_by: None,
        });
    }
    out
}
