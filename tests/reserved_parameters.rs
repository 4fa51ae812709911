//! `alone amends`: a parameter only a named resolution may amend (the
//! ethical provider framework's wage floor, which only the council's
//! approval changes). Refused at check time for a scenario's motion by
//! another resolution, and in the engine's motion step for a step from any
//! source.

use rochdale::program::StepDefKind;
use rochdale::simulate::StepStatus;

const RULEBOOK: &str = r#"rulebook "Reserved" version "1" currency GBP
member { age: Integer = 30 }
parameter wage_floor: Money = £12.00
resolution forum {
  one member one vote
  passes when for > against
}
resolution council {
  one member one vote
  passes when for > against
  alone amends wage_floor
}
act join(m) {
  admit m
}
scenario "the council amends" {
  members { a: age 30  b: age 30 }
  on 2026-01-01 join(a)
  on 2026-01-01 join(b)
  on 2026-10-01 motion council "raise the floor" {
    for a, b
  } amend wage_floor = £14.00
}
"#;

#[test]
fn the_named_resolution_amends_and_the_engine_refuses_another() {
    let checked = rochdale::check_source(RULEBOOK);
    assert!(
        checked.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        checked.diagnostics
    );
    let program = checked.program.expect("checks");
    let scenario = &program.scenarios[0];
    let members = rochdale::simulate::input::MemberTable::inline(scenario);
    let outcome = rochdale::simulate::simulate(&program, scenario, members.clone());
    assert_eq!(outcome.steps[2].status, StepStatus::Done);
    assert_eq!(outcome.amendments.len(), 1);
    assert_eq!(outcome.amendments[0].new.display, "£14.00");

    // The same step as another source could give it, by `forum` (index 0):
    // the engine refuses it before the vote, and nothing is amended.
    let mut by_forum = scenario.clone();
    match &mut by_forum.steps[2].kind {
        StepDefKind::Motion { resolution, .. } => *resolution = 0,
        _ => panic!("a motion"),
    }
    let outcome = rochdale::simulate::simulate(&program, &by_forum, members);
    assert_eq!(outcome.steps[2].status, StepStatus::Refused);
    assert_eq!(
        outcome.steps[2].reasons,
        ["a motion of `forum` cannot amend `wage_floor`: only `council` may amend it"]
    );
    assert!(outcome.amendments.is_empty());
}

#[test]
fn a_scenarios_motion_by_another_resolution_is_refused_at_check_time() {
    let text = RULEBOOK.replace("motion council", "motion forum");
    let checked = rochdale::check_source(&text);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code.as_str(), "E0320");
    assert!(
        errors[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("by a motion of `council`"))
    );
    // A name that is no parameter is said so.
    let text = RULEBOOK.replace("alone amends wage_floor", "alone amends wage_flor");
    let checked = rochdale::check_source(&text);
    let unknown = checked
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!(unknown.message, "there is no parameter `wage_flor`");
    assert_eq!(unknown.help.as_deref(), Some("did you mean `wage_floor`?"));
}

#[test]
fn it_formats_back_and_only_a_rulebook_using_it_changes_its_hash() {
    let formatted = rochdale::format::format_source(RULEBOOK).expect("formats");
    assert!(
        formatted.contains("\n  alone amends wage_floor\n"),
        "{formatted}"
    );
    let hash = |t: &str| rochdale::provenance::canonical(&rochdale::parse(t).expect("parses"));
    let without = RULEBOOK.replace("  alone amends wage_floor\n", "");
    assert_ne!(hash(RULEBOOK), hash(&without));
    assert!(!hash(&without).contains("alone amends"));
}

/// The ethical provider framework: the council's approval amends the wage
/// floor (£13.45 to £14.00 on 1 October); the same amendment carried by
/// the providers' forum is refused at check time.
#[test]
fn only_the_councils_approval_amends_the_frameworks_wage_floor() {
    let text =
        std::fs::read_to_string("rulebooks/ethical-provider-framework.coop").expect("the rulebook");
    let program = rochdale::check_source(&text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let members = rochdale::simulate::input::MemberTable::inline(scenario);
    let outcome = rochdale::simulate::simulate(&program, scenario, members);
    let amended: Vec<(&str, &str, &str)> = outcome
        .amendments
        .iter()
        .map(|a| {
            (
                a.parameter.as_str(),
                a.new.display.as_str(),
                a.resolution.as_str(),
            )
        })
        .collect();
    assert_eq!(
        amended,
        [("living_wage", "£14.00 per hour", "council_approval")]
    );
    let from = "motion council_approval \"approve a wage floor of £14.00\"";
    assert!(text.contains(from));
    let by_forum = text.replace(from, "motion ordinary \"approve a wage floor of £14.00\"");
    let checked = rochdale::check_source(&by_forum);
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0320"]);
}
