//! The JSON interfaces over texts that the WASM build exposes: requests,
//! files given by name, failures as `{"diagnostics": [...]}`.

use std::collections::BTreeMap;

use rochdale::SourceFile;
use rochdale::api::{self, RunRequest};

fn pioneers() -> SourceFile {
    SourceFile::new(
        "rulebooks/rochdale-1844.coop",
        std::fs::read_to_string("rulebooks/rochdale-1844.coop").expect("rulebook"),
    )
}

fn founders() -> BTreeMap<String, String> {
    let csv = std::fs::read_to_string("rulebooks/rochdale-1844-founders.csv").expect("csv");
    BTreeMap::from([("rochdale-1844-founders.csv".to_string(), csv)])
}

#[test]
fn a_request_is_read_from_json_and_rejects_unknown_fields() {
    let r = RunRequest::from_json(r#"{"scenario": "first year", "summary": true}"#).expect("valid");
    assert_eq!(r.scenario.as_deref(), Some("first year"));
    assert!(r.summary);
    assert!(RunRequest::from_json("").is_ok());
    let e = RunRequest::from_json(r#"{"senario": "x"}"#).expect_err("unknown field");
    let json = e.to_json();
    assert!(json.contains("E0600") && json.contains("senario"), "{json}");
}

#[test]
fn files_are_given_by_name() {
    let request = RunRequest {
        files: founders(),
        ..RunRequest::default()
    };
    let json = api::simulate(&pioneers(), &request).expect("runs");
    let outcome: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    // The rulebook's year: 28 founders and young (refused); four quarters,
    // the first with a reserve of 10% of £6.40 = £0.64, the year £3.40.
    assert_eq!(outcome["members"].as_array().map(Vec::len), Some(29));
    let reserve = &outcome["periods"][0]["allocations"][0]["tranches"][0];
    assert_eq!(reserve["total"]["display"].as_str(), Some("£0.64"));
    let fund = outcome["funds"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "reserve fund"));
    assert_eq!(
        fund.and_then(|f| f["value"]["display"].as_str()),
        Some("£3.40")
    );

    let missing = api::simulate(&pioneers(), &RunRequest::default()).expect_err("no file");
    let json = missing.to_json();
    assert!(
        json.contains("no file `rochdale-1844-founders.csv` was given"),
        "{json}"
    );
}

#[test]
fn a_summary_leaves_out_the_journal_only() {
    let full = RunRequest {
        files: founders(),
        ..RunRequest::default()
    };
    let summary = RunRequest {
        summary: true,
        ..full.clone()
    };
    let a: serde_json::Value =
        serde_json::from_str(&api::simulate(&pioneers(), &full).expect("runs")).expect("JSON");
    let mut b: serde_json::Value =
        serde_json::from_str(&api::simulate(&pioneers(), &summary).expect("runs")).expect("JSON");
    assert!(a["journal"].as_array().is_some_and(|j| j.len() > 100));
    assert_eq!(b["journal"].as_array().map(Vec::len), Some(0));
    b["journal"] = a["journal"].clone();
    assert_eq!(a, b);
}

#[test]
fn explain_needs_a_value_and_format_keeps_the_rules() {
    let e = api::explain(&pioneers(), &RunRequest::default()).expect_err("no value");
    assert!(e.to_json().contains("nothing to explain"));
    let request = RunRequest {
        example: Some("the simple check".into()),
        value: Some("dividend(ada)".into()),
        ..RunRequest::default()
    };
    let json = api::explain(&pioneers(), &request).expect("explains");
    assert!(json.contains("£15.75"), "{json}");
    let formatted = api::format(&pioneers()).expect("formats");
    assert_eq!(
        formatted,
        pioneers().text,
        "the rulebook is in the canonical layout"
    );
}

/// A request reads its register as `--map` and `--dates` do: `members_map`
/// and `members_dates`, here read from the request's JSON as a browser
/// sends it.
#[test]
fn a_request_carries_how_its_register_is_read() {
    let csv = "Full name,age,quarterly_cost,notice_given\nzed,40,\"1,200.00\",01/04/2026\n";
    let mut request = RunRequest {
        files: founders(),
        members_csv: Some(csv.to_string()),
        ..RunRequest::default()
    };
    // Default options: no `name` column, a date in no stated order.
    let json = api::simulate(&pioneers(), &request)
        .expect_err("unread register")
        .to_json();
    assert!(json.contains("there is no column `name`"), "{json}");

    let options = RunRequest::from_json(
        r#"{"members_map": {"Full name": "name"}, "members_dates": "day-first"}"#,
    )
    .expect("valid");
    request.members_map = options.members_map;
    request.members_dates = options.members_dates;
    let json = api::simulate(&pioneers(), &request).expect("runs");
    let outcome: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    // The scenario's 29 people and zed.
    assert_eq!(outcome["members"].as_array().map(Vec::len), Some(30));
    let zed = outcome["members"]
        .as_array()
        .and_then(|ms| ms.iter().find(|m| m["name"] == "zed"))
        .expect("zed");
    let attribute = |name: &str| {
        zed["attributes"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["name"] == name))
            .map(|a| a["value"]["value"].clone())
    };
    // `1,200.00` read as money, 01/04/2026 day-first as 1 April.
    assert_eq!(attribute("quarterly_cost"), Some("1200.00".into()));
    assert_eq!(attribute("notice_given"), Some("2026-04-01".into()));

    // An order that is not one is refused with what may be written.
    let bad = RunRequest::from_json(r#"{"members_dates": "dmy"}"#).expect_err("unknown order");
    let json = bad.to_json();
    assert!(
        json.contains("day-first") && json.contains("month-first"),
        "{json}"
    );
}

/// `test` and `check` take the member files an example names (`members
/// from "register.csv"`) from the request, as the command line reads them
/// beside the rulebook.
#[test]
fn test_and_check_read_an_examples_member_file_from_the_request() {
    let text =
        std::fs::read_to_string("tests/member-files/examples-from-a-file.coop").expect("rulebook");
    let file = SourceFile::new("examples-from-a-file.coop", text);
    let csv = std::fs::read_to_string("tests/member-files/register.csv").expect("csv");
    let request = RunRequest {
        files: BTreeMap::from([("register.csv".to_string(), csv)]),
        ..RunRequest::default()
    };
    let run: serde_json::Value =
        serde_json::from_str(&api::test_with(&file, &request)).expect("JSON");
    // Both examples pass: £8.00 × 30/40 = £6.00 to ada, and the second's
    // four shares (worked in the rulebook).
    assert_eq!(run["passed"], 2, "{run}");
    assert_eq!(run["failed"], 0, "{run}");

    // Without the file the examples that name it cannot run.
    let run: serde_json::Value = serde_json::from_str(&api::test(&file)).expect("JSON");
    assert_eq!(run["passed"], 0, "{run}");
    assert!(
        run.to_string().contains("no file `register.csv` was given"),
        "{run}"
    );

    let checked: serde_json::Value =
        serde_json::from_str(&api::check_with(&file, &request)).expect("JSON");
    assert_eq!(
        checked["files"][0]["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{checked}"
    );
    // A file with a bad cell is found by check too, at the line it names.
    let bad = RunRequest {
        files: BTreeMap::from([(
            "register.csv".to_string(),
            "name,age,purchases\nada,thirty,£30.00\n".to_string(),
        )]),
        ..RunRequest::default()
    };
    let checked = api::check_with(&file, &bad);
    assert!(
        checked.contains("register.csv") && checked.contains("thirty"),
        "{checked}"
    );
}

/// The steps of a simulation's JSON that failed: (step, what, message, article).
fn failures(json: &str) -> Vec<(u64, String, String, Option<String>)> {
    let outcome: serde_json::Value = serde_json::from_str(json).expect("JSON");
    outcome["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["status"] == "failed")
        .map(|s| {
            (
                s["step"].as_u64().expect("number"),
                s["what"].as_str().expect("what").to_string(),
                s["diagnostic"]["message"]
                    .as_str()
                    .expect("message")
                    .to_string(),
                s["article"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn a_failed_step_carries_the_engines_message_and_its_article() {
    // The rulebook as first published (version 1844.1, frozen in the
    // fixtures), before `if a loss { carried forward }` provided for a loss.
    // Its first quarter's costs raised from £174.00 to £300.00: the year's
    // surplus of £34.00 becomes £34.00 - £126.00 = -£92.00, and its one
    // close is step 44 (28 joins, 15 more steps before it).
    let text = std::fs::read_to_string("tests/fixtures/rochdale-1844.1.coop").expect("rulebook");
    let first = "on 1845-03-31 pay_costs(£174.00)";
    assert!(text.contains(first));
    let loss = SourceFile::new(
        "loss.coop",
        text.replacen(first, "on 1845-03-31 pay_costs(£300.00)", 1),
    );
    let request = RunRequest {
        files: founders(),
        summary: true,
        ..RunRequest::default()
    };
    let json = api::simulate(&loss, &request).expect("runs");
    let failed = failures(&json);
    assert_eq!(
        failed[0],
        (
            44,
            "close period".to_string(),
            "the amount to allocate is negative (-£92.00)".to_string(),
            Some("article 9 \"Division of surplus\"".to_string()),
        )
    );

    // A vote naming someone not in the scenario: a fault of the scenario,
    // whose text is in no article. The rulebook of today: its motion is
    // step 38, after two quarters' closes.
    let text = std::fs::read_to_string("rulebooks/rochdale-1844.coop").expect("rulebook");
    let vote = SourceFile::new(
        "vote.coop",
        text.replacen("for howarth,", "for howarthx,", 1),
    );
    let failed = failures(&api::simulate(&vote, &request).expect("runs"));
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, 38);
    assert!(
        failed[0]
            .2
            .contains("`howarthx` is not in the scenario's member list"),
        "{failed:?}"
    );
    assert_eq!(failed[0].3, None);
}

#[test]
fn a_person_whose_join_failed_takes_no_part_in_a_division() {
    // cooper's age left blank: his join (step 2, under article 13) fails
    // on it, and he is no member. The quarters' divisions filter members
    // by `eligible(m)`, which reads the age; he takes no part whatever it
    // says, so the four closes are done, not failed on a missing yes or no.
    let mut files = founders();
    let csv = files.get_mut("rochdale-1844-founders.csv").expect("csv");
    assert!(csv.contains("\ncooper,31,"));
    *csv = csv.replacen("\ncooper,31,", "\ncooper,,", 1);
    let request = RunRequest {
        files,
        summary: true,
        ..RunRequest::default()
    };
    let failed = failures(&api::simulate(&pioneers(), &request).expect("runs"));
    assert_eq!(
        failed,
        vec![(
            2,
            "join(cooper, £4.00)".to_string(),
            "the member `cooper` has no value for `age`".to_string(),
            Some("article 13 \"Cooperative acts\"".to_string()),
        )]
    );
}
