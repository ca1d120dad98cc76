//! The registry's `config.yml` and htpasswd entry.

use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::process::run_stdout;
use crate::tools::tool;

/// The registry's config, as JSON (which YAML parsers read): filesystem
/// storage with deletes enabled, listening on `addr`, and htpasswd auth when
/// `htpasswd` is given.
pub(super) fn render(storage: &Path, addr: &str, htpasswd: Option<&Path>) -> String {
    let mut config = json!({
        "version": "0.1",
        "storage": {
            "filesystem": { "rootdirectory": storage },
            "delete": { "enabled": true },
        },
        "http": { "addr": addr },
    });
    if let Some(path) = htpasswd {
        config["auth"] = json!({ "htpasswd": { "realm": "test", "path": path } });
    }
    config.to_string()
}

/// `user:BCRYPT-HASH\n`, hashed by the Python `bcrypt` of the tools venv
/// (cost 4: these are throwaway test passwords).
pub(super) fn htpasswd_entry(user: &str, password: &str) -> String {
    let hash = run_stdout(Command::new(tool("python3")).args([
        "-c",
        "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
        password,
    ]));
    format!("{user}:{hash}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_is_added_only_with_htpasswd() {
        let storage = Path::new("/s");
        let plain: serde_json::Value =
            serde_json::from_str(&render(storage, "127.0.0.1:5000", None)).unwrap();
        assert_eq!(plain["storage"]["filesystem"]["rootdirectory"], "/s");
        assert_eq!(plain["http"]["addr"], "127.0.0.1:5000");
        assert!(plain.get("auth").is_none());
        let auth: serde_json::Value =
            serde_json::from_str(&render(storage, "127.0.0.1:5000", Some(Path::new("/h"))))
                .unwrap();
        assert_eq!(auth["auth"]["htpasswd"]["path"], "/h");
    }
}
