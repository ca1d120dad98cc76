//! The `ValidatingAdmissionPolicy` (CEL) and its binding.
//!
//! The policy applies to Pods (CREATE, UPDATE) that run the image in any container, init
//! container or ephemeral container (a `matchConditions` entry), and then requires:
//! the image by digest, and a hardened pod: `runAsNonRoot` (container or pod level) and no
//! UID 0, `allowPrivilegeEscalation: false`, `readOnlyRootFilesystem: true`, capabilities
//! dropping `ALL` (adding at most `NET_BIND_SERVICE`), a `RuntimeDefault` (or `Localhost`)
//! seccomp profile, not privileged, no `hostPath` volumes, no host network, PID or IPC
//! namespace. Only standard CEL (`has`, `all`, `exists`, `matches`, ternaries) is used, so the
//! expressions run on every Kubernetes version with `admissionregistration.k8s.io/v1` (1.30+).
//! Regular expressions escape `.` as `[.]`, so no backslash needs escaping in CEL or YAML.

use std::collections::BTreeMap;

use super::Context;
use crate::model::vap::{
    LabelSelector, LabelSelectorRequirement, MatchCondition, MatchResources,
    NamedRuleWithOperations, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
    ValidatingAdmissionPolicyBindingSpec, ValidatingAdmissionPolicySpec, Validation, Variable,
    NAMESPACE_NAME_LABEL,
};
use crate::options::Mode;

/// The RE2 pattern matching every reference to the repository (any spelling, tag or digest).
pub fn image_pattern(ctx: &Context<'_>) -> String {
    let alternatives: Vec<String> = ctx
        .image
        .spellings()
        .iter()
        .map(|s| s.replace('.', "[.]"))
        .collect();
    format!("^({})([:@][^/]*)?$", alternatives.join("|"))
}

/// `true` for containers of `list` whose image is from the repository.
fn runs_image(list: &str, pattern: &str) -> String {
    format!("{list}.exists(c, c.image.matches('{pattern}'))")
}

fn check(expression: String, message: &str) -> Validation {
    Validation {
        expression,
        message: Some(message.to_string()),
        reason: Some("Forbidden".into()),
        message_expression: None,
    }
}

/// `<base>.<field>` is set and the container-level value wins over the pod-level one.
fn container_or_pod(field: &str, test: &str) -> String {
    format!(
        "variables.containers.all(c, has(c.securityContext) && has(c.securityContext.{field}) ? c.securityContext.{field}{test} : (has(object.spec.securityContext) && has(object.spec.securityContext.{field}) && object.spec.securityContext.{field}{test}))"
    )
}

fn container_only(condition: &str) -> String {
    format!("variables.containers.all(c, has(c.securityContext) && {condition})")
}

fn validations(ctx: &Context<'_>, pattern: &str) -> Vec<Validation> {
    let repo = ctx.image.repository();
    vec![
        check(
            format!("variables.containers.all(c, !c.image.matches('{pattern}') || c.image.matches('@sha256:[0-9a-f]{{64}}$'))"),
            &format!("images from {repo} must be referenced by digest ({repo}@sha256:...), not by tag"),
        ),
        check(
            container_or_pod("runAsNonRoot", " == true"),
            "every container must run with runAsNonRoot: true (in its securityContext or the pod's)",
        ),
        check(
            "variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.runAsUser) && c.securityContext.runAsUser == 0)) && !(has(object.spec.securityContext) && has(object.spec.securityContext.runAsUser) && object.spec.securityContext.runAsUser == 0)".into(),
            "no container may run as UID 0",
        ),
        check(
            container_only("has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false"),
            "every container must set allowPrivilegeEscalation: false",
        ),
        check(
            container_only("has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true"),
            "every container must set readOnlyRootFilesystem: true (mount an emptyDir where it writes)",
        ),
        check(
            container_only("has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && c.securityContext.capabilities.drop.exists(d, d == 'ALL') && (!has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(a, a == 'NET_BIND_SERVICE'))"),
            "every container must drop ALL capabilities (and add none but NET_BIND_SERVICE)",
        ),
        check(
            container_or_pod("seccompProfile", ".type in ['RuntimeDefault', 'Localhost']"),
            "every container must run with the RuntimeDefault (or a Localhost) seccomp profile",
        ),
        check(
            "variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged == true))".into(),
            "no container may be privileged",
        ),
        check(
            "!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))".into(),
            "hostPath volumes are not allowed",
        ),
        check(
            "!has(object.spec.hostNetwork) || object.spec.hostNetwork == false".into(),
            "hostNetwork is not allowed",
        ),
        check(
            "!has(object.spec.hostPID) || object.spec.hostPID == false".into(),
            "hostPID is not allowed",
        ),
        check(
            "!has(object.spec.hostIPC) || object.spec.hostIPC == false".into(),
            "hostIPC is not allowed",
        ),
    ]
}

/// The CEL expression listing every container of the pod.
pub const CONTAINERS_EXPRESSION: &str = "object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : []) + (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : [])";

/// Builds the policy.
pub fn policy(ctx: &Context<'_>) -> ValidatingAdmissionPolicy {
    let pattern = image_pattern(ctx);
    let match_condition = [
        runs_image("object.spec.containers", &pattern),
        format!(
            "(has(object.spec.initContainers) && {})",
            runs_image("object.spec.initContainers", &pattern)
        ),
        format!(
            "(has(object.spec.ephemeralContainers) && {})",
            runs_image("object.spec.ephemeralContainers", &pattern)
        ),
    ]
    .join(" || ");
    let spec = ValidatingAdmissionPolicySpec {
        failure_policy: Some("Fail".into()),
        match_constraints: Some(MatchResources {
            resource_rules: Some(vec![NamedRuleWithOperations {
                api_groups: Some(vec![String::new()]),
                api_versions: Some(vec!["v1".into()]),
                operations: Some(vec!["CREATE".into(), "UPDATE".into()]),
                resources: Some(vec!["pods".into()]),
                ..NamedRuleWithOperations::default()
            }]),
            ..MatchResources::default()
        }),
        match_conditions: Some(vec![MatchCondition {
            name: "runs-image".into(),
            expression: match_condition,
        }]),
        variables: Some(vec![Variable {
            name: "containers".into(),
            expression: CONTAINERS_EXPRESSION.into(),
        }]),
        validations: Some(validations(ctx, &pattern)),
        ..ValidatingAdmissionPolicySpec::default()
    };
    let mut vap = ValidatingAdmissionPolicy {
        spec: Some(spec),
        ..ValidatingAdmissionPolicy::default()
    };
    vap.metadata.name = Some(ctx.name.clone());
    vap.metadata.labels = Some(ctx.labels());
    vap
}

/// Builds the binding of the policy to the selected namespaces.
pub fn binding(ctx: &Context<'_>) -> ValidatingAdmissionPolicyBinding {
    let ns = &ctx.options.namespaces;
    let mut expressions = Vec::new();
    for (operator, values) in [("In", &ns.include), ("NotIn", &ns.exclude)] {
        if !values.is_empty() {
            expressions.push(LabelSelectorRequirement {
                key: NAMESPACE_NAME_LABEL.into(),
                operator: operator.into(),
                values: Some(values.clone()),
            });
        }
    }
    let match_resources = (!expressions.is_empty()).then(|| MatchResources {
        namespace_selector: Some(LabelSelector {
            match_expressions: Some(expressions),
            match_labels: None::<BTreeMap<String, String>>,
        }),
        ..MatchResources::default()
    });
    let actions = match ctx.options.mode {
        Mode::Enforce => vec!["Deny".to_string()],
        Mode::Warn => vec!["Warn".to_string(), "Audit".to_string()],
    };
    let spec = ValidatingAdmissionPolicyBindingSpec {
        policy_name: ctx.name.clone(),
        validation_actions: actions,
        match_resources,
        ..ValidatingAdmissionPolicyBindingSpec::default()
    };
    let mut b = ValidatingAdmissionPolicyBinding {
        spec,
        ..ValidatingAdmissionPolicyBinding::default()
    };
    b.metadata.name = Some(ctx.name.clone());
    b.metadata.labels = Some(ctx.labels());
    b
}
