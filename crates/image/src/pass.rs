//! The run's one pass over the subject image's layers, shared by the stages.
//!
//! Opening the subject streams every layer once to build the merged view. Stages
//! that need every layer's contents (the secret scan) register a [`PassVisitor`] in
//! [`Stage::prepare`](secchain_pipeline::Stage::prepare), before any stage runs; the
//! package catalogue's files are prefetched in the same pass (see [`crate::prefetch`]).
//! Whichever stage opens the image first runs the pass for everyone; each stage then
//! takes its own visitor's result with [`take_pass_result`].

use std::any::Any;
use std::collections::HashMap;
use std::sync::Mutex;

use secchain_oci::ContentVisitor;
use secchain_pipeline::{SharedFacts, StageContext};

use crate::Subject;

/// A reader registered for the shared pass; its [`PassVisitor::finish`] result is kept
/// for the stage that registered it.
pub trait PassVisitor: ContentVisitor {
    /// The visitor's result once every layer was walked.
    fn finish(self: Box<Self>) -> Box<dyn Any + Send>;
}

/// The visitors registered for the run's pass, by stage name.
#[derive(Default)]
pub(crate) struct PassRegistry {
    visitors: Mutex<Vec<(String, Box<dyn PassVisitor>)>>,
}

impl PassRegistry {
    /// Takes every registered visitor (the pass runs once).
    pub(crate) fn take(facts: &SharedFacts) -> Vec<(String, Box<dyn PassVisitor>)> {
        let registry = facts.get_or_default::<PassRegistry>();
        let mut visitors = registry.visitors.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *visitors)
    }
}

/// Registers `visitor` for the shared pass on behalf of the stage `ctx` belongs to.
/// Call it from `Stage::prepare`; a registration after the image was opened is
/// ignored, and [`take_pass_result`] then returns `None`.
pub fn register_pass(ctx: &StageContext, visitor: Box<dyn PassVisitor>) {
    let registry = ctx.facts.get_or_default::<PassRegistry>();
    let mut visitors = registry.visitors.lock().unwrap_or_else(|e| e.into_inner());
    visitors.retain(|(name, _)| *name != ctx.name);
    visitors.push((ctx.name.clone(), visitor));
}

/// The results of the shared pass's visitors, by stage name.
#[derive(Default)]
pub(crate) struct PassResults(Mutex<HashMap<String, Box<dyn Any + Send>>>);

impl std::fmt::Debug for PassResults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let results = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_set().entries(results.keys()).finish()
    }
}

impl PassResults {
    pub(crate) fn new(results: HashMap<String, Box<dyn Any + Send>>) -> Self {
        PassResults(Mutex::new(results))
    }
}

/// The result of the visitor the stage `ctx` belongs to registered, if the shared pass
/// ran it (once: the result moves to the caller). `None` when the stage registered
/// nothing, or registered too late; the stage then walks the layers itself.
pub fn take_pass_result<T: Any>(ctx: &StageContext, subject: &Subject) -> Option<T> {
    let mut results = subject
        .pass_results
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let result = results.remove(&ctx.name)?;
    result.downcast::<T>().ok().map(|b| *b)
}
