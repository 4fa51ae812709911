//! Completion: after `m.` the member attributes, after `period.` the
//! period figures; elsewhere the names in scope, the keywords, the units
//! and the rounding modes.

use lsp_types::{CompletionItem, CompletionItemKind};

use crate::syntax::ast::RoundingMode;
use crate::syntax::keywords::KEYWORDS;

use super::document::Analysis;
use super::index::Kind;

/// What may be written at byte `offset` of `text`.
pub fn complete(analysis: &Analysis, text: &str, offset: usize) -> Vec<CompletionItem> {
    let before = text.get(..offset).unwrap_or(text);
    // The word being written, and what is just before it.
    let head = before.trim_end_matches(is_name_char);
    if let Some(owner) = head.strip_suffix('.') {
        let owner = &owner[owner.trim_end_matches(is_name_char).len()..];
        let kind = if owner == "period" {
            Kind::PeriodField
        } else {
            Kind::Attribute
        };
        return defined(analysis, kind, CompletionItemKind::FIELD);
    }
    let mut items = Vec::new();
    for name in analysis.index.locals_at(offset) {
        items.push(item(name, CompletionItemKind::VARIABLE, "local name"));
    }
    for (kind, as_kind) in [
        (Kind::Parameter, CompletionItemKind::CONSTANT),
        (Kind::Rule, CompletionItemKind::FUNCTION),
        (Kind::Act, CompletionItemKind::METHOD),
        (Kind::Resolution, CompletionItemKind::EVENT),
        (Kind::Limit, CompletionItemKind::PROPERTY),
        (Kind::Unit, CompletionItemKind::UNIT),
    ] {
        items.extend(defined(analysis, kind, as_kind));
    }
    for k in KEYWORDS {
        items.push(item(k.word, CompletionItemKind::KEYWORD, "keyword"));
    }
    for mode in RoundingMode::ALL {
        items.push(item(
            mode.as_str(),
            CompletionItemKind::ENUM_MEMBER,
            "rounding mode",
        ));
    }
    items
}

/// Whether `c` can be part of a name.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The names of a kind the rulebook defines, in the order of the text.
fn defined(analysis: &Analysis, kind: Kind, as_kind: CompletionItemKind) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = Vec::new();
    for o in &analysis.index.occurrences {
        if o.definition && o.symbol.kind == kind && !out.iter().any(|i| i.label == o.symbol.name) {
            out.push(item(&o.symbol.name, as_kind, kind.describe()));
        }
    }
    out
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = "rulebook \"T\" currency GBP\nmember {\n  age: Integer\n}\nperiod {\n  sales: Money\n}\nparameter fee: Money = £5\nrule old(m) = m.age >= 16\n";

    fn labels(text: &str, offset: usize) -> Vec<String> {
        let analysis = Analysis::new(BOOK);
        complete(&analysis, text, offset)
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn after_a_dot_the_attributes_or_the_figures() {
        let after_m = BOOK.find("m.age").expect("m.age") + 2;
        assert_eq!(labels(BOOK, after_m), ["age"]);
        // `period.` as if being typed, after a `£` (two bytes).
        let typed = "£5 + period.";
        assert_eq!(labels(typed, typed.len()), ["sales"]);
        // Elsewhere: the local `m`, the parameter and rule, the words.
        let at_end = BOOK.len();
        let all = labels(BOOK, BOOK.find("m.age").expect("m.age"));
        assert_eq!(all[..3], ["m", "fee", "old"]);
        assert!(all.iter().any(|l| l == "half up"));
        assert!(all.iter().any(|l| l == "rulebook"));
        assert!(
            !labels(BOOK, at_end).iter().any(|l| l == "m"),
            "m is local to `old`"
        );
    }
}
