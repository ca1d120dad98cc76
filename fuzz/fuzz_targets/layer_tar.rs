//! The layer reader: decompression (gzip, zstd, plain), tar walking, path
//! normalisation, whiteouts and the merged filesystem view over two layers.
//!
//! Input: two bytes giving the length of the first layer blob, then the first
//! blob, then the second. Each layer is announced with its true digest, so the
//! walk reaches the end-of-layer checks.
//!
//! Invariants: no path in the merged view climbs out of the root or is not
//! normalised, and a walk stays within the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_oci::{Digest, Layer, Limits, MergedView};

fn layer(index: usize, blob: &[u8]) -> (Layer, &[u8]) {
    let layer = Layer {
        index,
        digest: Digest::sha256(blob),
        size: blob.len() as u64,
        media_type: "application/vnd.oci.image.layer.v1.tar".into(),
        diff_id: None,
    };
    (layer, blob)
}

fn is_normalised(path: &str) -> bool {
    path == "/"
        || (path.starts_with('/')
            && !path.ends_with('/')
            && path[1..].split('/').all(|c| !c.is_empty() && c != "." && c != ".."))
}

fuzz_target!(|data: &[u8]| {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let split = usize::from(u16::from_le_bytes(*len)).min(rest.len());
    let (first, second) = rest.split_at(split);
    let limits = Limits {
        max_total_uncompressed: 64 << 20,
        max_file_size: 16 << 20,
        max_entries: 10_000,
        ..Limits::default()
    };
    let Ok(view) = MergedView::from_blobs([layer(0, first), layer(1, second)], &limits) else {
        return;
    };
    assert!(view.len() <= 10_001, "more nodes than entries allow");
    for (path, node) in view.iter() {
        assert!(is_normalised(path), "path {path:?} is not normalised");
        if node.kind == secchain_oci::EntryKind::Hardlink {
            let target = node.link_target.as_deref().unwrap_or("/");
            assert!(is_normalised(target), "hardlink target {target:?} is not normalised");
        }
        if let Some(resolved) = view.resolve(path) {
            assert!(is_normalised(&resolved), "{path:?} resolves to {resolved:?}");
        }
    }
    for d in view.deleted_paths() {
        assert!(is_normalised(&d.path), "deleted path {:?} is not normalised", d.path);
    }
});
