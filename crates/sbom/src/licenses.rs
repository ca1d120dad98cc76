//! Classifying declared license strings: SPDX identifiers we can emit as
//! such, simple expressions over them, and everything else (free text).

/// Common SPDX license identifiers (a subset of the SPDX license list).
const IDS: &[&str] = &[
    "0BSD",
    "AFL-2.1",
    "AFL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-1.0",
    "Artistic-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-4-Clause",
    "BSL-1.0",
    "BlueOak-1.0.0",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "EPL-1.0",
    "EPL-2.0",
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ISC",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MIT-0",
    "MPL-1.1",
    "MPL-2.0",
    "OpenSSL",
    "PSF-2.0",
    "Python-2.0",
    "Ruby",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "W3C",
    "WTFPL",
    "X11",
    "Zlib",
    "curl",
    "bzip2-1.0.6",
];

/// Exceptions allowed after `WITH`.
const EXCEPTIONS: &[&str] = &[
    "Classpath-exception-2.0",
    "GCC-exception-3.1",
    "LLVM-exception",
    "OpenSSL-exception",
];

/// Is `s` one of the known SPDX identifiers (case-sensitive)?
pub(crate) fn is_spdx_id(s: &str) -> bool {
    IDS.contains(&s)
}

/// Is `s` an SPDX expression made only of known identifiers?
pub(crate) fn is_spdx_expression(s: &str) -> bool {
    let spaced = s.replace('(', " ( ").replace(')', " ) ");
    let toks: Vec<&str> = spaced.split_whitespace().collect();
    if toks.is_empty() {
        return false;
    }
    let mut depth = 0i32;
    let mut expect_id = true;
    let mut after_with = false;
    for t in toks {
        match t {
            "(" if expect_id => depth += 1,
            ")" if !expect_id => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            "AND" | "OR" if !expect_id => expect_id = true,
            "WITH" if !expect_id => {
                expect_id = true;
                after_with = true;
            }
            id if expect_id => {
                let ok = if after_with {
                    EXCEPTIONS.contains(&id)
                } else {
                    is_spdx_id(id.trim_end_matches('+'))
                };
                if !ok {
                    return false;
                }
                expect_id = false;
                after_with = false;
            }
            _ => return false,
        }
    }
    depth == 0 && !expect_id
}

/// A `LicenseRef-` identifier for free-text license `s`.
pub(crate) fn license_ref(s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let body = body.trim_matches('-');
    format!(
        "LicenseRef-{}",
        if body.is_empty() { "unknown" } else { body }
    )
}
