//! Quorums and thresholds as statutes word them (issue 18): `more than
//! half`, `at least`, `the greater of` and `the lesser of`, counted exactly,
//! with the figures worked by hand at each boundary.

use rochdale::SourceFile;

/// A rulebook with one resolution `r` of the given quorum and threshold,
/// and an example per (members, for, against, abstain) with its
/// expectations.
fn rulebook(
    quorum: &str,
    threshold: &str,
    examples: &[(usize, usize, usize, usize, &str)],
) -> String {
    let mut text = format!(
        "rulebook \"Q\" currency GBP\nmember {{ age: Integer = 30 }}\nresolution r {{\n  one member one vote\n  quorum {quorum}\n  passes when for {threshold}\n}}\n"
    );
    for (i, (members, yes, no, abstain, expect)) in examples.iter().enumerate() {
        let names: Vec<String> = (0..*members).map(|k| format!("p{k}")).collect();
        let list = |from: usize, n: usize| names[from..from + n].join(", ");
        let mut votes = String::new();
        if *yes > 0 {
            votes.push_str(&format!(" for {}", list(0, *yes)));
        }
        if *no > 0 {
            votes.push_str(&format!(" against {}", list(*yes, *no)));
        }
        if *abstain > 0 {
            votes.push_str(&format!(" abstain {}", list(yes + no, *abstain)));
        }
        let people: Vec<String> = names.iter().map(|n| format!("{n}: age 30")).collect();
        text.push_str(&format!(
            "example \"e{i}\" {{\n  members {{ {} }}\n  votes r {{{votes} }}\n{}\n}}\n",
            people.join("  "),
            expect
                .split(';')
                .map(|e| format!("  expect {}", e.trim()))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    text
}

/// Runs the examples; each must pass.
fn passes(text: &str) {
    let report = rochdale::test_source(&SourceFile::new("q.coop", text));
    assert!(
        report.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}\n{text}",
        report.diagnostics
    );
    let failed: Vec<String> = report
        .examples
        .iter()
        .filter(|e| !e.passed)
        .map(|e| format!("{e:?}"))
        .collect();
    assert!(failed.is_empty(), "{failed:?}\n{text}");
    assert!(report.passed() > 0);
}

#[test]
fn more_than_half_of_members_is_strictly_more_than_half() {
    passes(&rulebook(
        "more than half of members",
        "> against",
        &[
            // 8 members: 4 present is half, not more; 5 is.
            (8, 3, 1, 0, "not quorate(r)"),
            (8, 3, 1, 1, "quorate(r); passes(r)"),
            // 7 members: 3.5 is half, so 4 is more than half, 3 is not.
            (7, 2, 1, 0, "not quorate(r)"),
            (7, 2, 1, 1, "quorate(r)"),
            // 101 members: 51 is more than half (51% would ask 52).
            (101, 30, 20, 0, "not quorate(r)"),
            (101, 30, 20, 1, "quorate(r); passes(r)"),
            // 1 member: more than half of 1 is 1.
            (1, 1, 0, 0, "quorate(r); passes(r)"),
        ],
    ));
}

#[test]
fn more_than_half_of_cast_and_at_least_half_of_present() {
    passes(&rulebook(
        "1 members",
        "more than half of cast",
        &[
            // 3 for of 6 cast is half: fails; 4 of 7 passes. Abstentions
            // are not cast.
            (8, 3, 3, 2, "not passes(r)"),
            (8, 4, 3, 1, "passes(r)"),
            // nobody cast: nothing is more than half of nothing.
            (2, 0, 0, 2, "quorate(r); not passes(r)"),
        ],
    ));
    passes(&rulebook(
        "1 members",
        "at least half of present",
        &[
            // 2 for of 4 present (1 against, 1 abstaining) is exactly half.
            (4, 2, 1, 1, "passes(r)"),
            // 2 of 5 present is 40%.
            (5, 2, 2, 1, "not passes(r)"),
        ],
    ));
    passes(&rulebook(
        "1 members",
        "at least 2/3 of present",
        &[(3, 2, 1, 0, "passes(r)"), (4, 2, 1, 1, "not passes(r)")],
    ));
}

#[test]
fn the_greater_and_the_lesser_of_two_terms() {
    // The Co-operatives UK worker model: the greater of 2 members or 50%.
    passes(&rulebook(
        "the greater of 2 members or 50% of members",
        "> against",
        &[
            // 3 members: 50% is 2 (1.5 rounded up): 2 needed.
            (3, 1, 0, 0, "not quorate(r)"),
            (3, 2, 0, 0, "quorate(r)"),
            // 10 members: 50% is 5, more than 2: 5 needed.
            (10, 4, 0, 0, "not quorate(r)"),
            (10, 5, 0, 0, "quorate(r)"),
        ],
    ));
    // The lesser of 10 members or 50%: with 40 members, 10 will do.
    passes(&rulebook(
        "the lesser of 10 members or 50% of members",
        "> against",
        &[
            (40, 9, 0, 0, "not quorate(r)"),
            (40, 10, 0, 0, "quorate(r)"),
            // 6 members: 50% is 3, fewer than 10: 3 will do.
            (6, 2, 0, 0, "not quorate(r)"),
            (6, 3, 0, 0, "quorate(r)"),
        ],
    ));
}

#[test]
fn words_and_symbols_are_the_same_rule_and_the_formatter_keeps_the_words() {
    let hash = |quorum: &str, threshold: &str| {
        let text = rulebook(quorum, threshold, &[]);
        let book = rochdale::parse(&text).expect("parses");
        (
            rochdale::provenance::canonical(&book),
            rochdale::format::format_source(&text).expect("formats"),
        )
    };
    let (words, formatted) = hash(
        "the greater of 2 members or 50% of members",
        "more than half of cast",
    );
    let (symbols, _) = hash("2 members and 50% of members", "> 1/2 of cast");
    assert_eq!(words, symbols);
    assert!(
        formatted.contains("  quorum the greater of 2 members or 50% of members\n")
            && formatted.contains("  passes when for more than half of cast\n"),
        "{formatted}"
    );
    // `the lesser of` and `more than half of members` are rules of their
    // own, not those written otherwise.
    let (lesser, formatted) = hash("the lesser of 2 members or 50% of members", "> against");
    let (all, _) = hash("2 members and 50% of members", "> against");
    assert_ne!(lesser, all);
    assert!(formatted.contains("  quorum the lesser of 2 members or 50% of members\n"));
    let (strict, _) = hash("more than half of members", "> against");
    let (at_least, _) = hash("50% of members", "> against");
    assert_ne!(strict, at_least);
    // Formatting is stable.
    let again = rochdale::format::format_source(&formatted).expect("formats");
    assert_eq!(again, formatted);
}

#[test]
fn a_document_words_the_quorum_as_written() {
    let text = rulebook("more than half of members", "more than half of cast", &[]);
    let checked = rochdale::check_source(&text);
    let program = checked.program.expect("checks");
    let html = rochdale::document::rulebook_html(&rochdale::document::build(&program, &text));
    assert!(html.contains("More than half of the members."), "{html}");
    assert!(html.contains("Votes for more than 1/2 of"), "{html}");
}

/// Two workers of 3 votes and four consumers of 1: 10 votes in all.
const WEIGHTED: &str = r#"rulebook "Weighted quorum" currency GBP
member { class: Worker or Consumer = Consumer }
resolution r {
  weighted by class { Worker: 3, Consumer: 1 }
  quorum 50% of votes
  passes when for > against
}
resolution either {
  weighted by class { Worker: 3, Consumer: 1 }
  quorum the lesser of 4 members or 50% of votes
  passes when for > against
}
"#;

const PEOPLE: &str = "members { w1: class Worker  w2: class Worker  c1: class Consumer  c2: class Consumer  c3: class Consumer  c4: class Consumer }";

#[test]
fn a_quorum_of_votes_counts_the_weights_present() {
    let text = format!(
        r#"{WEIGHTED}
example "a worker and a consumer hold 4 of 10 votes" {{
  {PEOPLE}
  votes r {{ for w1  against c1 }}
  -- 3 + 1 = 4 of 10 votes present: 40%, 50% needed
  expect not quorate(r)
}}
example "two workers hold 6 of 10 votes" {{
  {PEOPLE}
  votes r {{ for w1  against w2 }}
  -- 2 of 6 members, but 6 of 10 votes: 60%
  expect quorate(r)
}}
example "a worker and two consumers hold exactly half" {{
  {PEOPLE}
  votes r {{ for w1, c1  abstain c2 }}
  -- 3 + 1 + 1 = 5 of 10 votes, abstentions present: 50%, at least 50%
  expect quorate(r)
  expect passes(r)
}}
example "the lesser of 4 members or half the votes" {{
  {PEOPLE}
  votes either {{ for c1, c2  against c3, c4 }}
  -- 4 members present (3 would not do), though 4 of 10 votes
  expect quorate(either)
}}
example "neither term of the lesser" {{
  {PEOPLE}
  votes either {{ for c1, c2  against c3 }}
  -- 3 members and 3 of 10 votes
  expect not quorate(either)
}}
"#
    );
    passes(&text);
    // The reason says what is short.
    let program = rochdale::check_source(&text).program.expect("checks");
    let scenario = format!(
        "{text}act join(m) {{ admit m }}\nscenario \"s\" {{\n  {PEOPLE}\n  on 2026-01-01 join(w1)\n  on 2026-01-01 join(w2)\n  on 2026-01-01 join(c1)\n  on 2026-01-01 join(c2)\n  on 2026-01-01 join(c3)\n  on 2026-01-01 join(c4)\n  on 2026-02-01 motion r {{ for w1  against c1 }}\n  on 2026-02-01 motion either {{ for c1  against c3 }}\n}}\n"
    );
    drop(program);
    let program = rochdale::check_source(&scenario).program.expect("checks");
    let s = &program.scenarios[0];
    let o = rochdale::simulate::simulate(
        &program,
        s,
        rochdale::simulate::input::MemberTable::inline(s),
    );
    let reasons: Vec<&str> = o
        .resolutions
        .iter()
        .map(|r| r.outcome.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "inquorate: 40% of the votes present, 50% required",
            "inquorate: 2 present, 4 required or 20% of the votes present, 50% required",
        ]
    );
}

#[test]
fn a_quorum_of_votes_is_not_for_class_shares() {
    let text = r#"rulebook "Q" currency GBP
member { class: Worker or Consumer = Consumer }
resolution r {
  weighted by class share { Worker: 50%, Consumer: 50% }
  quorum 50% of votes
  passes when for > against
}
"#;
    let checked = rochdale::check_source(text);
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert_eq!(errors, ["E0306: a quorum of votes under class shares"]);
}
