//! Resource, file and volume names: DNS-1123 labels derived from the image.

/// Turns `s` into a DNS-1123 label: lowercase alphanumerics and `-`, at most 63
/// characters, starting and ending with an alphanumeric (`x` when nothing is left).
pub fn dns_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Whether `s` is a DNS-1123 label (what a namespace name must be).
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The base name of every generated resource: `secchain-<image name>` or the configured name.
pub fn base_name(configured: Option<&str>, image_short_name: &str) -> String {
    match configured {
        Some(name) => dns_label(name),
        None => dns_label(&format!("secchain-{image_short_name}")),
    }
}

/// Volume names for writable paths (`/tmp` → `tmp`, `/var/cache/nginx` → `var-cache-nginx`),
/// made unique with a numeric suffix.
pub fn volume_names(paths: &[String]) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    for path in paths {
        let base: String = dns_label(path).chars().take(56).collect();
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        used.push(name);
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(dns_label("Team/App_v2"), "team-app-v2");
        assert_eq!(dns_label("--"), "x");
        assert_eq!(dns_label(&"a".repeat(80)).len(), 63);
        assert!(is_dns_label("kube-system"));
        assert!(!is_dns_label("Kube"));
        assert_eq!(base_name(None, "app"), "secchain-app");
        assert_eq!(
            volume_names(&["/tmp".into(), "/var/cache/nginx".into(), "/tmp/".into()]),
            ["tmp", "var-cache-nginx", "tmp-2"]
        );
    }
}
