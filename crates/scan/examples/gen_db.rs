//! Benchmark: generates an OSV export of N advisories (default 300,000) over
//! Debian, Alpine, PyPI, npm, Go and Maven, imports it, and matches 5,000 packages.
//!
//! ```sh
//! cargo run --release -p secchain-scan --example gen_db -- [ADVISORIES] [PACKAGES] [ROUNDS] [KEEP_DIR]
//! ```
//! Prints import time, database size, matching time and peak memory (VmHWM).

/// The allocator the `secchain` binary uses, so the numbers are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::time::Instant;

use secchain_scan::db::import::import;
use secchain_scan::{match_packages, Database, Distro, ImportSource, ScanPackage};

const ECOS: [(&str, &str); 6] = [
    ("Debian:12", "Debian"),
    ("Alpine:v3.19", "Alpine"),
    ("PyPI", "PyPI"),
    ("npm", "npm"),
    ("Go", "Go"),
    ("Maven", "Maven"),
];

fn name(eco: &str, i: usize) -> String {
    match eco {
        "Go" => format!("example.com/mod{i}/pkg"),
        "Maven" => format!("org.example{}:artifact{i}", i % 97),
        _ => format!("pkg-{i}"),
    }
}

fn version(eco: &str, major: usize, minor: usize) -> String {
    match eco {
        "Debian" => format!("{major}.{minor}-1+deb12u1"),
        "Alpine" => format!("{major}.{minor}.0-r0"),
        _ => format!("{major}.{minor}.0"),
    }
}

fn record(i: usize, names_per_eco: usize) -> String {
    let (eco_full, eco) = ECOS[i % ECOS.len()];
    let pkg = name(eco, (i / ECOS.len()) % names_per_eco);
    let (a, b) = (i % 7, i % 13);
    serde_json::json!({
        "schema_version": "1.6.0",
        "id": format!("BENCH-{i:07}"),
        "modified": "2024-06-01T00:00:00Z",
        "aliases": [format!("CVE-2099-{i:07}")],
        "summary": format!("Generated advisory {i} for {pkg}"),
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{
            "package": {"ecosystem": eco_full, "name": pkg},
            "ranges": [{"type": if eco == "npm" || eco == "Go" { "SEMVER" } else { "ECOSYSTEM" },
                        "events": [{"introduced": "0"}, {"fixed": version(eco, a + 1, b)}]}],
        }],
        "references": [{"type": "ADVISORY", "url": format!("https://example.com/advisories/{i}")}],
    })
    .to_string()
}

/// User + system CPU time of this process in milliseconds (from /proc, 10 ms ticks).
fn cpu_ms() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?) * 10)
        })
        .unwrap_or(0)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(300_000);
    let n_pkgs: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5_000);
    let names_per_eco = (n / ECOS.len() / 6).max(1); // ~6 advisories per package name
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1);
    // An optional directory keeps the database between runs (re-runs only match).
    let keep = args.next().map(std::path::PathBuf::from);
    let tmp = tempfile::tempdir()?;
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let db_path = dir.join("vuln.db");
    let mut out = std::io::stdout().lock();
    if !db_path.is_file() {
        generate_and_import(&dir, n, names_per_eco, &mut out)?;
    }

    match_bench(&db_path, n_pkgs, names_per_eco, rounds, &mut out)?;
    writeln!(out, "peak memory (VmHWM): {} MiB", peak_rss_kib() >> 10)?;
    Ok(())
}

fn generate_and_import(
    dir: &std::path::Path,
    n: usize,
    names_per_eco: usize,
    out: &mut impl Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let zip_path = dir.join("all.zip");
    {
        let mut w = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(&zip_path)?));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1));
        for i in 0..n {
            w.start_file(format!("BENCH-{i:07}.json"), opts)?;
            w.write_all(record(i, names_per_eco).as_bytes())?;
        }
        w.finish()?;
    }
    writeln!(
        out,
        "generated {n} advisories ({} MiB zip) in {:.1}s",
        std::fs::metadata(&zip_path)?.len() >> 20,
        t.elapsed().as_secs_f64()
    )?;

    let db_path = dir.join("vuln.db");
    let t = Instant::now();
    let source = ImportSource {
        name: "osv:bench".into(),
        ..ImportSource::local(&zip_path)
    };
    let stats = import(&db_path, &[source], &mut |_| {})?;
    writeln!(
        out,
        "import: {:.2}s, {} advisories, {} affected rows, database {} MiB",
        t.elapsed().as_secs_f64(),
        stats.advisories,
        stats.affected,
        stats.db_bytes >> 20
    )?;

    std::fs::remove_file(&zip_path)?;
    Ok(())
}

fn match_bench(
    db_path: &std::path::Path,
    n_pkgs: usize,
    names_per_eco: usize,
    rounds: usize,
    out: &mut impl Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let db = Database::open(db_path)?;
    let packages: Vec<ScanPackage> = (0..n_pkgs)
        .map(|i| {
            let (_, eco) = ECOS[i % ECOS.len()];
            let pkg = name(eco, (i * 7) % names_per_eco);
            ScanPackage {
                ecosystem: eco.into(),
                name: pkg.clone(),
                version: version(eco, 3, 4),
                source_name: matches!(eco, "Debian" | "Alpine").then(|| pkg.clone()),
                source_version: matches!(eco, "Debian" | "Alpine").then(|| version(eco, 3, 4)),
                ..ScanPackage::default()
            }
        })
        .collect();
    let distro = Distro {
        id: "debian".into(),
        version_id: "12".into(),
    };
    // Warm the page cache (more rounds when profiling), then time.
    for _ in 0..rounds {
        let _ = match_packages(&db, &packages, &distro)?;
    }
    let (t, cpu) = (Instant::now(), cpu_ms());
    let mut findings = Vec::new();
    for _ in 0..10 {
        findings = match_packages(&db, &packages, &distro)?;
    }
    writeln!(
        out,
        "match: {} packages in {:.1} ms wall, {} ms CPU (mean of 10), {} findings",
        packages.len(),
        t.elapsed().as_secs_f64() * 100.0,
        (cpu_ms() - cpu) / 10,
        findings.len()
    )?;
    Ok(())
}
