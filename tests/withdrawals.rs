//! Capital over time (issue 17, item 5): withdrawal on notice, the board's
//! power to suspend withdrawals (a resolution only directors vote on:
//! `voter m requires C`), and transfers of shares within the holding limit.
//! The figures are worked by hand in rulebooks/multi-stakeholder-uk.coop,
//! beside the scenario "withdrawals and transfers".

use rochdale::simulate::{self, SimulationOutcome, StepStatus, input};

fn run(path: &str, text: &str, scenario: &str) -> SimulationOutcome {
    let checked = rochdale::check_source(text);
    let program = checked
        .program
        .unwrap_or_else(|| panic!("{path}: {:?}", checked.diagnostics));
    let s = program
        .scenarios
        .iter()
        .find(|s| s.name == scenario)
        .expect("the scenario");
    simulate::simulate(&program, s, input::MemberTable::inline(s))
}

fn society() -> SimulationOutcome {
    let path = "rulebooks/multi-stakeholder-uk.coop";
    let text = std::fs::read_to_string(path).expect("the rulebook");
    run(path, &text, "withdrawals and transfers")
}

#[test]
fn withdrawals_wait_for_notice_and_for_the_board() {
    let o = society();
    let steps: Vec<(String, StepStatus, String)> = o
        .steps
        .iter()
        .map(|s| (s.what.clone(), s.status, s.reasons.join("; ")))
        .collect();
    let refused = |what: &str, why: &str| (what.to_string(), StepStatus::Refused, why.to_string());
    let done = |what: &str| (what.to_string(), StepStatus::Done, String::new());
    assert_eq!(
        steps[5..],
        [
            done("give_notice(s1)"),
            refused(
                "withdraw(s1, £1,000.00)",
                "withdrawals need 90 days' notice (article 5)"
            ),
            done("motion board \"suspend withdrawals\""),
            refused(
                "withdraw(s1, £1,000.00)",
                "the board has suspended withdrawals (article 5)"
            ),
            refused(
                "motion board \"resume withdrawals\"",
                "the motion did not pass: 50% for (1 for, 1 against); more than 1/2 of votes present and represented required"
            ),
            done("motion board \"resume withdrawals\""),
            done("withdraw(s1, £1,000.00)"),
            refused(
                "withdraw(s1, £100.00)",
                "withdrawals need 90 days' notice (article 5)"
            ),
            refused(
                "transfer(s1, s2, £2,000.00)",
                "the limit `holding` would be breached for s2 (Co-operative and Community Benefit Societies Act 2014, s.24: maximum holding of withdrawable shares)"
            ),
            done("transfer(s1, s2, £1,000.00)"),
            refused(
                "transfer(c1, d2, £10.00)",
                "a member keeps at least one share of £1.00 (article 5): £0.00 < £1.00"
            ),
            done("transfer(c1, d2, £9.00)"),
            done("motion board \"six months' notice\""),
            done("close period"),
        ]
    );
    // The board: two directors' votes; c1's is not counted.
    let suspend = &o.resolutions[0].outcome;
    assert_eq!(suspend.members, 2, "the quorum is of the directors");
    assert_eq!(suspend.present, 2);
    assert_eq!(
        suspend.not_counted,
        ["c1's vote is not counted: only directors vote at the board (article 10)"]
    );
    let amended: Vec<(String, String)> = o
        .amendments
        .iter()
        .map(|a| (a.parameter.clone(), a.new.display.clone()))
        .collect();
    let a = |p: &str, v: &str| (p.to_string(), v.to_string());
    assert_eq!(
        amended,
        [
            a("withdrawals_suspended", "true"),
            a("withdrawals_suspended", "false"),
            a("withdrawal_notice", "182"),
        ]
    );
}

#[test]
fn what_each_member_holds_after_the_withdrawal_and_the_transfers() {
    let o = society();
    let shares: Vec<(String, String)> = o
        .members
        .iter()
        .map(|m| {
            let held = m
                .attributes
                .iter()
                .find(|a| a.name == "shares")
                .map_or(String::new(), |a| a.value.value.clone());
            (m.name.clone(), held)
        })
        .collect();
    let s = |n: &str, v: &str| (n.to_string(), v.to_string());
    // d2 £10 + £9 from c1; s1 £5,000 - £1,000 withdrawn - £1,000 to s2.
    assert_eq!(
        shares,
        [
            s("d1", "100.00"),
            s("d2", "19.00"),
            s("c1", "1.00"),
            s("s1", "3000.00"),
            s("s2", "100000.00"),
        ]
    );
    // Cash £104,120.00 paid in, £1,000.00 paid out: £103,120.00 Dr, as
    // much as the share capital the members hold.
    let cash = o.funds.iter().find(|f| f.name == "cash").expect("cash");
    assert_eq!(cash.value.value, "-103120.00");
    assert!(o.trial_balance.balanced);
}

const BOARD: &str = r#"rulebook "A board" currency GBP
member { director: Bool = false }
parameter opening_hours: Integer = 8
resolution board {
  voter m requires m.director because "only directors vote"
  one member one vote
  quorum more than half of members
  passes when for more than half of cast
  alone amends opening_hours
}
act join(m) { admit m }
scenario "a board of three among seven" {
  members {
    d1: director true
    d2: director true
    d3: director true
    a: director false
    b: director false
    c: director false
    e: director false
  }
  on 2026-01-01 join(d1)
  on 2026-01-01 join(d2)
  on 2026-01-01 join(d3)
  on 2026-01-01 join(a)
  on 2026-01-01 join(b)
  on 2026-01-01 join(c)
  on 2026-01-01 join(e)
  on 2026-02-01 motion board "longer hours" { for d1, a, b, c  against d2 } amend opening_hours = 9
  on 2026-03-01 motion board "longer hours" { for d1, d2  against a, b, c, e } amend opening_hours = 9
}
"#;

#[test]
fn the_quorum_and_the_count_are_of_those_who_may_vote() {
    let o = run("board", BOARD, "a board of three among seven");
    // First meeting: 2 of the 3 directors present, more than half of 3:
    // quorate; 1 for, 1 against: not more than half of those cast (the
    // four others are not counted, or it would have passed 4 to 1).
    let first = &o.resolutions[0].outcome;
    assert_eq!((first.members, first.present), (3, 2));
    assert!(first.quorate);
    assert!(!first.passed);
    assert_eq!(first.not_counted.len(), 3);
    // Second: 2 for, 0 against among the directors; the four against are
    // not directors: passed (it would have failed 2 to 4).
    let second = &o.resolutions[1].outcome;
    assert!(second.passed, "{}", second.reason);
    assert_eq!(
        o.parameters
            .iter()
            .find(|p| p.name == "opening_hours")
            .map(|p| p.value.value.as_str()),
        Some("9")
    );
}

#[test]
fn who_may_vote_is_said_once_and_written_in_the_document() {
    let twice = BOARD.replace(
        "  one member one vote\n",
        "  voter m requires m.director\n  one member one vote\n",
    );
    let checked = rochdale::check_source(&twice);
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() == "E0201" && d.message == "who may vote is said twice"),
        "{:?}",
        checked.diagnostics
    );
    let html = rochdale::api::document_html(&rochdale::SourceFile::new("board.coop", BOARD))
        .expect("a document");
    assert!(
        html.contains("Only the members who meet this condition vote, and the quorum is of them: m.director because &quot;only directors vote&quot;."),
        "{html}"
    );
}
