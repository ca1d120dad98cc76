//! The image configuration (OCI `config.v1` / Docker `container.image.v1`).
//!
//! Both formats share one JSON shape. Fields Docker writes as `null` read as
//! empty. [`ImageConfig::layer_history`] pairs history entries with layers
//! (skipping `empty_layer` entries) so stages can say which Dockerfile step
//! created a layer.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::digest::Digest;
use crate::platform::Platform;

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An image configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageConfig {
    /// CPU architecture (Go naming).
    #[serde(default, deserialize_with = "null_default")]
    pub architecture: String,
    /// Operating system.
    #[serde(default, deserialize_with = "null_default")]
    pub os: String,
    /// CPU variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// OS version (Windows).
    #[serde(
        default,
        rename = "os.version",
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    /// Creation time (RFC 3339), as written by the builder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The runtime configuration.
    #[serde(default, deserialize_with = "null_default")]
    pub config: ContainerConfig,
    /// The layers' uncompressed digests.
    #[serde(default, deserialize_with = "null_default")]
    pub rootfs: RootFs,
    /// Build history, one entry per build step.
    #[serde(default, deserialize_with = "null_default")]
    pub history: Vec<HistoryEntry>,
}

/// The runtime part of the config (`config` in the JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfig {
    /// `USER` (name or uid, optionally `:group`); empty means root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// `EXPOSE`d ports as keys (`80/tcp`).
    #[serde(default, deserialize_with = "null_default")]
    pub exposed_ports: BTreeMap<String, serde_json::Value>,
    /// `ENV` as `KEY=value`.
    #[serde(default, deserialize_with = "null_default")]
    pub env: Vec<String>,
    /// `ENTRYPOINT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    /// `CMD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmd: Option<Vec<String>>,
    /// `VOLUME`s as keys.
    #[serde(default, deserialize_with = "null_default")]
    pub volumes: BTreeMap<String, serde_json::Value>,
    /// `WORKDIR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// `LABEL`s.
    #[serde(default, deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    /// `STOPSIGNAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// `HEALTHCHECK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthCheck>,
    /// `ONBUILD` triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_build: Option<Vec<String>>,
    /// `SHELL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<Vec<String>>,
}

/// A `HEALTHCHECK`. Durations are nanoseconds, as in the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheck {
    /// `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", "…"]`.
    #[serde(default, deserialize_with = "null_default")]
    pub test: Vec<String>,
    /// Interval between checks (ns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<i64>,
    /// Timeout of one check (ns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    /// Start period (ns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<i64>,
    /// Start interval (ns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<i64>,
    /// Consecutive failures before unhealthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<i64>,
}

impl HealthCheck {
    /// True when the healthcheck is explicitly disabled (`HEALTHCHECK NONE`).
    pub fn is_disabled(&self) -> bool {
        self.test.first().map(String::as_str) == Some("NONE")
    }
}

/// The root filesystem: layer diff ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub fs_type: String,
    /// The digest of each layer's uncompressed tar, base first.
    #[serde(default, deserialize_with = "null_default")]
    pub diff_ids: Vec<Digest>,
}

/// One build step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When the step ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The command that created the layer (`/bin/sh -c #(nop) …`, `RUN …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// True when the step produced no layer.
    #[serde(default, deserialize_with = "null_default")]
    pub empty_layer: bool,
}

impl ImageConfig {
    /// Parses config JSON.
    pub fn parse(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The config's platform.
    pub fn platform(&self) -> Platform {
        let mut p = Platform::new(&self.os, &self.architecture, self.variant.as_deref());
        p.os_version = self.os_version.clone();
        p
    }

    /// The environment as ordered `(key, value)` pairs (later entries win on lookup).
    pub fn env(&self) -> Vec<(String, String)> {
        self.config
            .env
            .iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv.clone(), String::new()),
            })
            .collect()
    }

    /// One environment variable's value.
    pub fn env_var(&self, key: &str) -> Option<String> {
        self.env()
            .into_iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The exposed ports (`80/tcp`, …).
    pub fn exposed_ports(&self) -> Vec<String> {
        self.config.exposed_ports.keys().cloned().collect()
    }

    /// The user the container runs as (`None` or empty means root).
    pub fn user(&self) -> Option<&str> {
        self.config.user.as_deref().filter(|u| !u.is_empty())
    }

    /// For each layer index, the history entry that created it (if the history is consistent).
    pub fn layer_history(&self) -> Vec<Option<&HistoryEntry>> {
        let non_empty: Vec<&HistoryEntry> =
            self.history.iter().filter(|h| !h.empty_layer).collect();
        (0..self.rootfs.diff_ids.len())
            .map(|i| non_empty.get(i).copied())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_config_with_nulls() {
        let json = r#"{
          "architecture":"amd64","os":"linux",
          "config":{"User":"app","Env":["PATH=/usr/bin","A=1","A=2"],"Entrypoint":null,"Cmd":["sh"],
            "ExposedPorts":{"80/tcp":{}},"Labels":null,"WorkingDir":"/srv",
            "Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Retries":3}},
          "rootfs":{"type":"layers","diff_ids":["sha256:1111111111111111111111111111111111111111111111111111111111111111",
                                               "sha256:2222222222222222222222222222222222222222222222222222222222222222"]},
          "history":[{"created_by":"ADD base","empty_layer":false},{"created_by":"ENV A=1","empty_layer":true},{"created_by":"RUN x"}]
        }"#;
        let c = ImageConfig::parse(json.as_bytes()).unwrap();
        assert_eq!(c.user(), Some("app"));
        assert_eq!(c.env_var("A").as_deref(), Some("2"));
        assert_eq!(c.exposed_ports(), vec!["80/tcp".to_string()]);
        assert!(c.config.labels.is_empty());
        assert_eq!(c.config.entrypoint, None);
        assert_eq!(c.config.healthcheck.as_ref().unwrap().retries, Some(3));
        assert_eq!(c.platform().to_string(), "linux/amd64");
        let lh = c.layer_history();
        assert_eq!(lh[0].unwrap().created_by.as_deref(), Some("ADD base"));
        assert_eq!(lh[1].unwrap().created_by.as_deref(), Some("RUN x"));
    }

    #[test]
    fn empty_config_is_fine() {
        let c = ImageConfig::parse(b"{}").unwrap();
        assert!(c.rootfs.diff_ids.is_empty());
        assert_eq!(c.user(), None);
    }
}
