//! The database schema and its version check.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::DbError;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: &str = "1";

/// The tables, created if absent. Affected packages are clustered by (ecosystem,
/// name) so one lookup reads neighbouring rows; KEV and EPSS are keyed by CVE.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    location TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    imported_at TEXT NOT NULL,
    records INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS advisory (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    cve TEXT,
    modified TEXT NOT NULL,
    withdrawn TEXT,
    summary TEXT,
    aliases TEXT NOT NULL,
    upstream TEXT NOT NULL,
    severity TEXT NOT NULL,
    rating TEXT,
    url TEXT
);
CREATE INDEX IF NOT EXISTS advisory_source ON advisory(source);
CREATE TABLE IF NOT EXISTS affected (
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    advisory INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    release TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (ecosystem, name, advisory, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affected_advisory ON affected(advisory);
CREATE TABLE IF NOT EXISTS kev (
    cve TEXT PRIMARY KEY, source TEXT NOT NULL, date_added TEXT NOT NULL, due_date TEXT, ransomware TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS epss (
    cve TEXT PRIMARY KEY, source TEXT NOT NULL, score REAL NOT NULL, percentile REAL NOT NULL
) WITHOUT ROWID;
";

/// Creates the tables in a new or copied file and records the schema version.
pub fn create(conn: &Connection, path: &Path) -> Result<(), DbError> {
    conn.execute_batch(SCHEMA).map_err(DbError::sql(path))?;
    check_version(conn, path, true)
}

/// Checks that an existing file is a secchain database of this schema version.
pub fn check(conn: &Connection, path: &Path) -> Result<(), DbError> {
    check_version(conn, path, false)
}

fn check_version(conn: &Connection, path: &Path, set_if_absent: bool) -> Result<(), DbError> {
    let not_ours = |e: rusqlite::Error| DbError::Schema {
        path: path.to_path_buf(),
        message: format!("not a secchain vulnerability database ({e})"),
    };
    let version: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(not_ours)?;
    match version {
        Some(v) if v == SCHEMA_VERSION => Ok(()),
        Some(v) => Err(DbError::OtherSchema {
            path: path.to_path_buf(),
            found: v,
        }),
        None if set_if_absent => conn
            .execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)",
                [SCHEMA_VERSION],
            )
            .map(|_| ())
            .map_err(DbError::sql(path)),
        None => Err(DbError::Schema {
            path: path.to_path_buf(),
            message: "no schema version: not a secchain vulnerability database".into(),
        }),
    }
}
