//! The rule registry: one flat slice of every rule, grouped by family in
//! the submodules.

pub mod apk;
pub mod apt;
pub mod copy;
pub mod final_stage;
pub mod from;
pub mod instr;
pub mod lang;
pub mod rpm;
pub mod secrets;
pub mod shell;
pub mod user;
pub mod zypper;

use crate::rule::Rule;
use crate::severity::Severity;

/// DL1000: the file cannot be parsed (reported by the linter itself).
pub static DL1000: Rule = Rule {
    id: "DL1000",
    name: "parse-error",
    severity: Severity::Error,
    message: "The Dockerfile cannot be parsed",
    help: "Docker would reject this file. The message names the line and column where parsing stopped. \
Fix: correct the syntax there (unknown instruction, unterminated heredoc, missing arguments).",
    enabled_by_default: true,
    bad: "FROM alpine:3\nFORM alpine:3\n",
    good: "FROM alpine:3\n",
    check: |_, _| {},
};

/// Every rule, in id order.
pub static RULES: &[&Rule] = &[
    &DL1000,
    &instr::DL3000,
    &shell::DL3001,
    &user::DL3002,
    &shell::DL3003,
    &shell::DL3004,
    &from::DL3006,
    &from::DL3007,
    &apt::DL3008,
    &apt::DL3009,
    &copy::DL3010,
    &instr::DL3011,
    &instr::DL3012,
    &lang::DL3013,
    &apt::DL3014,
    &apt::DL3015,
    &lang::DL3016,
    &apk::DL3018,
    &apk::DL3019,
    &copy::DL3020,
    &copy::DL3021,
    &copy::DL3022,
    &copy::DL3023,
    &from::DL3024,
    &instr::DL3025,
    &from::DL3026,
    &apt::DL3027,
    &lang::DL3028,
    &from::DL3029,
    &rpm::DL3030,
    &rpm::DL3032,
    &rpm::DL3033,
    &zypper::DL3034,
    &zypper::DL3035,
    &zypper::DL3036,
    &zypper::DL3037,
    &rpm::DL3038,
    &rpm::DL3040,
    &rpm::DL3041,
    &lang::DL3042,
    &instr::DL3043,
    &instr::DL3044,
    &copy::DL3045,
    &shell::DL3046,
    &shell::DL3047,
    &instr::DL3048,
    &shell::DL3059,
    &lang::DL3060,
    &from::DL3061,
    &lang::DL3062,
    &from::DL3063,
    &secrets::DL3064,
    &from::DL3065,
    &user::DL3066,
    &copy::DL3067,
    &instr::DL4000,
    &shell::DL4001,
    &instr::DL4003,
    &instr::DL4004,
    &shell::DL4005,
    &shell::DL4006,
    &from::SEC001,
    &user::SEC002,
    &copy::SEC003,
    &secrets::SEC004,
    &secrets::SEC005,
    &copy::SEC006,
    &copy::SEC007,
    &final_stage::SEC008,
    &final_stage::SEC009,
    &final_stage::SEC010,
    &shell::SEC011,
    &apt::SEC012,
    &instr::SEC013,
    &shell::SEC014,
    &shell::SEC015,
    &instr::SEC016,
];

/// The rule with id `id` (case-insensitive).
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

/// `s` without surrounding single or double quotes.
pub(crate) fn drop_quotes(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

const ARCHIVES: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Whether a path names an archive ADD would extract (hadolint's list).
pub(crate) fn is_archive(s: &str) -> bool {
    let s = drop_quotes(s);
    ARCHIVES.iter().any(|e| s.ends_with(e))
}

/// Whether a source is an http(s) URL.
pub(crate) fn is_url(s: &str) -> bool {
    let s = drop_quotes(s);
    s.starts_with("https://") || s.starts_with("http://")
}
