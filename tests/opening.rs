//! An opening state (issue 17, item 4): a timeline that starts with members
//! admitted on their own dates, former members, and the books as last
//! year closed them, from a scenario, a register and a trial balance. The
//! figures are worked by hand in tests/rulebooks/second-year.coop; the
//! second year is run twice, once from what the scenario writes and once
//! from the files the first year's run wrote, and both must agree.

use std::path::{Path, PathBuf};
use std::process::Command;

use rochdale::api::{self, RunRequest};
use rochdale::span::SourceFile;
use serde_json::Value as Json;

const RULEBOOK: &str = "tests/rulebooks/second-year.coop";

fn rochdale(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(args)
        .output()
        .expect("runs")
}

/// A directory of this test's own.
fn dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rochdale-opening-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

fn rulebook() -> SourceFile {
    SourceFile::new(
        RULEBOOK,
        std::fs::read_to_string(RULEBOOK).expect("the rulebook"),
    )
}

/// The outcome of the rulebook's scenario `name` through the library.
fn simulate(name: &str, request: RunRequest) -> Result<Json, api::Failure> {
    let request = RunRequest {
        scenario: Some(name.into()),
        ..request
    };
    api::simulate(&rulebook(), &request).map(|s| serde_json::from_str(&s).expect("JSON"))
}

/// The cooperative's accounts as (name, balance with its side).
fn accounts(o: &Json) -> Vec<(String, String)> {
    o["funds"]
        .as_array()
        .expect("funds")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or("").to_string(),
                f["value"]["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Each person: name, whether a member now, joined, left, and their
/// accounts' balances.
fn people(o: &Json) -> Vec<String> {
    o["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            let accounts: Vec<String> = m["accounts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            format!(
                                "{}={}",
                                x["name"].as_str().unwrap_or(""),
                                x["value"]["value"].as_str().unwrap_or("")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "{} {} {} {} {}",
                m["name"].as_str().unwrap_or(""),
                m["member"],
                m["joined"].as_str().unwrap_or("-"),
                m["left"].as_str().unwrap_or("-"),
                accounts.join(",")
            )
        })
        .collect()
}

/// What the second year ends with, worked by hand in the rulebook.
fn assert_the_second_year(o: &Json) {
    let steps: Vec<&str> = o["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["done"; 4], "{}", o["steps"]);
    // Credit balances positive: cash £39.00 Dr, losses carried £15.00 Dr.
    let funds = accounts(o);
    let find = |n: &str| {
        funds
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(find("cash"), Some("-39.00"));
    assert_eq!(find("losses carried forward"), Some("-15.00"));
    assert_eq!(find("reserve fund"), Some("0.00"));
    let loss: Vec<(&str, &str)> = o["periods"][0]["allocations"][0]["loss"]
        .as_array()
        .expect("the loss charged")
        .iter()
        .map(|l| {
            (
                l["label"].as_str().unwrap_or(""),
                l["total"]["value"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        loss,
        [
            ("reserve fund", "5.00"),
            ("losses carried forward", "15.00")
        ]
    );
    assert!(o["trial_balance"]["balanced"].as_bool().unwrap_or(false));
}

#[test]
fn the_second_year_opens_with_its_members_and_books() {
    let o = simulate("the second year", RunRequest::default()).expect("runs");
    let opening: Vec<(String, String, String)> = o["opening_balances"]
        .as_array()
        .expect("opening balances")
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap_or("").to_string(),
                a["debit"]["value"].as_str().unwrap_or("").to_string(),
                a["credit"]["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let line = |a: &str, d: &str, c: &str| (a.to_string(), d.to_string(), c.to_string());
    assert_eq!(
        opening,
        [
            line("cash", "58.00", "0.00"),
            line("reserve fund", "0.00", "5.00"),
            line("ada: capital", "0.00", "5.00"),
            line("ada: dividend", "0.00", "27.00"),
            line("ben: capital", "0.00", "3.00"),
            line("ben: dividend", "0.00", "18.00"),
        ]
    );
    assert_the_second_year(&o);
    // ada buys as a member of 2025 (no act admits her); cy joins; dee left
    // before the year and stays a former member.
    assert_eq!(
        people(&o),
        [
            "ada true 2025-01-01 - capital=5.00,dividend=27.00",
            "ben true 2025-03-01 - capital=3.00,dividend=18.00",
            "cy true 2026-01-11 - capital=1.00",
            "dee false 2019-05-01 2024-12-31 ",
        ]
    );
}

#[test]
fn last_years_files_open_the_next_year_as_the_scenario_does() {
    let out = dir("round-trip");
    let first = rochdale(&[
        "simulate",
        RULEBOOK,
        "--scenario",
        "the first year",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // The first year's closing trial balance, by hand in the rulebook.
    let tb = std::fs::read_to_string(out.join("trial_balance.csv")).expect("trial balance");
    let net: Vec<String> = tb
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let d: rust_decimal::Decimal = cells[1].parse().ok()?;
            let c: rust_decimal::Decimal = cells[2].parse().ok()?;
            (d != c).then(|| format!("{} {}", cells[0], d - c))
        })
        .collect();
    assert_eq!(
        net,
        [
            "cash 58.00",
            "reserve fund -5.00",
            "ada: capital -5.00",
            "ada: dividend -27.00",
            "ben: capital -3.00",
            "ben: dividend -18.00",
        ]
    );
    // The second year as a JSON scenario: cy is new; ada and ben come from
    // last year's statements (their `member` and `joined` columns), the
    // books from its trial balance.
    let scenario = write(
        &out,
        "2026.json",
        r#"{"name": "the second year", "members": [{"name": "cy", "age": 20}, {"name": "dee", "age": 60, "joined": "2019-05-01", "left": "2024-12-31"}],
            "steps": [
              {"date": "2026-01-10", "act": "buy", "args": ["ada", "£10.00"]},
              {"date": "2026-01-11", "act": "join", "args": ["cy", "£1.00"]},
              {"date": "2026-01-31", "act": "pay_costs", "args": ["£30.00"]},
              {"date": "2026-01-31", "close": true}
            ]}"#,
    );
    let statements = out.join("statements.csv").display().to_string();
    let trial_balance = out.join("trial_balance.csv").display().to_string();
    let second = rochdale(&[
        "simulate",
        RULEBOOK,
        "--scenario-file",
        &scenario,
        "--members",
        &statements,
        "--opening",
        &trial_balance,
        "--format",
        "json",
    ]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let loaded: Json = serde_json::from_slice(&second.stdout).expect("JSON");
    assert_the_second_year(&loaded);
    // The same year written in the rulebook: the same books and people
    // (the register lists cy and dee after ada and ben, as the scenario).
    let written = simulate("the second year", RunRequest::default()).expect("runs");
    assert_eq!(accounts(&loaded), accounts(&written));
    let mut from_files = people(&loaded);
    let mut from_scenario = people(&written);
    from_files.sort();
    from_scenario.sort();
    assert_eq!(from_files, from_scenario);
    // The same accounts (in the order of the people, which differs).
    let lines = |o: &Json| {
        let mut all: Vec<String> = o["trial_balance"]["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .map(|a| {
                format!(
                    "{} {} {}",
                    a["account"], a["debit"]["value"], a["credit"]["value"]
                )
            })
            .collect();
        all.sort();
        all
    };
    assert_eq!(lines(&loaded), lines(&written));
    assert_eq!(loaded["trial_balance"]["total_debit"]["value"], "159.00");
    assert_eq!(written["trial_balance"]["total_debit"]["value"], "159.00");
}

#[test]
fn days_member_counts_from_a_members_joined_date() {
    // No financial year: the period begins with the first step, 2026-01-10.
    // ada joined in 2025: 10 to 31 January, 22 days; cy joined on the
    // 11th, 21; dee left in 2024, none.
    for (who, days) in [("ada", "22"), ("cy", "21"), ("dee", "0")] {
        let out = rochdale(&[
            "explain",
            RULEBOOK,
            "--scenario",
            "the second year",
            "--step",
            "3",
            "--value",
            &format!("days_in({who})"),
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&format!("days_in({who}) = {days}")),
            "{who}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_opening_that_does_not_balance_is_refused_before_anything_runs() {
    let d = dir("unbalanced");
    let tb = write(
        &d,
        "tb.csv",
        "account,debit,credit\ncash,60.00,\nada: capital,,5.00\nreserve fund,,50.00\n",
    );
    let out = rochdale(&[
        "simulate",
        RULEBOOK,
        "--scenario",
        "the second year",
        "--opening",
        &tb,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0602"), "{stderr}");
    assert!(
        stderr.contains(
            "the opening balances do not balance: debits £60.00, credits £55.00 (£5.00 more debited than"
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing runs");
    // Through the library, the same file is the request's `opening_csv`.
    let failure = simulate(
        "the second year",
        RunRequest {
            opening_csv: Some(std::fs::read_to_string(&tb).expect("tb")),
            ..RunRequest::default()
        },
    )
    .expect_err("refused");
    assert_eq!(failure.file.name, "opening.csv");
    assert_eq!(failure.diagnostics[0].code.as_str(), "E0602");
}

#[test]
fn each_bad_line_of_an_opening_file_is_placed() {
    let d = dir("bad-lines");
    let tb = write(
        &d,
        "tb.csv",
        "account,debit,credit\ncash,58.00,\nadda: capital,,5.00\nreserve fund,,5.x\nben: capital,-3.00,\n",
    );
    let failure = simulate(
        "the second year",
        RunRequest {
            opening_csv: Some(std::fs::read_to_string(&tb).expect("tb")),
            ..RunRequest::default()
        },
    )
    .expect_err("refused");
    let messages: Vec<(&str, &str)> = failure
        .diagnostics
        .iter()
        .map(|d| (d.message.as_str(), d.help.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        messages[..2],
        [
            ("opening.csv:4:15: `5.x` is not an amount", messages[0].1),
            (
                "opening.csv:5:14: `-3.00` is negative",
                "a balance is written on its side: a negative debit is a credit"
            ),
        ]
    );
    assert!(
        messages[0].1.contains("write an amount in GBP"),
        "{messages:?}"
    );
    // The amounts read, a person who is no one is named with the nearest.
    let tb = "account,debit,credit\ncash,58.00,\nadda: capital,,5.00\nreserve fund,,53.00\n";
    let failure = simulate(
        "the second year",
        RunRequest {
            opening_csv: Some(tb.into()),
            ..RunRequest::default()
        },
    )
    .expect_err("refused");
    assert_eq!(
        failure.diagnostics[0].message,
        "opening.csv:3:1: `adda` is none of the scenario's or the register's people, so \"capital\" of `adda` cannot open"
    );
    assert_eq!(
        failure.diagnostics[0].help.as_deref(),
        Some("did you mean `ada`?")
    );
    // No header.
    let failure = simulate(
        "the second year",
        RunRequest {
            opening_csv: Some("cash,58.00,\n".into()),
            ..RunRequest::default()
        },
    )
    .expect_err("refused");
    assert!(
        failure.diagnostics[0]
            .message
            .contains("the header does not name the columns `account`, `debit` and `credit`"),
        "{:?}",
        failure.diagnostics
    );
}

/// The checker's findings for the second year's scenario with `from`
/// replaced by `to`.
fn checked_with(from: &str, to: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(RULEBOOK).expect("the rulebook");
    assert!(text.contains(from), "{from}");
    let checked = rochdale::check_source(&text.replacen(from, to, 1));
    checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.as_str().to_string(), d.message.clone()))
        .collect()
}

#[test]
fn the_checker_places_a_bad_opening_in_the_scenario() {
    let e = |code: &str, message: &str| vec![(code.to_string(), message.to_string())];
    assert_eq!(
        checked_with(
            "credit \"reserve fund\" £5.00",
            "credit \"reserve fund\" £4.00"
        ),
        e(
            "E0602",
            "the opening balances do not balance: debits £58.00, credits £57.00 (£1.00 more debited than credited)"
        )
    );
    assert_eq!(
        checked_with(
            "credit \"capital\" of ben £3.00",
            "credit \"capital\" of bne £3.00"
        ),
        e(
            "E0602",
            "the scenario's opening balances: `bne` is none of the scenario's or the register's people, so \"capital\" of `bne` cannot open"
        )
    );
    assert_eq!(
        checked_with("debit \"cash\" £58.00", "debit \"cash\" -£58.00"),
        e("E0602", "the opening balance of \"cash\" is negative")
    );
    assert_eq!(
        checked_with(
            "ben: age 40, shares £3.00, joined 2025-03-01",
            "ben: age 40, joined 2026-02-01"
        ),
        e(
            "E0315",
            "`ben` joined on 2026-02-01, after the timeline begins (2026-01-10)"
        )
    );
    assert_eq!(
        checked_with(
            "dee: age 60, joined 2019-05-01, left 2024-12-31",
            "dee: age 60, left 2024-12-31"
        ),
        e("E0315", "`dee` left, but has no date they joined")
    );
    assert_eq!(
        checked_with(
            "dee: age 60, joined 2019-05-01, left 2024-12-31",
            "dee: age 60, joined 2019-05-01, left 2018-12-31"
        ),
        e("E0315", "`dee` left before they joined")
    );
    // In an example, `joined` is no attribute: only a scenario's people
    // have membership dates.
    let text = std::fs::read_to_string(RULEBOOK).expect("the rulebook")
        + "example \"no dates\" {\n  members { ada: age 30, joined 2025-01-01 }\n  expect days_in(ada) = 0\n}\n";
    let checked = rochdale::check_source(&text);
    assert!(
        checked.diagnostics.iter().any(
            |d| d.code.as_str() == "E0203" && d.message == "a member has no attribute `joined`"
        ),
        "{:?}",
        checked.diagnostics
    );
}

#[test]
fn a_register_gives_the_people_as_they_stand_on_the_first_day() {
    let d = dir("register");
    let register = write(
        &d,
        "register.csv",
        "name,age,joined,left\nfay,30,2026-02-01,\ngus,40,,2025-01-01\nhal,50,2025-01-01,2024-01-01\n",
    );
    let out = rochdale(&[
        "simulate",
        RULEBOOK,
        "--scenario",
        "the second year",
        "--members",
        &register,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`gus` left, but the register gives no day they joined"),
        "{stderr}"
    );
    assert!(stderr.contains("`hal` left before they joined"), "{stderr}");
    let register = write(&d, "register.csv", "name,age,joined\nfay,30,2026-02-01\n");
    let out = rochdale(&[
        "simulate",
        RULEBOOK,
        "--scenario",
        "the second year",
        "--members",
        &register,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`fay` joined on 2026-02-01, after the timeline begins (2026-01-10)"),
        "{stderr}"
    );
}

#[test]
fn a_json_scenario_carries_its_opening_and_runs_the_same() {
    // The rulebook's second year as JSON (as the playground edits it):
    // the people with their dates, the opening balances, the steps.
    let request = RunRequest {
        scenario: Some("the second year".into()),
        ..RunRequest::default()
    };
    let json = api::scenario_json(&rulebook(), &request).expect("exported");
    let exported: Json = serde_json::from_str(&json).expect("JSON");
    let lines: Vec<String> = exported["opening_balances"]
        .as_array()
        .expect("opening balances")
        .iter()
        .map(|l| l.to_string())
        .collect();
    assert_eq!(
        lines,
        [
            r#"{"account":"cash","debit":"£58.00"}"#,
            r#"{"account":"reserve fund","credit":"£5.00"}"#,
            r#"{"account":"capital","credit":"£5.00","member":"ada"}"#,
            r#"{"account":"dividend","credit":"£27.00","member":"ada"}"#,
            r#"{"account":"capital","credit":"£3.00","member":"ben"}"#,
            r#"{"account":"dividend","credit":"£18.00","member":"ben"}"#,
        ]
    );
    assert_eq!(exported["members"][3]["left"], "2024-12-31");
    let from_json = api::simulate(
        &rulebook(),
        &RunRequest {
            scenario_json: Some(json.clone()),
            ..RunRequest::default()
        },
    )
    .expect("runs");
    let from_json: Json = serde_json::from_str(&from_json).expect("JSON");
    assert_the_second_year(&from_json);
    // The same file read as a stream by the command line.
    let d = dir("json");
    let file = write(&d, "2026.json", &json);
    let out = rochdale(&[
        "simulate",
        RULEBOOK,
        "--scenario-file",
        &file,
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_the_second_year(&serde_json::from_slice(&out.stdout).expect("JSON"));
    // A JSON opening that does not balance is refused, placed in the file.
    let unbalanced = json.replace(r#""debit": "£58.00""#, r#""debit": "£57.00""#);
    assert_ne!(unbalanced, json);
    let failure = api::simulate(
        &rulebook(),
        &RunRequest {
            scenario_json: Some(unbalanced.clone()),
            ..RunRequest::default()
        },
    )
    .expect_err("refused");
    assert_eq!(failure.file.name, "scenario.json");
    let file = write(&d, "unbalanced.json", &unbalanced);
    let out = rochdale(&["simulate", RULEBOOK, "--scenario-file", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing runs");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("debits £57.00, credits £58.00"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        failure.diagnostics[0].message,
        "the opening balances do not balance: debits £57.00, credits £58.00 (£1.00 more credited than debited)"
    );
}
