//! Side-by-side benchmark: sign + push + verify one image, secchain vs cosign.
//!
//! `cargo bench -p secchain-sign --bench sign_verify` (release build). A real registry
//! (docker-registry on loopback) and the real cosign; the same cosign-generated key
//! (scrypt N=65536) for both. Each round pushes a fresh image (untimed), then times
//! two processes per tool, as a user runs them:
//!
//! - cosign: `cosign sign --key …` then `cosign verify --key …`;
//! - secchain: this binary re-executed as `sign` then `verify` (the library calls the
//!   `secchain sign` / `secchain verify` commands make: key loading, digest resolution,
//!   push, read-back and verification), so process start-up and key decryption count
//!   for both.
//!
//! Prints the median and minimum per tool and format, and exits 1 when secchain's
//! median is slower than cosign's by more than 10% (noise margin) in any format.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::Command;
use std::time::{Duration, Instant};

use secchain_sign::{
    KeyRef, PasswordSource, SignRequest, SignatureFormat, SignerSpec, VerifyRequest,
};
use secchain_test::{tool, LayerBuilder, Registry, TestContext};

const ROUNDS: usize = 11;
const PASSWORD: &str = "bench";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Re-executed as the secchain side: `sign KEY IMAGE FORMAT` / `verify PUB IMAGE FORMAT`.
    if args.len() == 5 && (args[1] == "sign" || args[1] == "verify") {
        std::process::exit(secchain_side(&args[1], &args[2], &args[3], &args[4]));
    }
    // Only `cargo bench` (which passes `--bench`) runs it; test runners listing or
    // running bench targets get nothing.
    if args.iter().any(|a| a == "--bench") {
        run_benchmark();
    }
}

fn secchain_side(cmd: &str, key: &str, image: &str, format: &str) -> i32 {
    let format = SignatureFormat::parse(format).expect("format");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        match cmd {
            "sign" => {
                let r = secchain_sign::sign_image(&SignRequest {
                    image: image.to_string(),
                    digest: None,
                    signer: SignerSpec::Key {
                        key: KeyRef::parse(key).unwrap(),
                        password: PasswordSource::Interactive,
                    },
                    format,
                    annotations: Default::default(),
                    dry_run: false,
                    registry: secchain_oci::OpenOptions::default(),
                })
                .await;
                match r {
                    Ok(_) => 0,
                    Err(e) => {
                        eprintln!("secchain sign: {e}");
                        3
                    }
                }
            }
            _ => {
                let r = secchain_sign::verify_image(&VerifyRequest {
                    image: image.to_string(),
                    key: KeyRef::parse(key).unwrap(),
                    attestation: None,
                    annotations: Default::default(),
                    formats: vec![format],
                    registry: secchain_oci::OpenOptions::default(),
                })
                .await;
                match r {
                    Ok(report) if report.passed => 0,
                    Ok(report) => {
                        eprintln!("secchain verify: {}", report.reason);
                        1
                    }
                    Err(e) => {
                        eprintln!("secchain verify: {e}");
                        3
                    }
                }
            }
        }
    })
}

fn timed(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.output().expect("run");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run_benchmark() {
    let registry = Registry::start();
    let ctx = TestContext::new();
    let keys = ctx.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let mut gen = ctx.command(tool("cosign"));
    gen.arg("generate-key-pair")
        .current_dir(&keys)
        .env("COSIGN_PASSWORD", PASSWORD);
    timed(&mut gen);
    let key = keys.join("cosign.key");
    let public = keys.join("cosign.pub");
    let me = std::env::current_exe().unwrap();

    let mut round = 0u32;
    let mut fresh_image = || {
        round += 1;
        let layer = LayerBuilder::new()
            .file("bench.txt", format!("round {round}\n"), 0o644)
            .tar_gz();
        let path = ctx.write(format!("layer-{round}.tar.gz"), layer);
        let reference = format!("{}/bench:r{round}", registry.addr());
        let digest = ctx.crane_append(&reference, &[path]);
        format!("{}/bench@{digest}", registry.addr())
    };

    println!(
        "sign + push + verify one image, {ROUNDS} rounds, median (min); cosign {}",
        cosign_version(&ctx)
    );
    let mut slower = Vec::new();
    for format in [SignatureFormat::Legacy, SignatureFormat::Bundle] {
        let mut cosign_times = Vec::new();
        let mut secchain_times = Vec::new();
        for _ in 0..ROUNDS {
            // cosign
            let image = fresh_image();
            let mut sign = ctx.command(tool("cosign"));
            sign.args([
                "sign",
                "--key",
                key.to_str().unwrap(),
                "--use-signing-config=false",
                "--tlog-upload=false",
                "--allow-insecure-registry",
                "-y",
            ])
            .env("COSIGN_PASSWORD", PASSWORD);
            let mut verify = ctx.command(tool("cosign"));
            verify.args([
                "verify",
                "--key",
                public.to_str().unwrap(),
                "--insecure-ignore-tlog=true",
                "--allow-insecure-registry",
            ]);
            if format == SignatureFormat::Legacy {
                sign.arg("--new-bundle-format=false");
                verify.arg("--new-bundle-format=false");
            }
            sign.arg(&image);
            verify.arg(&image);
            cosign_times.push(timed(&mut sign) + timed(&mut verify));

            // secchain
            let image = fresh_image();
            let mut sign = ctx.command(&me);
            sign.args(["sign", key.to_str().unwrap(), &image, &format.to_string()])
                .env("COSIGN_PASSWORD", PASSWORD);
            let mut verify = ctx.command(&me);
            verify.args([
                "verify",
                public.to_str().unwrap(),
                &image,
                &format.to_string(),
            ]);
            secchain_times.push(timed(&mut sign) + timed(&mut verify));
        }
        let (cm, cmin) = (
            median(cosign_times.clone()),
            *cosign_times.iter().min().unwrap(),
        );
        let (sm, smin) = (
            median(secchain_times.clone()),
            *secchain_times.iter().min().unwrap(),
        );
        println!(
            "  {format:<7} cosign {:>7.1} ms ({:>6.1})   secchain {:>7.1} ms ({:>6.1})   secchain/cosign {:.2}",
            cm.as_secs_f64() * 1e3,
            cmin.as_secs_f64() * 1e3,
            sm.as_secs_f64() * 1e3,
            smin.as_secs_f64() * 1e3,
            sm.as_secs_f64() / cm.as_secs_f64()
        );
        if sm.as_secs_f64() > cm.as_secs_f64() * 1.10 {
            slower.push(format.to_string());
        }
    }
    if !slower.is_empty() {
        eprintln!("secchain is slower than cosign in: {}", slower.join(", "));
        std::process::exit(1);
    }
}

fn cosign_version(ctx: &TestContext) -> String {
    let out = ctx.command(tool("cosign")).arg("version").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&out.stderr).lines())
        .find(|l| l.starts_with("GitVersion"))
        .map(|l| l.split_whitespace().last().unwrap_or("").to_string())
        .unwrap_or_default()
}
