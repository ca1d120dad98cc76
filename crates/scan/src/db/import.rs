//! Importing OSV records, the KEV catalogue and EPSS scores into a new database file
//! that then replaces the old one atomically.
//!
//! A source is a file, a directory or a zip archive; each entry is recognised by its
//! name and content: `*.json` holding an OSV record (or an array of them) or CISA's
//! KEV catalogue, and `*.csv` / `*.csv.gz` holding FIRST's EPSS scores. Everything a
//! source brought in an earlier import is replaced by what it brings now. Any
//! malformed entry fails the whole import with the entry named; the old database
//! stays as it was.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{schema, DbError, StoredAffected};
use crate::ecosystem::normalize_name;
use crate::osv::{self, RangeType};

/// One thing to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSource {
    /// The source's name: what it replaces on re-import (`osv:Debian`, `kev`,
    /// `import:/mnt/osv`).
    pub name: String,
    /// A file, directory or zip archive.
    pub path: PathBuf,
    /// Where it was downloaded from, if it was.
    pub url: Option<String>,
    /// The server's `ETag`, for the next conditional request.
    pub etag: Option<String>,
    /// The server's `Last-Modified`, for the next conditional request.
    pub last_modified: Option<String>,
}

impl ImportSource {
    /// A local path imported under `import:<path>`.
    pub fn local(path: &Path) -> Self {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        ImportSource {
            name: format!("import:{}", abs.display()),
            path: path.to_path_buf(),
            url: None,
            etag: None,
            last_modified: None,
        }
    }
}

/// What kind of data an entry held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// OSV records.
    Osv,
    /// CISA Known Exploited Vulnerabilities.
    Kev,
    /// FIRST EPSS scores.
    Epss,
    /// Several kinds.
    Mixed,
}

/// Counts from an import.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImportStats {
    /// OSV records stored.
    pub advisories: u64,
    /// Affected-package rows stored.
    pub affected: u64,
    /// Withdrawn records (stored, never matched).
    pub withdrawn: u64,
    /// Records skipped because the database already had a newer copy.
    pub older_skipped: u64,
    /// KEV entries stored.
    pub kev: u64,
    /// EPSS scores stored.
    pub epss: u64,
    /// Files and archive entries read.
    pub entries: u64,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Size of the new database file.
    pub db_bytes: u64,
}

/// Builds a new database from `db_path`'s current content plus `sources`, then
/// renames it over `db_path`. On any error the new file is removed and `db_path` is
/// untouched.
pub fn import(
    db_path: &Path,
    sources: &[ImportSource],
    progress: &mut dyn FnMut(&ImportStats),
) -> Result<ImportStats, DbError> {
    let started = Instant::now();
    let dir = db_path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| DbError::io(format!("creating {}", dir.display()), e))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let file_name = db_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("vuln.db");
    let tmp = dir.join(format!(".{file_name}.tmp-{}-{nanos}", std::process::id()));
    let result = build(db_path, &tmp, sources, progress, started);
    match result {
        Ok(mut stats) => {
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .and_then(|()| std::fs::rename(&tmp, db_path))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    DbError::io(format!("replacing {}", db_path.display()), e)
                })?;
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            stats.db_bytes = std::fs::metadata(db_path).map(|m| m.len()).unwrap_or(0);
            stats.duration_ms = started.elapsed().as_millis() as u64;
            Ok(stats)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn build(
    db_path: &Path,
    tmp: &Path,
    sources: &[ImportSource],
    progress: &mut dyn FnMut(&ImportStats),
    started: Instant,
) -> Result<ImportStats, DbError> {
    if db_path.is_file() {
        // Build on the current content; refuse to replace something that is not our
        // database, and start afresh from one of another schema version.
        match super::Database::open(db_path) {
            Ok(_) => {
                std::fs::copy(db_path, tmp)
                    .map_err(|e| DbError::io(format!("copying {}", db_path.display()), e))?;
            }
            Err(DbError::OtherSchema { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let mut conn = Connection::open(tmp).map_err(DbError::sql(tmp))?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;",
    )
    .map_err(DbError::sql(tmp))?;
    schema::create(&conn, tmp)?;
    let mut stats = ImportStats::default();
    {
        let tx = conn.transaction().map_err(DbError::sql(tmp))?;
        for source in sources {
            import_source(&tx, tmp, source, &mut stats, progress)?;
        }
        let now = crate::now_rfc3339();
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('updated_at', ?1)",
            [&now],
        )
        .map_err(DbError::sql(tmp))?;
        tx.commit().map_err(DbError::sql(tmp))?;
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(DbError::sql(tmp))?;
    if check != "ok" {
        return Err(DbError::Schema {
            path: tmp.to_path_buf(),
            message: format!("the new database failed its integrity check: {check}"),
        });
    }
    drop(conn);
    stats.duration_ms = started.elapsed().as_millis() as u64;
    Ok(stats)
}

fn import_source(
    tx: &Transaction<'_>,
    tmp: &Path,
    source: &ImportSource,
    stats: &mut ImportStats,
    progress: &mut dyn FnMut(&ImportStats),
) -> Result<(), DbError> {
    let sql = DbError::sql(tmp);
    for table in ["kev", "epss"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE source = ?1"),
            [&source.name],
        )
        .map_err(&sql)?;
    }
    tx.execute(
        "DELETE FROM affected WHERE advisory IN (SELECT rowid FROM advisory WHERE source = ?1)",
        [&source.name],
    )
    .map_err(&sql)?;
    tx.execute("DELETE FROM advisory WHERE source = ?1", [&source.name])
        .map_err(&sql)?;
    let before = stats.clone();
    let mut kinds = Vec::new();
    for_each_entry(&source.path, &mut |name, bytes| {
        stats.entries += 1;
        let kind = insert_entry(tx, tmp, &source.name, name, bytes, stats)?;
        if let Some(k) = kind {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if stats.entries.is_multiple_of(1000) {
            progress(stats);
        }
        Ok(())
    })?;
    progress(stats);
    let kind = match kinds.as_slice() {
        [one] => *one,
        [] => {
            return Err(DbError::BadInput {
                location: source.path.display().to_string(),
                message: "no OSV records, KEV catalogue or EPSS scores found".into(),
            })
        }
        _ => SourceKind::Mixed,
    };
    let records = (stats.advisories - before.advisories)
        + (stats.kev - before.kev)
        + (stats.epss - before.epss);
    tx.execute(
        "INSERT OR REPLACE INTO source (name, kind, location, etag, last_modified, imported_at, records)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            source.name,
            serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)),
            source.url.clone().unwrap_or_else(|| source.path.display().to_string()),
            source.etag,
            source.last_modified,
            crate::now_rfc3339(),
            records as i64,
        ],
    )
    .map_err(&sql)?;
    Ok(())
}

type EntryFn<'a> = dyn FnMut(&str, Vec<u8>) -> Result<(), DbError> + 'a;

/// Calls `f` with every file of a directory (recursively, in name order), every entry
/// of a zip archive, or the single file at `path`.
pub fn for_each_entry(path: &Path, f: &mut EntryFn<'_>) -> Result<(), DbError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| DbError::io(format!("reading {}", path.display()), e))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| DbError::io(format!("reading {}", path.display()), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            for_each_entry(&entry, f)?;
        }
        return Ok(());
    }
    let name = path.display().to_string();
    if name.ends_with(".zip") {
        return for_each_zip_entry(path, f);
    }
    let bytes = std::fs::read(path).map_err(|e| DbError::io(format!("reading {name}"), e))?;
    f(&name, bytes)
}

fn for_each_zip_entry(path: &Path, f: &mut EntryFn<'_>) -> Result<(), DbError> {
    let file = std::fs::File::open(path)
        .map_err(|e| DbError::io(format!("opening {}", path.display()), e))?;
    let bad = |message: String| DbError::BadInput {
        location: path.display().to_string(),
        message,
    };
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| bad(format!("not a readable zip archive: {e}")))?;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| bad(format!("entry {i}: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let name = format!("{}!{}", path.display(), entry.name());
        let mut bytes = Vec::with_capacity(entry.size().min(64 << 20) as usize);
        // Reading to the end checks the entry's CRC-32.
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| DbError::BadInput {
                location: name.clone(),
                message: format!("corrupt archive entry: {e}"),
            })?;
        f(&name, bytes)?;
    }
    Ok(())
}

fn insert_entry(
    tx: &Transaction<'_>,
    tmp: &Path,
    source: &str,
    name: &str,
    bytes: Vec<u8>,
    stats: &mut ImportStats,
) -> Result<Option<SourceKind>, DbError> {
    let lower = name.to_ascii_lowercase();
    let bad = |message: String| DbError::BadInput {
        location: name.to_string(),
        message,
    };
    if lower.ends_with(".csv") || lower.ends_with(".csv.gz") {
        let text = if lower.ends_with(".gz") {
            let mut s = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut s)
                .map_err(|e| bad(format!("not a gzip-compressed CSV file: {e}")))?;
            s
        } else {
            String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?
        };
        stats.epss += insert_epss(tx, tmp, source, name, &text)?;
        return Ok(Some(SourceKind::Epss));
    }
    if !lower.ends_with(".json") {
        return Ok(None);
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.windows(16).any(|w| w == b"\"catalogVersion\"") {
        stats.kev += insert_kev(tx, tmp, source, name, &bytes)?;
        return Ok(Some(SourceKind::Kev));
    }
    let first = bytes.iter().find(|c| !c.is_ascii_whitespace());
    let records = if first == Some(&b'[') {
        let values: Vec<serde_json::Value> =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("not OSV JSON: {e}")))?;
        values
            .into_iter()
            .map(|v| {
                serde_json::to_vec(&v)
                    .map_err(|e| e.to_string())
                    .and_then(|b| osv::Vulnerability::from_json(&b))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("not an OSV record: {e}")))?
    } else {
        vec![osv::Vulnerability::from_json(&bytes)
            .map_err(|e| bad(format!("not an OSV record: {e}")))?]
    };
    for v in records {
        insert_osv(tx, tmp, source, v, stats)?;
    }
    Ok(Some(SourceKind::Osv))
}

fn rating_of(value: Option<&serde_json::Value>) -> Option<String> {
    let v = value?;
    ["severity", "urgency", "priority"]
        .iter()
        .find_map(|k| v.get(k).and_then(|s| s.as_str()).map(str::to_string))
}

fn insert_osv(
    tx: &Transaction<'_>,
    tmp: &Path,
    source: &str,
    v: osv::Vulnerability,
    stats: &mut ImportStats,
) -> Result<(), DbError> {
    let sql = DbError::sql(tmp);
    let existing: Option<(i64, String)> = tx
        .prepare_cached("SELECT rowid, modified FROM advisory WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([&v.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(&sql)?;
    if let Some((rowid, modified)) = existing {
        if modified > v.modified {
            stats.older_skipped += 1;
            return Ok(());
        }
        tx.prepare_cached("DELETE FROM affected WHERE advisory = ?1")
            .and_then(|mut s| s.execute([rowid]))
            .map_err(&sql)?;
        tx.prepare_cached("DELETE FROM advisory WHERE rowid = ?1")
            .and_then(|mut s| s.execute([rowid]))
            .map_err(&sql)?;
    }
    // The CVE this record is about, for joining KEV and EPSS at lookup time.
    let single_upstream = if v.upstream.len() == 1 {
        v.upstream.first()
    } else {
        None
    };
    let cve = std::iter::once(&v.id)
        .chain(&v.aliases)
        .chain(single_upstream)
        .find(|i| i.starts_with("CVE-"))
        .cloned();
    let url = v
        .references
        .iter()
        .find(|r| r.kind == "ADVISORY")
        .or_else(|| v.references.first())
        .map(|r| r.url.clone());
    tx.prepare_cached(
        "INSERT INTO advisory (id, source, modified, withdrawn, summary, aliases, upstream, severity, rating, url, cve)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut s| {
        s.execute(params![
            v.id,
            source,
            v.modified,
            v.withdrawn,
            v.summary,
            json(&v.aliases),
            json(&v.upstream),
            json(&v.severity),
            v.rating(),
            url,
            cve,
        ])
    })
    .map_err(&sql)?;
    stats.advisories += 1;
    if v.withdrawn.is_some() {
        stats.withdrawn += 1;
        return Ok(());
    }
    let rowid = tx.last_insert_rowid();
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO affected (advisory, ecosystem, release, name, data, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(&sql)?;
    for (seq, a) in v.affected.into_iter().enumerate() {
        let Some(pkg) = a.package else { continue };
        let (base, release) = osv::split_ecosystem(&pkg.ecosystem);
        let ranges: Vec<osv::Range> = a
            .ranges
            .into_iter()
            .filter(|r| matches!(r.kind, RangeType::Ecosystem | RangeType::Semver))
            .collect();
        if ranges.is_empty() && a.versions.is_empty() {
            continue;
        }
        let stored = StoredAffected {
            ranges,
            versions: a.versions,
            severity: a.severity,
            rating: rating_of(a.ecosystem_specific.as_ref())
                .or_else(|| rating_of(a.database_specific.as_ref())),
        };
        insert
            .execute(params![
                rowid,
                base,
                release,
                normalize_name(base, &pkg.name),
                json(&stored),
                seq as i64
            ])
            .map_err(&sql)?;
        stats.affected += 1;
    }
    Ok(())
}

fn json<T: Serialize>(x: &T) -> String {
    serde_json::to_string(x).unwrap_or_else(|_| "null".into())
}

#[derive(Deserialize)]
struct KevCatalog {
    vulnerabilities: Vec<KevJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KevJson {
    #[serde(rename = "cveID")]
    cve_id: String,
    date_added: String,
    #[serde(default)]
    due_date: Option<String>,
    #[serde(default)]
    known_ransomware_campaign_use: Option<String>,
}

fn insert_kev(
    tx: &Transaction<'_>,
    tmp: &Path,
    source: &str,
    name: &str,
    bytes: &[u8],
) -> Result<u64, DbError> {
    let catalog: KevCatalog = serde_json::from_slice(bytes).map_err(|e| DbError::BadInput {
        location: name.to_string(),
        message: format!("not a CISA KEV catalogue: {e}"),
    })?;
    let mut stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO kev (cve, source, date_added, due_date, ransomware) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(DbError::sql(tmp))?;
    for k in &catalog.vulnerabilities {
        stmt.execute(params![
            k.cve_id,
            source,
            k.date_added,
            k.due_date,
            k.known_ransomware_campaign_use
        ])
        .map_err(DbError::sql(tmp))?;
    }
    Ok(catalog.vulnerabilities.len() as u64)
}

fn insert_epss(
    tx: &Transaction<'_>,
    tmp: &Path,
    source: &str,
    name: &str,
    text: &str,
) -> Result<u64, DbError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO epss (cve, source, score, percentile) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(DbError::sql(tmp))?;
    let mut n = 0;
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |m: &str| DbError::BadInput {
            location: format!("{name}:{}", i + 1),
            message: m.to_string(),
        };
        if !header {
            if !line.starts_with("cve,epss") {
                return Err(bad(
                    "not an EPSS file: expected the header `cve,epss,percentile`",
                ));
            }
            header = true;
            continue;
        }
        let mut parts = line.split(',');
        let (Some(cve), Some(score), Some(pct)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected `cve,epss,percentile`"));
        };
        let score: f64 = score
            .parse()
            .map_err(|_| bad("the EPSS score is not a number"))?;
        let pct: f64 = pct
            .parse()
            .map_err(|_| bad("the percentile is not a number"))?;
        if !(0.0..=1.0).contains(&score) || !(0.0..=1.0).contains(&pct) || !cve.starts_with("CVE-")
        {
            return Err(bad("values out of range"));
        }
        stmt.execute(params![cve, source, score, pct])
            .map_err(DbError::sql(tmp))?;
        n += 1;
    }
    if !header {
        return Err(DbError::BadInput {
            location: name.to_string(),
            message: "empty EPSS file".into(),
        });
    }
    Ok(n)
}
