//! The command-line interface definition (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// secchain: lint, pin, scan, catalogue, sign and police a container image in one pipeline.
#[derive(Debug, Parser)]
#[command(name = "secchain", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate, then run a pipeline.
    Run(RunArgs),
    /// Check a pipeline file without running anything (exit 2 on any problem).
    Validate(PipelineArg),
    /// Print the effective pipeline after `extends:` and where each setting came from.
    Explain(PipelineArg),
    /// List the stage kinds this secchain knows.
    Stages,
    /// Catalogue an image's packages and print its SBOM.
    Sbom(SbomArgs),
    /// Pin image references (Dockerfile FROM, Kubernetes, compose, workflows) to digests.
    Pin(PinArgs),
    /// Lint Dockerfiles (hadolint-compatible DL rules plus secchain's SEC rules).
    Lint(LintArgs),
    /// Scan an image (or an SBOM) for known vulnerabilities.
    Scan(ScanArgs),
    /// Manage the vulnerability database.
    Db(DbArgs),
    /// Sign an image by digest (cosign-compatible). The key password comes from
    /// COSIGN_PASSWORD or SECCHAIN_KEY_PASSWORD, or a prompt on a terminal.
    Sign(SignArgs),
    /// Attest an image: a signed in-toto statement about its digest (DSSE).
    Attest(AttestArgs),
    /// Verify an image's signatures or attestations with a public key (exit 1 on failure).
    Verify(VerifyArgs),
    /// Manage signing keys.
    Key {
        /// What to do.
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Look at the repository and write a commented pipeline.yaml (and a CI workflow).
    Init(InitArgs),
    /// Explain a lint rule, secret rule, hygiene rule or gate option: what, why, fix, ignore.
    ExplainRule {
        /// The id: `DL3008`, `SEC001`, `secret:github-token`, `hygiene:root-user`,
        /// `scan.gate.severity`, …
        id: String,
    },
    /// Print documentation generated from this binary: every rule, the pipeline
    /// reference, or the generated section of one stage's page.
    Docs {
        /// What to print.
        #[arg(value_enum, default_value_t = DocsTopic::Rules)]
        topic: DocsTopic,
        /// The stage kind, for `secchain docs stage KIND`.
        #[arg(value_name = "KIND")]
        kind: Option<String>,
    },
    /// Print the JSON Schema of the pipeline file.
    Schema,
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// What `secchain docs` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocsTopic {
    /// Every lint rule, secret rule, hygiene rule and gate option (Markdown).
    Rules,
    /// The pipeline file reference, generated from the schema (Markdown).
    Pipeline,
    /// The generated section of `docs/stages/KIND.md`: options, gate options, rules (Markdown).
    Stage,
}

/// Arguments of `secchain init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to look at.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// The pipeline file to write (relative to --dir).
    #[arg(
        short = 'f',
        long = "file",
        default_value = "pipeline.yaml",
        value_name = "FILE"
    )]
    pub file: PathBuf,
    /// Also write a CI workflow for this CI.
    #[arg(long, value_enum)]
    pub ci: Option<CiKind>,
    /// The image reference the pipeline is about (default: guessed from the repository).
    #[arg(long, value_name = "REF")]
    pub image: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Print the pipeline instead of writing it.
    #[arg(long)]
    pub stdout: bool,
}

/// CI systems `secchain init --ci` writes a workflow for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiKind {
    /// .github/workflows/secchain.yml
    Github,
    /// .gitlab-ci.yml
    Gitlab,
}

/// Arguments of `secchain sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The image; a tag is resolved and the digest is signed.
    pub image: String,
    /// Signing key: a file (cosign.key) or env://VAR.
    #[arg(long)]
    pub key: Option<String>,
    /// Annotation signed into the payload (KEY=VALUE, repeatable).
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// legacy (cosign .sig tag, default) or bundle (Sigstore bundle referrer).
    #[arg(long)]
    pub format: Option<String>,
    /// Sign with an ephemeral key and push nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `secchain attest`.
#[derive(Debug, Args)]
pub struct AttestArgs {
    /// The image.
    pub image: String,
    /// Signing key: a file or env://VAR.
    #[arg(long)]
    pub key: Option<String>,
    /// slsaprovenance1, cyclonedx, spdxjson, vuln, openvex, custom or a predicate type URI.
    #[arg(long = "type", default_value = "custom")]
    pub predicate_type: String,
    /// The predicate (JSON); `-` reads stdin.
    #[arg(long)]
    pub predicate: PathBuf,
    /// legacy (default) or bundle.
    #[arg(long)]
    pub format: Option<String>,
    /// Sign with an ephemeral key and push nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `secchain verify`.
///
/// By default the whole chain is checked: the image signature, the provenance
/// attestation's signature, that it is about this image, that every stage passed, the
/// byproducts in `--artifacts` and the `--policy` rules. `--signature-only` checks only
/// signatures (like `cosign verify`); `--attestation TYPE` only attestations of a type
/// (like `cosign verify-attestation`).
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The image.
    pub image: String,
    /// Public key: cosign.pub or env://VAR.
    #[arg(long)]
    pub key: String,
    /// The run's output directory: every byproduct found there must match its recorded digest.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["attestation", "signature_only"])]
    pub artifacts: Option<std::path::PathBuf>,
    /// Verification policy: required stages, maximum age, allowed builders and base images.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["attestation", "signature_only"])]
    pub policy: Option<std::path::PathBuf>,
    /// Verify only the image's signatures.
    #[arg(long, conflicts_with = "attestation")]
    pub signature_only: bool,
    /// Verify only attestations of this predicate type.
    #[arg(long)]
    pub attestation: Option<String>,
    /// Required annotation on signatures (KEY=VALUE, repeatable; with --signature-only or --attestation).
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Only this signature format: legacy or bundle (default: both).
    #[arg(long = "signature-format", value_name = "FORMAT")]
    pub signature_format: Option<String>,
    /// Output: text or json.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
}

/// Text for people or JSON for machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per check and a verdict.
    Text,
    /// The verification report as JSON.
    Json,
}

/// `secchain key` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Write an encrypted key pair in cosign's format (cosign.key 0600, cosign.pub).
    Generate {
        /// Directory to write into.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// File name prefix.
        #[arg(long = "output-key-prefix", default_value = "cosign")]
        prefix: String,
        /// Replace existing files.
        #[arg(long)]
        force: bool,
    },
}

/// Arguments of `secchain scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The image: a registry reference, oci:DIR[:TAG] or docker-archive:FILE.
    pub image: Option<String>,
    /// Scan this CycloneDX SBOM instead of an image.
    #[arg(long, value_name = "FILE")]
    pub sbom: Option<PathBuf>,
    /// Severities that fail (comma-separated), e.g. CRITICAL,HIGH (default).
    #[arg(long)]
    pub severity: Option<String>,
    /// Report findings without a fixed version, but never fail on them.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Exit code when the gate fails.
    #[arg(long, default_value_t = 1)]
    pub exit_code: i32,
    /// .trivyignore or .trivyignore.yaml file (repeatable).
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Vec<PathBuf>,
    /// OpenVEX document (repeatable).
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,
    /// Output format: table, json, sarif, cyclonedx-vex, gitlab or html.
    #[arg(long, short = 'f', default_value = "table")]
    pub format: String,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The vulnerability database (default: ~/.cache/secchain/vuln.db or $SECCHAIN_DB).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Keep the stage's outputs and report in DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Platform to select from a multi-platform image.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
}

/// Arguments of `secchain db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database file (default: ~/.cache/secchain/vuln.db or $SECCHAIN_DB).
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: DbCommand,
}

/// `secchain db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download OSV exports (and KEV, EPSS) and swap in a new database atomically.
    Update {
        /// OSV ecosystem to download (repeatable): Debian, Ubuntu, Alpine, PyPI, npm, Go, crates.io, Maven, …
        #[arg(long, value_name = "NAME")]
        ecosystem: Vec<String>,
        /// Base URL of the OSV exports (a mirror).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Skip CISA's Known Exploited Vulnerabilities catalogue.
        #[arg(long)]
        no_kev: bool,
        /// Skip FIRST EPSS scores.
        #[arg(long)]
        no_epss: bool,
    },
    /// Import OSV JSON, KEV JSON and EPSS CSV from a directory or zip (air-gapped sites).
    Import {
        /// Directory, zip or file.
        path: PathBuf,
    },
    /// Sources, record counts and age.
    Status,
}

/// Arguments of `secchain lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Dockerfiles (default: ./Dockerfile).
    pub files: Vec<PathBuf>,
    /// Output format: human, json, sarif or gitlab.
    #[arg(long, short = 'f', default_value = "human")]
    pub format: String,
    /// A configuration file (.hadolint.yaml and .secchain/lint.yaml are read anyway).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fail on findings at or above this severity: error, warning, info, style or none.
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<String>,
    /// Ignore a rule (repeatable).
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// A trusted registry for DL3026 (repeatable).
    #[arg(long, value_name = "REGISTRY")]
    pub trusted_registry: Vec<String>,
    /// List every rule and exit.
    #[arg(long)]
    pub list_rules: bool,
}

/// Arguments of `secchain pin`.
#[derive(Debug, Args)]
pub struct PinArgs {
    /// Files to pin (default: ./Dockerfile). Dockerfiles by name; anything else is read as YAML.
    pub files: Vec<PathBuf>,
    /// Change nothing; fail when a reference is unpinned or a pinned tag has moved.
    #[arg(long)]
    pub check: bool,
    /// Also refresh existing pins to their tag's current digest.
    #[arg(long)]
    pub update: bool,
    /// Print the unified diff instead of writing.
    #[arg(long)]
    pub dry_run: bool,
    /// A build argument for ARGs used in FROM (KEY=VALUE, repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub build_arg: Vec<String>,
    /// Where the pins report goes.
    #[arg(long, default_value = "secchain-out", value_name = "DIR")]
    pub out: PathBuf,
}

/// Arguments of `secchain sbom`.
#[derive(Debug, Args)]
pub struct SbomArgs {
    /// The image: a registry reference, oci:DIR[:TAG] or docker-archive:FILE.
    pub image: String,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = SbomFormatArg::CyclonedxJson)]
    pub format: SbomFormatArg,
    /// Write the SBOM to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Keep the stage's outputs and report in DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Platform to select from a multi-platform image, e.g. linux/arm64.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
}

/// SBOM formats of `secchain sbom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SbomFormatArg {
    /// CycloneDX 1.6 JSON.
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
}

/// The pipeline file argument shared by several commands.
#[derive(Debug, Args)]
pub struct PipelineArg {
    /// The pipeline file.
    #[arg(
        short = 'f',
        long = "file",
        default_value = "pipeline.yaml",
        value_name = "FILE"
    )]
    pub file: PathBuf,
}

/// Arguments of `secchain run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The pipeline file.
    #[command(flatten)]
    pub pipeline: PipelineArg,
    /// Where reports and outputs go.
    #[arg(long, default_value = "secchain-out", value_name = "DIR")]
    pub out: PathBuf,
    /// Show what would change outside --out (pushes, rewrites, cluster changes) without doing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Override the pipeline's `image:`.
    #[arg(long, value_name = "REF")]
    pub image: Option<String>,
    /// Platform to select from a multi-platform image, e.g. linux/arm64.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Progress output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Progress bars on a terminal; timestamped lines otherwise (or when CI=true).
    Text,
    /// One JSON event per line on stdout.
    Json,
}
