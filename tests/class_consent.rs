//! Class consent (issue 18, item 1): a resolution that must also pass within
//! each class named, counted among the class's own members. The examples
//! of tests/rulebooks/class-consent.coop work each boundary by hand; this
//! reads the count of each class from a simulation's outcome.

use std::path::Path;

use rochdale::simulate::{input, simulate};

#[test]
fn each_class_is_counted_among_its_own_members() {
    let text = std::fs::read_to_string("tests/rulebooks/class-consent.coop").expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let members =
        input::scenario_members(&program, scenario, Path::new("tests/rulebooks")).expect("members");
    let outcome = simulate(&program, scenario, members);
    let json = serde_json::to_value(&outcome).expect("serialises");
    let motions = json["resolutions"].as_array().expect("resolutions");
    assert_eq!(motions.len(), 2);

    // The first: 3 for, 1 against in the meeting (75%, met); Worker 2 for
    // of 2; Consumer 1 for, 1 against: half, not more than half.
    let first = &motions[0]["outcome"];
    assert_eq!(first["passed"], false);
    let consents = first["consents"].as_array().expect("consents");
    assert_eq!(consents.len(), 2);
    assert_eq!(consents[0]["class"], "Worker");
    assert_eq!(consents[0]["votes_for"], 2);
    assert_eq!(consents[0]["votes_against"], 0);
    assert_eq!(consents[0]["consents"], true);
    assert_eq!(consents[1]["class"], "Consumer");
    assert_eq!(consents[1]["votes_for"], 1);
    assert_eq!(consents[1]["votes_against"], 1);
    assert_eq!(consents[1]["members"], 2);
    assert_eq!(consents[1]["consents"], false);
    let reason = first["reason"].as_str().expect("reason");
    assert!(
        reason.ends_with(
            "Consumer does not consent (1 for, 1 against; more than 1/2 of votes cast required)"
        ),
        "{reason}"
    );

    // The second: every member for; both classes consent and the fee is
    // amended from £1.00 to £3.00 (the first motion changed nothing).
    let second = &motions[1]["outcome"];
    assert_eq!(second["passed"], true);
    assert!(
        second["consents"]
            .as_array()
            .expect("consents")
            .iter()
            .all(|c| c["consents"] == true)
    );
    let amendments = json["amendments"].as_array().expect("amendments");
    assert_eq!(amendments.len(), 1);
    assert_eq!(amendments[0]["parameter"], "rights_fee");
}

#[test]
fn the_document_says_which_classes_must_consent() {
    let text = std::fs::read_to_string("tests/rulebooks/class-consent.coop").expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    let doc = rochdale::document::build(&program, &text);
    let rights = doc
        .resolutions
        .iter()
        .find(|r| r.name == "rights")
        .expect("rights");
    assert!(rights.notes.contains(
        &"It must also pass within each of the classes Worker, Consumer, among their own members' votes: votes for more than 1/2 of the votes cast.".to_string()
    ), "{:?}", rights.notes);
}
