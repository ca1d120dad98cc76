//! Bounds on what one package database may put into the inventory, so a
//! hostile or broken file (absurd field lengths, millions of entries, invalid
//! UTF-8) costs bounded memory and time and leaves a note instead of a
//! gigabyte-sized SBOM.
//!
//! Every package goes through [`Bounds::admit`] (from `Ctx::add`). Findings are
//! counted per file and kind and become one note each at the end of the run.

use std::collections::{BTreeMap, HashMap};

use crate::inventory::{Inventory, Package};

/// Longest name, version, namespace, architecture, source, license or
/// dependency name kept, in bytes (real ones are far below 256).
pub const MAX_FIELD: usize = 1024;
/// Most licenses, dependencies or extra entries kept per package.
pub const MAX_LIST: usize = 4096;
/// Most packages taken from one file by default (the largest real distro
/// databases hold some ten thousand); `CatalogOptions::max_packages_per_file`.
pub const MAX_PACKAGES_PER_FILE: usize = 100_000;

/// Something a package database did that was bounded or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Issue {
    LongIdentity,
    LongField,
    LongList,
    InvalidUtf8,
    TooMany(usize),
}

impl Issue {
    fn describe(self, count: usize) -> String {
        match self {
            Issue::LongIdentity => format!(
                "skipped {count} package(s) whose name or version is over {MAX_FIELD} bytes"
            ),
            Issue::LongField => format!(
                "dropped values over {MAX_FIELD} bytes (architecture, source, licenses, dependencies) in {count} package(s)"
            ),
            Issue::LongList => format!(
                "kept the first {MAX_LIST} licenses/dependencies of {count} package(s)"
            ),
            Issue::InvalidUtf8 => format!(
                "{count} package(s) have invalid UTF-8 in their name or version (shown as U+FFFD)"
            ),
            Issue::TooMany(limit) => {
                format!("stopped after {limit} packages: the rest of this file was skipped")
            }
        }
    }
}

/// Per-file package counts and findings of one catalogue run.
#[derive(Default)]
pub(crate) struct Bounds {
    max_per_file: usize,
    per_file: HashMap<String, usize>,
    issues: BTreeMap<(String, Issue), usize>,
}

impl Bounds {
    /// Bounds taking at most `max_per_file` packages from one file.
    pub(crate) fn new(max_per_file: usize) -> Self {
        Bounds {
            max_per_file,
            ..Bounds::default()
        }
    }

    /// Checks (and trims) a package found at `path`; false when it must be skipped.
    pub(crate) fn admit(&mut self, pkg: &mut Package, path: &str) -> bool {
        let seen = self.per_file.entry(path.to_owned()).or_default();
        *seen += 1;
        if *seen > self.max_per_file {
            let issue = Issue::TooMany(self.max_per_file);
            self.issues.insert((path.to_owned(), issue), 1);
            return false;
        }
        if pkg.name.len() > MAX_FIELD || pkg.version.len() > MAX_FIELD {
            self.count(path, Issue::LongIdentity);
            return false;
        }
        if pkg.name.contains('\u{fffd}') || pkg.version.contains('\u{fffd}') {
            self.count(path, Issue::InvalidUtf8);
        }
        let short = |s: &String| s.len() <= MAX_FIELD;
        let mut long = false;
        for opt in [&mut pkg.namespace, &mut pkg.arch] {
            if opt.as_ref().is_some_and(|s| !short(s)) {
                *opt = None;
                long = true;
            }
        }
        if pkg
            .source
            .as_ref()
            .is_some_and(|s| !short(&s.name) || !short(&s.version))
        {
            pkg.source = None;
            long = true;
        }
        let mut list = false;
        for v in [&mut pkg.licenses, &mut pkg.depends_on] {
            let before = v.len();
            v.retain(short);
            long |= v.len() != before;
            list |= v.len() > MAX_LIST;
            v.truncate(MAX_LIST);
        }
        let before = pkg.extra.len();
        pkg.extra.retain(|(k, v)| short(k) && short(v));
        long |= pkg.extra.len() != before;
        list |= pkg.extra.len() > MAX_LIST;
        pkg.extra.truncate(MAX_LIST);
        if long {
            self.count(path, Issue::LongField);
        }
        if list {
            self.count(path, Issue::LongList);
        }
        true
    }

    /// Most packages taken from one file.
    pub(crate) fn max_per_file(&self) -> usize {
        self.max_per_file
    }

    /// True once `path` has given as many packages as are taken from one file
    /// (a parser stops reading it at the next package).
    pub(crate) fn full(&self, path: &str) -> bool {
        self.per_file
            .get(path)
            .is_some_and(|&n| n >= self.max_per_file)
    }

    fn count(&mut self, path: &str, issue: Issue) {
        *self.issues.entry((path.to_owned(), issue)).or_default() += 1;
    }

    /// Turns the findings into one note per file and kind.
    pub(crate) fn into_notes(self, inv: &mut Inventory) {
        for ((path, issue), count) in self.issues {
            inv.note(&path, issue.describe(count));
        }
    }
}
