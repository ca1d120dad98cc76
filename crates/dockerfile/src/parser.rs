//! The Dockerfile parser: parser directives, comments, line continuations,
//! heredocs, flags and per-instruction arguments.

use crate::error::ParseError;
use crate::image::ImageRef;
use crate::model::*;
use crate::span::{LineIndex, Span, Text};
use crate::words::{parse_json_array, parse_pairs, split_words, RawWord};
use crate::Dockerfile;

struct Line {
    start: usize,
    /// End of content, without `\r\n`.
    end: usize,
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    index: LineIndex,
    lines: Vec<Line>,
    escape: char,
    hint: std::cell::Cell<usize>,
}

fn directive(line: &str) -> Option<(String, String)> {
    let t = line.trim_start().strip_prefix('#')?.trim_start();
    let eq = t.find('=')?;
    let name = t[..eq].trim_end();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((name.to_ascii_lowercase(), t[eq + 1..].trim().to_string()))
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        let index = LineIndex::new(src);
        let mut lines = Vec::with_capacity(index.line_count());
        for i in 0..index.line_count() {
            let start = index.line_start(i).unwrap_or(src.len());
            let mut end = index
                .line_start(i + 1)
                .map_or(src.len(), |n| n.saturating_sub(1));
            if end > start && src.as_bytes().get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
            lines.push(Line { start, end });
        }
        Parser {
            src,
            index,
            lines,
            escape: '\\',
            hint: std::cell::Cell::new(0),
        }
    }

    fn line_text(&self, i: usize) -> &'a str {
        self.lines
            .get(i)
            .and_then(|l| self.src.get(l.start..l.end))
            .unwrap_or("")
    }

    fn span(&self, range: std::ops::Range<usize>) -> Span {
        self.index.span_near(self.src, range, &self.hint)
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = self.index.position(self.src, offset);
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }

    pub(crate) fn parse(mut self) -> Result<Dockerfile, ParseError> {
        let mut directives = Vec::new();
        let mut comments = Vec::new();
        let mut instructions = Vec::new();
        let mut i = 0;
        // Parser directives: only at the very top, one per name.
        while i < self.lines.len() {
            let text = self.line_text(i);
            let Some((name, value)) = directive(text) else {
                break;
            };
            if directives.iter().any(|d: &Directive| d.name == name) {
                break;
            }
            if name == "escape" {
                match value.as_str() {
                    "\\" => self.escape = '\\',
                    "`" => self.escape = '`',
                    _ => {
                        return Err(self.error_at(
                            self.lines[i].start,
                            format!("invalid escape token '{value}': must be ` or \\"),
                        ))
                    }
                }
            }
            let l = &self.lines[i];
            directives.push(Directive {
                name,
                value,
                span: self.span(l.start..l.end),
            });
            i += 1;
        }
        while i < self.lines.len() {
            let text = self.line_text(i);
            let trimmed = text.trim_start();
            let lead = text.len() - trimmed.len();
            let start = self.lines[i].start + lead;
            if trimmed.is_empty() {
                i += 1;
                continue;
            }
            if let Some(c) = trimmed.strip_prefix('#') {
                comments.push(Comment {
                    text: c.to_string(),
                    span: self.span(start..self.lines[i].end),
                });
                i += 1;
                continue;
            }
            let (logical, next) = self.logical_line(i, start, &mut comments);
            i = next;
            let (instr, next) = self.instruction(logical, i)?;
            i = next;
            instructions.push(instr);
        }
        Ok(Dockerfile {
            source: self.src.to_string(),
            index: self.index,
            escape: self.escape,
            directives,
            comments,
            instructions,
        })
    }

    /// Joins continuation lines starting at line `i`, offset `start`.
    /// Returns the logical text and the index of the next unread line.
    fn logical_line(
        &self,
        mut i: usize,
        start: usize,
        comments: &mut Vec<Comment>,
    ) -> (Text, usize) {
        let mut value = String::new();
        let mut segments = Vec::new();
        let mut from = start;
        let last_end;
        loop {
            let line_end = self.lines[i].end;
            let content = self.src.get(from..line_end).unwrap_or("");
            let t = content.trim_end_matches([' ', '\t']);
            i += 1;
            if let Some(piece) = t.strip_suffix(self.escape) {
                segments.push((value.len(), from));
                value.push_str(piece);
                // Skip blank and comment lines inside the continuation.
                while i < self.lines.len() {
                    let lt = self.line_text(i);
                    let tt = lt.trim_start();
                    if tt.is_empty() {
                        i += 1;
                    } else if let Some(c) = tt.strip_prefix('#') {
                        let cs = self.lines[i].start + (lt.len() - tt.len());
                        comments.push(Comment {
                            text: c.to_string(),
                            span: self.span(cs..self.lines[i].end),
                        });
                        i += 1;
                    } else {
                        break;
                    }
                }
                if i >= self.lines.len() {
                    last_end = line_end;
                    break;
                }
                from = self.lines[i].start;
            } else {
                segments.push((value.len(), from));
                value.push_str(content);
                last_end = line_end;
                break;
            }
        }
        let span = self.span(start..last_end.max(start));
        (Text::new(value, span, segments), i)
    }

    fn word(&self, text: &Text, w: &RawWord) -> Word {
        Word {
            raw: text
                .value
                .get(w.range.clone())
                .unwrap_or_default()
                .to_string(),
            value: w.value.clone(),
            span: self.span(text.source_range(w.range.clone())),
        }
    }

    fn sub(&self, text: &Text, range: std::ops::Range<usize>) -> Text {
        text.slice(range, &self.index, self.src, &self.hint)
    }

    /// Parses one instruction from its logical line; `next` is the first
    /// line after it (heredoc bodies are read from there).
    fn instruction(&self, logical: Text, next: usize) -> Result<(Instruction, usize), ParseError> {
        let v = &logical.value;
        let kw_end = v.find(|c: char| c.is_whitespace()).unwrap_or(v.len());
        let kw_raw = &v[..kw_end];
        let kw_span = self.span(logical.source_range(0..kw_end));
        let Some(kind) = Kind::from_keyword(kw_raw) else {
            return Err(self.error_at(kw_span.start, format!("unknown instruction: {kw_raw}")));
        };
        let keyword = Word {
            raw: kw_raw.to_string(),
            value: kind.keyword().to_string(),
            span: kw_span,
        };
        let mut pos = kw_end;
        let bytes = v.as_bytes();
        let skip_ws = |p: &mut usize| {
            while *p < bytes.len() && bytes[*p].is_ascii_whitespace() {
                *p += 1;
            }
        };
        skip_ws(&mut pos);
        let mut flags = Vec::new();
        if kind.takes_flags() {
            while v[pos..].starts_with("--") {
                let end = v[pos..]
                    .find(|c: char| c.is_whitespace())
                    .map_or(v.len(), |e| pos + e);
                let tok = &v[pos + 2..end];
                let (name, value, vrange) = match tok.find('=') {
                    Some(eq) => (
                        tok[..eq].to_string(),
                        Some(tok[eq + 1..].to_string()),
                        Some(pos + 2 + eq + 1..end),
                    ),
                    None => (tok.to_string(), None, None),
                };
                flags.push(Flag {
                    name,
                    value,
                    span: self.span(logical.source_range(pos..end)),
                    value_span: vrange.map(|r| self.span(logical.source_range(r))),
                });
                pos = end;
                skip_ws(&mut pos);
            }
        }
        let args_end = v.trim_end().len().max(pos);
        let args = self.sub(&logical, pos..args_end);
        let mut next = next;
        let mut heredocs = Vec::new();
        if matches!(kind, Kind::Run | Kind::Copy | Kind::Add)
            && !args.value.trim_start().starts_with('[')
        {
            for (marker, name, strip_tabs, quoted) in find_heredoc_markers(&args.value) {
                let marker_span = self.span(args.source_range(marker.clone()));
                let (doc, n) = self.read_heredoc(name, strip_tabs, quoted, marker_span, next)?;
                heredocs.push(doc);
                next = n;
            }
        }
        if args.value.trim().is_empty() {
            return Err(self.error_at(
                kw_span.start,
                format!("{} requires at least one argument", kind.keyword()),
            ));
        }
        let body = self.body(kind, &args, &flags)?;
        let end = heredocs
            .last()
            .map_or(logical.span.end, |h: &Heredoc| h.terminator.end);
        let span = self.span(logical.span.start..end);
        Ok((
            Instruction {
                kind,
                keyword,
                span,
                flags,
                args,
                heredocs,
                body,
            },
            next,
        ))
    }

    fn read_heredoc(
        &self,
        name: String,
        strip_tabs: bool,
        quoted: bool,
        marker: Span,
        mut i: usize,
    ) -> Result<(Heredoc, usize), ParseError> {
        let body_start = self.lines.get(i).map_or(self.src.len(), |l| l.start);
        let mut body = String::new();
        while i < self.lines.len() {
            let text = self.line_text(i);
            let cmp = if strip_tabs {
                text.trim_start_matches('\t')
            } else {
                text
            };
            if cmp == name {
                let l = &self.lines[i];
                let doc = Heredoc {
                    name,
                    strip_tabs,
                    quoted,
                    marker,
                    body,
                    body_span: self.span(body_start..l.start),
                    terminator: self.span(l.start..l.end),
                };
                return Ok((doc, i + 1));
            }
            body.push_str(cmp);
            body.push('\n');
            i += 1;
        }
        Err(ParseError {
            line: marker.line,
            column: marker.column,
            message: format!("unterminated heredoc: no line '{name}' ends it"),
        })
    }

    fn words(&self, args: &Text, quotes: bool) -> Vec<Word> {
        split_words(&args.value, quotes, self.escape)
            .iter()
            .map(|w| self.word(args, w))
            .collect()
    }

    fn command_form(&self, args: &Text) -> CommandForm {
        match parse_json_array(&args.value) {
            Some(ws) => CommandForm::Exec(ws.iter().map(|w| self.word(args, w)).collect()),
            None => CommandForm::Shell(args.clone()),
        }
    }

    fn single(&self, args: &Text) -> Word {
        Word {
            raw: args.value.clone(),
            value: args.value.clone(),
            span: args.span,
        }
    }

    fn body(&self, kind: Kind, args: &Text, flags: &[Flag]) -> Result<Body, ParseError> {
        Ok(match kind {
            Kind::From => {
                let words = self.words(args, false);
                let Some(image) = words.first() else {
                    return Err(self.error_at(args.span.start, "FROM requires an image"));
                };
                let alias = match words.get(1) {
                    Some(w) if w.value.eq_ignore_ascii_case("as") => match words.get(2) {
                        Some(a) => Some(a.clone()),
                        None => {
                            return Err(
                                self.error_at(w.span.start, "FROM … AS requires a stage name")
                            )
                        }
                    },
                    Some(w) => {
                        return Err(self.error_at(
                            w.span.start,
                            format!("unexpected '{}' in FROM: expected AS <name>", w.raw),
                        ))
                    }
                    None => None,
                };
                let mut image_ref = ImageRef::new(&image.raw, image.span);
                // The tag and digest ranges index the source only when the word
                // is written there as is (no line continuation inside it).
                if self.src.get(image.span.range()) != Some(image.raw.as_str()) {
                    image_ref.tag_range = None;
                    image_ref.digest_range = None;
                }
                Body::From(FromInstr {
                    image: image_ref,
                    alias,
                    platform: flags
                        .iter()
                        .find(|f| f.name == "platform")
                        .and_then(|f| f.value.clone()),
                })
            }
            Kind::Run => Body::Run(self.command_form(args)),
            Kind::Cmd => Body::Cmd(self.command_form(args)),
            Kind::Entrypoint => Body::Entrypoint(self.command_form(args)),
            Kind::Shell => Body::Shell(self.command_form(args)),
            Kind::Copy | Kind::Add => {
                let (mut words, json) = match parse_json_array(&args.value) {
                    Some(ws) => (
                        ws.iter().map(|w| self.word(args, w)).collect::<Vec<_>>(),
                        true,
                    ),
                    None => (self.words(args, false), false),
                };
                let dest = if words.len() > 1 { words.pop() } else { None };
                let c = CopyArgs {
                    sources: words,
                    dest,
                    json,
                };
                if kind == Kind::Copy {
                    Body::Copy(c)
                } else {
                    Body::Add(c)
                }
            }
            Kind::Env | Kind::Label => {
                let pairs = parse_pairs(&args.value, self.escape)
                    .into_iter()
                    .map(|p| KeyValue {
                        key: p.key,
                        value: p.value,
                        raw_value: args
                            .value
                            .get(p.value_range.clone())
                            .unwrap_or_default()
                            .to_string(),
                        span: self.span(args.source_range(p.range)),
                        key_span: self.span(args.source_range(p.key_range)),
                        value_span: self.span(args.source_range(p.value_range)),
                    })
                    .collect();
                if kind == Kind::Env {
                    Body::Env(pairs)
                } else {
                    Body::Label(pairs)
                }
            }
            Kind::Arg => Body::Arg(
                self.words(args, true)
                    .into_iter()
                    .map(|w| {
                        let (name, default) = match w.value.split_once('=') {
                            Some((n, d)) => (n.to_string(), Some(d.to_string())),
                            None => (w.value.clone(), None),
                        };
                        ArgDecl {
                            name,
                            default,
                            span: w.span,
                        }
                    })
                    .collect(),
            ),
            Kind::Expose | Kind::Volume => {
                let words = match parse_json_array(&args.value) {
                    Some(ws) => ws.iter().map(|w| self.word(args, w)).collect(),
                    None => self.words(args, false),
                };
                if kind == Kind::Expose {
                    Body::Expose(words)
                } else {
                    Body::Volume(words)
                }
            }
            Kind::User => Body::User(self.single(args)),
            Kind::Workdir => Body::Workdir(self.single(args)),
            Kind::Stopsignal => Body::Stopsignal(self.single(args)),
            Kind::Maintainer => Body::Maintainer(args.clone()),
            Kind::Healthcheck => {
                let v = &args.value;
                if v.trim().eq_ignore_ascii_case("none") {
                    Body::Healthcheck(HealthcheckBody::None)
                } else {
                    let kw_end = v.find(char::is_whitespace).unwrap_or(v.len());
                    if !v[..kw_end].eq_ignore_ascii_case("cmd") {
                        return Err(self.error_at(
                            args.span.start,
                            "unknown type in HEALTHCHECK: expected CMD or NONE",
                        ));
                    }
                    let rest_start = kw_end + (v.len() - kw_end - v[kw_end..].trim_start().len());
                    let rest = self.sub(args, rest_start..v.len());
                    Body::Healthcheck(HealthcheckBody::Cmd(self.command_form(&rest)))
                }
            }
            Kind::Onbuild => {
                let (inner, _) = self.instruction(args.clone(), self.lines.len())?;
                if inner.kind == Kind::Onbuild {
                    // Docker rejects ONBUILD ONBUILD, but keep the model: rules report it.
                }
                Body::Onbuild(Box::new(inner))
            }
        })
    }
}

/// Finds `<<EOF`, `<<-EOF`, `<<"EOF"` and `<<'EOF'` markers outside quotes.
/// Returns (range, name, strip_tabs, quoted) for each.
fn find_heredoc_markers(text: &str) -> Vec<(std::ops::Range<usize>, String, bool, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == b'\\' && q == b'"' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            None => {
                if c == b'\'' || c == b'"' {
                    quote = Some(c);
                    i += 1;
                    continue;
                }
                if c == b'\\' {
                    i += 2;
                    continue;
                }
            }
        }
        if c == b'<'
            && b.get(i + 1) == Some(&b'<')
            && b.get(i + 2) != Some(&b'<')
            && (i == 0 || b[i - 1] != b'<')
        {
            let start = i;
            let mut j = i + 2;
            let strip = b.get(j) == Some(&b'-');
            if strip {
                j += 1;
            }
            let q = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j += 1;
                    Some(q)
                }
                _ => None,
            };
            let name_start = j;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'_' | b'.' | b'-'))
            {
                j += 1;
            }
            if j > name_start {
                let name = text[name_start..j].to_string();
                if let Some(q) = q {
                    if b.get(j) == Some(&q) {
                        j += 1;
                    }
                }
                out.push((start..j, name, strip, q.is_some()));
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}
