//! Package URLs (purl spec): building them for packages and images, and
//! parsing them back when reading an SBOM.

use crate::inventory::{Package, PackageType};

/// Percent-encode a purl component: keeps `A-Za-z0-9.-_~` and the characters in `keep`.
pub fn encode(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || ".-_~".contains(c) || (c.is_ascii() && keep.contains(c)) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decode `%XX` escapes (invalid escapes are kept as they are).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A parsed or to-be-rendered purl.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Purl {
    /// purl type (`deb`, `pypi`…).
    pub ptype: String,
    /// Namespace segments joined by `/`, decoded.
    pub namespace: Option<String>,
    /// Name, decoded.
    pub name: String,
    /// Version, decoded.
    pub version: Option<String>,
    /// Qualifiers, decoded, sorted by key when rendered.
    pub qualifiers: Vec<(String, String)>,
    /// Subpath, decoded.
    pub subpath: Option<String>,
}

impl Purl {
    /// Render in canonical form (qualifiers sorted, empty values dropped).
    pub fn render(&self) -> String {
        let mut s = format!("pkg:{}/", self.ptype);
        if let Some(ns) = &self.namespace {
            for seg in ns.split('/').filter(|x| !x.is_empty()) {
                s.push_str(&encode(seg, ""));
                s.push('/');
            }
        }
        s.push_str(&encode(&self.name, ""));
        if let Some(v) = &self.version {
            s.push('@');
            // OCI digests are fully encoded (`sha256%3A…`), as in the purl spec's examples.
            s.push_str(&encode(v, if self.ptype == "oci" { "" } else { ":" }));
        }
        let mut q: Vec<&(String, String)> = self
            .qualifiers
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        q.sort();
        for (i, (k, v)) in q.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(&k.to_ascii_lowercase());
            s.push('=');
            s.push_str(&encode(v, ":/"));
        }
        if let Some(sp) = &self.subpath {
            s.push('#');
            s.push_str(&encode(sp, "/"));
        }
        s
    }

    /// Parse a purl string; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Purl> {
        let rest = s.strip_prefix("pkg:")?.trim_start_matches('/');
        let (rest, subpath) = match rest.split_once('#') {
            Some((a, b)) => (a, Some(decode(b))),
            None => (rest, None),
        };
        let (rest, qualifiers) = match rest.split_once('?') {
            Some((a, b)) => (
                a,
                b.split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_ascii_lowercase(), decode(v)))
                    .collect(),
            ),
            None => (rest, Vec::new()),
        };
        let (ptype, rest) = rest.split_once('/')?;
        let (path, version) = match rest.rfind('@') {
            Some(i) if i > 0 && !rest[i..].contains('/') => {
                (&rest[..i], Some(decode(&rest[i + 1..])))
            }
            _ => (rest, None),
        };
        let path = path.trim_end_matches('/');
        let (namespace, name) = match path.rfind('/') {
            Some(i) => (Some(decode_segments(&path[..i])), decode(&path[i + 1..])),
            None => (None, decode(path)),
        };
        Some(Purl {
            ptype: ptype.to_ascii_lowercase(),
            namespace,
            name,
            version,
            qualifiers,
            subpath,
        })
    }

    /// The value of a qualifier.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn decode_segments(s: &str) -> String {
    s.split('/').map(decode).collect::<Vec<_>>().join("/")
}

/// The purl of a package, following the purl spec for each type.
pub fn package_purl(p: &Package) -> String {
    let mut purl = Purl {
        ptype: p.ptype.purl_type().to_owned(),
        name: p.name.clone(),
        version: Some(p.version.clone()).filter(|v| !v.is_empty()),
        ..Purl::default()
    };
    let distro_id = p
        .distro
        .as_deref()
        .map(|d| d.split_once('-').map_or(d, |(a, _)| a).to_owned());
    match p.ptype {
        PackageType::Deb | PackageType::Apk | PackageType::Rpm => {
            purl.namespace = Some(distro_id.unwrap_or_else(|| default_ns(p.ptype).to_owned()));
            if let Some(a) = &p.arch {
                purl.qualifiers.push(("arch".into(), a.clone()));
            }
            if let Some(d) = &p.distro {
                purl.qualifiers.push(("distro".into(), d.clone()));
            }
            if p.ptype == PackageType::Rpm {
                // rpm: version is `version-release`, epoch is a qualifier.
                if let Some((epoch, rest)) = p.version.split_once(':') {
                    purl.version = Some(rest.to_owned());
                    purl.qualifiers.push(("epoch".into(), epoch.to_owned()));
                }
            }
            if let Some(src) = &p.source {
                if src.name != p.name || src.version != p.version {
                    let up = if src.version == p.version {
                        src.name.clone()
                    } else {
                        format!("{}@{}", src.name, src.version)
                    };
                    purl.qualifiers.push(("upstream".into(), up));
                }
            }
        }
        PackageType::Python => {
            purl.name = crate::catalog::python::normalize_name(&p.name);
        }
        PackageType::Npm => {
            if let Some((scope, name)) = p.name.strip_prefix('@').and_then(|n| n.split_once('/')) {
                purl.namespace = Some(format!("@{scope}"));
                purl.name = name.to_owned();
            }
        }
        PackageType::GoModule => {
            if let Some(i) = p.name.rfind('/') {
                purl.namespace = Some(p.name[..i].to_owned());
                purl.name = p.name[i + 1..].to_owned();
            }
        }
        PackageType::Java | PackageType::Composer => {
            purl.namespace = p.namespace.clone();
        }
        _ => {}
    }
    purl.render()
}

fn default_ns(t: PackageType) -> &'static str {
    match t {
        PackageType::Deb => "debian",
        PackageType::Apk => "alpine",
        _ => "redhat",
    }
}

/// The purl of an OCI image: `pkg:oci/name@sha256%3A…?repository_url=…&tag=…`.
pub fn oci_purl(
    name: &str,
    digest: Option<&str>,
    repository_url: Option<&str>,
    tag: Option<&str>,
) -> String {
    let short = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    let mut q = Vec::new();
    if let Some(r) = repository_url {
        q.push(("repository_url".to_owned(), r.to_owned()));
    }
    if let Some(t) = tag {
        q.push(("tag".to_owned(), t.to_owned()));
    }
    Purl {
        ptype: "oci".into(),
        namespace: None,
        name: short,
        version: digest.map(str::to_owned),
        qualifiers: q,
        subpath: None,
    }
    .render()
}
