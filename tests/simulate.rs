//! Simulation: the Rochdale first year against figures worked by hand, the
//! books always balanced, refusals change nothing, byte-identical output,
//! and clear diagnostics for bad scenario input.

use std::path::Path;

use rochdale::diagnostic::render_text;
use rochdale::simulate::{SimulationOutcome, StepStatus, input, simulate};
use rochdale::{Program, SourceFile};

fn program(path: &str) -> Program {
    let text = std::fs::read_to_string(path).expect("readable");
    rochdale::check_source(&text).program.expect("checks")
}

fn first_year() -> SimulationOutcome {
    let program = program("rulebooks/rochdale-1844.coop");
    let scenario = program
        .scenarios
        .iter()
        .find(|s| s.name == "first year")
        .expect("scenario");
    let members =
        input::scenario_members(&program, scenario, Path::new("rulebooks")).expect("members");
    simulate(&program, scenario, members)
}

fn account(o: &SimulationOutcome, member: &str, name: &str) -> String {
    let m = o.members.iter().find(|m| m.name == member).expect("member");
    m.accounts
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.display.clone())
        .unwrap_or_default()
}

fn fund(o: &SimulationOutcome, name: &str) -> String {
    o.funds
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.display.clone())
        .unwrap_or_default()
}

#[test]
fn the_first_year_matches_the_figures_worked_by_hand() {
    let o = first_year();
    // See the comment above the scenario in rulebooks/rochdale-1844.coop.
    let period = &o.periods[0];
    let figure = |n: &str| {
        period
            .figures
            .iter()
            .find(|f| f.name == n)
            .map(|f| f.value.display.clone())
    };
    assert_eq!(figure("sales").as_deref(), Some("£730.00"));
    assert_eq!(figure("costs").as_deref(), Some("£696.00"));
    let tranche = |l: &str| {
        period.allocations[0]
            .tranches
            .iter()
            .find(|t| t.label == l)
            .map(|t| t.total.display.clone())
    };
    assert_eq!(tranche("reserve fund").as_deref(), Some("£3.40"));
    assert_eq!(tranche("education fund").as_deref(), Some("£0.85"));
    assert_eq!(tranche("interest on capital").as_deref(), Some("£5.80"));
    assert_eq!(tranche("dividend on purchases").as_deref(), Some("£23.95"));
    assert_eq!(account(&o, "cooper", "interest on capital"), "£0.40");
    assert_eq!(account(&o, "howarth", "interest on capital"), "£0.20");
    assert_eq!(account(&o, "howarth", "dividend on purchases"), "£0.73");
    assert_eq!(account(&o, "scowcroft", "dividend on purchases"), "£0.73");
    assert_eq!(account(&o, "smith", "dividend on purchases"), "£1.17");
    assert_eq!(account(&o, "bamford", "dividend on purchases"), "£1.17");
    assert_eq!(account(&o, "r_taylor", "dividend on purchases"), "£1.16");
    assert_eq!(account(&o, "cooper", "capital"), "£8.00");
    // cash: £116.00 capital + £730.00 sales - £696.00 costs = £150.00 (a debit)
    assert_eq!(fund(&o, "cash"), "-£150.00");
    assert_eq!(fund(&o, "surplus"), "£0.00");
    assert!(o.trial_balance.balanced);
    assert_eq!(o.amendments.len(), 1);
    assert_eq!(
        (
            o.amendments[0].old.display.as_str(),
            o.amendments[0].new.display.as_str()
        ),
        ("10%", "12.5%")
    );
    let refused: Vec<(usize, &str)> = o
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Refused)
        .map(|s| (s.step, s.reasons[0].as_str()))
        .collect();
    assert_eq!(
        refused,
        vec![
            (30, "members must be 16 or over (article 13): 15 < 16"),
            (31, "young is not a member (as `m`)"),
            (38, "withdrawals need notice (article 13): 14 < 30"),
        ]
    );
}

#[test]
fn the_first_year_statements() {
    insta::assert_snapshot!(first_year().to_text());
}

#[test]
fn output_is_byte_identical_across_runs() {
    let a = serde_json::to_string(&first_year()).expect("json");
    let b = serde_json::to_string(&first_year()).expect("json");
    assert_eq!(a, b);
}

fn rendered_json_errors(file: &str) -> String {
    let program = program("rulebooks/rochdale-1844.coop");
    let text = std::fs::read_to_string(file).expect("readable");
    let source = SourceFile::new(file, text);
    match input::read_json(&program, &source.text) {
        Ok((scenario, members)) => {
            // Problems found while running (an unknown member) are failed steps.
            let o = simulate(&program, &scenario, members);
            let ds: Vec<_> = o
                .steps
                .iter()
                .filter_map(|s| s.diagnostic.clone())
                .collect();
            render_text(&ds, &SourceFile::new(file, ""), false)
        }
        Err(ds) => render_text(&ds, &source, false),
    }
}

#[test]
fn bad_json_scenarios_name_the_path() {
    for (file, needle) in [
        (
            "tests/scenarios/unknown_member.json",
            "steps[1]: `zed` is not in the scenario's member list",
        ),
        ("tests/scenarios/wrong_type.json", "members[0].age"),
        ("tests/scenarios/date_out_of_order.json", "steps[1].date"),
        (
            "tests/scenarios/unknown_act.json",
            "did you mean `purchase`?",
        ),
        ("tests/scenarios/malformed.json", "not valid JSON"),
        (
            "tests/scenarios/parameter_breaks_limit.json",
            "parameters.capital_interest: the scenario's value breaks the limit",
        ),
    ] {
        let out = rendered_json_errors(file);
        assert!(out.contains(needle), "{file}: {out}");
        let name = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .to_string();
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn bad_csv_member_lists_name_the_line_and_column() {
    let program = program("rulebooks/rochdale-1844.coop");
    for (file, needles) in [
        (
            "tests/scenarios/malformed_row.csv",
            vec!["line 3, column 2 (`age`)", "line 4"],
        ),
        (
            "tests/scenarios/unknown_column.csv",
            vec!["line 1, column 3", "did you mean `shares`?"],
        ),
    ] {
        let mut members = input::MemberTable {
            columns: program.member_attrs.iter().map(|_| Vec::new()).collect(),
            ..Default::default()
        };
        let err =
            input::add_members_file(&program, Path::new(file), &mut members).expect_err("bad file");
        let out = render_text(&err.diagnostics, &err.file, false);
        for n in needles {
            assert!(out.contains(n), "{file}: missing {n:?} in\n{out}");
        }
        let name = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .to_string();
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn members_off_the_roll_of_the_record_date_neither_vote_nor_share() {
    let program = program("tests/rulebooks/record-dates.coop");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    // cy was admitted on 20 March, after the meeting's record date (11 March):
    // her vote for is not counted, so 1 for and 1 against fails.
    let vote = &o.resolutions[0].outcome;
    assert!(!vote.passed);
    assert_eq!(
        (
            vote.votes_for.to_string(),
            vote.votes_against.to_string(),
            vote.uncounted
        ),
        ("1".into(), "1".into(), 1)
    );
    assert!(
        vote.reason
            .contains("1 vote not counted: not on the roll of the record date")
    );
    // £60.00 by purchases 30 : 10 : 0 among ada, ben and cy; dan left before
    // the record date and eve joined after it: neither shares.
    assert_eq!(account(&o, "ada", "dividend"), "£45.00");
    assert_eq!(account(&o, "ben", "dividend"), "£15.00");
    assert_eq!(account(&o, "cy", "dividend"), "");
    assert_eq!(account(&o, "dan", "dividend"), "");
    assert_eq!(account(&o, "eve", "dividend"), "");
    assert!(o.trial_balance.balanced);
}

#[test]
fn a_json_input_without_its_unit_is_refused() {
    let program = program("rulebooks/thin-layer-network.coop");
    let json = r#"{"name": "x", "members": [{"name": "council", "subscribed": true}],
        "steps": [{"date": "2026-04-01", "act": "use", "args": ["council", "120"]}]}"#;
    let errors = input::read_json(&program, json).expect_err("no unit");
    assert_eq!(errors[0].code.as_str(), "E0318");
    assert!(
        errors[0]
            .message
            .starts_with("steps[0].args[1]: `capacity` is counted in km_month"),
        "{}",
        errors[0].message
    );
    let csv = "name,usage\ncouncil,120\n";
    let errors = input::read_csv(&program, csv).expect_err("no unit");
    assert_eq!(errors[0].code.as_str(), "E0318");
    assert!(
        errors[0].message.contains("line 2, column 2 (`usage`)"),
        "{}",
        errors[0].message
    );
}

#[test]
fn inputs_with_their_units_are_read_from_json_and_csv() {
    let program = program("rulebooks/thin-layer-network.coop");
    let csv = "name,subscribed,usage\ncouncil,true,120 km_month\n";
    let members = input::read_csv(&program, csv).expect("reads");
    let json = r#"{"name": "y", "steps": [
        {"date": "2026-04-01", "act": "subscribe", "args": ["council"]},
        {"date": "2026-04-02", "act": "use", "args": ["council", "12 km_month"]}]}"#;
    let (scenario, mut all) = input::read_json(&program, json).expect("reads");
    all.extend(members, "members.csv").expect("no duplicates");
    let o = simulate(&program, &scenario, all);
    assert!(
        o.steps.iter().all(|s| s.status == StepStatus::Done),
        "{:?}",
        o.steps
    );
    // 120 km_month from the file, and 12 more used: 132 km_month
    let council = o
        .members
        .iter()
        .find(|m| m.name == "council")
        .expect("council");
    let usage = council
        .attributes
        .iter()
        .find(|a| a.name == "usage")
        .expect("usage");
    assert_eq!(usage.value.display, "132 km_month");
    // 12 km_month × £12.00 = £144.00, owed by the council
    assert_eq!(account(&o, "council", "receivable"), "-£144.00");
}

/// A rulebook's scenario written as JSON reads back to the same timeline:
/// every rulebook's year, run from its export, gives the same statements.
#[test]
fn every_scenario_exported_as_json_runs_the_same() {
    let mut ran = 0;
    for entry in std::fs::read_dir("rulebooks").expect("rulebooks/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "coop") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let program = rochdale::check_source(&text).program.expect("checks");
        for scenario in &program.scenarios {
            let members = input::scenario_members(&program, scenario, Path::new("rulebooks"))
                .expect("members");
            let json = input::scenario_to_json(&program, scenario, &members);
            let json_text = serde_json::to_string_pretty(&json).expect("JSON");
            let (def, people) = input::read_json(&program, &json_text)
                .unwrap_or_else(|e| panic!("{}: {e:?}\n{json_text}", path.display()));
            let direct = rochdale::simulate::simulate(&program, scenario, members);
            let from_json = rochdale::simulate::simulate(&program, &def, people);
            assert_eq!(
                direct.to_text(),
                from_json.to_text(),
                "{}: {}",
                path.display(),
                scenario.name
            );
            ran += 1;
        }
    }
    assert!(ran >= 7);
}

#[test]
fn a_limit_breached_by_an_act_that_admits_and_adds_is_one_reason() {
    // `join` touches c twice (admit, then add): the holding limit is one
    // breach for c. The second limit, on the cooperative, keeps its place
    // after it.
    let text = "rulebook \"Twice\" currency GBP\n\
        member { shares: Money = £0 }\n\
        limit holding: m.shares <= £100.00 for each member m source \"rule 7\"\n\
        limit capital: sum(m.shares for each member m) <= £120.00 source \"rule 8\"\n\
        act join(m, paid: Money) {\n  admit m\n  add paid to m.shares\n}\n\
        scenario \"too much\" {\n  members { c: shares £0 }\n  on 2026-04-01 join(c, £150.00)\n}\n";
    let program = rochdale::check_source(text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    assert_eq!(o.steps[0].status, StepStatus::Refused);
    assert_eq!(
        o.steps[0].reasons,
        [
            "the limit `holding` would be breached for c: £150.00 > £100.00 (rule 7)",
            "the limit `capital` would be breached: £150.00 > £120.00 (rule 8)",
        ]
    );
}
