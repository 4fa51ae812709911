//! `except when` inside a condition (issue 22, item 14a): `C except when E`
//! holds when `E` holds and is otherwise `C`, with `C`'s reasons. The
//! rulebook tests/rulebooks/waived-conditions.coop works the figures.

use rochdale::simulate::StepStatus;
use rochdale::{SourceFile, test_source};

fn program(text: &str) -> rochdale::Program {
    rochdale::check_source(text)
        .program
        .expect("the rulebook checks")
}

#[test]
fn an_acts_requirement_is_waived_by_its_exception() {
    let text = std::fs::read_to_string("tests/rulebooks/waived-conditions.coop").expect("readable");
    let program = program(&text);
    let scenario = &program.scenarios[0];
    let members = rochdale::simulate::input::MemberTable::inline(scenario);
    let outcome = rochdale::simulate::simulate(&program, scenario, members);
    let statuses: Vec<StepStatus> = outcome.steps.iter().map(|s| s.status).collect();
    // ada is 30; kit is 15 but an apprentice; tom is 15 and not one; the
    // period closes.
    assert_eq!(
        statuses,
        [
            StepStatus::Done,
            StepStatus::Done,
            StepStatus::Refused,
            StepStatus::Done
        ]
    );
    // The refusal gives the waived clause's own reason and numbers.
    assert_eq!(
        outcome.steps[2].reasons,
        ["members must be 16 or over: 15 < 16"]
    );
}

/// Whether each expectation of the one example in `text` held.
fn held(text: &str) -> Vec<bool> {
    let report = test_source(&SourceFile::new("t.coop", text.to_string()));
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    report.examples[0]
        .expectations
        .iter()
        .map(|e| e.diagnostic.is_none())
        .collect()
}

#[test]
fn a_waiver_binds_to_its_clause_and_a_rules_exceptions_still_read_as_before() {
    let text = r#"rulebook "W" currency GBP
member { age: Integer = 30  apprentice: Bool = false  shares: Money = £0 }
-- `and` binds looser than `except when`: (age >= 16 except when apprentice) and shares >= £1
rule may_join(m) = m.age >= 16 except when m.apprentice and m.shares >= £1
-- a rule's own exception after a body that ends in `if ... else`
rule fee(m): Money = if m.apprentice then £5 else £10 except when m.age < 18 then £0
example "e" {
  members {
    kit: age 15, apprentice true, shares £1
    bo: age 15, apprentice true, shares £0
    tom: age 15, shares £1
    ann: age 40, apprentice true
    old: age 40
  }
  expect may_join(kit)
  expect not may_join(bo)
  expect not may_join(tom)
  expect fee(kit) = £0
  expect fee(ann) = £5
  expect fee(old) = £10
}
"#;
    // kit: waived, £1 >= £1; bo: waived, but £0 < £1; tom: 15 < 16.
    // fee: kit is under 18 (£0); ann is an apprentice of 40 (£5); old £10.
    assert_eq!(held(text), [true; 6]);
}

#[test]
fn a_waiver_formats_back_to_the_same_rules() {
    let text = r#"rulebook "W" currency GBP
member { age: Integer = 30  apprentice: Bool = false }
rule r(m) = (m.age >= 16 except when m.apprentice) because "adults only"
rule s(m): Integer = if m.apprentice then 1 else (2 except when m.age > 3 and m.age < 5) except when (m.age < 2 except when m.apprentice) then 0
"#;
    let once = rochdale::format::format_source(text).expect("formats");
    let again = rochdale::format::format_source(&once).expect("reparses");
    assert_eq!(once, again);
    // The same rules: the canonical encodings (spans left out) agree.
    let canonical = |t: &str| rochdale::provenance::canonical(&rochdale::parse(t).expect("parses"));
    assert_eq!(canonical(text), canonical(&once));
    // The reason stays on the whole waiver, and the waiver in an exception's
    // condition keeps its brackets.
    assert!(
        once.contains(r#"(m.age >= 16 except when m.apprentice) because "adults only""#),
        "{once}"
    );
    assert!(
        once.contains("except when (m.age < 2 except when m.apprentice) then 0"),
        "{once}"
    );
}

/// `explain` words a waiver that does not apply as a waiver ("not waived"),
/// not as a rule's exceptions ("no exception applies: the base rule"),
/// which still read as before.
#[test]
fn explain_words_a_waiver_that_does_not_apply_as_a_waiver() {
    let text = r#"rulebook "W" currency GBP
member { age: Integer = 30  apprentice: Bool = false }
rule may_join(m) = m.age >= 16 except when m.apprentice
rule fee(m): Money = £10 except when m.age < 18 then £0
example "e" {
  members { tom: age 15  ada: age 30 }
  -- tom is 15 and no apprentice: the waiver does not apply, 15 < 16
  expect not may_join(tom)
  -- ada is 30: the fee's exception does not apply
  expect fee(ada) = £10
}
"#;
    let file = SourceFile::new("w.coop", text);
    let waiver = rochdale::explain::explain(&file, "e", "may_join(tom)").expect("explains");
    let waiver = waiver.to_text();
    assert!(
        waiver.contains("· not waived: the condition itself decides"),
        "{waiver}"
    );
    assert!(!waiver.contains("no exception applies"), "{waiver}");
    // kit, an apprentice of 15: the waiver applies, and says so.
    let text = text.replace(
        "members { tom: age 15",
        "members { kit: age 15, apprentice true  tom: age 15",
    );
    let file = SourceFile::new("w.coop", text);
    let waived = rochdale::explain::explain(&file, "e", "may_join(kit)").expect("explains");
    let waived = waived.to_text();
    assert!(
        waived.contains("· waived, since kit.apprentice"),
        "{waived}"
    );
    let rule = rochdale::explain::explain(&file, "e", "fee(ada)").expect("explains");
    let rule = rule.to_text();
    assert!(
        rule.contains("· no exception applies: the base rule"),
        "{rule}"
    );
}
