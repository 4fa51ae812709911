//! The words of the language, listed once.
//!
//! The grammar (grammar/rochdale.pest) spells each word where it is used;
//! this list is what everything else reads: the parser's help for a
//! reserved word used as a name, and the playground editor's highlighting
//! (playground/src/keywords.json, written from this list by tests/docs.rs).
//! A test reads the grammar as text and fails unless its words are exactly
//! these, so the two cannot drift. The names of built-in functions (`sum`,
//! `round`, ...) are not keywords: they are the table in
//! `semantics::builtins`.

/// A word of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    /// The word.
    pub word: &'static str,
    /// Whether it can never be a name (the grammar's `keyword` rule). The
    /// others mean something only in their place (`to`, `half`,
    /// `weighted`) and may be names elsewhere.
    pub reserved: bool,
}

const fn reserved(word: &'static str) -> Keyword {
    Keyword {
        word,
        reserved: true,
    }
}

const fn contextual(word: &'static str) -> Keyword {
    Keyword {
        word,
        reserved: false,
    }
}

/// Every word the grammar spells, reserved words first, in the grammar's
/// order.
pub const KEYWORDS: &[Keyword] = &[
    reserved("rulebook"),
    reserved("version"),
    reserved("currency"),
    reserved("in"),
    reserved("force"),
    reserved("members"),
    reserved("member"),
    reserved("period"),
    reserved("parameter"),
    reserved("article"),
    reserved("rule"),
    reserved("example"),
    reserved("expect"),
    reserved("and"),
    reserved("or"),
    reserved("not"),
    reserved("if"),
    reserved("then"),
    reserved("else"),
    reserved("for"),
    reserved("each"),
    reserved("where"),
    reserved("true"),
    reserved("false"),
    reserved("text"),
    reserved("source"),
    reserved("because"),
    reserved("except"),
    reserved("when"),
    reserved("limit"),
    reserved("allocate"),
    reserved("allocated"),
    reserved("remainder"),
    reserved("resolution"),
    reserved("votes"),
    reserved("breach"),
    reserved("act"),
    reserved("requires"),
    reserved("scenario"),
    reserved("unit"),
    reserved("per"),
    reserved("none"),
    // Rules, limits and allocations.
    contextual("to"),
    contextual("prevailing"),
    contextual("rounding"),
    contextual("pooled"),
    contextual("at"),
    contextual("most"),
    contextual("least"),
    contextual("proportion"),
    contextual("record"),
    contextual("date"),
    // Rounding modes.
    contextual("half"),
    contextual("up"),
    contextual("down"),
    contextual("even"),
    contextual("floor"),
    contextual("ceiling"),
    // Resolutions and votes.
    contextual("one"),
    contextual("vote"),
    contextual("weighted"),
    contextual("by"),
    contextual("quorum"),
    contextual("greater"),
    contextual("lesser"),
    contextual("more"),
    contextual("than"),
    contextual("alone"),
    contextual("amends"),
    contextual("of"),
    contextual("passes"),
    contextual("against"),
    contextual("abstain"),
    contextual("cast"),
    contextual("present"),
    contextual("abstentions"),
    contextual("count"),
    contextual("counted"),
    contextual("ties"),
    contextual("pass"),
    contextual("fail"),
    // Acts and scenarios.
    contextual("admit"),
    contextual("remove"),
    contextual("post"),
    contextual("debit"),
    contextual("credit"),
    contextual("add"),
    contextual("subtract"),
    contextual("set"),
    contextual("from"),
    contextual("credits"),
    contextual("debits"),
    contextual("on"),
    contextual("motion"),
    contextual("amend"),
    contextual("close"),
    contextual("every"),
    contextual("the"),
    contextual("last"),
    contextual("day"),
    // Amendments with an effective date.
    contextual("effective"),
    contextual("adoption"),
    contextual("days"),
    contextual("after"),
    contextual("next"),
    contextual("amendments"),
    // Losses (`else to reserve`, `if a loss { from reserve ... carried forward }`).
    contextual("reserve"),
    contextual("a"),
    contextual("loss"),
    contextual("carried"),
    contextual("forward"),
    // A tranche credited as shares (`credited to m.shares up to £5.00,
    // booked to "capital"`; `up` is a rounding word already).
    contextual("credited"),
    contextual("booked"),
    // Whom `each` goes over (`each applicant a`, `each former member f`,
    // `each person p`).
    contextual("applicant"),
    contextual("former"),
    contextual("person"),
    // Opening balances (`opening balances { debit "cash" £10.00 }`).
    contextual("opening"),
    contextual("balances"),
    // What a loss charged (`loss borne by reserve "X"`, `loss borne by m`).
    contextual("borne"),
    // Class shares (`weighted by class share { ... } unvoted share lapses`,
    // `unvoted share goes to the other classes`). Not `shares`: members'
    // attributes are often called so, and an editor would mark them.
    contextual("share"),
    contextual("unvoted"),
    contextual("lapses"),
    contextual("goes"),
    contextual("other"),
    contextual("classes"),
    // Class consent (`consent by class { Worker, Consumer } when for ...`).
    contextual("consent"),
    // Optional values.
    contextual("is"),
    // Financial years (the month names are `syntax::MONTHS`).
    contextual("financial"),
    contextual("year"),
    contextual("months"),
    contextual("quarters"),
    contextual("halves"),
    // Elections (`election committee { seats 3  counted by single
    // transferable vote  candidate m requires ...  voter m requires ...
    // ties broken by lot }`,
    // and at a step `election committee { candidates ann, bob ... } seed
    // 7`). Not `name` for the tie rule (`alphabetically`), a common name.
    contextual("election"),
    contextual("seats"),
    contextual("plurality"),
    contextual("single"),
    contextual("transferable"),
    contextual("candidate"),
    contextual("voter"),
    contextual("seat"),
    contextual("broken"),
    contextual("alphabetically"),
    contextual("lot"),
    contextual("candidates"),
    contextual("seed"),
    // Meetings (`notice at least 14 clear days and at most 2 months`,
    // `second call quorum ...`, `proxies at most 2 per member`, `postal
    // votes allowed`, `confirmed at a later meeting not less than 14 days
    // nor more than 1 month after, when ...`; at a step `motion special
    // "X" confirming notice given 2026-05-01 { for d by proxy b, f by post }`).
    // `month` and `proxy` are words a rulebook may well use as names: they
    // mean something only in their place.
    contextual("notice"),
    contextual("clear"),
    contextual("month"),
    contextual("given"),
    contextual("second"),
    contextual("call"),
    contextual("proxies"),
    contextual("proxy"),
    contextual("postal"),
    contextual("allowed"),
    contextual("confirmed"),
    contextual("confirming"),
    contextual("later"),
    contextual("meeting"),
    contextual("less"),
    contextual("nor"),
    contextual("represented"),
];

/// Whether `word` can never be a name.
pub fn is_reserved(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.reserved && k.word == word)
}

/// The words of the grammar's string literals, rule by rule, outside
/// comments: `(rule, word)` for every literal that is a lower-case word.
#[cfg(test)]
pub(crate) fn grammar_words() -> Vec<(&'static str, &'static str)> {
    let grammar = include_str!("../../grammar/rochdale.pest");
    let mut out = Vec::new();
    let mut rule = "";
    for line in grammar.lines() {
        // A rule starts at the left margin: `name = ...`.
        if let Some((name, _)) = line.split_once('=') {
            if !line.starts_with([' ', '\t', '/', '|']) && !name.trim().is_empty() {
                rule = name.trim();
            }
        }
        let mut rest = line;
        while let Some(at) = rest.find(['"', '/']) {
            let tail = &rest[at..];
            if tail.starts_with("//") {
                break;
            }
            if let Some(after) = tail.strip_prefix('/') {
                rest = after;
                continue;
            }
            // A literal: up to the next unescaped quote.
            let body = &tail[1..];
            let end = body
                .char_indices()
                .scan(false, |escaped, (i, c)| {
                    let close = c == '"' && !*escaped;
                    *escaped = c == '\\' && !*escaped;
                    Some((i, close))
                })
                .find(|(_, close)| *close)
                .map_or(body.len(), |(i, _)| i);
            let literal = &body[..end];
            let word = literal.starts_with(|c: char| c.is_ascii_lowercase())
                && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if word {
                out.push((rule, literal));
            }
            rest = body.get(end + 1..).unwrap_or("");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Words of the grammar's aggregates: built-in names, not keywords
    /// (`semantics::builtins` checks them against its table).
    const AGGREGATE_RULE: &str = "aggregate_fn";

    #[test]
    fn every_word_once() {
        let words: BTreeSet<&str> = KEYWORDS.iter().map(|k| k.word).collect();
        assert_eq!(words.len(), KEYWORDS.len(), "a word is listed twice");
    }

    /// The grammar's `keyword` rule (the words no name may be) is exactly
    /// the reserved words.
    #[test]
    fn the_reserved_words_are_the_grammars_keyword_rule() {
        let in_grammar: Vec<&str> = grammar_words()
            .into_iter()
            .filter(|(rule, _)| *rule == "keyword")
            .map(|(_, w)| w)
            .collect();
        let listed: Vec<&str> = KEYWORDS
            .iter()
            .filter(|k| k.reserved)
            .map(|k| k.word)
            .collect();
        assert_eq!(in_grammar, listed);
    }

    /// Every word the grammar spells (outside its aggregates) is listed,
    /// and every word listed is spelt by the grammar.
    #[test]
    fn the_keywords_are_the_grammars_words() {
        let in_grammar: BTreeSet<&str> = grammar_words()
            .into_iter()
            .filter(|(rule, _)| *rule != AGGREGATE_RULE)
            .map(|(_, w)| w)
            .collect();
        let listed: BTreeSet<&str> = KEYWORDS.iter().map(|k| k.word).collect();
        let missing: Vec<_> = in_grammar.difference(&listed).collect();
        let unused: Vec<_> = listed.difference(&in_grammar).collect();
        assert!(
            missing.is_empty() && unused.is_empty(),
            "in the grammar but not in KEYWORDS: {missing:?}; in KEYWORDS but not in the grammar: {unused:?}"
        );
    }

    /// `kw_X` spells `X`, so the parser may take every `kw_` rule for a
    /// keyword (it drops them from the tree by that prefix).
    #[test]
    fn each_keyword_rule_spells_its_own_name() {
        let mut seen = 0;
        for (rule, word) in grammar_words() {
            if let Some(name) = rule.strip_prefix("kw_") {
                assert_eq!(name, word, "{rule}");
                assert!(KEYWORDS.iter().any(|k| k.word == word), "{word}");
                seen += 1;
            }
        }
        assert!(seen > 60, "only {seen} keyword rules read");
    }

    #[test]
    fn reserved_or_not() {
        assert!(is_reserved("rule") && is_reserved("allocate") && is_reserved("per"));
        assert!(!is_reserved("to") && !is_reserved("half") && !is_reserved("total"));
    }
}
