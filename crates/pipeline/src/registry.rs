//! The set of stage kinds a binary knows, in one list.

use std::sync::Arc;

use crate::stage::Stage;

/// Every stage kind available to pipelines, looked up by `kind:`.
#[derive(Clone, Default)]
pub struct StageRegistry {
    stages: Vec<Arc<dyn Stage>>,
}

impl StageRegistry {
    /// A registry of the given stages. Later entries with the same kind are ignored.
    pub fn new(stages: Vec<Arc<dyn Stage>>) -> Self {
        let mut registry = StageRegistry::default();
        for stage in stages {
            if registry.get(stage.kind()).is_none() {
                registry.stages.push(stage);
            }
        }
        registry
    }

    /// The stage for `kind`.
    pub fn get(&self, kind: &str) -> Option<Arc<dyn Stage>> {
        self.stages.iter().find(|s| s.kind() == kind).cloned()
    }

    /// Every known kind, in registration order.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.stages.iter().map(|s| s.kind())
    }

    /// Every registered stage.
    pub fn stages(&self) -> &[Arc<dyn Stage>] {
        &self.stages
    }
}
