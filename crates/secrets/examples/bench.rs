//! Benchmark: secret scanning of a ~1 GB image against reading its layers.
//!
//! ```sh
//! cargo run --release -p secchain-secrets --example bench -- [LAYOUT_DIR]
//! ```
//!
//! The image is an OCI layout built once (and reused) from the real root filesystems
//! the test suite caches in `~/.cache/secchain-test-fixtures` (a Debian bookworm
//! minbase, an npm application, a PyPI site-packages tree, Debian binaries), each
//! twice under different prefixes, plus a layer of generated text: about 1 GB of
//! files, gzip-compressed. It then times, best of five interleaved rounds:
//! - `read`: one walk reading every byte of every file (the baseline),
//! - `metadata`: the merged-view walk every stage already pays,
//! - `secrets`: the secret scan (one walk, scanning on a second thread),
//! - `secrets-inline`: the same on one thread,
//!
//! and prints the ratios and the findings by rule (the false-positive check on real
//! distribution content).
#![allow(clippy::print_stdout, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use secchain_oci::{Content, ImageSource, Layer, LayerEntry, LayerVisitor, OpenOptions, Platform};
use secchain_secrets::testdata::random;
use secchain_secrets::{ScanOptions, Scanner, SecretFinding, SecretVisitor};
use secchain_test::LayerBuilder;

const FIXTURES: &[(&str, &str)] = &[
    ("debian-bookworm-minbase-v2", ""),
    ("npm-app-v2", "app"),
    ("pypi-target-v2", "usr/lib/python3/dist-packages"),
    ("debian-binaries-v2", ""),
];

fn fixtures_dir() -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_default();
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(&home).join(".cache"))
        .join("secchain-test-fixtures")
}

fn build(dir: &Path) -> String {
    if dir.join("index.json").exists() {
        return format!("oci:{}", dir.display());
    }
    let mut layers = Vec::new();
    for copy in ["", "copy2"] {
        for (name, prefix) in FIXTURES {
            let root = fixtures_dir().join(name);
            assert!(
                root.is_dir(),
                "{} is missing: run the sbom tests once (scripts/test) to fetch it",
                root.display()
            );
            let prefix = [copy, prefix]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            println!("layer from {name} under /{prefix}");
            layers.push(LayerBuilder::new().tree(&prefix, &root));
        }
    }
    // Generated text: logs, configs and sources, 64 KiB each.
    let mut text = LayerBuilder::new();
    let alphabet = b"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789=:/._-\n";
    for i in 0..1600u64 {
        text = text.file(
            &format!("var/log/app/{i}.log"),
            random(i + 1, 64 << 10, alphabet),
            0o644,
        );
    }
    layers.push(text);
    println!("writing {}", dir.display());
    secchain_test::oci_layout(
        dir,
        &layers,
        serde_json::json!({"config": {"User": "1000"}}),
    )
}

struct ReadAll(u64);

impl LayerVisitor for ReadAll {
    fn entry(&mut self, _: &Layer, e: &mut LayerEntry<'_>) -> secchain_oci::Result<()> {
        if e.has_content() {
            self.0 += e.read_all()?.len() as u64;
        }
        Ok(())
    }
}

const ROUNDS: usize = 5;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("secchain-secrets-bench"));
    let image = build(&dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let source = ImageSource::parse(&image).unwrap();
    let opts = OpenOptions {
        platform: Some(Platform::parse("linux/amd64").unwrap()),
        ..OpenOptions::default()
    };
    let img = rt.block_on(secchain_oci::open(&source, &opts)).unwrap();
    let compressed: u64 = img.layers().iter().map(|l| l.size).sum();
    // Interleaved rounds, best of each, so background load hits every variant alike.
    let scanner = Arc::new(Scanner::new(ScanOptions::default()));
    let (mut read, mut metadata, mut threaded, mut inline) =
        (Duration::MAX, Duration::MAX, Duration::MAX, Duration::MAX);
    let mut bytes = 0;
    let mut scan = None;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        bytes = rt.block_on(img.walk_layers(ReadAll(0))).unwrap().0;
        read = read.min(t.elapsed());
        let t = Instant::now();
        rt.block_on(img.filesystem()).unwrap();
        metadata = metadata.min(t.elapsed());
        for (threads, best) in [(true, &mut threaded), (false, &mut inline)] {
            let t = Instant::now();
            let Content(v) = rt
                .block_on(
                    img.walk_layers(Content(SecretVisitor::new(Arc::clone(&scanner), threads))),
                )
                .unwrap();
            scan = Some(v.finish().unwrap());
            *best = (*best).min(t.elapsed());
        }
    }
    println!(
        "image: {} layers, {} MiB of files, {} MiB compressed; best of {ROUNDS} interleaved rounds",
        img.layers().len(),
        bytes >> 20,
        compressed >> 20
    );
    let ratio = |d: Duration| d.as_secs_f64() / read.as_secs_f64();
    println!("read            {:>7.2}s  (baseline)", read.as_secs_f64());
    println!(
        "metadata        {:>7.2}s  {:.2}x",
        metadata.as_secs_f64(),
        ratio(metadata)
    );
    println!(
        "secrets         {:>7.2}s  {:.2}x",
        threaded.as_secs_f64(),
        ratio(threaded)
    );
    println!(
        "secrets-inline  {:>7.2}s  {:.2}x",
        inline.as_secs_f64(),
        ratio(inline)
    );
    let scan = scan.unwrap();
    println!("stats: {:?}", scan.stats);
    let view = rt.block_on(img.filesystem()).unwrap();
    let mut by_rule: BTreeMap<(&str, bool), Vec<String>> = BTreeMap::new();
    for m in scan.matches {
        let f = SecretFinding::from_layer(m, &view);
        let suppressed = f.suppressed_by.is_some();
        by_rule
            .entry((f.rule, suppressed))
            .or_default()
            .push(f.location());
    }
    for ((rule, suppressed), paths) in by_rule {
        let tag = if suppressed { " (allow-listed)" } else { "" };
        println!("{rule}{tag}: {}", paths.len());
        for p in paths.iter().take(8) {
            println!("    {p}");
        }
    }
}
