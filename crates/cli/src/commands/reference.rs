//! Output generated from this binary's own definitions: the pipeline JSON Schema, shell
//! completions, the man page, rule explanations and the Markdown docs built from them.

use std::io::Write as _;

use crate::cli::{Cli, DocsTopic};
use crate::{reference, stages, CliError, EXIT_PASS, EXIT_USAGE};
use clap::CommandFactory as _;

/// `secchain schema`: the pipeline file's JSON Schema.
pub fn schema() -> Result<i32, CliError> {
    print!("{}", reference::schema_text(&stages::registry()));
    Ok(EXIT_PASS)
}

/// `secchain completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<i32, CliError> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "secchain", &mut out);
    out.flush().map_err(|e| CliError::Runtime(e.into()))?;
    Ok(EXIT_PASS)
}

/// `secchain man`: the man page in roff.
pub fn man() -> Result<i32, CliError> {
    let bytes = reference::man_page().map_err(|e| CliError::Runtime(e.into()))?;
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Runtime(e.into()))?;
    Ok(EXIT_PASS)
}

/// `secchain explain-rule ID`.
pub fn explain_rule(id: &str) -> Result<i32, CliError> {
    let docs = reference::rule_docs(&stages::registry());
    if let Some(doc) = docs.iter().find(|d| d.matches(id)) {
        print!("{}", doc.render_text());
        return Ok(EXIT_PASS);
    }
    let ids = docs.iter().map(|d| d.id.as_str());
    let hint = match secchain_pipeline::diag::did_you_mean(id, ids) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "`secchain docs` lists every rule and gate option".to_string(),
    };
    eprintln!("error: no rule or gate option `{id}`\n  hint: {hint}");
    Ok(EXIT_USAGE)
}

/// `secchain docs [TOPIC]`.
pub fn docs(topic: DocsTopic) -> Result<i32, CliError> {
    let registry = stages::registry();
    let text = match topic {
        DocsTopic::Rules => reference::rules_markdown(&reference::rule_docs(&registry)),
        DocsTopic::Pipeline => {
            reference::pipeline_reference(&secchain_pipeline::pipeline_schema(&registry))
        }
    };
    print!("{text}");
    Ok(EXIT_PASS)
}
