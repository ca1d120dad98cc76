//! Go module versions: semantic versions with a `v` prefix, where pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`) are
//! pre-releases that order by their timestamp, and `+incompatible` is build metadata.
//! The Go toolchain's own versions (`go1.21.3`, `go1.22rc1`) are also understood, as
//! OSV's `stdlib` and `toolchain` packages use them.

use std::cmp::Ordering;

use super::semver::SemVer;

/// Turns a Go version into a semantic version string (`go1.22rc1` → `1.22.0-rc.1`).
pub fn canonical(v: &str) -> String {
    let v = v.trim();
    if let Some(rest) = v.strip_prefix("go") {
        // Toolchain: go1.21, go1.21.3, go1.21rc1, go1.9beta2.
        let cut = rest
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let (num, pre) = rest.split_at(cut);
        let mut parts: Vec<&str> = num.split('.').collect();
        while parts.len() < 3 {
            parts.push("0");
        }
        let mut out = parts.join(".");
        if !pre.is_empty() {
            let digits = pre.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let word = &pre[..pre.len() - digits.len()];
            out.push_str(&format!("-{word}.{digits}"));
        }
        return out;
    }
    v.strip_prefix('v').unwrap_or(v).to_string()
}

/// Compares two Go versions; `None` if either is not a semantic version.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(SemVer::parse(&canonical(a))?.cmp(&SemVer::parse(&canonical(b))?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn go_versions() {
        let cases = [
            ("v1.2.3", "1.2.3", Equal),
            // golang.org/x/net GO-2023-2102 fixed in 0.17.0; installed as a pseudo-version.
            ("v0.0.0-20191109021931-daa7c04131f5", "0.17.0", Less),
            (
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200301000000-aaaaaaaaaaaa",
                Less,
            ),
            ("v1.2.4-0.20191109021931-daa7c04131f5", "1.2.3", Greater),
            ("v1.2.4-0.20191109021931-daa7c04131f5", "1.2.4", Less),
            (
                "v1.2.4-pre.0.20191109021931-daa7c04131f5",
                "1.2.4-pre",
                Greater,
            ),
            ("v2.0.0+incompatible", "2.0.0", Equal),
            ("v2.1.0+incompatible", "2.0.5", Greater),
            // stdlib GO-2023-2185 fixed in 1.21.4.
            ("go1.21.3", "1.21.4", Less),
            ("go1.21", "1.21.0", Equal),
            ("go1.22rc1", "1.22.0-rc.1", Equal),
            ("go1.22rc1", "1.22.0", Less),
            ("go1.21.10", "1.21.9", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Some(want), "{a} vs {b}");
        }
        assert_eq!(compare("(devel)", "1.0.0"), None);
    }
}
