//! The builder's identity, from the CI environment.
//!
//! SLSA's `builder.id` names the trust boundary that produced the provenance. In
//! GitHub Actions it is the workflow file at its ref, in GitLab CI the project's job;
//! anywhere else (including dry runs) a local builder id that says it is not a CI.

/// The CI system a run happens in, as far as the environment tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CiRun {
    /// `runDetails.builder.id`.
    pub builder_id: String,
    /// A unique id of this run (`invocationId`), when the CI provides one.
    pub invocation_id: Option<String>,
}

/// Detects the CI from environment variables looked up through `var`.
pub fn detect(var: impl Fn(&str) -> Option<String>) -> CiRun {
    let get = |k: &str| var(k).filter(|v| !v.is_empty());
    if get("GITHUB_ACTIONS").as_deref() == Some("true") {
        let server = get("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into());
        let workflow = get("GITHUB_WORKFLOW_REF").unwrap_or_default();
        let repo = get("GITHUB_REPOSITORY").unwrap_or_default();
        let run = get("GITHUB_RUN_ID");
        let attempt = get("GITHUB_RUN_ATTEMPT").unwrap_or_else(|| "1".into());
        return CiRun {
            builder_id: format!("{server}/{workflow}"),
            invocation_id: run
                .map(|r| format!("{server}/{repo}/actions/runs/{r}/attempts/{attempt}")),
        };
    }
    if get("GITLAB_CI").as_deref() == Some("true") {
        let project = get("CI_PROJECT_URL").unwrap_or_default();
        return CiRun {
            builder_id: format!("{project}/-/ci"),
            invocation_id: get("CI_JOB_URL"),
        };
    }
    CiRun {
        builder_id: "https://secchain.dev/builders/local/v1".into(),
        invocation_id: None,
    }
}

/// [`detect`] on the process environment.
pub fn builder_id() -> CiRun {
    detect(|k| std::env::var(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_actions_builder_is_the_workflow_at_its_ref() {
        let env = |k: &str| {
            Some(
                match k {
                    "GITHUB_ACTIONS" => "true",
                    "GITHUB_SERVER_URL" => "https://github.com",
                    "GITHUB_WORKFLOW_REF" => {
                        "acme/app/.github/workflows/release.yml@refs/heads/main"
                    }
                    "GITHUB_REPOSITORY" => "acme/app",
                    "GITHUB_RUN_ID" => "42",
                    "GITHUB_RUN_ATTEMPT" => "2",
                    _ => return None,
                }
                .to_string(),
            )
        };
        let ci = detect(env);
        assert_eq!(
            ci.builder_id,
            "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"
        );
        assert_eq!(
            ci.invocation_id.as_deref(),
            Some("https://github.com/acme/app/actions/runs/42/attempts/2")
        );
    }

    #[test]
    fn gitlab_and_local_builders() {
        let gitlab = detect(|k: &str| match k {
            "GITLAB_CI" => Some("true".into()),
            "CI_PROJECT_URL" => Some("https://gitlab.example/acme/app".into()),
            "CI_JOB_URL" => Some("https://gitlab.example/acme/app/-/jobs/7".into()),
            _ => None,
        });
        assert_eq!(gitlab.builder_id, "https://gitlab.example/acme/app/-/ci");
        assert_eq!(
            gitlab.invocation_id.as_deref(),
            Some("https://gitlab.example/acme/app/-/jobs/7")
        );
        let local = detect(|_: &str| None);
        assert_eq!(local.builder_id, "https://secchain.dev/builders/local/v1");
        assert_eq!(local.invocation_id, None);
    }
}
