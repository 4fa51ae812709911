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
    // The rulebook's year: 28 founders and young (refused), a reserve of £3.40.
    assert_eq!(outcome["members"].as_array().map(Vec::len), Some(29));
    let reserve = &outcome["periods"][0]["allocations"][0]["tranches"][0];
    assert_eq!(reserve["total"]["display"].as_str(), Some("£3.40"));

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
