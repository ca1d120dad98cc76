//! The catalogers and the driver that runs them: select paths from the tree's
//! entries, read them all in one batch, parse, then post-process (distro
//! qualifiers, lock-file deduplication, dependency resolution, sorting).

pub mod apk;
pub mod binary;
pub mod bounds;
pub mod dotnet;
pub mod dpkg;
mod elf;
pub mod golang;
pub mod java;
pub mod lockfiles;
pub mod node;
pub mod osrelease;
pub mod php;
pub mod python;
pub mod rpm;
pub mod ruby;
pub mod rust;
mod sqlite;
mod text;
mod zip;

use crate::inventory::{BaseKind, FoundBy, Inventory, Package, PackageType};
use crate::tree::{EntryKind, FileEntry, FileTree, LayerRef};
use std::collections::{BTreeMap, HashMap};

/// Limits and switches for a catalog run.
#[derive(Debug, Clone)]
pub struct CatalogOptions {
    /// Metadata files (package databases, manifests, lock files) larger than
    /// this are skipped with a note.
    pub max_metadata_size: u64,
    /// Binaries and archives larger than this are skipped with a note.
    pub max_binary_size: u64,
    /// Look inside executables (Go build info, cargo-auditable).
    pub binaries: bool,
    /// Look inside Java archives.
    pub java: bool,
    /// Catalogue lock files.
    pub lock_files: bool,
    /// Most packages taken from one file; the rest is skipped with a note
    /// (default [`bounds::MAX_PACKAGES_PER_FILE`]).
    pub max_packages_per_file: usize,
}

impl Default for CatalogOptions {
    fn default() -> Self {
        CatalogOptions {
            max_metadata_size: 64 << 20,
            max_binary_size: 512 << 20,
            binaries: true,
            java: true,
            lock_files: true,
            max_packages_per_file: bounds::MAX_PACKAGES_PER_FILE,
        }
    }
}

/// State shared by catalogers during one run.
pub(crate) struct Ctx<'a> {
    pub inv: Inventory,
    pub entries: &'a HashMap<&'a str, &'a FileEntry>,
    /// os-release files read, by path (resolved after the pass).
    pub os_release: BTreeMap<String, Vec<u8>>,
    /// Licenses from `/usr/share/doc/<pkg>/copyright`, by package name.
    pub deb_copyright: BTreeMap<String, Vec<String>>,
    /// Per-file package counts and bounded fields (notes at the end).
    pub(crate) bounds: bounds::Bounds,
}

impl Ctx<'_> {
    /// Layer that introduced `path`.
    pub fn layer(&self, path: &str) -> Option<LayerRef> {
        self.entries.get(path).and_then(|e| e.layer.clone())
    }

    /// Record a package found at `path`.
    pub fn add(&mut self, mut pkg: Package, path: &str) {
        if pkg.name.is_empty() || !self.bounds.admit(&mut pkg, path) {
            return;
        }
        if pkg.locations.is_empty() {
            let layer = self.layer(path);
            pkg = pkg.at(path, layer);
        }
        self.inv.packages.push(pkg);
    }

    /// Record a note.
    pub fn note(&mut self, path: &str, msg: impl Into<String>) {
        self.inv.note(path, msg);
    }

    /// Does the tree contain this path?
    pub fn exists(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }
}

/// What a cataloger does with one file.
pub(crate) trait Cataloger {
    /// Does this cataloger want to read the entry?
    fn select(&self, e: &FileEntry) -> bool;
    /// True when symlinks should be read too (through their target).
    fn follow_symlinks(&self) -> bool {
        false
    }
    /// True when the selected files are binaries/archives (larger size limit).
    fn binary(&self) -> bool {
        false
    }
    /// False when [`Cataloger::parse`] certainly finds nothing in `data`, so a reader
    /// that streams the layers once may drop the bytes instead of keeping them.
    fn relevant(&self, data: &[u8]) -> bool {
        let _ = data;
        true
    }
    /// Parse one selected file's contents.
    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]);
}

/// Which files the catalogue reads, decided per file, for readers that stream the
/// layers once and keep only what the catalogue will ask for (see
/// [`FileTree::read_files`]).
pub struct Selector {
    cats: Vec<Box<dyn Cataloger + Send + Sync>>,
    opts: CatalogOptions,
}

impl std::fmt::Debug for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Selector")
            .field("opts", &self.opts)
            .finish()
    }
}

impl Selector {
    /// The selection [`catalog`] makes with `opts`.
    pub fn new(opts: &CatalogOptions) -> Self {
        Selector {
            cats: catalogers(opts),
            opts: opts.clone(),
        }
    }

    /// True when some cataloger reads this regular file (within its size limit).
    pub fn wants(&self, e: &FileEntry) -> bool {
        e.kind == EntryKind::File
            && self
                .cats
                .iter()
                .any(|c| c.select(e) && e.size <= limit_for(c.as_ref(), &self.opts))
    }

    /// False when no cataloger that reads `e` can find anything in `data`: the
    /// catalogue's result is the same whether it reads these bytes or none.
    pub fn relevant(&self, e: &FileEntry, data: &[u8]) -> bool {
        self.cats.iter().any(|c| c.select(e) && c.relevant(data))
    }
}

fn limit_for(c: &dyn Cataloger, opts: &CatalogOptions) -> u64 {
    if c.binary() {
        opts.max_binary_size
    } else {
        opts.max_metadata_size
    }
}

fn catalogers(opts: &CatalogOptions) -> Vec<Box<dyn Cataloger + Send + Sync>> {
    let mut v: Vec<Box<dyn Cataloger + Send + Sync>> = vec![
        Box::new(osrelease::OsRelease),
        Box::new(dpkg::Dpkg),
        Box::new(apk::Apk),
        Box::new(rpm::Rpm),
        Box::new(python::Python),
        Box::new(node::Node),
        Box::new(ruby::Ruby),
        Box::new(php::Php),
        Box::new(dotnet::DotNet),
    ];
    if opts.lock_files {
        v.push(Box::new(lockfiles::LockFiles));
    }
    if opts.binaries {
        v.push(Box::new(binary::Binaries));
    }
    if opts.java {
        v.push(Box::new(java::Java));
    }
    v
}

/// Catalogue every package in `tree`.
pub fn catalog(tree: &dyn FileTree, opts: &CatalogOptions) -> Inventory {
    let entries = tree.entries();
    let index: HashMap<&str, &FileEntry> = entries.iter().map(|e| (e.path.as_str(), e)).collect();
    let cats = catalogers(opts);
    let mut ctx = Ctx {
        inv: Inventory::default(),
        entries: &index,
        os_release: BTreeMap::new(),
        deb_copyright: BTreeMap::new(),
        bounds: bounds::Bounds::new(opts.max_packages_per_file),
    };
    // Select: path -> cataloger indices.
    let mut wanted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut sorted: Vec<&FileEntry> = entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::File | EntryKind::Symlink))
        .collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut notes = Vec::new();
    for e in sorted {
        for (i, c) in cats.iter().enumerate() {
            if !c.select(e) || (e.kind == EntryKind::Symlink && !c.follow_symlinks()) {
                continue;
            }
            let limit = limit_for(c.as_ref(), opts);
            if e.size > limit {
                notes.push((
                    e.path.clone(),
                    format!("skipped: {} bytes is over the {limit}-byte limit", e.size),
                ));
                continue;
            }
            wanted.entry(e.path.as_str()).or_default().push(i);
        }
    }
    for (p, m) in notes {
        ctx.note(&p, m);
    }
    let paths: Vec<&str> = wanted.keys().copied().collect();
    let limit = opts.max_binary_size.max(opts.max_metadata_size);
    for (path, res) in read_in_chunks(tree, &paths, &index, limit) {
        let Some(which) = wanted.get(path.as_str()) else {
            continue;
        };
        match res {
            Ok(data) => {
                for &i in which {
                    cats[i].parse(&mut ctx, &path, &data);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => ctx.note(&path, format!("skipped: cannot read: {e}")),
        }
    }
    finish(ctx)
}

/// Read the selected files in batches of at most ~256 MiB so that many large
/// binaries never sit in memory together (one batch for typical images).
fn read_in_chunks(
    tree: &dyn FileTree,
    paths: &[&str],
    index: &HashMap<&str, &FileEntry>,
    limit: u64,
) -> Vec<crate::tree::ReadResult> {
    const BATCH: u64 = 256 << 20;
    let mut out = Vec::new();
    let mut start = 0;
    while start < paths.len() {
        let mut end = start;
        let mut total = 0u64;
        while end < paths.len() && (end == start || total < BATCH) {
            total += index.get(paths[end]).map_or(0, |e| e.size);
            end += 1;
        }
        out.extend(tree.read_files(&paths[start..end], limit));
        start = end;
    }
    out
}

fn finish(mut ctx: Ctx<'_>) -> Inventory {
    std::mem::take(&mut ctx.bounds).into_notes(&mut ctx.inv);
    osrelease::resolve(&mut ctx);
    dpkg::attach_licenses(&mut ctx);
    let mut inv = ctx.inv;
    let qualifier = inv.distro.as_ref().map(|d| d.qualifier());
    for p in &mut inv.packages {
        if matches!(
            p.ptype,
            PackageType::Deb | PackageType::Apk | PackageType::Rpm
        ) {
            p.distro.clone_from(&qualifier);
        }
    }
    let has_os_pkgs = inv.packages.iter().any(|p| {
        matches!(
            p.ptype,
            PackageType::Deb | PackageType::Apk | PackageType::Rpm
        )
    });
    let has_pkg_manager = ctx.entries.contains_key("/usr/bin/dpkg")
        || ctx.entries.contains_key("/sbin/apk")
        || ctx.entries.contains_key("/usr/bin/rpm")
        || ctx.entries.contains_key("/bin/rpm");
    inv.base = if inv.distro.is_none() && !has_os_pkgs {
        BaseKind::Scratch
    } else if !has_pkg_manager {
        BaseKind::Distroless
    } else {
        BaseKind::Distro
    };
    dedup(&mut inv);
    resolve_dependencies(&mut inv);
    inv.sort();
    inv
}

/// Merge duplicates: the same package found several times keeps one entry
/// with all locations; lock-file entries for installed packages are dropped.
fn dedup(inv: &mut Inventory) {
    let mut by_key: BTreeMap<(PackageType, String, String, String), Package> = BTreeMap::new();
    let mut order = Vec::new();
    for p in std::mem::take(&mut inv.packages) {
        let key = p.key();
        match by_key.get_mut(&key) {
            Some(existing) => merge_into(existing, p),
            None => {
                order.push(key.clone());
                by_key.insert(key, p);
            }
        }
    }
    // A lock-file package whose name+version is installed under any arch.
    let installed: std::collections::HashSet<(PackageType, String, String)> = by_key
        .values()
        .filter(|p| p.found_by != FoundBy::LockFile)
        .map(|p| (p.ptype, p.full_name(), p.version.clone()))
        .collect();
    inv.packages = order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .filter(|p| {
            p.found_by != FoundBy::LockFile
                || !installed.contains(&(p.ptype, p.full_name(), p.version.clone()))
        })
        .collect();
}

fn merge_into(a: &mut Package, b: Package) {
    // Installed beats lock file; keep the richer metadata.
    if a.found_by == FoundBy::LockFile && b.found_by != FoundBy::LockFile {
        let locs = std::mem::take(&mut a.locations);
        *a = Package {
            locations: b.locations.clone(),
            ..b
        };
        a.locations.extend(locs);
        return;
    }
    if b.found_by == FoundBy::LockFile && a.found_by != FoundBy::LockFile {
        return;
    }
    for l in b.locations {
        if !a.locations.contains(&l) {
            a.locations.push(l);
        }
    }
    a.licenses.extend(b.licenses);
    a.depends_on.extend(b.depends_on);
    if a.source.is_none() {
        a.source = b.source;
    }
}

/// Keep only dependency names that resolve to a catalogued package of the
/// same type (so relationships point at real components).
fn resolve_dependencies(inv: &mut Inventory) {
    let names: std::collections::HashSet<(PackageType, String)> = inv
        .packages
        .iter()
        .map(|p| (p.ptype, p.full_name()))
        .collect();
    for p in &mut inv.packages {
        let t = p.ptype;
        p.depends_on
            .retain(|d| names.contains(&(t, d.clone())) && *d != p.name);
    }
}

/// File name part of a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Parent directory of a path ("/" for top-level).
pub(crate) fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}
