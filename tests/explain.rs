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
    assert_eq!(e.value.display, "£15.30");
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
    assert!(
        e.to_text().contains(
            "exception applies: except when m.age < 18 and m.kind = Organisation then £25"
        )
    );
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
    // After the year closes: the figures as the period closed.
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
    assert_eq!(e.value.display, "£0.73");
    assert!(
        e.to_text()
            .contains("hill's share of £23.95: in proportion to £22.26 of £730.00")
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
