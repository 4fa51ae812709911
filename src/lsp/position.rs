//! Places in a text as the protocol counts them: a line and a column in
//! UTF-16 code units (a `£` is one unit and two bytes; an emoji is two
//! units and four bytes), to and from the byte offsets of [`Span`]s.

use lsp_types::{Position, Range};

use crate::span::Span;

/// The position of byte `offset` of `text` (clamped to the text, and
/// moved back to the start of a character it falls inside).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The byte offset of `position` in `text`. A line past the end is the
/// end of the text; a column past the end of its line is the line's end
/// (as the protocol asks); a column inside a character's two UTF-16 units
/// is the character's start.
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line = &text[line_start..];
    let line_end = line.find('\n').map_or(text.len(), |i| line_start + i);
    let mut units = 0usize;
    for (i, c) in text[line_start..line_end].char_indices() {
        let next = units + c.len_utf16();
        if next > position.character as usize {
            return line_start + i;
        }
        units = next;
    }
    line_end
}

/// The range a span covers.
pub fn range(text: &str, span: Span) -> Range {
    Range {
        start: position(text, span.start),
        end: position(text, span.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn a_pound_sign_is_one_unit_and_two_bytes() {
        // "£" is U+00A3: 2 bytes in UTF-8, 1 unit in UTF-16.
        let text = "a\nx = £5 é\n";
        // Byte 2 is the start of line 1; '£' is bytes 6..8; '5' is byte 8.
        assert_eq!(position(text, 8), at(1, 5));
        assert_eq!(offset(text, at(1, 5)), 8);
        // 'é' (2 bytes) starts at byte 10, column 7.
        assert_eq!(position(text, 10), at(1, 7));
        assert_eq!(offset(text, at(1, 8)), 12, "after the é is the newline");
    }

    #[test]
    fn an_emoji_is_two_units_and_four_bytes() {
        let text = "-- 🙂x";
        // '🙂' is bytes 3..7, columns 3..5; 'x' is byte 7, column 5.
        assert_eq!(position(text, 7), at(0, 5));
        assert_eq!(offset(text, at(0, 5)), 7);
        // A column between its two units is the character's start.
        assert_eq!(offset(text, at(0, 4)), 3);
        // Inside its bytes is its start too.
        assert_eq!(position(text, 5), at(0, 3));
    }

    #[test]
    fn past_the_end_is_clamped() {
        let text = "ab\ncd";
        assert_eq!(offset(text, at(0, 99)), 2, "the end of line 0");
        assert_eq!(offset(text, at(7, 0)), 5, "the end of the text");
        assert_eq!(position(text, 99), at(1, 2));
    }
}
