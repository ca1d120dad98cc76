//! `secchain sign`, `secchain attest`, `secchain verify`, `secchain key generate`:
//! cosign-compatible signing on its own, with cosign's flag names, and the check of
//! a whole run's chain (signature, provenance, policy).

use std::collections::BTreeMap;

use anyhow::Context as _;
use secchain_provenance::{ChainRequest, VerifyPolicy};
use secchain_sign::{
    attest_image, generate_key_pair, parse_annotation, read_predicate, sign_image, verify_image,
    AttestRequest, GenerateOptions, KeyRef, PasswordSource, PredicateType, SignRequest,
    SignatureFormat, SignerSpec, Verdict, VerifyRequest,
};

use crate::cli::{AttestArgs, KeyCommand, OutputFormat, SignArgs, VerifyArgs};
use crate::{CliError, EXIT_GATE_FAILED, EXIT_PASS};

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("error: {e}"))
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?)
}

fn signer(key: Option<&str>, dry_run: bool) -> Result<SignerSpec, CliError> {
    match (key, dry_run) {
        (_, true) => Ok(SignerSpec::Ephemeral),
        (Some(key), false) => Ok(SignerSpec::Key {
            key: KeyRef::parse(key).map_err(usage)?,
            password: PasswordSource::Interactive,
        }),
        (None, false) => Err(usage(
            "--key is required (keyless signing needs a build with the `keyless` feature)",
        )),
    }
}

fn format(f: Option<&str>) -> Result<SignatureFormat, CliError> {
    f.map_or(Ok(SignatureFormat::Legacy), |f| {
        SignatureFormat::parse(f).map_err(usage)
    })
}

fn annotations(list: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    list.iter()
        .map(|a| parse_annotation(a).map_err(usage))
        .collect()
}

/// Signs an image by digest and prints what was pushed.
pub fn sign(args: &SignArgs) -> Result<i32, CliError> {
    let request = SignRequest {
        image: args.image.clone(),
        digest: None,
        signer: signer(args.key.as_deref(), args.dry_run)?,
        format: format(args.format.as_deref())?,
        annotations: annotations(&args.annotations)?,
        dry_run: args.dry_run,
        registry: secchain_oci::OpenOptions::default(),
    };
    let outcome = runtime()?
        .block_on(sign_image(&request))
        .map_err(|e| CliError::Runtime(anyhow::anyhow!("signing {}: {e}", args.image)))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&outcome).unwrap_or_default()
    );
    Ok(EXIT_PASS)
}

/// Attests an image with a predicate and prints what was pushed.
pub fn attest(args: &AttestArgs) -> Result<i32, CliError> {
    let request = AttestRequest {
        image: args.image.clone(),
        digest: None,
        signer: signer(args.key.as_deref(), args.dry_run)?,
        format: format(args.format.as_deref())?,
        predicate_type: PredicateType::parse(&args.predicate_type).map_err(usage)?,
        predicate: read_predicate(&args.predicate).map_err(usage)?,
        dry_run: args.dry_run,
        registry: secchain_oci::OpenOptions::default(),
    };
    let outcome = runtime()?
        .block_on(attest_image(&request))
        .map_err(|e| CliError::Runtime(anyhow::anyhow!("attesting {}: {e}", args.image)))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&outcome).unwrap_or_default()
    );
    Ok(EXIT_PASS)
}

/// Verifies the chain (default), signatures or attestations; exit 1 with the reasons
/// on any failure.
pub fn verify(args: &VerifyArgs) -> Result<i32, CliError> {
    if !args.signature_only && args.attestation.is_none() {
        return verify_chain(args);
    }
    let request = VerifyRequest {
        image: args.image.clone(),
        key: KeyRef::parse(&args.key).map_err(usage)?,
        attestation: args
            .attestation
            .as_deref()
            .map(PredicateType::parse)
            .transpose()
            .map_err(usage)?,
        annotations: annotations(&args.annotations)?,
        formats: formats(args)?,
        registry: secchain_oci::OpenOptions::default(),
    };
    let report = runtime()?
        .block_on(verify_image(&request))
        .map_err(|e| CliError::Runtime(anyhow::anyhow!("verifying {}: {e}", args.image)))?;
    if json_output(args) {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for check in &report.checks {
            println!(
                "{:?}\t{}\t{}\t{}",
                check.verdict, check.check, check.candidate, check.detail
            );
        }
        println!(
            "{}: {}",
            if report.passed { "verified" } else { "FAILED" },
            report.reason
        );
    }
    Ok(exit_code(report.passed))
}

fn json_output(args: &VerifyArgs) -> bool {
    args.json || args.format == OutputFormat::Json
}

fn exit_code(passed: bool) -> i32 {
    if passed {
        EXIT_PASS
    } else {
        EXIT_GATE_FAILED
    }
}

fn formats(args: &VerifyArgs) -> Result<Vec<SignatureFormat>, CliError> {
    Ok(match args.signature_format.as_deref() {
        Some(f) => vec![format(Some(f))?],
        None => Vec::new(),
    })
}

/// `secchain verify` without `--signature-only`/`--attestation`: the whole chain.
fn verify_chain(args: &VerifyArgs) -> Result<i32, CliError> {
    if !args.annotations.is_empty() {
        return Err(usage(
            "-a/--annotations applies to --signature-only or --attestation",
        ));
    }
    let policy = match &args.policy {
        Some(path) => VerifyPolicy::load(path).map_err(CliError::Usage)?,
        None => VerifyPolicy::default(),
    };
    if let Some(dir) = &args.artifacts {
        if !dir.is_dir() {
            return Err(usage(format!(
                "--artifacts {}: not a directory (give the run's --out directory)",
                dir.display()
            )));
        }
    }
    let request = ChainRequest {
        image: args.image.clone(),
        key: KeyRef::parse(&args.key).map_err(usage)?,
        artifacts: args.artifacts.clone(),
        policy,
        formats: formats(args)?,
        registry: secchain_oci::OpenOptions::default(),
    };
    let report = runtime()?
        .block_on(secchain_provenance::verify_chain(&request))
        .map_err(|e| CliError::Runtime(anyhow::anyhow!("verifying {}: {e}", args.image)))?;
    if json_output(args) {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        println!("{}", report.image);
        for check in &report.checks {
            let verdict = match check.verdict {
                Verdict::Pass => "PASS",
                Verdict::Fail => "FAIL",
                Verdict::Skip => "skip",
            };
            println!("  {verdict}  {:<21} {}", check.check, check.detail);
        }
        let failed = report
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .count();
        if report.passed {
            println!("verified: signature, provenance and policy");
        } else {
            println!("FAILED: {failed} check(s) failed");
        }
    }
    Ok(exit_code(report.passed))
}

/// `secchain key generate`.
pub fn key(command: &KeyCommand) -> Result<i32, CliError> {
    match command {
        KeyCommand::Generate { dir, prefix, force } => {
            let opts = GenerateOptions {
                prefix: prefix.clone(),
                overwrite: *force,
                ..GenerateOptions::default()
            };
            let pair =
                generate_key_pair(dir, &PasswordSource::Interactive, &opts).map_err(usage)?;
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({
                "private_key": pair.private_key, "public_key": pair.public_key, "key_hint": pair.key_hint
            })).unwrap_or_default());
            Ok(EXIT_PASS)
        }
    }
}
