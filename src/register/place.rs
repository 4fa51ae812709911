//! Where a row of a register stands, for messages and for pointing at a
//! cell: a CSV line (a span in its text) or a spreadsheet's row (its cell
//! names, `B3`).

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Byte span of the `n`-th field (0-based) of a CSV line that starts at
/// `line_start` in `text`, for pointing at a bad cell.
pub(super) fn cell_span(text: &str, line_start: usize, n: usize) -> Span {
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let mut start = 0;
    let mut in_quotes = false;
    let mut field = 0;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                if field == n {
                    return Span::new(line_start + start, line_start + i);
                }
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    Span::new(line_start + start, line_end)
}

/// Where a row is, for messages and spans.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub(super) enum Place<'t> {
    /// A CSV line starting at byte `start`.
    Csv {
        text: &'t str,
        line: u64,
        start: usize,
    },
    /// A spreadsheet's row (1-based), whose first cell is in column
    /// `first_column` (0-based).
    Sheet { row: u64, first_column: u32 },
}

impl Place<'_> {
    pub(super) fn line(&self) -> u64 {
        match *self {
            Place::Csv { line, .. } => line,
            Place::Sheet { row, .. } => row,
        }
    }

    pub(super) fn name(&self) -> String {
        match *self {
            Place::Csv { line, .. } => format!("line {line}"),
            Place::Sheet { row, .. } => format!("row {row}"),
        }
    }

    /// `line 3, column 2`, `row 3, cell B3`.
    pub(super) fn cell(&self, i: usize) -> String {
        match *self {
            Place::Csv { line, .. } => format!("line {line}, column {}", i + 1),
            Place::Sheet { row, first_column } => {
                format!(
                    "row {row}, cell {}{row}",
                    column_letters(first_column + i as u32)
                )
            }
        }
    }

    pub(super) fn span(&self, i: usize) -> Option<Span> {
        match *self {
            Place::Csv { text, start, .. } => Some(cell_span(text, start, i)),
            Place::Sheet { .. } => None,
        }
    }
}

/// A spreadsheet's column name: 0 is `A`, 25 `Z`, 26 `AA`.
fn column_letters(mut n: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Places `d` at `span` when the register has text to point into.
pub(super) fn placed(d: Diagnostic, span: Option<Span>, label: &str) -> Diagnostic {
    match span {
        Some(span) => d.at(span, label),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::column_letters;

    #[test]
    fn spreadsheet_columns_are_lettered() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
