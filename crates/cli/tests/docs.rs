//! The documentation stays true: every stage kind the binary knows has a page in
//! `docs/stages/` whose generated section is what `secchain docs stage KIND` prints now,
//! and every relative Markdown link in `README.md` and `docs/` points at a file that
//! exists (and, for a link into a Markdown file, at a heading that exists).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{repo_root, Project};

/// The stage kinds, as `secchain stages` lists them.
fn stage_kinds(p: &Project) -> Vec<String> {
    p.run(&["stages"])
        .expect(0)
        .stdout()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// `page` with the section between `begin` (the first line of `section`) and the end
/// marker replaced by `section`; `None` when the markers are missing.
fn splice(page: &str, section: &str) -> Option<String> {
    let begin = section.lines().next()?;
    let end = section.lines().last()?;
    let start = page.find(begin)?;
    let stop = start + page[start..].find(end)? + end.len();
    let stop = if page[stop..].starts_with('\n') {
        stop + 1
    } else {
        stop
    };
    Some(format!("{}{section}{}", &page[..start], &page[stop..]))
}

#[test]
fn every_stage_kind_has_a_page_with_its_current_options() {
    let p = Project::new();
    let kinds = stage_kinds(&p);
    assert!(kinds.len() >= 10, "{kinds:?}");
    let update = std::env::var_os("SECCHAIN_UPDATE_SNAPSHOTS").is_some();
    let index = std::fs::read_to_string(repo_root().join("docs/stages.md")).unwrap();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for kind in &kinds {
        let rel = format!("docs/stages/{kind}.md");
        let path = repo_root().join(&rel);
        let page = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("no page for stage kind `{kind}`: write {rel}"));
        assert!(
            page.starts_with(&format!("# `{kind}`")),
            "{rel} must start with the heading \"# `{kind}`: …\""
        );
        let section = p.run(&["docs", "stage", kind]).expect(0).stdout();
        let fresh = splice(&page, &section).unwrap_or_else(|| {
            panic!(
                "{rel} lacks the generated section's markers: paste `secchain docs stage {kind}`"
            )
        });
        if fresh != page {
            if update {
                std::fs::write(&path, &fresh).unwrap();
            } else {
                panic!(
                    "{rel}: the generated section is stale: replace it with the output of \
                     `secchain docs stage {kind}` (or run this test with SECCHAIN_UPDATE_SNAPSHOTS=1)"
                );
            }
        }
        let headings: Vec<String> = page
            .lines()
            .filter(|l| l.starts_with("## "))
            .map(str::to_lowercase)
            .collect();
        for required in [
            "minimal",
            "full",
            "outputs",
            "gate",
            "checked",
            "known limits",
        ] {
            assert!(
                headings.iter().any(|h| h.contains(required)),
                "{rel} has no `## …{required}…` section"
            );
        }
        let link = format!("(stages/{kind}.md)");
        assert!(index.contains(&link), "docs/stages.md does not link {link}");
        let link = format!("(docs/stages/{kind}.md)");
        assert!(readme.contains(&link), "README.md does not link {link}");
    }
}

/// The Markdown files whose links are checked: README.md, crates/README.md, and every
/// `.md` file under docs/.
fn markdown_files() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = vec![root.join("README.md"), root.join("crates/README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The targets of inline links `[text](target)` outside fenced code blocks and code spans,
/// with their line numbers.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop code spans: a `](` inside backticks is not a link.
        let mut plain = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                plain.push_str(part);
            }
        }
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(close) = after.find(')') else { break };
            let target = after[..close].split_whitespace().next().unwrap_or("");
            out.push((n + 1, target.to_string()));
            rest = &after[close..];
        }
    }
    out
}

/// The anchors GitHub makes for a Markdown file's headings.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#').trim();
        let slug = secchain::stage_docs::slug(heading);
        // Repeated headings get -1, -2, …
        let mut candidate = slug.clone();
        let mut i = 1;
        while out.contains(&candidate) {
            candidate = format!("{slug}-{i}");
            i += 1;
        }
        out.insert(candidate);
    }
    out
}

fn check_link(file: &Path, target: &str) -> Option<String> {
    if target.is_empty()
        || target.contains("://")
        || target.starts_with("mailto:")
        || target.starts_with('<')
    {
        return None;
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let resolved = if path.is_empty() {
        file.to_path_buf()
    } else {
        file.parent().unwrap().join(path)
    };
    if !resolved.exists() {
        return Some(format!("{target}: {} does not exist", resolved.display()));
    }
    match anchor {
        Some(anchor) if resolved.extension().is_some_and(|e| e == "md") => {
            let text = std::fs::read_to_string(&resolved).unwrap();
            (!anchors(&text).contains(anchor))
                .then(|| format!("{target}: no heading with the anchor #{anchor}"))
        }
        _ => None,
    }
}

#[test]
fn relative_links_in_the_docs_resolve() {
    let root = repo_root();
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, target) in links(&text) {
            checked += 1;
            if let Some(problem) = check_link(&file, &target) {
                let rel = file.strip_prefix(root).unwrap_or(&file);
                broken.push(format!("{}:{line}: {problem}", rel.display()));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} links found: is the link parser broken?"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_checker_catches_what_it_should() {
    let p = Project::new();
    p.write("docs/a.md", "# Title\n\n## `kind: lint`\n");
    let a = p.path("docs/a.md");
    assert_eq!(check_link(&a, "a.md#kind-lint"), None);
    assert_eq!(check_link(&a, "#title"), None);
    assert_eq!(check_link(&a, "https://example.com/x.md"), None);
    assert!(check_link(&a, "a.md#kind-pin").is_some());
    assert!(check_link(&a, "missing.md").is_some());
    assert_eq!(
        links("see [a](a.md) and `[b](not-a-link)`\n```\n[c](code)\n```\n[d](d.md#x \"t\")"),
        vec![(1, "a.md".to_string()), (5, "d.md#x".to_string())]
    );
}

/// The `yaml` blocks of a Markdown page.
fn yaml_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some("yaml")) => current = Some(String::new()),
            (Some(block), Some(_)) => {
                out.push(std::mem::take(block));
                current = None;
            }
            (Some(block), None) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

#[test]
fn every_pipeline_snippet_of_a_stage_page_validates_against_the_schema() {
    let text = std::fs::read_to_string(repo_root().join("schemas/pipeline.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let p = Project::new();
    let mut checked = 0;
    for kind in stage_kinds(&p) {
        let rel = format!("docs/stages/{kind}.md");
        let page = std::fs::read_to_string(repo_root().join(&rel)).unwrap();
        for block in yaml_blocks(&page) {
            // A stage entry, or a pipeline without its `version:` line; anything else
            // (a verify policy) is not a pipeline snippet.
            let pipeline = if block.trim_start().starts_with("- kind:") {
                let indented: String = block.lines().map(|l| format!("  {l}\n")).collect();
                format!("version: 1\nstages:\n{indented}")
            } else if block.lines().any(|l| l == "stages:") {
                format!("version: 1\n{block}")
            } else {
                continue;
            };
            let value: serde_json::Value = serde_saphyr::from_str(&pipeline)
                .unwrap_or_else(|e| panic!("{rel}: a snippet is not YAML: {e}\n{block}"));
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{rel}: a snippet does not validate: {errors:#?}\n{block}"
            );
            assert!(
                value["stages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["kind"] == kind.as_str()),
                "{rel}: a snippet without a `{kind}` stage:\n{block}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} snippets checked");
}
