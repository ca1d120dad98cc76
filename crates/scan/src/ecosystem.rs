//! Ecosystems: package-name normalisation and distribution-release matching.
//!
//! OSV spells a distribution's release inside the ecosystem (`Debian:12`,
//! `Alpine:v3.18`, `Ubuntu:22.04:LTS`, `Ubuntu:Pro:18.04:LTS`, `Rocky Linux:9`,
//! `Red Hat:enterprise_linux:9::appstream`, `SUSE:Linux Enterprise Server 15 SP5`);
//! an image's `/etc/os-release` says `VERSION_ID=12`, `3.18.4`, `22.04`, `9.3`, `15.5`.
//! Both are reduced to their dotted release numbers, and an advisory applies when its
//! numbers are a prefix of the image's (`9` matches `9.3`, `3.18` matches `3.18.4`,
//! `12` never matches `11`).

/// Whether an ecosystem is an OS distribution (advisories keyed by source package
/// and release).
pub fn is_distro(base: &str) -> bool {
    !matches!(
        base,
        "PyPI"
            | "npm"
            | "Go"
            | "crates.io"
            | "Maven"
            | "RubyGems"
            | "NuGet"
            | "Packagist"
            | "Hex"
            | "Pub"
            | "Hackage"
            | "CRAN"
            | "SwiftURL"
            | "GitHub Actions"
            | "ConanCenter"
            | "Bitnami"
            | "GIT"
            | "OSS-Fuzz"
            | "Linux"
            | "Android"
    )
}

/// A package name in the form the database indexes it: PyPI names per PEP 503
/// (lower case, runs of `-_.` as `-`), NuGet, Packagist and crates.io names lower case,
/// everything else as written.
pub fn normalize_name(base: &str, name: &str) -> String {
    let name = name.trim();
    match base {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
        "NuGet" | "Packagist" | "crates.io" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// The dotted release numbers in a string: `v3.18` → `[3, 18]`, `15 SP5` → `[15, 5]`,
/// `enterprise_linux:9::appstream` → `[9]`.
pub fn release_numbers(s: &str) -> Vec<u64> {
    let s = s.replace(" SP", ".").replace("-SP", ".");
    let bytes = s.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit);
    let Some(start) = start else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cur = String::new();
    for &c in &bytes[start..] {
        if c.is_ascii_digit() {
            cur.push(char::from(c));
        } else if c == b'.' && !cur.is_empty() {
            out.push(cur.parse().unwrap_or(u64::MAX));
            cur.clear();
        } else {
            break;
        }
    }
    if !cur.is_empty() {
        out.push(cur.parse().unwrap_or(u64::MAX));
    }
    out
}

/// Whether an advisory for `release` (the part of the OSV ecosystem after the base,
/// possibly empty) applies to an image whose distribution `VERSION_ID` is
/// `version_id`. `installed` is the package's version: Ubuntu Pro advisories apply
/// only to Pro (`+esm`) builds.
pub fn release_matches(base: &str, release: &str, version_id: &str, installed: &str) -> bool {
    if release.is_empty() {
        return true;
    }
    if base == "Ubuntu" && release.starts_with("Pro:") && !installed.contains("esm") {
        return false;
    }
    let want = release_numbers(release);
    let have = release_numbers(version_id);
    if want.is_empty() {
        // A release without numbers (`Debian:sid`-like): compare as written.
        return release.eq_ignore_ascii_case(version_id.trim());
    }
    !have.is_empty() && have.len() >= want.len() && have[..want.len()] == want[..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize_name("PyPI", "Jinja2"), "jinja2");
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(
            normalize_name("PyPI", "typing__extensions"),
            "typing-extensions"
        );
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(normalize_name("npm", "@Babel/core"), "@Babel/core");
        assert_eq!(normalize_name("Debian", "openssl"), "openssl");
    }

    #[test]
    fn releases() {
        let cases = [
            ("Debian", "12", "12", true),
            ("Debian", "12", "11", false),
            ("Debian", "11", "12", false),
            ("Debian", "1", "12", false),
            ("Alpine", "v3.18", "3.18.4", true),
            ("Alpine", "v3.1", "3.18.4", false),
            ("Alpine", "v3.19", "3.18.4", false),
            ("Ubuntu", "22.04:LTS", "22.04", true),
            ("Ubuntu", "22.04", "22.10", false),
            ("Ubuntu", "Pro:22.04:LTS", "22.04", false),
            ("Rocky Linux", "9", "9.3", true),
            ("AlmaLinux", "8", "9.3", false),
            ("Red Hat", "enterprise_linux:9::appstream", "9.2", true),
            ("SUSE", "Linux Enterprise Server 15 SP5", "15.5", true),
            ("SUSE", "Linux Enterprise Server 15 SP4", "15.5", false),
            ("openSUSE", "Leap 15.5", "15.5", true),
            ("Wolfi", "", "20230201", true),
        ];
        for (base, rel, vid, want) in cases {
            assert_eq!(
                release_matches(base, rel, vid, "1.0"),
                want,
                "{base}:{rel} vs {vid}"
            );
        }
        assert!(release_matches(
            "Ubuntu",
            "Pro:22.04:LTS",
            "22.04",
            "1.0-1ubuntu0.1+esm2"
        ));
    }
}
