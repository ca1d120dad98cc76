//! `db update` against a real HTTP server on loopback (no network needed): conditional
//! requests, atomic swap, and failed downloads (corrupt, truncated, invalid records)
//! that must leave the previous database working.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use secchain_scan::db::{update, UpdateOptions};
use secchain_scan::{Database, DbError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Clone)]
enum Body {
    Full {
        bytes: Vec<u8>,
        etag: String,
    },
    /// Announces more bytes than it sends, then closes.
    Truncated(Vec<u8>),
}

#[derive(Clone, Default)]
struct Server {
    files: Arc<Mutex<HashMap<String, Body>>>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let me = me.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let req = String::from_utf8_lossy(&buf).to_string();
                    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let inm = req.lines().find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("if-none-match: ")
                            .map(|v| v.trim().to_string())
                    });
                    me.log.lock().unwrap().push(format!(
                        "{path} if-none-match={}",
                        inm.clone().unwrap_or_default()
                    ));
                    let body = me.files.lock().unwrap().get(&path).cloned();
                    let resp: Vec<u8> = match body {
                        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                        Some(Body::Full { etag, .. }) if inm.as_deref() == Some(etag.as_str()) => {
                            format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n").into_bytes()
                        }
                        Some(Body::Full { bytes, etag }) => {
                            let mut r = format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: {etag}\r\nLast-Modified: Sat, 01 Jun 2024 00:00:00 GMT\r\nConnection: close\r\n\r\n",
                                bytes.len()
                            )
                            .into_bytes();
                            r.extend(bytes);
                            r
                        }
                        Some(Body::Truncated(bytes)) => {
                            let mut r = format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                bytes.len() * 4
                            )
                            .into_bytes();
                            r.extend(bytes);
                            r
                        }
                    };
                    let _ = sock.write_all(&resp).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        format!("http://{addr}")
    }

    fn put(&self, path: &str, body: Body) {
        self.files.lock().unwrap().insert(path.into(), body);
    }
}

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn full(bytes: Vec<u8>, etag: &str) -> Body {
    Body::Full {
        bytes,
        etag: format!("\"{etag}\""),
    }
}

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != "vuln.db")
        .collect()
}

#[tokio::test]
async fn update_conditional_requests_and_failures_keep_the_old_database() {
    let server = Server::default();
    let base = server.start().await;
    server.put(
        "/Debian/all.zip",
        full(
            zip_of(&[(
                "DEBIAN-CVE-2023-4911.json",
                fixture("osv/DEBIAN-CVE-2023-4911.json"),
            )]),
            "d1",
        ),
    );
    server.put(
        "/PyPI/all.zip",
        full(
            zip_of(&[
                (
                    "GHSA-j8r2-6x86-q33q.json",
                    fixture("osv/GHSA-j8r2-6x86-q33q.json"),
                ),
                ("PYSEC-2023-74.json", fixture("osv/PYSEC-2023-74.json")),
            ]),
            "p1",
        ),
    );
    server.put(
        "/kev.json",
        full(fixture("enrich/known_exploited_vulnerabilities.json"), "k1"),
    );
    server.put(
        "/epss.csv.gz",
        full(gz(&fixture("enrich/epss_scores-2024-06-01.csv")), "e1"),
    );
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("vuln.db");
    let opts = UpdateOptions {
        base_url: base.clone(),
        ecosystems: vec!["Debian".into(), "PyPI".into()],
        kev_url: Some(format!("{base}/kev.json")),
        epss_url: Some(format!("{base}/epss.csv.gz")),
        ..UpdateOptions::default()
    };
    let events = Arc::new(Mutex::new(0usize));
    let counter = events.clone();
    let progress = move |_: secchain_scan::db::UpdateProgress| *counter.lock().unwrap() += 1;

    let first = update(&db_path, &opts, &progress).await.unwrap();
    assert_eq!(first.updated, ["osv:Debian", "osv:PyPI", "kev", "epss"]);
    assert!(*events.lock().unwrap() > 0, "progress was reported");
    let stats = first.stats.unwrap();
    assert_eq!((stats.advisories, stats.kev, stats.epss), (3, 2, 4));
    let db = Database::open(&db_path).unwrap();
    assert_eq!(db.lookup("PyPI", "requests").unwrap().len(), 2);
    let status = db.status().unwrap();
    let pypi = status
        .sources
        .iter()
        .find(|s| s.name == "osv:PyPI")
        .unwrap();
    assert_eq!(pypi.etag.as_deref(), Some("\"p1\""));
    assert_eq!(pypi.location, format!("{base}/PyPI/all.zip"));
    drop(db);

    // Nothing changed: every request is conditional and answered 304.
    let second = update(&db_path, &opts, &progress).await.unwrap();
    assert!(second.updated.is_empty());
    assert_eq!(second.not_modified.len(), 4);
    assert!(server
        .log
        .lock()
        .unwrap()
        .iter()
        .any(|l| l == "/PyPI/all.zip if-none-match=\"p1\""));

    // A corrupt archive is rejected with a clear error, the old database stays.
    let before = std::fs::read(&db_path).unwrap();
    server.put(
        "/PyPI/all.zip",
        full(b"PK\x03\x04 this is not a zip archive".to_vec(), "p2"),
    );
    let err = update(&db_path, &opts, &progress).await.unwrap_err();
    assert!(matches!(err, DbError::BadInput { .. }), "{err}");
    assert!(
        err.to_string().contains("not a readable zip archive"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&db_path).unwrap(),
        before,
        "the old database is untouched"
    );
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );

    // An interrupted download (the server closes early).
    server.put(
        "/PyPI/all.zip",
        Body::Truncated(b"PK\x03\x04partial".to_vec()),
    );
    let err = update(&db_path, &opts, &progress).await.unwrap_err();
    assert!(matches!(err, DbError::Network(_)), "{err}");
    assert_eq!(std::fs::read(&db_path).unwrap(), before);

    // A valid archive with one invalid record: the whole update is refused.
    server.put(
        "/PyPI/all.zip",
        full(
            zip_of(&[
                (
                    "GHSA-j8r2-6x86-q33q.json",
                    fixture("osv/GHSA-j8r2-6x86-q33q.json"),
                ),
                ("BROKEN.json", br#"{"id": "PYSEC-BROKEN"}"#.to_vec()),
            ]),
            "p3",
        ),
    );
    let err = update(&db_path, &opts, &progress).await.unwrap_err();
    assert!(err.to_string().contains("BROKEN.json"), "{err}");
    assert!(err.to_string().contains("modified"), "{err}");
    let db = Database::open(&db_path).unwrap();
    assert_eq!(
        db.lookup("PyPI", "requests").unwrap().len(),
        2,
        "the old data still answers"
    );
    assert!(leftovers(dir.path()).is_empty());

    // A good new export replaces that source only.
    server.put(
        "/PyPI/all.zip",
        full(
            zip_of(&[(
                "GHSA-v845-jxx5-vc9f.json",
                fixture("osv/GHSA-v845-jxx5-vc9f.json"),
            )]),
            "p4",
        ),
    );
    let fourth = update(&db_path, &opts, &progress).await.unwrap();
    assert_eq!(fourth.updated, ["osv:PyPI"]);
    let db = Database::open(&db_path).unwrap();
    assert!(
        db.lookup("PyPI", "requests").unwrap().is_empty(),
        "records gone from the export are gone"
    );
    assert_eq!(db.lookup("PyPI", "urllib3").unwrap().len(), 1);
    assert_eq!(
        db.lookup("Debian", "glibc").unwrap().len(),
        2,
        "other sources are kept (Debian 12 and 13 entries)"
    );
}

#[test]
fn import_rejects_corrupt_input_and_keeps_the_old_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_db(dir.path());
    let before = db.status().unwrap();
    drop(db);
    let db_path = dir.path().join("vuln.db");
    let bad_dir = dir.path().join("bad");
    std::fs::create_dir(&bad_dir).unwrap();
    std::fs::write(bad_dir.join("x.json"), b"{ not json").unwrap();
    let err = secchain_scan::db::import::import(
        &db_path,
        &[secchain_scan::ImportSource::local(&bad_dir)],
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("x.json") && err.to_string().contains("not an OSV record"),
        "{err}"
    );
    let epss = dir.path().join("bad.csv");
    std::fs::write(&epss, "cve,epss,percentile\nCVE-2021-44228,lots,0.9\n").unwrap();
    let err = secchain_scan::db::import::import(
        &db_path,
        &[secchain_scan::ImportSource::local(&epss)],
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("bad.csv:2"), "{err}");
    let not_a_db = dir.path().join("other.db");
    std::fs::write(&not_a_db, b"hello").unwrap();
    assert!(Database::open(&not_a_db).is_err());
    let after = Database::open(&db_path).unwrap().status().unwrap();
    assert_eq!(
        (before.advisories, before.kev, before.epss),
        (after.advisories, after.kev, after.epss)
    );
    assert_eq!(
        leftovers(dir.path())
            .iter()
            .filter(|n| n.starts_with('.'))
            .count(),
        0
    );
}

#[test]
fn import_a_zip_of_everything() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("offline-bundle.zip");
    std::fs::write(
        &bundle,
        zip_of(&[
            (
                "osv/GHSA-jfh8-c2jp-5v3q.json",
                fixture("osv/GHSA-jfh8-c2jp-5v3q.json"),
            ),
            (
                "kev/known_exploited_vulnerabilities.json",
                fixture("enrich/known_exploited_vulnerabilities.json"),
            ),
            (
                "epss/epss_scores.csv.gz",
                gz(&fixture("enrich/epss_scores-2024-06-01.csv")),
            ),
        ]),
    )
    .unwrap();
    let db_path = dir.path().join("vuln.db");
    let stats = secchain_scan::db::import::import(
        &db_path,
        &[secchain_scan::ImportSource::local(&bundle)],
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        (stats.advisories, stats.affected, stats.kev, stats.epss),
        (1, 1, 2, 4)
    );
    let status = Database::open(&db_path).unwrap().status().unwrap();
    assert_eq!(status.sources[0].kind, "mixed");
    assert!(status.age_seconds.unwrap() < 60);
    assert!(status.render().contains("1 advisories"));
}

#[test]
fn another_schema_version_is_rebuilt_by_the_next_import() {
    let dir = tempfile::tempdir().unwrap();
    drop(fixture_db(dir.path()));
    let db_path = dir.path().join("vuln.db");
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    conn.execute(
        "UPDATE meta SET value = '0' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Database::open(&db_path).unwrap_err();
    assert!(matches!(err, DbError::OtherSchema { .. }), "{err}");
    assert!(err.to_string().contains("secchain db update"));
    let source =
        secchain_scan::ImportSource::local(&fixtures().join("osv/GHSA-c2qf-rxjj-qqgw.json"));
    secchain_scan::db::import::import(&db_path, &[source], &mut |_| {}).unwrap();
    let status = Database::open(&db_path).unwrap().status().unwrap();
    assert_eq!(status.advisories, 1, "rebuilt from scratch");
}
