//! Rename: every place a name is written, in the rulebook and in its
//! examples and scenarios, given the new name, once the new name is one
//! the language accepts there.

use crate::span::Span;
use crate::syntax::keywords;

use super::index::{Index, Kind};

/// Why a rename cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// The edits (place, new text) that rename the name at byte `offset` to
/// `new_name`.
pub fn rename(
    index: &Index,
    offset: usize,
    new_name: &str,
) -> Result<Vec<(Span, String)>, Refused> {
    let at = index
        .at(offset)
        .ok_or_else(|| Refused("there is no name here to rename".into()))?;
    if at.symbol.kind == Kind::Tranche {
        // A tranche's label is text: anything but a quote or a new line.
        if new_name.is_empty() || new_name.contains(['"', '\\', '\n']) {
            return Err(Refused(format!(
                "a tranche's label cannot be \"{new_name}\": it is text without quotes or new lines"
            )));
        }
    } else if !is_name(new_name) {
        return Err(Refused(format!(
            "`{new_name}` is not a name: a name is a letter or `_` followed by letters, digits or `_`"
        )));
    } else if keywords::is_reserved(new_name) {
        return Err(Refused(format!(
            "`{new_name}` is a word of the language and cannot be a name"
        )));
    }
    Ok(index
        .occurrences_of(&at.symbol)
        .map(|o| (o.span, new_name.to_string()))
        .collect())
}

/// Whether `word` is written as a name (the grammar's `ident`: ASCII
/// letters, digits and `_`, not starting with a digit).
fn is_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str =
        "rulebook \"T\" currency GBP\nparameter fee: Money = £5\nrule twice: Money = fee * 2\n";

    #[test]
    fn a_rename_edits_every_place_and_refuses_what_is_not_a_name() {
        let book = crate::syntax::parse(BOOK).expect("parses");
        let index = Index::new(&book, BOOK);
        let at = BOOK.rfind("fee").expect("the use");
        let edits = rename(&index, at, "charge").expect("renames");
        let places: Vec<&str> = edits.iter().map(|(s, _)| &BOOK[s.start..s.end]).collect();
        assert_eq!(places, ["fee", "fee"]);
        assert_eq!(edits[0].0.start, BOOK.find("fee").expect("the definition"));
        assert!(rename(&index, at, "rule").is_err(), "a reserved word");
        assert!(rename(&index, at, "2fee").is_err(), "not a name");
        assert!(rename(&index, 0, "x").is_err(), "no name at `rulebook`");
    }

    #[test]
    fn a_member_renamed_is_renamed_where_they_hold_a_proxy() {
        const VOTES: &str = "rulebook \"T\" currency GBP\nresolution r {\n  passes when for > against\n  proxies at most 1 per member\n}\nexample \"e\" {\n  members { ann: \n  bob: }\n  votes r { for ann, bob by proxy ann }\n}\n";
        let book = crate::syntax::parse(VOTES).expect("parses");
        let index = Index::new(&book, VOTES);
        let at = VOTES.find("ann").expect("the member");
        let edits = rename(&index, at, "anna").expect("renames");
        // Declared, voting, and holding bob's proxy.
        assert_eq!(edits.len(), 3, "{edits:?}");
        let last = VOTES.rfind("ann").expect("the holder");
        assert_eq!(edits[2].0.start, last);
    }
}
