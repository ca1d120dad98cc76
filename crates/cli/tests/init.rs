//! `secchain init` on sample repositories: snapshots of what it writes, the result
//! validates, and nothing is overwritten without `--force`.

use crate::summary::assert_snapshot;
use crate::util::Project;

const IMAGE: &str = "registry.example.com/acme/shop:dev";

fn service_repo() -> Project {
    let p = Project::new();
    p.write(
        "Dockerfile",
        "FROM debian:12\nRUN apt-get update\nUSER 1000\n",
    )
    .write("worker/Dockerfile.worker", "FROM alpine:3.20\n")
    .write(
        "deploy/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\n",
    )
    .write("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    .write(".github/workflows/ci.yml", "on: push\njobs: {}\n")
    .write(".hadolint.yaml", "ignored: [DL3008]\n")
    .write(".trivyignore", "CVE-2024-0727\n")
    .write("node_modules/pkg/Dockerfile", "FROM scratch\n");
    p
}

#[test]
fn init_on_a_service_repository_proposes_every_check_and_it_validates() {
    let p = service_repo();
    let text = p
        .run(&["init", "--stdout", "--image", IMAGE])
        .expect(0)
        .stdout();
    assert_snapshot("init-service.yaml", &text);
    p.run(&["init", "--image", IMAGE]).expect(0);
    assert_eq!(
        std::fs::read_to_string(p.path("pipeline.yaml")).unwrap(),
        text
    );
    p.run(&["validate"]).expect(0);
}

#[test]
fn init_on_a_dockerfile_only_repository_writes_a_pipeline_and_a_github_workflow() {
    let p = Project::new();
    p.write("Dockerfile", "FROM debian:12\n");
    p.run(&["init", "--image", IMAGE, "--ci", "github"])
        .expect(0);
    let pipeline = std::fs::read_to_string(p.path("pipeline.yaml")).unwrap();
    assert_snapshot("init-minimal.yaml", &pipeline);
    let workflow = std::fs::read_to_string(p.path(".github/workflows/secchain.yml")).unwrap();
    assert_snapshot("init-minimal-github.yml", &workflow);
    p.run(&["validate"]).expect(0);
}

#[test]
fn init_never_overwrites_without_force() {
    let p = Project::new();
    p.write("Dockerfile", "FROM debian:12\n")
        .write("pipeline.yaml", "# mine\n");
    let refused = p.run(&["init", "--ci", "gitlab"]).expect(2);
    assert!(
        refused.stderr().contains("already exists"),
        "{}",
        refused.stderr()
    );
    assert!(refused.stderr().contains("--force"));
    assert_eq!(
        std::fs::read_to_string(p.path("pipeline.yaml")).unwrap(),
        "# mine\n"
    );
    assert!(
        !p.path(".gitlab/secchain.yml").exists(),
        "a refusal writes nothing"
    );
    p.run(&["init", "--ci", "gitlab", "--force"]).expect(0);
    assert!(std::fs::read_to_string(p.path("pipeline.yaml"))
        .unwrap()
        .contains("kind: lint"));
    let gitlab = std::fs::read_to_string(p.path(".gitlab/secchain.yml")).unwrap();
    assert!(gitlab.contains("templates/gitlab/secchain.yml"), "{gitlab}");
    assert!(
        gitlab.contains("SECCHAIN_PIPELINE: pipeline.yaml"),
        "{gitlab}"
    );
}
