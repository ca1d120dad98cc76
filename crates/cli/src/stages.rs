//! The stage kinds this binary knows, in one list.
//!
//! Kinds whose implementation has not landed yet are still registered, so pipelines
//! that use them validate, but they fail loudly at run time: an unfinished stage never
//! reports a pass.

use std::sync::Arc;

use async_trait::async_trait;
use secchain_pipeline::{
    ConfigProblem, Stage, StageConfig, StageContext, StageError, StageRegistry, StageReport,
};

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
        pending(
            "provenance",
            7,
            "writes one signed SLSA provenance linking every stage (not implemented yet: issue #7)",
        ),
        Arc::new(secchain_secrets::SecretsStage),
        Arc::new(secchain_exec::ExecStage),
    ])
}

/// A stage kind that is part of the pipeline format but not built yet.
struct Pending {
    kind: &'static str,
    issue: u32,
    summary: &'static str,
}

fn pending(kind: &'static str, issue: u32, summary: &'static str) -> Arc<dyn Stage> {
    Arc::new(Pending {
        kind,
        issue,
        summary,
    })
}

#[async_trait]
impl Stage for Pending {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn summary(&self) -> &'static str {
        self.summary
    }

    fn check_config(&self, _config: &StageConfig<'_>) -> Vec<ConfigProblem> {
        Vec::new()
    }

    async fn run(&self, _ctx: StageContext) -> Result<StageReport, StageError> {
        Err(StageError::NotImplemented {
            kind: self.kind.to_string(),
            issue: self.issue,
        })
    }
}
