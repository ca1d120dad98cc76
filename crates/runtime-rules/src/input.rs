//! What the stage needs to know about an image: [`ImageProfileInput`].
//!
//! This crate does not open images itself. The pipeline builds an
//! `ImageProfileInput` from the image (its config and its file list) and from the
//! package inventory, and puts it in the run's shared facts, where
//! [`crate::RuntimeRulesStage`] finds it. Tests build it by hand.

use serde::{Deserialize, Serialize};

/// An image, as far as runtime-rule generation is concerned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageProfileInput {
    /// The image's repository without tag or digest, as Falco's
    /// `container.image.repository` shows it (`registry.example.com/team/app`,
    /// `docker.io/library/nginx`).
    pub repository: String,
    /// The manifest digest (`sha256:…`) when the image is pinned.
    #[serde(default)]
    pub digest: Option<String>,
    /// The image config.
    #[serde(default)]
    pub config: ImageConfig,
    /// Every entry of the image's final filesystem (after applying all layers).
    #[serde(default)]
    pub files: Vec<FileInfo>,
    /// The package inventory (from the SBOM).
    #[serde(default)]
    pub packages: Vec<PackageInfo>,
}

/// The parts of the OCI image config that matter at run time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageConfig {
    /// `User`: `name`, `uid`, `name:group` or `uid:gid`; empty means root.
    #[serde(default)]
    pub user: String,
    /// `Entrypoint`.
    #[serde(default)]
    pub entrypoint: Vec<String>,
    /// `Cmd`.
    #[serde(default)]
    pub cmd: Vec<String>,
    /// `Env`, as `NAME=value`.
    #[serde(default)]
    pub env: Vec<String>,
    /// `WorkingDir`; empty means `/`.
    #[serde(default)]
    pub working_dir: String,
    /// `ExposedPorts` keys, like `8080/tcp` or `53/udp`.
    #[serde(default)]
    pub exposed_ports: Vec<String>,
    /// `Volumes` keys (mount points).
    #[serde(default)]
    pub volumes: Vec<String>,
    /// Docker's `Healthcheck.Test` (`["CMD", "curl", …]` or `["CMD-SHELL", "…"]`), if any.
    #[serde(default)]
    pub healthcheck: Vec<String>,
}

/// One filesystem entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileInfo {
    /// The absolute path (`/usr/bin/python3`; a missing leading `/` is added).
    pub path: String,
    /// Permission bits, including setuid/setgid/sticky (`0o4755`); file-type bits are ignored.
    pub mode: u32,
    /// What the entry is.
    pub kind: FileKind,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// Owner uid, when known.
    #[serde(default)]
    pub uid: Option<u32>,
    /// Owner gid, when known.
    #[serde(default)]
    pub gid: Option<u32>,
    /// For scripts: the `#!` line's interpreter and arguments (`/bin/sh -e`,
    /// `/usr/bin/env python3`), when the caller read it.
    #[serde(default)]
    pub interpreter: Option<String>,
}

/// The type of a filesystem entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    /// A regular file (hard links included).
    File,
    /// A directory.
    Dir,
    /// A symbolic link, with its target as stored.
    Symlink(String),
}

/// One installed package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageInfo {
    /// Package name.
    pub name: String,
    /// Package version.
    #[serde(default)]
    pub version: String,
    /// Ecosystem as a purl type: `deb`, `apk`, `rpm`, `pypi`, `npm`, `maven`, `gem`, `golang`, …
    #[serde(default)]
    pub ecosystem: String,
}

impl FileInfo {
    /// A regular file.
    pub fn file(path: &str, mode: u32) -> Self {
        FileInfo {
            path: path.to_string(),
            mode,
            kind: FileKind::File,
            size: 0,
            uid: Some(0),
            gid: Some(0),
            interpreter: None,
        }
    }

    /// A directory.
    pub fn dir(path: &str, mode: u32) -> Self {
        FileInfo {
            kind: FileKind::Dir,
            ..FileInfo::file(path, mode)
        }
    }

    /// A symbolic link to `target`.
    pub fn symlink(path: &str, target: &str) -> Self {
        FileInfo {
            kind: FileKind::Symlink(target.to_string()),
            ..FileInfo::file(path, 0o777)
        }
    }

    /// The same entry owned by `uid:gid`.
    pub fn owned_by(mut self, uid: u32, gid: u32) -> Self {
        self.uid = Some(uid);
        self.gid = Some(gid);
        self
    }

    /// The same entry with a `#!` interpreter line.
    pub fn with_interpreter(mut self, interpreter: &str) -> Self {
        self.interpreter = Some(interpreter.to_string());
        self
    }

    /// Whether this is a regular file with an execute bit.
    pub fn is_executable_file(&self) -> bool {
        self.kind == FileKind::File && self.mode & 0o111 != 0
    }
}
