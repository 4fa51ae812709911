//! Provenance: every outcome names the rules that produced it, by a hash
//! of the rulebook's structure that layout and comments do not change.

use rochdale::{SourceFile, check_source};

const RULEBOOK: &str = r#"rulebook "Toad Lane" version "1" currency GBP
member { age: Integer }
parameter markup: Percent = 10%
rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)
rule adult(m) = m.age >= 18
"#;

/// The same rulebook laid out differently, with comments.
const REFORMATTED: &str = r#"-- Toad Lane, reformatted
rulebook "Toad Lane"
  version "1"
  currency GBP

member {
  age: Integer      -- in whole years
}

parameter markup: Percent = 10%   -- provisional markup

rule price(cost: Money): Money =
  round(cost * (100% + markup),
        to 0.01, half up)

rule adult(m) =
  m.age >= 18
"#;

fn hash(text: &str) -> String {
    check_source(text).program.expect("checks").provenance.hash
}

/// The 1844 rulebook, checked, with the people of its first year.
fn first_year() -> (
    String,
    rochdale::Program,
    rochdale::simulate::input::MemberTable,
) {
    let text = std::fs::read_to_string("rulebooks/rochdale-1844.coop").expect("readable");
    let program = check_source(&text).program.expect("checks");
    let members = rochdale::simulate::input::scenario_members(
        &program,
        &program.scenarios[0],
        std::path::Path::new("rulebooks"),
    )
    .expect("members");
    (text, program, members)
}

#[test]
fn the_same_rules_give_the_same_hash() {
    assert_eq!(hash(RULEBOOK), hash(RULEBOOK));
    assert_eq!(hash(RULEBOOK).len(), 64);
}

#[test]
fn layout_and_comments_do_not_change_the_hash() {
    assert_eq!(hash(RULEBOOK), hash(REFORMATTED));
}

#[test]
fn formatting_with_rochdale_fmt_does_not_change_the_hash() {
    for text in [RULEBOOK, REFORMATTED] {
        let formatted = rochdale::format::format_source(text).expect("formats");
        assert_ne!(formatted, REFORMATTED);
        assert_eq!(hash(&formatted), hash(RULEBOOK));
    }
    let rochdale = std::fs::read_to_string("rulebooks/rochdale-1844.coop").expect("readable");
    let spaced = rochdale.replace("\n", "\n\n");
    assert_eq!(
        hash(&rochdale::format::format_source(&spaced).expect("formats")),
        hash(&rochdale)
    );
}

#[test]
fn one_character_of_a_rule_changes_the_hash() {
    for changed in [
        RULEBOOK.replace("m.age >= 18", "m.age > 18"),
        RULEBOOK.replace("10%", "11%"),
        RULEBOOK.replace("half up", "half even"),
        RULEBOOK.replace("version \"1\"", "version \"2\""),
    ] {
        assert_ne!(hash(RULEBOOK), hash(&changed), "{changed}");
    }
}

#[test]
fn test_reports_carry_the_provenance() {
    let report = rochdale::test_source(&SourceFile::new("t.coop", RULEBOOK));
    let p = report.provenance.expect("checked");
    assert_eq!(
        (p.rulebook.as_str(), p.version.as_deref()),
        ("Toad Lane", Some("1"))
    );
    assert_eq!(p.hash, hash(RULEBOOK));
}

#[test]
fn an_amendment_is_recorded_with_its_vote_and_changes_the_rules_in_force() {
    let (text, program, members) = first_year();
    let scenario = &program.scenarios[0];
    let o = rochdale::simulate::simulate(&program, scenario, members.clone());
    let json = serde_json::to_value(&o).expect("json");
    assert_eq!(json["provenance"]["hash"], program.provenance.hash);
    let amendment = &json["amendments"][0];
    assert_eq!(amendment["date"], "1845-07-01");
    assert_eq!(amendment["parameter"], "markup");
    assert_eq!(amendment["votes_for"], "22");
    assert_eq!(amendment["votes_against"], "4");
    assert!(
        amendment["reason"]
            .as_str()
            .is_some_and(|r| r.contains("at least 75% of votes cast required"))
    );
    let in_force = &amendment["in_force"];
    assert_ne!(in_force["hash"], program.provenance.hash);
    assert_eq!(
        in_force["amendments"][0],
        "1845-07-01: markup = 12.5% by special (22 for, 4 against)"
    );
    // The period closed after the amendment names the amended rules.
    assert_eq!(json["periods"][0]["in_force"]["hash"], in_force["hash"]);
    // Before the motion (step 36) the rules are as written; after, amended.
    let file = SourceFile::new("rulebooks/rochdale-1844.coop", text.clone());
    use rochdale::explain::{Context, explain_in};
    let before = explain_in(
        &file,
        &program,
        Context::Scenario {
            scenario,
            members: members.clone(),
            step: Some(35),
        },
        "markup",
    )
    .expect("explains");
    assert_eq!(before.value.display, "10%");
    assert!(before.provenance.amendments.is_empty());
    let after = explain_in(
        &file,
        &program,
        Context::Scenario {
            scenario,
            members,
            step: Some(36),
        },
        "markup",
    )
    .expect("explains");
    assert_eq!(after.value.display, "12.5%");
    assert!(
        after
            .to_text()
            .contains("as amended on 1845-07-01: markup = 12.5% by special (22 for, 4 against)")
    );
}

/// The example of provenance in docs/language.md is what the simulation
/// prints, but for the hash.
#[test]
fn the_documented_provenance_line_is_real() {
    let docs = std::fs::read_to_string("docs/language.md").expect("docs");
    let section = docs
        .split("## Provenance")
        .nth(1)
        .expect("a Provenance section");
    let block = section.split("```").nth(1).expect("an example block");
    let documented = block.split_whitespace().collect::<Vec<_>>().join(" ");
    let (_, program, members) = first_year();
    let scenario = &program.scenarios[0];
    let report = rochdale::simulate::simulate(&program, scenario, members).to_text();
    let line = report
        .lines()
        .find(|l| l.starts_with("Period 1 closed"))
        .expect("a period line");
    let mask = |s: &str| {
        s.rsplit_once("rules ")
            .map(|(head, _)| head.to_string())
            .unwrap_or_default()
    };
    assert_eq!(mask(&documented), mask(line));
    assert!(!mask(line).is_empty());
}
