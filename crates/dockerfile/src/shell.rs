//! A small POSIX shell splitter for `RUN` commands.
//!
//! It understands enough of the shell grammar to find every *simple command*
//! with its name, arguments and leading assignments: `&&`, `||`, `;`, `&`,
//! newlines, pipes, subshells `( … )`, groups `{ …; }`, `if`/`while`/`for`
//! keywords, quoting, escapes, `$( … )`, backticks, `${ … }`, redirections
//! and heredocs. Commands nested in substitutions are listed too, after the
//! command that contains them (pre-order), and remember that command.
//!
//! Word values follow the simplification hadolint applies (quotes removed,
//! `$VAR` written `${VAR}`), so rules can compare arguments the same way.

use std::ops::Range;

/// A word of a shell command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    /// The simplified value (quotes removed, variables as `${NAME}`).
    pub value: String,
    /// Byte range of the word in the parsed script.
    pub range: Range<usize>,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The command name (first word after assignments).
    pub name: ShellWord,
    /// The arguments after the name (flags included).
    pub args: Vec<ShellWord>,
    /// `NAME=value` words before the name.
    pub assignments: Vec<ShellWord>,
    /// Byte range from the first word to the last.
    pub range: Range<usize>,
    /// Identifier of the pipeline (`a | b | c` share one).
    pub pipeline: usize,
    /// Position inside its pipeline (0 for the first command).
    pub pipe_position: usize,
    /// Whether the output of this command is piped into another.
    pub piped_into: bool,
    /// Index (in [`Script::commands`]) of the command whose word contains
    /// this one through `$( … )`, backticks or `<( … )`.
    pub parent: Option<usize>,
}

/// A parsed script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// Every simple command in pre-order.
    pub commands: Vec<SimpleCommand>,
    /// Number of `|` / `|&` pipe operators.
    pub pipes: usize,
}

/// Splits a script into simple commands. Never fails: unknown or
/// unbalanced constructs end the current word or list.
pub fn parse_script(text: &str) -> Script {
    let mut p = P {
        s: text,
        b: text.as_bytes(),
        i: 0,
        slots: Vec::new(),
        pipes: 0,
        pending: Vec::new(),
        pipeline: 0,
        next_pipeline: 1,
        pipe_pos: 0,
        last: None,
        parent: None,
        depth: 0,
    };
    p.list(Stop::Eof);
    // Compact the slots, remapping parent indices.
    let mut map = vec![None; p.slots.len()];
    let mut n = 0;
    for (i, s) in p.slots.iter().enumerate() {
        if s.is_some() {
            map[i] = Some(n);
            n += 1;
        }
    }
    let commands = p
        .slots
        .into_iter()
        .flatten()
        .map(|mut c| {
            c.parent = c.parent.and_then(|x| map.get(x).copied().flatten());
            c
        })
        .collect();
    Script {
        commands,
        pipes: p.pipes,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Eof,
    Paren,
    Backtick,
}

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    slots: Vec<Option<SimpleCommand>>,
    pipes: usize,
    pending: Vec<(String, bool)>,
    pipeline: usize,
    next_pipeline: usize,
    pipe_pos: usize,
    last: Option<usize>,
    parent: Option<usize>,
    depth: usize,
}

const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time",
];

fn is_assignment(raw: &str) -> bool {
    let Some(eq) = raw.find('=') else {
        return false;
    };
    let name = raw[..eq].strip_suffix('+').unwrap_or(&raw[..eq]);
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    fn skip_blanks(&mut self) {
        while let Some(c) = self.peek() {
            if c == b' ' || c == b'\t' || c == b'\r' {
                self.i += 1;
            } else if c == b'\\' && self.peek_at(1) == Some(b'\n') {
                self.i += 2;
            } else {
                break;
            }
        }
    }

    fn new_pipeline(&mut self) {
        self.pipeline = self.next_pipeline;
        self.next_pipeline += 1;
        self.pipe_pos = 0;
        self.last = None;
    }

    fn skip_to_eol(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.i += 1;
        }
    }

    fn consume_heredocs(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for (delim, strip) in pending {
            while self.i < self.b.len() {
                let end = self.s[self.i..]
                    .find('\n')
                    .map_or(self.b.len(), |e| self.i + e);
                let line = &self.s[self.i..end];
                let line = line.strip_suffix('\r').unwrap_or(line);
                let cmp = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                self.i = (end + 1).min(self.b.len());
                if cmp == delim {
                    break;
                }
            }
        }
    }

    fn list(&mut self, stop: Stop) {
        self.depth += 1;
        if self.depth > 200 {
            self.i = self.b.len();
        }
        while self.i < self.b.len() {
            self.skip_blanks();
            let Some(c) = self.peek() else { break };
            match c {
                b'\n' => {
                    self.i += 1;
                    self.consume_heredocs();
                    self.new_pipeline();
                }
                b';' => {
                    self.i += 1;
                    if self.peek() == Some(b';') {
                        self.i += 1;
                    }
                    self.new_pipeline();
                }
                b'&' if self.peek_at(1) == Some(b'>') => self.simple_command(stop),
                b'&' => {
                    self.i += if self.peek_at(1) == Some(b'&') { 2 } else { 1 };
                    self.new_pipeline();
                }
                b'|' if self.peek_at(1) == Some(b'|') => {
                    self.i += 2;
                    self.new_pipeline();
                }
                b'|' => {
                    self.i += if self.peek_at(1) == Some(b'&') { 2 } else { 1 };
                    self.pipes += 1;
                    if let Some(Some(cmd)) = self.last.and_then(|l| self.slots.get_mut(l)) {
                        cmd.piped_into = true;
                    }
                    self.pipe_pos += 1;
                }
                b'(' if self.peek_at(1) == Some(b'(') => {
                    self.i += 2;
                    self.skip_parens(2);
                }
                b'(' => {
                    self.i += 1;
                    let (pl, pos) = (self.pipeline, self.pipe_pos);
                    self.list(Stop::Paren);
                    self.pipeline = pl;
                    self.pipe_pos = pos;
                }
                b')' => {
                    self.i += 1;
                    if stop == Stop::Paren {
                        break;
                    }
                }
                b'`' if stop == Stop::Backtick => {
                    self.i += 1;
                    break;
                }
                b'#' => self.skip_to_eol(),
                _ => {
                    let before = self.i;
                    self.simple_command(stop);
                    if self.i == before {
                        self.i += 1;
                    }
                }
            }
        }
        self.depth -= 1;
    }

    /// Skips to the `depth` closing parentheses of `(( … ))` or `$(( … ))`.
    fn skip_parens(&mut self, mut depth: usize) {
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn at_operator(&self, stop: Stop) -> bool {
        match self.peek() {
            None => true,
            Some(b';' | b'|' | b'(' | b')' | b'\n') => true,
            Some(b'&') => self.peek_at(1) != Some(b'>'),
            Some(b'`') => stop == Stop::Backtick,
            _ => false,
        }
    }

    /// Length of a redirection operator at the cursor, if any.
    fn redirect_len(&self) -> Option<(usize, bool)> {
        let mut k = 0;
        while matches!(self.peek_at(k), Some(b'0'..=b'9')) {
            k += 1;
        }
        let c = self.peek_at(k)?;
        if c == b'&' && k == 0 && self.peek_at(1) == Some(b'>') {
            let extra = usize::from(self.peek_at(2) == Some(b'>'));
            return Some((2 + extra, false));
        }
        if c != b'<' && c != b'>' {
            return None;
        }
        if self.peek_at(k + 1) == Some(b'(') {
            return None; // process substitution
        }
        let rest = &self.s[self.i + k..];
        for op in ["<<<", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", "<", ">"] {
            if rest.starts_with(op) {
                return Some((k + op.len(), op == "<<" || op == "<<-"));
            }
        }
        None
    }

    fn simple_command(&mut self, stop: Stop) {
        let slot = self.slots.len();
        self.slots.push(None);
        let saved_parent = self.parent;
        self.parent = Some(slot);
        let mut words: Vec<ShellWord> = Vec::new();
        loop {
            self.skip_blanks();
            if self.at_operator(stop) {
                break;
            }
            if self.peek() == Some(b'#')
                && (self.i == 0 || self.b[self.i - 1].is_ascii_whitespace())
            {
                self.skip_to_eol();
                break;
            }
            if let Some((len, heredoc)) = self.redirect_len() {
                let strip = self.s[self.i..self.i + len].ends_with('-');
                self.i += len;
                self.skip_blanks();
                if !self.at_operator(stop) {
                    let target = self.word(stop);
                    if heredoc {
                        self.pending.push((target.value, strip));
                    }
                }
                continue;
            }
            let before = self.i;
            let w = self.word(stop);
            if self.i == before {
                break;
            }
            words.push(w);
        }
        self.parent = saved_parent;
        // Leading reserved words and assignments.
        let mut start = 0;
        let mut assignments = Vec::new();
        while let Some(w) = words.get(start) {
            let raw = &self.s[w.range.clone()];
            if assignments.is_empty() && RESERVED.contains(&raw) {
                start += 1;
            } else if is_assignment(raw) {
                assignments.push(w.clone());
                start += 1;
            } else {
                break;
            }
        }
        let first_raw = words.get(start).map(|w| &self.s[w.range.clone()]);
        if matches!(first_raw, Some("for" | "select" | "case" | "esac" | "in"))
            || first_raw.is_none()
        {
            return;
        }
        let mut rest = words.split_off(start);
        let name = rest.remove(0);
        let range_start = assignments
            .first()
            .map_or(name.range.start, |a| a.range.start);
        let range_end = rest.last().map_or(name.range.end, |a| a.range.end);
        self.slots[slot] = Some(SimpleCommand {
            name,
            args: rest,
            assignments,
            range: range_start..range_end,
            pipeline: self.pipeline,
            pipe_position: self.pipe_pos,
            piped_into: false,
            parent: saved_parent,
        });
        self.last = Some(slot);
    }

    /// Parses a nested list (`$( … )`, backticks, `<( … )`) and returns the
    /// concatenated values of the commands found, as hadolint simplifies it.
    ///
    /// Only the commands directly inside count: deeper ones are already in
    /// their parent's words. (Counting them again doubled the value per level
    /// of nesting: 200 levels of `$(` exhausted memory, found by `shell_run`.)
    fn nested(&mut self, stop: Stop) -> String {
        let first = self.slots.len();
        let parent = self.parent;
        let saved = (self.pipeline, self.pipe_pos, self.last);
        self.new_pipeline();
        self.list(stop);
        (self.pipeline, self.pipe_pos, self.last) = saved;
        let mut v = String::new();
        for c in self.slots[first..]
            .iter()
            .flatten()
            .filter(|c| c.parent == parent)
        {
            v.push_str(&c.name.value);
            for a in &c.args {
                v.push_str(&a.value);
            }
        }
        v
    }

    fn word(&mut self, stop: Stop) -> ShellWord {
        let start = self.i;
        let mut value = String::new();
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b')' => break,
                b'(' => break,
                b'`' if stop == Stop::Backtick => break,
                b'<' | b'>' => {
                    if self.peek_at(1) == Some(b'(') {
                        self.i += 2;
                        let inner = self.nested(Stop::Paren);
                        value.push_str(&format!("${{{inner}}}"));
                    } else {
                        break;
                    }
                }
                b'\\' => {
                    if self.peek_at(1) == Some(b'\n') {
                        self.i += 2;
                    } else {
                        self.i += 1;
                        if let Some(ch) = self.s[self.i..].chars().next() {
                            value.push(ch);
                            self.i += ch.len_utf8();
                        }
                    }
                }
                b'\'' => {
                    self.i += 1;
                    let end = self.s[self.i..]
                        .find('\'')
                        .map_or(self.b.len(), |e| self.i + e);
                    value.push_str(&self.s[self.i..end]);
                    self.i = (end + 1).min(self.b.len());
                }
                b'"' => {
                    self.i += 1;
                    self.double_quoted(&mut value);
                }
                b'$' => self.dollar(&mut value),
                b'`' => {
                    self.i += 1;
                    self.nested(Stop::Backtick);
                    value.push_str("${VAR}");
                }
                _ => {
                    let ch = self.s[self.i..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
        ShellWord {
            value,
            range: start..self.i,
        }
    }

    fn double_quoted(&mut self, value: &mut String) {
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.i += 1;
                    return;
                }
                b'\\' => {
                    let next = self.peek_at(1);
                    match next {
                        Some(b'\n') => self.i += 2,
                        Some(n @ (b'"' | b'\\' | b'$' | b'`')) => {
                            value.push(n as char);
                            self.i += 2;
                        }
                        _ => {
                            value.push('\\');
                            self.i += 1;
                        }
                    }
                }
                b'$' => self.dollar(value),
                b'`' => {
                    self.i += 1;
                    self.nested(Stop::Backtick);
                    value.push_str("${VAR}");
                }
                _ => {
                    let ch = self.s[self.i..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }

    fn dollar(&mut self, value: &mut String) {
        match self.peek_at(1) {
            Some(b'(') if self.peek_at(2) == Some(b'(') => {
                self.i += 3;
                self.skip_parens(2);
                value.push_str("${VAR}");
            }
            Some(b'(') => {
                self.i += 2;
                let inner = self.nested(Stop::Paren);
                value.push_str(&format!("${{{inner}}}"));
            }
            Some(b'{') => {
                let start = self.i;
                self.i += 2;
                let mut depth = 1;
                while let Some(c) = self.peek() {
                    self.i += 1;
                    match c {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        b'\\' => self.i = (self.i + 1).min(self.b.len()),
                        _ => {}
                    }
                }
                value.push_str(&self.s[start..self.i]);
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.i += 1;
                let start = self.i;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
                    self.i += 1;
                }
                value.push_str("${");
                value.push_str(&self.s[start..self.i]);
                value.push('}');
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                value.push_str("${");
                value.push(c as char);
                value.push('}');
                self.i += 2;
            }
            Some(b'\'') => {
                self.i += 2;
                while let Some(ch) = self.s.get(self.i..).and_then(|r| r.chars().next()) {
                    self.i += ch.len_utf8();
                    match ch {
                        '\'' => break,
                        '\\' => {
                            if let Some(n) = self.s.get(self.i..).and_then(|r| r.chars().next()) {
                                value.push(n);
                                self.i += n.len_utf8();
                            }
                        }
                        _ => value.push(ch),
                    }
                }
            }
            Some(b'"') => {
                self.i += 2;
                self.double_quoted(value);
            }
            _ => {
                value.push('$');
                self.i += 1;
            }
        }
    }
}
