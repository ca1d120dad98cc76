//! Registry credentials: Docker config, containers auth.json, credential helpers.
//!
//! Lookup order for a registry (first hit wins):
//! 1. `$REGISTRY_AUTH_FILE` (containers `auth.json` format),
//! 2. the Docker config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`):
//!    `credHelpers[registry]`, then `credsStore`, then `auths`,
//! 3. `$XDG_RUNTIME_DIR/containers/auth.json`, then `~/.config/containers/auth.json`,
//! 4. anonymous.
//!
//! `auths` entries may carry `auth` (base64 `user:password`), `username` +
//! `password`, `identitytoken` (an OAuth2 refresh token) or `registrytoken`
//! (a bearer token). Helpers are run as `docker-credential-NAME get` with the
//! server on stdin. Keys may be URLs (`https://index.docker.io/v1/`) or, in
//! auth.json, `registry/namespace` prefixes (the longest match wins).
//!
//! Secrets live in [`Secret`], whose `Debug` prints `<redacted>`; nothing in
//! this module formats a secret into a message.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::error::{Error, Result};
use crate::reference::DOCKER_HUB;

/// The server name Docker uses for Docker Hub credentials.
pub const DOCKER_HUB_AUTH_KEY: &str = "https://index.docker.io/v1/";
const HELPER_TIMEOUT: Duration = Duration::from_secs(30);

/// A secret string. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself; only for handing to the HTTP layer.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Credentials for one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// No credentials.
    Anonymous,
    /// Username and password (HTTP basic, or exchanged for a bearer token).
    Basic {
        /// User name (not secret, may be shown).
        username: String,
        /// Password or access token.
        password: Secret,
    },
    /// An OAuth2 refresh token (`identitytoken`), exchanged for a bearer token.
    IdentityToken(Secret),
    /// A registry bearer token used as is (`registrytoken`).
    Bearer(Secret),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Anonymous => f.write_str("Anonymous"),
            Credential::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Credential::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
            Credential::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// A credential and where it came from (for messages; never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCredential {
    /// The credential.
    pub credential: Credential,
    /// Its origin: a file path, `docker-credential-NAME`, `explicit` or `anonymous`.
    pub source: String,
}

impl ResolvedCredential {
    fn anonymous() -> Self {
        ResolvedCredential {
            credential: Credential::Anonymous,
            source: "anonymous".into(),
        }
    }
}

/// Where to look for credentials.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    /// containers auth.json files checked before the Docker config (`$REGISTRY_AUTH_FILE`).
    pub priority_auth_files: Vec<PathBuf>,
    /// The Docker config file (`config.json`).
    pub docker_config: Option<PathBuf>,
    /// containers auth.json files checked after the Docker config.
    pub auth_files: Vec<PathBuf>,
    /// The search path for `docker-credential-*` helpers (`None`: `$PATH`).
    pub helper_path: Option<OsString>,
    /// Credentials given directly, by registry; they win over every file.
    pub explicit: BTreeMap<String, Credential>,
    /// Never use credentials.
    pub anonymous_only: bool,
}

impl AuthConfig {
    /// The standard locations, from the environment.
    pub fn from_env() -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let mut priority = Vec::new();
        if let Some(f) = std::env::var_os("REGISTRY_AUTH_FILE").filter(|v| !v.is_empty()) {
            priority.push(PathBuf::from(f));
        }
        let docker_config = match std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
            Some(dir) => Some(PathBuf::from(dir).join("config.json")),
            None => home.as_ref().map(|h| h.join(".docker").join("config.json")),
        };
        let mut auth_files = Vec::new();
        if let Some(run) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
            auth_files.push(PathBuf::from(run).join("containers").join("auth.json"));
        }
        let config_home = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        if let Some(c) = config_home {
            auth_files.push(c.join("containers").join("auth.json"));
        }
        AuthConfig {
            priority_auth_files: priority,
            docker_config,
            auth_files,
            helper_path: None,
            explicit: BTreeMap::new(),
            anonymous_only: false,
        }
    }

    /// No credentials at all.
    pub fn anonymous() -> Self {
        AuthConfig {
            anonymous_only: true,
            ..Default::default()
        }
    }

    /// Only the Docker config in `dir` (`dir/config.json`), as `DOCKER_CONFIG=dir` would.
    pub fn docker_config_dir(dir: impl AsRef<Path>) -> Self {
        AuthConfig {
            docker_config: Some(dir.as_ref().join("config.json")),
            ..Default::default()
        }
    }

    /// Adds an explicit credential for `registry`.
    pub fn with_credential(mut self, registry: &str, credential: Credential) -> Self {
        self.explicit.insert(registry.to_string(), credential);
        self
    }

    /// Finds the credential for `registry` (and `repository`, for namespaced auth.json keys).
    pub async fn resolve(&self, registry: &str, repository: &str) -> Result<ResolvedCredential> {
        if self.anonymous_only {
            return Ok(ResolvedCredential::anonymous());
        }
        if let Some(c) = self.explicit.get(registry) {
            return Ok(ResolvedCredential {
                credential: c.clone(),
                source: "explicit".into(),
            });
        }
        for f in &self.priority_auth_files {
            if let Some(c) = self.lookup_file(f, registry, repository).await? {
                return Ok(c);
            }
        }
        if let Some(f) = &self.docker_config {
            if let Some(c) = self.lookup_file(f, registry, repository).await? {
                return Ok(c);
            }
        }
        for f in &self.auth_files {
            if let Some(c) = self.lookup_file(f, registry, repository).await? {
                return Ok(c);
            }
        }
        Ok(ResolvedCredential::anonymous())
    }

    async fn lookup_file(
        &self,
        path: &Path,
        registry: &str,
        repository: &str,
    ) -> Result<Option<ResolvedCredential>> {
        let data = match tokio::fs::read(path).await {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
        };
        let file: AuthFile = serde_json::from_slice(&data).map_err(|e| Error::Credentials {
            registry: registry.to_string(),
            message: format!("{} is not valid JSON: {e}", path.display()),
        })?;
        let source = path.display().to_string();

        if let Some(helper) = file.cred_helpers.get(registry).or_else(|| {
            (registry == DOCKER_HUB)
                .then(|| {
                    ["index.docker.io", "registry-1.docker.io"]
                        .iter()
                        .find_map(|k| file.cred_helpers.get(*k))
                })
                .flatten()
        }) {
            return self.run_helper(helper, registry).await;
        }
        if let Some(store) = file.creds_store.as_deref().filter(|s| !s.is_empty()) {
            if let Some(c) = self.run_helper(store, registry).await? {
                return Ok(Some(c));
            }
        }
        let Some((_, entry)) = best_auth_entry(&file.auths, registry, repository) else {
            return Ok(None);
        };
        let credential = entry.credential(registry, &source)?;
        Ok(credential.map(|credential| ResolvedCredential { credential, source }))
    }

    async fn run_helper(&self, name: &str, registry: &str) -> Result<Option<ResolvedCredential>> {
        let program = format!("docker-credential-{name}");
        let cred_err = |message: String| Error::Credentials {
            registry: registry.to_string(),
            message,
        };
        if name.is_empty() || name.contains('/') || name.contains('\\') {
            return Err(cred_err(format!("invalid credential helper name {name:?}")));
        }
        let exe = find_in_path(&program, self.helper_path.as_deref()).ok_or_else(|| {
            cred_err(format!(
                "credential helper {program} is configured but not found on PATH"
            ))
        })?;
        let server = if registry == DOCKER_HUB {
            DOCKER_HUB_AUTH_KEY.to_string()
        } else {
            registry.to_string()
        };
        let mut child = tokio::process::Command::new(&exe)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| cred_err(format!("cannot run {program}: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(server.as_bytes())
                .await
                .map_err(|e| cred_err(format!("writing to {program}: {e}")))?;
        }
        let out = tokio::time::timeout(HELPER_TIMEOUT, child.wait_with_output())
            .await
            .map_err(|_| {
                cred_err(format!(
                    "{program} did not answer within {HELPER_TIMEOUT:?}"
                ))
            })?
            .map_err(|e| cred_err(format!("running {program}: {e}")))?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            if text.to_ascii_lowercase().contains("credentials not found") {
                return Ok(None);
            }
            // A helper's output may echo secrets; keep only a short, first line.
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>();
            return Err(cred_err(format!(
                "{program} get failed ({}): {first}",
                out.status
            )));
        }
        #[derive(Deserialize)]
        struct HelperAnswer {
            #[serde(rename = "Username", default)]
            username: String,
            #[serde(rename = "Secret", default)]
            secret: String,
        }
        let ans: HelperAnswer = serde_json::from_slice(&out.stdout)
            .map_err(|e| cred_err(format!("{program} printed invalid JSON: {e}")))?;
        if ans.secret.is_empty() {
            return Ok(None);
        }
        let credential = if ans.username == "<token>" {
            Credential::IdentityToken(Secret::new(ans.secret))
        } else {
            Credential::Basic {
                username: ans.username,
                password: Secret::new(ans.secret),
            }
        };
        Ok(Some(ResolvedCredential {
            credential,
            source: program,
        }))
    }
}

#[derive(Deserialize, Default)]
struct AuthFile {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(rename = "credsStore", default)]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

impl AuthEntry {
    fn credential(&self, registry: &str, source: &str) -> Result<Option<Credential>> {
        let nonempty =
            |s: &Option<String>| s.as_deref().filter(|v| !v.is_empty()).map(str::to_string);
        if let Some(t) = nonempty(&self.registrytoken) {
            return Ok(Some(Credential::Bearer(Secret::new(t))));
        }
        if let Some(t) = nonempty(&self.identitytoken) {
            return Ok(Some(Credential::IdentityToken(Secret::new(t))));
        }
        if let Some(a) = nonempty(&self.auth) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(a.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| Error::Credentials {
                    registry: registry.to_string(),
                    message: format!(
                        "the \"auth\" entry in {source} is not base64 of USER:PASSWORD"
                    ),
                })?;
            let (u, p) = decoded.split_once(':').ok_or_else(|| Error::Credentials {
                registry: registry.to_string(),
                message: format!(
                    "the \"auth\" entry in {source} has no ':' between user and password"
                ),
            })?;
            return Ok(Some(Credential::Basic {
                username: u.to_string(),
                password: Secret::new(p),
            }));
        }
        if let (Some(u), Some(p)) = (nonempty(&self.username), nonempty(&self.password)) {
            return Ok(Some(Credential::Basic {
                username: u,
                password: Secret::new(p),
            }));
        }
        Ok(None)
    }
}

/// Normalises an auths key: drops the scheme and a `/v1/`-style path, keeps a namespace path.
fn normalise_key(key: &str) -> String {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let had_scheme = k.len() != key.len();
    let k = k.trim_end_matches('/');
    let mut k = if had_scheme {
        // URL keys name a registry; their path (/v1, /v2) is not a namespace.
        k.split('/').next().unwrap_or(k).to_string()
    } else {
        k.to_string()
    };
    if matches!(
        k.split('/').next(),
        Some("index.docker.io") | Some("registry-1.docker.io")
    ) {
        k = k.replacen(k.split('/').next().unwrap_or(""), DOCKER_HUB, 1);
    }
    k
}

fn best_auth_entry<'a>(
    auths: &'a BTreeMap<String, AuthEntry>,
    registry: &str,
    repository: &str,
) -> Option<(String, &'a AuthEntry)> {
    let full = format!("{registry}/{repository}");
    auths
        .iter()
        .map(|(k, v)| (normalise_key(k), v))
        .filter(|(k, _)| k == registry || full == *k || full.starts_with(&format!("{k}/")))
        .filter(|(k, _)| k.split('/').next() == Some(registry))
        .max_by_key(|(k, _)| k.len())
}

fn find_in_path(program: &str, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let path = path
        .map(OsString::from)
        .or_else(|| std::env::var_os("PATH"))?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn write_config(dir: &Path, json: &str) -> AuthConfig {
        std::fs::write(dir.join("config.json"), json).unwrap();
        AuthConfig::docker_config_dir(dir)
    }

    #[tokio::test]
    async fn docker_config_auth_forms() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(
            dir.path(),
            &format!(
                r#"{{"auths":{{
                    "https://index.docker.io/v1/":{{"auth":"{}"}},
                    "localhost:5000":{{"username":"u2","password":"p2"}},
                    "ghcr.io":{{"identitytoken":"refresh-me"}},
                    "https://quay.io/v2/":{{"registrytoken":"bearer-tok"}},
                    "empty.io":{{}}
                }}}}"#,
                b64("hubuser:hub:pass")
            ),
        );
        let hub = cfg.resolve("docker.io", "library/nginx").await.unwrap();
        assert_eq!(
            hub.credential,
            Credential::Basic {
                username: "hubuser".into(),
                password: Secret::new("hub:pass")
            }
        );
        assert!(hub.source.ends_with("config.json"));
        let local = cfg.resolve("localhost:5000", "x").await.unwrap();
        assert!(
            matches!(local.credential, Credential::Basic { ref username, .. } if username == "u2")
        );
        assert!(matches!(
            cfg.resolve("ghcr.io", "o/r").await.unwrap().credential,
            Credential::IdentityToken(_)
        ));
        assert!(matches!(
            cfg.resolve("quay.io", "o/r").await.unwrap().credential,
            Credential::Bearer(_)
        ));
        assert_eq!(
            cfg.resolve("empty.io", "x").await.unwrap().credential,
            Credential::Anonymous
        );
        assert_eq!(
            cfg.resolve("other.io", "x").await.unwrap().source,
            "anonymous"
        );
    }

    #[tokio::test]
    async fn namespaced_auth_json_keys_longest_match() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("auth.json");
        std::fs::write(
            &f,
            format!(
                r#"{{"auths":{{"quay.io":{{"auth":"{}"}},"quay.io/team":{{"auth":"{}"}},"quay.io/team/app":{{"auth":"{}"}}}}}}"#,
                b64("a:1"),
                b64("b:2"),
                b64("c:3")
            ),
        )
        .unwrap();
        let cfg = AuthConfig {
            priority_auth_files: vec![f],
            ..Default::default()
        };
        let user = |c: ResolvedCredential| match c.credential {
            Credential::Basic { username, .. } => username,
            other => panic!("{other:?}"),
        };
        assert_eq!(user(cfg.resolve("quay.io", "team/app").await.unwrap()), "c");
        assert_eq!(
            user(cfg.resolve("quay.io", "team/other").await.unwrap()),
            "b"
        );
        assert_eq!(
            user(cfg.resolve("quay.io", "teamx/app").await.unwrap()),
            "a"
        );
    }

    #[tokio::test]
    async fn credential_helpers_run_with_server_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let helper = bin.join("docker-credential-unit");
        std::fs::write(
            &helper,
            "#!/bin/sh\nread server\ncase \"$server\" in\n  reg.example:5000) echo '{\"ServerURL\":\"reg.example:5000\",\"Username\":\"hu\",\"Secret\":\"hs\"}';;\n  https://index.docker.io/v1/) echo '{\"Username\":\"<token>\",\"Secret\":\"idtok\"}';;\n  *) echo 'credentials not found in native keychain'; exit 1;;\nesac\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut cfg = write_config(
            dir.path(),
            r#"{"credsStore":"unit","credHelpers":{"helped.example":"missing"},"auths":{"fallback.example":{"username":"f","password":"g"}}}"#,
        );
        cfg.helper_path = Some(bin.into_os_string());
        let r = cfg.resolve("reg.example:5000", "x").await.unwrap();
        assert_eq!(r.source, "docker-credential-unit");
        assert!(matches!(r.credential, Credential::Basic { ref username, .. } if username == "hu"));
        let hub = cfg.resolve("docker.io", "library/x").await.unwrap();
        assert!(matches!(hub.credential, Credential::IdentityToken(_)));
        // Store says "not found": fall back to auths.
        let fb = cfg.resolve("fallback.example", "x").await.unwrap();
        assert!(matches!(fb.credential, Credential::Basic { ref username, .. } if username == "f"));
        // A configured helper that does not exist is an error, naming it.
        let e = cfg.resolve("helped.example", "x").await.unwrap_err();
        assert!(e.to_string().contains("docker-credential-missing"), "{e}");
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let c = Credential::Basic {
            username: "me".into(),
            password: Secret::new("s3cr3t-pw"),
        };
        let all = format!(
            "{c:?} {:?} {:?} {}",
            Credential::IdentityToken(Secret::new("s3cr3t-id")),
            Credential::Bearer(Secret::new("s3cr3t-b")),
            Secret::new("s3cr3t-d")
        );
        assert!(!all.contains("s3cr3t"), "{all}");
        assert!(all.contains("me"));
    }

    #[tokio::test]
    async fn bad_files_are_clear_errors_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(dir.path(), r#"{"auths":{"r.io":{"auth":"bm9jb2xvbg=="}}}"#);
        let e = cfg.resolve("r.io", "x").await.unwrap_err();
        assert!(e.to_string().contains("no ':'"), "{e}");
        assert!(!e.to_string().contains("nocolon"));
        let cfg = write_config(dir.path(), "{not json");
        assert!(cfg.resolve("r.io", "x").await.is_err());
        assert_eq!(
            AuthConfig::anonymous()
                .resolve("r.io", "x")
                .await
                .unwrap()
                .credential,
            Credential::Anonymous
        );
    }

    #[test]
    fn key_normalisation() {
        assert_eq!(normalise_key("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(normalise_key("http://localhost:5000/v2/"), "localhost:5000");
        assert_eq!(normalise_key("quay.io/team"), "quay.io/team");
        assert_eq!(normalise_key("registry-1.docker.io"), "docker.io");
    }
}
