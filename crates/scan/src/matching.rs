//! Matching installed packages against the database with OSV's semantics.
//!
//! For each package the advisories for its (ecosystem, normalised name) are read —
//! the source package's for distribution packages — then filtered by distribution
//! release, and each affected entry is evaluated: explicit `versions`, then every
//! `ECOSYSTEM` or `SEMVER` range by OSV's algorithm (events sorted by version;
//! `introduced` opens, `fixed` and `last_affected` close, `limit` bounds the range).
//! `GIT` ranges are skipped (there is no commit for an installed version). Findings
//! for the same package whose ids are aliases of each other (a CVE, its GHSA, a DSA
//! fixing only that CVE) are merged into one listing every id.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::cvss::{self, CvssScore};
use crate::db::{AdvisoryHit, Database, DbError, EpssEntry, KevEntry};
use crate::ecosystem::{is_distro, normalize_name, release_matches};
use crate::osv::{self, RangeType};
use crate::severity::Severity;
use crate::version::Scheme;

/// A package to scan (the lead converts the SBOM inventory into these).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanPackage {
    /// OSV ecosystem base name: `Debian`, `Alpine`, `PyPI`, `npm`, … (a release suffix
    /// like `Debian:12` is accepted and wins over the [`Distro`]).
    pub ecosystem: String,
    /// Package name (binary package for distributions).
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Source package (distributions' advisories name it).
    #[serde(default)]
    pub source_name: Option<String>,
    /// Source package version.
    #[serde(default)]
    pub source_version: Option<String>,
    /// Package URL.
    #[serde(default)]
    pub purl: Option<String>,
    /// Layer digest that introduced it.
    #[serde(default)]
    pub layer: Option<String>,
    /// Path of the metadata it was found in.
    #[serde(default)]
    pub path: Option<String>,
}

/// The image's distribution (`/etc/os-release`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distro {
    /// `ID` (`debian`, `alpine`, `ubuntu`, …).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.18.4`, `22.04`, …).
    pub version_id: String,
}

/// The packages and distribution of one image: the fact the stage reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanInventory {
    /// The distribution, if the image has one.
    pub distro: Distro,
    /// Every package.
    pub packages: Vec<ScanPackage>,
}

/// Where a finding's severity came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeveritySource {
    /// `cvss` (computed from a vector), `rating` (the source's own word) or `none`.
    pub kind: String,
    /// The advisory (or aliased CVE record) it was taken from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The CVSS vector or rating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One vulnerable package.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VulnFinding {
    /// The best-known id (a CVE when there is one).
    pub id: String,
    /// Every id of this vulnerability, `id` first.
    pub ids: Vec<String>,
    /// The package's ecosystem.
    pub ecosystem: String,
    /// The package.
    pub package: String,
    /// The source package, for distribution packages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_package: Option<String>,
    /// The installed version.
    pub installed_version: String,
    /// The first version that fixes it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// Where the severity came from.
    pub severity_source: SeveritySource,
    /// CVSS scores known for it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<CvssScore>,
    /// In CISA's KEV catalogue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kev: Option<KevEntry>,
    /// EPSS score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epss: Option<EpssEntry>,
    /// Summary line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// An advisory URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Layer that introduced the package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Path of the package's metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Whether `version` is in the range, and the fix for it. `None` if a version in the
/// range cannot be read in `scheme`.
pub fn evaluate_range(
    scheme: Scheme,
    version: &str,
    events: &[osv::Event],
) -> Option<(bool, Option<String>)> {
    let cmp = |a: &str, b: &str| scheme.compare(a, b);
    let limits: Vec<&str> = events.iter().filter_map(|e| e.limit.as_deref()).collect();
    if !limits.is_empty() {
        let mut below_any = false;
        for l in &limits {
            if *l == "*" || cmp(version, l)? == Ordering::Less {
                below_any = true;
            }
        }
        if !below_any {
            return Some((false, None));
        }
    }
    // (version, order among equal versions, event)
    let mut sorted: Vec<(&str, u8, &osv::Event)> = Vec::new();
    for e in events {
        if let Some(v) = &e.introduced {
            sorted.push((v, 0, e));
        } else if let Some(v) = &e.fixed {
            sorted.push((v, 1, e));
        } else if let Some(v) = &e.last_affected {
            sorted.push((v, 2, e));
        }
    }
    // Check every version parses before sorting with it.
    for (v, _, e) in &sorted {
        if e.introduced.as_deref() != Some("0") {
            cmp(v, v)?;
        }
    }
    cmp(version, version)?;
    sorted.sort_by(|a, b| {
        let zero = |x: &(&str, u8, &osv::Event)| x.2.introduced.as_deref() == Some("0");
        match (zero(a), zero(b)) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => cmp(a.0, b.0).unwrap_or(Ordering::Equal).then(a.1.cmp(&b.1)),
        }
    });
    let mut affected = false;
    for (v, kind, e) in &sorted {
        match kind {
            0 if e.introduced.as_deref() == Some("0") || cmp(version, v)? != Ordering::Less => {
                affected = true
            }
            1 if cmp(version, v)? != Ordering::Less => affected = false,
            2 if cmp(version, v)? == Ordering::Greater => affected = false,
            _ => {}
        }
    }
    if !affected {
        return Some((false, None));
    }
    let fixed = sorted
        .iter()
        .filter(|(_, kind, _)| *kind == 1)
        .find(|(v, _, _)| cmp(version, v) == Some(Ordering::Less))
        .map(|(v, _, _)| v.to_string());
    Some((true, fixed))
}

/// Whether an affected entry covers `version`, and its fixed version.
pub fn affects(
    scheme: Scheme,
    version: &str,
    affected: &crate::db::StoredAffected,
) -> Option<Option<String>> {
    let mut hit = affected.versions.iter().any(|v| scheme.same(v, version));
    let mut fixes: Vec<String> = Vec::new();
    for r in &affected.ranges {
        let range_scheme = match r.kind {
            // Go's SEMVER ranges also cover toolchain versions (`go1.21.1`).
            RangeType::Semver if scheme == Scheme::Go => Scheme::Go,
            RangeType::Semver => Scheme::SemVer,
            RangeType::Ecosystem => scheme,
            RangeType::Git | RangeType::Unknown => continue,
        };
        if let Some((true, fixed)) = evaluate_range(range_scheme, version, &r.events) {
            hit = true;
            fixes.extend(fixed);
        }
    }
    if !hit {
        return None;
    }
    fixes.sort_by(|a, b| scheme.compare(a, b).unwrap_or(Ordering::Equal));
    Some(fixes.into_iter().next())
}

struct Raw<'a> {
    hit: &'a AdvisoryHit,
    fixed: Option<String>,
}

/// Matches every package against the database (in one read transaction).
pub fn match_packages(
    db: &Database,
    packages: &[ScanPackage],
    distro: &Distro,
) -> Result<Vec<VulnFinding>, DbError> {
    db.read(|| match_all(db, packages, distro))
}

/// The (ecosystem, name) a package's advisories are indexed under.
fn lookup_key(pkg: &ScanPackage) -> (String, String) {
    let (base, _) = osv::split_ecosystem(&pkg.ecosystem);
    let name = if is_distro(base) {
        pkg.source_name
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&pkg.name)
    } else {
        &pkg.name
    };
    (base.to_string(), normalize_name(base, name))
}

fn match_all(
    db: &Database,
    packages: &[ScanPackage],
    distro: &Distro,
) -> Result<Vec<VulnFinding>, DbError> {
    // One lookup per distinct (ecosystem, name): binary packages of one source share it.
    let mut order: Vec<(usize, (String, String))> =
        packages.iter().map(lookup_key).enumerate().collect();
    order.sort_by(|a, b| a.1.cmp(&b.1));
    let mut out = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let key = &order[i].1;
        let end = i + order[i..].iter().take_while(|(_, k)| k == key).count();
        let hits = db.lookup(&key.0, &key.1)?;
        if !hits.is_empty() {
            for (idx, _) in &order[i..end] {
                match_one(db, &packages[*idx], distro, &hits, &mut out)?;
            }
        }
        i = end;
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.package.cmp(&b.package))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.installed_version.cmp(&b.installed_version))
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(out)
}

fn match_one(
    db: &Database,
    pkg: &ScanPackage,
    distro: &Distro,
    hits: &[AdvisoryHit],
    out: &mut Vec<VulnFinding>,
) -> Result<(), DbError> {
    let (base, eco_release) = osv::split_ecosystem(&pkg.ecosystem);
    let distro_pkg = is_distro(base);
    let version = if distro_pkg {
        pkg.source_version
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&pkg.version)
    } else {
        &pkg.version
    };
    let version_id = if eco_release.is_empty() {
        distro.version_id.as_str()
    } else {
        eco_release
    };
    let scheme = Scheme::for_ecosystem(base);
    let mut raws = Vec::new();
    for hit in hits {
        if distro_pkg && !release_matches(base, &hit.release, version_id, &pkg.version) {
            continue;
        }
        if let Some(fixed) = affects(scheme, version, &hit.affected) {
            raws.push(Raw { hit, fixed });
        }
    }
    for group in merge_aliases(raws) {
        out.push(finding(db, pkg, base, scheme, group)?);
    }
    Ok(())
}

fn ids_of(h: &AdvisoryHit) -> Vec<String> {
    let mut ids = vec![h.id.clone()];
    ids.extend(h.aliases.iter().cloned());
    // A DSA fixing one CVE is that CVE; one fixing several is not any one of them.
    if h.upstream.len() == 1 {
        ids.extend(h.upstream.iter().cloned());
    }
    ids
}

/// Groups findings for one package by shared ids. A record derived from several
/// upstream vulnerabilities (a DSA fixing three CVEs) joins every group reporting
/// one of them, and stands alone only when none is reported.
fn merge_aliases(raws: Vec<Raw<'_>>) -> Vec<Vec<Raw<'_>>> {
    let (multi, single): (Vec<Raw<'_>>, Vec<Raw<'_>>) =
        raws.into_iter().partition(|r| r.hit.upstream.len() > 1);
    let n = single.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while p[r] != r {
            r = p[r];
        }
        p[i] = r;
        r
    }
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, r) in single.iter().enumerate() {
        for id in ids_of(r.hit) {
            match owner.get(&id) {
                Some(&j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    owner.insert(id, i);
                }
            }
        }
    }
    let mut groups: Vec<Vec<Raw<'_>>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (i, r) in single.into_iter().enumerate() {
        let root = find(&mut parent, i);
        let g = *slot.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(r);
    }
    for r in multi {
        let mut joined = false;
        for g in groups.iter_mut() {
            let shares = g.iter().any(|x| {
                let ids = ids_of(x.hit);
                r.hit
                    .upstream
                    .iter()
                    .chain(&r.hit.aliases)
                    .any(|u| ids.contains(u))
            });
            if shares {
                g.push(Raw {
                    hit: r.hit,
                    fixed: r.fixed.clone(),
                });
                joined = true;
            }
        }
        if !joined {
            groups.push(vec![r]);
        }
    }
    groups
}

fn id_rank(id: &str) -> u8 {
    if id.starts_with("CVE-") {
        0
    } else if id.starts_with("GHSA-") {
        1
    } else {
        2
    }
}

fn finding(
    db: &Database,
    pkg: &ScanPackage,
    base: &str,
    scheme: Scheme,
    group: Vec<Raw>,
) -> Result<VulnFinding, DbError> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for r in &group {
        if r.hit.upstream.len() > 1 && group.len() > 1 {
            // A multi-CVE advisory joined this group: list it, not its other CVEs.
            ids.insert(r.hit.id.clone());
            ids.extend(r.hit.aliases.iter().cloned());
        } else {
            ids.extend(ids_of(r.hit));
        }
    }
    let mut ids: Vec<String> = ids.into_iter().collect();
    ids.sort_by(|a, b| id_rank(a).cmp(&id_rank(b)).then_with(|| a.cmp(b)));
    // The fix that fixes every report: the highest of the fixed versions.
    let fixed_version = group
        .iter()
        .filter_map(|r| r.fixed.clone())
        .max_by(|a, b| scheme.compare(a, b).unwrap_or(Ordering::Equal));
    let (severity, severity_source, cvss) = severity_of(db, &group, &ids)?;
    let cve = ids.iter().find(|i| i.starts_with("CVE-"));
    // KEV and EPSS come joined with the advisory row; ask only when no member
    // record is about this CVE.
    let joined = group.iter().find(|r| r.hit.cve.as_ref() == cve);
    let (kev, epss) = match (cve, joined) {
        (Some(_), Some(r)) => (r.hit.kev.clone(), r.hit.epss),
        (Some(c), None) => (db.kev(c)?, db.epss(c)?),
        (None, _) => (None, None),
    };
    let best = group
        .iter()
        .min_by_key(|r| id_rank(&r.hit.id))
        .map(|r| r.hit);
    Ok(VulnFinding {
        id: ids[0].clone(),
        title: group.iter().find_map(|r| r.hit.summary.clone()),
        url: best.and_then(|h| h.url.clone()),
        ids,
        ecosystem: base.to_string(),
        package: pkg.name.clone(),
        source_package: pkg.source_name.clone().filter(|s| *s != pkg.name),
        installed_version: pkg.version.clone(),
        fixed_version,
        severity,
        severity_source,
        cvss,
        kev,
        epss,
        purl: pkg.purl.clone(),
        layer: pkg.layer.clone(),
        path: pkg.path.clone(),
    })
}

/// Severity precedence: a CVSS vector of the advisories themselves (package-level
/// first), then their own rating, then the CVSS of an aliased CVE record in the
/// database (enrichment), else `UNKNOWN`. Within a class the highest wins.
fn severity_of(
    db: &Database,
    group: &[Raw],
    ids: &[String],
) -> Result<(Severity, SeveritySource, Vec<CvssScore>), DbError> {
    let mut scores: Vec<(CvssScore, String)> = Vec::new();
    for r in group {
        for s in r.hit.affected.severity.iter().chain(&r.hit.severity) {
            if let Some(c) = cvss::score(&s.score) {
                scores.push((c, r.hit.id.clone()));
            }
        }
    }
    if scores.iter().all(|(c, _)| c.score.is_none()) {
        let ratings: Vec<(Severity, String, String)> = group
            .iter()
            .flat_map(|r| {
                let h = &r.hit;
                let ubuntu = h
                    .severity
                    .iter()
                    .filter(|s| s.kind == "Ubuntu")
                    .map(|s| s.score.clone());
                h.affected
                    .rating
                    .clone()
                    .into_iter()
                    .chain(ubuntu)
                    .chain(h.rating.clone())
                    .filter_map(move |word| {
                        Severity::from_rating(&word).map(|s| (s, h.id.clone(), word))
                    })
            })
            .collect();
        if let Some((sev, from, word)) = ratings.into_iter().max_by_key(|r| r.0) {
            let cvss = scores.into_iter().map(|(c, _)| c).collect();
            return Ok((
                sev,
                SeveritySource {
                    kind: "rating".into(),
                    from: Some(from),
                    value: Some(word),
                },
                cvss,
            ));
        }
        for id in ids.iter().filter(|i| i.starts_with("CVE-")) {
            for s in db.severity_of(id)? {
                if let Some(c) = cvss::score(&s.score) {
                    scores.push((c, id.clone()));
                }
            }
        }
    }
    let best = scores
        .iter()
        .filter(|(c, _)| c.score.is_some())
        .max_by(|a, b| {
            let rank =
                |c: &CvssScore| (c.version.starts_with('3') || c.version.starts_with('4')) as u8;
            rank(&a.0)
                .cmp(&rank(&b.0))
                .then(a.0.score.partial_cmp(&b.0.score).unwrap_or(Ordering::Equal))
        })
        .cloned();
    let mut cvss: Vec<CvssScore> = Vec::new();
    for (c, _) in scores {
        if !cvss.contains(&c) {
            cvss.push(c);
        }
    }
    Ok(match best {
        Some((c, from)) => (
            c.severity().unwrap_or(Severity::Unknown),
            SeveritySource {
                kind: "cvss".into(),
                from: Some(from),
                value: Some(c.vector.clone()),
            },
            cvss,
        ),
        None => (
            Severity::Unknown,
            SeveritySource {
                kind: "none".into(),
                from: None,
                value: None,
            },
            cvss,
        ),
    })
}
