//! Places in a text, and which text: a rulebook, or an expression given on
//! the command line.

use serde::Serialize;

/// A byte range in one of a run's texts, end exclusive. `source` says which
/// text: [`Span::RULEBOOK`] (0) for the rulebook, [`Span::EXPRESSION`] (1)
/// for an expression given on its own (`rochdale explain --value`), so that
/// each diagnostic is drawn against the text it points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Which text; left out of JSON for the rulebook, as it always was.
    #[serde(skip_serializing_if = "is_rulebook")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub source: u16,
}

fn is_rulebook(source: &u16) -> bool {
    *source == Span::RULEBOOK
}

impl Span {
    /// The source id of the rulebook's text.
    pub const RULEBOOK: u16 = 0;
    /// The source id of an expression given on its own, as to `explain`.
    pub const EXPRESSION: u16 = 1;

    /// The range `start..end` of the rulebook.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end,
            source: Span::RULEBOOK,
        }
    }

    /// The same range, in the text `source`.
    pub fn in_source(self, source: u16) -> Self {
        Span { source, ..self }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The smallest span covering both (in `self`'s text: spans are only
    /// joined within one text).
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
            source: self.source,
        }
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(span: pest::Span<'_>) -> Self {
        Span::new(span.start(), span.end())
    }
}

/// A rulebook's text with the name it was read under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path or label shown in diagnostics.
    pub name: String,
    /// The whole text.
    pub text: String,
}

impl SourceFile {
    /// A named text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The 1-based line and character column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(&self.text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// The texts a run's spans point into, by source id: the rulebook, and for
/// `explain` the expression given on its own. A single [`SourceFile`] is
/// the common case and converts into one.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The rulebook ([`Span::RULEBOOK`]).
    pub rulebook: &'a SourceFile,
    /// An expression given on its own ([`Span::EXPRESSION`]), if any.
    pub expression: Option<&'a SourceFile>,
}

impl<'a> Sources<'a> {
    /// The text with this source id, if the run has one.
    pub fn get(&self, source: u16) -> Option<&'a SourceFile> {
        match source {
            Span::RULEBOOK => Some(self.rulebook),
            Span::EXPRESSION => self.expression,
            _ => None,
        }
    }

    /// The text a span covers, in its own source (empty if out of range).
    pub fn slice(&self, span: Span) -> &'a str {
        self.get(span.source).map_or("", |f| f.slice(span))
    }
}

impl<'a> From<&'a SourceFile> for Sources<'a> {
    fn from(rulebook: &'a SourceFile) -> Self {
        Sources {
            rulebook,
            expression: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_is_drawn_from_its_own_text() {
        let book = SourceFile::new("book.coop", "rule x = 1\n");
        let expr = SourceFile::new("expression", "x + 1");
        let sources = Sources {
            rulebook: &book,
            expression: Some(&expr),
        };
        let (in_book, in_expr) = (Span::new(5, 6), Span::new(0, 1).in_source(Span::EXPRESSION));
        assert_eq!(sources.slice(in_book), "x");
        assert_eq!(sources.slice(Span::new(0, 4)), "rule");
        assert_eq!(
            sources.slice(Span::new(0, 5).in_source(Span::EXPRESSION)),
            "x + 1"
        );
        assert_eq!(sources.slice(in_expr.to(Span::new(4, 5))), "x + 1");
        assert_eq!(Sources::from(&book).slice(in_expr), "");
        assert_eq!(sources.slice(Span::new(0, 1).in_source(7)), "");
    }

    #[test]
    fn a_span_stays_small_and_its_json_is_unchanged_for_the_rulebook() {
        assert!(std::mem::size_of::<Span>() <= 24);
        assert_eq!(
            serde_json::to_string(&Span::new(3, 9)).expect("json"),
            r#"{"start":3,"end":9}"#
        );
        assert_eq!(
            serde_json::to_string(&Span::new(3, 9).in_source(Span::EXPRESSION)).expect("json"),
            r#"{"start":3,"end":9,"source":1}"#
        );
    }
}
