//! Typed CycloneDX 1.6 JSON model (the subset secchain writes and reads).
//! The `cyclonedx-bom` crate stops at spec 1.5, hence these structs.

use serde::{Deserialize, Serialize};

/// A CycloneDX BOM document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    /// Always `CycloneDX`.
    pub bom_format: String,
    /// `1.6` when written by secchain.
    pub spec_version: String,
    /// `urn:uuid:…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// BOM version.
    #[serde(default = "one")]
    pub version: u32,
    /// Metadata: timestamp, tools, the root component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Components.
    #[serde(default)]
    pub components: Vec<Component>,
    /// Dependency graph.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
}

fn one() -> u32 {
    1
}

/// BOM metadata.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// RFC 3339 creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Tools that made the BOM (1.5+ object form; the legacy array form is ignored when reading).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "tools_lenient"
    )]
    pub tools: Option<Tools>,
    /// The component the BOM describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Component>,
    /// Extra properties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

fn tools_lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Tools>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

/// Tools (object form).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tools {
    /// Tool components.
    #[serde(default)]
    pub components: Vec<Component>,
}

/// A component.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Component {
    /// `container`, `library`, `application`, `operating-system`…
    #[serde(rename = "type")]
    pub ctype: String,
    /// Unique reference within the BOM.
    #[serde(rename = "bom-ref", default, skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    /// Supplier / author name of a tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Group (Maven group id, Composer vendor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Name.
    pub name: String,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Hashes (the image digest for the root).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    /// Licenses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<LicenseChoice>,
    /// Package URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Where it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// Extra properties (`secchain:…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// Nested components (read only: flattened when parsing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

/// A hash.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Hash {
    /// `SHA-256`, …
    pub alg: String,
    /// Hex value.
    pub content: String,
}

/// A license entry: a license object or an expression.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LicenseChoice {
    /// `{"license": {...}}`.
    License {
        /// The license.
        license: License,
    },
    /// `{"expression": "..."}`.
    Expression {
        /// SPDX expression.
        expression: String,
    },
}

/// A license by SPDX id or by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct License {
    /// SPDX identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Free-text name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Component evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Evidence {
    /// Locations where it was found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub occurrences: Vec<Occurrence>,
}

/// One occurrence.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Occurrence {
    /// Path.
    pub location: String,
}

/// A name/value property.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Property {
    /// Name (`secchain:layer:index`…).
    pub name: String,
    /// Value.
    #[serde(default)]
    pub value: String,
}

/// One node of the dependency graph.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// The component's bom-ref.
    #[serde(rename = "ref")]
    pub reference: String,
    /// bom-refs it depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}
