//! Amendments with an effective date (issue 16, item 4; docs/language.md,
//! "When amendments take effect"): each form of `effective`, the figures
//! worked by hand, the JSON step form, E0709, and the formatter.
//!
//! Most tests run one small rulebook: £1,000.00 of capital paid on
//! 1 January 2026, interest accrued at `rate` (3% a year, actual/365), a
//! motion on 1 March 2026 raising it to 6%, interest paid and the year
//! closed on 31 December. A year is 365 days (2026 is not a leap year);
//! interest read on 31 December runs to 1 January 2027.

use rochdale::simulate::{SimulationOutcome, StepStatus, input, simulate};
use rochdale::{Program, check_source};

/// The rulebook, with `resolution` as the ordinary resolution's extra
/// line, `header` as the header's extra lines and `steps` as the
/// scenario's steps.
fn rulebook(header: &str, resolution: &str, steps: &str) -> String {
    format!(
        r#"rulebook "Effective dates" version "1" currency GBP
{header}
  day count actual/365

member {{
  capital: Money = £0
}}

parameter rate: Percent per year = 3% per year

limit rate_cap: rate <= 10% per year

rule interest(m): Money = round(accrued(m.capital, rate), to 0.01, down)

resolution ordinary "Ordinary resolution" {{
  passes when for > 50% of cast
  {resolution}
}}

act join(m, paid: Money) {{
  admit m
  add paid to m.capital
  post paid debit "cash" credit "capital"
}}

act pay_interest(m) {{
  post interest(m) debit "interest" credit "interest due" of m
}}

scenario "a year" {{
  members {{
    ada: capital £0
  }}
  on 2026-01-01 join(ada, £1000.00)
{steps}
}}
"#
    )
}

const YEAR: &str = "  financial year from 1 January";

/// The motion of 1 March with `clause` after its amendment, then the
/// interest and the close on 31 December.
fn a_year_with(clause: &str) -> String {
    format!(
        "  on 2026-03-01 motion ordinary {{ for ada }} amend rate = 6% per year{clause}\n  \
         on 2026-12-31 pay_interest(ada)\n  on 2026-12-31 close period"
    )
}

fn program(text: &str) -> Program {
    let checked = check_source(text);
    checked
        .program
        .unwrap_or_else(|| panic!("{:#?}\n{text}", checked.diagnostics))
}

fn run(text: &str) -> SimulationOutcome {
    let program = program(text);
    let scenario = &program.scenarios[0];
    simulate(&program, scenario, input::MemberTable::inline(scenario))
}

fn interest_due(o: &SimulationOutcome) -> String {
    let ada = o.members.iter().find(|m| m.name == "ada").expect("ada");
    ada.accounts
        .iter()
        .find(|a| a.name == "interest due")
        .map(|a| a.value.display.clone())
        .unwrap_or_default()
}

fn rate_at_the_end(o: &SimulationOutcome) -> String {
    o.parameters
        .iter()
        .find(|p| p.name == "rate")
        .map(|p| p.value.display.clone())
        .expect("rate")
}

fn codes(text: &str) -> Vec<String> {
    check_source(text)
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect()
}

#[test]
fn on_adoption_the_rate_changes_the_day_the_motion_passes() {
    let o = run(&rulebook(YEAR, "", &a_year_with("")));
    // 1 January to 1 March: 31 + 28 = 59 days at 3%, then 306 at 6%:
    // £1,000 × (0.03 × 59 + 0.06 × 306) / 365 = £1,000 × 20.13 / 365
    // = £55.150684... → £55.15
    assert_eq!(interest_due(&o), "£55.15");
    let a = &o.amendments[0];
    assert_eq!(
        (a.date.as_str(), a.effective.as_str()),
        ("2026-03-01", "2026-03-01")
    );
    // The provenance line of an amendment in force on adoption is as it was.
    assert_eq!(
        a.in_force.amendments,
        ["2026-03-01: rate = 6% per year by ordinary (1 for, 0 against)"]
    );
    // Written out, `effective on adoption` is the same.
    let written = run(&rulebook(YEAR, "", &a_year_with(" effective on adoption")));
    assert_eq!(interest_due(&written), "£55.15");
}

#[test]
fn on_a_date_the_rate_changes_on_that_date_not_at_the_next_step() {
    let o = run(&rulebook(YEAR, "", &a_year_with(" effective 2026-04-29")));
    // No step between 1 March and 31 December: the rate still changes on
    // 29 April. 1 January to 29 April: 31 + 28 + 31 + 28 = 118 days at 3%,
    // 365 - 118 = 247 at 6%: £1,000 × (3.54 + 14.82) / 365 = £18,360 / 365
    // = £50.301369... → £50.30
    assert_eq!(interest_due(&o), "£50.30");
    let a = &o.amendments[0];
    assert_eq!(
        (a.date.as_str(), a.effective.as_str()),
        ("2026-03-01", "2026-04-29")
    );
    assert_eq!(
        a.in_force.amendments,
        ["2026-03-01: rate = 6% per year by ordinary (1 for, 0 against), in force from 2026-04-29"]
    );
    // The close (after 29 April) is under the amended rules.
    assert_eq!(o.periods[0].in_force.amendments, a.in_force.amendments);
    assert_eq!(rate_at_the_end(&o), "6% per year");
}

#[test]
fn days_after_adoption() {
    let o = run(&rulebook(
        YEAR,
        "",
        &a_year_with(" effective 28 days after adoption"),
    ));
    // 1 March + 28 days = 29 March. 1 January to 29 March: 31 + 28 + 28 =
    // 87 days at 3%, 278 at 6%: £1,000 × (2.61 + 16.68) / 365 = £19,290 /
    // 365 = £52.849315... → £52.84
    assert_eq!(interest_due(&o), "£52.84");
    assert_eq!(o.amendments[0].effective, "2026-03-29");
}

#[test]
fn a_resolution_sets_the_default_and_a_motion_its_own() {
    let default = "amendments effective 28 days after adoption";
    // The resolution's 28 days: as above, £52.84.
    let o = run(&rulebook(YEAR, default, &a_year_with("")));
    assert_eq!(interest_due(&o), "£52.84");
    assert_eq!(o.amendments[0].effective, "2026-03-29");
    // The motion's own clause wins: on adoption, £55.15 as in the first test.
    let own = run(&rulebook(
        YEAR,
        default,
        &a_year_with(" effective on adoption"),
    ));
    assert_eq!(interest_due(&own), "£55.15");
    assert_eq!(own.amendments[0].effective, "2026-03-01");
}

#[test]
fn next_period_under_a_financial_year_is_the_day_after_its_end() {
    let steps = format!(
        "{}\n  on 2027-06-30 pay_interest(ada)",
        a_year_with(" effective next period")
    );
    let o = run(&rulebook(YEAR, "", &steps));
    assert!(o.steps.iter().all(|s| s.status == StepStatus::Done));
    // The year from 1 January ends on 31 December: in force 1 January 2027.
    assert_eq!(o.amendments[0].effective, "2027-01-01");
    // 2026 all at 3%: £30.00; the first year's close is under the rules
    // unamended.
    assert!(o.periods[0].in_force.amendments.is_empty());
    // 2027, 1 January to 1 July: 31 + 28 + 31 + 30 + 31 + 30 = 181 days at
    // 6%: £1,000 × 0.06 × 181 / 365 = £10,860 / 365 = £29.753424... → £29.75;
    // £30.00 + £29.75 = £59.75 due.
    assert_eq!(interest_due(&o), "£59.75");
}

#[test]
fn next_period_without_a_financial_year_is_the_day_after_the_close() {
    let steps = "  on 2026-03-01 motion ordinary { for ada } amend rate = 6% per year effective next period\n  \
                 on 2026-06-30 pay_interest(ada)\n  on 2026-06-30 close period\n  \
                 on 2026-12-31 pay_interest(ada)";
    let o = run(&rulebook("", "", steps));
    assert_eq!(o.amendments[0].effective, "2026-07-01");
    // First period 1 January to 1 July, 181 days at 3%: £5,430 / 365 =
    // £14.876712... → £14.87. Second, 1 July to 1 January, 184 days at 6%:
    // £11,040 / 365 = £30.246575... → £30.24. £14.87 + £30.24 = £45.11.
    assert_eq!(interest_due(&o), "£45.11");
}

#[test]
fn a_pending_amendment_never_reached_is_listed_and_changes_nothing() {
    let text = std::fs::read_to_string("tests/rulebooks/after-the-close.coop").expect("readable");
    let o = run(&text);
    // 10 March 2027 + 28 days = 7 April 2027, after the close of 31 March:
    // the reserve is £1,000.00 × 30% = £300.00, not £350.00.
    let reserve = o
        .funds
        .iter()
        .find(|f| f.name == "reserve")
        .map(|f| f.value.display.clone());
    assert_eq!(reserve.as_deref(), Some("£300.00"));
    let a = &o.amendments[0];
    assert_eq!(
        (
            a.date.as_str(),
            a.effective.as_str(),
            a.new.display.as_str()
        ),
        ("2027-03-10", "2027-04-07", "35%")
    );
    assert!(o.periods[0].in_force.amendments.is_empty());
    assert!(!o.periods[0].in_force.label().contains("as amended"));
    let text_out = o.to_text();
    assert!(
        text_out.contains("2027-03-10  in force from 2027-04-07  reserve_share: 30% → 35%"),
        "{text_out}"
    );
    let json = serde_json::to_value(&o).expect("JSON");
    assert_eq!(json["amendments"][0]["effective"], "2027-04-07");
    assert_eq!(json["amendments"][0]["date"], "2027-03-10");
}

#[test]
fn limits_are_checked_at_adoption_with_the_new_value() {
    let o = run(&rulebook(
        YEAR,
        "",
        "  on 2026-03-01 motion ordinary { for ada } amend rate = 12% per year effective 2026-04-29\n  \
         on 2026-12-31 pay_interest(ada)",
    ));
    // 12% > 10%: refused at adoption, nothing pending, 3% all year = £30.00.
    assert_eq!(o.steps[1].status, StepStatus::Refused);
    assert!(o.amendments.is_empty());
    assert_eq!(interest_due(&o), "£30.00");
}

#[test]
fn an_amendment_effective_before_adoption_is_e0709() {
    let text = rulebook(YEAR, "", &a_year_with(" effective 2026-02-28"));
    assert_eq!(codes(&text), ["E0709"]);
    let d = &check_source(&text).diagnostics[0];
    assert!(
        d.message
            .contains("effective 2026-02-28, adopted 2026-03-01"),
        "{}",
        d.message
    );
    assert_eq!(
        d.help.as_deref(),
        Some("give a date on or after 2026-03-01, or `N days after adoption`")
    );
    // The day of adoption itself is allowed.
    assert!(codes(&rulebook(YEAR, "", &a_year_with(" effective 2026-03-01"))).is_empty());
}

#[test]
fn next_period_with_no_close_after_it_and_no_financial_year_is_e0709() {
    let steps = "  on 2026-03-01 motion ordinary { for ada } amend rate = 6% per year effective next period\n  \
                 on 2026-12-31 pay_interest(ada)";
    assert_eq!(codes(&rulebook("", "", steps)), ["E0709"]);
    // The resolution's default counts as the motion's.
    let steps = "  on 2026-03-01 motion ordinary { for ada } amend rate = 6% per year";
    assert_eq!(
        codes(&rulebook("", "amendments effective next period", steps)),
        ["E0709"]
    );
    // With a financial year the period's end is known: no close needed.
    let steps = "  on 2026-03-01 motion ordinary { for ada } amend rate = 6% per year effective next period";
    assert!(codes(&rulebook(YEAR, "", steps)).is_empty());
}

#[test]
fn a_json_motion_step_gives_its_effective_date() {
    let program = program(&rulebook(YEAR, "", &a_year_with("")));
    let json = |effective: &str| {
        format!(
            r#"{{"name": "from JSON", "members": [{{"name": "ada"}}], "steps": [
  {{"date": "2026-01-01", "act": "join", "args": ["ada", "£1000.00"]}},
  {{"date": "2026-03-01", "motion": "ordinary", "for": ["ada"], "amend": {{"rate": "6% per year"}}, "effective": "{effective}"}},
  {{"date": "2026-12-31", "act": "pay_interest", "args": ["ada"]}},
  {{"date": "2026-12-31", "close": true}}
]}}"#
        )
    };
    // Each form as in the rulebook tests: £55.15, £50.30, £52.84, £30.00.
    for (effective, due, from) in [
        ("on adoption", "£55.15", "2026-03-01"),
        ("2026-04-29", "£50.30", "2026-04-29"),
        ("28 days after adoption", "£52.84", "2026-03-29"),
        ("next period", "£30.00", "2027-01-01"),
    ] {
        let (scenario, members) = input::read_json(&program, &json(effective))
            .unwrap_or_else(|e| panic!("{effective}: {e:?}"));
        let o = simulate(&program, &scenario, members);
        assert_eq!(interest_due(&o), due, "{effective}");
        assert_eq!(o.amendments[0].effective, from, "{effective}");
    }
    let errors = input::read_json(&program, &json("tomorrow")).expect_err("refused");
    assert_eq!(errors[0].code.as_str(), "E0709");
    assert!(
        errors[0].message.starts_with("steps[1].effective: "),
        "{}",
        errors[0].message
    );
    let errors = input::read_json(&program, &json("2026-02-01")).expect_err("refused");
    assert_eq!(errors[0].code.as_str(), "E0709");
    // Exported and read back, the clause is kept.
    let with_date = program_with(" effective 2026-04-29");
    let members = input::MemberTable::inline(&with_date.scenarios[0]);
    let exported = input::scenario_to_json(&with_date, &with_date.scenarios[0], &members);
    assert_eq!(exported["steps"][1]["effective"], "2026-04-29");
}

fn program_with(clause: &str) -> Program {
    program(&rulebook(YEAR, "", &a_year_with(clause)))
}

#[test]
fn the_formatter_writes_the_clause_and_keeps_the_rules() {
    let text = rulebook(
        YEAR,
        "amendments   effective  28  days after adoption",
        &a_year_with(" effective   2026-04-29"),
    );
    let formatted = rochdale::format::format_source(&text).expect("formats");
    assert!(
        formatted.contains("  amendments effective 28 days after adoption\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains("amend rate = 6% per year effective 2026-04-29\n"),
        "{formatted}"
    );
    assert_eq!(
        program(&formatted).provenance.hash,
        program(&text).provenance.hash
    );
    for clause in [" effective next period", " effective 1 day after adoption"] {
        let text = rulebook(YEAR, "", &a_year_with(clause));
        let formatted = rochdale::format::format_source(&text).expect("formats");
        assert!(formatted.contains(clause), "{formatted}");
    }
}

#[test]
fn the_effective_clause_counts_in_the_hash_only_where_it_changes_the_rules() {
    let hash = |resolution: &str, clause: &str| {
        program(&rulebook(YEAR, resolution, &a_year_with(clause)))
            .provenance
            .hash
    };
    let plain = hash("", "");
    // On adoption written out is the default: the same rules.
    assert_eq!(hash("", " effective on adoption"), plain);
    assert_eq!(hash("amendments effective on adoption", ""), plain);
    // A later date is other rules.
    assert_ne!(hash("", " effective 2026-04-29"), plain);
    let deferred = "amendments effective 28 days after adoption";
    // The resolution's default written again on the motion: the same.
    assert_eq!(
        hash(deferred, " effective 28 days after adoption"),
        hash(deferred, "")
    );
    // On adoption against a resolution that defers is not the default.
    assert_ne!(hash(deferred, " effective on adoption"), hash(deferred, ""));
}

/// A bundled rulebook's first scenario, run with its members.
fn bundled(file: &str) -> SimulationOutcome {
    let text = std::fs::read_to_string(format!("rulebooks/{file}")).expect("readable");
    let program = program(&text);
    let scenario = &program.scenarios[0];
    let members = input::scenario_members(&program, scenario, std::path::Path::new("rulebooks"))
        .expect("members");
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

#[test]
fn the_uk_societys_interest_rises_when_the_amendment_is_registered() {
    // rulebooks/multi-stakeholder-uk.coop, worked in its comment: 3% a year
    // for the 28 days from 1 to 29 April, 4% for the 337 days after.
    let o = bundled("multi-stakeholder-uk.coop");
    let a = &o.amendments[0];
    assert_eq!(
        (a.date.as_str(), a.effective.as_str()),
        ("2026-04-01", "2026-04-29")
    );
    // £100 × (0.03 × 28 + 0.04 × 337) / 365 = £1,432 / 365 = £3.923288;
    // pooled: (£25,230 × 14.32 + £5 × 4% × 335) / 365 = £990.029041 → £990.02,
    // 2p of the remainders to c3 (.589) and w1 (.325, first of the tie).
    let interest: Vec<String> = ["w1", "w2", "c1", "c2", "c3", "s1", "local_coop"]
        .iter()
        .map(|m| account(&o, m, "interest on shares"))
        .collect();
    assert_eq!(
        interest,
        [
            "£3.93", "£3.92", "£0.39", "£0.39", "£0.58", "£196.16", "£784.65"
        ]
    );
    // £16,000 - £4,000 - £990.02 = £11,009.98; 40% = £4,403.99 by 2 : 1.
    assert_eq!(account(&o, "w1", "worker bonus"), "£2,935.99");
    assert_eq!(account(&o, "w2", "worker bonus"), "£1,468.00");
    // £6,605.99 by 6 : 3 : 1.
    assert_eq!(account(&o, "c1", "consumer dividend"), "£3,963.59");
    assert_eq!(account(&o, "c2", "consumer dividend"), "£1,981.80");
    assert_eq!(account(&o, "c3", "consumer dividend"), "£660.60");
    // £25,235.00 of shares + £76,000.00 - £60,000.00, a debit balance (funds
    // show credit balances positive).
    let cash = o
        .funds
        .iter()
        .find(|f| f.name == "cash")
        .map(|f| f.value.display.clone());
    assert_eq!(cash.as_deref(), Some("-£41,235.00"));
    assert!(o.trial_balance.balanced);
}

#[test]
fn the_land_trusts_amendment_is_in_force_before_the_close() {
    // Adopted 15 October, + 28 days (16 to 31 October, 12 more) = 12
    // November, before the close of 31 March: repairs 35% of £5,700.36 =
    // £1,995.126 → £1,995.12, as before the effective date was written.
    let o = bundled("community-land-trust.coop");
    let a = &o.amendments[0];
    assert_eq!(
        (a.date.as_str(), a.effective.as_str()),
        ("2026-10-15", "2026-11-12")
    );
    let repairs = o
        .funds
        .iter()
        .find(|f| f.name == "repairs reserve")
        .map(|f| f.value.display.clone());
    assert_eq!(repairs.as_deref(), Some("£1,995.12"));
}

#[test]
fn a_csv_act_log_gives_the_effective_date_in_a_cell() {
    let program = program(&rulebook(YEAR, "", &a_year_with("")));
    let log = |effective: &str| {
        format!(
            "date,act,args...\n2026-01-01,join,ada,£1000.00\n\
             2026-03-01,motion ordinary,for=ada,rate=6% per year,effective={effective}\n\
             2026-12-31,pay_interest,ada\n2026-12-31,close period\n"
        )
    };
    let (scenario, _) = input::read_act_log(&program, "acts.csv", &log("2026-04-29"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let members = input::MemberTable::inline(&program.scenarios[0]);
    let o = simulate(&program, &scenario, members);
    // As from the rulebook: 118 days at 3%, 247 at 6%: £50.30.
    assert_eq!(interest_due(&o), "£50.30");
    assert_eq!(o.amendments[0].effective, "2026-04-29");
    let errors =
        input::read_act_log(&program, "acts.csv", &log("2026-02-01")).expect_err("refused");
    assert_eq!(errors[0].code.as_str(), "E0709");
    assert!(
        errors[0].message.starts_with("acts.csv:3:"),
        "{}",
        errors[0].message
    );
}
