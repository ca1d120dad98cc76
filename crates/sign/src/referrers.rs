//! OCI 1.1 referrers: attaching a bundle manifest to an image, and finding them.
//!
//! A bundle's manifest names the image in its `subject` and is pushed by digest.
//! Registries with the referrers API index it from that alone. For registries
//! without it (distribution 2.8, the test registry), the referrers *tag schema*
//! applies: the image index at tag `sha256-<hex>` of the subject lists the referrer
//! manifests; [`add_referrer`] adds the new manifest's descriptor (with its
//! `artifactType` and annotations, as the spec asks) to it. secchain always maintains
//! the tag-schema index: it is what a client without the API reads, and harmless
//! where the API exists. The tag update is the step that makes the new referrer
//! visible; it is confirmed by re-reading and redone when a concurrent writer
//! replaced the index without it.

use secchain_oci::manifest::media_type;
use secchain_oci::{Descriptor, Digest, ImageIndex};

use crate::error::{Error, Result};
use crate::store::{read_referrers_index, SignatureStore};

const MAX_ATTEMPTS: usize = 5;

/// What [`add_referrer`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedReferrer {
    /// The tag-schema tag (`sha256-<hex>`).
    pub tag: String,
    /// False when the descriptor was already listed (nothing was written).
    pub added: bool,
}

/// Adds `descriptor` to the referrers tag-schema index of `subject` (creating it).
/// Idempotent: an already listed descriptor is not written again.
pub async fn add_referrer(
    store: &dyn SignatureStore,
    subject: &Digest,
    descriptor: &Descriptor,
) -> Result<AddedReferrer> {
    let tag = subject.to_tag();
    for _ in 0..MAX_ATTEMPTS {
        let mut index = read_referrers_index(store, subject)
            .await?
            .unwrap_or_else(ImageIndex::empty_oci);
        if index
            .manifests
            .iter()
            .any(|d| d.digest == descriptor.digest)
        {
            return Ok(AddedReferrer { tag, added: false });
        }
        if index.media_type.is_none() {
            index.media_type = Some(media_type::OCI_INDEX.to_string());
        }
        index.manifests.push(descriptor.clone());
        let bytes = serde_json::to_vec(&index).expect("an index always serialises");
        store
            .put_manifest(&tag, media_type::OCI_INDEX, &bytes)
            .await?;
        // Confirm: a concurrent writer may have replaced the index without ours.
        match read_referrers_index(store, subject).await? {
            Some(now) if now.manifests.iter().any(|d| d.digest == descriptor.digest) => {
                return Ok(AddedReferrer { tag, added: true });
            }
            _ => continue,
        }
    }
    Err(Error::Registry(format!(
        "{}:{tag} (referrers index) kept changing under concurrent writers; the referrer was not added after {MAX_ATTEMPTS} attempts",
        store.repository_name()
    )))
}

/// The referrer descriptors of `subject` that may hold Sigstore bundles: those whose
/// `artifactType` is a bundle type, the OCI empty type (what cosign writes into the
/// tag-schema index) or absent. The descriptor's fields are only a filter: every
/// candidate manifest is fetched by digest and checked.
pub async fn bundle_candidates(
    store: &dyn SignatureStore,
    subject: &Digest,
) -> Result<Vec<Descriptor>> {
    let all = store.referrers(subject).await?;
    Ok(all
        .into_iter()
        .filter(|d| match d.artifact_type.as_deref() {
            None => true,
            Some(t) => {
                t == crate::bundle::MEDIA_TYPE
                    || crate::bundle::OLDER_MEDIA_TYPES.contains(&t)
                    || t == media_type::OCI_EMPTY
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[tokio::test]
    async fn adds_once_and_keeps_others() {
        let store = MemoryStore::new("r/app");
        let subject = Digest::sha256(b"image");
        let mut a = Descriptor::of_bytes(media_type::OCI_MANIFEST, b"a");
        a.artifact_type = Some(crate::bundle::MEDIA_TYPE.into());
        let b = Descriptor::of_bytes(media_type::OCI_MANIFEST, b"b");
        let first = add_referrer(&store, &subject, &a).await.unwrap();
        assert_eq!(first.tag, format!("sha256-{}", subject.hex()));
        assert!(first.added);
        assert!(add_referrer(&store, &subject, &b).await.unwrap().added);
        assert!(!add_referrer(&store, &subject, &a).await.unwrap().added);
        let listed = store.referrers(&subject).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(
            listed[0].artifact_type.as_deref(),
            Some(crate::bundle::MEDIA_TYPE)
        );
        assert_eq!(bundle_candidates(&store, &subject).await.unwrap().len(), 2);
    }
}
