//! Wording that takes its figures from the rules (issue 19): change a
//! parameter and every text and reason that embeds it follows.

use rochdale::explain::explain;
use rochdale::semantics::wording::fill_declared;
use rochdale::{Code, SourceFile, check_source, test_source};

const RULES_1844: &str = "rulebooks/rochdale-1844.coop";

/// The 1844 rules with the minimum age changed from 16 to 14, as a
/// user would edit them, and a child of thirteen to refuse.
fn rules_1844_at_fourteen() -> SourceFile {
    let text = std::fs::read_to_string(RULES_1844).expect("readable");
    let changed = text.replace(
        "parameter minimum_age: Integer = 16",
        "parameter minimum_age: Integer = 14",
    );
    assert_ne!(
        changed, text,
        "the parameter is declared as the test expects"
    );
    let changed = format!(
        "{changed}\nexample \"a child of thirteen\" {{\n  members {{\n    kid: age 13, shares £4.00\n  }}\n  expect not eligible(kid) because \"members must be 14 or over\"\n}}\n"
    );
    SourceFile::new("rochdale-1844-at-14.coop", changed)
}

fn article_text(file: &SourceFile, number: &str) -> String {
    let checked = check_source(&file.text);
    let program = checked.program.expect("the rules check");
    let article = program
        .articles
        .iter()
        .find(|a| a.number == number)
        .expect("the article exists");
    fill_declared(&article.legal_text[0], &program)
}

#[test]
fn the_admission_text_says_the_age_in_words() {
    let original = SourceFile::new(RULES_1844, std::fs::read_to_string(RULES_1844).unwrap());
    assert_eq!(
        article_text(&original, "3"),
        "Any person of the age of sixteen or over who holds the minimum number of shares may be admitted a member."
    );
    assert_eq!(
        article_text(&rules_1844_at_fourteen(), "3"),
        "Any person of the age of fourteen or over who holds the minimum number of shares may be admitted a member."
    );
}

#[test]
fn the_division_text_writes_each_share_from_its_parameter() {
    let original = SourceFile::new(RULES_1844, std::fs::read_to_string(RULES_1844).unwrap());
    // reserve 10%, education 2.5%, interest 5% per year: as the 1844 rules
    // declare them; a rate per a unit of time reads "a year".
    assert!(article_text(&original, "9").starts_with(
        "When the accounts of the period are made up, ten per cent of the surplus shall be set aside as a reserve and two and a half per cent for education; interest shall be paid on capital at five per cent a year;"
    ));
    assert_eq!(
        article_text(&original, "1"),
        "The capital of the society shall be raised in shares of one pound each."
    );
}

#[test]
fn a_refusal_at_fourteen_says_fourteen() {
    let file = rules_1844_at_fourteen();
    let report = test_source(&file);
    // The expectation is written with the figure by hand: it passes only
    // if the rule's reason, filled, reads exactly so.
    let example = report
        .examples
        .iter()
        .find(|e| e.name == "a child of thirteen")
        .expect("the example ran");
    assert!(example.passed, "{example:?}");
    let e = explain(&file, "a child of thirteen", "eligible(kid)").expect("explains");
    let text = e.to_text();
    assert!(
        text.contains("fails: members must be 14 or over: 13 < 14"),
        "{text}"
    );
    assert!(!text.contains("16"), "{text}");
}

#[test]
fn the_bundled_rulebooks_write_no_figure_by_hand() {
    for entry in std::fs::read_dir("rulebooks").expect("the rulebooks") {
        let path = entry.expect("an entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("coop") {
            continue;
        }
        let checked = check_source(&std::fs::read_to_string(&path).expect("readable"));
        let by_hand: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::HandWrittenFigure)
            .map(|d| d.message.clone())
            .collect();
        assert!(by_hand.is_empty(), "{}: {by_hand:?}", path.display());
        assert!(checked.program.is_some(), "{} checks", path.display());
    }
}

#[test]
fn words_that_open_a_sentence_take_its_capital() {
    let source = "rulebook \"R\" currency GBP\narticle 1 \"A\" {\n  text \"{reserve_share as words} is kept. {reserve_share as words} again; and {reserve_share} in figures.\"\n  parameter reserve_share: Percent = 20%\n}\n";
    let file = SourceFile::new("r.coop", source);
    assert_eq!(
        article_text(&file, "1"),
        "Twenty per cent is kept. Twenty per cent again; and 20% in figures."
    );
}

#[test]
fn diff_shows_the_wording_word_by_word_in_text_and_json() {
    use rochdale::diff::{DiffOptions, Version, WordOp, diff};
    let old = SourceFile::new(RULES_1844, std::fs::read_to_string(RULES_1844).unwrap());
    let new = rules_1844_at_fourteen();
    let dir = std::path::Path::new("rulebooks");
    let d = diff(
        Version::in_dir(&old, dir),
        Version::in_dir(&new, dir),
        &DiffOptions::default(),
    )
    .expect("diffs");
    // Only article 3 embeds the age: its text is unchanged, its reading is not.
    let articles: Vec<&str> = d.wording.iter().map(|w| w.article.as_str()).collect();
    assert_eq!(articles, ["3"]);
    let w = &d.wording[0];
    let runs: Vec<(WordOp, &str)> = w.words.iter().map(|r| (r.op, r.text.as_str())).collect();
    assert_eq!(
        runs,
        [
            (WordOp::Same, "Any person of the age of "),
            (WordOp::Removed, "sixteen"),
            (WordOp::Added, "fourteen"),
            (
                WordOp::Same,
                " or over who holds the minimum number of shares may be admitted a member."
            ),
        ]
    );
    let text = d.to_text();
    assert!(
        text.contains("  article 3 \"Admission\"\n      Any person of the age of [-sixteen-]{+fourteen+} or over"),
        "{text}"
    );
    let json = serde_json::to_value(&d).expect("serialises");
    assert_eq!(json["wording"][0]["words"][1]["op"], "removed");
    assert_eq!(json["wording"][0]["words"][1]["text"], "sixteen");
    assert_eq!(json["wording"][0]["words"][2]["op"], "added");
    assert_eq!(json["wording"][0]["words"][2]["text"], "fourteen");
    assert!(
        json["wording"][0]["old"]
            .as_str()
            .unwrap()
            .contains("sixteen")
    );
}
