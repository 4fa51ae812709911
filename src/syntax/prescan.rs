//! A cheap pass over the raw text, before pest runs, that bounds how deeply
//! the grammar can recurse. pest parses recursively, so without this a file
//! of ten thousand `(` would overflow the stack.
//!
//! The grammar recurses only into brackets and into `if` expressions (the
//! operators are flat, see grammar/rochdale.pest). The bound counted here is
//! the number of open brackets plus, within each bracket, the `if`s seen
//! since the last statement keyword (an `else if` continues a chain and does
//! not count). That over-approximates pest's real depth, never under.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;

/// How deeply brackets and `if`s may nest in a rulebook.
pub const MAX_NESTING: usize = 64;

/// The largest rulebook accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// Words that start a statement and so end any expression before them. Only
/// reserved words: an identifier could otherwise reset the count in the
/// middle of an expression and let real nesting through uncounted.
const STATEMENT_WORDS: &[&str] = &[
    "rule",
    "parameter",
    "expect",
    "article",
    "example",
    "members",
    "member",
    "text",
    "source",
    "rulebook",
    "limit",
    "allocate",
    "resolution",
    "votes",
    "except",
    "act",
    "requires",
    "scenario",
];

/// Checks size and nesting; on success pest may safely parse `text`.
pub fn prescan(text: &str) -> Result<(), Box<Diagnostic>> {
    if text.len() > MAX_SOURCE_BYTES {
        return Err(Box::new(
            Diagnostic::error(
                Code::TooLarge,
                format!(
                    "the rulebook is {} bytes long; the most Rochdale reads is {} bytes",
                    text.len(),
                    MAX_SOURCE_BYTES
                ),
            )
            .help("split the rulebook, or move member data into a CSV or JSON file"),
        ));
    }

    // One counter of open `if`s per open bracket (index 0: outside any).
    let mut ifs: Vec<usize> = vec![0];
    let mut open: Vec<usize> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut previous_word: &str = "";
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'{' | b'[' => {
                open.push(i);
                ifs.push(0);
                let depth = open.len() + ifs.iter().sum::<usize>();
                if depth > MAX_NESTING {
                    return Err(too_deep(i));
                }
            }
            b')' | b'}' | b']' if open.pop().is_some() => {
                ifs.pop();
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = text.get(start..i).unwrap_or("");
                if word == "if" && previous_word != "else" {
                    if let Some(top) = ifs.last_mut() {
                        *top += 1;
                    }
                    let depth = open.len() + ifs.iter().sum::<usize>();
                    if depth > MAX_NESTING {
                        return Err(too_deep(start));
                    }
                } else if STATEMENT_WORDS.contains(&word) {
                    if let Some(top) = ifs.last_mut() {
                        *top = 0;
                    }
                }
                previous_word = word;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn too_deep(at: usize) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            Code::TooDeep,
            format!("brackets and `if`s are nested more than {MAX_NESTING} levels deep here"),
        )
        .at(Span::new(at, at + 1), "too deep")
        .help(
            "break the expression into smaller rules, each with a name that says what it computes",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A statement word that a name could take would end an expression
    /// early and let nesting through uncounted: each must be reserved.
    #[test]
    fn statement_words_are_reserved() {
        for word in STATEMENT_WORDS {
            assert!(super::super::keywords::is_reserved(word), "{word}");
        }
    }
}
