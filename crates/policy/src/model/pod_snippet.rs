//! The hardened pod spec (`core/v1` `PodSpec`), straight from `k8s-openapi`.
//!
//! The snippet is a `PodSpec` (what goes under a Deployment's `spec.template.spec`);
//! this module only names the `k8s-openapi` types the generator fills in.

pub use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EmptyDirVolumeSource, PodSecurityContext, PodSpec,
    SeccompProfile, SecurityContext, Volume, VolumeMount,
};
