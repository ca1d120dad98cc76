//! End-to-end tests of the `secchain` binary: validation, extends/locked, execution order,
//! exit codes, dry runs, redaction, interruption and the example pipeline.

mod util;

mod example;
mod extends;
mod run;
mod validate;
