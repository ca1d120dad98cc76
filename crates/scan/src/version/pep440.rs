//! Python package versions (PEP 440), parsed with the normalisations `packaging`
//! accepts (case, `v` prefix, `-`/`_`/`.` separators, `alpha`/`c`/`pre`/`preview`
//! spellings, implicit post releases like `1.0-1`) and ordered by `packaging`'s key:
//! epoch, release without trailing zeros, dev-only releases before pre-releases,
//! pre-releases, post-releases, dev releases, then local versions.

use std::cmp::Ordering;

/// A parsed PEP 440 version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pep440 {
    /// `N!` (0 when absent).
    pub epoch: u64,
    /// Release numbers.
    pub release: Vec<u64>,
    /// Pre-release: 0 = a, 1 = b, 2 = rc; and its number.
    pub pre: Option<(u8, u64)>,
    /// Post-release number.
    pub post: Option<u64>,
    /// Dev-release number.
    pub dev: Option<u64>,
    /// Local version segments.
    pub local: Vec<LocalSeg>,
}

/// A segment of a local version (`+ubuntu.1`): numbers sort after strings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LocalSeg {
    /// An alphanumeric segment (lower-cased).
    Str(String),
    /// A numeric segment.
    Num(u64),
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn number(&mut self) -> Option<u64> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if start == self.i {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }
    fn sep(&mut self) -> bool {
        if matches!(self.peek(), Some(b'.' | b'-' | b'_')) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Consumes the longest of `words` at the cursor (after an optional separator).
    fn word(&mut self, words: &[&str]) -> Option<&'static str> {
        let save = self.i;
        self.sep();
        let rest = &self.s[self.i..];
        let mut best: Option<&str> = None;
        for w in words {
            if rest.starts_with(w.as_bytes()) && best.is_none_or(|b| w.len() > b.len()) {
                best = Some(w);
            }
        }
        match best {
            Some(w) => {
                self.i += w.len();
                Some(canonical(w))
            }
            None => {
                self.i = save;
                None
            }
        }
    }
    /// An optional number after an optional separator (a missing number is 0).
    fn opt_number(&mut self) -> u64 {
        let save = self.i;
        self.sep();
        match self.number() {
            Some(n) => n,
            None => {
                self.i = save;
                0
            }
        }
    }
}

fn canonical(w: &str) -> &'static str {
    match w {
        "a" | "alpha" => "a",
        "b" | "beta" => "b",
        "c" | "rc" | "pre" | "preview" => "rc",
        "post" | "rev" | "r" => "post",
        _ => "dev",
    }
}

impl Pep440 {
    /// Parses a version; `None` if it is not PEP 440.
    pub fn parse(input: &str) -> Option<Self> {
        let lower = input.trim().to_ascii_lowercase();
        let mut p = P {
            s: lower.as_bytes(),
            i: 0,
        };
        if p.peek() == Some(b'v') {
            p.i += 1;
        }
        let mut epoch = 0;
        let mut release = vec![p.number()?];
        if p.peek() == Some(b'!') {
            p.i += 1;
            epoch = release[0];
            release = vec![p.number()?];
        }
        while p.peek() == Some(b'.') && p.s.get(p.i + 1).is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
            release.push(p.number()?);
        }
        let pre = p
            .word(&["alpha", "a", "beta", "b", "preview", "pre", "rc", "c"])
            .map(|w| {
                let kind = match w {
                    "a" => 0,
                    "b" => 1,
                    _ => 2,
                };
                (kind, p.opt_number())
            });
        let mut post = None;
        if p.word(&["post", "rev", "r"]).is_some() {
            post = Some(p.opt_number());
        } else if p.peek() == Some(b'-') && p.s.get(p.i + 1).is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
            post = p.number();
        }
        let dev = p.word(&["dev"]).map(|_| p.opt_number());
        let mut local = Vec::new();
        if p.peek() == Some(b'+') {
            p.i += 1;
            let rest = std::str::from_utf8(&p.s[p.i..]).ok()?;
            for seg in rest.split(['.', '-', '_']) {
                if seg.is_empty() || !seg.bytes().all(|c| c.is_ascii_alphanumeric()) {
                    return None;
                }
                local.push(match seg.parse() {
                    Ok(n) if seg.bytes().all(|c| c.is_ascii_digit()) => LocalSeg::Num(n),
                    _ => LocalSeg::Str(seg.to_string()),
                });
            }
            p.i = p.s.len();
        }
        if p.i != p.s.len() {
            return None;
        }
        Some(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// The normalised form (`1.0rc1.post2.dev3+local`).
    pub fn normalized(&self) -> String {
        let mut s = String::new();
        if self.epoch != 0 {
            s.push_str(&format!("{}!", self.epoch));
        }
        let rel: Vec<String> = self.release.iter().map(u64::to_string).collect();
        s.push_str(&rel.join("."));
        if let Some((k, n)) = self.pre {
            s.push_str(["a", "b", "rc"][usize::from(k)]);
            s.push_str(&n.to_string());
        }
        if let Some(n) = self.post {
            s.push_str(&format!(".post{n}"));
        }
        if let Some(n) = self.dev {
            s.push_str(&format!(".dev{n}"));
        }
        if !self.local.is_empty() {
            let segs: Vec<String> = self
                .local
                .iter()
                .map(|l| match l {
                    LocalSeg::Str(s) => s.clone(),
                    LocalSeg::Num(n) => n.to_string(),
                })
                .collect();
            s.push('+');
            s.push_str(&segs.join("."));
        }
        s
    }

    fn trimmed_release(&self) -> &[u64] {
        let mut end = self.release.len();
        while end > 1 && self.release[end - 1] == 0 {
            end -= 1;
        }
        &self.release[..end]
    }

    /// packaging's pre-release key: dev-only releases sort before any pre-release,
    /// final releases after.
    fn pre_key(&self) -> (i8, u64) {
        match self.pre {
            Some((k, n)) => (k as i8, n),
            None if self.post.is_none() && self.dev.is_some() => (-1, 0),
            None => (3, 0),
        }
    }
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        let release = {
            let (a, b) = (self.trimmed_release(), other.trimmed_release());
            let n = a.len().max(b.len());
            (0..n)
                .map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        };
        // None sorts first for post and local, last for dev.
        let post = |v: &Self| v.post.map_or(-1, |n| n as i128);
        let dev = |v: &Self| v.dev.map_or(i128::MAX, |n| n as i128);
        self.epoch
            .cmp(&other.epoch)
            .then(release)
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            .then_with(|| post(self).cmp(&post(other)))
            .then_with(|| dev(self).cmp(&dev(other)))
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialOrd for Pep440 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two PEP 440 versions; `None` if either does not parse.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(Pep440::parse(a)?.cmp(&Pep440::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn ordering_from_pep440() {
        // PEP 440's own example ordering, plus local versions, ascending.
        let ordered = [
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.1.dev1",
            "1!0.5",
        ];
        for w in ordered.windows(2) {
            assert_eq!(compare(w[0], w[1]), Some(Less), "{} < {}", w[0], w[1]);
            assert_eq!(compare(w[1], w[0]), Some(Greater), "{} > {}", w[1], w[0]);
        }
    }

    #[test]
    fn normalisation() {
        let cases = [
            ("1.0", "1.0.0", Equal),
            ("1.0", "1", Equal),
            ("v1.0", "1.0", Equal),
            ("1.0ALPHA1", "1.0a1", Equal),
            ("1.0-beta.2", "1.0b2", Equal),
            ("1.0c1", "1.0rc1", Equal),
            ("1.0pre", "1.0rc0", Equal),
            ("1.0-1", "1.0.post1", Equal),
            ("1.0-r1", "1.0.post1", Equal),
            ("1.0.post", "1.0.post0", Equal),
            ("1.0_dev", "1.0.dev0", Equal),
            ("1.0+Ubuntu-1", "1.0+ubuntu.1", Equal),
            // Real advisories: Django, urllib3, cryptography, setuptools, Jinja2.
            ("4.2.7", "4.2.10", Less),
            ("2.0.0a1", "2.0.0", Less),
            ("1.26.17", "1.26.18", Less),
            ("41.0.4", "41.0.5", Less),
            ("65.5.0", "65.5.1", Less),
            ("3.1.2", "3.1.3", Less),
            ("2.31.0", "2.31.0.post1", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Some(want), "{a} vs {b}");
        }
        assert_eq!(
            Pep440::parse("1.0-BETA.2+Local-7").unwrap().normalized(),
            "1.0b2+local.7"
        );
        for bad in ["", "1.0.", "foo", "1.0+", "1.0+a..b", "1.0 junk"] {
            assert_eq!(Pep440::parse(bad), None, "{bad}");
        }
    }
}
