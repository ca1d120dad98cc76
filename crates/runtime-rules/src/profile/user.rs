//! The image's configured user (`User` in the image config).

use serde::Serialize;

/// Who the image runs as.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    /// The config's `User`, as written (empty: root).
    pub raw: String,
    /// The uid, when numeric or `root`.
    pub uid: Option<u32>,
    /// Whether the image runs as root.
    pub is_root: bool,
}

impl UserInfo {
    /// Reads `name`, `uid`, `name:group` or `uid:gid`.
    pub fn parse(raw: &str) -> Self {
        let user = raw.split(':').next().unwrap_or("").trim();
        let uid = match user {
            "" | "root" => Some(0),
            u => u.parse::<u32>().ok(),
        };
        UserInfo {
            raw: raw.to_string(),
            uid,
            is_root: uid == Some(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users() {
        assert!(UserInfo::parse("").is_root);
        assert!(UserInfo::parse("root:root").is_root);
        assert!(UserInfo::parse("0:1000").is_root);
        let u = UserInfo::parse("65532:65532");
        assert_eq!((u.uid, u.is_root), (Some(65532), false));
        let u = UserInfo::parse("app");
        assert_eq!((u.uid, u.is_root), (None, false));
    }
}
