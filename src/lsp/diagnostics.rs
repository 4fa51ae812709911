//! The checker's diagnostics as the protocol publishes them: the code, the
//! message with its help line, the label, and the related places.

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use super::position;
use crate::diagnostic::{Diagnostic, Severity};
use crate::span::Span;

/// One diagnostic of the text `text` at `uri`. The help line is in the
/// message (every editor shows the message; not every one shows related
/// information), after the label that says what is wrong at the place.
pub fn to_lsp(d: &Diagnostic, text: &str, uri: &Uri) -> lsp_types::Diagnostic {
    let span = d.span.unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(label) = d.label.as_deref().filter(|l| !l.is_empty()) {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        // A span into another text (an expression given on its own) has
        // no place in this document.
        .filter(|r| r.span.source == Span::RULEBOOK)
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: position::range(text, r.span),
            },
            message: r.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: position::range(text, span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("rochdale".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// Every diagnostic of a document.
pub fn all(diagnostics: &[Diagnostic], text: &str, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
    diagnostics.iter().map(|d| to_lsp(d, text, uri)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_help_and_related_places_are_kept() {
        // Line 1 is `parameter fee: Money = £5`, whose `£` is two bytes and
        // one UTF-16 unit; line 2 redefines `fee`.
        let text =
            "rulebook \"T\" currency GBP\nparameter fee: Money = £5\nparameter fee: Money = £6\n";
        let checked = crate::pipeline::check_source(text);
        let uri: Uri = "file:///t.coop".parse().expect("a URI");
        let found = all(&checked.diagnostics, text, &uri);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        let original = &checked.diagnostics[0];
        assert_eq!(
            d.code,
            Some(NumberOrString::String(original.code.as_str().into()))
        );
        assert!(original.is_error());
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        // The second `fee`: line 2, columns 10..13.
        assert_eq!(d.range.start, lsp_types::Position::new(2, 10));
        assert_eq!(d.range.end, lsp_types::Position::new(2, 13));
        let help = original.help.as_deref().expect("a help line");
        assert!(
            d.message.ends_with(&format!("\nhelp: {help}")),
            "{}",
            d.message
        );
        // The first `fee` is the related place.
        let related = d.related_information.as_ref().expect("related");
        assert_eq!(related.len(), original.related.len());
        assert_eq!(
            related[0].location.range.start,
            lsp_types::Position::new(1, 10)
        );
        assert_eq!(related[0].location.uri, uri);
    }
}
