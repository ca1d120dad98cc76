//! The validation pass: every problem in an effective pipeline, each with its location.
//!
//! Runs before anything else (no registry, no network): unknown keys (with the likely
//! intended key), wrong types, the format version, unknown stage kinds, duplicate stage
//! names, `needs:` naming missing stages or forming a cycle, a missing Dockerfile, and
//! each stage's own check of its `with:` and `gate:` sections. Problems are collected,
//! not reported one at a time.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diag::{did_you_mean, Diagnostic};
use crate::load::{parse_unknown_field, LoadOptions};
use crate::model::{Pipeline, StageSpec, PIPELINE_VERSION, STAGE_KEYS, TOP_LEVEL_KEYS};
use crate::node::{Node, NodeValue, PathSeg};
use crate::stage::StageConfig;

/// Types and checks the effective pipeline tree. Returns the pipeline only when it could be typed.
pub fn validate(
    tree: &Node,
    base_dir: &Path,
    opts: &LoadOptions<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Pipeline> {
    check_keys(tree, &[], TOP_LEVEL_KEYS, "the pipeline", diags);
    if let Some(NodeValue::Seq(stages)) = tree.get("stages").map(|n| &n.value) {
        for (i, stage) in stages.iter().enumerate() {
            let path = [PathSeg::Key("stages".into()), PathSeg::Index(i)];
            check_keys(tree, &path, STAGE_KEYS, "a stage", diags);
            if stage.as_map().is_some() && stage.get("kind").is_none() {
                diags.push(
                    Diagnostic::new(
                        "config:missing-key",
                        "this stage has no `kind:`",
                        Some(stage.pos),
                    )
                    .hint(format!(
                        "add `kind:` with one of: {}",
                        opts.registry.kinds().collect::<Vec<_>>().join(", ")
                    )),
                );
            }
        }
    }
    // Unknown keys are reported above; drop them so every other problem is found too.
    let mut json = tree.to_json();
    retain_known(&mut json, TOP_LEVEL_KEYS);
    if let Some(obj) = json.as_object_mut() {
        obj.remove("extends");
        if let Some(serde_json::Value::Array(stages)) = obj.get_mut("stages") {
            stages.iter_mut().for_each(|s| retain_known(s, STAGE_KEYS));
        }
    }
    let pipeline: Pipeline = match serde_path_to_error::deserialize(json) {
        Ok(p) => p,
        Err(e) => {
            diags.push(type_error(tree, &e));
            return None;
        }
    };
    if pipeline.version != PIPELINE_VERSION {
        diags.push(
            Diagnostic::new(
                "config:version",
                format!("unsupported pipeline version {}", pipeline.version),
                tree.get("version").map(|n| n.pos),
            )
            .hint(format!("this secchain reads `version: {PIPELINE_VERSION}`")),
        );
    }
    check_stages(tree, &pipeline, base_dir, opts, diags);
    Some(pipeline)
}

fn retain_known(value: &mut serde_json::Value, allowed: &[&str]) {
    if let Some(obj) = value.as_object_mut() {
        obj.retain(|k, _| allowed.contains(&k.as_str()));
    }
}

/// Reports every key of the mapping at `path` that is not in `allowed`.
fn check_keys(
    tree: &Node,
    path: &[PathSeg],
    allowed: &[&str],
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(entries) = tree.lookup(path).as_map() else {
        return;
    };
    for (key, _) in entries {
        if !allowed.contains(&key.name.as_str()) {
            let hint = match did_you_mean(&key.name, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("{what} may have: {}", allowed.join(", ")),
            };
            diags.push(
                Diagnostic::new(
                    "config:unknown-key",
                    format!("unknown key `{}` in {what}", key.name),
                    Some(key.pos),
                )
                .hint(hint),
            );
        }
    }
}

fn type_error(tree: &Node, err: &serde_path_to_error::Error<serde_json::Error>) -> Diagnostic {
    let mut path = Vec::new();
    for seg in err.path().iter() {
        match seg {
            serde_path_to_error::Segment::Map { key } => path.push(PathSeg::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => path.push(PathSeg::Index(*index)),
            _ => {}
        }
    }
    let message = err.inner().to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let shown = crate::node::display_path(&path);
    if let Some((field, expected)) = parse_unknown_field(&message) {
        let pos = tree.key_pos(&path, &field);
        return Diagnostic::new(
            "config:unknown-key",
            format!("unknown key `{field}` in `{shown}`"),
            Some(pos),
        )
        .hint(
            match did_you_mean(&field, expected.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("expected one of: {}", expected.join(", ")),
            },
        );
    }
    let node = tree.lookup(&path);
    let hint = if shown.ends_with("locked") {
        "write `locked: true`, or a list of: required, gate, with, continue_on_error".to_string()
    } else {
        format!("found {} here", node.kind_name())
    };
    Diagnostic::new(
        "config:type",
        format!("`{shown}`: {message}"),
        Some(node.pos),
    )
    .hint(hint)
}

fn stage_path(i: usize) -> Vec<PathSeg> {
    vec![PathSeg::Key("stages".into()), PathSeg::Index(i)]
}

fn check_stages(
    tree: &Node,
    pipeline: &Pipeline,
    base_dir: &Path,
    opts: &LoadOptions<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let kinds: Vec<&str> = opts.registry.kinds().collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let dockerfile = pipeline.dockerfile.as_ref().map(|d| base_dir.join(d));
    if let (Some(path), true) = (&dockerfile, opts.check_files) {
        if !path.is_file() {
            diags.push(
                Diagnostic::new(
                    "config:missing-file",
                    format!("the Dockerfile `{}` does not exist", path.display()),
                    tree.get("dockerfile").map(|n| n.pos),
                )
                .hint("paths are relative to the pipeline file's directory"),
            );
        }
    }
    for (i, stage) in pipeline.stages.iter().enumerate() {
        let at = stage_path(i);
        let stage_node = tree.lookup(&at);
        if let Some(first) = seen.insert(stage.id(), i) {
            diags.push(
                Diagnostic::new(
                    "config:duplicate-stage",
                    format!("two stages are named `{}`", stage.id()),
                    Some(stage_node.get("name").unwrap_or(stage_node).pos),
                )
                .related(tree.lookup(&stage_path(first)).pos, "the first one")
                .hint("give each stage of the same kind its own `name:`"),
            );
        }
        let Some(implementation) = opts.registry.get(&stage.kind) else {
            let hint = match did_you_mean(&stage.kind, kinds.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known kinds: {}", kinds.join(", ")),
            };
            diags.push(
                Diagnostic::new(
                    "config:unknown-kind",
                    format!("unknown stage kind `{}`", stage.kind),
                    stage_node.get("kind").map(|n| n.pos),
                )
                .hint(hint),
            );
            continue;
        };
        let null = serde_json::Value::Null;
        let config = StageConfig {
            name: stage.id(),
            with: stage.with.as_ref().unwrap_or(&null),
            gate: stage.gate.as_ref().unwrap_or(&null),
            image: opts.image.or(pipeline.image.as_deref()),
            dockerfile: dockerfile.as_deref(),
            base_dir,
        };
        for problem in implementation.check_config(&config) {
            let node = stage_node.lookup(&problem.path);
            let pos = match &problem.key {
                Some(k) => node.get_entry(k).map_or(node.pos, |(k, _)| k.pos),
                None => node.pos,
            };
            let mut d = Diagnostic::new(
                "config:stage",
                format!("stage `{}`: {}", stage.id(), problem.message),
                Some(pos),
            );
            d.hint = problem.hint;
            diags.push(d);
        }
    }
    check_needs(tree, pipeline, diags);
}

fn check_needs(tree: &Node, pipeline: &Pipeline, diags: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = pipeline.stages.iter().map(StageSpec::id).collect();
    for (i, stage) in pipeline.stages.iter().enumerate() {
        for (j, need) in stage.needs.iter().flatten().enumerate() {
            let pos = tree
                .lookup(&[
                    PathSeg::Key("stages".into()),
                    PathSeg::Index(i),
                    PathSeg::Key("needs".into()),
                    PathSeg::Index(j),
                ])
                .pos;
            if need == stage.id() {
                diags.push(Diagnostic::new(
                    "config:needs",
                    format!("stage `{need}` needs itself"),
                    Some(pos),
                ));
            } else if !ids.contains(&need.as_str()) {
                let hint = match did_you_mean(need, ids.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("stages in this pipeline: {}", ids.join(", ")),
                };
                diags.push(
                    Diagnostic::new(
                        "config:needs",
                        format!(
                            "stage `{}` needs `{need}`, which is not a stage",
                            stage.id()
                        ),
                        Some(pos),
                    )
                    .hint(hint),
                );
            }
        }
    }
    if let Some(cycle) = find_cycle(pipeline) {
        let first = cycle[0];
        let pos = tree
            .lookup(&[
                PathSeg::Key("stages".into()),
                PathSeg::Index(first),
                PathSeg::Key("needs".into()),
            ])
            .pos;
        let names: Vec<&str> = cycle.iter().map(|&i| pipeline.stages[i].id()).collect();
        diags.push(
            Diagnostic::new(
                "config:needs-cycle",
                format!(
                    "`needs:` form a cycle: {} → {}",
                    names.join(" → "),
                    names[0]
                ),
                Some(pos),
            )
            .hint("remove one of these `needs:` entries"),
        );
    }
}

/// Stage indices forming a dependency cycle, if any (using the effective needs).
fn find_cycle(pipeline: &Pipeline) -> Option<Vec<usize>> {
    let deps = crate::executor::dependencies(pipeline);
    let mut state = vec![0u8; deps.len()];
    let mut stack = Vec::new();
    fn visit(
        i: usize,
        deps: &[Vec<usize>],
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[i] = 1;
        stack.push(i);
        for &d in &deps[i] {
            if state[d] == 1 {
                let start = stack.iter().position(|&s| s == d).unwrap_or(0);
                return Some(stack[start..].to_vec());
            }
            if state[d] == 0 {
                if let Some(c) = visit(d, deps, state, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        state[i] = 2;
        None
    }
    let mut seen = HashSet::new();
    for i in 0..deps.len() {
        if state[i] == 0 && seen.insert(i) {
            if let Some(c) = visit(i, &deps, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}
