//! The parsed Dockerfile model: instructions, flags, words, heredocs,
//! directives and comments, each with its exact [`Span`].

use crate::image::ImageRef;
use crate::span::{Span, Text};

/// The kind of an instruction, from its (case-insensitive) keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `ADD`
    Add,
    /// `ARG`
    Arg,
    /// `CMD`
    Cmd,
    /// `COPY`
    Copy,
    /// `ENTRYPOINT`
    Entrypoint,
    /// `ENV`
    Env,
    /// `EXPOSE`
    Expose,
    /// `FROM`
    From,
    /// `HEALTHCHECK`
    Healthcheck,
    /// `LABEL`
    Label,
    /// `MAINTAINER`
    Maintainer,
    /// `ONBUILD`
    Onbuild,
    /// `RUN`
    Run,
    /// `SHELL`
    Shell,
    /// `STOPSIGNAL`
    Stopsignal,
    /// `USER`
    User,
    /// `VOLUME`
    Volume,
    /// `WORKDIR`
    Workdir,
}

impl Kind {
    /// Every instruction kind.
    pub const ALL: [Kind; 18] = [
        Kind::Add,
        Kind::Arg,
        Kind::Cmd,
        Kind::Copy,
        Kind::Entrypoint,
        Kind::Env,
        Kind::Expose,
        Kind::From,
        Kind::Healthcheck,
        Kind::Label,
        Kind::Maintainer,
        Kind::Onbuild,
        Kind::Run,
        Kind::Shell,
        Kind::Stopsignal,
        Kind::User,
        Kind::Volume,
        Kind::Workdir,
    ];

    /// The upper-case keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Add => "ADD",
            Kind::Arg => "ARG",
            Kind::Cmd => "CMD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Env => "ENV",
            Kind::Expose => "EXPOSE",
            Kind::From => "FROM",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Onbuild => "ONBUILD",
            Kind::Run => "RUN",
            Kind::Shell => "SHELL",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::User => "USER",
            Kind::Volume => "VOLUME",
            Kind::Workdir => "WORKDIR",
        }
    }

    /// The kind for `word`, compared case-insensitively.
    pub fn from_keyword(word: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.keyword().eq_ignore_ascii_case(word))
    }

    /// Whether the instruction accepts `--flag` options.
    pub fn takes_flags(self) -> bool {
        matches!(
            self,
            Kind::From | Kind::Run | Kind::Copy | Kind::Add | Kind::Healthcheck
        )
    }
}

/// A word of an instruction: its text as written and its unquoted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text exactly as in the (logical) source.
    pub raw: String,
    /// The value with quotes and escapes removed where Docker removes them.
    pub value: String,
    /// Where the word is.
    pub span: Span,
}

/// A `--name[=value]` option of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name, without the leading dashes.
    pub name: String,
    /// The value after `=`, if any.
    pub value: Option<String>,
    /// The whole flag.
    pub span: Span,
    /// The value, if any.
    pub value_span: Option<Span>,
}

/// The type of a `RUN --mount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MountType {
    /// `type=bind` (the default).
    Bind,
    /// `type=cache`.
    Cache,
    /// `type=secret`.
    Secret,
    /// `type=ssh`.
    Ssh,
    /// `type=tmpfs`.
    Tmpfs,
    /// Any other type.
    Other,
}

/// A parsed `--mount=…` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The mount type.
    pub kind: MountType,
    /// All `key=value` options in order (a bare key has an empty value).
    pub options: Vec<(String, String)>,
}

impl Mount {
    /// Parses the value of a `--mount` flag.
    pub fn parse(value: &str) -> Mount {
        let options: Vec<(String, String)> = value
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_string()),
                None => (kv.trim().to_ascii_lowercase(), String::new()),
            })
            .collect();
        let kind = match options
            .iter()
            .find(|(k, _)| k == "type")
            .map(|(_, v)| v.as_str())
        {
            None | Some("bind") => MountType::Bind,
            Some("cache") => MountType::Cache,
            Some("secret") => MountType::Secret,
            Some("ssh") => MountType::Ssh,
            Some("tmpfs") => MountType::Tmpfs,
            Some(_) => MountType::Other,
        };
        Mount { kind, options }
    }

    /// The value of option `key` (`target`, `dst` and `destination` are
    /// synonyms, as are `source`/`src` and `from`).
    pub fn get(&self, key: &str) -> Option<&str> {
        let keys: &[&str] = match key {
            "target" | "dst" | "destination" => &["target", "dst", "destination"],
            "source" | "src" => &["source", "src"],
            other => {
                return self
                    .options
                    .iter()
                    .find(|(k, _)| k == other)
                    .map(|(_, v)| v.as_str())
            }
        };
        self.options
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
    }
}

impl Flag {
    /// The parsed mount, when this is a `--mount` flag.
    pub fn mount(&self) -> Option<Mount> {
        (self.name == "mount").then(|| Mount::parse(self.value.as_deref().unwrap_or("")))
    }
}

/// A heredoc attached to a `RUN`, `COPY` or `ADD` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, without quotes.
    pub name: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// The delimiter was quoted (no expansion in the body).
    pub quoted: bool,
    /// The `<<EOF` marker in the instruction line.
    pub marker: Span,
    /// The body text (between the instruction line and the terminator).
    pub body: String,
    /// Where the body is.
    pub body_span: Span,
    /// The terminator line.
    pub terminator: Span,
}

/// Exec (JSON array) or shell form of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandForm {
    /// `["executable", "arg"]`.
    Exec(Vec<Word>),
    /// A shell command line (logical text).
    Shell(Text),
}

impl CommandForm {
    /// The command as a single string (exec words joined by spaces).
    pub fn joined(&self) -> String {
        match self {
            CommandForm::Exec(words) => words
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            CommandForm::Shell(t) => t.value.clone(),
        }
    }
}

/// A `FROM` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromInstr {
    /// The image reference as written (not ARG-expanded).
    pub image: ImageRef,
    /// The stage name after `AS`.
    pub alias: Option<Word>,
    /// The `--platform` value.
    pub platform: Option<String>,
}

/// `COPY`/`ADD` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyArgs {
    /// Sources (heredoc markers appear as `<<EOF` words).
    pub sources: Vec<Word>,
    /// Destination, if present.
    pub dest: Option<Word>,
    /// Whether written in JSON form.
    pub json: bool,
}

/// A `key=value` pair of `ENV` or `LABEL` (or the legacy `ENV key value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key, unquoted.
    pub key: String,
    /// The value, unquoted.
    pub value: String,
    /// The value as written.
    pub raw_value: String,
    /// The whole pair.
    pub span: Span,
    /// The key.
    pub key_span: Span,
    /// The value.
    pub value_span: Span,
}

/// One declaration of an `ARG` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    /// The name.
    pub name: String,
    /// The default value, unquoted.
    pub default: Option<String>,
    /// The whole declaration.
    pub span: Span,
}

/// A `HEALTHCHECK` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthcheckBody {
    /// `HEALTHCHECK NONE`.
    None,
    /// `HEALTHCHECK [options] CMD …`.
    Cmd(CommandForm),
}

/// The instruction-specific part of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// `FROM`.
    From(FromInstr),
    /// `RUN`.
    Run(CommandForm),
    /// `CMD`.
    Cmd(CommandForm),
    /// `ENTRYPOINT`.
    Entrypoint(CommandForm),
    /// `SHELL` (always exec form in valid files).
    Shell(CommandForm),
    /// `COPY`.
    Copy(CopyArgs),
    /// `ADD`.
    Add(CopyArgs),
    /// `ENV`.
    Env(Vec<KeyValue>),
    /// `LABEL`.
    Label(Vec<KeyValue>),
    /// `ARG`.
    Arg(Vec<ArgDecl>),
    /// `EXPOSE`.
    Expose(Vec<Word>),
    /// `USER`.
    User(Word),
    /// `WORKDIR`.
    Workdir(Word),
    /// `VOLUME`.
    Volume(Vec<Word>),
    /// `STOPSIGNAL`.
    Stopsignal(Word),
    /// `HEALTHCHECK`.
    Healthcheck(HealthcheckBody),
    /// `MAINTAINER`.
    Maintainer(Text),
    /// `ONBUILD` with its trigger instruction.
    Onbuild(Box<Instruction>),
}

/// One instruction with all its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The instruction kind.
    pub kind: Kind,
    /// The keyword as written.
    pub keyword: Word,
    /// The whole instruction, continuation lines and heredoc bodies included.
    pub span: Span,
    /// The `--flags` before the arguments.
    pub flags: Vec<Flag>,
    /// The logical text after the keyword and flags.
    pub args: Text,
    /// Heredocs whose bodies follow the instruction.
    pub heredocs: Vec<Heredoc>,
    /// The parsed arguments.
    pub body: Body,
}

impl Instruction {
    /// 1-based line where the instruction starts.
    pub fn line(&self) -> u32 {
        self.span.line
    }

    /// The first flag named `name`.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// All `--mount` flags, parsed.
    pub fn mounts(&self) -> Vec<Mount> {
        self.flags.iter().filter_map(Flag::mount).collect()
    }

    /// The `FROM` part, for a `FROM` instruction.
    pub fn as_from(&self) -> Option<&FromInstr> {
        match &self.body {
            Body::From(f) => Some(f),
            _ => None,
        }
    }

    /// The command, for `RUN`, `CMD`, `ENTRYPOINT` and `SHELL`.
    pub fn command(&self) -> Option<&CommandForm> {
        match &self.body {
            Body::Run(c) | Body::Cmd(c) | Body::Entrypoint(c) | Body::Shell(c) => Some(c),
            _ => None,
        }
    }

    /// The arguments, for `COPY` and `ADD`.
    pub fn copy_args(&self) -> Option<&CopyArgs> {
        match &self.body {
            Body::Copy(c) | Body::Add(c) => Some(c),
            _ => None,
        }
    }

    /// The trigger instruction of an `ONBUILD`.
    pub fn onbuild(&self) -> Option<&Instruction> {
        match &self.body {
            Body::Onbuild(i) => Some(i),
            _ => None,
        }
    }
}

/// A comment line (`# …`) outside parser directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, untrimmed.
    pub text: String,
    /// The comment, `#` included.
    pub span: Span,
}

/// A parser directive (`# syntax=…`, `# escape=…`, `# check=…`) at the top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The lower-cased name.
    pub name: String,
    /// The value, trimmed.
    pub value: String,
    /// The whole directive line.
    pub span: Span,
}
