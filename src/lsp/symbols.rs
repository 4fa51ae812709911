//! Document symbols: the rulebook's outline, articles with what they
//! declare inside, then the examples and scenarios.

use lsp_types::{DocumentSymbol, SymbolKind};

use crate::span::Span;
use crate::syntax::ast::{self, Item};

use super::position;

/// The outline of a parsed rulebook.
pub fn outline(book: &ast::Rulebook, text: &str) -> Vec<DocumentSymbol> {
    let sym = |name: String, kind: SymbolKind, span: Span, at: Span| {
        symbol(text, name, kind, span, at, Vec::new())
    };
    let mut out = Vec::new();
    for item in &book.items {
        match item {
            Item::Article(a) => {
                let mut children = Vec::new();
                for p in &a.parameters {
                    children.push(sym(
                        p.name.name.clone(),
                        SymbolKind::CONSTANT,
                        p.span,
                        p.name.span,
                    ));
                }
                for r in &a.rules {
                    children.push(sym(
                        r.name.name.clone(),
                        SymbolKind::FUNCTION,
                        r.span,
                        r.name.span,
                    ));
                }
                for l in &a.limits {
                    children.push(sym(
                        l.name.name.clone(),
                        SymbolKind::PROPERTY,
                        l.span,
                        l.name.span,
                    ));
                }
                for x in &a.allocations {
                    children.push(sym("allocate".into(), SymbolKind::OPERATOR, x.span, x.span));
                }
                for r in &a.resolutions {
                    children.push(sym(
                        r.name.name.clone(),
                        SymbolKind::EVENT,
                        r.span,
                        r.name.span,
                    ));
                }
                for x in &a.acts {
                    children.push(sym(
                        x.name.name.clone(),
                        SymbolKind::METHOD,
                        x.span,
                        x.name.span,
                    ));
                }
                children.sort_by_key(|c| (c.range.start.line, c.range.start.character));
                let name = format!("Article {} \"{}\"", a.number.name, a.title.value);
                out.push(symbol(
                    text,
                    name,
                    SymbolKind::NAMESPACE,
                    a.span,
                    a.number.span,
                    children,
                ));
            }
            Item::Parameter(p) => out.push(sym(
                p.name.name.clone(),
                SymbolKind::CONSTANT,
                p.span,
                p.name.span,
            )),
            Item::Rule(r) => out.push(sym(
                r.name.name.clone(),
                SymbolKind::FUNCTION,
                r.span,
                r.name.span,
            )),
            Item::Limit(l) => out.push(sym(
                l.name.name.clone(),
                SymbolKind::PROPERTY,
                l.span,
                l.name.span,
            )),
            Item::Resolution(r) => out.push(sym(
                r.name.name.clone(),
                SymbolKind::EVENT,
                r.span,
                r.name.span,
            )),
            Item::Election(x) => out.push(sym(
                x.name.name.clone(),
                SymbolKind::EVENT,
                x.span,
                x.name.span,
            )),
            Item::Act(a) => out.push(sym(
                a.name.name.clone(),
                SymbolKind::METHOD,
                a.span,
                a.name.span,
            )),
            Item::Example(e) => out.push(sym(
                format!("example \"{}\"", e.name.value),
                SymbolKind::MODULE,
                e.span,
                e.name.span,
            )),
            Item::Scenario(s) => out.push(sym(
                format!("scenario \"{}\"", s.name.value),
                SymbolKind::MODULE,
                s.span,
                s.name.span,
            )),
            Item::MemberSchema(s) => {
                out.push(sym("member".into(), SymbolKind::STRUCT, s.span, s.span))
            }
            Item::PeriodSchema(s) => {
                out.push(sym("period".into(), SymbolKind::STRUCT, s.span, s.span))
            }
            Item::Members(f) => out.push(sym(
                format!("members {}", f.name.name),
                SymbolKind::ARRAY,
                f.span,
                f.name.span,
            )),
            Item::Unit(u) => out.push(sym(
                u.name.name.clone(),
                SymbolKind::CONSTANT,
                u.name.span,
                u.name.span,
            )),
            Item::Allocation(a) => {
                out.push(sym("allocate".into(), SymbolKind::OPERATOR, a.span, a.span))
            }
        }
    }
    out
}

// `deprecated` is a field of the protocol's type that must still be given.
#[allow(deprecated)]
fn symbol(
    text: &str,
    name: String,
    kind: SymbolKind,
    span: Span,
    at: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range: position::range(text, span),
        selection_range: position::range(text, at),
        children: (!children.is_empty()).then_some(children),
    }
}
