//! COPY and ADD rules: archives, URLs, destinations, stage references,
//! sensitive files and the whole build context.

use super::{drop_quotes, is_archive, is_url};
use crate::rule::{Ctx, DockerIgnore, Hits, Rule};
use crate::severity::Severity::*;
use secchain_dockerfile::{Body, Kind};
use std::collections::{BTreeMap, BTreeSet};

fn basename(s: &str) -> &str {
    let s = drop_quotes(s);
    s.rsplit(['/', '\\']).next().unwrap_or(s)
}

/// DL3010: COPY an archive and extract it in RUN.
pub static DL3010: Rule = Rule {
    id: "DL3010",
    name: "use-add-for-archives",
    severity: Info,
    message: "Use `ADD` for extracting archives into an image",
    help: "Copying a local archive and extracting it in a later RUN keeps the archive in a layer. ADD extracts local tar archives directly. \
Fix: `ADD app.tar.gz /opt/app/` (for local archives only).",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
    good: "FROM alpine:3\nADD app.tar.gz /opt/\n",
    check: |cx, hits| {
        // hadolint forgets earlier stages' findings at every FROM; only the last stage reports.
        let mut archives: Vec<(usize, String)> = Vec::new();
        let mut extracted: BTreeSet<usize> = BTreeSet::new();
        for (i, ins) in cx.instructions() {
            match ins.kind {
                Kind::From => {
                    archives.clear();
                    extracted.clear();
                }
                Kind::Copy if ins.flag("from").is_none() => {
                    let Some(c) = ins.copy_args() else { continue };
                    let dest = c.dest.as_ref().map(|d| d.value.as_str()).unwrap_or("");
                    if is_archive(dest) {
                        archives.push((i, basename(dest).to_string()));
                    } else {
                        for s in &c.sources {
                            if is_archive(&s.value) {
                                archives.push((i, basename(&s.value).to_string()));
                            }
                        }
                    }
                }
                Kind::Run => {
                    let Some(cmds) = cx.cmds[i].as_deref() else { continue };
                    for c in cmds {
                        let tar = c.name == "tar"
                            && c.args.iter().any(|a| a == "--extract" || a == "--get" || (a.starts_with('-') && a.contains('x')));
                        let unzip = matches!(
                            c.name.as_str(),
                            "unzip" | "gunzip" | "bunzip2" | "unlzma" | "unxz" | "zgz" | "uncompress" | "zcat" | "gzcat"
                        );
                        if tar || unzip {
                            let names: Vec<&str> = c.args_no_flags().into_iter().map(basename).collect();
                            for (line, a) in &archives {
                                if names.contains(&a.as_str()) {
                                    extracted.insert(*line);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for i in extracted {
            hits.instr(cx, i);
        }
    },
};

/// DL3020: ADD for plain files.
pub static DL3020: Rule = Rule {
    id: "DL3020",
    name: "copy-instead-of-add",
    severity: Error,
    message: "Use COPY instead of ADD for files and folders",
    help: "ADD has surprising extra behaviour (extracting archives, downloading URLs). For plain files and folders COPY is explicit and safer. \
Fix: replace `ADD` with `COPY`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nADD app /app\n",
    good: "FROM alpine:3\nCOPY app /app\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Add(c) = &ins.body {
                if c.sources.iter().any(|s| !(is_archive(&s.value) || is_url(&s.value))) {
                    hits.range(cx, i, ins.keyword.span.range());
                }
            }
        }
    },
};

/// SEC003: ADD of a remote URL.
pub static SEC003: Rule = Rule {
    id: "SEC003",
    name: "add-remote-url",
    severity: Warning,
    message: "ADD downloads a remote URL without verifying it",
    help: "`ADD https://…` fetches whatever the server returns at build time, with no integrity check, so a compromised \
or changed download goes into the image unnoticed. Fix: add `--checksum=sha256:…` to the ADD, or download with curl in a \
build stage and verify the checksum (`sha256sum -c`), or COPY a vendored file.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nADD https://example.com/tool.tar.gz /opt/\n",
    good: "FROM alpine:3\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Add(c) = &ins.body {
                if ins.flag("checksum").is_some() {
                    continue;
                }
                for s in &c.sources {
                    let v = drop_quotes(&s.value);
                    if is_url(v) || v.starts_with("git@") || v.starts_with("ftp://") {
                        hits.range(cx, i, s.span.range());
                    }
                }
            }
        }
    },
};

/// DL3021: several sources need a directory destination.
pub static DL3021: Rule = Rule {
    id: "DL3021",
    name: "copy-multiple-sources-dest",
    severity: Error,
    message: "COPY with more than 2 arguments requires the last argument to end with /",
    help: "With several sources the destination must be a directory, written with a trailing slash. Fix: `COPY a b /dest/`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCOPY a b /dest\n",
    good: "FROM alpine:3\nCOPY a b /dest/\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let Body::Copy(c) = &ins.body {
                if c.sources.len() > 1 {
                    if let Some(d) = &c.dest {
                        if !drop_quotes(&d.value).ends_with('/') {
                            hits.range(cx, i, d.span.range());
                        }
                    }
                }
            }
        }
    },
};

/// DL3022: COPY --from unknown stage.
pub static DL3022: Rule = Rule {
    id: "DL3022",
    name: "copy-from-unknown-stage",
    severity: Warning,
    message: "`COPY --from` should reference a previously defined `FROM` alias",
    help: "`--from` names neither an earlier stage nor a stage number, so Docker treats it as an image to pull, usually by mistake. \
Fix: define the stage before, or use a full image reference with a tag.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCOPY --from=builder /a /a\n",
    good: "FROM alpine:3 AS builder\nFROM alpine:3\nCOPY --from=builder /a /a\n",
    check: |cx, hits| {
        let mut names = BTreeSet::new();
        let mut count = 0usize;
        for (i, ins) in cx.instructions() {
            if let Some(f) = ins.as_from() {
                count += 1;
                if let Some(a) = &f.alias {
                    names.insert(a.value.as_str());
                }
            } else if ins.kind == Kind::Copy {
                let Some(flag) = ins.flag("from") else { continue };
                let s = flag.value.as_deref().unwrap_or("");
                let ok = drop_quotes(s).contains(':')
                    || names.contains(s)
                    || s.parse::<usize>().is_ok_and(|n| n < count);
                if !ok {
                    hits.range(cx, i, flag.span.range());
                }
            }
        }
    },
};

/// DL3023: COPY --from its own stage.
pub static DL3023: Rule = Rule {
    id: "DL3023",
    name: "copy-from-self",
    severity: Error,
    message: "`COPY --from` cannot reference its own `FROM` alias",
    help: "A stage cannot copy from itself. Fix: reference an earlier stage.",
    enabled_by_default: true,
    bad: "FROM alpine:3 AS a\nCOPY --from=a /x /x\n",
    good: "FROM alpine:3 AS a\nFROM alpine:3\nCOPY --from=a /x /x\n",
    check: |cx, hits| {
        let mut current: Option<&str> = None;
        let mut seen_from = false;
        for (i, ins) in cx.instructions() {
            if let Some(f) = ins.as_from() {
                seen_from = true;
                current = f.alias.as_ref().map(|a| a.value.as_str());
            } else if ins.kind == Kind::Copy && seen_from {
                if let Some(flag) = ins.flag("from") {
                    if current.is_some() && flag.value.as_deref() == current {
                        hits.range(cx, i, flag.span.range());
                    }
                }
            }
        }
    },
};

/// DL3045: COPY to a relative destination without WORKDIR.
pub static DL3045: Rule = Rule {
    id: "DL3045",
    name: "copy-relative-without-workdir",
    severity: Warning,
    message: "`COPY` to a relative destination without `WORKDIR` set.",
    help: "A relative destination is resolved against the base image's working directory, which you do not control. \
Fix: set `WORKDIR /app` first or use an absolute destination.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCOPY app.py .\n",
    good: "FROM alpine:3\nWORKDIR /app\nCOPY app.py .\n",
    check: |cx, hits| {
        // Stage key (alias or image name) -> WORKDIR set; inherited by `FROM <stage>`.
        let mut set: BTreeMap<String, bool> = BTreeMap::new();
        let mut current: Option<String> = None;
        for (i, ins) in cx.instructions() {
            match &ins.body {
                Body::From(f) => {
                    let key = f.alias.as_ref().map_or(f.image.name.clone(), |a| a.value.clone());
                    let parent = set.get(&f.image.name).copied().unwrap_or(false);
                    set.insert(key.clone(), parent);
                    current = Some(key);
                }
                Body::Workdir(_) => {
                    set.insert(current.clone().unwrap_or_default(), true);
                }
                Body::Copy(c) => {
                    let Some(d) = &c.dest else { continue };
                    if set.get(&current.clone().unwrap_or_default()).copied().unwrap_or(false) {
                        continue;
                    }
                    let v = drop_quotes(&d.value);
                    let win = {
                        let mut ch = v.chars();
                        matches!((ch.next(), ch.next()), (Some(a), Some(':')) if a.is_alphabetic())
                    };
                    if !(v.starts_with('/') || v.starts_with('$') || win) {
                        hits.range(cx, i, d.span.range());
                    }
                }
                _ => {}
            }
        }
    },
};

/// DL3067: copy a whole filesystem from a stage.
pub static DL3067: Rule = Rule {
    id: "DL3067",
    name: "copy-entire-filesystem",
    severity: Warning,
    message: "Do not copy an entire filesystem from another stage",
    help: "`COPY --from=stage / /` brings the whole build stage (compilers, caches, secrets) into the image and defeats multi-stage builds. \
Fix: copy only the artifacts you need.",
    enabled_by_default: true,
    bad: "FROM alpine:3 AS b\nFROM scratch\nCOPY --from=b / /\n",
    good: "FROM alpine:3 AS b\nFROM scratch\nCOPY --from=b /app /app\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            if let (Body::Copy(c), Some(_)) = (&ins.body, ins.flag("from")) {
                let root_src = c.sources.iter().any(|s| drop_quotes(&s.value) == "/");
                let root_dst = c.dest.as_ref().is_some_and(|d| drop_quotes(&d.value) == "/");
                if root_src && root_dst {
                    hits.instr(cx, i);
                }
            }
        }
    },
};

/// Names of files that hold credentials or history.
pub(crate) fn sensitive_name(path: &str) -> Option<&'static str> {
    let p = drop_quotes(path).trim_end_matches('/');
    let base = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
    let exact: &[(&str, &str)] = &[
        ("id_rsa", "an SSH private key"),
        ("id_dsa", "an SSH private key"),
        ("id_ecdsa", "an SSH private key"),
        ("id_ed25519", "an SSH private key"),
        (".ssh", "SSH keys"),
        (".env", "an environment file with secrets"),
        ("credentials", "credentials"),
        ("credentials.json", "credentials"),
        (".git-credentials", "git credentials"),
        (".git", "the git history"),
        (".npmrc", "an npm token file"),
        (".pypirc", "a PyPI token file"),
        (".netrc", "network credentials"),
        (".aws", "AWS credentials"),
        (".dockercfg", "registry credentials"),
        ("kubeconfig", "cluster credentials"),
        (".kube", "cluster credentials"),
        ("terraform.tfstate", "infrastructure state with secrets"),
    ];
    if let Some((_, why)) = exact.iter().find(|(n, _)| *n == base) {
        return Some(why);
    }
    if base.starts_with(".env.")
        && !base.ends_with(".example")
        && !base.ends_with(".sample")
        && !base.ends_with(".template")
    {
        return Some("an environment file with secrets");
    }
    if base.starts_with("id_rsa") || base.starts_with("id_ed25519") && !base.ends_with(".pub") {
        return if base.ends_with(".pub") {
            None
        } else {
            Some("an SSH private key")
        };
    }
    for ext in [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore"] {
        if base.ends_with(ext)
            && !base.contains("cert")
            && !base.contains("ca-")
            && base != "ca.pem"
        {
            return Some("a private key or keystore");
        }
    }
    if p.ends_with(".docker/config.json") {
        return Some("registry credentials");
    }
    None
}

/// SEC006: copying sensitive files.
pub static SEC006: Rule = Rule {
    id: "SEC006",
    name: "copy-sensitive-file",
    severity: Error,
    message: "Do not copy private keys, credentials, `.env` files or `.git` into the image",
    help: "Anything copied into a layer can be read by whoever pulls the image, even if a later layer deletes it. \
Fix: keep these files out of the build context (`.dockerignore`), and pass secrets at build time with \
`RUN --mount=type=secret,id=…` or `--mount=type=ssh`.",
    enabled_by_default: true,
    bad: "FROM alpine:3\nCOPY id_rsa /root/.ssh/id_rsa\n",
    good: "FROM alpine:3\nRUN --mount=type=ssh git clone git@example.com:org/repo.git\n",
    check: |cx, hits| {
        for (i, ins) in cx.instructions() {
            let Some(c) = ins.copy_args() else { continue };
            if ins.flag("from").is_some() {
                continue;
            }
            for s in &c.sources {
                if let Some(why) = sensitive_name(&s.value) {
                    hits.with_message(cx, i, s.span.range(), format!("`{}` is {why}: do not copy it into the image", s.value));
                }
            }
        }
    },
};

fn whole_context(cx: &Ctx<'_>, hits: &mut Hits) {
    let reason = match cx.dockerignore {
        DockerIgnore::Unknown => return,
        DockerIgnore::Missing => "there is no .dockerignore",
        DockerIgnore::Present(_) if cx.dockerignore.excludes_git() => return,
        DockerIgnore::Present(_) => ".dockerignore does not exclude .git",
    };
    for (i, ins) in cx.instructions() {
        let Some(c) = ins.copy_args() else { continue };
        if ins.flag("from").is_some() {
            continue;
        }
        if let Some(s) = c
            .sources
            .iter()
            .find(|s| matches!(drop_quotes(&s.value), "." | "./" | "*" | "./*"))
        {
            hits.with_message(
                cx,
                i,
                s.span.range(),
                format!(
                    "{} copies the whole build context and {reason}",
                    ins.kind.keyword()
                ),
            );
        }
    }
}

/// SEC007: COPY . . without a .dockerignore excluding .git.
pub static SEC007: Rule = Rule {
    id: "SEC007",
    name: "copy-context-without-dockerignore",
    severity: Warning,
    message: "`COPY . .` copies the whole build context, but no .dockerignore excludes .git and local secrets",
    help: "Without a .dockerignore, `COPY . .` puts `.git` (with its history and possibly credentials), `.env` files and build output into the image. \
Fix: add a .dockerignore that excludes at least `.git`, `.env*` and local build directories, or copy only what the image needs.",
    enabled_by_default: true,
    bad: "# secchain-test dockerignore=missing\nFROM alpine:3\nCOPY . .\n",
    good: "# secchain-test dockerignore=.git\nFROM alpine:3\nCOPY . .\n",
    check: whole_context,
};
