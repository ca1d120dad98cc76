//! The subject of an SBOM (the image, index or directory it describes) and
//! the document metadata shared by both output formats.

use crate::inventory::Inventory;
use sha2::{Digest, Sha256};

/// The image (or index, or directory) an SBOM describes: its root component.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectImage {
    /// Reference name (`registry.example/team/app` or a directory path).
    pub name: String,
    /// Manifest (or index) digest, `sha256:<hex>`.
    pub digest: Option<String>,
    /// Tag, if the image was referenced by one.
    pub tag: Option<String>,
    /// Repository URL for the purl (`registry.example/team/app`).
    pub repository_url: Option<String>,
    /// Platform (`linux/amd64`) for per-platform SBOMs.
    pub platform: Option<String>,
    /// Image creation time (Unix seconds), used when `SOURCE_DATE_EPOCH` is unset.
    pub created: Option<i64>,
}

impl SubjectImage {
    /// The root component's purl: `pkg:oci/<name>@<digest>?…` (no digest for directories).
    pub fn purl(&self) -> String {
        let mut p = crate::purl::oci_purl(
            &self.name,
            self.digest.as_deref(),
            self.repository_url.as_deref(),
            self.tag.as_deref(),
        );
        if let Some(pl) = &self.platform {
            let sep = if p.contains('?') { '&' } else { '?' };
            // Qualifiers must stay sorted: `platform` sorts before `repository_url`/`tag`,
            // so rebuild through the parser.
            p.push(sep);
            p.push_str("platform=");
            p.push_str(pl);
            if let Some(mut parsed) = crate::purl::Purl::parse(&p) {
                parsed.qualifiers.sort();
                return parsed.render();
            }
        }
        p
    }

    /// Hex of the digest without the algorithm prefix (when sha256).
    pub fn sha256(&self) -> Option<&str> {
        self.digest
            .as_deref()
            .and_then(|d| d.strip_prefix("sha256:"))
    }
}

/// Document creation time: `SOURCE_DATE_EPOCH`, else the image creation
/// time, else the Unix epoch (so output never depends on the wall clock).
pub fn timestamp(subject: &SubjectImage) -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .or(subject.created)
        .unwrap_or(0);
    let t =
        time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// A UUID derived from the document's content (stable for the same input).
pub fn content_uuid(subject: &SubjectImage, inv: &Inventory, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(subject.purl().as_bytes());
    for p in &inv.packages {
        h.update(p.purl().as_bytes());
        h.update(p.path().as_bytes());
        h.update(b"\n");
    }
    let b = h.finalize();
    let mut u = [0u8; 16];
    u.copy_from_slice(&b[..16]);
    u[6] = (u[6] & 0x0f) | 0x50; // version 5 layout (name-based, SHA)
    u[8] = (u[8] & 0x3f) | 0x80; // RFC 4122 variant
    let x = hex::encode(u);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

/// Tool name and version recorded in SBOMs.
pub const TOOL_NAME: &str = "secchain";
/// Tool version recorded in SBOMs.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A unique, stable reference for every package of a (sorted) inventory:
/// its purl, suffixed with `#2`, `#3`… when several packages share one.
pub fn bom_refs(inv: &Inventory) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    inv.packages
        .iter()
        .map(|p| {
            let purl = p.purl();
            let n = seen.entry(purl.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                purl
            } else {
                format!("{purl}#{n}")
            }
        })
        .collect()
}

/// For each package, the indices of the packages it depends on.
pub fn dependency_indices(inv: &Inventory) -> Vec<Vec<usize>> {
    let mut by_name = std::collections::HashMap::new();
    for (i, p) in inv.packages.iter().enumerate() {
        by_name.entry((p.ptype, p.full_name())).or_insert(i);
    }
    inv.packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v: Vec<usize> = p
                .depends_on
                .iter()
                .filter_map(|d| by_name.get(&(p.ptype, d.clone())).copied())
                .filter(|&j| j != i)
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect()
}
