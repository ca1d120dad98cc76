//! Path globs for rules and allow-lists: `**` spans any number of directories
//! (none included), `*` any run of characters within one name, `?` one character.
//!
//! Patterns and paths are compared by `/`-separated names; a leading `/` is ignored,
//! so `**/testdata/**` and `/app/*.pem` both work on image paths like `/app/key.pem`.

/// A compiled path glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    text: String,
    parts: Vec<String>,
}

impl Glob {
    /// Compiles `pattern`. Every string is a valid glob.
    pub fn new(pattern: &str) -> Self {
        let parts = pattern
            .split('/')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        Glob {
            text: pattern.to_string(),
            parts,
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when `path` matches the whole pattern.
    pub fn matches(&self, path: &str) -> bool {
        // Cheap rejection on the last name first: most paths fail there.
        if let Some(last) = self.parts.last().filter(|p| *p != "**") {
            let base = path.rsplit('/').next().unwrap_or(path);
            if !match_name(last.as_bytes(), base.as_bytes()) {
                return false;
            }
        }
        let names: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let parts: Vec<&str> = self.parts.iter().map(String::as_str).collect();
        match_parts(&parts, &names)
    }
}

/// Whether `names` match `parts`, where a `**` part spans any number of names.
///
/// Dynamic programming over (part, name) instead of backtracking, so a pattern
/// with many `**` against a deep path costs parts × names name matches, not an
/// exponential number. `row[j]` holds whether `parts[k+1..]` matches `names[j..]`.
fn match_parts(parts: &[&str], names: &[&str]) -> bool {
    let n = names.len();
    // Past the last part only the empty rest of the path matches.
    let mut row: Vec<bool> = (0..=n).map(|j| j == n).collect();
    let mut next = vec![false; n + 1];
    for part in parts.iter().rev() {
        for j in (0..=n).rev() {
            next[j] = if *part == "**" {
                row[j] || (j < n && next[j + 1])
            } else {
                j < n && row[j + 1] && match_name(part.as_bytes(), names[j].as_bytes())
            };
        }
        std::mem::swap(&mut row, &mut next);
    }
    row[0]
}

/// Wildcard match of one name (`*`, `?`), iterative with single backtracking point.
fn match_name(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_star_spans_directories() {
        let g = Glob::new("**/testdata/**");
        assert!(g.matches("/usr/lib/go/src/crypto/testdata/key.pem"));
        assert!(g.matches("/testdata/x"));
        assert!(!g.matches("/usr/lib/testdatax/key.pem"));
        let g = Glob::new("**/node_modules/**/test/**");
        assert!(g.matches("/app/node_modules/jws/test/keys/private.pem"));
        assert!(g.matches("/app/node_modules/a/b/test/c"));
        assert!(!g.matches("/app/node_modules/jws/lib/key.pem"));
    }

    #[test]
    fn single_names() {
        assert!(Glob::new("**/.env.*").matches("/srv/.env.production"));
        assert!(!Glob::new("**/.env.*").matches("/srv/.env"));
        assert!(Glob::new("**/.env").matches("/.env"));
        assert!(Glob::new("/app/*.pem").matches("/app/key.pem"));
        assert!(!Glob::new("/app/*.pem").matches("/app/sub/key.pem"));
        assert!(Glob::new("/a/?.txt").matches("/a/b.txt"));
        assert!(Glob::new("**/.docker/config.json").matches("/root/.docker/config.json"));
        assert!(Glob::new("/etc/ss*/*_key").matches("/etc/ssh/ssh_host_rsa_key"));
        assert!(!Glob::new("a*b").matches("/acb/x"));
    }

    #[test]
    fn many_double_stars_against_a_deep_path_are_not_exponential() {
        // With backtracking this is about C(60 + 40, 40) attempts; it must
        // finish at once and still give the right answers.
        let pattern = format!("{}x", "**/".repeat(40));
        let deep = "/a".repeat(60);
        assert!(!Glob::new(&pattern).matches(&format!("{deep}/y")));
        assert!(Glob::new(&pattern).matches(&format!("{deep}/x")));
        let stars = format!("/{}/z", ["*a*"; 30].join("/**/"));
        assert!(!Glob::new(&stars).matches(&format!("{}/y", "/aaaa".repeat(80))));
        assert!(Glob::new(&stars).matches(&format!("{}/z", "/aaaa".repeat(80))));
        let name = format!("{}b", "*a".repeat(50));
        assert!(!Glob::new(&name).matches(&format!("/{}", "a".repeat(5000))));
        assert!(Glob::new(&name).matches(&format!("/{}b", "a".repeat(5000))));
    }
}
