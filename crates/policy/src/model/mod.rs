//! Typed models of every document the stage writes, field by field after the upstream definitions.
//!
//! The two CRDs are modelled here with `kube`'s `CustomResource` derive; the Kubernetes
//! built-ins come from `k8s-openapi`. No document is ever produced from a string template.

pub mod cluster_image_policy;
pub mod kyverno;
pub mod pod_snippet;
pub mod vap;
