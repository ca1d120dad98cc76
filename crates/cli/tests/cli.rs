//! End-to-end tests of the `secchain` binary: validation, extends/locked, execution order,
//! exit codes, dry runs, redaction, interruption and the example pipeline.

mod util;

mod ci_files;
mod docs;
mod example;
mod extends;
mod false_pass;
mod faults;
mod init;
mod pin;
mod provenance;
mod reference;
mod run;
mod runtime_rules;
mod sbom;
mod scan;
mod sign;
mod summary;
mod validate;
mod walkthrough;
