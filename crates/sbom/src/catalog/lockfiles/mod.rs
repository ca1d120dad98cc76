//! Lock files shipped inside the image. Every package found here is marked
//! [`FoundBy::LockFile`] and later deduplicated against installed metadata.

mod js;
pub(crate) use other::composer_package;
mod other;
mod python;

use super::{file_name, Cataloger, Ctx};
use crate::inventory::{FoundBy, Package, PackageType};
use crate::tree::FileEntry;

/// The lock-file cataloger (dispatches on the file name).
pub struct LockFiles;

/// Which parser a lock file name maps to.
fn kind(name: &str) -> Option<&'static str> {
    Some(match name {
        "Cargo.lock" => "cargo",
        "composer.lock" => "composer",
        "poetry.lock" => "poetry",
        "Pipfile.lock" => "pipfile",
        "uv.lock" => "uv",
        "pylock.toml" => "pylock",
        "package-lock.json" | "npm-shrinkwrap.json" => "npm",
        "yarn.lock" => "yarn",
        "pnpm-lock.yaml" => "pnpm",
        "packages.lock.json" => "nuget",
        "Gemfile.lock" => "gemfile",
        "go.mod" => "gomod",
        "go.sum" => "gosum",
        n if n.starts_with("pylock.") && n.ends_with(".toml") => "pylock",
        n if n.starts_with("requirements") && n.ends_with(".txt") => "requirements",
        _ => return None,
    })
}

impl Cataloger for LockFiles {
    fn select(&self, e: &FileEntry) -> bool {
        // Lock files inside installed npm packages describe their own dev
        // trees, not what is installed.
        kind(file_name(&e.path)).is_some() && !e.path.contains("/node_modules/")
    }

    fn parse(&self, ctx: &mut Ctx<'_>, path: &str, data: &[u8]) {
        let text = super::text::decode(data);
        let res: Result<Vec<Package>, String> = match kind(file_name(path)) {
            Some("cargo") => Ok(python::toml_packages(
                &text,
                "package",
                PackageType::RustCrate,
            )),
            Some("poetry" | "uv") => {
                Ok(python::toml_packages(&text, "package", PackageType::Python))
            }
            Some("pylock") => Ok(python::toml_packages(
                &text,
                "packages",
                PackageType::Python,
            )),
            Some("pipfile") => python::pipfile(&text),
            Some("requirements") => Ok(python::requirements(&text)),
            Some("npm") => js::package_lock(&text),
            Some("yarn") => Ok(js::yarn(&text)),
            Some("pnpm") => Ok(js::pnpm(&text)),
            Some("composer") => other::composer_lock(&text),
            Some("nuget") => other::nuget_lock(&text),
            Some("gemfile") => Ok(other::gemfile_lock(&text)),
            Some("gomod") => Ok(other::go_mod(&text)),
            Some("gosum") => {
                let gomod = format!("{}/go.mod", super::parent(path));
                if ctx.exists(&gomod) {
                    Ok(Vec::new())
                } else {
                    Ok(other::go_sum(&text))
                }
            }
            _ => Ok(Vec::new()),
        };
        match res {
            Ok(pkgs) => {
                for mut p in pkgs {
                    p.found_by = FoundBy::LockFile;
                    ctx.add(p, path);
                }
            }
            Err(e) => ctx.note(path, format!("skipped: malformed lock file: {e}")),
        }
    }
}
