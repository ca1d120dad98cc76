//! Benchmark helper: the secret scan of an image, alone — one walk over every layer
//! with [`SecretVisitor`], as the `secrets` stage does it — and what it found (rule
//! counts only; values never leave the scanner).
//!
//! ```sh
//! cargo run --release -p secchain-secrets --example scan_image -- IMAGE
//! ```
//!
//! `IMAGE` is anything `secchain` accepts (a registry reference, `oci:DIR[:TAG]`,
//! `docker-archive:FILE`). Compare its time with `secchain-oci`'s `read_all` example
//! on the same image (blobs cached): the issue's target is at most 1.5×.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Instant;

use secchain_oci::{open, Content, ImageSource, OpenOptions};
use secchain_secrets::{ScanOptions, Scanner, SecretVisitor};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(arg) = std::env::args().nth(1) else {
        return Err(
            "usage: scan_image IMAGE (a registry reference, oci:DIR[:TAG] or docker-archive:FILE)"
                .into(),
        );
    };
    let started = Instant::now();
    let image = open(&ImageSource::parse(&arg)?, &OpenOptions::default()).await?;
    let scanner = Arc::new(Scanner::new(ScanOptions::default()));
    let threaded = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let Content(visitor) = image
        .walk_layers(Content(SecretVisitor::new(scanner, threaded)))
        .await?;
    let scan = tokio::task::spawn_blocking(move || visitor.finish()).await??;
    let elapsed = started.elapsed().as_secs_f64();
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for m in &scan.matches {
        let counts = by_rule.entry(m.found.rule.id).or_default();
        match m.found.suppressed_by {
            None => counts.0 += 1,
            Some(_) => counts.1 += 1,
        }
    }
    let s = &scan.stats;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{arg}: {} layers, {} entries, {} text files ({} bytes) scanned, {} binary and {} large files skipped, in {elapsed:.3}s",
        image.layers().len(),
        s.entries,
        s.files_scanned,
        s.bytes_scanned,
        s.skipped_binary,
        s.skipped_large,
    )?;
    for (rule, (found, allowed)) in by_rule {
        writeln!(out, "  {rule}: {found} found, {allowed} allow-listed")?;
    }
    Ok(())
}
