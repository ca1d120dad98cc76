//! `apply::client` builds a client for a kubeconfig context (it does not connect), and
//! names the context it cannot find. Alone in its test binary: it sets `KUBECONFIG`.

#[tokio::test]
async fn builds_a_client_for_a_context_and_names_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        r#"apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: dev
  user: {token: test-token}
contexts:
- name: dev
  context: {cluster: dev, user: dev}
current-context: dev
"#,
    )
    .unwrap();
    std::env::set_var("KUBECONFIG", &kubeconfig);
    let client = secchain_policy::apply::client(Some("dev")).await;
    assert!(client.is_ok(), "{:?}", client.err());
    let err = match secchain_policy::apply::client(Some("prod")).await {
        Ok(_) => panic!("a missing context must fail"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("prod"), "{err}");
}
