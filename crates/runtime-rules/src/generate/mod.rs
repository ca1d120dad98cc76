//! Generating the Falco rules for an image from its [`ImageProfile`].
//!
//! Every list, macro and rule name carries an image-specific slug
//! (`secchain_<name>_<hash>_…`), so the files of several images can be loaded side
//! by side; every rule goes through the image macro (`secchain_<slug>_image`), which
//! matches only this image's repository (and digest, when pinned), so the rules do
//! nothing elsewhere.

mod builder;
mod files;
mod network;
mod process;
mod rule_id;

use std::collections::BTreeSet;

use serde::Serialize;

pub use builder::SkippedValue;
pub use rule_id::RuleId;

use crate::falco::rules::{Item, PluginVersion, RulesFile};
use crate::options::RuntimeRulesOptions;
use crate::profile::ImageProfile;
use crate::tetragon::{self, TracingPolicy};
use builder::Builder;

/// The Falco engine version the file declares: the one of the default rules it was
/// checked against (falcosecurity/rules snapshot in `shared/schemas/SOURCES.md`).
pub const REQUIRED_ENGINE_VERSION: &str = "0.57.0";

/// The container plugin version the file declares (`container.*` fields), as the
/// default rules do.
pub const REQUIRED_CONTAINER_PLUGIN: &str = "0.4.0";

/// What [`generate`] produces.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The Falco rules file.
    pub rules: RulesFile,
    /// The Tetragon policy, when asked for.
    pub tetragon: Option<TracingPolicy>,
    /// The macros of Falco's default rules the file references (empty when self-contained).
    pub relies_on_defaults: BTreeSet<String>,
    /// Image values left out because they cannot be written safely.
    pub skipped: Vec<SkippedValue>,
    /// A summary of the rules, for the stage report.
    pub summary: Vec<RuleSummary>,
}

/// One generated rule, in brief.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSummary {
    /// The rule id (for `priority_overrides`).
    pub id: &'static str,
    /// The rule's name in the file.
    pub name: String,
    /// Its priority.
    pub priority: &'static str,
}

/// Why rules could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The image's repository or digest cannot be written into a condition.
    #[error("the image reference cannot be used to scope the rules: {0}")]
    Scope(String),
}

/// Generates the rules (and the optional Tetragon policy) for `profile`.
pub fn generate(
    profile: &ImageProfile,
    opts: &RuntimeRulesOptions,
) -> Result<Generated, GenerateError> {
    let mut b = Builder::new(profile, opts)?;
    process::add_rules(&mut b);
    files::add_rules(&mut b);
    network::add_rules(&mut b);
    let finished = b.finish();

    let mut items = vec![
        Item::RequiredEngineVersion(REQUIRED_ENGINE_VERSION.to_string()),
        Item::RequiredPluginVersions(vec![PluginVersion {
            name: "container".to_string(),
            version: REQUIRED_CONTAINER_PLUGIN.to_string(),
        }]),
    ];
    items.extend(finished.items);
    let tetragon = if opts.tetragon {
        tetragon::policy(profile, opts, &finished.slug)
    } else {
        None
    };
    Ok(Generated {
        rules: RulesFile {
            header: finished.header,
            items,
        },
        tetragon,
        relies_on_defaults: finished.relies_on,
        skipped: finished.skipped,
        summary: finished.summary,
    })
}
