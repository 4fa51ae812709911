//! The figures a piece of wording embeds: `{minimum_age}` and
//! `{minimum_age as words}` inside a `text "..."` or a `because "..."`.
//!
//! The grammar keeps a text a string literal; its placeholders are read
//! from the string's content here, so the grammar needs no change and a
//! text without braces reads exactly as before. `{{` is a literal `{`.

use crate::span::Span;

/// How an embedded figure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// As the value is displayed: `16`, `£1.00`, `10%`.
    Figures,
    /// In words: `sixteen`, `ten per cent` (`{name as words}`).
    Words,
}

/// One placeholder: a name and how to write its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The name embedded, such as `minimum_age`.
    pub name: String,
    /// Figures or words.
    pub form: Form,
    /// Where it is written in the rulebook (the braces included), when the
    /// text's offsets can be mapped; otherwise the whole text's span.
    pub span: Span,
}

/// A piece of wording: words as written, or a figure to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Words as written (with `{{` already turned into `{`).
    Words(String),
    /// A figure taken from the rules.
    Figure(Placeholder),
}

/// A placeholder that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordingError {
    /// What is wrong.
    pub message: String,
    /// Where (as [`Placeholder::span`]).
    pub span: Span,
}

/// Splits a text's content into words and placeholders. `at` is the span
/// of the string literal, quotes included: a placeholder's span points into
/// it when the content was written without escapes (so that its offsets are
/// the source's), and is the whole literal otherwise.
pub fn pieces(content: &str, at: Span) -> Result<Vec<Piece>, WordingError> {
    // Escapes (`\"`, `\n`) make the content shorter than the literal: its
    // offsets are then not the source's, and the whole text is the place.
    let mapped = at.len() == content.len() + 2;
    let place = |start: usize, end: usize| {
        if mapped {
            Span {
                start: at.start + 1 + start,
                end: at.start + 1 + end,
                source: at.source,
            }
        } else {
            at
        }
    };
    let mut out = Vec::new();
    let mut words = String::new();
    let mut rest = content.char_indices().peekable();
    while let Some((i, c)) = rest.next() {
        if c != '{' {
            words.push(c);
            continue;
        }
        if rest.peek().map(|&(_, c)| c) == Some('{') {
            rest.next();
            words.push('{');
            continue;
        }
        let Some(close) = content[i..].find('}').map(|j| i + j) else {
            return Err(WordingError {
                message: "a `{` opens a figure that is never closed".to_string(),
                span: place(i, content.len()),
            });
        };
        let inside = &content[i + 1..close];
        let span = place(i, close + 1);
        let placeholder = placeholder(inside, span)?;
        if !words.is_empty() {
            out.push(Piece::Words(std::mem::take(&mut words)));
        }
        out.push(Piece::Figure(placeholder));
        while rest.peek().is_some_and(|&(j, _)| j <= close) {
            rest.next();
        }
    }
    if !words.is_empty() {
        out.push(Piece::Words(words));
    }
    Ok(out)
}

/// `minimum_age` or `minimum_age as words`.
fn placeholder(inside: &str, span: Span) -> Result<Placeholder, WordingError> {
    let parts: Vec<&str> = inside.split_whitespace().collect();
    let (name, form) = match parts.as_slice() {
        [name] => (*name, Form::Figures),
        [name, "as", "words"] => (*name, Form::Words),
        [] => {
            return Err(WordingError {
                message: "an empty `{}` names no figure".to_string(),
                span,
            });
        }
        _ => {
            return Err(WordingError {
                message: format!(
                    "`{{{inside}}}` is not a figure: write `{{name}}` or `{{name as words}}`"
                ),
                span,
            });
        }
    };
    let is_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return Err(WordingError {
            message: format!("`{name}` is not a name"),
            span,
        });
    }
    Ok(Placeholder {
        name: name.to_string(),
        form,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(content: &str) -> Span {
        Span::new(10, 10 + content.len() + 2)
    }

    #[test]
    fn words_and_figures_in_order_with_their_places() {
        let text = "aged {minimum_age} or {minimum_age as words}.";
        let got = pieces(text, at(text)).unwrap();
        assert_eq!(
            got,
            vec![
                Piece::Words("aged ".into()),
                Piece::Figure(Placeholder {
                    name: "minimum_age".into(),
                    form: Form::Figures,
                    // The literal starts at 10, its content at 11; `{` is
                    // the content's 6th byte (index 5).
                    span: Span::new(16, 29),
                }),
                Piece::Words(" or ".into()),
                Piece::Figure(Placeholder {
                    name: "minimum_age".into(),
                    form: Form::Words,
                    span: Span::new(33, 55),
                }),
                Piece::Words(".".into()),
            ]
        );
    }

    #[test]
    fn a_doubled_brace_is_a_brace_and_a_text_without_braces_is_one_piece() {
        let text = "a {{literal} brace";
        assert_eq!(
            pieces(text, at(text)).unwrap(),
            vec![Piece::Words("a {literal} brace".into())]
        );
        assert_eq!(pieces("", at("")).unwrap(), vec![]);
    }

    #[test]
    fn malformed_figures_are_errors_at_their_place() {
        let text = "at {minimum_age";
        let e = pieces(text, at(text)).unwrap_err();
        assert_eq!(e.span, Span::new(14, 26));
        assert!(e.message.contains("never closed"), "{}", e.message);
        let text = "{}";
        assert!(
            pieces(text, at(text))
                .unwrap_err()
                .message
                .contains("empty")
        );
        let text = "{age as roman}";
        assert!(
            pieces(text, at(text))
                .unwrap_err()
                .message
                .contains("not a figure")
        );
        let text = "{1st}";
        assert!(
            pieces(text, at(text))
                .unwrap_err()
                .message
                .contains("not a name")
        );
    }

    #[test]
    fn with_escapes_the_place_is_the_whole_text() {
        // Written `"say \"{x}\""`: 12 bytes of source, 9 of content (plus quotes).
        let whole = Span::new(0, 14);
        let got = pieces("say \"{x}\"", whole).unwrap();
        assert_eq!(
            got[1],
            Piece::Figure(Placeholder {
                name: "x".into(),
                form: Form::Figures,
                span: whole
            })
        );
    }
}
