//! Installed PHP Composer packages: `vendor/composer/installed.json` (v1 array and v2 object).

use super::lockfiles::composer_package;
use super::{Cataloger, Ctx};
use crate::tree::FileEntry;
use serde_json::Value;

/// The Composer `installed.json` cataloger.
pub struct Php;

impl Cataloger for Php {
    fn select(&self, e: &FileEntry) -> bool {
        e.path.ends_with("/composer/installed.json")
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        let v: Value = match serde_json::from_slice(data) {
            Ok(v) => v,
            Err(e) => return ctx.note(path, format!("skipped: invalid installed.json: {e}")),
        };
        let list = match &v {
            Value::Array(a) => a.clone(),
            Value::Object(o) => o
                .get("packages")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for p in list.iter().filter_map(composer_package) {
            ctx.add(p, path);
        }
    }
}
