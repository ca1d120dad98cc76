//! Text edits on the original source, for stages (pinning) that rewrite a
//! Dockerfile without touching anything else.

use std::ops::Range;

/// Replace `range` of the source with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the original source.
    pub range: Range<usize>,
    /// Replacement text.
    pub text: String,
}

/// Edits that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Two edits overlap.
    #[error("edits overlap at byte {0}")]
    Overlap(usize),
    /// An edit is outside the source or splits a character.
    #[error("edit range {0:?} is not a valid range of the source")]
    OutOfBounds(Range<usize>),
}

/// Applies non-overlapping edits (in any order) to `source`.
pub fn apply_edits(source: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(source.len());
    let mut pos = 0;
    for e in sorted {
        if e.range.start < pos {
            return Err(EditError::Overlap(e.range.start));
        }
        let (Some(keep), Some(_)) = (source.get(pos..e.range.start), source.get(e.range.clone()))
        else {
            return Err(EditError::OutOfBounds(e.range.clone()));
        };
        out.push_str(keep);
        out.push_str(&e.text);
        pos = e.range.end;
    }
    out.push_str(source.get(pos..).unwrap_or(""));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_and_rejects_overlaps() {
        let e = [
            Edit {
                range: 6..8,
                text: "X".into(),
            },
            Edit {
                range: 0..1,
                text: "f".into(),
            },
        ];
        assert_eq!(apply_edits("FROM a:12", &e).unwrap(), "fROM aX2");
        let bad = [
            Edit {
                range: 0..3,
                text: String::new(),
            },
            Edit {
                range: 2..4,
                text: String::new(),
            },
        ];
        assert!(apply_edits("abcdef", &bad).is_err());
        assert!(apply_edits(
            "ab",
            &[Edit {
                range: 1..9,
                text: String::new()
            }]
        )
        .is_err());
    }
}
