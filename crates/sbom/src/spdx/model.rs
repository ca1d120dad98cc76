//! Typed SPDX 2.3 JSON model (the subset secchain writes).

use serde::Serialize;

/// An SPDX 2.3 document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// `SPDX-2.3`.
    pub spdx_version: String,
    /// `CC0-1.0`.
    pub data_license: String,
    /// `SPDXRef-DOCUMENT`.
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
    /// Document name.
    pub name: String,
    /// Unique namespace URI.
    pub document_namespace: String,
    /// Creation info.
    pub creation_info: CreationInfo,
    /// Root element(s).
    pub document_describes: Vec<String>,
    /// Packages.
    pub packages: Vec<SpdxPackage>,
    /// Licenses referenced as `LicenseRef-…`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub has_extracted_licensing_infos: Vec<ExtractedLicense>,
    /// Relationships.
    pub relationships: Vec<Relationship>,
}

/// Creation info.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreationInfo {
    /// RFC 3339 time.
    pub created: String,
    /// `Tool: …`, `Organization: …`.
    pub creators: Vec<String>,
    /// License list version the ids come from.
    pub license_list_version: String,
}

/// A package.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpdxPackage {
    /// `SPDXRef-…`.
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
    /// Name.
    pub name: String,
    /// Version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_info: Option<String>,
    /// Supplier (`NOASSERTION`).
    pub supplier: String,
    /// `NOASSERTION`.
    pub download_location: String,
    /// Always false for images.
    pub files_analyzed: bool,
    /// Checksums (the image digest).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checksums: Vec<Checksum>,
    /// `NOASSERTION`.
    pub license_concluded: String,
    /// Declared license expression or `NOASSERTION`.
    pub license_declared: String,
    /// `NOASSERTION`.
    pub copyright_text: String,
    /// Where and how it was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_info: Option<String>,
    /// `CONTAINER`, `LIBRARY`, `OPERATING-SYSTEM`…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_package_purpose: Option<String>,
    /// purl reference.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_refs: Vec<ExternalRef>,
}

/// A checksum.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checksum {
    /// `SHA256`.
    pub algorithm: String,
    /// Hex.
    pub checksum_value: String,
}

/// An external reference (purl).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalRef {
    /// `PACKAGE-MANAGER`.
    pub reference_category: String,
    /// `purl`.
    pub reference_type: String,
    /// The purl.
    pub reference_locator: String,
}

/// A relationship.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    /// From.
    pub spdx_element_id: String,
    /// `DESCRIBES`, `CONTAINS`, `DEPENDS_ON`.
    pub relationship_type: String,
    /// To.
    pub related_spdx_element: String,
}

/// A non-SPDX-list license.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct ExtractedLicense {
    /// `LicenseRef-…`.
    pub license_id: String,
    /// The declared text.
    pub extracted_text: String,
    /// Human name.
    pub name: String,
}
