//! Go to definition and find references, from the index of names.

use crate::span::Span;

use super::index::Index;

/// Where the name at byte `offset` is defined.
pub fn definition(index: &Index, offset: usize) -> Vec<Span> {
    let Some(at) = index.at(offset) else {
        return Vec::new();
    };
    index.definitions(&at.symbol).map(|o| o.span).collect()
}

/// Every place the name at byte `offset` is written, in the order of the
/// text; its definition only if `include_declaration`.
pub fn references(index: &Index, offset: usize, include_declaration: bool) -> Vec<Span> {
    let Some(at) = index.at(offset) else {
        return Vec::new();
    };
    index
        .occurrences_of(&at.symbol)
        .filter(|o| include_declaration || !o.definition)
        .map(|o| o.span)
        .collect()
}
