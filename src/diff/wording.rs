//! The wording as a member reads it, old against new, word by word: each
//! article's legal text with its figures filled in
//! ([`crate::semantics::wording::fill_declared`]), so that a parameter
//! changed under an unchanged text (`minimum_age` 16 to 14 under "the age
//! of {minimum_age as words}") shows as the words it changes ("sixteen" to
//! "fourteen").

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::program::{ArticleDef, Program};
use crate::semantics::wording::fill_declared;

/// What a run of words is in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    /// In both versions.
    Same,
    /// Only in the old version.
    Removed,
    /// Only in the new version.
    Added,
}

/// A run of words (with the spaces between them) that is the same, removed
/// or added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct WordRun {
    /// Same, removed or added.
    pub op: WordOp,
    /// The words.
    pub text: String,
}

/// One article whose wording reads differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct WordingChange {
    /// The article's number.
    pub article: String,
    /// Its title (the new one, or the old if the article is removed).
    pub title: String,
    /// The old wording, figures filled in, paragraphs on lines of their own;
    /// empty for an article added.
    pub old: String,
    /// The new wording.
    pub new: String,
    /// The two compared word by word, in reading order.
    pub words: Vec<WordRun>,
}

/// An article's paragraphs, filled, one a line.
fn wording(article: &ArticleDef, program: &Program) -> String {
    article
        .legal_text
        .iter()
        .map(|t| fill_declared(t, program))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every article whose wording differs, in the new version's order, then
/// articles removed; articles are matched by number.
pub fn wording_changes(old: &Program, new: &Program) -> Vec<WordingChange> {
    let mut out = Vec::new();
    let change = |number: &str, title: &str, o: String, n: String| WordingChange {
        article: number.to_string(),
        title: title.to_string(),
        words: words(&o, &n),
        old: o,
        new: n,
    };
    for a in &new.articles {
        let after = wording(a, new);
        let before = old
            .articles
            .iter()
            .find(|o| o.number == a.number)
            .map(|o| wording(o, old))
            .unwrap_or_default();
        if before != after {
            out.push(change(&a.number, &a.title, before, after));
        }
    }
    for o in &old.articles {
        if !new.articles.iter().any(|a| a.number == o.number) {
            let before = wording(o, old);
            if !before.is_empty() {
                out.push(change(&o.number, &o.title, before, String::new()));
            }
        }
    }
    out
}

/// `old` against `new`, word by word: runs of words the same, removed or
/// added, with the spaces between words kept in the runs.
pub fn words(old: &str, new: &str) -> Vec<WordRun> {
    let diff = TextDiff::from_words(old, new);
    let mut runs: Vec<WordRun> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => WordOp::Same,
            ChangeTag::Delete => WordOp::Removed,
            ChangeTag::Insert => WordOp::Added,
        };
        let text = change.value();
        match runs.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => runs.push(WordRun {
                op,
                text: text.to_string(),
            }),
        }
    }
    runs
}

/// The runs written as one text, as `git diff --word-diff` writes them:
/// `[-removed-]{+added+}`.
pub fn marked(runs: &[WordRun]) -> String {
    let mut out = String::new();
    for run in runs {
        match run.op {
            WordOp::Same => out.push_str(&run.text),
            WordOp::Removed => {
                out.push_str("[-");
                out.push_str(&run.text);
                out.push_str("-]");
            }
            WordOp::Added => {
                out.push_str("{+");
                out.push_str(&run.text);
                out.push_str("+}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_changed_is_one_removal_and_one_addition() {
        let runs = words(
            "Any person of the age of sixteen or over",
            "Any person of the age of fourteen or over",
        );
        assert_eq!(
            marked(&runs),
            "Any person of the age of [-sixteen-]{+fourteen+} or over"
        );
        assert_eq!(runs.len(), 4);
        assert_eq!(runs[0].op, WordOp::Same);
        assert_eq!(runs[1].text, "sixteen");
        assert_eq!(runs[2].text, "fourteen");
    }

    #[test]
    fn words_added_at_the_end_and_the_same_text_unmarked() {
        assert_eq!(
            marked(&words("one vote", "one vote and no more")),
            "one vote{+ and no more+}"
        );
        assert_eq!(marked(&words("same", "same")), "same");
    }
}
