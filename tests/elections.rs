//! Elections (issue 18, item 5): plurality and single transferable vote
//! under the Scottish Local Government Elections Order 2007, checked stage
//! by stage against a published count and counts worked by hand (the
//! arithmetic is in tests/rulebooks/elections.coop, beside each scenario).

use rochdale::eval::ElectionOutcome;
use rochdale::simulate::{self, SimulationOutcome, StepStatus, input};

const RULEBOOK: &str = "tests/rulebooks/elections.coop";

fn program() -> rochdale::program::Program {
    let text = std::fs::read_to_string(RULEBOOK).expect("readable");
    let checked = rochdale::check_source(&text);
    assert!(
        checked.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        checked.diagnostics
    );
    checked.program.expect("checks")
}

fn run(scenario: &str) -> SimulationOutcome {
    let program = program();
    let s = program
        .scenarios
        .iter()
        .find(|s| s.name == scenario)
        .expect("the scenario is in the rulebook");
    simulate::simulate(&program, s, input::MemberTable::inline(s))
}

/// Each stage's votes, candidate by candidate, as written in the outcome.
fn stages(o: &ElectionOutcome) -> Vec<Vec<&str>> {
    o.stages
        .iter()
        .map(|s| s.totals.iter().map(|t| t.votes.as_str()).collect())
        .collect()
}

#[test]
fn the_food_election_of_the_published_example() {
    // Wikipedia, "Single transferable vote", the food election: 20 voters,
    // 3 seats, Droop quota 6; published result chocolate, oranges,
    // strawberries. Stages 1 to 3 are the published rounds 1 to 3.
    let o = run("food election");
    let e = &o.elections[0].outcome;
    assert_eq!(e.valid, 20);
    assert_eq!(e.quota.as_deref(), Some("6"));
    assert_eq!(
        e.candidates,
        [
            "oranges",
            "pears",
            "chocolate",
            "strawberries",
            "hamburgers"
        ]
    );
    assert_eq!(
        stages(e),
        [
            // Round 1: first preferences; chocolate over the quota.
            vec!["4", "2", "12", "1", "1"],
            // Round 2: chocolate's surplus of 6 at 6/12 = 0.5: 8 papers to
            // strawberries (+4), 4 to hamburgers (+2).
            vec!["4", "2", "6", "5", "3"],
            // Round 3: pears excluded, 2 papers to oranges: 6, the quota.
            vec!["6", "0", "6", "5", "3"],
            // One seat, strawberries 5 against hamburgers 3 (rule 52(2)).
            vec!["6", "0", "6", "5", "3"],
        ]
    );
    let s = &e.stages;
    assert_eq!(s[0].elected, ["chocolate"]);
    assert_eq!(s[1].what, "surplus of chocolate transferred");
    assert_eq!(s[1].surplus.as_deref(), Some("6"));
    assert_eq!(s[1].transfer_values.len(), 1);
    assert_eq!(
        (
            s[1].transfer_values[0].from.as_str(),
            s[1].transfer_values[0].to.as_str()
        ),
        ("1", "0.5")
    );
    assert_eq!(s[2].excluded.as_deref(), Some("pears"));
    assert_eq!(s[2].elected, ["oranges"]);
    assert_eq!(s[3].what, "last vacancies filled");
    assert_eq!(s[3].elected, ["strawberries"]);
    assert_eq!(e.elected, ["chocolate", "oranges", "strawberries"]);
}

#[test]
fn transfer_values_are_cut_to_five_places_at_every_transfer() {
    // Worked by hand in the rulebook: 3/9 = 0.33333; then b's surplus
    // 0.99997 of 6.99997 votes: 99997 × 100000 / 699997 = 14285.35 → 0.14285
    // for b's own papers, 99997 × 33333 / 699997 = 4761.73 → 0.04761 for
    // the papers b had from a.
    let o = run("fractions");
    let e = &o.elections[0].outcome;
    assert_eq!(e.quota.as_deref(), Some("6"));
    assert_eq!(
        stages(e),
        [
            vec!["9", "4", "2", "3", "2"],
            // 4 + 9 × 0.33333 = 6.99997.
            vec!["6", "6.99997", "2", "3", "2"],
            // 2 + 4 × 0.14285 + 9 × 0.04761 = 2 + 0.5714 + 0.42849.
            vec!["6", "6", "2.99989", "3", "2"],
            vec!["6", "6", "2.99989", "3", "0"],
            vec!["6", "6", "2.99989", "3", "0"],
        ]
    );
    let nt: Vec<&str> = e
        .stages
        .iter()
        .map(|s| s.non_transferable.as_str())
        .collect();
    // 20 − 19.99997; 20 − 19.99989; e's 2 papers have no next preference.
    assert_eq!(nt, ["0", "0.00003", "0.00011", "2.00011", "2.00011"]);
    let values: Vec<(&str, &str)> = e.stages[2]
        .transfer_values
        .iter()
        .map(|t| (t.from.as_str(), t.to.as_str()))
        .collect();
    assert_eq!(values, [("1", "0.14285"), ("0.33333", "0.04761")]);
    assert_eq!(e.stages[2].surplus.as_deref(), Some("0.99997"));
    // d's 3 beat c's 2.99989 for the last seat: without the cut c would
    // have 2 + 0.99997 = 2.99997, still short of 3.
    assert_eq!(e.elected, ["a", "b", "d"]);
}

#[test]
fn plurality_with_a_tie_broken_alphabetically() {
    // ann 3 marks (v1, v2, v3), bob 2 (v1, v4), cy 2 (v2, v5): bob and cy
    // tie for the second seat; bob comes first alphabetically.
    let o = run("stewards");
    let e = &o.elections[0].outcome;
    assert_eq!(e.quota, None);
    assert_eq!(stages(e), [vec!["3", "2", "2"]]);
    assert_eq!(e.elected, ["ann", "bob"]);
    assert_eq!(e.stages[0].ties, ["bob, cy tied: bob first alphabetically"]);
}

/// splitmix64, written again from its published definition (Steele, Lea
/// and Flood, 2014), for the lot drawn from a seed.
fn splitmix64(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn a_lot_is_drawn_from_the_steps_seed() {
    // ann 1, bob 1 for one seat, `seed 42`: the first draw of splitmix64
    // from 42, modulo the two tied (ann, bob in the order of the count).
    let o = run("stewards");
    let e = &o.elections[1].outcome;
    let tied = ["ann", "bob"];
    let drawn = tied[(splitmix64(42) % 2) as usize];
    assert_eq!(e.elected, [drawn]);
    assert_eq!(
        e.stages[0].ties,
        [format!("ann, bob tied: {drawn} drawn by lot")]
    );
}

#[test]
fn a_reserved_seat_keeps_the_last_candidate_it_can_go_to() {
    // Worked in tests/rulebooks/elections.coop, "a reserved seat".
    let o = run("a reserved seat");
    let count = &o.elections[0].outcome;
    assert_eq!(count.quota.as_deref(), Some("4"));
    assert_eq!(
        stages(count),
        [
            ["4", "3", "3", "1", "1"],
            ["4", "3", "3", "2", "0"],
            ["4", "3", "0", "2", "0"],
            ["4", "3", "0", "2", "0"],
        ]
    );
    assert_eq!(count.stages[2].excluded.as_deref(), Some("cal"));
    assert_eq!(count.elected, ["ann", "bob", "sam"]);
    // A reserve no candidate can fill refuses the step.
    let refused = o.steps.last().expect("a step");
    assert_eq!(refused.status, StepStatus::Refused);
    assert_eq!(
        refused.reasons,
        ["1 seat is reserved, and only 0 of the candidates qualify"]
    );
}

#[test]
fn a_candidate_in_two_reserves_refuses_the_election() {
    let text = r#"rulebook "Reserves" currency GBP
member { age: Integer = 30  staff: Bool = false }
act join(m) { admit m }
election board {
  seats 2
  counted by plurality
  reserve 1 seat for m where m.age < 30
  reserve 1 seat for m where m.staff
}
scenario "s" {
  members { x: age 25, staff true  y: age 50 }
  on 2026-04-01 join(x)
  on 2026-04-01 join(y)
  on 2026-05-01 election board {
    candidates x, y
    x: x
    y: y
  }
}
"#;
    let program = rochdale::check_source(text).program.expect("checks");
    let s = &program.scenarios[0];
    let o = simulate::simulate(&program, s, input::MemberTable::inline(s));
    let step = o.steps.last().expect("a step");
    assert_eq!(step.status, StepStatus::Refused);
    assert_eq!(
        step.reasons,
        ["x meets the conditions of 2 reserved seats: a candidate may meet one"]
    );
}

#[test]
fn a_voter_who_may_not_vote_refuses_the_election() {
    let o = run("too young to vote");
    let refused = &o.steps[o.steps.len() - 2];
    assert_eq!(refused.status, StepStatus::Refused);
    assert_eq!(
        refused.reasons,
        ["cy may not vote: the auditor is chosen by members 21 or over: 20 < 21"]
    );
    // The next day, without cy's ballot: ann 2 (v1's and her own), bob 1.
    assert_eq!(o.elections.len(), 1);
    let count = &o.elections[0].outcome;
    assert_eq!(stages(count), [["2", "1"]]);
    assert_eq!(count.elected, ["ann"]);
}

#[test]
fn a_candidate_who_may_not_stand_refuses_the_election() {
    let o = run("too young");
    assert!(o.elections.is_empty());
    let step = o.steps.last().expect("a step");
    assert_eq!(step.status, StepStatus::Refused);
    assert_eq!(
        step.reasons,
        ["kid may not stand: candidates must be 18 or over: 16 < 18"]
    );
}

#[test]
fn the_text_report_shows_every_stage() {
    let text = run("fractions").to_text();
    for line in [
        "Election committee on 2026-05-01 (single transferable vote, 3 seats, 20 valid ballots, quota 6)",
        "  Stage 3: surplus of b transferred",
        "    surplus 0.99997, transfer value 1 → 0.14285, 0.33333 → 0.04761",
        "    c  2.99989",
        "    non-transferable  0.00011",
        "  Stage 4: e excluded",
        "  Elected: a, b, d",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
}

/// The food election as a JSON scenario: the same lowering, the same count.
#[test]
fn a_json_scenario_counts_the_same_ballots() {
    let program = program();
    let rulebook = run("food election");
    let ranked = [
        (4, vec!["oranges", "pears"]),
        (2, vec!["pears", "oranges"]),
        (8, vec!["chocolate", "strawberries"]),
        (4, vec!["chocolate", "hamburgers"]),
        (1, vec!["strawberries"]),
        (1, vec!["hamburgers"]),
    ];
    let candidates = [
        "oranges",
        "pears",
        "chocolate",
        "strawberries",
        "hamburgers",
    ];
    let mut members = Vec::new();
    let mut steps = Vec::new();
    let mut ballots = Vec::new();
    for c in candidates {
        members.push(serde_json::json!({"name": c, "age": 30}));
    }
    let mut v = 0;
    for (n, ranking) in &ranked {
        for _ in 0..*n {
            v += 1;
            let voter = format!("v{v:02}");
            members.push(serde_json::json!({"name": voter, "age": 30}));
            ballots.push(serde_json::json!({"voter": voter, "ranking": ranking}));
        }
    }
    for m in &members {
        steps.push(serde_json::json!({"date": "2026-04-01", "act": "join", "args": [m["name"]]}));
    }
    steps.push(serde_json::json!({
        "date": "2026-05-01",
        "election": "committee",
        "candidates": candidates,
        "ballots": ballots,
    }));
    let json = serde_json::json!({"name": "food", "members": members, "steps": steps});
    let (scenario, people) =
        input::read_json(&program, &json.to_string()).expect("the JSON scenario reads");
    let o = simulate::simulate(&program, &scenario, people);
    assert_eq!(o.elections.len(), 1);
    assert_eq!(o.elections[0].outcome, rulebook.elections[0].outcome);
}

#[test]
fn a_json_ballot_for_someone_not_standing_is_placed_by_its_path() {
    let program = program();
    let json = serde_json::json!({
        "name": "bad",
        "members": [{"name": "ann"}, {"name": "bob"}, {"name": "cy"}, {"name": "dee"}],
        "steps": [{
            "date": "2026-05-01",
            "election": "stewards",
            "candidates": ["ann", "bob"],
            "ballots": [{"voter": "cy", "ranking": ["ann", "eve"]}],
        }],
    });
    let errors = input::read_json(&program, &json.to_string()).expect_err("refused");
    let messages: Vec<(&str, &str)> = errors
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [(
            "E0901",
            "steps[0].ballots[0].ranking[1]: `eve` is not a candidate in `stewards`"
        )]
    );
}

#[test]
fn the_json_outcome_names_every_stage() {
    let json = serde_json::to_value(run("fractions")).expect("serialises");
    let count = &json["elections"][0]["outcome"];
    assert_eq!(count["method"], "single_transferable_vote");
    assert_eq!(count["ties"], "alphabetically");
    assert_eq!(count["quota"], "6");
    let stage = &count["stages"][2];
    assert_eq!(stage["what"], "surplus of b transferred");
    assert_eq!(stage["surplus"], "0.99997");
    assert_eq!(stage["transfer_values"][1]["from"], "0.33333");
    assert_eq!(stage["transfer_values"][1]["to"], "0.04761");
    assert_eq!(stage["totals"][2]["candidate"], "c");
    assert_eq!(stage["totals"][2]["votes"], "2.99989");
    assert_eq!(count["stages"][3]["excluded"], "e");
    // A run without an election has no `elections` in its outcome.
    let none = serde_json::to_value(run("too young")).expect("serialises");
    assert!(none.get("elections").is_none());
}
