//! Rewriting files all together or not at all, and showing the change as a diff.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Writes every `(path, new content)` atomically as a set: all temporary files are
/// written and synced first; only then is each renamed into place. If anything fails
/// before the renames, no file is modified.
pub fn write_all(files: &[(PathBuf, String)]) -> std::io::Result<()> {
    let mut staged = Vec::new();
    for (path, content) in files {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".secchain-pin-")
            .tempfile_in(dir)?;
        tmp.write_all(content.as_bytes())?;
        tmp.as_file().sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// A unified diff of `old` → `new` for `path`.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_file_and_diffs() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "x\n").unwrap();
        write_all(&[(a.clone(), "y\n".into()), (b.clone(), "z\n".into())]).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "y\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "z\n");
        let d = unified_diff(Path::new("Dockerfile"), "FROM a\n", "FROM a@x\n");
        assert!(d.contains("-FROM a\n+FROM a@x\n"), "{d}");
    }

    #[test]
    fn nothing_changes_when_one_file_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, "old\n").unwrap();
        let missing_dir = dir.path().join("no/such/dir/b");
        assert!(write_all(&[(a.clone(), "new\n".into()), (missing_dir, "x".into())]).is_err());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old\n");
    }
}
