//! The stage kinds this binary knows, in one list.

use std::sync::Arc;

use secchain_pipeline::StageRegistry;

/// Every stage kind, in the order the docs list them.
pub fn registry() -> StageRegistry {
    StageRegistry::new(vec![
        Arc::new(secchain_lint::LintStage),
        Arc::new(secchain_pin::PinStage),
        Arc::new(secchain_scan::ScanStage::default()),
        Arc::new(secchain_image::SbomStage),
        Arc::new(secchain_sign::SignStage),
        Arc::new(secchain_policy::PolicyStage),
        Arc::new(secchain_runtime_rules::RuntimeRulesStage),
        Arc::new(secchain_provenance::ProvenanceStage),
        Arc::new(secchain_secrets::SecretsStage),
        Arc::new(secchain_exec::ExecStage),
    ])
}
