//! Source positions: byte spans with 1-based line and column numbers, the
//! line index that computes them, and [`Text`], a piece of *logical* text
//! (continuation lines joined) that remembers where each byte came from.

use std::ops::Range;

/// A region of the source file.
///
/// `start`/`end` are byte offsets into the original text (end exclusive);
/// `line`/`column` locate `start`, `end_line`/`end_column` locate `end`.
/// Lines and columns are 1-based; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`.
    pub column: u32,
    /// 1-based line of `end`.
    pub end_line: u32,
    /// 1-based column of `end`.
    pub end_column: u32,
}

impl Span {
    /// The byte range of this span.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }
}

/// Maps byte offsets of a text to lines and columns.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Builds the index of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// Number of lines (a text ending in a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// 1-based (line, column) of byte `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        self.position_near(text, offset, &std::cell::Cell::new(0))
    }

    /// Like [`LineIndex::position`], starting the search at the 0-based
    /// line in `hint` (and updating it): fast for increasing offsets.
    pub fn position_near(
        &self,
        text: &str,
        offset: usize,
        hint: &std::cell::Cell<usize>,
    ) -> (u32, u32) {
        let offset = offset.min(text.len());
        let in_line = |i: usize| {
            self.starts.get(i).is_some_and(|&s| s <= offset)
                && self.starts.get(i + 1).is_none_or(|&n| offset < n)
        };
        let h = hint.get();
        let line = if in_line(h) {
            h
        } else if in_line(h + 1) {
            h + 1
        } else {
            match self.starts.binary_search(&offset) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            }
        };
        hint.set(line);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col = match text.get(start..offset) {
            Some(s) if s.is_ascii() => s.len(),
            Some(s) => s.chars().count(),
            None => offset - start,
        };
        (to_u32(line + 1), to_u32(col + 1))
    }

    /// The [`Span`] of byte range `range` in `text`.
    pub fn span(&self, text: &str, range: Range<usize>) -> Span {
        self.span_near(text, range, &std::cell::Cell::new(0))
    }

    /// Like [`LineIndex::span`] with a search hint (see
    /// [`LineIndex::position_near`]).
    pub fn span_near(
        &self,
        text: &str,
        range: Range<usize>,
        hint: &std::cell::Cell<usize>,
    ) -> Span {
        let (line, column) = self.position_near(text, range.start, hint);
        let (end_line, end_column) = self.position_near(text, range.end, hint);
        Span {
            start: range.start,
            end: range.end,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Logical text: physical lines joined after removing line continuations and
/// comment lines inside them, with a map back to source byte offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// The logical text.
    pub value: String,
    /// The source span from the first to the last byte of the text.
    pub span: Span,
    /// `(logical offset, source offset)` of each contiguous piece, sorted.
    segments: Vec<(usize, usize)>,
}

impl Text {
    /// Creates a text from its value, span and segment map.
    pub(crate) fn new(value: String, span: Span, segments: Vec<(usize, usize)>) -> Self {
        Text {
            value,
            span,
            segments,
        }
    }

    /// Source byte offset of logical byte offset `offset`.
    pub fn source_offset(&self, offset: usize) -> usize {
        let idx = match self.segments.binary_search_by(|s| s.0.cmp(&offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        match self.segments.get(idx) {
            Some(&(l, s)) if offset >= l => s + (offset - l),
            _ => self.span.start + offset,
        }
    }

    /// Source byte range of logical range `range`.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_offset(range.start);
        let end = if range.end > range.start {
            self.source_offset(range.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }

    /// A sub-text of logical range `range` (spans are not recomputed: use
    /// [`crate::Dockerfile::span`] with [`Text::source_range`] for that).
    pub(crate) fn slice(
        &self,
        range: Range<usize>,
        index: &LineIndex,
        src: &str,
        hint: &std::cell::Cell<usize>,
    ) -> Text {
        let value = self
            .value
            .get(range.clone())
            .unwrap_or_default()
            .to_string();
        let mut segments = Vec::new();
        for (i, &(l, s)) in self.segments.iter().enumerate() {
            let next_l = self
                .segments
                .get(i + 1)
                .map(|n| n.0)
                .unwrap_or(self.value.len());
            if next_l <= range.start || l >= range.end {
                continue;
            }
            let from = l.max(range.start);
            segments.push((from - range.start, s + (from - l)));
        }
        let span = index.span_near(src, self.source_range(range), hint);
        Text {
            value,
            span,
            segments,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let text = "ab\ncdé\nf";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 3), (2, 1));
        assert_eq!(idx.position(text, 7), (2, 4));
        assert_eq!(idx.position(text, 8), (3, 1));
        assert_eq!(idx.position(text, 999), (3, 2));
    }
}
