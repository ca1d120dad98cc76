//! The CI files `secchain init --ci` writes, as typed documents serialised to YAML.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cli::CiKind;

/// Where the secchain GitHub Action lives; users replace the commit with the one they reviewed.
const ACTION: &str = "secchain/secchain@0000000000000000000000000000000000000000";
/// actions/checkout v4.2.2, pinned by commit.
const CHECKOUT: &str = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683";

/// A GitHub Actions workflow (the part secchain writes).
#[derive(Debug, Serialize)]
struct Workflow {
    name: &'static str,
    on: Triggers,
    permissions: BTreeMap<&'static str, &'static str>,
    jobs: BTreeMap<&'static str, Job>,
}

#[derive(Debug, Serialize)]
struct Triggers {
    push: Branches,
    pull_request: Branches,
}

#[derive(Debug, Serialize)]
struct Branches {
    branches: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct Job {
    #[serde(rename = "runs-on")]
    runs_on: &'static str,
    steps: Vec<Step>,
}

#[derive(Debug, Serialize)]
struct Step {
    uses: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    with: BTreeMap<&'static str, String>,
}

/// A GitLab CI file that includes secchain's template.
#[derive(Debug, Serialize)]
struct GitlabCi {
    include: Vec<GitlabInclude>,
    variables: BTreeMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
struct GitlabInclude {
    project: &'static str,
    #[serde(rename = "ref")]
    reference: &'static str,
    file: &'static str,
}

/// The file to write for `ci`, relative to the repository, and its text.
pub fn workflow(ci: CiKind, pipeline_file: &str) -> Result<(String, String), String> {
    match ci {
        CiKind::Github => {
            let mut with = BTreeMap::new();
            with.insert("pipeline", pipeline_file.to_string());
            with.insert("keyless", "true".to_string());
            let workflow = Workflow {
                name: "secchain",
                on: Triggers {
                    push: Branches {
                        branches: vec!["main"],
                    },
                    pull_request: Branches {
                        branches: vec!["main"],
                    },
                },
                permissions: BTreeMap::from([
                    ("contents", "read"),
                    ("id-token", "write"),
                    ("packages", "write"),
                ]),
                jobs: BTreeMap::from([(
                    "secchain",
                    Job {
                        runs_on: "ubuntu-latest",
                        steps: vec![
                            Step {
                                uses: CHECKOUT,
                                with: BTreeMap::from([(
                                    "persist-credentials",
                                    "false".to_string(),
                                )]),
                            },
                            Step { uses: ACTION, with },
                        ],
                    },
                )]),
            };
            let body = serde_saphyr::to_string(&workflow).map_err(|e| e.to_string())?;
            Ok((
                ".github/workflows/secchain.yml".into(),
                format!(
                    "# Written by `secchain init --ci github`. Replace the secchain commit with the\n\
                     # release commit you reviewed; pull requests should run with `--dry-run`.\n{body}"
                ),
            ))
        }
        CiKind::Gitlab => {
            let ci = GitlabCi {
                include: vec![GitlabInclude {
                    project: "secchain/secchain",
                    reference: "0000000000000000000000000000000000000000",
                    file: "templates/gitlab/secchain.yml",
                }],
                variables: BTreeMap::from([("SECCHAIN_PIPELINE", pipeline_file.to_string())]),
            };
            let body = serde_saphyr::to_string(&ci).map_err(|e| e.to_string())?;
            Ok((
                ".gitlab/secchain.yml".into(),
                format!(
                    "# Written by `secchain init --ci gitlab`. Add it to .gitlab-ci.yml with\n\
                     #   include: [{{local: .gitlab/secchain.yml}}]\n\
                     # and replace `ref` with the secchain commit you reviewed.\n{body}"
                ),
            ))
        }
    }
}
