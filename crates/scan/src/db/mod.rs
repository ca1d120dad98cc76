//! The vulnerability database: one SQLite file in the user's cache directory.
//!
//! Advisories are stored one row each, their affected packages indexed by
//! (ecosystem, normalised name), next to CISA's KEV catalogue and FIRST's EPSS
//! scores. The file is never changed in place: [`Database::import`] builds a new file
//! next to it and renames it over the old one, so readers and a failed or interrupted
//! import always see a complete database.

pub mod import;
pub mod schema;
pub mod status;
pub mod update;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::osv;

pub use import::{ImportSource, ImportStats, SourceKind};
pub use status::{DbStatus, SourceStatus};
pub use update::{ecosystems_in, update, UpdateOptions, UpdateOutcome, UpdateProgress};

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No database file yet.
    #[error("no vulnerability database at {0}; run `secchain db update` (or `secchain db import PATH` offline)")]
    Missing(PathBuf),
    /// SQLite failed.
    #[error("vulnerability database {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The file is not a secchain database of a version this build reads.
    #[error("vulnerability database {path}: {message}")]
    Schema {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The file is a secchain database of another schema version (rebuilt by the next
    /// update or import).
    #[error("vulnerability database {path}: schema version {found}, this secchain reads {}; run `secchain db update` to rebuild it", schema::SCHEMA_VERSION)]
    OtherSchema {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: String,
    },
    /// An input to import was malformed.
    #[error("{location}: {message}")]
    BadInput {
        /// The file (and archive entry) at fault.
        location: String,
        /// What is wrong with it.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A download failed.
    #[error("{0}")]
    Network(String),
}

impl DbError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        DbError::Io {
            context: context.into(),
            source,
        }
    }
    pub(crate) fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> DbError + '_ {
        move |source| DbError::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What the database stores for one affected package of one advisory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredAffected {
    /// Ranges other than `GIT`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<osv::Range>,
    /// Explicit versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Package-level severity vectors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<osv::Severity>,
    /// Package-level rating (Debian `urgency`, Ubuntu `priority`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
}

/// An advisory row with one of its affected packages, as matching needs them.
#[derive(Clone, Debug, PartialEq)]
pub struct AdvisoryHit {
    /// The OSV id.
    pub id: String,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Upstream ids.
    pub upstream: Vec<String>,
    /// Summary line.
    pub summary: Option<String>,
    /// Record-level severity vectors.
    pub severity: Vec<osv::Severity>,
    /// The record's own rating (`database_specific.severity`).
    pub rating: Option<String>,
    /// The first advisory URL.
    pub url: Option<String>,
    /// The release part of the ecosystem (`12` of `Debian:12`; empty for none).
    pub release: String,
    /// The affected entry.
    pub affected: StoredAffected,
    /// The CVE the record is about, if it names one.
    pub cve: Option<String>,
    /// That CVE's KEV entry.
    pub kev: Option<KevEntry>,
    /// That CVE's EPSS score.
    pub epss: Option<EpssEntry>,
}

/// A KEV catalogue entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    /// When CISA added it.
    pub date_added: String,
    /// The remediation due date for US federal agencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// `Known` when used in ransomware campaigns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ransomware: Option<String>,
}

/// An EPSS score.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpssEntry {
    /// Probability of exploitation in the next 30 days (0–1).
    pub score: f64,
    /// Percentile (0–1).
    pub percentile: f64,
}

/// An open vulnerability database (read-only).
pub struct Database {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.path)
            .finish()
    }
}

impl Database {
    /// The default location: `$SECCHAIN_DB`, else `$XDG_CACHE_HOME/secchain/vuln.db`,
    /// else `~/.cache/secchain/vuln.db`.
    pub fn default_path() -> PathBuf {
        if let Some(p) = std::env::var_os("SECCHAIN_DB") {
            return PathBuf::from(p);
        }
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        cache.join("secchain").join("vuln.db")
    }

    /// Opens an existing database read-only, checking its schema version.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        if !path.is_file() {
            return Err(DbError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(DbError::sql(path))?;
        // Lookups touch pages all over the file: map it and keep a large page cache.
        conn.execute_batch("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -131072;")
            .map_err(DbError::sql(path))?;
        schema::check(&conn, path)?;
        Ok(Database {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The file this database was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Advisories affecting `name` (already normalised) in ecosystem `base`
    /// (`Debian`, `PyPI`, …), every release; withdrawn advisories are not returned.
    pub fn lookup(&self, base: &str, name: &str) -> Result<Vec<AdvisoryHit>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.aliases, a.upstream, a.summary, a.severity, a.rating, a.url,
                        f.release, f.data, a.cve, k.date_added, k.due_date, k.ransomware,
                        e.score, e.percentile
                 FROM affected f JOIN advisory a ON a.rowid = f.advisory
                 LEFT JOIN kev k ON k.cve = a.cve
                 LEFT JOIN epss e ON e.cve = a.cve
                 WHERE f.ecosystem = ?1 AND f.name = ?2 AND a.withdrawn IS NULL",
            )
            .map_err(DbError::sql(&self.path))?;
        let sql = DbError::sql(&self.path);
        let mut rows = stmt.query([base, name]).map_err(&sql)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(&sql)? {
            let id: String = r.get(0).map_err(&sql)?;
            // The JSON columns are parsed in place, never copied into a String first.
            let json = |i: usize, what: &str| -> Result<&str, DbError> {
                let unreadable = |e: &dyn std::fmt::Display| DbError::Schema {
                    path: self.path.clone(),
                    message: format!("advisory {id}: unreadable {what}: {e}"),
                };
                let value = r.get_ref(i).map_err(|e| unreadable(&e))?;
                value.as_str().map_err(|e| unreadable(&e))
            };
            let corrupt = |what: &str, e: serde_json::Error| DbError::Schema {
                path: self.path.clone(),
                message: format!("advisory {id}: unreadable {what}: {e}"),
            };
            let kev = match r.get::<_, Option<String>>(10).map_err(&sql)? {
                Some(date_added) => Some(KevEntry {
                    date_added,
                    due_date: r.get(11).map_err(&sql)?,
                    ransomware: r.get(12).map_err(&sql)?,
                }),
                None => None,
            };
            let epss = match (
                r.get::<_, Option<f64>>(13).map_err(&sql)?,
                r.get::<_, Option<f64>>(14).map_err(&sql)?,
            ) {
                (Some(score), Some(percentile)) => Some(EpssEntry { score, percentile }),
                _ => None,
            };
            out.push(AdvisoryHit {
                aliases: serde_json::from_str(json(1, "aliases")?)
                    .map_err(|e| corrupt("aliases", e))?,
                upstream: serde_json::from_str(json(2, "upstream")?)
                    .map_err(|e| corrupt("upstream", e))?,
                severity: serde_json::from_str(json(4, "severity")?)
                    .map_err(|e| corrupt("severity", e))?,
                affected: serde_json::from_str(json(8, "affected data")?)
                    .map_err(|e| corrupt("affected data", e))?,
                summary: r.get(3).map_err(&sql)?,
                rating: r.get(5).map_err(&sql)?,
                url: r.get(6).map_err(&sql)?,
                release: r.get(7).map_err(&sql)?,
                cve: r.get(9).map_err(&sql)?,
                kev,
                epss,
                id,
            });
        }
        Ok(out)
    }

    /// The severity vectors of the record with this id (a CVE record an advisory
    /// aliases), for enrichment.
    pub fn severity_of(&self, id: &str) -> Result<Vec<osv::Severity>, DbError> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT severity FROM advisory WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map_err(DbError::sql(&self.path))?;
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// The KEV entry for a CVE id.
    pub fn kev(&self, cve: &str) -> Result<Option<KevEntry>, DbError> {
        self.conn
            .prepare_cached("SELECT date_added, due_date, ransomware FROM kev WHERE cve = ?1")
            .and_then(|mut s| {
                s.query_row([cve], |r| {
                    Ok(KevEntry {
                        date_added: r.get(0)?,
                        due_date: r.get(1)?,
                        ransomware: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(DbError::sql(&self.path))
    }

    /// The EPSS score for a CVE id.
    pub fn epss(&self, cve: &str) -> Result<Option<EpssEntry>, DbError> {
        self.conn
            .prepare_cached("SELECT score, percentile FROM epss WHERE cve = ?1")
            .and_then(|mut s| {
                s.query_row([cve], |r| {
                    Ok(EpssEntry {
                        score: r.get(0)?,
                        percentile: r.get(1)?,
                    })
                })
                .optional()
            })
            .map_err(DbError::sql(&self.path))
    }

    /// Runs `f` inside one read transaction: many lookups then share one snapshot
    /// and one file lock instead of taking it per query.
    pub fn read<T>(&self, f: impl FnOnce() -> Result<T, DbError>) -> Result<T, DbError> {
        self.conn
            .execute_batch("BEGIN")
            .map_err(DbError::sql(&self.path))?;
        let result = f();
        let end = self
            .conn
            .execute_batch("COMMIT")
            .map_err(DbError::sql(&self.path));
        let value = result?;
        end?;
        Ok(value)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}
