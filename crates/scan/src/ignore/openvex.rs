//! OpenVEX documents (v0.2.0, and v0.0.x's string `vulnerability`): statements with
//! status `not_affected` or `fixed` suppress matching findings, carrying their
//! justification; `affected` and `under_investigation` do not. A later statement
//! about the same vulnerability and product supersedes an earlier one.

use serde::Deserialize;

use super::{IgnoreError, Rule, RuleKind};

#[derive(Deserialize)]
struct Document {
    #[serde(rename = "@context")]
    context: String,
    statements: Vec<Statement>,
}

#[derive(Deserialize)]
struct Statement {
    vulnerability: Vulnerability,
    #[serde(default)]
    products: Vec<Product>,
    status: String,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    status_notes: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Vulnerability {
    Name(String),
    Object {
        #[serde(default)]
        name: Option<String>,
        #[serde(default, rename = "@id")]
        id: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Product {
    Id(String),
    Object {
        #[serde(rename = "@id")]
        id: String,
        #[serde(default)]
        subcomponents: Vec<Sub>,
    },
}

#[derive(Deserialize)]
struct Sub {
    #[serde(rename = "@id")]
    id: String,
}

const STATUSES: [&str; 4] = ["not_affected", "affected", "fixed", "under_investigation"];

/// Parses an OpenVEX document.
pub fn parse(name: &str, text: &str) -> Result<Vec<Rule>, IgnoreError> {
    let err = |m: String| IgnoreError {
        location: name.to_string(),
        message: m,
    };
    let doc: Document =
        serde_json::from_str(text).map_err(|e| err(format!("not an OpenVEX document: {e}")))?;
    if !doc.context.starts_with("https://openvex.dev/ns") {
        return Err(err(format!(
            "`@context` is `{}`, not OpenVEX's",
            doc.context
        )));
    }
    let mut indexed: Vec<(usize, Statement)> = doc.statements.into_iter().enumerate().collect();
    // Document order, then timestamp: the last applicable statement wins.
    indexed.sort_by(|a, b| a.1.timestamp.cmp(&b.1.timestamp).then(a.0.cmp(&b.0)));
    indexed
        .into_iter()
        .map(|(i, s)| {
            if !STATUSES.contains(&s.status.as_str()) {
                return Err(err(format!(
                    "statements[{i}]: unknown status `{}`",
                    s.status
                )));
            }
            let ids = match s.vulnerability {
                Vulnerability::Name(n) => vec![n],
                Vulnerability::Object { name, id, aliases } => {
                    name.into_iter().chain(id).chain(aliases).collect()
                }
            };
            let mut purls = Vec::new();
            for p in s.products {
                match p {
                    Product::Id(id) => purls.push(id),
                    Product::Object { id, subcomponents } if subcomponents.is_empty() => {
                        purls.push(id)
                    }
                    Product::Object { subcomponents, .. } => {
                        purls.extend(subcomponents.into_iter().map(|s| s.id))
                    }
                }
            }
            let reason = [s.justification, s.impact_statement, s.status_notes]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            Ok(Rule {
                location: format!("{name}#statements[{i}]"),
                ids,
                paths: Vec::new(),
                purls,
                expires: None,
                kind: RuleKind::Vex(s.status),
                reason: (!reason.is_empty()).then_some(reason),
            })
        })
        .collect()
}
