//! `secchain db status`: sources, record counts and age.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{Database, DbError};

/// One imported source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceStatus {
    /// `osv:Debian`, `kev`, `epss`, `import:/path`.
    pub name: String,
    /// `osv`, `kev`, `epss` or `mixed`.
    pub kind: String,
    /// URL or path it came from.
    pub location: String,
    /// When it was imported (RFC 3339).
    pub imported_at: String,
    /// Records it brought.
    pub records: u64,
    /// The server's ETag, if downloaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The server's Last-Modified, if downloaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// The state of the database.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DbStatus {
    /// The file.
    pub path: String,
    /// Its size.
    pub size_bytes: u64,
    /// When it was last updated or imported into (RFC 3339).
    pub updated_at: Option<String>,
    /// Seconds since then.
    pub age_seconds: Option<u64>,
    /// Advisories stored (withdrawn included).
    pub advisories: u64,
    /// Affected-package rows.
    pub affected: u64,
    /// KEV entries.
    pub kev: u64,
    /// EPSS scores.
    pub epss: u64,
    /// Advisory counts per ecosystem (base name).
    pub ecosystems: Vec<(String, u64)>,
    /// Imported sources.
    pub sources: Vec<SourceStatus>,
}

impl DbStatus {
    /// A few lines for a terminal.
    pub fn render(&self) -> String {
        let mut out = format!("database: {} ({} bytes)\n", self.path, self.size_bytes);
        out.push_str(&format!(
            "updated:  {}{}\n",
            self.updated_at.as_deref().unwrap_or("never"),
            self.age_seconds
                .map(|s| format!(" ({} ago)", crate::gate::format_duration(s)))
                .unwrap_or_default()
        ));
        out.push_str(&format!(
            "records:  {} advisories ({} affected packages), {} KEV, {} EPSS\n",
            self.advisories, self.affected, self.kev, self.epss
        ));
        for (eco, n) in &self.ecosystems {
            out.push_str(&format!("  {eco:<16} {n}\n"));
        }
        out.push_str("sources:\n");
        for s in &self.sources {
            out.push_str(&format!(
                "  {:<24} {:<6} {:>8} records  {}  {}\n",
                s.name, s.kind, s.records, s.imported_at, s.location
            ));
        }
        out
    }
}

impl Database {
    /// Sources, counts and age.
    pub fn status(&self) -> Result<DbStatus, DbError> {
        let sql = DbError::sql(self.path());
        let conn = self.conn();
        let count = |table: &str| -> Result<u64, DbError> {
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(DbError::sql(self.path()))
        };
        let updated_at: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'updated_at'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(&sql)?;
        let mut stmt = conn
            .prepare(
                "SELECT name, kind, location, imported_at, records, etag, last_modified FROM source ORDER BY name",
            )
            .map_err(&sql)?;
        let sources = stmt
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    location: r.get(2)?,
                    imported_at: r.get(3)?,
                    records: r.get::<_, i64>(4)? as u64,
                    etag: r.get(5)?,
                    last_modified: r.get(6)?,
                })
            })
            .map_err(&sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&sql)?;
        let mut stmt = conn
            .prepare("SELECT ecosystem, COUNT(DISTINCT advisory) FROM affected GROUP BY ecosystem ORDER BY ecosystem")
            .map_err(&sql)?;
        let ecosystems = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .map_err(&sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&sql)?;
        Ok(DbStatus {
            path: self.path().display().to_string(),
            size_bytes: std::fs::metadata(self.path()).map(|m| m.len()).unwrap_or(0),
            age_seconds: updated_at.as_deref().and_then(crate::age_seconds),
            updated_at,
            advisories: count("advisory")?,
            affected: count("affected")?,
            kev: count("kev")?,
            epss: count("epss")?,
            ecosystems,
            sources,
        })
    }
}
