//! `secchain db update`: downloads OSV's per-ecosystem export archives (and, when
//! asked, the KEV catalogue and EPSS scores) with conditional requests, then imports
//! what changed through [`super::import::import`], which swaps the new file in
//! atomically. A failed or interrupted download leaves the old database as it was.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::OptionalExtension;

use super::import::{import, ImportSource, ImportStats};
use super::{Database, DbError};

/// OSV's public export bucket.
pub const DEFAULT_OSV_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// CISA's Known Exploited Vulnerabilities catalogue.
pub const DEFAULT_KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
/// FIRST's daily EPSS scores.
pub const DEFAULT_EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";

/// What to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateOptions {
    /// Base URL of OSV's exports (a mirror's, for example); `<base>/<Ecosystem>/all.zip`.
    pub base_url: String,
    /// OSV ecosystems (base names: `Debian`, `PyPI`, …).
    pub ecosystems: Vec<String>,
    /// The KEV catalogue's URL, or `None` to skip it.
    pub kev_url: Option<String>,
    /// The EPSS file's URL (`.csv` or `.csv.gz`), or `None` to skip it.
    pub epss_url: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            base_url: DEFAULT_OSV_BASE_URL.into(),
            ecosystems: Vec::new(),
            kev_url: Some(DEFAULT_KEV_URL.into()),
            epss_url: Some(DEFAULT_EPSS_URL.into()),
            timeout: Duration::from_secs(600),
        }
    }
}

/// Progress of an update, for a progress bar.
#[derive(Clone, Debug, PartialEq)]
pub enum UpdateProgress {
    /// A download started; `total` is the announced size.
    Download {
        /// Source name (`osv:Debian`).
        source: String,
        /// Bytes so far.
        bytes: u64,
        /// The announced size.
        total: Option<u64>,
    },
    /// The server said the copy we have is current.
    NotModified {
        /// Source name.
        source: String,
    },
    /// Importing.
    Import {
        /// Records imported so far.
        records: u64,
    },
}

/// What an update did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct UpdateOutcome {
    /// Sources downloaded and imported.
    pub updated: Vec<String>,
    /// Sources the server said had not changed.
    pub not_modified: Vec<String>,
    /// Import counts, when something was imported.
    pub stats: Option<ImportStats>,
}

/// The OSV ecosystems (base names) of these packages, for `db update` "only the
/// ecosystems found in images".
pub fn ecosystems_in(packages: &[crate::matching::ScanPackage]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in packages {
        let (base, _) = crate::osv::split_ecosystem(&p.ecosystem);
        if !base.is_empty() && !out.iter().any(|e| e == base) {
            out.push(base.to_string());
        }
    }
    out.sort();
    out
}

struct Planned {
    name: String,
    url: String,
    file: String,
}

fn plan(opts: &UpdateOptions) -> Vec<Planned> {
    let base = opts.base_url.trim_end_matches('/');
    let mut out: Vec<Planned> = Vec::new();
    for eco in &opts.ecosystems {
        let name = format!("osv:{eco}");
        if out.iter().any(|p| p.name == name) {
            continue;
        }
        let safe: String = eco
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        out.push(Planned {
            url: format!("{base}/{}/all.zip", eco.replace(' ', "%20")),
            file: format!("osv-{safe}.zip"),
            name,
        });
    }
    if let Some(url) = &opts.kev_url {
        out.push(Planned {
            name: "kev".into(),
            url: url.clone(),
            file: "kev.json".into(),
        });
    }
    if let Some(url) = &opts.epss_url {
        out.push(Planned {
            name: "epss".into(),
            url: url.clone(),
            file: if url.ends_with(".gz") {
                "epss.csv.gz"
            } else {
                "epss.csv"
            }
            .into(),
        });
    }
    out
}

fn validators(db_path: &Path, source: &str) -> (Option<String>, Option<String>) {
    let Ok(db) = Database::open(db_path) else {
        return (None, None);
    };
    db.conn()
        .query_row(
            "SELECT etag, last_modified FROM source WHERE name = ?1",
            [source],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ok()
        .flatten()
        .unwrap_or((None, None))
}

/// Downloads what changed and imports it. `progress` is called often; keep it cheap.
pub async fn update(
    db_path: &Path,
    opts: &UpdateOptions,
    progress: &(dyn Fn(UpdateProgress) + Send + Sync),
) -> Result<UpdateOutcome, DbError> {
    let client = reqwest::Client::builder()
        .timeout(opts.timeout)
        .user_agent(concat!("secchain/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| DbError::Network(format!("cannot create an HTTP client: {e}")))?;
    let dir = db_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let download_dir = dir.join(format!(".download-{}", std::process::id()));
    std::fs::create_dir_all(&download_dir)
        .map_err(|e| DbError::io(format!("creating {}", download_dir.display()), e))?;
    let result = download_and_import(&client, db_path, &download_dir, opts, progress).await;
    let _ = std::fs::remove_dir_all(&download_dir);
    result
}

async fn download_and_import(
    client: &reqwest::Client,
    db_path: &Path,
    download_dir: &Path,
    opts: &UpdateOptions,
    progress: &(dyn Fn(UpdateProgress) + Send + Sync),
) -> Result<UpdateOutcome, DbError> {
    let mut outcome = UpdateOutcome::default();
    let mut sources = Vec::new();
    for p in plan(opts) {
        let (etag, last_modified) = validators(db_path, &p.name);
        let target = download_dir.join(&p.file);
        match download(
            client,
            &p,
            &target,
            etag.as_deref(),
            last_modified.as_deref(),
            progress,
        )
        .await?
        {
            None => {
                progress(UpdateProgress::NotModified {
                    source: p.name.clone(),
                });
                outcome.not_modified.push(p.name);
            }
            Some((etag, last_modified)) => {
                outcome.updated.push(p.name.clone());
                sources.push(ImportSource {
                    name: p.name,
                    path: target,
                    url: Some(p.url),
                    etag,
                    last_modified,
                });
            }
        }
    }
    if sources.is_empty() {
        return Ok(outcome);
    }
    // SQLite work is blocking: run it on the blocking pool and relay its progress.
    let db_path: PathBuf = db_path.to_path_buf();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let mut job = tokio::task::spawn_blocking(move || {
        import(&db_path, &sources, &mut |s| {
            let _ = tx.send(s.advisories + s.kev + s.epss);
        })
    });
    let stats = loop {
        tokio::select! {
            Some(records) = rx.recv() => progress(UpdateProgress::Import { records }),
            joined = &mut job => break joined.map_err(|e| DbError::Network(format!("the import task failed: {e}")))??,
        }
    };
    outcome.stats = Some(stats);
    Ok(outcome)
}

type Validators = (Option<String>, Option<String>);

async fn download(
    client: &reqwest::Client,
    p: &Planned,
    target: &Path,
    etag: Option<&str>,
    last_modified: Option<&str>,
    progress: &(dyn Fn(UpdateProgress) + Send + Sync),
) -> Result<Option<Validators>, DbError> {
    use tokio::io::AsyncWriteExt;
    let mut req = client.get(&p.url);
    if let Some(e) = etag {
        req = req.header("If-None-Match", e);
    }
    if let Some(lm) = last_modified {
        req = req.header("If-Modified-Since", lm);
    }
    let net = |e: reqwest::Error| DbError::Network(format!("downloading {}: {e}", p.url));
    let mut resp = req.send().await.map_err(net)?;
    let status = resp.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(DbError::Network(format!(
            "downloading {}: HTTP {status}",
            p.url
        )));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = (header("etag"), header("last-modified"));
    let total = resp.content_length();
    let mut file = tokio::fs::File::create(target)
        .await
        .map_err(|e| DbError::io(format!("creating {}", target.display()), e))?;
    let mut bytes = 0u64;
    while let Some(chunk) = resp.chunk().await.map_err(net)? {
        file.write_all(&chunk)
            .await
            .map_err(|e| DbError::io(format!("writing {}", target.display()), e))?;
        bytes += chunk.len() as u64;
        progress(UpdateProgress::Download {
            source: p.name.clone(),
            bytes,
            total,
        });
    }
    if total.is_some_and(|t| t != bytes) {
        return Err(DbError::Network(format!(
            "downloading {}: the transfer ended after {bytes} of {} bytes",
            p.url,
            total.unwrap_or_default()
        )));
    }
    file.flush()
        .await
        .map_err(|e| DbError::io(format!("writing {}", target.display()), e))?;
    Ok(Some(validators))
}
