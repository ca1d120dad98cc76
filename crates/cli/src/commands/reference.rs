//! Output generated from this binary's own definitions: the pipeline JSON Schema, shell
//! completions, the man page, rule explanations and the Markdown docs built from them.

use std::io::Write as _;

use crate::cli::{Cli, DocsTopic};
use crate::{reference, stage_docs, stages, CliError, EXIT_PASS, EXIT_USAGE};
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

/// `secchain docs [TOPIC] [KIND]`.
pub fn docs(topic: DocsTopic, kind: Option<&str>) -> Result<i32, CliError> {
    let registry = stages::registry();
    let schema = secchain_pipeline::pipeline_schema(&registry);
    let text = match (topic, kind) {
        (DocsTopic::Rules, None) => reference::rules_markdown(&reference::rule_docs(&registry)),
        (DocsTopic::Pipeline, None) => reference::pipeline_reference(&schema),
        (DocsTopic::Stage, Some(kind)) => {
            let docs = reference::rule_docs(&registry);
            match stage_docs::stage_section(&schema, &docs, kind) {
                Some(text) => text,
                None => {
                    let kinds = reference::stage_kinds(&schema);
                    let hint = match secchain_pipeline::diag::did_you_mean(
                        kind,
                        kinds.iter().map(String::as_str),
                    ) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("the stage kinds are: {}", kinds.join(", ")),
                    };
                    eprintln!("error: no stage kind `{kind}`\n  hint: {hint}");
                    return Ok(EXIT_USAGE);
                }
            }
        }
        (DocsTopic::Stage, None) => {
            eprintln!(
                "error: `secchain docs stage` needs a stage kind\n  hint: for example `secchain docs stage lint`; `secchain stages` lists them"
            );
            return Ok(EXIT_USAGE);
        }
        (_, Some(kind)) => {
            eprintln!(
                "error: unexpected argument `{kind}`\n  hint: only `secchain docs stage KIND` takes a stage kind"
            );
            return Ok(EXIT_USAGE);
        }
    };
    print!("{text}");
    Ok(EXIT_PASS)
}
