//! CycloneDX 1.6 JSON: [`render`] an inventory (image as the root
//! component) and [`parse`] a CycloneDX JSON SBOM (1.2–1.6) back into one.

pub mod model;

use crate::inventory::{
    BaseKind, Distro, FoundBy, Inventory, Location, Package, PackageType, SourcePackage,
};
use crate::licenses::{is_spdx_expression, is_spdx_id};
use crate::purl::Purl;
use crate::subject::{
    bom_refs, content_uuid, dependency_indices, timestamp, SubjectImage, TOOL_NAME, TOOL_VERSION,
};
use crate::tree::LayerRef;
use model::*;

const P: &str = "secchain:";

fn prop(name: &str, value: impl Into<String>) -> Property {
    Property {
        name: format!("{P}{name}"),
        value: value.into(),
    }
}

fn licenses(ls: &[String]) -> Vec<LicenseChoice> {
    if ls.len() == 1 && ls[0].contains(' ') && is_spdx_expression(&ls[0]) {
        return vec![LicenseChoice::Expression {
            expression: ls[0].clone(),
        }];
    }
    ls.iter()
        .map(|l| LicenseChoice::License {
            license: if is_spdx_id(l) {
                License {
                    id: Some(l.clone()),
                    name: None,
                }
            } else {
                License {
                    id: None,
                    name: Some(l.clone()),
                }
            },
        })
        .collect()
}

fn found_by_str(f: FoundBy) -> &'static str {
    match f {
        FoundBy::Installed => "installed",
        FoundBy::LockFile => "lock-file",
        FoundBy::Binary => "binary",
    }
}

fn component(p: &Package, bom_ref: String) -> Component {
    let mut props = vec![
        prop("package:type", p.ptype.as_str()),
        prop("package:found-by", found_by_str(p.found_by)),
    ];
    if let Some(s) = &p.source {
        props.push(prop("source:name", &s.name));
        props.push(prop("source:version", &s.version));
    }
    if let Some(l) = p.locations.first().and_then(|l| l.layer.as_ref()) {
        props.push(prop("layer:index", l.index.to_string()));
        if let Some(d) = &l.digest {
            props.push(prop("layer:digest", d));
        }
    }
    for pl in &p.platforms {
        props.push(prop("platform", pl));
    }
    for (k, v) in &p.extra {
        props.push(prop(&format!("extra:{k}"), v));
    }
    let occurrences: Vec<Occurrence> = p
        .locations
        .iter()
        .map(|l| Occurrence {
            location: l.path.clone(),
        })
        .collect();
    let name = match (p.ptype, &p.namespace) {
        (PackageType::Java | PackageType::Composer, Some(_)) => p.name.clone(),
        _ => p.name.clone(),
    };
    Component {
        ctype: "library".into(),
        bom_ref: Some(bom_ref),
        group: p.namespace.clone(),
        name,
        version: Some(p.version.clone()),
        licenses: licenses(&p.licenses),
        purl: Some(p.purl()),
        evidence: (!occurrences.is_empty()).then_some(Evidence { occurrences }),
        properties: props,
        ..Component::default()
    }
}

/// The root component for the subject image.
fn root_component(s: &SubjectImage) -> Component {
    let mut hashes = Vec::new();
    if let Some(h) = s.sha256() {
        hashes.push(Hash {
            alg: "SHA-256".into(),
            content: h.to_owned(),
        });
    }
    let mut props = Vec::new();
    if let Some(pl) = &s.platform {
        props.push(prop("platform", pl));
    }
    Component {
        ctype: "container".into(),
        bom_ref: Some(s.purl()),
        name: s.name.clone(),
        version: s.digest.clone().or_else(|| s.tag.clone()),
        hashes,
        purl: Some(s.purl()),
        properties: props,
        ..Component::default()
    }
}

fn os_ref(d: &Distro) -> String {
    format!("os:{}", d.qualifier())
}

/// Render an inventory as CycloneDX 1.6 JSON (deterministic bytes).
pub fn render(inv: &Inventory, subject: &SubjectImage) -> Vec<u8> {
    let mut inv = inv.clone();
    inv.sort();
    let refs = bom_refs(&inv);
    let root = root_component(subject);
    let root_ref = root.bom_ref.clone().unwrap_or_default();
    let mut components: Vec<Component> = Vec::new();
    let mut root_deps = Vec::new();
    if let Some(d) = &inv.distro {
        components.push(Component {
            ctype: "operating-system".into(),
            bom_ref: Some(os_ref(d)),
            name: d.id.clone(),
            version: d.version_id.clone().or_else(|| d.codename.clone()),
            properties: [
                d.codename.as_ref().map(|c| prop("distro:codename", c)),
                d.pretty_name
                    .as_ref()
                    .map(|c| prop("distro:pretty-name", c)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            ..Component::default()
        });
        root_deps.push(os_ref(d));
    }
    for (p, r) in inv.packages.iter().zip(&refs) {
        components.push(component(p, r.clone()));
        root_deps.push(r.clone());
    }
    let mut dependencies = vec![Dependency {
        reference: root_ref,
        depends_on: root_deps,
    }];
    if let Some(d) = &inv.distro {
        dependencies.push(Dependency {
            reference: os_ref(d),
            depends_on: Vec::new(),
        });
    }
    for (i, deps) in dependency_indices(&inv).into_iter().enumerate() {
        dependencies.push(Dependency {
            reference: refs[i].clone(),
            depends_on: deps.into_iter().map(|j| refs[j].clone()).collect(),
        });
    }
    let mut meta_props = vec![prop(
        "image:base",
        match inv.base {
            BaseKind::Distro => "distro",
            BaseKind::Distroless => "distroless",
            BaseKind::Scratch => "scratch",
        },
    )];
    for n in &inv.notes {
        meta_props.push(prop("note", format!("{}: {}", n.path, n.message)));
    }
    let bom = Bom {
        bom_format: "CycloneDX".into(),
        spec_version: "1.6".into(),
        serial_number: Some(format!(
            "urn:uuid:{}",
            content_uuid(subject, &inv, "cyclonedx")
        )),
        version: 1,
        metadata: Some(Metadata {
            timestamp: Some(timestamp(subject)),
            tools: Some(Tools {
                components: vec![Component {
                    ctype: "application".into(),
                    name: TOOL_NAME.into(),
                    version: Some(TOOL_VERSION.into()),
                    ..Component::default()
                }],
            }),
            component: Some(root),
            properties: meta_props,
        }),
        components,
        dependencies,
    };
    let mut out = serde_json::to_vec_pretty(&bom).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Errors from [`parse`].
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not JSON, or not shaped like a CycloneDX BOM.
    #[error("not a CycloneDX JSON SBOM: {0}")]
    Invalid(String),
}

fn ptype_from_purl(t: &str) -> Option<PackageType> {
    Some(match t {
        "deb" => PackageType::Deb,
        "apk" => PackageType::Apk,
        "rpm" => PackageType::Rpm,
        "pypi" => PackageType::Python,
        "npm" => PackageType::Npm,
        "golang" => PackageType::GoModule,
        "cargo" => PackageType::RustCrate,
        "maven" => PackageType::Java,
        "gem" => PackageType::Gem,
        "composer" => PackageType::Composer,
        "nuget" => PackageType::Nuget,
        _ => return None,
    })
}

fn flatten(cs: Vec<Component>, out: &mut Vec<Component>) {
    for mut c in cs {
        let nested = std::mem::take(&mut c.components);
        out.push(c);
        flatten(nested, out);
    }
}

/// Parse a CycloneDX JSON SBOM into an inventory. Components without a
/// purl of a known type are reported as notes.
pub fn parse(bytes: &[u8]) -> Result<Inventory, ParseError> {
    let bom: Bom = serde_json::from_slice(bytes).map_err(|e| ParseError::Invalid(e.to_string()))?;
    if bom.bom_format != "CycloneDX" {
        return Err(ParseError::Invalid(format!(
            "bomFormat is {:?}",
            bom.bom_format
        )));
    }
    let mut inv = Inventory::default();
    let mut all = Vec::new();
    flatten(bom.components, &mut all);
    let mut ref_to_name = std::collections::HashMap::new();
    for c in &all {
        if let (Some(r), Some(p)) = (&c.bom_ref, c.purl.as_deref().and_then(Purl::parse)) {
            let name = match &p.namespace {
                Some(ns) if p.ptype == "npm" || p.ptype == "golang" => format!("{ns}/{}", p.name),
                Some(ns) if p.ptype == "maven" => format!("{ns}:{}", p.name),
                Some(ns) if p.ptype == "composer" => format!("{ns}/{}", p.name),
                _ => p.name.clone(),
            };
            ref_to_name.insert(r.clone(), name);
        }
    }
    if let Some(meta) = &bom.metadata {
        for pr in &meta.properties {
            match pr.name.as_str() {
                "secchain:image:base" => {
                    inv.base = match pr.value.as_str() {
                        "distroless" => BaseKind::Distroless,
                        "scratch" => BaseKind::Scratch,
                        _ => BaseKind::Distro,
                    }
                }
                "secchain:note" => {
                    let (path, msg) = pr.value.split_once(": ").unwrap_or(("", &pr.value));
                    inv.note(path, msg);
                }
                _ => {}
            }
        }
    }
    let deps: std::collections::HashMap<String, Vec<String>> = bom
        .dependencies
        .into_iter()
        .map(|d| (d.reference, d.depends_on))
        .collect();
    for c in all {
        if c.ctype == "operating-system" {
            let get = |n: &str| {
                c.properties
                    .iter()
                    .find(|p| p.name == n)
                    .map(|p| p.value.clone())
            };
            inv.distro = Some(Distro {
                id: c.name.to_ascii_lowercase(),
                version_id: c.version.clone(),
                codename: get("secchain:distro:codename"),
                pretty_name: get("secchain:distro:pretty-name"),
                id_like: Vec::new(),
            });
            continue;
        }
        match component_to_package(&c, &deps, &ref_to_name) {
            Some(p) => inv.packages.push(p),
            None if c.ctype == "library" || c.ctype == "application" || c.ctype == "framework" => {
                inv.note(
                    "",
                    format!("component {} has no purl of a known type", c.name),
                );
            }
            None => {}
        }
    }
    if inv.distro.is_none() {
        // Fall back to the distro qualifier of OS package purls.
        if let Some(q) = inv.packages.iter().find_map(|p| p.distro.clone()) {
            let (id, v) = q.split_once('-').unwrap_or((&q, ""));
            inv.distro = Some(Distro {
                id: id.to_owned(),
                version_id: (!v.is_empty()).then(|| v.to_owned()),
                ..Distro::default()
            });
        }
    }
    inv.sort();
    Ok(inv)
}

fn component_to_package(
    c: &Component,
    deps: &std::collections::HashMap<String, Vec<String>>,
    ref_to_name: &std::collections::HashMap<String, String>,
) -> Option<Package> {
    let purl = Purl::parse(c.purl.as_deref()?)?;
    let ptype = ptype_from_purl(&purl.ptype)?;
    let get = |n: &str| {
        c.properties
            .iter()
            .find(|p| p.name == n)
            .map(|p| p.value.clone())
    };
    let mut version = c
        .version
        .clone()
        .or(purl.version.clone())
        .unwrap_or_default();
    if ptype == PackageType::Rpm {
        if let Some(e) = purl.qualifier("epoch") {
            if !version.contains(':') {
                version = format!("{e}:{version}");
            }
        }
    }
    let name = match ptype {
        PackageType::Npm | PackageType::GoModule => match &purl.namespace {
            Some(ns) => format!("{ns}/{}", purl.name),
            None => purl.name.clone(),
        },
        PackageType::Python => crate::catalog::python::normalize_name(&purl.name),
        _ => purl.name.clone(),
    };
    let mut p = Package::new(ptype, name, version);
    if matches!(ptype, PackageType::Java | PackageType::Composer) {
        p.namespace = purl.namespace.clone().or_else(|| c.group.clone());
    }
    p.arch = purl.qualifier("arch").map(str::to_owned);
    p.distro = purl.qualifier("distro").map(str::to_owned);
    p.source = match (get("secchain:source:name"), get("secchain:source:version")) {
        (Some(n), Some(v)) => Some(SourcePackage {
            name: n,
            version: v,
        }),
        _ => purl.qualifier("upstream").map(|u| {
            let (n, v) = u.split_once('@').unwrap_or((u, &p.version));
            SourcePackage {
                name: n.to_owned(),
                version: v.to_owned(),
            }
        }),
    };
    if p.source.is_none()
        && matches!(
            ptype,
            PackageType::Deb | PackageType::Apk | PackageType::Rpm
        )
    {
        p.source = Some(SourcePackage {
            name: p.name.clone(),
            version: p.version.clone(),
        });
    }
    p.found_by = match get("secchain:package:found-by").as_deref() {
        Some("lock-file") => FoundBy::LockFile,
        Some("binary") => FoundBy::Binary,
        _ => FoundBy::Installed,
    };
    p.licenses = c
        .licenses
        .iter()
        .filter_map(|l| match l {
            LicenseChoice::Expression { expression } => Some(expression.clone()),
            LicenseChoice::License { license } => {
                license.id.clone().or_else(|| license.name.clone())
            }
        })
        .collect();
    let layer = get("secchain:layer:index")
        .and_then(|i| i.parse().ok())
        .map(|index| LayerRef {
            index,
            digest: get("secchain:layer:digest"),
        });
    if let Some(ev) = &c.evidence {
        for (i, o) in ev.occurrences.iter().enumerate() {
            p.locations.push(Location {
                path: o.location.clone(),
                layer: if i == 0 { layer.clone() } else { None },
            });
        }
    }
    p.platforms = c
        .properties
        .iter()
        .filter(|x| x.name == "secchain:platform")
        .map(|x| x.value.clone())
        .collect();
    p.extra = c
        .properties
        .iter()
        .filter_map(|x| {
            x.name
                .strip_prefix("secchain:extra:")
                .map(|k| (k.to_owned(), x.value.clone()))
        })
        .collect();
    if let Some(r) = &c.bom_ref {
        p.depends_on = deps
            .get(r)
            .into_iter()
            .flatten()
            .filter_map(|d| ref_to_name.get(d).cloned())
            .collect();
    }
    Some(p)
}
