//! The editors' grammars cannot drift from the language: each is written
//! from, or checked against, the one list of its words
//! (`syntax::keywords::KEYWORDS`) and the table of built-in functions.
//!
//! - editors/vscode/syntaxes/rochdale.tmLanguage.json, VS Code's TextMate
//!   grammar, is generated here: `UPDATE=1 cargo test --test editors`
//!   writes it, and the test fails while the committed file differs.
//! - editors/tree-sitter-rochdale/keywords.js, the words its grammar.js
//!   reads, is written the same way; and the parser generated from it
//!   (src/grammar.json, committed with src/parser.c) must have exactly
//!   these words, so a parser not generated again fails too.

use rochdale::syntax::KEYWORDS;

const TEXTMATE: &str = "editors/vscode/syntaxes/rochdale.tmLanguage.json";
const TREE_SITTER_WORDS: &str = "editors/tree-sitter-rochdale/keywords.js";
const TREE_SITTER_GENERATED: &str = "editors/tree-sitter-rochdale/src/grammar.json";

/// Fails unless the file at `path` is `expected`; `UPDATE=1` writes it.
fn generated(path: &str, expected: &str) {
    if std::env::var_os("UPDATE").is_some() {
        std::fs::write(path, expected).expect("writes a generated file");
    }
    let found = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        found == expected,
        "{path} is out of date: run `UPDATE=1 cargo test --test editors`"
    );
}

/// `\b(?:a|b|c)\b` for whole words.
fn words(list: &[&str]) -> String {
    format!("\\b(?:{})\\b", list.join("|"))
}

/// The TextMate grammar, from the language's words.
fn textmate() -> String {
    let literals = ["true", "false"];
    let reserved: Vec<&str> = KEYWORDS
        .iter()
        .filter(|k| k.reserved && !literals.contains(&k.word))
        .map(|k| k.word)
        .collect();
    let contextual: Vec<&str> = KEYWORDS
        .iter()
        .filter(|k| !k.reserved)
        .map(|k| k.word)
        .collect();
    let builtins = rochdale::semantics::builtins::names();
    let grammar = serde_json::json!({
        "$comment": "Written by `UPDATE=1 cargo test --test editors` from src/syntax/keywords.rs and src/semantics/builtins.rs; do not edit.",
        "name": "Rochdale",
        "scopeName": "source.rochdale",
        "fileTypes": ["coop"],
        "patterns": [
            {"name": "comment.line.double-dash.rochdale", "match": "--.*$"},
            {
                "name": "string.quoted.double.rochdale",
                "begin": "\"",
                "end": "\"",
                "patterns": [{"name": "constant.character.escape.rochdale", "match": "\\\\."}]
            },
            {"name": "constant.numeric.date.rochdale", "match": "\\b\\d{4}-\\d{2}-\\d{2}\\b"},
            {"name": "constant.numeric.rochdale", "match": "[£€$]?\\d+(?:\\.\\d+)?%?"},
            {"name": "constant.language.boolean.rochdale", "match": words(&literals)},
            {"name": "keyword.control.rochdale", "match": words(&reserved)},
            {"name": "keyword.other.rochdale", "match": words(&contextual)},
            {"name": "support.function.builtin.rochdale", "match": words(&builtins)},
            {"name": "entity.name.type.rochdale", "match": "\\b[A-Z][A-Za-z0-9_]*\\b"},
            {"name": "keyword.operator.rochdale", "match": "<=|>=|=|<|>|\\+|-|\\*|/"}
        ]
    });
    serde_json::to_string_pretty(&grammar).expect("json") + "\n"
}

#[test]
fn the_textmate_grammar_is_written_from_the_keywords() {
    generated(TEXTMATE, &textmate());
    let found = std::fs::read_to_string(TEXTMATE).unwrap_or_default();
    // Every word of the language is highlighted as a word.
    let grammar: serde_json::Value = serde_json::from_str(&found).expect("JSON");
    let matched: Vec<&str> = grammar["patterns"]
        .as_array()
        .expect("patterns")
        .iter()
        .filter_map(|p| p["match"].as_str())
        .filter_map(|m| m.strip_prefix("\\b(?:")?.strip_suffix(")\\b"))
        .flat_map(|alternatives| alternatives.split('|'))
        .collect();
    for k in KEYWORDS {
        assert!(matched.contains(&k.word), "`{}` is not highlighted", k.word);
    }
}

/// keywords.js: the language's words as a CommonJS module.
fn tree_sitter_words() -> String {
    let mut out = String::from(
        "// Written by `UPDATE=1 cargo test --test editors` from src/syntax/keywords.rs; do not edit.\n\
         // After a change, run `tree-sitter generate` here (docs/editor.md).\n\
         module.exports = [\n",
    );
    for k in KEYWORDS {
        out.push_str(&format!("  \"{}\",\n", k.word));
    }
    out.push_str("];\n");
    out
}

#[test]
fn the_tree_sitter_grammar_has_the_languages_words() {
    generated(TREE_SITTER_WORDS, &tree_sitter_words());
    let grammar =
        std::fs::read_to_string("editors/tree-sitter-rochdale/grammar.js").expect("grammar.js");
    assert!(grammar.contains("require(\"./keywords.js\")"));
    // The generated parser: its `keyword` rule is a choice of exactly the
    // words of KEYWORDS, in their order.
    let generated: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(TREE_SITTER_GENERATED).expect("src/grammar.json"),
    )
    .expect("JSON");
    let words: Vec<&str> = generated["rules"]["keyword"]["members"]
        .as_array()
        .expect("the keyword rule is a choice")
        .iter()
        .map(|m| m["value"].as_str().expect("a word"))
        .collect();
    let expected: Vec<&str> = KEYWORDS.iter().map(|k| k.word).collect();
    assert_eq!(
        words, expected,
        "{TREE_SITTER_GENERATED} is not generated from keywords.js: run `tree-sitter generate` in editors/tree-sitter-rochdale"
    );
}
