//! Loading a pipeline file: read, parse, interpolate, apply `extends:`, type, validate.
//!
//! [`load`] is the only way to get a [`LoadedPipeline`]; it either returns a pipeline
//! that is ready to run or a [`ConfigError`] holding every problem found, each with its
//! file, line and column. Nothing touches the network except fetching `https://` bases,
//! and those must be pinned by sha256.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{ConfigError, Diagnostic, SourceMap};
use crate::interpolate::{interpolate, Env};
use crate::merge::merge;
use crate::model::Pipeline;
use crate::node::{Node, NodeValue, Pos};
use crate::redact::Redactor;
use crate::registry::StageRegistry;
use crate::report::SourceRef;
use crate::validate::validate;

/// Fetches remote base pipelines (`extends: [{url: https://…, sha256: …}]`).
pub trait Fetch {
    /// The bytes at `url`, which are expected to hash to `sha256` (hex), or a message
    /// saying why not. The loader checks the digest itself; implementations may use it
    /// as a cache key.
    fn fetch(&self, url: &str, sha256: &str) -> Result<Vec<u8>, String>;
}

/// What [`load`] needs besides the file.
pub struct LoadOptions<'a> {
    /// The stage kinds that exist.
    pub registry: &'a StageRegistry,
    /// Where `${VAR}` values come from.
    pub env: &'a dyn Env,
    /// Fetcher for `https://` bases; `None` rejects them.
    pub fetch: Option<&'a dyn Fetch>,
    /// Check that referenced files (the Dockerfile) exist.
    pub check_files: bool,
    /// The image given on the command line (`--image`): it stands in for the file's
    /// `image:` when the stages' configuration is checked.
    pub image: Option<&'a str>,
}

/// A pipeline ready to run.
#[derive(Clone, Debug)]
pub struct LoadedPipeline {
    /// The pipeline file as given.
    pub path: PathBuf,
    /// The directory relative paths are resolved against.
    pub base_dir: PathBuf,
    /// The typed, effective pipeline.
    pub pipeline: Pipeline,
    /// The effective pipeline as a node tree (positions say which file set what).
    pub tree: Node,
    /// The text of every file involved.
    pub sources: SourceMap,
    /// The bases, with the digests of their text.
    pub extends: Vec<SourceRef>,
    /// `sha256:…` of the effective pipeline as canonical JSON.
    pub digest: String,
    /// Secrets seen during interpolation.
    pub redactor: Redactor,
}

/// Loads, merges and validates the pipeline at `path`.
pub fn load(path: &Path, opts: &LoadOptions<'_>) -> Result<LoadedPipeline, ConfigError> {
    load_origin(path, Origin::Path(path.to_path_buf()), opts)
}

/// Loads a pipeline given as text (for commands that run one stage on its own); `path`
/// names it in messages and its directory resolves relative paths.
pub fn load_text(
    path: &Path,
    text: &str,
    opts: &LoadOptions<'_>,
) -> Result<LoadedPipeline, ConfigError> {
    load_origin(
        path,
        Origin::Inline {
            name: path.to_path_buf(),
            text: text.to_string(),
        },
        opts,
    )
}

fn load_origin(
    path: &Path,
    origin: Origin,
    opts: &LoadOptions<'_>,
) -> Result<LoadedPipeline, ConfigError> {
    let mut loader = Loader {
        opts,
        sources: SourceMap::default(),
        diags: Vec::new(),
        extends: Vec::new(),
        redactor: Redactor::default(),
        stack: Vec::new(),
    };
    let tree = loader.load_file(&origin, None);
    let Loader {
        sources,
        mut diags,
        extends,
        redactor,
        ..
    } = loader;
    let fail = |diagnostics, sources| {
        Err(ConfigError {
            diagnostics,
            sources,
        })
    };
    let Some(tree) = tree else {
        return fail(diags, sources);
    };
    let base_dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let pipeline = validate(&tree, &base_dir, opts, &mut diags);
    match pipeline {
        Some(pipeline) if diags.is_empty() => {
            let canonical = serde_json::to_vec(&tree.to_json()).unwrap_or_default();
            Ok(LoadedPipeline {
                path: path.to_path_buf(),
                base_dir,
                pipeline,
                tree,
                sources,
                extends,
                digest: format!("sha256:{}", hex::encode(Sha256::digest(canonical))),
                redactor,
            })
        }
        _ => fail(diags, sources),
    }
}

enum Origin {
    Path(PathBuf),
    Inline { name: PathBuf, text: String },
    Url { url: String, sha256: String },
}

impl Origin {
    fn display(&self) -> String {
        match self {
            Origin::Path(p) | Origin::Inline { name: p, .. } => p.display().to_string(),
            Origin::Url { url, .. } => url.clone(),
        }
    }
}

struct Loader<'a> {
    opts: &'a LoadOptions<'a>,
    sources: SourceMap,
    diags: Vec<Diagnostic>,
    extends: Vec<SourceRef>,
    redactor: Redactor,
    stack: Vec<String>,
}

impl Loader<'_> {
    /// Loads one file and its bases; `None` when it could not be parsed at all.
    fn load_file(&mut self, origin: &Origin, referenced_at: Option<Pos>) -> Option<Node> {
        let name = origin.display();
        if self.stack.contains(&name) {
            self.diags.push(
                Diagnostic::new(
                    "config:extends-cycle",
                    format!(
                        "`{name}` extends itself (through {})",
                        self.stack.join(" → ")
                    ),
                    referenced_at,
                )
                .hint("remove one of the `extends:` entries that form the loop"),
            );
            return None;
        }
        let bytes = self.read(origin, referenced_at)?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                self.diags.push(Diagnostic::new(
                    "config:encoding",
                    format!("`{name}` is not valid UTF-8"),
                    referenced_at,
                ));
                return None;
            }
        };
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())));
        let file = self.sources.add(PathBuf::from(&name), text);
        if referenced_at.is_some() {
            self.extends.push(SourceRef {
                path: name.clone(),
                digest,
            });
        }
        let text = &self
            .sources
            .file(file)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let mut node = match Node::parse(text, file) {
            Ok(n) => n,
            Err((message, pos)) => {
                self.diags.push(
                    Diagnostic::new(
                        "config:syntax",
                        format!("invalid YAML: {message}"),
                        pos.or(Some(Pos {
                            file,
                            line: 1,
                            column: 1,
                        })),
                    )
                    .hint("check the indentation and quoting around this position"),
                );
                return None;
            }
        };
        if node.as_map().is_none() {
            self.diags.push(
                Diagnostic::new(
                    "config:type",
                    format!(
                        "a pipeline file must be a mapping, found {}",
                        node.kind_name()
                    ),
                    Some(node.pos),
                )
                .hint("start with `version: 1` and `stages:`"),
            );
            return None;
        }
        interpolate(&mut node, self.opts.env, &self.redactor, &mut self.diags);
        self.stack.push(name);
        let bases = self.bases(&node, origin);
        let mut effective: Option<Node> = None;
        for (base_origin, pos) in bases {
            if let Some(base) = self.load_file(&base_origin, Some(pos)) {
                effective = Some(match effective {
                    Some(acc) => merge(acc, base, self.opts.registry, &mut self.diags),
                    None => base,
                });
            }
        }
        self.stack.pop();
        Some(match effective {
            Some(base) => merge(base, node, self.opts.registry, &mut self.diags),
            None => node,
        })
    }

    fn read(&mut self, origin: &Origin, referenced_at: Option<Pos>) -> Option<Vec<u8>> {
        match origin {
            Origin::Inline { text, .. } => Some(text.clone().into_bytes()),
            Origin::Path(path) => match std::fs::read(path) {
                Ok(b) => Some(b),
                Err(e) => {
                    self.diags.push(
                        Diagnostic::new(
                            "config:file",
                            format!("cannot read pipeline file `{}`: {e}", path.display()),
                            referenced_at,
                        )
                        .hint("check the path; relative `extends:` paths are resolved against the file that names them"),
                    );
                    None
                }
            },
            Origin::Url { url, sha256 } => {
                let Some(fetch) = self.opts.fetch else {
                    self.diags.push(Diagnostic::new(
                        "config:extends-url",
                        format!("cannot fetch `{url}`: remote bases are not available here"),
                        referenced_at,
                    ));
                    return None;
                };
                match fetch.fetch(url, sha256) {
                    Ok(bytes) => {
                        let actual = hex::encode(Sha256::digest(&bytes));
                        if actual.eq_ignore_ascii_case(sha256) {
                            Some(bytes)
                        } else {
                            self.diags.push(
                                Diagnostic::new(
                                    "config:extends-digest",
                                    format!("`{url}` has sha256 {actual}, not the pinned {sha256}"),
                                    referenced_at,
                                )
                                .hint("the base pipeline changed; review the change, then update the pinned `sha256:`"),
                            );
                            None
                        }
                    }
                    Err(e) => {
                        self.diags.push(Diagnostic::new(
                            "config:extends-url",
                            format!("cannot fetch `{url}`: {e}"),
                            referenced_at,
                        ));
                        None
                    }
                }
            }
        }
    }

    /// The `extends:` entries of a file, resolved against it.
    fn bases(&mut self, node: &Node, origin: &Origin) -> Vec<(Origin, Pos)> {
        let Some(ext) = node.get("extends") else {
            return Vec::new();
        };
        let items: Vec<&Node> = match &ext.value {
            NodeValue::Seq(items) => items.iter().collect(),
            NodeValue::Str(_) | NodeValue::Map(_) => vec![ext],
            _ => {
                self.diags.push(bad_extends(ext.pos));
                return Vec::new();
            }
        };
        let dir = match origin {
            Origin::Path(p) | Origin::Inline { name: p, .. } => {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            }
            Origin::Url { .. } => PathBuf::new(),
        };
        let mut out = Vec::new();
        for item in items {
            match &item.value {
                NodeValue::Str(s) if s.starts_with("https://") || s.starts_with("http://") => {
                    self.diags.push(
                        Diagnostic::new(
                            "config:extends-url",
                            format!("remote base `{s}` is not pinned"),
                            Some(item.pos),
                        )
                        .hint(format!(
                            "write `- {{url: {s}, sha256: <hex digest of the file>}}`"
                        )),
                    )
                }
                NodeValue::Str(s) if matches!(origin, Origin::Url { .. }) => {
                    self.diags.push(Diagnostic::new(
                        "config:extends-url",
                        format!("a remote base cannot extend the local path `{s}`"),
                        Some(item.pos),
                    ))
                }
                NodeValue::Str(s) => out.push((Origin::Path(dir.join(s)), item.pos)),
                NodeValue::Map(_) => match (
                    item.get("url").and_then(Node::as_str),
                    item.get("sha256").and_then(Node::as_str),
                ) {
                    (Some(url), Some(sha)) if url.starts_with("https://") && is_sha256_hex(sha) => {
                        out.push((
                            Origin::Url {
                                url: url.to_string(),
                                sha256: sha.to_string(),
                            },
                            item.pos,
                        ))
                    }
                    (Some(url), _) if !url.starts_with("https://") => {
                        self.diags.push(Diagnostic::new(
                            "config:extends-url",
                            format!("remote base `{url}` must use https://"),
                            Some(item.pos),
                        ))
                    }
                    _ => self.diags.push(bad_extends(item.pos)),
                },
                _ => self.diags.push(bad_extends(item.pos)),
            }
        }
        out
    }
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn bad_extends(pos: Pos) -> Diagnostic {
    Diagnostic::new(
        "config:extends",
        "`extends:` entries must be paths or `{url, sha256}` mappings",
        Some(pos),
    )
    .hint("extends: [../base.yaml, {url: https://example.com/base.yaml, sha256: 64 hex digits}]")
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into the field and the expected names.
pub fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((field.to_string(), expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_serde_unknown_field_messages() {
        let (f, e) =
            parse_unknown_field("unknown field `severty`, expected one of `severity`, `kind`")
                .unwrap();
        assert_eq!(f, "severty");
        assert_eq!(e, vec!["severity", "kind"]);
        let (f, e) = parse_unknown_field("unknown field `x`, expected `run`").unwrap();
        assert_eq!((f.as_str(), e), ("x", vec!["run".to_string()]));
        assert!(parse_unknown_field("invalid type").is_none());
    }
}
