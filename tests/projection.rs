//! Projections over financial years (issue 16, item 7): the year-by-year
//! rows of tests/rulebooks/projection.coop as written (three years), run
//! for five years with `--years 5` and for three with `--years 3` (which is
//! the scenario as written), their JSON and CSV, the command line, the
//! API, and what is refused (E0710).
//!
//! The figures, by hand. One member, ada, trades her `usual` once a year
//! (posted debit cash, credit sales), then it grows by 10% (rounded half up
//! to the penny) for the next year; £600.00 of costs are paid on 31 March
//! and the year closes then. The surplus is sales − costs; 10% goes to the
//! reserve (rounded down), the remainder to ada as dividend.
//!
//! | year    | sales     | surplus | reserve | dividend | reserve bal. | ada's dividend bal. | cash (Dr) |
//! |---------|-----------|---------|---------|----------|--------------|---------------------|-----------|
//! | 2026-27 | 1,000.00  | 400.00  | 40.00   | 360.00   | 40.00        | 360.00              | 400.00    |
//! | 2027-28 | 1,100.00  | 500.00  | 50.00   | 450.00   | 90.00        | 810.00              | 900.00    |
//! | 2028-29 | 1,210.00  | 610.00  | 61.00   | 549.00   | 151.00       | 1,359.00            | 1,510.00  |
//! | 2029-30 | 1,331.00  | 731.00  | 73.10   | 657.90   | 224.10       | 2,016.90            | 2,241.00  |
//! | 2030-31 | 1,464.10  | 864.10  | 86.41   | 777.69   | 310.51       | 2,794.59            | 3,105.10  |
//!
//! Sales: 1,000.00 × 1.1 = 1,100.00; × 1.1 = 1,210.00; × 1.1 = 1,331.00;
//! × 1.1 = 1,464.10 (each exact to the penny, so rounding changes nothing).
//! Surplus: sales − 600.00. Reserve: a tenth, exact each year (864.10 / 10 =
//! 86.41). Dividend: surplus − reserve (400.00 − 40.00 = 360.00, ...,
//! 864.10 − 86.41 = 777.69). Balances add up: reserve 40 + 50 + 61 =
//! 151, then 151 + 73.10 = 224.10 and 224.10 + 86.41 = 310.51; dividend
//! 360 + 450 + 549 = 1,359, then 1,359 + 657.90 = 2,016.90 and 2,016.90 +
//! 777.69 = 2,794.59. Cash is what came in less the costs, the surpluses
//! summed (400 + 500 + 610 = 1,510, then 2,241 and 3,105.10), and equals
//! reserve and dividend together (151 + 1,359 = 1,510; 310.51 + 2,794.59 =
//! 3,105.10): nothing else is held.

use std::path::Path;

use rochdale::check::steps::with_years;
use rochdale::program::{Program, ScenarioDef};
use rochdale::simulate::{SimulationOutcome, YearRow};

const PATH: &str = "tests/rulebooks/projection.coop";

fn program_of(path: &str) -> Program {
    let text = std::fs::read_to_string(path).expect("readable");
    rochdale::check_source(&text)
        .program
        .expect("the rulebook checks")
}

fn run(program: &Program, scenario: &ScenarioDef) -> SimulationOutcome {
    let members = rochdale::simulate::input::scenario_members(
        program,
        scenario,
        Path::new("tests/rulebooks"),
    )
    .expect("members");
    rochdale::simulate::simulate(program, scenario, members)
}

/// A row as (year, start, end, surplus, [tranches], [accounts], members,
/// [members' accounts]), every value as displayed.
fn shown(row: &YearRow) -> String {
    let list = |l: &[rochdale::simulate::Named]| {
        l.iter()
            .map(|n| format!("{} {}", n.name, n.value.display))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{} {}..{} surplus {} | {} | {} | {} members | {}",
        row.year,
        row.start,
        row.end,
        row.surplus.display,
        list(&row.tranches),
        list(&row.accounts),
        row.members,
        list(&row.member_accounts)
    )
}

/// The five rows worked in the table above; the first three are the
/// scenario as written.
const FIVE_YEARS: [&str; 5] = [
    "2026-27 2026-04-01..2027-03-31 surplus £400.00 | reserve £40.00, dividend £360.00 | cash -£400.00, reserve £40.00 | 1 members | dividend £360.00",
    "2027-28 2027-04-01..2028-03-31 surplus £500.00 | reserve £50.00, dividend £450.00 | cash -£900.00, reserve £90.00 | 1 members | dividend £810.00",
    "2028-29 2028-04-01..2029-03-31 surplus £610.00 | reserve £61.00, dividend £549.00 | cash -£1,510.00, reserve £151.00 | 1 members | dividend £1,359.00",
    "2029-30 2029-04-01..2030-03-31 surplus £731.00 | reserve £73.10, dividend £657.90 | cash -£2,241.00, reserve £224.10 | 1 members | dividend £2,016.90",
    "2030-31 2030-04-01..2031-03-31 surplus £864.10 | reserve £86.41, dividend £777.69 | cash -£3,105.10, reserve £310.51 | 1 members | dividend £2,794.59",
];

#[test]
fn the_scenario_as_written_has_a_row_a_year() {
    let program = program_of(PATH);
    let outcome = run(&program, &program.scenarios[0]);
    let rows: Vec<String> = outcome.projection.iter().map(shown).collect();
    assert_eq!(rows, FIVE_YEARS[..3]);
    // Cash is a debit balance (credits positive, as `funds`): -1,510.00.
    assert_eq!(outcome.projection[2].accounts[0].value.value, "-1510.00");
}

#[test]
fn three_years_asked_for_are_the_three_years_written() {
    let program = program_of(PATH);
    let written = &program.scenarios[0];
    let asked = with_years(&program, written, 3).expect("a projection");
    // Step for step (dates, places, what), and so the same outcome, byte
    // for byte.
    assert_eq!(format!("{:?}", asked.steps), format!("{:?}", written.steps));
    assert_eq!(
        rochdale::api::to_json(&run(&program, &asked)),
        rochdale::api::to_json(&run(&program, written))
    );
}

#[test]
fn five_years_run_two_more_and_two_fewer() {
    let program = program_of(PATH);
    let written = &program.scenarios[0];
    let five = with_years(&program, written, 5).expect("a projection");
    // join, then 4 steps a year: 1 + 5 × 4 = 21
    assert_eq!(five.steps.len(), 21);
    let rows: Vec<String> = run(&program, &five).projection.iter().map(shown).collect();
    assert_eq!(rows, FIVE_YEARS);
    let one = with_years(&program, written, 1).expect("a projection");
    let rows: Vec<String> = run(&program, &one).projection.iter().map(shown).collect();
    assert_eq!(rows, FIVE_YEARS[..1]);
}

#[test]
fn the_projection_as_csv_and_json() {
    let program = program_of(PATH);
    let five = with_years(&program, &program.scenarios[0], 5).expect("a projection");
    let outcome = run(&program, &five);
    assert_eq!(
        outcome.projection_csv(),
        "year,start,end,surplus,tranche: reserve,tranche: dividend,account: cash,account: reserve,members,members: dividend\n\
         2026-27,2026-04-01,2027-03-31,400.00,40.00,360.00,-400.00,40.00,1,360.00\n\
         2027-28,2027-04-01,2028-03-31,500.00,50.00,450.00,-900.00,90.00,1,810.00\n\
         2028-29,2028-04-01,2029-03-31,610.00,61.00,549.00,-1510.00,151.00,1,1359.00\n\
         2029-30,2029-04-01,2030-03-31,731.00,73.10,657.90,-2241.00,224.10,1,2016.90\n\
         2030-31,2030-04-01,2031-03-31,864.10,86.41,777.69,-3105.10,310.51,1,2794.59\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&rochdale::api::to_json(&outcome)).expect("JSON");
    let last = &json["projection"][4];
    assert_eq!(json["projection"].as_array().map(Vec::len), Some(5));
    assert_eq!(last["year"], "2030-31");
    assert_eq!(last["start"], "2030-04-01");
    assert_eq!(last["end"], "2031-03-31");
    assert_eq!(last["surplus"]["value"], "864.10");
    assert_eq!(last["surplus"]["type"], "Money in GBP");
    assert_eq!(last["tranches"][0]["name"], "reserve");
    assert_eq!(last["tranches"][0]["value"]["value"], "86.41");
    assert_eq!(last["accounts"][1]["name"], "reserve");
    assert_eq!(last["accounts"][1]["value"]["display"], "£310.51");
    assert_eq!(last["members"], 1);
    assert_eq!(last["member_accounts"][0]["name"], "dividend");
    assert_eq!(last["member_accounts"][0]["value"]["value"], "2794.59");
    // The text report's table: the balances with their sides.
    let text = outcome.to_text();
    assert!(
        text.contains("  2030-31  £864.10            £86.41            £777.69   £3,105.10 Dr        £310.51 Cr        1          £2,794.59\n"),
        "{text}"
    );
}

#[test]
fn an_outcome_without_a_financial_year_has_no_projection() {
    // Version 1844.1 of the 1844 rulebook (tests/fixtures) has no
    // `financial year`: its JSON has no `projection` key at all, as before
    // projections.
    let program = program_of("tests/fixtures/rochdale-1844.1.coop");
    let members = rochdale::simulate::input::scenario_members(
        &program,
        &program.scenarios[0],
        Path::new("tests/fixtures"),
    )
    .expect("members");
    let outcome = rochdale::simulate::simulate(&program, &program.scenarios[0], members);
    assert!(outcome.projection.is_empty());
    let json = rochdale::api::to_json(&outcome);
    assert!(!json.contains("\"projection\""));
    assert!(!outcome.to_text().contains("Year by year"));
}

fn refusal(program: &Program, scenario: &ScenarioDef, years: u32) -> (String, String) {
    let ds = with_years(program, scenario, years).expect_err("refused");
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].code.as_str(), "E0710");
    (
        ds[0].message.clone(),
        ds[0].help.clone().unwrap_or_default(),
    )
}

#[test]
fn a_projection_needs_a_yearly_block_a_financial_year_and_a_year() {
    let program = program_of(PATH);
    let (message, help) = refusal(&program, &program.scenarios[0], 0);
    assert_eq!(message, "a projection over no years has no occurrence");
    assert_eq!(help, "ask for one year or more, such as `--years 5`");

    let without_block = program_of("rulebooks/rochdale-1844.coop");
    let (message, help) = refusal(&without_block, &without_block.scenarios[0], 5);
    assert_eq!(
        message,
        "the scenario \"first year\" has no `every year` block to repeat"
    );
    assert_eq!(
        help,
        "`--years` repeats a scenario's `every year` block; this scenario has none"
    );

    // tests/rulebooks/repetition.coop repeats every year but has no
    // financial year to count them by.
    let without_year = program_of("tests/rulebooks/repetition.coop");
    let (message, help) = refusal(&without_year, &without_year.scenarios[0], 5);
    assert_eq!(
        message,
        "a projection counts financial years, but the rulebook declares none"
    );
    assert!(help.starts_with("declare the financial year"), "{help}");
}

#[test]
fn the_api_and_the_command_line_project() {
    let text = std::fs::read_to_string(PATH).expect("readable");
    let file = rochdale::SourceFile::new(PATH, text);
    let request = rochdale::api::RunRequest::from_json(r#"{"years": 5}"#).expect("request");
    let json = rochdale::api::simulate(&file, &request).expect("simulated");
    let outcome: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(outcome["projection"][4]["year"], "2030-31");
    let csv = rochdale::api::projection_csv(&file, &request).expect("CSV");
    assert_eq!(csv.lines().count(), 6, "{csv}");

    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(["simulate", PATH, "--years", "5", "--format", "csv"])
        .output()
        .expect("runs");
    assert!(cli.status.success());
    assert_eq!(String::from_utf8_lossy(&cli.stdout), csv);

    // A scenario file is run as written: --years is refused (exit 2).
    let json_scenario =
        std::env::temp_dir().join(format!("rochdale-projection-{}.json", std::process::id()));
    std::fs::write(&json_scenario, r#"{"name": "x", "steps": []}"#).expect("written");
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(["simulate", PATH, "--years", "5", "--scenario-file"])
        .arg(&json_scenario)
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&json_scenario);
    assert_eq!(cli.status.code(), Some(2));
    let err = String::from_utf8_lossy(&cli.stderr);
    assert!(err.contains("E0710"), "{err}");
    assert!(err.contains("a scenario file runs as written"), "{err}");

    // Through the API, a JSON scenario has no block to repeat.
    let request = rochdale::api::RunRequest::from_json(
        r#"{"years": 5, "scenario_json": "{\"name\": \"x\", \"steps\": []}"}"#,
    )
    .expect("request");
    let failure = rochdale::api::simulate(&file, &request).expect_err("refused");
    assert_eq!(failure.diagnostics[0].code.as_str(), "E0710");
    assert_eq!(
        failure.diagnostics[0].help.as_deref(),
        Some(
            "`--years` repeats the `every year` block of a scenario written in the rulebook; a scenario file runs as written"
        )
    );
}

#[test]
fn a_year_of_quarters_is_one_row_and_an_open_year_none() {
    // A calendar year in quarters: each quarter ada sells £100.00, all
    // surplus; 10% to the reserve (£10.00), the rest to her (£90.00). The
    // first four quarters close 2026: surplus 4 × £100.00 = £400.00, reserve
    // 4 × £10.00 = £40.00, dividend 4 × £90.00 = £360.00, cash £400.00 Dr.
    // Quarters five and six (2027) do not end a year: no row for 2027.
    let text = r#"rulebook "Quarters" version "1" currency GBP
  financial year from 1 January in quarters

member {
  trade: Money = £0
}

period {
  sales: Money = credits of "sales"
}

rule surplus: Money = period.sales

allocate surplus rounding down {
  reserve: 10%
  dividend: remainder, to each member m in proportion to m.trade
}

act join(m) {
  admit m
}

act sell(m, amount: Money) {
  add amount to m.trade
  post amount debit "cash" credit "sales"
}

scenario "six quarters" {
  members {
    ada: trade £0
  }
  on 2026-01-01 join(ada)
  every quarter from 2026-01-01 for 6 quarters {
    sell(ada, £100.00)
    on the last day close period
  }
}
"#;
    let program = rochdale::check_source(text).program.expect("checks");
    let outcome = run(&program, &program.scenarios[0]);
    assert_eq!(outcome.periods.len(), 6);
    let rows: Vec<String> = outcome.projection.iter().map(shown).collect();
    assert_eq!(
        rows,
        [
            "2026 2026-01-01..2026-12-31 surplus £400.00 | reserve £40.00, dividend £360.00 | cash -£400.00, reserve £40.00 | 1 members | dividend £360.00"
        ]
    );
    // No `every year` block: a projection over years is refused.
    let (message, _) = refusal(&program, &program.scenarios[0], 2);
    assert_eq!(
        message,
        "the scenario \"six quarters\" has no `every year` block to repeat"
    );
}

#[test]
fn nested_blocks_and_written_steps_are_kept_in_a_projection() {
    // Every month of each financial year (from 1 April) ada pays £10.00,
    // and the year closes on its last day; a step written after the block
    // falls inside it by date (15 October 2026) and stays there.
    let text = r#"rulebook "Monthly" version "1" currency GBP
  financial year from 1 April

member {
  paid: Money = £0
}

act join(m) {
  admit m
}

act pay(m, amount: Money) {
  add amount to m.paid
  post amount debit "cash" credit "subscriptions"
}

scenario "two years of months" {
  members {
    ada: paid £0
  }
  on 2026-04-01 join(ada)
  every year from 2026-04-01 for 2 years {
    every month {
      pay(ada, £10.00)
    }
    on the last day close period
  }
  on 2026-10-15 pay(ada, £1.00)
}
"#;
    let program = rochdale::check_source(text).program.expect("checks");
    let written = &program.scenarios[0];
    // join, 2 × (12 payments + a close), the written payment: 1 + 26 + 1 = 28
    assert_eq!(written.steps.len(), 28);
    let two = with_years(&program, written, 2).expect("a projection");
    assert_eq!(format!("{:?}", two.steps), format!("{:?}", written.steps));
    // A third year: 13 more steps, the last a close on 31 March 2029.
    let three = with_years(&program, written, 3).expect("a projection");
    assert_eq!(three.steps.len(), 41);
    let last = three.steps.last().expect("steps");
    assert_eq!(last.date.to_string(), "2029-03-31");
    assert_eq!(last.place, "step 41 of the scenario");
    // The written payment is still the step after the 1 October payment
    // (join, then April to October: 1 + 7 = 8 steps before it).
    assert_eq!(three.steps[8].date.to_string(), "2026-10-15");
    // Each year's row: 12 × £10.00 = £120.00 paid, and the extra £1.00 in
    // the first; cash £121.00, £241.00, £361.00.
    let outcome = run(&program, &three);
    let cash: Vec<&str> = outcome
        .projection
        .iter()
        .map(|y| y.accounts[0].value.display.as_str())
        .collect();
    assert_eq!(cash, ["-£121.00", "-£241.00", "-£361.00"]);
}
