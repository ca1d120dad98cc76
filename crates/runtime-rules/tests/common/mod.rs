//! Shared test support: the reference data in `../shared/schemas`, sample images,
//! and the checks every generated rules file must pass.
#![allow(dead_code, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use secchain_runtime_rules::falco::condition::{print_pretty, Expr, Field};
use secchain_runtime_rules::falco::fields::FieldCatalog;
use secchain_runtime_rules::falco::lists::{expand_lists, inline_lists};
use secchain_runtime_rules::falco::parser::parse;
use secchain_runtime_rules::falco::rules::{read_items, Item, RulesFile};
use secchain_runtime_rules::{FileInfo, ImageConfig, ImageProfileInput, PackageInfo};

/// `../shared/schemas` relative to the repository root.
pub fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas")
}

pub fn read_schema_file(name: &str) -> String {
    let path = schemas_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Falco's field names: the union of the sysdig list and the supplement.
pub fn field_catalog() -> FieldCatalog {
    let mut c = FieldCatalog::default();
    c.add_sysdig_list(&read_schema_file("falco-fields.txt"));
    c.add_supplement(&read_schema_file("falco-fields-supplement.tsv"));
    assert!(c.len() > 300, "the field lists look truncated");
    c
}

/// Falco's default rules file, as items.
pub struct DefaultRules {
    pub items: Vec<serde_json::Value>,
    /// Lists in definition order: (name, items as written).
    pub lists: Vec<(String, Vec<String>)>,
    pub macros: BTreeMap<String, String>,
}

pub fn default_rules() -> DefaultRules {
    let items = read_items(&read_schema_file("falco_rules.yaml")).expect("falco_rules.yaml parses");
    let mut lists = Vec::new();
    let mut macros = BTreeMap::new();
    for item in &items {
        if let Some(name) = item.get("list").and_then(|v| v.as_str()) {
            let values = item["items"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            lists.push((name.to_string(), values));
        }
        if let Some(name) = item.get("macro").and_then(|v| v.as_str()) {
            macros.insert(
                name.to_string(),
                item["condition"].as_str().unwrap_or_default().to_string(),
            );
        }
    }
    DefaultRules {
        items,
        lists,
        macros,
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// A distroless-like image: one static binary, no shell, non-root, pinned.
pub fn distroless_input() -> ImageProfileInput {
    ImageProfileInput {
        repository: "registry.example.com/team/api".into(),
        digest: Some(
            "sha256:3f1e8c5c3a0b6c8f7d2e1a9b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f".into(),
        ),
        config: ImageConfig {
            user: "65532:65532".into(),
            entrypoint: s(&["/app/server"]),
            cmd: s(&["--port", "8080"]),
            env: s(&["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]),
            working_dir: "/app".into(),
            exposed_ports: s(&["8080/tcp"]),
            ..ImageConfig::default()
        },
        files: vec![
            FileInfo::dir("/app", 0o755),
            FileInfo::file("/app/server", 0o755),
            FileInfo::dir("/etc", 0o755),
            FileInfo::file("/etc/passwd", 0o644),
            FileInfo::file("/etc/ssl/certs/ca-certificates.crt", 0o644),
            FileInfo::dir("/home/nonroot", 0o700).owned_by(65532, 65532),
            FileInfo::dir("/tmp", 0o1777),
            FileInfo::file("/usr/lib/os-release", 0o644),
        ],
        packages: vec![PackageInfo {
            name: "example.com/api".into(),
            version: "v1.4.0".into(),
            ecosystem: "golang".into(),
        }],
    }
}

/// A Debian-like image: bash, dash, apt, curl, python, gcc, setuid su; an entrypoint
/// script; runs as root.
pub fn debian_input() -> ImageProfileInput {
    let mut files = vec![
        FileInfo::symlink("/bin", "usr/bin"),
        FileInfo::symlink("/sbin", "usr/sbin"),
        FileInfo::symlink("/lib", "usr/lib"),
        FileInfo::file("/usr/bin/bash", 0o755),
        FileInfo::file("/usr/bin/dash", 0o755),
        FileInfo::symlink("/usr/bin/sh", "dash"),
        FileInfo::file("/usr/bin/apt", 0o755),
        FileInfo::file("/usr/bin/apt-get", 0o755),
        FileInfo::file("/usr/bin/dpkg", 0o755),
        FileInfo::file("/usr/bin/curl", 0o755),
        FileInfo::file("/usr/bin/python3.11", 0o755),
        FileInfo::symlink("/usr/bin/python3", "python3.11"),
        FileInfo::file("/usr/bin/pip3", 0o755).with_interpreter("/usr/bin/python3"),
        FileInfo::file("/usr/bin/gcc-12", 0o755),
        FileInfo::symlink("/usr/bin/gcc", "gcc-12"),
        FileInfo::file("/usr/bin/su", 0o4755),
        FileInfo::file("/usr/bin/passwd", 0o4755),
        FileInfo::file("/usr/bin/cat", 0o755),
        FileInfo::file("/usr/bin/unattended-upgrade", 0o755),
        FileInfo::file("/usr/lib/x86_64-linux-gnu/libc.so.6", 0o755),
        FileInfo::file("/usr/sbin/nologin", 0o755),
        FileInfo::file("/docker-entrypoint.sh", 0o755).with_interpreter("/bin/sh -e"),
        FileInfo::dir("/srv/app", 0o755),
        FileInfo::file("/srv/app/app.py", 0o644),
        FileInfo::dir("/tmp", 0o1777),
        FileInfo::dir("/var/tmp", 0o1777),
        FileInfo::dir("/run/lock", 0o1777),
        FileInfo::file("/etc/passwd", 0o644),
        FileInfo::file("/etc/shadow", 0o640),
    ];
    files.push(FileInfo::dir("/data", 0o755));
    ImageProfileInput {
        repository: "registry.example.com/team/web".into(),
        digest: None,
        config: ImageConfig {
            user: String::new(),
            entrypoint: s(&["/docker-entrypoint.sh"]),
            cmd: s(&["python3", "app.py"]),
            env: s(&[
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8",
            ]),
            working_dir: "/srv/app".into(),
            exposed_ports: s(&["8000/tcp"]),
            volumes: s(&["/data"]),
            healthcheck: s(&[
                "CMD-SHELL",
                "curl -fsS http://localhost:8000/health || exit 1",
            ]),
        },
        files,
        packages: ["bash", "apt", "curl", "python3.11", "gcc-12"]
            .iter()
            .map(|n| PackageInfo {
                name: n.to_string(),
                version: "1".into(),
                ecosystem: "deb".into(),
            })
            .chain([PackageInfo {
                name: "flask".into(),
                version: "3.0.0".into(),
                ecosystem: "pypi".into(),
            }])
            .collect(),
    }
}

/// Every check a generated file must pass. `with_defaults`: whether references may
/// point into Falco's default rules (false for a self-contained file).
pub fn validate_file(file: &RulesFile, rendered: &str, with_defaults: bool) {
    let catalog = field_catalog();
    let defaults = default_rules();
    let raw = read_items(rendered).expect("the rendered file is YAML");

    // 1. The file validates against Falco's rules-file schema.
    let schema: serde_json::Value =
        serde_json::from_str(&read_schema_file("falco-rules-file.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let instance = serde_json::Value::Array(raw.clone());
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");

    // 2. Version requirements come first, in their own items.
    assert!(raw[0].get("required_engine_version").is_some());
    for item in &raw[1..] {
        assert!(
            item.get("required_engine_version").is_none() || item.as_object().unwrap().len() == 1
        );
    }

    // 3. The rendered items are the typed ones.
    assert_eq!(raw.len(), file.items.len());
    let typed_conditions: Vec<(String, &Expr)> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule(r) => Some((format!("rule {}", r.name), &r.condition)),
            Item::Macro(m) => Some((format!("macro {}", m.name), &m.condition)),
            _ => None,
        })
        .collect();
    let raw_conditions: Vec<&str> = raw
        .iter()
        .filter_map(|i| i.get("condition").and_then(|c| c.as_str()))
        .collect();
    assert_eq!(typed_conditions.len(), raw_conditions.len());

    // Lists Falco would know when reading this file: the defaults first, then ours.
    let mut lists: Vec<(String, Vec<String>)> = if with_defaults {
        defaults.lists.clone()
    } else {
        Vec::new()
    };
    let mut own_lists = BTreeMap::new();
    for item in &raw {
        if let Some(name) = item.get("list").and_then(|v| v.as_str()) {
            let items: Vec<String> = item["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    other => panic!("list item {other}"),
                })
                .collect();
            lists.push((name.to_string(), items.clone()));
            own_lists.insert(name.to_string(), items);
        }
    }
    let list_values = |name: &str| -> Option<Vec<String>> {
        lists
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, items)| {
                items
                    .iter()
                    .map(|lit| match parse(&format!("x.y in ({lit})")).unwrap() {
                        Expr::Check(c) => match c.rhs {
                            secchain_runtime_rules::falco::condition::Rhs::List(mut v) => {
                                match v.remove(0) {
                                    secchain_runtime_rules::falco::condition::ListItem::Value(
                                        s,
                                    )
                                    | secchain_runtime_rules::falco::condition::ListItem::ListRef(
                                        s,
                                    ) => s,
                                }
                            }
                            other => panic!("{other:?}"),
                        },
                        other => panic!("{other:?}"),
                    })
                    .collect()
            })
    };

    let defined_macros: BTreeSet<String> = file.macros().map(|m| m.name.clone()).collect();
    for ((what, typed), text) in typed_conditions.iter().zip(&raw_conditions) {
        // 3a. The condition text parses back to the typed tree.
        let parsed = parse(text).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
        assert_eq!(
            &&parsed, typed,
            "{what}: printed text parses to another tree\n{text}"
        );
        assert_eq!(print_pretty(typed).unwrap(), *text);

        // 3b. After Falco's textual list expansion it still parses, to the tree with
        // the lists' values in place.
        let expanded = expand_lists(text, &lists);
        let parsed =
            parse(&expanded).unwrap_or_else(|e| panic!("{what} expanded: {e}\n{expanded}"));
        assert_eq!(
            parsed,
            inline_lists(typed, &list_values),
            "{what}: the expanded text parses to another tree\n{expanded}"
        );

        // 4. Every field is one Falco knows.
        for f in typed.fields() {
            catalog.check(&f).unwrap_or_else(|e| panic!("{what}: {e}"));
        }
        // 5. Every macro and list reference is defined.
        for m in typed.macro_refs() {
            assert!(
                defined_macros.contains(&m) || (with_defaults && defaults.macros.contains_key(&m)),
                "{what}: macro `{m}` is not defined"
            );
        }
        for l in typed.list_refs() {
            assert!(
                own_lists.contains_key(&l)
                    || (with_defaults && defaults.lists.iter().any(|(n, _)| n == &l)),
                "{what}: list `{l}` is not defined"
            );
        }
    }

    // 3c. Outputs and list items are the typed ones.
    let typed_outputs: Vec<String> = file.rules().map(|r| r.output.render().unwrap()).collect();
    let raw_outputs: Vec<&str> = raw
        .iter()
        .filter_map(|i| i.get("output").and_then(|c| c.as_str()))
        .collect();
    assert_eq!(typed_outputs, raw_outputs);
    for l in file.lists() {
        let values = list_values(&l.name).unwrap();
        assert_eq!(values, l.items, "list {}", l.name);
    }

    // 6. Every rule has the required keys, useful output fields and MITRE ids.
    let technique = |t: &str| {
        t.len() >= 5
            && t.starts_with('T')
            && t[1..5].bytes().all(|b| b.is_ascii_digit())
            && (t.len() == 5
                || (t.len() == 9 && &t[5..6] == "." && t[6..].bytes().all(|b| b.is_ascii_digit())))
    };
    let mut rules = 0;
    for item in raw.iter().filter(|i| i.get("rule").is_some()) {
        rules += 1;
        for key in ["rule", "desc", "condition", "output", "priority", "tags"] {
            assert!(item.get(key).is_some(), "{item} lacks {key}");
        }
        let tags: Vec<&str> = item["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(
            tags.iter().any(|t| technique(t)),
            "{} has no ATT&CK technique id",
            item["rule"]
        );
        assert!(
            tags.iter().any(|t| t.starts_with("mitre_")),
            "{} has no ATT&CK tactic",
            item["rule"]
        );
        let out = item["output"].as_str().unwrap();
        let fields: BTreeSet<Field> = FieldCatalog::output_fields(out).into_iter().collect();
        for f in &fields {
            catalog
                .check(f)
                .unwrap_or_else(|e| panic!("output of {}: {e}", item["rule"]));
        }
        for needed in [
            "container.id",
            "container.image.repository",
            "proc.cmdline",
            "proc.pname",
            "user.name",
            "proc.exepath",
        ] {
            assert!(
                fields.iter().any(|f| f.name == needed),
                "output of {} lacks {needed}",
                item["rule"]
            );
        }
    }
    assert!(rules >= 15, "only {rules} rules");

    // 7. Our own names carry the secchain_ prefix.
    for item in &raw {
        for key in ["list", "macro"] {
            if let Some(n) = item.get(key).and_then(|v| v.as_str()) {
                assert!(
                    n.starts_with("secchain_"),
                    "{key} {n} lacks the secchain_ prefix"
                );
            }
        }
    }
}
