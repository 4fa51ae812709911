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
    // See the comment above the scenario in rulebooks/rochdale-1844.coop:
    // four quarters, each closed, interest at 5% a year for the days held.
    assert_eq!(o.periods.len(), 4);
    let figure = |q: usize, n: &str| {
        o.periods[q]
            .figures
            .iter()
            .find(|f| f.name == n)
            .map(|f| f.value.display.clone())
            .unwrap_or_default()
    };
    let tranche = |q: usize, l: &str| {
        o.periods[q].allocations[0]
            .tranches
            .iter()
            .find(|t| t.label == l)
            .map(|t| t.total.display.clone())
            .unwrap_or_default()
    };
    // Sales 20 × £5.50 + 8 × £8.80 at 10%, 20 × £5.63 + 8 × £9.00 at 12.5%.
    let sales: Vec<String> = (0..4).map(|q| figure(q, "sales")).collect();
    assert_eq!(sales, ["£180.40", "£180.40", "£184.60", "£184.60"]);
    assert!((0..4).all(|q| figure(q, "costs") == "£174.00"));
    let column = |l: &str| (0..4).map(|q| tranche(q, l)).collect::<Vec<_>>();
    assert_eq!(column("reserve fund"), ["£0.64", "£0.64", "£1.06", "£1.06"]);
    // 2.5% of £10.60 = £0.265, down to £0.26
    assert_eq!(
        column("education fund"),
        ["£0.16", "£0.16", "£0.26", "£0.26"]
    );
    // Q1 90 days: 27 × £4.00 × 5% × 90/365 + cooper's (£4.00 × 25 + £10.00
    // × 65) × 5% / 365 = £1.434247, down £1.43. The dividends are credited
    // to capital up to £5.00, so later quarters earn on more: Q2 92 days on
    // 16 × £4.13 + 3 × £4.12 + 8 × £4.20 + £10.00 = £122.04, £1.538038;
    // Q3 £1.582214 (cooper £8.00 from 1 September); Q4 91 days £1.638499
    // (every figure also by an independent computation of the year).
    assert_eq!(
        column("interest on capital"),
        ["£1.43", "£1.53", "£1.58", "£1.63"]
    );
    assert_eq!(
        column("dividend on purchases"),
        ["£4.17", "£4.07", "£7.70", "£7.65"]
    );
    // Over the year: £3.40 + £0.84 + £6.17 + £23.59 = £34.00, as before.
    // cooper: 10p + 13p + 12p + 10p; the last two founders get 4p in Q1
    // (25 of the 27 remainders of .9315p are rounded up).
    assert_eq!(account(&o, "cooper", "interest on capital"), "£0.45");
    assert_eq!(account(&o, "howarth", "interest on capital"), "£0.22");
    assert_eq!(account(&o, "r_taylor", "interest on capital"), "£0.21");
    // Credited to capital up to £5.00: a £5.00 buyer's dividends (13p +
    // 13p + 24p + 24p for howarth) all go to capital, £4.74; an £8.00
    // buyer's reach £5.00 in Q4 (£4.78 + 22p of 37p) and 15p is paid;
    // cooper, holding £10.00 then £8.00, is paid all of his.
    assert_eq!(account(&o, "howarth", "capital"), "£4.74");
    assert_eq!(account(&o, "scowcroft", "capital"), "£4.70");
    assert_eq!(account(&o, "howarth", "dividend on purchases"), "");
    assert_eq!(account(&o, "smith", "capital"), "£5.00");
    assert_eq!(account(&o, "smith", "dividend on purchases"), "£0.15");
    assert_eq!(account(&o, "cooper", "dividend on purchases"), "£0.74");
    assert_eq!(fund(&o, "reserve fund"), "£3.40");
    assert_eq!(fund(&o, "education fund"), "£0.84");
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
            (40, "withdrawals need notice (article 13): 14 < 30"),
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

#[test]
fn figures_from_the_books_are_read_as_booked_so_far() {
    let program = program("tests/rulebooks/so-far.coop");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    let failed: Vec<_> = o
        .steps
        .iter()
        .filter(|s| s.status != StepStatus::Done)
        .map(|s| format!("{}: {:?} {:?}", s.what, s.reasons, s.diagnostic))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    // ada: £90.00 / 4 = £22.50, then £100.01 / 4 = £25.0025 up to £25.01
    // (her own £40.00 of costs not yet counted); after the close the costs
    // so far are £0.00 and she is charged nothing. ben: £25.01.
    assert_eq!(account(&o, "ada", "recovered"), "£47.51");
    assert_eq!(account(&o, "ben", "recovered"), "£25.01");
    assert!(o.trial_balance.balanced);
}

#[test]
fn a_figure_given_only_at_the_close_is_missing_during_the_period_with_a_scenario_help() {
    // `sales` is not kept in the books, so an act cannot read it before
    // the close: E0402, and the help says how to take it from the books
    // rather than pointing at an example's `period { ... }`.
    let text = std::fs::read_to_string("tests/rulebooks/so-far.coop")
        .expect("readable")
        .replace(
            "costs: Money = debits of \"costs\"",
            "costs: Money = debits of \"costs\"\n  sales: Money",
        )
        .replace(
            "period.costs / 4, to 0.01, up) to",
            "period.sales / 4, to 0.01, up) to",
        );
    let program = rochdale::check_source(&text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    let charge = o
        .steps
        .iter()
        .find(|s| s.what == "charge(ada)")
        .expect("the first charge");
    assert_eq!(charge.status, StepStatus::Failed);
    let d = charge.diagnostic.as_ref().expect("a diagnostic");
    assert_eq!(d.code.as_str(), "E0402");
    assert_eq!(d.message, "the period's `sales` is not given");
    let help = d.help.as_deref().unwrap_or_default();
    assert!(
        help.starts_with("`sales` is given at the close (`close period { sales ... }`)"),
        "{help}"
    );
    assert!(
        help.contains("sales: Money = debits of \"costs\""),
        "{help}"
    );
}

#[test]
fn repeated_steps_expand_by_date_and_merge_with_the_written_ones() {
    let program = program("tests/rulebooks/repetition.coop");
    let scenario = &program.scenarios[0];
    // 2 joins, 52 weekly rents, 24 monthly rents, 2 closes, 1 written rent.
    assert_eq!(scenario.steps.len(), 2 + 52 + 24 + 2 + 1);
    let dates: Vec<String> = scenario
        .steps
        .iter()
        .map(|s| rochdale::value::format_date(s.date))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "the merged timeline is in date order");
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    assert!(o.steps.iter().all(|s| s.status == StepStatus::Done));
    let attr = |member: &str| {
        let m = o.members.iter().find(|m| m.name == member).expect("member");
        m.attributes
            .iter()
            .find(|a| a.name == "rent_paid")
            .map(|a| a.value.display.clone())
            .unwrap_or_default()
    };
    assert_eq!(attr("ada"), "£5,201.00");
    assert_eq!(attr("ben"), "£240.00");
    // The closes fall on each year's last day. The first year's rents:
    // £5,200.00 (ada, weekly) + £120.00 (ben, 12 months) + £1.00; the
    // second year's only ben's £120.00.
    let closes: Vec<(&str, String)> = o
        .periods
        .iter()
        .map(|p| {
            let rents = p
                .figures
                .iter()
                .find(|f| f.name == "rents")
                .map(|f| f.value.display.clone())
                .unwrap_or_default();
            (p.closed_on.as_str(), rents)
        })
        .collect();
    assert_eq!(
        closes,
        [
            ("2027-03-31", "£5,321.00".to_string()),
            ("2028-03-31", "£120.00".to_string())
        ]
    );
    // Within the last month, the payment of 1 March runs before the close.
    let last_pay = dates.iter().rposition(|d| d == "2028-03-01").expect("paid");
    assert_eq!(dates[last_pay + 1], "2028-03-31");
}

#[test]
fn a_dated_parameter_takes_the_value_in_force_on_each_steps_date() {
    let text = std::fs::read_to_string("tests/rulebooks/dated-rate.coop").expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    // Where no date is known (no `in force` date): the latest value.
    assert_eq!(
        rochdale::value::format_date(program.params[0].dated[2].0),
        "2025-10-01"
    );
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    // £12.60 × 8 = £100.80 on 15 September, £13.45 × 8 = £107.60 on 15 October.
    assert_eq!(account(&o, "ada", "owed"), "£208.40");

    // A shift before the first value's date: nothing in force, E0707.
    let early = text
        .replace(
            "on 2025-09-15 work(ada, 8 hour)",
            "on 2023-09-15 work(ada, 8 hour)",
        )
        .replace("on 2025-09-01 join(ada)", "on 2023-09-01 join(ada)");
    let program = rochdale::check_source(&early).program.expect("checks");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    let d = o.steps[1].diagnostic.as_ref().expect("not in force");
    assert_eq!(d.code.as_str(), "E0707");
    assert_eq!(
        d.message,
        "`living_wage` has no value in force on 2023-09-15: its first value is from 2023-10-01"
    );
    // The October shift is paid at £13.45 × 8 = £107.60 only.
    assert_eq!(account(&o, "ada", "owed"), "£107.60");

    // A scenario cannot set a dated parameter to one value.
    let set = text.replace(
        "  on 2025-09-01 join(ada)",
        "  parameter living_wage = £20.00 per hour\n  on 2025-09-01 join(ada)",
    );
    let checked = rochdale::check_source(&set);
    assert!(checked.program.is_none());
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() == "E0315"
                && d.message
                    .contains("`living_wage` changes by date in the rulebook")),
        "{:?}",
        checked.diagnostics
    );
}

#[test]
fn an_example_dated_before_a_parameters_first_value_reads_nothing() {
    let text = std::fs::read_to_string("tests/rulebooks/dated-rate.coop")
        .expect("readable")
        .replace("on 2025-09-30\n", "on 2023-09-30\n");
    let report = rochdale::test_source(&SourceFile::new("early.coop", text));
    let failed = report
        .examples
        .iter()
        .find(|e| e.name == "the day before the 2025 rise")
        .expect("the example");
    assert!(!failed.passed);
    let d = failed.expectations[0]
        .diagnostic
        .as_ref()
        .expect("a diagnostic");
    assert_eq!(d.code.as_str(), "E0707");
    assert_eq!(
        d.message,
        "`living_wage` has no value in force on 2023-09-30: its first value is from 2023-10-01"
    );
}

#[test]
fn an_optional_date_is_checked_before_it_is_used() {
    // tests/rulebooks/optional.coop: `notice_given: Date?`, none until
    // notice is given and again after a withdrawal or a cancellation.
    let program = program("tests/rulebooks/optional.coop");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    let statuses: Vec<(&str, StepStatus, Vec<String>)> = o
        .steps
        .iter()
        .map(|s| (s.what.as_str(), s.status, s.reasons.clone()))
        .collect();
    let refused = |why: &str| (StepStatus::Refused, vec![why.to_string()]);
    // no notice: refused with the first clause's reason only (the second
    // cannot be computed without a date, and is not reported)
    assert_eq!(
        (statuses[2].1, statuses[2].2.clone()),
        refused("withdrawals need notice")
    );
    // 1 to 20 February: 19 days of the 30 needed
    assert_eq!(
        (statuses[4].1, statuses[4].2.clone()),
        refused("withdrawals need 30 days' notice: 19 < 30")
    );
    // 1 February to 3 March: 27 + 3 = 30 days: done
    assert_eq!(statuses[5].1, StepStatus::Done);
    // ben's notice set, then set to none: refused again
    assert_eq!(
        (statuses[8].1, statuses[8].2.clone()),
        refused("withdrawals need notice")
    );
    assert_eq!(account(&o, "ada", "share capital"), "£5.00");
    assert_eq!(account(&o, "ben", "share capital"), "£10.00");
    assert!(o.trial_balance.balanced);
    let notice = |who: &str| {
        let m = o.members.iter().find(|m| m.name == who).expect("member");
        let a = m
            .attributes
            .iter()
            .find(|a| a.name == "notice_given")
            .expect("attribute");
        (a.value.ty.clone(), a.value.value.clone())
    };
    // withdrawn: the notice is used up; cancelled: none
    assert_eq!(notice("ada"), ("Date?".to_string(), "none".to_string()));
    assert_eq!(notice("ben"), ("Date?".to_string(), "none".to_string()));
}

#[test]
fn an_optional_date_is_none_from_an_empty_cell_a_none_cell_and_json_null() {
    let dir = std::env::temp_dir().join(format!("rochdale-optional-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("members.csv");
    std::fs::write(
        &csv,
        "name,shares,notice_given\ndee,£0,\neve,£0,2026-01-05\nfay,£0,none\n",
    )
    .expect("written");
    let json = dir.join("scenario.json");
    let mut steps = String::new();
    for who in ["dee", "eve", "fay", "gus"] {
        steps.push_str(&format!(
            r#"{{"date": "2026-01-02", "act": "join", "args": ["{who}", "£10.00"]}},"#
        ));
    }
    for who in ["dee", "eve", "fay", "gus"] {
        steps.push_str(&format!(
            r#"{{"date": "2026-03-01", "act": "withdraw", "args": ["{who}", "£5.00"]}},"#
        ));
    }
    steps.pop();
    std::fs::write(
        &json,
        format!(
            r#"{{"members": [{{"name": "gus", "shares": "£0", "notice_given": null}}], "steps": [{steps}]}}"#
        ),
    )
    .expect("written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args([
            "simulate",
            "tests/rulebooks/optional.coop",
            "--format",
            "csv",
        ])
        .arg("--scenario-file")
        .arg(&json)
        .arg("--members")
        .arg(&csv)
        .output()
        .expect("runs");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // Only eve gave notice (5 January to 1 March: 26 + 28 + 1 = 55 days, at
    // least 30): she withdraws £5.00 of her £10.00 and her notice is used
    // up; the other three have none and keep £10.00.
    let row = |who: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{who},")))
            .unwrap_or_default()
            .to_string()
    };
    for who in ["dee", "fay", "gus"] {
        assert!(
            row(who).contains("10.00") && row(who).contains("none"),
            "{who}: {}",
            row(who)
        );
    }
    assert!(
        row("eve").contains("5.00") && row("eve").contains("none"),
        "{}",
        row("eve")
    );
}

#[test]
fn a_json_repetition_makes_the_same_timeline_as_the_rulebooks_every() {
    // tests/rulebooks/repetition.coop's scenario written in JSON: the same
    // steps on the same dates, in the same order, and the same figures.
    let program = program("tests/rulebooks/repetition.coop");
    let written = &program.scenarios[0];
    let json = r#"{"members": [{"name": "ada"}, {"name": "ben"}], "steps": [
        {"date": "2026-04-01", "act": "join", "args": ["ada"]},
        {"date": "2026-04-01", "act": "join", "args": ["ben"]},
        {"every": "week", "from": "2026-04-06", "to": "2027-03-29",
         "steps": [{"act": "pay_rent", "args": ["ada", "£100.00"]}]},
        {"every": "year", "from": "2026-04-01", "times": 2, "steps": [
            {"every": "month", "steps": [{"act": "pay_rent", "args": ["ben", "£10.00"]}]},
            {"on": "last day", "close": true}]},
        {"date": "2026-10-15", "act": "pay_rent", "args": ["ada", "£1.00"]}
    ]}"#;
    let (scenario, members) = input::read_json(&program, json).expect("reads");
    let timeline = |s: &rochdale::program::ScenarioDef| -> Vec<(String, String)> {
        s.steps
            .iter()
            .map(|step| {
                // What happens, without where it is written.
                let kind = format!("{:?}", step.kind);
                let mut plain = String::new();
                let mut rest = kind.as_str();
                while let Some(i) = rest.find("Span {") {
                    plain.push_str(&rest[..i]);
                    rest = rest[i..].split_once('}').map_or("", |(_, after)| after);
                }
                plain.push_str(rest);
                (rochdale::value::format_date(step.date), plain)
            })
            .collect()
    };
    assert_eq!(scenario.steps.len(), 2 + 52 + 24 + 2 + 1);
    assert_eq!(timeline(&scenario), timeline(written));
    let o = simulate(&program, &scenario, members);
    assert!(o.steps.iter().all(|s| s.status == StepStatus::Done));
    assert_eq!(o.periods.len(), 2);
    assert_eq!(o.periods[0].closed_on, "2027-03-31");
    assert_eq!(o.periods[1].closed_on, "2028-03-31");
}

#[test]
fn a_json_repetition_that_cannot_be_expanded_is_refused_with_its_path() {
    let program = program("tests/rulebooks/repetition.coop");
    let cases = [
        (
            r#"{"steps": [{"every": "week", "to": "2027-03-29", "steps": []}]}"#,
            "steps[0]: `every week` needs a \"from\" date",
        ),
        (
            r#"{"steps": [{"every": "week", "from": "2027-03-29", "to": "2026-04-06", "steps": [{"act": "join", "args": ["ada"]}]}]}"#,
            "steps[0]: `every week from 2027-03-29 to 2026-04-06` has no occurrence",
        ),
        (
            r#"{"steps": [{"every": "fortnight", "from": "2026-04-06", "times": 2, "steps": []}]}"#,
            "steps[0]: `fortnight` is not a unit of time a repetition can count",
        ),
        (
            r#"{"steps": [{"every": "week", "from": "2026-04-06", "times": 2, "steps": [{"date": "2026-04-07", "act": "join", "args": ["ada"]}]}]}"#,
            "steps[0]: steps[0]: a repeated step takes its dates from the repetition, not a \"date\"",
        ),
        (
            r#"{"steps": [{"act": "join", "args": ["ada"]}]}"#,
            "steps[0]: a step needs a \"date\"",
        ),
    ];
    for (json, message) in cases {
        let Err(errors) = input::read_json(&program, json) else {
            panic!("{message}: read without a problem");
        };
        assert!(
            errors.iter().any(|d| d.message == message),
            "{message}: {:?}",
            errors.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        assert!(
            errors
                .iter()
                .all(|d| d.code.as_str() == "E0600" || d.code.as_str() == "E0710")
        );
    }
}

#[test]
fn closes_fall_on_the_financial_years_quarter_ends() {
    // tests/rulebooks/calendar.coop: from 1 April in quarters, the closes
    // of `every quarter ... on the last day` are 30 June, 30 September, 31
    // December and 31 March, each accepted by the calendar check.
    let program = program("tests/rulebooks/calendar.coop");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    let closed: Vec<&str> = o.periods.iter().map(|p| p.closed_on.as_str()).collect();
    assert_eq!(
        closed,
        ["2026-06-30", "2026-09-30", "2026-12-31", "2027-03-31"]
    );
    assert!(o.steps.iter().all(|s| s.status == StepStatus::Done));
}

#[test]
fn a_json_scenario_is_held_to_the_financial_year() {
    let program = program("tests/rulebooks/calendar.coop");
    // The first quarter ends on 30 June: a close on 1 July is off the
    // calendar, and a step in October with September not closed is a
    // missed close.
    let off = r#"{"members": [{"name": "ada"}], "steps": [
        {"date": "2026-04-01", "act": "join", "args": ["ada"]},
        {"date": "2026-07-01", "close": true}]}"#;
    let Err(errors) = input::read_json(&program, off) else {
        panic!("a close on 1 July is refused");
    };
    assert_eq!(errors[0].code.as_str(), "E0704");
    assert_eq!(
        errors[0].message,
        "steps[1]: this close is dated 2026-07-01, but the period runs from 2026-04-01 to 2026-06-30"
    );
    let missed = r#"{"members": [{"name": "ada"}], "steps": [
        {"date": "2026-04-01", "act": "join", "args": ["ada"]},
        {"date": "2026-06-30", "close": true},
        {"date": "2026-10-01", "act": "pay", "args": ["ada", "£1.00"]}]}"#;
    let Err(errors) = input::read_json(&program, missed) else {
        panic!("a quarter left open is refused");
    };
    assert_eq!(errors[0].code.as_str(), "E0705");
    assert_eq!(
        errors[0].message,
        "steps[2]: the period that ended on 2026-09-30 was not closed"
    );
    assert!(
        errors[0]
            .help
            .as_deref()
            .is_some_and(|h| h
                .contains("the periods end on 30 June, 30 September, 31 December and 31 March")),
        "{:?}",
        errors[0].help
    );
    // Stopping in the middle of a period is allowed.
    let partway = r#"{"members": [{"name": "ada"}], "steps": [
        {"date": "2026-04-01", "act": "join", "args": ["ada"]},
        {"date": "2026-05-01", "act": "pay", "args": ["ada", "£1.00"]}]}"#;
    assert!(input::read_json(&program, partway).is_ok());
}

/// Runs the scenario `name` of tests/rulebooks/interest.coop, every step done.
fn interest_scenario(name: &str) -> SimulationOutcome {
    let program = program("tests/rulebooks/interest.coop");
    let scenario = program
        .scenarios
        .iter()
        .find(|s| s.name == name)
        .expect("scenario");
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    let failed: Vec<_> = o
        .steps
        .iter()
        .filter(|s| s.status != StepStatus::Done)
        .map(|s| format!("{}: {:?} {:?}", s.what, s.reasons, s.diagnostic))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(o.trial_balance.balanced);
    o
}

#[test]
fn interest_is_pro_rata_for_the_days_capital_was_held() {
    let o = interest_scenario("a year of interest");
    // ada: £1,000.00 all 365 days: £50.00.
    assert_eq!(account(&o, "ada", "interest due"), "£50.00");
    // ben: £1,000.00 for 183 days, then £600.00 for 182:
    // (183,000 + 109,200) × 5% / 365 = £40.027... → £40.02.
    assert_eq!(account(&o, "ben", "interest due"), "£40.02");
    // cy: joined 1 July, 274 days: £50 × 274/365 = £37.534... → £37.53.
    assert_eq!(account(&o, "cy", "interest due"), "£37.53");
    // days_member: ada all 365 days, cy from 1 July, 274.
    let attribute = |name: &str, attribute: &str| {
        let m = o.members.iter().find(|m| m.name == name).expect("member");
        m.attributes
            .iter()
            .find(|a| a.name == attribute)
            .map(|a| a.value.display.clone())
            .unwrap_or_default()
    };
    assert_eq!(attribute("ada", "days_so_far"), "365");
    assert_eq!(attribute("cy", "days_so_far"), "274");
    // dee is a member all year but holds capital only from 1 April to
    // 1 June: 30 + 31 = 61 days.
    assert_eq!(attribute("dee", "days_so_far"), "365");
    // days_held: ben keeps £600.00 after his withdrawal, so all 365; cy
    // from 1 July, 274; dee 61.
    assert_eq!(attribute("ben", "held_so_far"), "365");
    assert_eq!(attribute("cy", "held_so_far"), "274");
    assert_eq!(attribute("dee", "held_so_far"), "61");
}

#[test]
fn interest_follows_a_rate_that_changes_within_the_period() {
    let o = interest_scenario("a rate that changes mid-year");
    // 183 days at 5%, 182 at 6%: £1,000 × (9.15 + 10.92) / 365 = £54.986... → £54.98.
    assert_eq!(account(&o, "ada", "interest due"), "£54.98");
    // ben joined 1 November, after the change: 151 days at 6%: £24.82.
    assert_eq!(account(&o, "ben", "interest due"), "£24.82");
}

#[test]
fn spains_interest_runs_from_the_day_capital_was_paid_at_the_rate_of_each_day() {
    // rulebooks/worker-cooperative-spain.coop, the year 2026 (worked in its
    // comment): 5% a year to 29 June, 6% from the amendment of 30 June.
    let program = program("rulebooks/worker-cooperative-spain.coop");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    // €3,000.00 × (0.05 × 179 + 0.06 × 185) / 365 = €164.794... → €164.79
    assert_eq!(account(&o, "amaia", "interest on capital"), "€164.79");
    assert_eq!(account(&o, "bittor", "interest on capital"), "€164.79");
    // €1,500.00 × 20.05 / 365 = €82.397... → €82.39
    assert_eq!(account(&o, "carmen", "interest on capital"), "€82.39");
    // joined 1 July: €750.00 × 6% × 184/365 = €22.684... → €22.68 (not a
    // whole year's €45.00)
    assert_eq!(account(&o, "eneko", "interest on capital"), "€22.68");
    assert_eq!(fund(&o, "compulsory reserve fund"), "€4,313.07");
    assert!(o.trial_balance.balanced);
}

#[test]
fn a_scenario_knows_the_dates_of_the_period_it_is_in() {
    // tests/rulebooks/calendar.coop: from 1 April in quarters. A payment
    // on 15 May is in the quarter 1 April to 30 June; after the close of
    // 30 June, one on 15 August is in 1 July to 30 September.
    let program = program("tests/rulebooks/calendar.coop");
    let statement = |steps: &str| {
        let json = format!(r#"{{"members": [{{"name": "ada"}}], "steps": [{steps}]}}"#);
        let timeline = input::read_json(&program, &json).expect("reads");
        let o = rochdale::simulate::simulate(&program, &timeline.0, timeline.1);
        assert!(o.steps.iter().all(|s| s.status == StepStatus::Done));
        let ada = o.members.iter().find(|m| m.name == "ada").expect("ada");
        let attribute = |name: &str| {
            ada.attributes
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.value.display.clone())
                .unwrap_or_default()
        };
        (
            attribute("paid_in_period_from"),
            attribute("paid_in_period_to"),
        )
    };
    let join = r#"{"date": "2026-04-01", "act": "join", "args": ["ada"]}"#;
    let may = r#"{"date": "2026-05-15", "act": "pay", "args": ["ada", "£1.00"]}"#;
    assert_eq!(
        statement(&format!("{join}, {may}")),
        ("2026-04-01".to_string(), "2026-06-30".to_string())
    );
    let close = r#"{"date": "2026-06-30", "close": true}"#;
    let august = r#"{"date": "2026-08-15", "act": "pay", "args": ["ada", "£1.00"]}"#;
    assert_eq!(
        statement(&format!("{join}, {may}, {close}, {august}")),
        ("2026-07-01".to_string(), "2026-09-30".to_string())
    );
}

/// The journal lines a step posted, as `debit -> credit amount`.
fn journal_of_step(o: &SimulationOutcome, step: usize) -> Vec<String> {
    o.journal
        .iter()
        .filter(|l| l.step == step)
        .map(|l| format!("{} -> {} {}", l.debit, l.credit, l.amount.display))
        .collect()
}

fn scenario_named<'p>(program: &'p Program, name: &str) -> &'p rochdale::program::ScenarioDef {
    program
        .scenarios
        .iter()
        .find(|s| s.name == name)
        .expect("scenario")
}

#[test]
fn a_loss_is_charged_to_the_reserves_then_to_the_members_as_booked() {
    let program = program("tests/rulebooks/losses.coop");
    let scenario = scenario_named(&program, "a loss charged to the reserves and the members");
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    assert!(
        o.steps.iter().all(|s| s.status == StepStatus::Done),
        "{:?}",
        o.steps
    );
    // Step 6, the close of a loss of £1,000.00: the voluntary reserve's
    // whole £300.00; the compulsory reserve 50% of its £800.00 = £400.00;
    // £300.00 left by purchases 20 : 10 = £200.00 and £100.00; nothing
    // carried forward.
    assert_eq!(
        journal_of_step(&o, 6),
        vec![
            "voluntary reserve -> surplus £300.00",
            "compulsory reserve -> surplus £400.00",
            "ada: share of loss -> surplus £200.00",
            "ben: share of loss -> surplus £100.00",
        ]
    );
    // Each member's charge is a debt on their statement: what the
    // cooperative owes them is negative.
    assert_eq!(account(&o, "ada", "share of loss"), "-£200.00");
    assert_eq!(account(&o, "ben", "share of loss"), "-£100.00");
    // £800.00 - £400.00 = £400.00 left in the compulsory reserve; the
    // voluntary reserve is spent.
    assert_eq!(fund(&o, "compulsory reserve"), "£400.00");
    assert_eq!(fund(&o, "voluntary reserve"), "£0.00");
    // The period records each part and how it was worked out.
    let a = &o.periods[0].allocations[0];
    let parts: Vec<(&str, &str)> = a
        .loss
        .iter()
        .map(|p| (p.label.as_str(), p.total.display.as_str()))
        .collect();
    assert_eq!(
        parts,
        vec![
            ("voluntary reserve", "£300.00"),
            ("compulsory reserve", "£400.00"),
            ("share of loss", "£300.00"),
            ("losses carried forward", "£0.00"),
        ]
    );
    assert!(
        a.loss[1].how.contains("at most 50% of it"),
        "{}",
        a.loss[1].how
    );
    assert!(a.tranches.iter().all(|t| t.total.display == "£0.00"));
    assert!(o.trial_balance.balanced);
}

#[test]
fn a_loss_carried_forward_is_set_against_the_next_surplus_first() {
    let program = program("tests/rulebooks/losses.coop");
    let scenario = scenario_named(
        &program,
        "a loss carried forward and set against the next surplus",
    );
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    // Step 5: nothing in the reserves, nobody active: £250.00 carried forward.
    assert_eq!(
        journal_of_step(&o, 5),
        vec!["losses carried forward -> surplus £250.00"]
    );
    // Step 6: £1,000.00 less the £250.00 carried forward = £750.00 divided:
    // 10% = £75.00 to the reserve fund; £675.00 of dividend nobody active is
    // entitled to, to the reserve "reserve fund" as the tranche says.
    assert_eq!(
        journal_of_step(&o, 6),
        vec![
            "surplus -> losses carried forward £250.00",
            "surplus -> reserve fund £75.00",
            "surplus -> reserve fund £675.00",
        ]
    );
    let a = &o.periods[1].allocations[0];
    assert_eq!(a.amount.display, "£750.00");
    assert_eq!(
        a.set_off.as_ref().map(|v| v.display.as_str()),
        Some("£250.00")
    );
    // £75.00 + £675.00 = £750.00 in the reserve fund; nothing carried.
    assert_eq!(fund(&o, "reserve fund"), "£750.00");
    assert_eq!(fund(&o, "losses carried forward"), "£0.00");
    assert_eq!(account(&o, "ada", "dividend"), "");
    assert!(o.trial_balance.balanced);
}

#[test]
fn a_loss_its_forms_cannot_bear_fails_the_close_naming_the_shortfall() {
    let text = r#"rulebook "Short" currency GBP
member { purchases: Money = £0 }
period { surplus: Money }
allocate period.surplus rounding down {
  dividend: remainder, to each member m in proportion to m.purchases
  if a loss {
    from reserve "reserve fund", at most £50.00
  }
}
act fund(amount: Money) {
  post amount debit "cash" credit "reserve fund"
}
scenario "short" {
  members { ada: purchases £1.00 }
  on 2026-01-01 fund(£80.00)
  on 2026-12-31 close period { surplus -£120.00 }
}
"#;
    let program = rochdale::check_source(text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    // The reserve holds £80.00 but bears at most £50.00: £120.00 - £50.00 =
    // £70.00 uncharged. The close fails and books nothing.
    let close = &o.steps[1];
    assert_eq!(close.status, StepStatus::Failed);
    let d = close.diagnostic.as_ref().expect("a diagnostic");
    assert_eq!(d.code.as_str(), "E0409");
    assert_eq!(
        d.message,
        "a loss of £120.00 is more than its forms can bear: £70.00 is left uncharged"
    );
    assert!(journal_of_step(&o, 2).is_empty());
    assert_eq!(fund(&o, "reserve fund"), "£80.00");
}

#[test]
fn the_land_trust_meets_a_loss_from_its_reserves() {
    let program = program("rulebooks/community-land-trust.coop");
    let scenario = scenario_named(&program, "a year at a loss");
    let o = simulate(&program, scenario, input::MemberTable::inline(scenario));
    assert!(
        o.steps.iter().all(|s| s.status == StepStatus::Done),
        "{:?}",
        o.steps
    );
    // Year 1: £4,500.00 of surplus, rent stabilisation fund £900.00 (what
    // remains after 30% and 50%). Year 2: a loss of £1,000.00, the rent
    // stabilisation fund's £900.00 first, then £100.00 of the repairs
    // reserve's £1,350.00; the council bears nothing.
    let loss: Vec<String> = journal_of_step(&o, 3)
        .into_iter()
        .filter(|l| l.ends_with("-> surplus £900.00") || l.ends_with("-> surplus £100.00"))
        .collect();
    assert_eq!(
        loss,
        vec![
            "rent stabilisation fund -> surplus £900.00",
            "repairs reserve -> surplus £100.00",
        ]
    );
    // £1,350.00 - £100.00 = £1,250.00 left in the repairs reserve.
    assert_eq!(fund(&o, "repairs reserve"), "£1,250.00");
    assert_eq!(fund(&o, "rent stabilisation fund"), "£0.00");
    assert_eq!(account(&o, "council", "share of loss"), "");
    assert!(o.trial_balance.balanced);
}

#[test]
fn an_example_gives_its_reserves_balances_and_the_loss_is_charged_from_them() {
    let program = program("tests/rulebooks/losses.coop");
    let example = program
        .examples
        .iter()
        .find(|e| e.name == "a loss charged to the reserves and the members")
        .expect("example");
    let inputs = rochdale::example::example_inputs(example);
    let outcome = rochdale::eval::Evaluator::new(&program, &inputs)
        .allocation(0)
        .expect("charged");
    let loss = outcome.loss.as_ref().expect("a loss");
    // £1,000.00: voluntary £300.00 (its balance), compulsory 50% of £800.00
    // = £400.00, members £300.00 by 20 : 10 = £200.00 (ada, 0) and £100.00
    // (ben, 1), nothing carried.
    let parts: Vec<(String, String)> = loss
        .parts
        .iter()
        .map(|p| (p.account.clone(), p.total.to_string()))
        .collect();
    assert_eq!(
        parts,
        vec![
            ("voluntary reserve".into(), "300.00".into()),
            ("compulsory reserve".into(), "400.00".into()),
            ("share of loss".into(), "300.00".into()),
            ("losses carried forward".into(), "0.00".into()),
        ]
    );
    let charges: Vec<(u32, String)> = loss.parts[2]
        .members
        .iter()
        .map(|(m, a)| (*m, a.to_string()))
        .collect();
    assert_eq!(charges, vec![(0, "200.00".into()), (1, "100.00".into())]);
}
