//! The hardened pod spec for this image, ready to paste under a Deployment's
//! `spec.template.spec`.
//!
//! It runs the image by digest as its numeric non-root user, with every setting the
//! `ValidatingAdmissionPolicy` requires: `runAsNonRoot`, no privilege escalation, a
//! read-only root file system with an `emptyDir` for each path the image writes, all
//! capabilities dropped, the `RuntimeDefault` seccomp profile and no service account token.

use super::naming;
use super::Context;
use crate::error::{Error, Result};
use crate::input::NumericUser;
use crate::model::pod_snippet::{
    Capabilities, Container, ContainerPort, EmptyDirVolumeSource, PodSecurityContext, PodSpec,
    SeccompProfile, SecurityContext, Volume, VolumeMount,
};

/// The numeric non-root user the pod runs as, or the error naming the setting.
pub fn run_as(ctx: &Context<'_>) -> Result<NumericUser> {
    let fix = "set a numeric non-root user in the policy stage's `with.image_config.user` (e.g. \"10001:10001\"), or drop `pod-snippet` from `with.emit`";
    let user = ctx.input.image_user.as_deref().map(str::trim).unwrap_or("");
    if user.is_empty() {
        return Err(Error::missing(
            "image_user",
            format!("the image config sets no `User`, so it runs as root; {fix}"),
        ));
    }
    let numeric = NumericUser::parse(user).ok_or_else(|| {
        Error::invalid(
            "image_user",
            format!("`{user}` is a user name; Kubernetes can only verify runAsNonRoot for a numeric UID; {fix}"),
        )
    })?;
    if numeric.uid == 0 {
        return Err(Error::invalid(
            "image_user",
            format!("`{user}` is root; {fix}"),
        ));
    }
    Ok(numeric)
}

fn seccomp() -> SeccompProfile {
    SeccompProfile {
        type_: "RuntimeDefault".into(),
        localhost_profile: None,
    }
}

/// Builds the pod spec.
pub fn build(ctx: &Context<'_>) -> Result<PodSpec> {
    let user = run_as(ctx)?;
    let paths = writable_paths(&ctx.input.writable_paths)?;
    let names = naming::volume_names(&paths);
    let mounts: Vec<VolumeMount> = paths
        .iter()
        .zip(&names)
        .map(|(path, name)| VolumeMount {
            name: name.clone(),
            mount_path: path.clone(),
            ..VolumeMount::default()
        })
        .collect();
    let volumes: Vec<Volume> = names
        .iter()
        .map(|name| Volume {
            name: name.clone(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Volume::default()
        })
        .collect();
    let mut ports: Vec<_> = ctx.input.exposed_ports.clone();
    ports.sort();
    ports.dedup();
    let container = Container {
        name: naming::dns_label(
            ctx.options
                .container_name
                .as_deref()
                .unwrap_or(ctx.image.short_name()),
        ),
        image: Some(ctx.image.pinned()),
        ports: (!ports.is_empty()).then(|| {
            ports
                .iter()
                .map(|p| ContainerPort {
                    container_port: i32::from(p.port),
                    protocol: Some(p.protocol.as_k8s().into()),
                    ..ContainerPort::default()
                })
                .collect()
        }),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities {
                add: None,
                drop: Some(vec!["ALL".into()]),
            }),
            privileged: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            run_as_user: Some(user.uid),
            run_as_group: user.gid,
            seccomp_profile: Some(seccomp()),
            ..SecurityContext::default()
        }),
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        ..Container::default()
    };
    Ok(PodSpec {
        automount_service_account_token: Some(false),
        containers: vec![container],
        security_context: Some(PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(user.uid),
            run_as_group: user.gid,
            seccomp_profile: Some(seccomp()),
            ..PodSecurityContext::default()
        }),
        volumes: (!volumes.is_empty()).then_some(volumes),
        ..PodSpec::default()
    })
}

/// Absolute, normalised (no trailing `/`), de-duplicated writable paths.
fn writable_paths(paths: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in paths {
        let p = raw.trim();
        let normalised = format!("/{}", p.trim_matches('/'));
        if !p.starts_with('/') || normalised == "/" || p.split('/').any(|c| c == "..") {
            return Err(Error::invalid(
                "writable_paths",
                format!("`{raw}` must be an absolute directory below `/` (e.g. /tmp)"),
            ));
        }
        if !out.contains(&normalised) {
            out.push(normalised);
        }
    }
    Ok(out)
}
