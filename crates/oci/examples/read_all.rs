//! Benchmark helper: reads every file of an image, in full, through
//! [`Image::walk_layers`] (layers streamed, decompressed and verified; nothing
//! written to disk), and prints what it read.
//!
//! ```sh
//! cargo run --release -p secchain-oci --example read_all -- IMAGE
//! ```
//!
//! `IMAGE` is anything `secchain` accepts: a registry reference (plain HTTP on
//! loopback), `oci:DIR[:TAG]` or `docker-archive:FILE`. Registry blobs go
//! through the blob cache (`$SECCHAIN_CACHE_DIR`), so a second run reads them
//! from disk. `bench/run` compares this with `crane export IMAGE -`.

use std::io::{self, Write};
use std::time::Instant;

use secchain_oci::{open, Error, Image, ImageSource, Layer, LayerEntry, LayerVisitor, OpenOptions};

/// Counts what the walk saw; file contents are read into a sink.
#[derive(Default)]
struct ReadAll {
    layers: u64,
    entries: u64,
    files: u64,
    bytes: u64,
    whiteouts: u64,
}

impl LayerVisitor for ReadAll {
    fn start_layer(&mut self, _layer: &Layer) -> secchain_oci::Result<()> {
        self.layers += 1;
        Ok(())
    }

    fn entry(&mut self, _layer: &Layer, entry: &mut LayerEntry<'_>) -> secchain_oci::Result<()> {
        self.entries += 1;
        match entry.kind() {
            secchain_oci::EntryKind::Whiteout | secchain_oci::EntryKind::OpaqueWhiteout => {
                self.whiteouts += 1;
            }
            _ if entry.has_content() => {
                let path = entry.path().to_owned();
                let n = io::copy(&mut entry.reader(), &mut io::sink()).map_err(|e| Error::Io {
                    context: format!("reading {path}"),
                    source: e,
                })?;
                self.files += 1;
                self.bytes += n;
            }
            _ => {}
        }
        Ok(())
    }
}

async fn read_all(image: &Image) -> secchain_oci::Result<ReadAll> {
    image.walk_layers(ReadAll::default()).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(arg) = std::env::args().nth(1) else {
        return Err(
            "usage: read_all IMAGE (a registry reference, oci:DIR[:TAG] or docker-archive:FILE)"
                .into(),
        );
    };
    let started = Instant::now();
    let source = ImageSource::parse(&arg)?;
    let image = open(&source, &OpenOptions::default()).await?;
    let stats = read_all(&image).await?;
    writeln!(
        io::stdout().lock(),
        "{arg}: {} layers, {} entries, {} files, {} whiteouts, {} bytes of file content read in {:.3}s",
        stats.layers,
        stats.entries,
        stats.files,
        stats.whiteouts,
        stats.bytes,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
