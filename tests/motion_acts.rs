//! Motions that do more than amend (issue 18, item 6): `then ACT(args)`
//! decides an act, done by the one definition of acts when the motion
//! passes (or, under a resolution that needs confirming, when it is
//! confirmed), from a rulebook's scenario, JSON and an act log.

use rochdale::simulate::{SimulationOutcome, StepStatus, input, simulate};

/// An expulsion on the rulebook's grounds: warned at least 14 days before.
const RULEBOOK: &str = r#"rulebook "Expulsions" version "1" currency GBP
member { age: Integer = 30  warned: Date? }
act join(m) { admit m }
act warn(m) { set m.warned to today }
act expel(m) {
  requires m.warned is not none and today - m.warned >= 14 because "a member is warned at least 14 days before expulsion"
  remove m
}
resolution ordinary { quorum 2 members  passes when for > against }
resolution transfer {
  quorum 2 members
  passes when for >= 2/3 of cast
  confirmed at a later meeting not less than 14 days nor more than 1 month after, when for more than half of cast
}
"#;

/// The timeline of the tests: four members join on 1 January, d is warned
/// on 1 February.
const STEPS: &str = r#"
  members { a: age 40  b: age 40  c: age 40  d: age 40 }
  on 2026-01-01 join(a)
  on 2026-01-01 join(b)
  on 2026-01-01 join(c)
  on 2026-01-01 join(d)
  on 2026-02-01 warn(d)
"#;

fn run(scenario: &str) -> SimulationOutcome {
    let text = format!("{RULEBOOK}scenario \"s\" {{{STEPS}{scenario}}}\n");
    let checked = rochdale::check_source(&text);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let program = checked.program.expect("checks");
    let s = &program.scenarios[0];
    simulate(&program, s, input::MemberTable::inline(s))
}

fn is_member(o: &SimulationOutcome, name: &str) -> bool {
    o.members.iter().any(|m| m.name == name && m.member)
}

#[test]
fn an_expulsion_is_done_when_its_motion_passes_on_the_rulebooks_grounds() {
    let o = run(r#"
  on 2026-02-10 motion ordinary "expel d" { for a, b  against c } then expel(d)
  on 2026-02-20 motion ordinary "expel d" { for a  against b, c } then expel(d)
  on 2026-02-20 motion ordinary "expel d" { for a, b, c } then expel(d)
"#);
    let last = |n: usize| &o.steps[o.steps.len() - n];
    // 10 February: passed (2 for, 1 against), but d was warned 9 days
    // before, 14 needed: refused, and d stays.
    assert_eq!(last(3).status, StepStatus::Refused);
    assert_eq!(
        last(3).reasons,
        [
            "the motion passed, but `expel` is refused: a member is warned at least 14 days before expulsion: 9 < 14"
        ]
    );
    // 20 February: 1 for, 2 against: not passed, the act is not done.
    assert_eq!(last(2).status, StepStatus::Refused);
    assert!(last(2).reasons[0].starts_with("the motion did not pass"));
    // The same day, 3 for: passed, and 19 days after the warning d is
    // expelled.
    assert_eq!(last(1).status, StepStatus::Done);
    assert!(!is_member(&o, "d") && is_member(&o, "c"));
    // Every vote is recorded, the one whose act was refused too.
    let passed: Vec<bool> = o.resolutions.iter().map(|r| r.outcome.passed).collect();
    assert_eq!(passed, [true, false, true]);
}

#[test]
fn under_a_confirming_resolution_the_act_waits_for_the_confirmation() {
    let o = run(r#"
  on 2026-03-01 motion transfer "expel d" { for a, b, c } then expel(d)
  on 2026-03-20 motion transfer "expel d" confirming { for a, b  against c }
"#);
    // Passed on 1 March (3 of 3): held until a later meeting confirms it,
    // 15 March to 1 April; d is still a member after the first motion.
    let first = &o.steps[o.steps.len() - 2];
    assert_eq!(first.status, StepStatus::Done);
    // Confirmed on 20 March (2 for of 3 cast): d is expelled then.
    assert_eq!(o.steps.last().map(|s| s.status), Some(StepStatus::Done));
    assert!(!is_member(&o, "d"));
    let pending = run(r#"
  on 2026-03-01 motion transfer "expel d" { for a, b, c } then expel(d)
"#);
    assert!(
        is_member(&pending, "d"),
        "nothing is done before confirmation"
    );
}

#[test]
fn a_json_motion_decides_its_act_with_then() {
    let checked = rochdale::check_source(RULEBOOK);
    let program = checked.program.expect("checks");
    let json = |then: &str| {
        format!(
            r#"{{"name": "s", "members": [{{"name": "a"}}, {{"name": "b"}}, {{"name": "c"}}, {{"name": "d"}}],
              "steps": [
                {{"date": "2026-01-01", "act": "join", "args": ["a"]}},
                {{"date": "2026-01-01", "act": "join", "args": ["b"]}},
                {{"date": "2026-01-01", "act": "join", "args": ["c"]}},
                {{"date": "2026-01-01", "act": "join", "args": ["d"]}},
                {{"date": "2026-02-01", "act": "warn", "args": ["d"]}},
                {{"date": "2026-02-20", "motion": "ordinary", "title": "expel d", "for": ["a", "b", "c"], "against": [], "abstain": [], "then": {then}}}
              ]}}"#
        )
    };
    let (scenario, members) =
        input::read_json(&program, &json(r#"{"act": "expel", "args": ["d"]}"#)).expect("reads");
    let o = simulate(&program, &scenario, members);
    assert!(!is_member(&o, "d"));
    // Written back as JSON (what the playground edits), the act is kept.
    let members = input::read_json(&program, &json(r#"{"act": "expel", "args": ["d"]}"#))
        .expect("reads")
        .1;
    let back = input::scenario_to_json(&program, &scenario, &members);
    assert_eq!(
        back["steps"][5]["then"],
        serde_json::json!({"act": "expel", "args": ["d"]})
    );
    // A misspelt act is placed at the motion's `then`.
    let errors = input::read_json(&program, &json(r#"{"act": "expell", "args": ["d"]}"#))
        .expect_err("refused");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.as_str(), "E0200");
    assert!(
        errors[0]
            .message
            .starts_with("steps[5].then.act: there is no act `expell`"),
        "{}",
        errors[0].message
    );
}

#[test]
fn an_act_log_motion_decides_its_act_with_then() {
    let program = rochdale::check_source(RULEBOOK).program.expect("checks");
    let log = "date,act,args...
2026-01-01,join,a
2026-01-01,join,b
2026-01-01,join,c
2026-01-01,join,d
2026-02-01,warn,d
2026-02-20,motion ordinary,expel d,for=a;b;c,then=expel(d)
";
    let members = "name,age\na,40\nb,40\nc,40\nd,40\n";
    let (scenario, mut table) = input::read_act_log(&program, "acts.csv", log).expect("reads");
    let csv = rochdale::span::SourceFile::new("members.csv", members);
    input::add_members_text(&program, &csv, &mut table).expect("members");
    let o = simulate(&program, &scenario, table);
    assert!(!is_member(&o, "d"));
    let bad = log.replace("then=expel(d)", "then=expel d");
    let errors = input::read_act_log(&program, "acts.csv", &bad).expect_err("refused");
    assert_eq!(errors[0].code.as_str(), "E0600");
    assert!(
        errors[0].message.starts_with("acts.csv:7:"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_motion_amends_or_decides_an_act_not_both() {
    let text = format!(
        "{RULEBOOK}parameter fee: Money = £1.00\nscenario \"s\" {{{STEPS}  on 2026-02-20 motion ordinary {{ for a, b }} amend fee = £2.00 then expel(d)\n}}\n"
    );
    let checked = rochdale::check_source(&text);
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0315"]);
    // And the formatter keeps `then` where it is written.
    let one = format!(
        "{RULEBOOK}scenario \"s\" {{{STEPS}  on 2026-02-20 motion ordinary \"expel d\" {{ for a, b, c }} then expel(d)\n}}\n"
    );
    let formatted = rochdale::format::format_source(&one).expect("formats");
    assert!(
        formatted.contains("motion ordinary \"expel d\" { for a, b, c } then expel(d)"),
        "{formatted}"
    );
}
