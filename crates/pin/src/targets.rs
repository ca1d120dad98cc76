//! Finding image references in Dockerfiles and YAML files, with their exact byte ranges.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use secchain_dockerfile::{Body, Dockerfile, Instruction};
use secchain_pipeline::node::{Node, NodeValue};

/// Where a reference was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// A Dockerfile `FROM`.
    From,
    /// A Dockerfile `COPY --from=IMAGE`.
    CopyFrom,
    /// A Dockerfile `RUN --mount=…,from=IMAGE`.
    MountFrom,
    /// A Dockerfile `ARG` default that a `FROM` expands.
    ArgDefault,
    /// A container image in a Kubernetes workload.
    Kubernetes,
    /// A service image in a compose file.
    Compose,
    /// A job container or service image in a GitHub Actions workflow.
    Workflow,
}

/// One image reference in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Where the reference text is, when it can be rewritten in place.
    pub range: Option<Range<usize>>,
    /// The text as written in the file.
    pub written: String,
    /// The reference after `ARG` expansion (what gets resolved).
    pub reference: String,
    /// Where it was found.
    pub kind: TargetKind,
    /// Why it cannot be rewritten in place, when `range` is `None`.
    pub not_rewritable: Option<String>,
}

/// Errors finding targets: the file could not be read or parsed.
#[derive(Debug)]
pub struct TargetError {
    /// The file.
    pub file: PathBuf,
    /// What went wrong, with line and column when known.
    pub message: String,
}

/// Whether a path looks like a Dockerfile (`Dockerfile`, `Dockerfile.prod`, `app.dockerfile`).
pub fn is_dockerfile(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.starts_with("dockerfile")
        || name.ends_with(".dockerfile")
        || name.starts_with("containerfile")
}

/// Every image reference in `file` (`text` is its content).
pub fn find_targets(
    file: &Path,
    text: &str,
    build_args: &BTreeMap<String, String>,
) -> Result<Vec<Target>, TargetError> {
    if is_dockerfile(file) {
        let df = secchain_dockerfile::parse(text).map_err(|e| TargetError {
            file: file.to_path_buf(),
            message: e.to_string(),
        })?;
        Ok(dockerfile_targets(file, &df, build_args))
    } else {
        yaml_targets(file, text)
    }
}

fn dockerfile_targets(
    file: &Path,
    df: &Dockerfile,
    build_args: &BTreeMap<String, String>,
) -> Vec<Target> {
    let source = df.source();
    let mut vars = df.global_args();
    vars.extend(build_args.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut stage_names: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut stage_index = 0usize;
    for instr in &df.instructions {
        match &instr.body {
            Body::From(from) => {
                let resolved = df.resolved_image(from, build_args);
                let is_stage = stage_names.contains(&resolved.text.to_ascii_lowercase());
                if !resolved.is_scratch() && !is_stage {
                    out.push(from_target(
                        file,
                        df,
                        source,
                        &from.image,
                        &resolved.text,
                        &vars,
                        build_args,
                    ));
                }
                if let Some(alias) = &from.alias {
                    stage_names.insert(alias.value.to_ascii_lowercase());
                }
                stage_names.insert(stage_index.to_string());
                stage_index += 1;
            }
            Body::Copy(_) | Body::Add(_) => {
                if let Some(flag) = instr.flag("from") {
                    let value = flag.value.clone().unwrap_or_default();
                    if !stage_names.contains(&value.to_ascii_lowercase()) && !value.is_empty() {
                        if let Some(span) = flag.value_span {
                            out.push(plain_target(
                                file,
                                source,
                                span.start..span.end,
                                span.line,
                                span.column,
                                TargetKind::CopyFrom,
                            ));
                        }
                    }
                }
            }
            Body::Run(_) => out.extend(mount_targets(file, source, instr, &stage_names)),
            _ => {}
        }
    }
    out
}

fn plain_target(
    file: &Path,
    source: &str,
    range: Range<usize>,
    line: u32,
    column: u32,
    kind: TargetKind,
) -> Target {
    let written = source.get(range.clone()).unwrap_or_default().to_string();
    Target {
        file: file.to_path_buf(),
        line,
        column,
        range: Some(range),
        reference: written.clone(),
        written,
        kind,
        not_rewritable: None,
    }
}

/// A `FROM` target; when the image is built from an `ARG`, the `ARG`'s default is the
/// text to rewrite (if it comes from this file), else the reference cannot be pinned in place.
fn from_target(
    file: &Path,
    df: &Dockerfile,
    source: &str,
    image: &secchain_dockerfile::ImageRef,
    resolved: &str,
    vars: &BTreeMap<String, String>,
    build_args: &BTreeMap<String, String>,
) -> Target {
    let span = image.span;
    let mut target = plain_target(
        file,
        source,
        span.start..span.end,
        span.line,
        span.column,
        TargetKind::From,
    );
    target.reference = resolved.to_string();
    if !image.has_variable() {
        return target;
    }
    let var = image
        .text
        .trim_start_matches('$')
        .trim_start_matches('{')
        .trim_end_matches('}');
    let whole_var =
        var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && vars.contains_key(var);
    if whole_var && !build_args.contains_key(var) {
        if let Some((range, line, column)) = arg_default_range(df, source, var) {
            target.range = Some(range.clone());
            target.written = source[range].to_string();
            target.line = line;
            target.column = column;
            target.kind = TargetKind::ArgDefault;
            return target;
        }
    }
    target.range = None;
    target.not_rewritable = Some(
        if build_args.keys().any(|k| image.text.contains(k.as_str())) {
            "the image comes from a build argument given in the pipeline; pin the value there"
                .into()
        } else {
            "the image is built from several variables; pin the ARG values it expands".into()
        },
    );
    target
}

/// The byte range of the default value of global `ARG name=value`.
fn arg_default_range(
    df: &Dockerfile,
    source: &str,
    name: &str,
) -> Option<(Range<usize>, u32, u32)> {
    for instr in &df.instructions {
        if instr.as_from().is_some() {
            break;
        }
        let Body::Arg(decls) = &instr.body else {
            continue;
        };
        if let Some(decl) = decls.iter().find(|d| d.name == name && d.default.is_some()) {
            let text = source.get(decl.span.start..decl.span.end)?;
            let eq = text.find('=')?;
            let mut start = decl.span.start + eq + 1;
            let mut end = decl.span.end;
            let value = &source[start..end];
            if (value.starts_with('"') && value.ends_with('"')
                || value.starts_with('\'') && value.ends_with('\''))
                && value.len() >= 2
            {
                start += 1;
                end -= 1;
            }
            let span = df.span(start..end);
            return Some((start..end, span.line, span.column));
        }
    }
    None
}

fn mount_targets(
    file: &Path,
    source: &str,
    instr: &Instruction,
    stages: &HashSet<String>,
) -> Vec<Target> {
    let mut out = Vec::new();
    for flag in instr.flags.iter().filter(|f| f.name == "mount") {
        let (Some(value), Some(span)) = (&flag.value, flag.value_span) else {
            continue;
        };
        let raw = source.get(span.start..span.end).unwrap_or_default();
        let mut offset = 0;
        for part in raw.split(',') {
            if let Some(from) = part.trim_start().strip_prefix("from=") {
                let lead = part.len() - part.trim_start().len() + "from=".len();
                let start = span.start + offset + lead;
                if !stages.contains(&from.to_ascii_lowercase())
                    && !from.is_empty()
                    && value.contains(from)
                {
                    let column = span.column + u32::try_from(offset + lead).unwrap_or(0);
                    out.push(plain_target(
                        file,
                        source,
                        start..start + from.len(),
                        span.line,
                        column,
                        TargetKind::MountFrom,
                    ));
                }
            }
            offset += part.len() + 1;
        }
    }
    out
}

/// Image references in a YAML file (every document of it).
fn yaml_targets(file: &Path, text: &str) -> Result<Vec<Target>, TargetError> {
    let docs: Vec<Node> = serde_saphyr::from_multiple(text).map_err(|e| TargetError {
        file: file.to_path_buf(),
        message: format!(
            "invalid YAML{}: {}",
            e.location()
                .map(|l| format!(" at {}:{}", l.line(), l.column()))
                .unwrap_or_default(),
            e.to_string().lines().next().unwrap_or_default()
        ),
    })?;
    let lines = LineStarts::new(text);
    let mut found: Vec<(&Node, TargetKind)> = Vec::new();
    for doc in &docs {
        if doc.get("jobs").is_some() {
            workflow_images(doc, &mut found);
        } else if doc.get("services").is_some() && doc.get("apiVersion").is_none() {
            for (_, service) in doc
                .get("services")
                .and_then(Node::as_map)
                .unwrap_or_default()
            {
                if let Some(image) = service.get("image") {
                    found.push((image, TargetKind::Compose));
                }
            }
        } else {
            kubernetes_images(doc, &mut found);
        }
    }
    let mut out = Vec::new();
    for (node, kind) in found {
        let Some(value) = node.as_str() else { continue };
        let start = lines.offset(text, node.pos.line, node.pos.column);
        let range = scalar_range(text, start, value);
        out.push(Target {
            file: file.to_path_buf(),
            line: node.pos.line,
            column: node.pos.column,
            written: range
                .as_ref()
                .and_then(|r| text.get(r.clone()))
                .unwrap_or(value)
                .to_string(),
            reference: value.to_string(),
            not_rewritable: range.is_none().then(|| {
                "the value is written in a form that cannot be rewritten in place".to_string()
            }),
            range,
            kind,
        });
    }
    Ok(out)
}

fn kubernetes_images<'a>(node: &'a Node, out: &mut Vec<(&'a Node, TargetKind)>) {
    match &node.value {
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                if matches!(
                    key.name.as_str(),
                    "containers" | "initContainers" | "ephemeralContainers"
                ) {
                    if let NodeValue::Seq(items) = &value.value {
                        out.extend(
                            items
                                .iter()
                                .filter_map(|c| c.get("image"))
                                .map(|i| (i, TargetKind::Kubernetes)),
                        );
                    }
                } else {
                    kubernetes_images(value, out);
                }
            }
        }
        NodeValue::Seq(items) => items.iter().for_each(|i| kubernetes_images(i, out)),
        _ => {}
    }
}

fn workflow_images<'a>(doc: &'a Node, out: &mut Vec<(&'a Node, TargetKind)>) {
    for (_, job) in doc.get("jobs").and_then(Node::as_map).unwrap_or_default() {
        match job.get("container") {
            Some(c) if c.as_str().is_some() => out.push((c, TargetKind::Workflow)),
            Some(c) => out.extend(c.get("image").map(|i| (i, TargetKind::Workflow))),
            None => {}
        }
        for (_, service) in job
            .get("services")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            out.extend(service.get("image").map(|i| (i, TargetKind::Workflow)));
        }
    }
}

/// Byte offsets of line starts, to turn (line, character column) into a byte offset.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    fn offset(&self, text: &str, line: u32, column: u32) -> usize {
        let start = self
            .0
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(text.len());
        let rest = &text[start..];
        start
            + rest
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(rest.len(), |(i, _)| i)
    }
}

/// The byte range of a scalar's content starting at `start` (inside quotes for quoted
/// scalars), checked against its parsed `value`; `None` if it does not match (escapes,
/// block scalars), so such a value is never rewritten.
fn scalar_range(text: &str, start: usize, value: &str) -> Option<Range<usize>> {
    let rest = text.get(start..)?;
    let (content_start, candidate) = match rest.chars().next()? {
        q @ ('"' | '\'') => (start + 1, &rest[1..rest[1..].find(q)? + 1]),
        _ => (start, rest),
    };
    candidate
        .starts_with(value)
        .then(|| content_start..content_start + value.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(name: &str, text: &str) -> Vec<Target> {
        find_targets(Path::new(name), text, &BTreeMap::new()).unwrap()
    }

    #[test]
    fn dockerfile_references_skip_scratch_and_stages() {
        let text = "ARG BASE=debian:12\nFROM ${BASE} AS build\nRUN --mount=type=cache,target=/c --mount=type=bind,from=golang:1.22,source=/x,target=/y true\nFROM scratch\nCOPY --from=build /a /a\nCOPY --from=alpine:3.20 /etc/os-release /o\nFROM build\n";
        let t = targets("Dockerfile", text);
        let got: Vec<(TargetKind, &str, u32)> = t
            .iter()
            .map(|t| (t.kind, t.written.as_str(), t.line))
            .collect();
        assert_eq!(
            got,
            [
                (TargetKind::ArgDefault, "debian:12", 1),
                (TargetKind::MountFrom, "golang:1.22", 3),
                (TargetKind::CopyFrom, "alpine:3.20", 6)
            ]
        );
        for t in &t {
            assert_eq!(&text[t.range.clone().unwrap()], t.written);
        }
    }

    #[test]
    fn yaml_references_in_workloads_compose_and_workflows() {
        let k8s = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: init\n          image: \"busybox:1.36\"\n      containers:\n        - {name: app, image: 'nginx:1.27'}\n---\napiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n              image: alpine:3.20 # nightly\n";
        let t = targets("k8s.yaml", k8s);
        let got: Vec<(&str, u32)> = t.iter().map(|t| (t.written.as_str(), t.line)).collect();
        assert_eq!(
            got,
            [("busybox:1.36", 8), ("nginx:1.27", 10), ("alpine:3.20", 21)]
        );
        for t in &t {
            assert_eq!(&k8s[t.range.clone().unwrap()], t.written);
        }
        let compose = "services:\n  db:\n    image: postgres:16\n  app:\n    build: .\n";
        assert_eq!(targets("compose.yaml", compose)[0].written, "postgres:16");
        let wf = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: node:20\n    services:\n      redis:\n        image: redis:7\n";
        let got: Vec<String> = targets("ci.yml", wf)
            .into_iter()
            .map(|t| t.written)
            .collect();
        assert_eq!(got, ["node:20", "redis:7"]);
    }

    #[test]
    fn arg_from_a_build_argument_cannot_be_rewritten() {
        let mut args = BTreeMap::new();
        args.insert("BASE".to_string(), "debian:11".to_string());
        let t = find_targets(
            Path::new("Dockerfile"),
            "ARG BASE=debian:12\nFROM $BASE\n",
            &args,
        )
        .unwrap();
        assert_eq!(t[0].reference, "debian:11");
        assert!(t[0].range.is_none() && t[0].not_rewritable.is_some());
    }
}
