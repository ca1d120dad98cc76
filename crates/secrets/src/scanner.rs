//! Content scanning: a keyword prefilter, then only the rules whose keywords occurred.
//!
//! One Aho-Corasick automaton holds every rule's keywords (ASCII case-insensitive);
//! one pass over a file gives the set of candidate rules, and only their regexes run,
//! in table order. Rules restricted to paths (`.npmrc`, `.env`, …) run on the files
//! those paths select. Overlapping matches keep the earlier (more specific) rule.
//! Each value is validated (entropy, PEM body, placeholder checks), checked against
//! the [`Allowlist`] and then dropped: a [`Match`] carries only its redacted form.
//!
//! The caller decides what is worth scanning: [`is_binary`] (a NUL byte in the first
//! 8 KiB) and the size limit in [`ScanOptions`] are applied by the layer visitor.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;

use crate::allowlist::{AllowEntry, Allowlist};
use crate::glob::Glob;
use crate::pem::pem_base64;
use crate::redact::{redact, redact_bytes};
use crate::rules::{Check, Detect, Rule, RULES};

/// How many leading bytes [`is_binary`] looks at.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;
/// Default largest file scanned (bytes).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;
/// Most matches kept per rule and file (a fixture full of keys says it once per key, up to this).
const MAX_PER_RULE: usize = 20;

/// Scanner options.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Files larger than this are not read.
    pub max_file_size: u64,
    /// The user's allow-list entries (added to the built-in list).
    pub allow: Vec<AllowEntry>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            allow: Vec::new(),
        }
    }
}

/// One match of a rule in scanned text. The value itself is not kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// The rule.
    pub rule: &'static Rule,
    /// 1-based line of the value (or of the first match, for file rules).
    pub line: u32,
    /// Byte range of the value in the scanned text (empty for file rules).
    pub span: Range<usize>,
    /// The redacted value (`AK…LE`); `None` for rules that flag a whole file.
    pub redacted: Option<String>,
    /// Set when the allow-list suppresses the match: why.
    pub suppressed_by: Option<String>,
}

struct Compiled {
    rule: &'static Rule,
    regex: Regex,
    paths: Vec<Glob>,
    exclude: Vec<Glob>,
    requires: Option<AhoCorasick>,
    /// The regex names a key (`password = …`): group `q` is the value's opening quote.
    keyed: bool,
}

/// The compiled rules, prefilter and allow-list. Cheap to share (`Arc`) between threads.
pub struct Scanner {
    rules: Vec<Compiled>,
    prefilter: AhoCorasick,
    /// For each prefilter pattern, the rules (bit i = `rules[i]`) its keyword selects.
    keyword_rules: Vec<u64>,
    /// Rules without keywords (selected by path only).
    path_only: u64,
    /// Every rule some keyword selects.
    keyworded: u64,
    allow: Allowlist,
    options: ScanOptions,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("rules", &self.rules.len())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Scanner {
    /// Compiles every content rule of [`RULES`].
    pub fn new(options: ScanOptions) -> Self {
        let mut rules = Vec::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<u64> = Vec::new();
        let mut path_only = 0u64;
        for rule in RULES {
            let pattern = match rule.detect {
                Detect::Value(p) | Detect::File(p) => p,
                Detect::Directory(_) | Detect::Config => continue,
            };
            let bit = 1u64 << rules.len();
            for k in rule.keywords {
                let k = k.to_ascii_lowercase();
                match keywords.iter().position(|x| *x == k) {
                    Some(i) => keyword_rules[i] |= bit,
                    None => {
                        keywords.push(k);
                        keyword_rules.push(bit);
                    }
                }
            }
            if rule.keywords.is_empty() {
                path_only |= bit;
            }
            let regex = Regex::new(pattern).expect("the rules table compiles (tested)");
            rules.push(Compiled {
                rule,
                keyed: regex.capture_names().any(|n| n == Some("q")),
                regex,
                paths: rule.paths.iter().map(|p| Glob::new(p)).collect(),
                exclude: rule.exclude_paths.iter().map(|p| Glob::new(p)).collect(),
                requires: (!rule.requires.is_empty())
                    .then(|| AhoCorasick::new(rule.requires).expect("small literal set")),
            });
        }
        let prefilter = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .expect("small keyword set");
        Scanner {
            rules,
            prefilter,
            keyworded: keyword_rules.iter().fold(0, |a, b| a | b),
            keyword_rules,
            path_only,
            allow: Allowlist::new(options.allow.clone()),
            options,
        }
    }

    /// The options it was built with.
    pub fn options(&self) -> &ScanOptions {
        &self.options
    }

    /// The allow-list in force.
    pub fn allowlist(&self) -> &Allowlist {
        &self.allow
    }

    /// The rules worth running on `content` at `path` (bit i = `self.rules[i]`).
    fn candidates(&self, path: &str, content: &[u8]) -> u64 {
        let mut set = 0u64;
        for m in self.prefilter.find_overlapping_iter(content) {
            set |= self.keyword_rules[m.pattern().as_usize()];
            if set == self.keyworded {
                break;
            }
        }
        set |= self.path_only;
        let mut out = 0u64;
        for (i, c) in self.rules.iter().enumerate() {
            let bit = 1u64 << i;
            if set & bit != 0
                && (c.paths.is_empty() || c.paths.iter().any(|g| g.matches(path)))
                && !c.exclude.iter().any(|g| g.matches(path))
            {
                out |= bit;
            }
        }
        out
    }

    /// Scans `content` (the file at `path`, or a config value named `path`).
    pub fn scan(&self, path: &str, content: &[u8]) -> Vec<Match> {
        let set = self.candidates(path, content);
        if set == 0 {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = Vec::new();
        for (i, c) in self.rules.iter().enumerate() {
            if set & (1u64 << i) == 0 {
                continue;
            }
            if c.requires.as_ref().is_some_and(|r| !r.is_match(content)) {
                continue;
            }
            match c.rule.detect {
                Detect::File(_) => {
                    if let Some(m) = c.regex.find(content) {
                        hits.push(Hit {
                            rule: c.rule,
                            at: m.start(),
                            value: None,
                        });
                    }
                }
                _ => value_hits(c, path, content, &mut hits),
            }
        }
        hits.sort_by_key(|h| h.at);
        let mut line = 1u32;
        let mut pos = 0usize;
        hits.into_iter()
            .map(|h| {
                line += count_newlines(&content[pos..h.at]);
                pos = h.at;
                let value = h.value.clone().map(|r| &content[r]);
                Match {
                    rule: h.rule,
                    line,
                    span: h.value.clone().unwrap_or(h.at..h.at),
                    redacted: value.map(|v| display_redacted(h.rule, v)),
                    suppressed_by: self.allow.check(h.rule, path, value),
                }
            })
            .collect()
    }
}

fn value_hits(c: &Compiled, path: &str, content: &[u8], hits: &mut Vec<Hit>) {
    let mut n = 0;
    for caps in c.regex.captures_iter(content) {
        let Some(v) = caps.name("v") else { continue };
        let range = v.range();
        if !valid(c.rule, v.as_bytes()) {
            continue;
        }
        if c.keyed {
            // In source code a bare value is an expression (`token: TokenType`), not a secret.
            if caps.name("q").is_none() && is_source_code(path) {
                continue;
            }
            let at = caps.get(0).map_or(range.start, |m| m.start());
            if !plausible_key(key_name(content, at, range.start)) {
                continue;
            }
        }
        let overlaps = hits.iter().any(|h| {
            h.value
                .as_ref()
                .is_some_and(|r| r.start < range.end && range.start < r.end)
        });
        if overlaps {
            continue;
        }
        hits.push(Hit {
            rule: c.rule,
            at: range.start,
            value: Some(range),
        });
        n += 1;
        if n == MAX_PER_RULE {
            break;
        }
    }
}

struct Hit {
    rule: &'static Rule,
    at: usize,
    value: Option<Range<usize>>,
}

fn count_newlines(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u32
}

/// True when `prefix` (the first bytes of a file) holds a NUL byte.
pub fn is_binary(prefix: &[u8]) -> bool {
    prefix[..prefix.len().min(BINARY_SNIFF_LEN)].contains(&0)
}

/// Shannon entropy of `bytes`, in bits per byte.
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn valid(rule: &Rule, value: &[u8]) -> bool {
    if rule.min_entropy.is_some_and(|min| entropy(value) < min) {
        return false;
    }
    match rule.check {
        Check::None => true,
        Check::PemBody => pem_base64(value).len() >= 64,
        Check::Generic => plausible_secret(value),
    }
}

/// Extensions of source files, where a secret is a quoted literal.
const SOURCE_EXTENSIONS: &[&str] = &[
    "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "py", "pyi", "rb", "go", "java", "kt",
    "scala", "groovy", "c", "h", "cc", "cpp", "hpp", "cs", "rs", "php", "swift", "pl", "pm", "lua",
    "dart", "vue", "svelte", "map",
];

fn is_source_code(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        SOURCE_EXTENSIONS
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// Words that mark a value as an example, template or reference, not a secret.
const PLACEHOLDERS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "dummy",
    "sample",
    "redacted",
    "xxxx",
    "****",
    "your",
    "<",
    ">",
    "${",
    "{{",
    "%(",
    "$(",
    "password",
    "secret",
    "token",
    "credential",
    "...",
    "…",
];

/// Parts of key names that are not secrets: pagination and idempotency tokens, CSRF
/// form fields, flags.
const NOT_SECRET_KEYS: &[&str] = &[
    "next",
    "continuation",
    "change",
    "request",
    "purchase",
    "page",
    "input",
    "output",
    "lifecycle",
    "cancel",
    "marker",
    "csrf",
    "xsrf",
    "idempotency",
    "sync",
    "type",
    "length",
    "expir",
    "_url",
    "_file",
    "_path",
];

/// The key a generic match assigns to: from the start of the name before the keyword
/// (`DB_PASSWORD`, `clientRequestToken`) to the value.
fn key_name(content: &[u8], keyword_at: usize, value_at: usize) -> &[u8] {
    let start = content[..keyword_at]
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
        .map_or(0, |i| i + 1);
    &content[start..value_at]
}

fn plausible_key(key: &[u8]) -> bool {
    let lower = key.to_ascii_lowercase();
    !NOT_SECRET_KEYS
        .iter()
        .any(|w| contains(&lower, w.as_bytes()))
}

/// A free-form value that could be a secret: no placeholder, mixed character classes,
/// not an identifier, dotted name or path.
fn plausible_secret(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDERS.iter().any(|p| contains(&lower, p.as_bytes())) {
        return false;
    }
    if value.starts_with(b"/") || value.starts_with(b"./") || contains(value, b"://") {
        return false;
    }
    let classes = [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
    ];
    // Two character classes, and not letters alone (`ExclusiveStartKey` is a name).
    if classes.iter().filter(|&&c| c).count() < 2 || value.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    !is_dotted_identifier(value) && !is_uuid(value)
}

/// `1d2129a1-3d38-460a-9756-e5b91fddb951`: request ids and idempotency tokens far more
/// often than credentials.
fn is_uuid(value: &[u8]) -> bool {
    let groups: Vec<&[u8]> = value.split(|&b| b == b'-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.iter().all(u8::is_ascii_hexdigit))
}

/// `settings.SECRET_KEY`, `os.environ`, `DB_PASSWORD`: names, not values.
fn is_dotted_identifier(value: &[u8]) -> bool {
    (value.contains(&b'.') || value.contains(&b'_'))
        && value.split(|&b| b == b'.').all(|part| {
            part.first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
                && part.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                && !part.iter().any(u8::is_ascii_digit)
        })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The redacted form shown for a value: a PEM body by its base64 characters.
fn display_redacted(rule: &Rule, value: &[u8]) -> String {
    if rule.check == Check::PemBody {
        return redact(&pem_base64(value));
    }
    redact_bytes(value)
}

#[cfg(test)]
mod tests;
