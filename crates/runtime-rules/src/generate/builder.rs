//! The state shared while generating one file: names, lists, macros and rules,
//! the image scope, and the values left out.

use std::collections::BTreeSet;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{GenerateError, RuleId, RuleSummary};
use crate::falco::condition::{check_value, field, Expr, Field};
use crate::falco::defaults;
use crate::falco::rules::{Item, List, Macro, Output, Priority, Rule};
use crate::options::RuntimeRulesOptions;
use crate::profile::ImageProfile;

/// An image value left out of a list because it cannot be written safely.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedValue {
    /// The list it was meant for.
    pub list: String,
    /// The value.
    pub value: String,
    /// Why it was left out.
    pub reason: String,
}

/// A rule as the generators describe it.
pub(crate) struct RuleSpec {
    pub id: RuleId,
    pub title: String,
    pub desc: String,
    pub condition: Expr,
    pub output: Output,
    pub priority: Priority,
    /// Workload category, MITRE tactic and technique ids.
    pub tags: &'static [&'static str],
}

pub(crate) struct Builder<'a> {
    pub profile: &'a ImageProfile,
    pub opts: &'a RuntimeRulesOptions,
    pub slug: String,
    scope: String,
    lists: Vec<List>,
    macros: Vec<Macro>,
    rules: Vec<(RuleId, Rule)>,
    skipped: Vec<SkippedValue>,
}

/// The generated items and facts about them.
pub(crate) struct Finished {
    pub items: Vec<Item>,
    pub header: Vec<String>,
    pub relies_on: BTreeSet<String>,
    pub skipped: Vec<SkippedValue>,
    pub summary: Vec<RuleSummary>,
    pub slug: String,
}

/// `secchain_<last path segment>_<8 hex of sha256(repository@digest)>`.
fn slug(repository: &str, digest: Option<&str>) -> String {
    let last = repository.rsplit('/').next().unwrap_or(repository);
    let mut name: String = last
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    name = name.trim_matches('_').chars().take(24).collect();
    let hash = Sha256::digest(format!("{repository}@{}", digest.unwrap_or("")).as_bytes());
    let hex: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    if name.is_empty() {
        format!("secchain_{hex}")
    } else {
        format!("secchain_{name}_{hex}")
    }
}

/// The repository names Falco may report for `repo` (Docker Hub images have several).
fn repository_variants(repo: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::from([repo.to_string()]);
    let (first, rest) = repo.split_once('/').unwrap_or(("", repo));
    let is_registry = first.contains(['.', ':']) || first == "localhost";
    let hub_path = match first {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => Some(rest.to_string()),
        _ if !is_registry => Some(repo.to_string()),
        _ => None,
    };
    if let Some(path) = hub_path {
        let path = if path.contains('/') {
            path
        } else {
            format!("library/{path}")
        };
        out.insert(format!("docker.io/{path}"));
        out.insert(format!("index.docker.io/{path}"));
        out.insert(path.clone());
        if let Some(short) = path.strip_prefix("library/") {
            out.insert(short.to_string());
        }
    }
    out
}

impl<'a> Builder<'a> {
    pub fn new(
        profile: &'a ImageProfile,
        opts: &'a RuntimeRulesOptions,
    ) -> Result<Self, GenerateError> {
        let repo = profile.repository.trim();
        if repo.is_empty() {
            return Err(GenerateError::Scope("the repository is empty".into()));
        }
        let digest = profile.digest.as_deref().filter(|_| opts.scope_to_digest);
        let mut scope = repo.to_string();
        if let Some(d) = digest {
            scope.push('@');
            scope.push_str(&d.chars().take(19).collect::<String>());
        }
        let mut b = Builder {
            profile,
            opts,
            slug: slug(repo, digest),
            scope,
            lists: Vec::new(),
            macros: Vec::new(),
            rules: Vec::new(),
            skipped: Vec::new(),
        };
        for v in repository_variants(repo) {
            check_value(&v).map_err(|e| GenerateError::Scope(e.to_string()))?;
        }
        let repos = b.list("repositories", repository_variants(repo));
        let mut scope_checks = vec![
            Expr::macro_ref("container"),
            field("container.image.repository").in_list(repos),
        ];
        if let Some(d) = digest {
            check_value(d).map_err(|e| GenerateError::Scope(e.to_string()))?;
            scope_checks.push(field("container.image.digest").eq(d));
        }
        let image = b.name("image");
        b.macros.push(Macro {
            name: image,
            condition: Expr::and(scope_checks),
        });
        Ok(b)
    }

    /// `secchain_<slug>_<suffix>`.
    pub fn name(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.slug)
    }

    /// A reference to the image-scope macro.
    pub fn image(&self) -> Expr {
        Expr::macro_ref(self.name("image"))
    }

    /// Adds the list `secchain_<slug>_<suffix>` (values sorted, unsafe ones left out
    /// and recorded) and returns its name. A list that exists already is kept as is.
    pub fn list<I, S>(&mut self, suffix: &str, values: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let name = self.name(suffix);
        if self.lists.iter().any(|l| l.name == name) {
            return name;
        }
        let mut items = BTreeSet::new();
        for v in values {
            let v = v.into();
            match check_value(&v) {
                Ok(()) => {
                    items.insert(v);
                }
                Err(e) => self.skipped.push(SkippedValue {
                    list: name.clone(),
                    value: v,
                    reason: e.to_string(),
                }),
            }
        }
        self.lists.push(List {
            name: name.clone(),
            items: items.into_iter().collect(),
        });
        name
    }

    /// Adds a rule.
    pub fn rule(&mut self, spec: RuleSpec) {
        let priority = self.opts.priority_for(spec.id).unwrap_or(spec.priority);
        let mut tags = vec![
            "secchain".to_string(),
            spec.id.tag(),
            "container".to_string(),
        ];
        tags.extend(spec.tags.iter().map(|t| t.to_string()));
        let desc = format!(
            "{} Generated by secchain for {}; scoped to it by the macro {}.",
            spec.desc,
            self.profile.repository,
            self.name("image")
        );
        self.rules.push((
            spec.id,
            Rule {
                name: format!("{} ({})", spec.title, self.scope),
                desc,
                condition: spec.condition,
                output: spec.output,
                priority,
                tags,
            },
        ));
    }

    /// Assembles the items: (in self-contained mode) copies of the default macros
    /// used, then lists, macros and rules.
    pub fn finish(mut self) -> Finished {
        let mut used = BTreeSet::new();
        for e in self
            .rules
            .iter()
            .map(|(_, r)| &r.condition)
            .chain(self.macros.iter().map(|m| &m.condition))
        {
            used.extend(
                e.macro_refs()
                    .into_iter()
                    .filter(|m| defaults::is_default_macro(m)),
            );
        }
        let self_contained = self.opts.self_contained;
        let mut items = Vec::new();
        if self_contained {
            let rename = |m: &str| defaults::is_default_macro(m).then(|| defaults::copy_name(m));
            for e in self
                .rules
                .iter_mut()
                .map(|(_, r)| &mut r.condition)
                .chain(self.macros.iter_mut().map(|m| &mut m.condition))
            {
                e.rename_refs(&rename, &|_| None);
            }
            let (lists, macros) = defaults::copies(&used);
            items.extend(lists.into_iter().map(Item::List));
            items.extend(macros.into_iter().map(Item::Macro));
        }
        for (_, r) in &mut self.rules {
            let mut refs: Vec<String> = used.iter().cloned().collect();
            refs.retain(|m| uses_macro(&r.condition, m, &self.macros));
            if !refs.is_empty() {
                let refs: Vec<String> = if self_contained {
                    refs.iter().map(|m| defaults::copy_name(m)).collect()
                } else {
                    refs
                };
                r.desc.push_str(&format!(
                    " Relies on {} of Falco's default rules (falco_rules.yaml): {}.",
                    if self_contained {
                        "copies (in this file) of macros"
                    } else {
                        "the macros"
                    },
                    refs.join(", ")
                ));
            }
        }
        let summary = self
            .rules
            .iter()
            .map(|(id, r)| RuleSummary {
                id: id.id(),
                name: r.name.clone(),
                priority: r.priority.as_str(),
            })
            .collect();
        items.extend(self.lists.into_iter().map(Item::List));
        items.extend(self.macros.into_iter().map(Item::Macro));
        items.extend(self.rules.into_iter().map(|(_, r)| Item::Rule(r)));
        let relies_on = if self_contained {
            BTreeSet::new()
        } else {
            used
        };
        let header = header(
            self.profile,
            &self.slug,
            &relies_on,
            self_contained,
            self.skipped.len(),
        );
        Finished {
            items,
            header,
            relies_on,
            skipped: self.skipped,
            summary,
            slug: self.slug,
        }
    }
}

/// Whether `expr` references the default macro `name` (directly or through one of
/// `macros`, which may already be renamed to their copies).
fn uses_macro(expr: &Expr, name: &str, macros: &[Macro]) -> bool {
    let copy = defaults::copy_name(name);
    expr.macro_refs().iter().any(|m| {
        m == name
            || *m == copy
            || macros
                .iter()
                .find(|d| &d.name == m)
                .is_some_and(|d| uses_macro(&d.condition, name, macros))
    })
}

fn header(
    profile: &ImageProfile,
    slug: &str,
    relies_on: &BTreeSet<String>,
    self_contained: bool,
    skipped: usize,
) -> Vec<String> {
    let one_line = |s: &str| s.escape_default().to_string();
    let mut h = vec![
        format!(
            "Falco rules for {}{} generated by secchain (runtime-rules stage). Do not edit: regenerate.",
            one_line(&profile.repository),
            profile
                .digest
                .as_deref()
                .map(|d| format!("@{}", one_line(d)))
                .unwrap_or_default()
        ),
        format!("Every rule is scoped to this image by the macro {slug}_image; lists and macros are named {slug}_*."),
    ];
    if self_contained {
        h.push("Self-contained: the Falco default macros the rules use are copied below as secchain_*.".into());
    } else {
        h.push("Relies on Falco's default rules (falco_rules.yaml), which must be loaded before this file, for the macros:".into());
        h.push(format!(
            "  {}",
            relies_on.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
        h.push("(Generate with `self_contained: true` to get secchain_ copies instead.)".into());
    }
    if skipped > 0 {
        h.push(format!(
            "{skipped} value(s) from the image could not be written safely and were left out (see the stage report)."
        ));
    }
    h
}

/// The fields every process alert shows: process, parent, command lines, user, container.
pub(crate) fn process_fields() -> Vec<(String, Field)> {
    let mut f = vec![
        ("process".to_string(), field("proc.name")),
        ("exe".to_string(), field("proc.exepath")),
        ("cmdline".to_string(), field("proc.cmdline")),
        ("parent".to_string(), field("proc.pname")),
        ("parent_cmdline".to_string(), field("proc.pcmdline")),
        ("user".to_string(), field("user.name")),
        ("uid".to_string(), field("user.uid")),
    ];
    f.extend(container_fields());
    f
}

/// The container, image and pod of an alert.
pub(crate) fn container_fields() -> Vec<(String, Field)> {
    [
        ("container_id", "container.id"),
        ("container_name", "container.name"),
        ("image", "container.image.repository"),
        ("image_tag", "container.image.tag"),
        ("image_digest", "container.image.digest"),
        ("pod", "k8s.pod.name"),
        ("namespace", "k8s.ns.name"),
    ]
    .iter()
    .map(|(l, f)| (l.to_string(), field(f)))
    .collect()
}

/// An output: `message`, then `extra` fields, then the process and container fields.
pub(crate) fn output(message: &str, extra: &[(&str, &str)]) -> Output {
    let mut fields: Vec<(String, Field)> = extra
        .iter()
        .map(|(l, f)| (l.to_string(), field(f)))
        .collect();
    fields.extend(process_fields());
    Output {
        message: message.to_string(),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_variants() {
        let v = repository_variants("docker.io/library/nginx");
        assert!(v.contains("nginx") && v.contains("library/nginx"));
        let v = repository_variants("registry.example.com/team/app");
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn slugs_are_identifiers() {
        let s = slug("registry.example.com/team/My-App", Some("sha256:00"));
        assert!(s.starts_with("secchain_my_app_"));
        assert!(crate::falco::condition::is_identifier(&s));
    }
}
