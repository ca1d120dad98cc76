//! Benchmark, side by side in one run: secchain's lint vs hadolint on the lint corpus,
//! and secchain alone on a 10,000-line Dockerfile. Prints times and ratios; asserts
//! nothing (performance is measured here, never by timed tests).
//!
//! `cargo run --release -p secchain-lint --example bench_vs_hadolint`
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use secchain_lint::{lint_file, lint_source, LintConfig};

fn median(mut runs: Vec<Duration>) -> (Duration, Duration, Duration) {
    runs.sort();
    (runs[runs.len() / 2], runs[0], runs[runs.len() - 1])
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, Duration) {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn big_dockerfile(lines: usize) -> String {
    let mut s = String::from("# syntax=docker/dockerfile:1\nARG TAG=12\n");
    let mut stage = 0;
    while s.lines().count() < lines {
        s.push_str(&format!("FROM debian:${{TAG}} AS s{stage}\n"));
        s.push_str("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl=7.88 ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n");
        s.push_str(
            "COPY --from=s0 /a /b\nENV A=1 B=\"two words\" PATH=/x:$PATH\nLABEL org.example.k=v\n",
        );
        s.push_str("RUN <<EOF\nset -eux\ncurl -fsSL https://example.com/x | tar -xz -C /opt\ncd /opt && make\nEOF\n");
        s.push_str("WORKDIR /app\nUSER 1000\nCMD [\"app\"]\n");
        stage += 1;
    }
    s
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    let cfg = LintConfig::default();
    let hadolint = secchain_test::tool("hadolint");
    let empty = tempfile::NamedTempFile::new().expect("temp config");
    let ours = time(5, || files.iter().for_each(|f| drop(lint_file(f, &cfg))));
    let theirs = time(3, || {
        Command::new(&hadolint)
            .arg("--config")
            .arg(empty.path())
            .arg("--no-fail")
            .args(&files)
            .output()
            .expect("hadolint runs")
    });
    let big = big_dockerfile(10_000);
    let big_time = time(7, || lint_source("Big.Dockerfile", &big, &cfg));
    println!(
        "lint corpus ({} Dockerfiles), median (min–max) of runs:",
        files.len()
    );
    println!(
        "  secchain  {:8.1} ms ({:.1}–{:.1})",
        ms(ours.0),
        ms(ours.1),
        ms(ours.2)
    );
    println!(
        "  hadolint  {:8.1} ms ({:.1}–{:.1})",
        ms(theirs.0),
        ms(theirs.1),
        ms(theirs.2)
    );
    println!(
        "  ratio     {:8.1}x faster",
        theirs.0.as_secs_f64() / ours.0.as_secs_f64().max(1e-9)
    );
    println!(
        "10,000-line Dockerfile: secchain {:.1} ms (min {:.1})",
        ms(big_time.0),
        ms(big_time.1)
    );
}
