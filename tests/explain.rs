//! `rochdale explain`: derivations a member could follow, in text and JSON,
//! and proof that recording a derivation never changes a value.

use rochdale::explain::explain;
use rochdale::program::Expectation;
use rochdale::{SourceFile, test_source};

fn rulebook(path: &str) -> SourceFile {
    SourceFile::new(path, std::fs::read_to_string(path).expect("readable"))
}

#[test]
fn a_dividend_explained_in_text() {
    let file = rulebook("rulebooks/rochdale-1844.coop");
    let e =
        explain(&file, "a quarter with interest on capital", "dividend(ada)").expect("explains");
    // (£30.00 - £3.00 - £0.75 - £0.18) × 120/200 = £15.642, down to £15.64
    assert_eq!(e.value.display, "£15.64");
    insta::assert_snapshot!(e.to_text());
}

#[test]
fn a_dividend_explained_in_json() {
    let file = rulebook("rulebooks/rochdale-1844.coop");
    let e =
        explain(&file, "a quarter with interest on capital", "dividend(ada)").expect("explains");
    insta::assert_json_snapshot!(e);
}

#[test]
fn a_refusal_explained_names_the_failing_clause_and_numbers() {
    let file = rulebook("rulebooks/rochdale-1844.coop");
    let e = explain(&file, "admission", "eligible(dan)").expect("explains");
    let text = e.to_text();
    assert!(
        text.contains("fails: members must hold the minimum shareholding: £3.00 < £4.00"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn the_exception_that_fired_is_named() {
    let file = rulebook("tests/rulebooks/constructs.coop");
    let e = explain(
        &file,
        "exceptions override the base rule",
        "entry_fee(guild)",
    )
    .expect("explains");
    assert!(e.to_text().contains(
        "exception applies: except when guild.age < 18 and guild.kind = Organisation then £25"
    ));
    let e =
        explain(&file, "exceptions override the base rule", "entry_fee(ada)").expect("explains");
    assert!(e.to_text().contains("no exception applies"));
}

#[test]
fn rounding_is_shown() {
    let file = rulebook("rulebooks/rochdale-1844.coop");
    let e = explain(&file, "provisional prices", "price(£1.15)").expect("explains");
    assert!(
        e.to_text()
            .contains("1.265 rounded half up to a multiple of 0.01")
    );
}

#[test]
fn a_mistyped_example_or_value_is_a_diagnostic() {
    let file = rulebook("rulebooks/rochdale-1844.coop");
    let err = explain(&file, "admision", "eligible(dan)").expect_err("no such example");
    assert_eq!(err.diagnostics[0].code.as_str(), "E0200");
    assert_eq!(
        err.diagnostics[0].help.as_deref(),
        Some("did you mean \"admission\"?")
    );
    let err = explain(&file, "admission", "eligble(dan)").expect_err("no such rule");
    assert_eq!(err.diagnostics[0].code.as_str(), "E0204");
    let err = explain(&file, "admission", "eligible(").expect_err("syntax");
    assert_eq!(err.diagnostics[0].code.as_str(), "E0100");
}

/// Every expectation's left side, explained, gives the value the example
/// run gives: tracing changes nothing.
#[test]
fn explaining_never_changes_a_value() {
    let mut checked = 0;
    for path in [
        "rulebooks/rochdale-1844.coop",
        "tests/rulebooks/constructs.coop",
    ] {
        let file = rulebook(path);
        let program = rochdale::check_source(&file.text).program.expect("checks");
        let report = test_source(&file);
        for (example, outcome) in program.examples.iter().zip(&report.examples) {
            for (expectation, result) in example.expectations.iter().zip(&outcome.expectations) {
                let Expectation::Equal { actual, .. } = expectation else {
                    continue;
                };
                let text = file.slice(actual.span);
                let e = explain(&file, &example.name, text)
                    .unwrap_or_else(|e| panic!("{text}: {:?}", e.diagnostics));
                assert_eq!(Some(&e.value), result.actual.as_ref(), "{path}: {text}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "{checked}");
}

#[test]
fn a_figure_of_a_simulation_explained() {
    use rochdale::explain::{Context, explain_in};
    let file = rulebook("rulebooks/rochdale-1844.coop");
    let program = rochdale::check_source(&file.text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let members = || {
        rochdale::simulate::input::scenario_members(
            &program,
            scenario,
            std::path::Path::new("rulebooks"),
        )
        .expect("members")
    };
    // After the year closes: the figures as its last quarter closed.
    let e = explain_in(
        &file,
        &program,
        Context::Scenario {
            scenario,
            members: members(),
            step: None,
        },
        "dividend(hill)",
    )
    .expect("explains");
    // £7.65 × £5.63 / £184.60 = 23.33p: 23p; the 9 pennies of the
    // remainders (765p less 20 × 23p and 8 × 37p) go to the first nine
    // £5.63 buyers (.33 against .30), and hill is the eighteenth
    assert_eq!(e.value.display, "£0.23");
    assert!(
        e.to_text()
            .contains("hill's share of £7.65: in proportion to £5.63 of £184.60")
    );
    // After step 29, cooper had subscribed his extra £6.00.
    let e = explain_in(
        &file,
        &program,
        Context::Scenario {
            scenario,
            members: members(),
            step: Some(29),
        },
        "cooper.shares",
    )
    .expect("explains");
    assert_eq!(e.value.display, "£10.00");
    let e = explain_in(
        &file,
        &program,
        Context::Scenario {
            scenario,
            members: members(),
            step: Some(28),
        },
        "cooper.shares",
    )
    .expect("explains");
    assert_eq!(e.value.display, "£4.00");
    insta::assert_snapshot!(
        explain_in(
            &file,
            &program,
            Context::Scenario {
                scenario,
                members: members(),
                step: None
            },
            "dividend(hill)"
        )
        .expect("explains")
        .to_text()
    );
}

/// Every line of `text` that, trimmed of the tree's drawing, is `line`.
fn has_step(text: &str, line: &str) -> bool {
    text.lines()
        .any(|l| l.trim_start_matches([' ', '│', '├', '└', '─']) == line)
}

#[test]
fn a_share_withheld_names_the_member_and_the_failing_where() {
    let file = rulebook("rulebooks/rochdale-1844.coop");
    // cy is 15: `where eligible(m)` is false, for the age only (£4.00 of
    // shares meets the £1.00 x 4 minimum).
    let e = explain(&file, "a young shopper earns no dividend", "dividend(cy)").expect("explains");
    assert_eq!(e.value.display, "£0.00");
    let text = e.to_text();
    for line in [
        "allocated \"dividend on purchases\" to cy = £0.00",
        "cy has no share of this tranche: the `where` condition is false for them = £0.00",
        "eligible(cy) = false   [article 3 \"Admission\"]",
        "cy.age >= minimum_age because \"members must be {minimum_age} or over\" = false",
        "· fails: members must be 16 or over: 15 < 16",
        "cy.shares >= minimum_holding because \"members must hold the minimum shareholding\" = true",
    ] {
        assert!(has_step(&text, line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains(" to m "), "{text}");
    assert!(!text.contains("m.age"), "{text}");
}

#[test]
fn a_failed_and_shows_every_failing_clause() {
    let file = rulebook("rulebooks/rochdale-1844.coop");
    // eve: age 14 (< 16) and £1.00 of shares (< £1.00 x 4): both clauses
    // fail, as the example's refusal lists them.
    let e = explain(&file, "a refusal on both counts", "eligible(eve)").expect("explains");
    assert_eq!(e.value.display, "false");
    let text = e.to_text();
    for line in [
        "· fails: members must be 16 or over: 14 < 16",
        "· fails: members must hold the minimum shareholding: £1.00 < £4.00",
        "eve.shares = £1.00   (input)",
    ] {
        assert!(has_step(&text, line), "missing {line:?} in\n{text}");
    }
}

/// `rochdale explain` on the 1844 rulebook's first year.
fn explain_first_year(value: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args([
            "explain",
            "rulebooks/rochdale-1844.coop",
            "--scenario",
            "first year",
            "--value",
            value,
            "--format",
            "json",
        ])
        .output()
        .expect("the binary runs")
}

#[test]
fn a_person_never_admitted_has_no_share_as_no_member() {
    let o = explain_first_year("dividend(young)");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    // young (15) was refused on 1845-01-20: no member when the year closed.
    assert!(
        out.contains("young has no share of this tranche: not a member when it was shared"),
        "{out}"
    );
}

#[test]
fn errors_in_the_value_are_placed_in_it_and_speak_of_members() {
    // `dividend(howarth` is 16 characters: the end is at column 17 of the
    // value's only line, and it is the end of the expression.
    let o = explain_first_year("dividend(howarth");
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a failure in JSON");
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "E0100");
    assert_eq!(d["file"], "expression");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(17))
    );
    let message = d["message"].as_str().expect("a message");
    assert!(
        message.ends_with("found the end of the expression"),
        "{message}"
    );

    // `zzz` shares no letter with any name, so each is at a distance of
    // its length (at least 3): the 4-letter bent, daly and hill, then of
    // the 5-letter maden, smith and young the first two by the alphabet.
    let o = explain_first_year("dividend(zzz)");
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a failure in JSON");
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "E0200");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(10))
    );
    assert_eq!(
        d["help"],
        "`zzz` is not a member (scenario \"first year\", after step 48), nor a parameter or rule of the rulebook; the members nearest in spelling are `bent`, `daly`, `hill`, `maden`, `smith` (of 29)"
    );
}

#[test]
fn a_dated_parameter_is_explained_with_the_value_in_force_and_its_neighbours() {
    // tests/rulebooks/dated-rate.coop: £12.00 from 2023-10-01, £12.60 from
    // 2024-10-01, £13.45 from 2025-10-01.
    let file = rulebook("tests/rulebooks/dated-rate.coop");
    let e = explain(&file, "the day before the 2025 rise", "living_wage").expect("explains");
    assert_eq!(e.value.display, "£12.60 per hour");
    assert_eq!(
        e.steps[0].notes,
        [
            "the value from 2024-10-01, in force on 2025-09-30 (£12.00 per hour before; £13.45 per hour from 2025-10-01)"
        ]
    );
    let e = explain(&file, "the day of the 2025 rise", "living_wage").expect("explains");
    assert_eq!(
        e.steps[0].notes,
        ["the value from 2025-10-01, in force on 2025-10-01 (£12.60 per hour before)"]
    );
    // An example that sets the parameter itself: no schedule to name.
    let e = explain(
        &file,
        "a parameter set by the example holds whatever the date",
        "living_wage",
    )
    .expect("explains");
    assert_eq!(e.value.display, "£15.00 per hour");
    assert!(e.steps[0].notes.is_empty(), "{:?}", e.steps[0].notes);
}

/// A `where` written in the tranche reads as one written in a rule: the
/// member named (`kit.age >= 16`, not `m.age >= 16`) and the failing
/// comparison with its numbers (kit is 12: `fails: 12 < 16`).
#[test]
fn a_where_written_inline_is_explained_as_one_through_a_rule() {
    let text = r#"rulebook "Where" version "1" currency GBP

member {
  age: Integer = 30
  purchases: Money = £0
}

period {
  surplus: Money
}

rule old_enough(m) = m.age >= 16

allocate period.surplus rounding down {
  inline: 50%, to each member m where m.age >= 16 in proportion to m.purchases
  ruled: remainder, to each member m where old_enough(m) in proportion to m.purchases
}

example "two" {
  members {
    ada: age 30, purchases £30.00
    kit: age 12, purchases £10.00
  }
  period { surplus £8.00 }
  -- kit is 12, so ada alone shares both halves of £8.00.
  expect allocated "inline" to ada = £4.00
  expect allocated "ruled" to ada = £4.00
}
"#;
    let file = SourceFile::new("where.coop", text);
    let report = test_source(&file);
    assert_eq!((report.passed(), report.failed()), (1, 0));
    let inline = explain(&file, "two", r#"allocated "inline" to kit"#).expect("explains");
    let ruled = explain(&file, "two", r#"allocated "ruled" to kit"#).expect("explains");
    let (inline, ruled) = (inline.to_text(), ruled.to_text());
    for text in [&inline, &ruled] {
        for line in [
            "kit has no share of this tranche: the `where` condition is false for them = £0.00",
            "kit.age >= 16 = false",
            "· fails: 12 < 16",
            "kit.age = 12   (input)",
        ] {
            assert!(has_step(text, line), "missing {line:?} in\n{text}");
        }
        assert!(!text.contains("m.age"), "{text}");
    }
    insta::assert_snapshot!(format!("{inline}\n{ruled}"));
}
