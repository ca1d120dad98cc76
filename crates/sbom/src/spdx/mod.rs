//! SPDX 2.3 JSON output: the image is the described `CONTAINER` package
//! (`filesAnalyzed: false`), packages are `CONTAINS`-ed by it, and known
//! dependencies are `DEPENDS_ON` relationships.

pub mod model;

use crate::inventory::{Inventory, Package};
use crate::licenses::{is_spdx_expression, license_ref};
use crate::subject::{
    bom_refs, content_uuid, dependency_indices, timestamp, SubjectImage, TOOL_NAME, TOOL_VERSION,
};
use model::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const NOASSERTION: &str = "NOASSERTION";

/// `SPDXRef-Package-<type>-<name>-<hash>` (only `[A-Za-z0-9.-]`).
fn spdx_id(prefix: &str, name: &str, key: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let h = hex::encode(&Sha256::digest(key.as_bytes())[..8]);
    format!("SPDXRef-{prefix}-{clean}-{h}")
}

/// Declared license expression; free-text licenses become `LicenseRef-`s.
fn declared(p: &Package, extracted: &mut BTreeMap<String, ExtractedLicense>) -> String {
    if p.licenses.is_empty() {
        return NOASSERTION.into();
    }
    let parts: Vec<String> = p
        .licenses
        .iter()
        .map(|l| {
            if is_spdx_expression(l) {
                if l.contains(' ') && p.licenses.len() > 1 {
                    format!("({l})")
                } else {
                    l.clone()
                }
            } else {
                let id = license_ref(l);
                extracted
                    .entry(id.clone())
                    .or_insert_with(|| ExtractedLicense {
                        license_id: id.clone(),
                        extracted_text: l.clone(),
                        name: l.clone(),
                    });
                id
            }
        })
        .collect();
    parts.join(" AND ")
}

fn package(
    p: &Package,
    id: String,
    extracted: &mut BTreeMap<String, ExtractedLicense>,
) -> SpdxPackage {
    let locs: Vec<&str> = p.locations.iter().map(|l| l.path.as_str()).collect();
    let mut source = format!("{} package found at: {}", p.ptype.as_str(), locs.join(", "));
    if let Some(s) = &p.source {
        source.push_str(&format!("; source package {} {}", s.name, s.version));
    }
    if let Some(l) = p.locations.first().and_then(|l| l.layer.as_ref()) {
        source.push_str(&format!("; layer {}", l.index));
        if let Some(d) = &l.digest {
            source.push_str(&format!(" ({d})"));
        }
    }
    if !p.platforms.is_empty() {
        source.push_str(&format!("; platforms {}", p.platforms.join(", ")));
    }
    SpdxPackage {
        spdx_id: id,
        name: p.full_name(),
        version_info: Some(p.version.clone()),
        supplier: NOASSERTION.into(),
        download_location: NOASSERTION.into(),
        files_analyzed: false,
        checksums: Vec::new(),
        license_concluded: NOASSERTION.into(),
        license_declared: declared(p, extracted),
        copyright_text: NOASSERTION.into(),
        source_info: Some(source),
        primary_package_purpose: Some("LIBRARY".into()),
        external_refs: vec![ExternalRef {
            reference_category: "PACKAGE-MANAGER".into(),
            reference_type: "purl".into(),
            reference_locator: p.purl(),
        }],
    }
}

/// Render an inventory as SPDX 2.3 JSON (deterministic bytes).
pub fn render(inv: &Inventory, subject: &SubjectImage) -> Vec<u8> {
    let mut inv = inv.clone();
    inv.sort();
    let refs = bom_refs(&inv);
    let root_id = spdx_id("Image", &subject.name, &subject.purl());
    let mut extracted = BTreeMap::new();
    let mut packages = vec![SpdxPackage {
        spdx_id: root_id.clone(),
        name: subject.name.clone(),
        version_info: subject.digest.clone().or_else(|| subject.tag.clone()),
        supplier: NOASSERTION.into(),
        download_location: NOASSERTION.into(),
        files_analyzed: false,
        checksums: subject
            .sha256()
            .map(|h| Checksum {
                algorithm: "SHA256".into(),
                checksum_value: h.to_owned(),
            })
            .into_iter()
            .collect(),
        license_concluded: NOASSERTION.into(),
        license_declared: NOASSERTION.into(),
        copyright_text: NOASSERTION.into(),
        source_info: subject.platform.as_ref().map(|p| format!("platform {p}")),
        primary_package_purpose: Some("CONTAINER".into()),
        external_refs: vec![ExternalRef {
            reference_category: "PACKAGE-MANAGER".into(),
            reference_type: "purl".into(),
            reference_locator: subject.purl(),
        }],
    }];
    let mut rels = vec![Relationship {
        spdx_element_id: "SPDXRef-DOCUMENT".into(),
        relationship_type: "DESCRIBES".into(),
        related_spdx_element: root_id.clone(),
    }];
    if let Some(d) = &inv.distro {
        let id = spdx_id("OperatingSystem", &d.id, &d.qualifier());
        packages.push(SpdxPackage {
            spdx_id: id.clone(),
            name: d.id.clone(),
            version_info: d.version_id.clone().or_else(|| d.codename.clone()),
            supplier: NOASSERTION.into(),
            download_location: NOASSERTION.into(),
            files_analyzed: false,
            checksums: Vec::new(),
            license_concluded: NOASSERTION.into(),
            license_declared: NOASSERTION.into(),
            copyright_text: NOASSERTION.into(),
            source_info: d.pretty_name.clone(),
            primary_package_purpose: Some("OPERATING_SYSTEM".into()),
            external_refs: Vec::new(),
        });
        rels.push(Relationship {
            spdx_element_id: root_id.clone(),
            relationship_type: "CONTAINS".into(),
            related_spdx_element: id,
        });
    }
    let ids: Vec<String> = inv
        .packages
        .iter()
        .zip(&refs)
        .map(|(p, r)| spdx_id(&format!("Package-{}", p.ptype.as_str()), &p.full_name(), r))
        .collect();
    for (p, id) in inv.packages.iter().zip(&ids) {
        packages.push(package(p, id.clone(), &mut extracted));
        rels.push(Relationship {
            spdx_element_id: root_id.clone(),
            relationship_type: "CONTAINS".into(),
            related_spdx_element: id.clone(),
        });
    }
    for (i, deps) in dependency_indices(&inv).into_iter().enumerate() {
        for j in deps {
            rels.push(Relationship {
                spdx_element_id: ids[i].clone(),
                relationship_type: "DEPENDS_ON".into(),
                related_spdx_element: ids[j].clone(),
            });
        }
    }
    let short = subject.name.rsplit('/').next().unwrap_or(&subject.name);
    let doc = Document {
        spdx_version: "SPDX-2.3".into(),
        data_license: "CC0-1.0".into(),
        spdx_id: "SPDXRef-DOCUMENT".into(),
        name: subject.name.clone(),
        document_namespace: format!(
            "https://secchain.dev/spdxdocs/{}-{}",
            crate::purl::encode(short, ""),
            content_uuid(subject, &inv, "spdx")
        ),
        creation_info: CreationInfo {
            created: timestamp(subject),
            creators: vec![
                format!("Tool: {TOOL_NAME}-{TOOL_VERSION}"),
                "Organization: secchain".into(),
            ],
            license_list_version: "3.25".into(),
        },
        document_describes: vec![root_id],
        packages,
        has_extracted_licensing_infos: extracted.into_values().collect(),
        relationships: rels,
    };
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}
