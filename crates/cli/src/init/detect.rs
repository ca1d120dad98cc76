//! What `secchain init` looks for in a repository: Dockerfiles, Kubernetes manifests,
//! compose files, lint and scan configuration already in use, and the CI.

use std::path::{Path, PathBuf};

/// Directories never descended into.
const SKIP_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    "vendor",
    "secchain-out",
    ".venv",
    "dist",
    "build",
];

/// How deep below the repository root files are looked for.
const MAX_DEPTH: usize = 4;

/// Files larger than this are not read to decide whether they are Kubernetes manifests.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// What the repository contains, paths relative to its root with `/` separators, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repository {
    /// The directory's name (used to suggest an image name).
    pub name: String,
    /// Dockerfiles and Containerfiles.
    pub dockerfiles: Vec<String>,
    /// YAML files with `apiVersion:` and `kind:` (Kubernetes manifests).
    pub kubernetes: Vec<String>,
    /// Docker Compose files.
    pub compose: Vec<String>,
    /// GitHub Actions workflows.
    pub github_workflows: Vec<String>,
    /// `.gitlab-ci.yml` exists.
    pub gitlab_ci: bool,
    /// `.hadolint.yaml` / `.hadolint.yml`, if any.
    pub hadolint_config: Option<String>,
    /// `.trivyignore` / `.trivyignore.yaml` files.
    pub trivy_ignores: Vec<String>,
    /// A cosign key pair's private half (`cosign.key`), if any.
    pub cosign_key: Option<String>,
}

/// Looks at the repository rooted at `root`.
pub fn detect(root: &Path) -> std::io::Result<Repository> {
    let mut repo = Repository {
        name: root
            .canonicalize()?
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "app".into()),
        ..Repository::default()
    };
    let mut files = Vec::new();
    walk(root, Path::new(""), 0, &mut files)?;
    files.sort();
    for rel in files {
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = rel.to_string_lossy().replace('\\', "/");
        let top = rel.parent().is_none_or(|p| p.as_os_str().is_empty());
        if is_dockerfile(&name) {
            repo.dockerfiles.push(text);
        } else if is_compose(&name) {
            repo.compose.push(text);
        } else if text.starts_with(".github/workflows/") && is_yaml(&name) {
            repo.github_workflows.push(text);
        } else if top && name == ".gitlab-ci.yml" {
            repo.gitlab_ci = true;
        } else if top && (name == ".hadolint.yaml" || name == ".hadolint.yml") {
            repo.hadolint_config.get_or_insert(text);
        } else if top && (name == ".trivyignore" || name == ".trivyignore.yaml") {
            repo.trivy_ignores.push(text);
        } else if top && name == "cosign.key" {
            repo.cosign_key = Some(text);
        } else if is_yaml(&name) && !name.starts_with('.') && is_kubernetes(&root.join(&rel)) {
            repo.kubernetes.push(text);
        }
    }
    Ok(repo)
}

fn walk(root: &Path, rel: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(root.join(rel))? {
        let entry = entry?;
        let name = entry.file_name();
        let path = rel.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let skip = SKIP_DIRS.iter().any(|s| name == *s)
                || (name.to_string_lossy().starts_with('.') && name != ".github");
            if !skip && depth < MAX_DEPTH {
                walk(root, &path, depth + 1, out)?;
            }
        } else if kind.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn is_dockerfile(name: &str) -> bool {
    name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
}

fn is_compose(name: &str) -> bool {
    matches!(
        name,
        "compose.yaml" | "compose.yml" | "docker-compose.yaml" | "docker-compose.yml"
    )
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// A YAML file with top-level `apiVersion:` and `kind:` keys (in any document).
fn is_kubernetes(path: &Path) -> bool {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_MANIFEST_BYTES);
    let Ok(text) =
        std::fs::read_to_string(path).map_err(|_| ()).and_then(
            |t| {
                if small {
                    Ok(t)
                } else {
                    Err(())
                }
            },
        )
    else {
        return false;
    };
    text.lines().any(|l| l.starts_with("apiVersion:"))
        && text.lines().any(|l| l.starts_with("kind:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind_of_file_and_skips_vendored_directories() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("Dockerfile", "FROM debian:12\n");
        write("services/api/Containerfile", "FROM alpine:3\n");
        write("node_modules/x/Dockerfile", "FROM x\n");
        write("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n");
        write("config/settings.yaml", "debug: true\n");
        write("compose.yaml", "services: {}\n");
        write(".github/workflows/ci.yml", "on: push\n");
        write(".hadolint.yaml", "ignored: [DL3008]\n");
        write(".trivyignore", "CVE-2024-1\n");
        let repo = detect(dir.path()).unwrap();
        assert_eq!(
            repo.dockerfiles,
            ["Dockerfile", "services/api/Containerfile"]
        );
        assert_eq!(repo.kubernetes, ["deploy/app.yaml"]);
        assert_eq!(repo.compose, ["compose.yaml"]);
        assert_eq!(repo.github_workflows, [".github/workflows/ci.yml"]);
        assert_eq!(repo.hadolint_config.as_deref(), Some(".hadolint.yaml"));
        assert_eq!(repo.trivy_ignores, [".trivyignore"]);
        assert!(!repo.gitlab_ci);
    }
}
