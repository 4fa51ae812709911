//! Ballots from a file (issue 18, item 7): `rochdale simulate --ballots
//! FILE.csv` and the run request's `ballots_csv`. A ballot from the file
//! counts as the same ballot written in the scenario (the independent
//! route each test compares with), and a bad line is a diagnostic naming
//! its line and column.

use std::process::Command;

use rochdale::api::{self, RunRequest};
use rochdale::span::SourceFile;
use serde_json::Value as Json;

const SPAIN: &str = include_str!("../rulebooks/worker-cooperative-spain.coop");

/// The elections example of docs/language.md, every ballot in the scenario.
const ELECTIONS: &str = r#"rulebook "Elections" currency GBP
member { age: Integer = 30 }
act join(m) {
  admit m
}
election committee "The committee" {
  seats 3
  counted by single transferable vote
  candidate m requires m.age >= 18 because "candidates must be 18 or over"
  ties broken alphabetically
}
election stewards {
  seats 2
  counted by plurality
  ties broken by lot
}
scenario "annual meeting" {
  members { ann: age 40  bob: age 52  cy: age 19  dee: age 33  eve: age 61 }
  on 2026-04-01 join(ann)
  on 2026-04-01 join(bob)
  on 2026-04-01 join(cy)
  on 2026-04-01 join(dee)
  on 2026-04-01 join(eve)
  on 2026-05-01 election committee {
    candidates ann, bob, cy, dee
    ann: ann > bob
    bob: bob > cy > ann
    cy: cy > dee
    dee: dee > cy
    eve: ann > dee
  }
  on 2026-05-01 election stewards {
    candidates bob, eve, dee
    ann: bob, eve
    cy: eve
  } seed 7
}
"#;

/// The same, with only ann's ballots left in the scenario.
fn elections_without_ballots() -> String {
    let text = ELECTIONS
        .replace("    bob: bob > cy > ann\n", "")
        .replace("    cy: cy > dee\n", "")
        .replace("    dee: dee > cy\n", "")
        .replace("    eve: ann > dee\n", "")
        .replace("    cy: eve\n", "");
    assert_ne!(text, ELECTIONS);
    text
}

/// The other ballots, from a file; plurality marks separated by `;`.
const ELECTION_BALLOTS: &str = "date,motion,member,vote,proxy
2026-05-01,committee,bob,bob > cy > ann,
2026-05-01,committee,cy,cy > dee,
2026-05-01,committee,dee,dee > cy,
2026-05-01,committee,eve,ann > dee,
2026-05-01,stewards,cy,eve,
";

fn simulate(text: &str, ballots: Option<&str>) -> Result<Json, api::Failure> {
    let request = RunRequest {
        ballots_csv: ballots.map(str::to_string),
        ..RunRequest::default()
    };
    let out = api::simulate(&SourceFile::new("rules.coop", text), &request)?;
    Ok(serde_json::from_str(&out).expect("JSON"))
}

/// Each failure's `code: message`.
fn problems(failure: &api::Failure) -> Vec<String> {
    failure
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

#[test]
fn an_elections_ballots_from_a_file_count_as_written_in_the_scenario() {
    let inline = simulate(ELECTIONS, None).expect("runs");
    let filed = simulate(&elections_without_ballots(), Some(ELECTION_BALLOTS)).expect("runs");
    assert_eq!(inline["elections"], filed["elections"]);
    // By hand: 5 papers for 3 seats, quota 5/4 + 1 = 2 (fraction
    // disregarded). First preferences ann 2 (ann's, eve's), bob, cy, dee 1:
    // ann is elected with no surplus; bob, cy and dee tie at 1 and dee,
    // last alphabetically, is excluded; dee's paper goes to cy (2, elected);
    // bob is left for the last seat.
    let committee = &filed["elections"][0];
    let committee = &committee["outcome"];
    assert_eq!(committee["quota"], "2");
    assert_eq!(committee["valid"], 5);
    assert_eq!(
        committee["elected"],
        serde_json::json!(["ann", "cy", "bob"])
    );
    assert_eq!(committee["stages"][1]["excluded"], "dee");
    // Stewards by plurality: ann marks bob and eve, cy marks eve: eve 2,
    // bob 1, dee 0.
    let stewards = &filed["elections"][1]["outcome"];
    assert_eq!(stewards["elected"], serde_json::json!(["eve", "bob"]));
    assert_eq!(stewards["stages"][0]["totals"][1]["votes"], "2");
}

/// The Spanish rulebook with the votes of its art. 28 motion and carmen's
/// proxy at the second call taken out of the scenario.
fn spain_without_votes() -> String {
    let text = SPAIN
        .replacen("    for amaia, bittor\n    against carmen\n", "", 1)
        .replacen(
            "for amaia, bittor, carmen by proxy amaia",
            "for amaia, bittor",
            1,
        );
    // Both are taken out: 41 bytes of votes, 23 of carmen's proxy.
    assert_eq!(text.len(), SPAIN.len() - 41 - 23);
    text
}

/// Those votes as a ballots file: carmen's by proxy held by amaia, at the
/// second call of 21 September (the first call is held the same day).
const SPAIN_BALLOTS: &str = "date,motion,member,vote,proxy,sitting
2026-06-30,statutes,amaia,for,,
2026-06-30,interest on capital at 6%,bittor,For,,
2026-06-30,statutes,carmen,against,,
2026-09-21,ordinary,carmen,for,amaia,second call
";

#[test]
fn a_meetings_votes_and_proxies_from_a_file_count_as_written_in_the_scenario() {
    let mut inline = simulate(SPAIN, None).expect("runs");
    let mut filed = simulate(&spain_without_votes(), Some(SPAIN_BALLOTS)).expect("runs");
    // The texts differ (the votes are taken out of one), so their hashes do.
    for outcome in [&mut inline, &mut filed] {
        if let Some(in_force) = outcome["amendments"][0]["in_force"].as_object_mut() {
            in_force.remove("hash");
        }
    }
    assert_eq!(inline["resolutions"], filed["resolutions"]);
    assert_eq!(inline["amendments"], filed["amendments"]);
    assert_eq!(inline["members"], filed["members"]);
    // By hand: art. 28 needs at least 2/3 of the votes present and
    // represented: 2 for of 3 is exactly 2/3, so the interest goes to 6%.
    let statutes = &filed["resolutions"][0]["outcome"];
    assert_eq!(statutes["passed"], true);
    assert_eq!(
        (&statutes["votes_for"], &statutes["votes_against"]),
        (&Json::from("2"), &Json::from("1"))
    );
    assert_eq!(filed["amendments"][0]["new"]["display"], "6% per year");
    // The second call: amaia and bittor present, carmen represented by
    // amaia's proxy (art. 27 allows two a member): 3 for.
    let second = &filed["resolutions"][2];
    assert_eq!(second["sitting"], "second_call");
    assert_eq!(second["outcome"]["votes_for"], "3");
    assert_eq!(second["outcome"]["represented"], 1);
}

#[test]
fn a_ballot_that_fits_no_vote_is_placed_by_line_and_column() {
    let text = spain_without_votes();
    // The first call and the second call of 21 September are one day's
    // two motions of `ordinary`: a line naming no sitting could be either.
    let ambiguous = "date,motion,member,vote\n2026-09-21,ordinary,carmen,for\n";
    let f = simulate(&text, Some(ambiguous)).expect_err("refused");
    assert_eq!(f.file.name, "ballots.csv");
    assert_eq!(
        problems(&f),
        [
            "E0905: ballots.csv:2:12: `ordinary` on 2026-09-21 could be the motion of step 13 of the scenario or of step 14 of the scenario"
        ]
    );
    let wrong = "date,motion,member,vote,proxy
2026-06-30,statutes,amaia,yes,
2026-06-30,statutes,bittor,for,
2026-06-30,statutes,bittor,against,
2026-06-30,statutes,carmen,for,carmen
2026-07-30,statutes,carmen,for,
";
    let f = simulate(&text, Some(wrong)).expect_err("refused");
    assert_eq!(
        problems(&f),
        [
            "E0905: ballots.csv:2:27: `yes` is not a vote on a motion",
            "E0201: ballots.csv:4:21: `bittor` votes twice",
            "E0323: ballots.csv:5:32: `carmen` cannot hold their own proxy",
            "E0905: ballots.csv:6:12: the scenario votes on no `statutes` on 2026-07-30",
        ]
    );
    let help = f.diagnostics[3].help.as_deref().unwrap_or("");
    assert_eq!(help, "`statutes` is voted on 2026-06-30");
    // The span points at the cell: `yes` on line 2.
    let span = f.diagnostics[0].span.expect("placed");
    assert_eq!(&wrong[span.start..span.end], "yes");
}

#[test]
fn an_election_ballot_is_checked_as_in_a_scenario() {
    let text = elections_without_ballots();
    let ballots = "date,motion,member,vote,proxy
2026-05-01,committee,bob,bob > zed,
2026-05-01,committee,ann,cy,
2026-05-01,committee,cy,\"cy, dee\",
2026-05-01,stewards,cy,eve,bob
2026-05-01,stewards,dee,bob; eve; dee,
";
    let f = simulate(&text, Some(ballots)).expect_err("refused");
    assert_eq!(
        problems(&f),
        [
            "E0901: ballots.csv:2:32: `zed` is not a candidate in `committee`",
            "E0903: ballots.csv:3:22: `ann` gives two ballots in `committee`",
            "E0905: ballots.csv:4:25: `cy, dee` is not written as `committee` counts its ballots",
            "E0905: ballots.csv:5:28: `cy` gives an election's ballot by proxy or by post",
            "E0902: ballots.csv:6:21: `dee` marks 3 candidates for 2 seats",
        ]
    );
    let span = f.diagnostics[0].span.expect("placed");
    assert_eq!(&ballots[span.start..span.end], "zed");
}

#[test]
fn a_cell_beyond_the_columns_and_a_stranger_are_placed_at_their_line() {
    let text = elections_without_ballots();
    // An unquoted comma splits a plurality mark in two: never dropped.
    let f = simulate(
        &text,
        Some("date,motion,member,vote\n2026-05-01,stewards,cy,eve,bob\n"),
    )
    .expect_err("refused");
    assert_eq!(
        problems(&f),
        ["E0905: ballots.csv:2:28: `bob` is in no column of the header"]
    );
    // zed is none of the scenario's people.
    let f = simulate(
        &text,
        Some("date,motion,member,vote\n2026-05-01,stewards,zed,eve\n"),
    )
    .expect_err("refused");
    assert_eq!(
        problems(&f),
        ["E0200: ballots.csv:2:21: `zed` is not a member of this scenario"]
    );
}

#[test]
fn an_election_counted_twice_in_a_day_takes_no_ballots_from_the_file() {
    // public-service-mutual counts its staff election twice on 15 July
    // (the first count refused): a line for it could be for either.
    let text = include_str!("../rulebooks/public-service-mutual.coop");
    let f = simulate(
        text,
        Some("date,motion,member,vote\n2026-07-15,staff_governor_election,fay,dee\n"),
    )
    .expect_err("refused");
    assert_eq!(
        problems(&f),
        [
            "E0905: ballots.csv:2:12: `staff_governor_election` is counted twice on 2026-07-15, at step 18 of the scenario and at step 19 of the scenario"
        ]
    );
}

#[test]
fn a_ballots_file_without_its_columns_is_refused_with_the_columns_it_needs() {
    let f = simulate(ELECTIONS, Some("date,motin,member,vote\n")).expect_err("refused");
    assert_eq!(
        problems(&f),
        ["E0600: ballots.csv:1:6: `motin` is not a column of a ballots file"]
    );
    assert!(
        f.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `motion`?")),
        "{:?}",
        f.diagnostics[0].help
    );
    let f = simulate(ELECTIONS, Some("date,member,vote\n")).expect_err("refused");
    assert_eq!(
        problems(&f),
        ["E0600: ballots.csv:1:1: the ballots file has no `motion` column"]
    );
    let f = simulate(
        ELECTIONS,
        Some("date,motion,member,vote\n2026-05-01,committee,,ann\n"),
    )
    .expect_err("refused");
    assert_eq!(
        problems(&f),
        ["E0600: ballots.csv:2:22: the line gives no member"]
    );
}

fn rochdale(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

#[test]
fn the_cli_adds_ballots_to_a_json_scenario_as_it_streams() {
    let dir = std::env::temp_dir().join(format!("rochdale-ballots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let rules = dir.join("elections.coop");
    std::fs::write(&rules, ELECTIONS).expect("write");
    // The scenario as JSON, with ann's ballots only.
    let json = r#"{"name": "meeting",
      "members": [{"name": "ann", "age": 40}, {"name": "bob", "age": 52}, {"name": "cy", "age": 19}, {"name": "dee", "age": 33}, {"name": "eve", "age": 61}],
      "steps": [
        {"date": "2026-04-01", "act": "join", "args": ["ann"]},
        {"date": "2026-04-01", "act": "join", "args": ["bob"]},
        {"date": "2026-04-01", "act": "join", "args": ["cy"]},
        {"date": "2026-04-01", "act": "join", "args": ["dee"]},
        {"date": "2026-04-01", "act": "join", "args": ["eve"]},
        {"date": "2026-05-01", "election": "committee", "candidates": ["ann", "bob", "cy", "dee"], "ballots": [{"voter": "ann", "ranking": ["ann", "bob"]}]},
        {"date": "2026-05-01", "election": "stewards", "candidates": ["bob", "eve", "dee"], "ballots": [{"voter": "ann", "ranking": ["bob", "eve"]}], "seed": 7}
      ]}"#;
    let scenario = dir.join("meeting.json");
    std::fs::write(&scenario, json).expect("write");
    let ballots = dir.join("ballots.csv");
    std::fs::write(&ballots, ELECTION_BALLOTS).expect("write");
    let (rules, scenario, ballots) = (
        rules.to_str().expect("utf-8"),
        scenario.to_str().expect("utf-8"),
        ballots.to_str().expect("utf-8"),
    );
    let filed = rochdale(&[
        "simulate",
        rules,
        "--scenario-file",
        scenario,
        "--ballots",
        ballots,
        "--format",
        "json",
    ]);
    assert!(
        filed.status.success(),
        "{}",
        String::from_utf8_lossy(&filed.stderr)
    );
    let filed: Json = serde_json::from_slice(&filed.stdout).expect("JSON");
    let inline = simulate(ELECTIONS, None).expect("runs");
    assert_eq!(filed["elections"], inline["elections"]);
    // A line for a day with no such vote: nothing runs, and the message
    // names the ballots file's line and column.
    let late = dir.join("late.csv");
    std::fs::write(
        &late,
        "date,motion,member,vote\n2026-06-01,committee,bob,bob\n",
    )
    .expect("write");
    let o = rochdale(&[
        "simulate",
        rules,
        "--scenario-file",
        scenario,
        "--ballots",
        late.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("E0905")
            && stderr.contains("late.csv:2:12: the scenario votes on no `committee` on 2026-06-01"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`committee` is voted on 2026-05-01"),
        "{stderr}"
    );
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
