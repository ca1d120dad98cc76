use std::io::Read;

use flate2::read::GzDecoder;

use super::*;

/// (name, type, mode, link, contents) of every entry, in archive order.
type Listing = Vec<(String, EntryType, u32, String, String)>;

fn list(tar: &[u8]) -> Listing {
    let mut archive = tar::Archive::new(tar);
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let header = entry.header().clone();
            assert_eq!(
                (
                    header.mtime().unwrap(),
                    header.uid().unwrap(),
                    header.gid().unwrap()
                ),
                (0, 0, 0)
            );
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let link = entry
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .unwrap_or_default();
            let mut contents = String::new();
            entry.read_to_string(&mut contents).unwrap();
            (
                name,
                header.entry_type(),
                header.mode().unwrap(),
                link,
                contents,
            )
        })
        .collect()
}

fn names(listing: &Listing) -> Vec<&str> {
    listing.iter().map(|(name, ..)| name.as_str()).collect()
}

#[test]
fn entries_are_sorted_with_fixed_metadata() {
    let layer = LayerBuilder::new()
        .file("usr/bin/tool", "#!/bin/sh\n", 0o755)
        .dir("usr", 0o755)
        .symlink("bin", "usr/bin")
        .hardlink("usr/bin/tool2", "usr/bin/tool");
    let listing = list(&layer.tar());
    assert_eq!(
        names(&listing),
        ["bin", "usr", "usr/bin/tool", "usr/bin/tool2"]
    );
    assert_eq!(
        listing[0],
        (
            "bin".into(),
            EntryType::Symlink,
            0o777,
            "usr/bin".into(),
            String::new()
        )
    );
    assert_eq!(
        listing[2],
        (
            "usr/bin/tool".into(),
            EntryType::Regular,
            0o755,
            String::new(),
            "#!/bin/sh\n".into()
        )
    );
    assert_eq!(listing[3].1, EntryType::Link);
    assert_eq!(listing[3].3, "usr/bin/tool");
}

#[test]
fn output_is_deterministic_and_gzip_decodes_to_the_tar() {
    let build = || {
        LayerBuilder::new()
            .file("a", "1", 0o644)
            .file("b", "2", 0o600)
    };
    assert_eq!(build().tar_gz(), build().tar_gz());
    let mut tar = Vec::new();
    GzDecoder::new(build().tar_gz().as_slice())
        .read_to_end(&mut tar)
        .unwrap();
    assert_eq!(tar, build().tar());
}

#[test]
fn whiteouts_use_the_oci_names() {
    let layer = LayerBuilder::new()
        .whiteout("etc/shadow")
        .whiteout("top")
        .opaque_whiteout("var/cache/");
    assert_eq!(
        names(&list(&layer.tar())),
        [".wh.top", "etc/.wh.shadow", "var/cache/.wh..wh..opq"]
    );
}

#[test]
fn raw_entries_keep_hostile_names() {
    let layer = LayerBuilder::new()
        .raw("../escape", EntryType::Regular, "", "x")
        .raw("/etc/evil", EntryType::Regular, "", "y")
        .raw("link", EntryType::Link, "/etc/passwd", "");
    let listing = list(&layer.tar());
    assert_eq!(names(&listing), ["../escape", "/etc/evil", "link"]);
    assert_eq!(listing[2].3, "/etc/passwd");
}

#[test]
fn long_names_are_kept() {
    let long = format!("{}/file", "d".repeat(150));
    assert_eq!(
        names(&list(&LayerBuilder::new().file(&long, "", 0o644).tar())),
        [long.as_str()]
    );
}

#[test]
fn tree_adds_a_directory_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("etc")).unwrap();
    fs::write(dir.path().join("etc/hostname"), "box\n").unwrap();
    std::os::unix::fs::symlink("etc/hostname", dir.path().join("name")).unwrap();
    let listing = list(&LayerBuilder::new().tree("root", dir.path()).tar());
    assert_eq!(
        names(&listing),
        ["root/etc", "root/etc/hostname", "root/name"]
    );
    assert_eq!(listing[1].4, "box\n");
    assert_eq!(listing[2].3, "etc/hostname");
}
