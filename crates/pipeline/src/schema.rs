//! The JSON Schema of the pipeline file, composed from the typed model and each stage's
//! own `with:`/`gate:` types.
//!
//! There is one source of truth: [`crate::model`] describes the file's shape and every
//! stage describes its sections through [`crate::Stage::config_schema`]. [`pipeline_schema`]
//! puts them together (JSON Schema draft 7, which editors' YAML language servers read):
//! each entry of `stages:` must name a known `kind`, and that kind decides what its
//! `with:` and `gate:` may hold.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::model::{Pipeline, StageSpec, PIPELINE_VERSION};
use crate::registry::StageRegistry;

/// The schema's `$id`: where the repository publishes it.
pub const SCHEMA_ID: &str =
    "https://github.com/secchain/secchain/raw/main/schemas/pipeline.schema.json";

/// What a stage accepts in its `with:` and `gate:` sections.
#[derive(Clone, Debug)]
pub struct StageSchema {
    /// The schema of `with:`.
    pub with: Schema,
    /// The schema of `gate:`.
    pub gate: Schema,
}

impl StageSchema {
    /// The schemas of the typed sections `W` (`with:`) and `G` (`gate:`).
    pub fn of<W: JsonSchema, G: JsonSchema>(generator: &mut SchemaGenerator) -> Self {
        StageSchema {
            with: generator.subschema_for::<W>(),
            gate: generator.subschema_for::<G>(),
        }
    }

    /// Only `with:` is typed; the stage has no gate to configure (`gate:` must be empty).
    pub fn with_only<W: JsonSchema>(generator: &mut SchemaGenerator) -> Self {
        StageSchema {
            with: generator.subschema_for::<W>(),
            gate: no_options(),
        }
    }
}

/// The schema of a section that takes no options: an empty mapping (or nothing).
pub fn no_options() -> Schema {
    schemars::json_schema!({
        "type": ["object", "null"],
        "additionalProperties": false
    })
}

/// A generator with the settings every part of the pipeline schema shares.
pub fn generator() -> SchemaGenerator {
    SchemaSettings::draft07().for_deserialize().into_generator()
}

/// `extends:` entries as written: a path, or a remote base pinned by digest.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ExtendsEntry {
    /// A base pipeline file, relative to this one.
    Path(String),
    /// A remote base, fetched over https and checked against its sha256.
    Remote {
        /// `https://…` address of the base pipeline.
        url: String,
        /// Hex sha256 of the file's bytes.
        #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
        sha256: String,
    },
}

/// The complete schema of a pipeline file for the stages in `registry`.
pub fn pipeline_schema(registry: &StageRegistry) -> Value {
    let mut generator = generator();
    let mut root = generator.root_schema_for::<Pipeline>().to_value();
    let stage_ref = generator.subschema_for::<StageSpec>().to_value();
    let extends = generator.subschema_for::<Vec<ExtendsEntry>>().to_value();

    let kinds: Vec<&str> = registry.kinds().collect();
    let mut per_kind = Vec::new();
    for stage in registry.stages() {
        let Some(sections) = stage.config_schema(&mut generator) else {
            continue;
        };
        per_kind.push(json!({
            "if": {"properties": {"kind": {"const": stage.kind()}}, "required": ["kind"]},
            "then": {"properties": {
                "with": nullable(sections.with.to_value()),
                "gate": nullable(sections.gate.to_value()),
            }},
        }));
    }
    let mut all_of = vec![
        stage_ref,
        json!({"properties": {"kind": {
            "enum": kinds,
            "description": "The stage kind (`secchain stages` lists them)."
        }}}),
    ];
    all_of.extend(per_kind);

    let definitions = generator.take_definitions(true);
    let obj = root
        .as_object_mut()
        .expect("a struct's schema is an object");
    obj.insert("$id".into(), json!(SCHEMA_ID));
    obj.insert(
        "description".into(),
        json!("A secchain pipeline file (`secchain run -f pipeline.yaml`)."),
    );
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        props.insert(
            "version".into(),
            json!({"description": "Format version.", "const": PIPELINE_VERSION}),
        );
        let mut extends = extends;
        if let Some(o) = extends.as_object_mut() {
            o.insert(
                "description".into(),
                json!("Base pipelines this one builds on; what they lock cannot be weakened."),
            );
        }
        props.insert("extends".into(), extends);
        props.insert(
            "stages".into(),
            json!({
                "description": "The stages, in the order written.",
                "type": "array",
                "items": {"allOf": all_of},
            }),
        );
    }
    let mut merged: Map<String, Value> = match obj.remove("definitions") {
        Some(Value::Object(existing)) => existing,
        _ => Map::new(),
    };
    merged.extend(definitions);
    let mut sorted: Vec<(String, Value)> = merged.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    obj.insert(
        "definitions".into(),
        Value::Object(sorted.into_iter().collect()),
    );
    // Identification first, then the shape: easier to read in the committed file.
    let mut ordered = Map::new();
    for key in ["$schema", "$id", "title", "description"] {
        if let Some(v) = obj.remove(key) {
            ordered.insert(key.into(), v);
        }
    }
    ordered.append(obj);
    Value::Object(ordered)
}

/// A section may also be left empty (`with:` with nothing under it).
fn nullable(schema: Value) -> Value {
    json!({"anyOf": [{"type": "null"}, schema]})
}
