//! Meetings (issue 18, items 3 and 4): notice, second calls, proxies and
//! postal votes, and confirming resolutions, from a rulebook's scenario and
//! from JSON. Every figure below is worked by hand in its comment.

use rochdale::diagnostic::Code;
use rochdale::simulate::{StepStatus, input, simulate};

const RULEBOOK: &str = r#"rulebook "Meetings" version "1" currency GBP
member { age: Integer = 30 }
parameter fee: Money = £10.00
resolution ordinary "Ordinary" {
  one member one vote
  quorum more than half of members
  second call quorum 2 members
  passes when for more than half of cast
  notice at least 14 clear days and at most 1 month
  proxies at most 1 per member
  postal votes allowed
}
resolution transfer {
  one member one vote
  quorum 2 members
  passes when for at least 2/3 of cast
  confirmed at a later meeting not less than 14 days nor more than 1 month after, when for more than half of cast
}
act join(m) { admit m }
"#;

fn program() -> rochdale::program::Program {
    let checked = rochdale::check_source(RULEBOOK);
    assert!(
        checked.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        checked.diagnostics
    );
    checked.program.expect("checks")
}

/// Five members who join on 1 January (and f, who never does), then
/// `steps` (JSON step objects).
fn run(steps: &str) -> rochdale::simulate::SimulationOutcome {
    let program = program();
    let joins: Vec<String> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|m| format!(r#"{{"date": "2026-01-01", "act": "join", "args": ["{m}"]}}"#))
        .collect();
    let json = format!(
        r#"{{"name": "meetings", "members": [{{"name": "a"}}, {{"name": "b"}}, {{"name": "c"}}, {{"name": "d"}}, {{"name": "e"}}, {{"name": "f"}}],
            "steps": [{}, {steps}]}}"#,
        joins.join(", ")
    );
    let (scenario, members) = input::read_json(&program, &json).expect("reads");
    simulate(&program, &scenario, members)
}

#[test]
fn notice_is_counted_in_clear_days_and_limited_to_a_month() {
    // Notice sent on 1 May: 14 clear days are 2 to 15 May, so 16 May is the
    // first day a meeting may be held; 15 May leaves only 13.
    let outcome = run(r#"
        {"date": "2026-05-15", "motion": "ordinary", "title": "fee", "notice_given": "2026-05-01", "for": ["a", "b", "c"], "amend": {"fee": "£11.00"}},
        {"date": "2026-05-16", "motion": "ordinary", "title": "fee", "notice_given": "2026-05-01", "for": ["a", "b", "c"], "amend": {"fee": "£12.00"}},
        {"date": "2026-06-02", "motion": "ordinary", "title": "more", "notice_given": "2026-05-01", "for": ["a", "b", "c"], "amend": {"fee": "£13.00"}},
        {"date": "2026-06-02", "motion": "ordinary", "title": "none", "for": ["a", "b", "c"], "amend": {"fee": "£14.00"}}
    "#);
    let steps = &outcome.steps;
    assert_eq!(steps[5].status, StepStatus::Refused);
    assert_eq!(
        steps[5].reasons,
        [
            "the meeting was called with 13 clear days' notice (sent 2026-05-01), and the rules require at least 14 clear days"
        ]
    );
    assert_eq!(steps[6].status, StepStatus::Done);
    // 1 month after 1 May is 1 June: 2 June is a month and a day.
    assert_eq!(steps[7].status, StepStatus::Refused);
    assert_eq!(
        steps[7].reasons,
        [
            "the meeting was called with 31 clear days' notice (sent 2026-05-01), more than the 1 month the rules allow"
        ]
    );
    assert_eq!(steps[8].status, StepStatus::Refused);
    assert!(
        steps[8].reasons[0].starts_with("no notice of the meeting is recorded"),
        "{:?}",
        steps[8].reasons
    );
    assert_eq!(outcome.amendments.len(), 1);
    assert_eq!(outcome.amendments[0].new.display, "£12.00");
}

#[test]
fn a_second_call_counts_proxies_and_postal_votes_under_its_own_quorum() {
    // First call: a and b present, 2 of 5, not more than half (3 needed).
    // Second call, on the first call's notice: a in person, b by post; a
    // holds c's proxy (the limit of 1) and d's (over it, not counted); e
    // holds nobody's. Present and represented: a, b, c = 3 (2 needed); for
    // a, c; against b: 2 of 3 cast, more than half.
    let outcome = run(r#"
        {"date": "2026-05-20", "motion": "ordinary", "title": "fee", "notice_given": "2026-05-01", "for": ["a"], "against": ["b"], "amend": {"fee": "£12.00"}},
        {"date": "2026-05-20", "motion": "ordinary", "title": "fee", "sitting": "second call",
         "for": ["a", "c", "d"], "against": ["b"],
         "proxies": [{"voter": "c", "holder": "a"}, {"voter": "d", "holder": "a"}], "by_post": ["b"],
         "amend": {"fee": "£12.00"}},
        {"date": "2026-05-21", "motion": "ordinary", "title": "other", "sitting": "second call", "for": ["a"]}
    "#);
    let first = &outcome.resolutions[0];
    assert!(!first.outcome.quorate);
    assert_eq!(first.outcome.reason, "inquorate: 2 present, 3 required");
    let second = &outcome.resolutions[1];
    assert_eq!(second.sitting, rochdale::syntax::ast::Sitting::SecondCall);
    assert!(second.outcome.passed);
    assert_eq!(second.outcome.present, 3);
    assert_eq!(second.outcome.required, 2);
    assert_eq!(second.outcome.represented, 2);
    assert_eq!(second.outcome.votes_for.to_string(), "2");
    assert_eq!(second.outcome.votes_against.to_string(), "1");
    assert_eq!(
        second.outcome.not_counted,
        ["d's vote by proxy is not counted: a already holds 1 proxy, the most one member may hold"]
    );
    assert_eq!(outcome.amendments[0].new.display, "£12.00");
    // A second call of a motion never voted at a first call.
    assert_eq!(outcome.steps[7].status, StepStatus::Refused);
    assert!(
        outcome.steps[7].reasons[0].starts_with("a second call reconvenes a meeting"),
        "{:?}",
        outcome.steps[7].reasons
    );
}

#[test]
fn a_confirmation_takes_effect_only_within_its_window() {
    // Passed on 1 June: its amendment waits. The window is 15 June (14
    // days) to 1 July (a month). On 10 June, too early: refused, still
    // waiting. On 20 June: 2 for of 3 cast, more than half: in force.
    let outcome = run(r#"
        {"date": "2026-06-01", "motion": "transfer", "title": "merge", "for": ["a", "b", "c"], "against": ["d"], "amend": {"fee": "£20.00"}},
        {"date": "2026-06-10", "motion": "transfer", "title": "merge", "sitting": "confirming", "for": ["a", "b"]},
        {"date": "2026-06-20", "motion": "transfer", "title": "merge", "sitting": "confirming", "for": ["a", "b"], "against": ["c"]}
    "#);
    assert!(
        outcome.resolutions[0]
            .outcome
            .reason
            .ends_with("it takes effect only when confirmed at a later meeting held from 2026-06-15 to 2026-07-01"),
        "{}",
        outcome.resolutions[0].outcome.reason
    );
    assert_eq!(outcome.steps[6].status, StepStatus::Refused);
    assert_eq!(
        outcome.steps[6].reasons,
        [
            "the confirming meeting is held 9 days after the motion passed on 2026-06-01, and the rules require not less than 14 days nor more than 1 month after it: from 2026-06-15 to 2026-07-01"
        ]
    );
    assert_eq!(outcome.steps[7].status, StepStatus::Done);
    assert_eq!(outcome.amendments.len(), 1);
    assert_eq!(outcome.amendments[0].date, "2026-06-20");
    assert_eq!(outcome.amendments[0].new.display, "£20.00");

    // Confirmed on 2 July, a day past the month: refused, and the motion
    // lapses, so a later confirmation finds nothing to confirm.
    let late = run(r#"
        {"date": "2026-06-01", "motion": "transfer", "title": "merge", "for": ["a", "b", "c"], "amend": {"fee": "£20.00"}},
        {"date": "2026-07-02", "motion": "transfer", "title": "merge", "sitting": "confirming", "for": ["a", "b"]},
        {"date": "2026-07-03", "motion": "transfer", "title": "merge", "sitting": "confirming", "for": ["a", "b"]}
    "#);
    assert!(late.steps[6].reasons[0].ends_with("; the motion has lapsed"));
    assert_eq!(
        late.steps[7].reasons,
        ["no motion \"merge\" under transfer passed and awaiting confirmation is recorded"]
    );
    assert!(late.amendments.is_empty());

    // A confirming meeting refused on a non-member's vote leaves the motion
    // awaiting: the next, in the window, confirms it.
    let retried = run(r#"
        {"date": "2026-06-01", "motion": "transfer", "title": "merge", "for": ["a", "b", "c"], "amend": {"fee": "£20.00"}},
        {"date": "2026-06-20", "motion": "transfer", "title": "merge", "sitting": "confirming", "for": ["a", "f"]},
        {"date": "2026-06-22", "motion": "transfer", "title": "merge", "sitting": "confirming", "for": ["a", "b"]}
    "#);
    assert_eq!(
        retried.steps[6].reasons,
        ["f is not a member and cannot vote"]
    );
    assert_eq!(retried.steps[7].status, StepStatus::Done);
    assert_eq!(retried.amendments.len(), 1);

    // Not confirmed: 1 for, 1 against is half, not more than half.
    let refused = run(r#"
        {"date": "2026-06-01", "motion": "transfer", "title": "merge", "for": ["a", "b", "c"], "amend": {"fee": "£20.00"}},
        {"date": "2026-06-20", "motion": "transfer", "title": "merge", "sitting": "confirming", "for": ["a"], "against": ["b"]}
    "#);
    assert!(
        refused.steps[6].reasons[0].starts_with("the motion was not confirmed: 50% for"),
        "{:?}",
        refused.steps[6].reasons
    );
    assert!(refused.amendments.is_empty());
}

#[test]
fn a_meeting_the_rules_do_not_have_is_refused_with_its_json_path() {
    let program = program();
    let read = |steps: &str| {
        input::read_json(
            &program,
            &format!(r#"{{"members": [{{"name": "a"}}, {{"name": "b"}}], "steps": [{steps}]}}"#),
        )
        .expect_err("refused")
    };
    // `ordinary` needs no confirmation.
    let errors = read(
        r#"{"date": "2026-06-01", "motion": "ordinary", "sitting": "confirming", "for": ["a"]}"#,
    );
    assert_eq!(errors[0].code, Code::BadMeeting);
    assert!(
        errors[0]
            .message
            .starts_with("steps[0].sitting: the resolution `ordinary` needs no confirmation"),
        "{}",
        errors[0].message
    );
    // Notice dated after the meeting, and a proxy for someone who casts no
    // vote.
    let errors = read(
        r#"{"date": "2026-06-01", "motion": "ordinary", "notice_given": "2026-06-05", "for": ["a"], "proxies": [{"voter": "b", "holder": "a"}]}"#,
    );
    let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "steps[0].notice_given: the notice is dated 2026-06-05, after the meeting on 2026-06-01",
            "steps[0].proxies.b: `b` votes by proxy or by post but casts no vote",
        ]
    );
    assert!(errors.iter().all(|d| d.code == Code::BadMeeting));
}

#[test]
fn meetings_format_back_and_change_the_hash_only_where_written() {
    let program = program();
    let formatted = rochdale::format::format_source(RULEBOOK).expect("formats");
    assert!(formatted.contains("  notice at least 14 clear days and at most 1 month\n"));
    assert!(formatted.contains("  proxies at most 1 per member\n"));
    let again = rochdale::check_source(&formatted).program.expect("checks");
    assert_eq!(again.provenance.hash, program.provenance.hash);
    // One more proxy allowed is another rule, with another hash.
    let two = RULEBOOK.replace(
        "proxies at most 1 per member",
        "proxies at most 2 per member",
    );
    let other = rochdale::check_source(&two).program.expect("checks");
    assert_ne!(other.provenance.hash, program.provenance.hash);
}
