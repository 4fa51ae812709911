//! `rochdale test --coverage` and `--mutate` on small rulebooks whose
//! answers are worked by hand (docs/coverage.md, docs/mutation.md).

use rochdale::SourceFile;
use rochdale::files::Files;
use rochdale::quality::coverage::{Kind, coverage};
use rochdale::quality::mutate::mutate;

/// Examples that miss exactly one clause (a member without a share is
/// never refused) and one tranche (no example's member holds shares, so
/// the interest on them is always £0).
const COVERAGE: &str = r#"rulebook "Coverage fixture" currency GBP

member {
  age: Integer = 30
  shares: Money = £0
  purchases: Money = £0
}

period {
  surplus: Money = £0
}

parameter minimum_age: Integer = 16

rule eligible(m) = m.age >= minimum_age because "members are {minimum_age} or over" and m.shares >= £1 because "members hold a share"

rule fee(m): Money = £5
  except when m.age >= 65 then £0

allocate period.surplus rounding down each {
  reserve: 10%
  interest: each member m: m.shares * 5%, at most remainder
  dividend: remainder, to each member m in proportion to m.purchases
}

example "an adult with a share" {
  members {
    ada: age 30, shares £1
  }
  expect eligible(ada)
  expect fee(ada) = £5
}

example "a child" {
  members {
    kid: age 12, shares £1
  }
  expect not eligible(kid) because "members are {minimum_age} or over"
}

example "a pensioner pays no fee" {
  members {
    pat: age 70, shares £1
  }
  expect fee(pat) = £0
}

example "the surplus" {
  members {
    ada: purchases £100
  }
  period {
    surplus £100
  }
  -- reserve: 10% of £100 = £10; interest: £0 × 5% = £0 (ada holds no
  -- shares); dividend: the remaining £90, all to ada
  expect allocated "reserve" = £10
  expect allocated "dividend" to ada = £90
}
"#;

fn file(name: &str, text: &str) -> SourceFile {
    SourceFile::new(name, text)
}

#[test]
fn coverage_finds_the_one_clause_and_the_one_tranche_the_examples_miss() {
    let report = coverage(&file("coverage.coop", COVERAGE), Files::None);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let missed: Vec<(Kind, &str, Option<&str>, Option<&str>)> = report
        .items
        .iter()
        .filter(|i| !i.covered)
        .map(|i| {
            (
                i.kind,
                i.name.as_str(),
                i.reason.as_deref(),
                i.missing.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        missed,
        [
            (
                Kind::Clause,
                "m.shares >= £1",
                Some("members hold a share"),
                Some("never false in the examples")
            ),
            (
                Kind::Tranche,
                "interest",
                None,
                Some("never takes an amount")
            ),
        ]
    );
    // By hand: rules eligible and fee (2), clauses `m.age >= minimum_age`,
    // `m.shares >= £1` and `m.age >= 65` (3), the exception (1), tranches
    // reserve, interest and dividend (3): 9 parts; 7 covered; 7/9 =
    // 77.77...%, written rounded down to a tenth.
    let kinds = |k: Kind| report.items.iter().filter(|i| i.kind == k).count();
    assert_eq!(
        [
            kinds(Kind::Rule),
            kinds(Kind::Clause),
            kinds(Kind::Exception),
            kinds(Kind::Tranche)
        ],
        [2, 3, 1, 3]
    );
    assert_eq!((report.covered, report.total), (7, 9));
    assert_eq!(report.percent, 77.7);
    // Each part not covered is a warning drawn at its place.
    let warnings = report.uncovered();
    assert_eq!(warnings.len(), 2);
    let at = |d: &rochdale::Diagnostic| d.span.map(|s| &COVERAGE[s.start..s.end]);
    assert_eq!(
        at(&warnings[0]),
        Some(r#"m.shares >= £1 because "members hold a share""#)
    );
    assert_eq!(
        at(&warnings[1]),
        Some("interest: each member m: m.shares * 5%, at most remainder")
    );
    assert_eq!(warnings[0].code.as_str(), "E0503");
}

#[test]
fn an_example_of_each_missing_part_brings_coverage_to_full() {
    // A member of 40 without a share is refused by the second clause; a
    // member with £20 of shares makes the interest tranche take
    // £20 × 5% = £1.00 of the £100 (reserve £10, interest £1, dividend £89).
    let more = format!(
        "{COVERAGE}{}",
        r#"
example "no share" {
  members {
    bo: age 40
  }
  expect not eligible(bo) because "members hold a share"
}

example "interest on shares" {
  members {
    cy: shares £20, purchases £10
  }
  period {
    surplus £100
  }
  expect allocated "interest" = £1.00
  expect allocated "dividend" to cy = £89
}
"#
    );
    let report = coverage(&file("coverage.coop", &more), Files::None);
    let missed: Vec<&str> = report
        .items
        .iter()
        .filter(|i| !i.covered)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(missed, Vec::<&str>::new());
    assert_eq!(
        (report.covered, report.total, report.percent),
        (9, 9, 100.0)
    );
}

#[test]
fn coverage_counts_acts_and_requirements_from_scenarios() {
    let text = r#"rulebook "Acts" currency GBP

member {
  shares: Money = £0
}

act join(m) {
  admit m
}

act subscribe(m, amount: Money) {
  requires amount > £0 because "a subscription is of some amount"
  add amount to m.shares
  post amount debit "cash" credit "capital" of m
}

act leave(m) {
  remove m
}

scenario "a year" {
  members {
    ada: shares £0
  }
  on 2026-01-01 join(ada)
  on 2026-01-02 subscribe(ada, £5)
}
"#;
    let report = coverage(&file("acts.coop", text), Files::None);
    let parts: Vec<(Kind, &str, bool)> = report
        .items
        .iter()
        .map(|i| (i.kind, i.name.as_str(), i.covered))
        .collect();
    // join and subscribe ran; subscribe's requirement held and was never
    // refused; leave never ran: 2 parts of 4.
    assert_eq!(
        parts,
        [
            (Kind::Act, "join", true),
            (Kind::Act, "subscribe", true),
            (
                Kind::Requirement,
                r#"amount > £0 because "a subscription is of some amount""#,
                false
            ),
            (Kind::Act, "leave", false),
        ]
    );
    assert_eq!(report.percent, 50.0);
    // A refused subscription covers the requirement: 3 of 4.
    let refused = text.replace(
        "on 2026-01-02 subscribe(ada, £5)",
        "on 2026-01-02 subscribe(ada, £5)\n  on 2026-01-03 subscribe(ada, £0)",
    );
    assert_ne!(refused, text);
    let report = coverage(&file("acts.coop", &refused), Files::None);
    assert_eq!((report.covered, report.total, report.percent), (3, 4, 75.0));
}

#[test]
fn a_refusal_whose_reason_embeds_a_figure_covers_its_requirement() {
    // The refusal reads "a subscription is of at least £1.00", the
    // requirement's reason is written `{minimum}`: the same reason.
    let text = r#"rulebook "Acts" currency GBP

member {
  shares: Money = £0
}

parameter minimum: Money = £1.00

act join(m) {
  admit m
}

act subscribe(m, amount: Money) {
  requires amount >= minimum because "a subscription is of at least {minimum}"
  add amount to m.shares
  post amount debit "cash" credit "capital" of m
}

scenario "a year" {
  members {
    ada: shares £0
  }
  on 2026-01-01 join(ada)
  on 2026-01-02 subscribe(ada, £5.00)
  on 2026-01-03 subscribe(ada, £0.50)
}
"#;
    let report = coverage(&file("figures.coop", text), Files::None);
    let requirement = report
        .items
        .iter()
        .find(|i| i.kind == Kind::Requirement)
        .expect("the requirement");
    assert!(requirement.covered, "{:?}", report.items);
    assert_eq!((report.covered, report.total), (3, 3));
}

const MUTATION: &str = r#"rulebook "Mutation fixture" currency GBP

member {
  age: Integer = 30
}

parameter minimum_age: Integer = 16

rule eligible(m) = m.age >= minimum_age because "members are {minimum_age} or over"

example "a member of 30" {
  members {
    ada: age 30
  }
  expect eligible(ada)
}

example "a child of 12" {
  members {
    kid: age 12
  }
  expect not eligible(kid) because "members are {minimum_age} or over"
}
"#;

#[test]
fn mutants_that_the_examples_of_30_and_12_cannot_tell_apart_survive() {
    let report = mutate(&file("mutation.coop", MUTATION), Files::None);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    // By hand, four mutants: minimum_age 17 and 15 (30 and 12 fall on the
    // same sides of both), `>=` made `<` (30 < 16 is false: killed by the
    // member of 30) and `>=` made `>` (30 > 16, not 12 > 16: survives).
    assert_eq!(report.mutants, 4);
    assert_eq!(report.killed, 1);
    assert_eq!(report.not_checking, 0);
    let survivors: Vec<(&str, &str)> = report
        .survivors
        .iter()
        .map(|s| (s.operator, s.what.as_str()))
        .collect();
    assert_eq!(
        survivors,
        [
            (
                "constant",
                "the parameter `minimum_age` = `16` moved up by 1"
            ),
            (
                "constant",
                "the parameter `minimum_age` = `16` moved down by 1"
            ),
            ("comparison", "`>=` made `>`"),
        ]
    );
    assert_eq!(
        report.survivors[0].suggest,
        "an example at the boundary minimum_age = 16"
    );
    assert_eq!(
        report.survivors[2].suggest,
        "an example at the boundary, where `m.age` = `minimum_age`"
    );
    // 1 killed of the 4 that check: 25%.
    assert_eq!(report.score, 25.0);
    let warnings = report.diagnostics_of_survivors();
    assert_eq!(warnings[2].code.as_str(), "E0504");
    let at = warnings[2].span.map(|s| &MUTATION[s.start..s.end]);
    assert_eq!(at, Some("m.age >= minimum_age"));
}

#[test]
fn examples_at_the_boundary_kill_every_mutant() {
    // 16 is eligible (kills `>`, 16 > 16 is false, and minimum_age 17);
    // 15 is not (kills minimum_age 15, under which 15 >= 15 holds).
    let more = format!(
        "{MUTATION}{}",
        r#"
example "exactly 16" {
  members {
    sam: age 16
  }
  expect eligible(sam)
}

example "15" {
  members {
    fay: age 15
  }
  expect not eligible(fay) because "members are {minimum_age} or over"
}
"#
    );
    let report = mutate(&file("mutation.coop", &more), Files::None);
    assert_eq!((report.mutants, report.killed), (4, 4));
    assert!(report.survivors.is_empty());
    assert_eq!(report.score, 100.0);
}

#[test]
fn mutants_that_do_not_check_are_counted_apart() {
    // Two constant halves without a remainder: the checker accepts only
    // percentages that add up to exactly 100%, so each half moved by 1%
    // (51% or 49%) does not check (E0309, E0310): 4 mutants counted apart.
    // £10.01 halved is £5.005: `down` gives the reserve £5.00 and the last
    // tranche what is left, £5.01. An allocation's amounts are never
    // negative, so `floor` (the same as `down` there) is not made; of the
    // five other modes, `up`, `half up` and `ceiling` give the reserve
    // £5.01 (killed); `half down` (a tie goes toward zero) and `half even`
    // (to the even £5.00) give £5.00 too and survive. Swapped, the dividend
    // is rounded first (£5.00) and the reserve takes £5.01: killed.
    // 4 + 5 + 1 = 10 mutants.
    let text = r#"rulebook "Halves" currency GBP

period {
  surplus: Money = £0
}

allocate period.surplus rounding down {
  reserve: 50%
  dividend: 50%
}

example "an odd penny" {
  period {
    surplus £10.01
  }
  expect allocated "reserve" = £5.00
  expect allocated "dividend" = £5.01
}
"#;
    let report = mutate(&file("halves.coop", text), Files::None);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        (report.mutants, report.not_checking, report.killed),
        (10, 4, 4)
    );
    let survivors: Vec<&str> = report.survivors.iter().map(|s| s.what.as_str()).collect();
    assert_eq!(
        survivors,
        [
            "rounding `down` made `half down`",
            "rounding `down` made `half even`",
        ]
    );
    // 4 killed of the 6 that check: 66.66...%, rounded down to a tenth.
    assert_eq!(report.score, 66.6);
}

#[test]
fn a_failing_example_stops_the_run() {
    let failing = MUTATION.replace("expect eligible(ada)", "expect not eligible(ada)");
    let report = mutate(&file("mutation.coop", &failing), Files::None);
    assert_eq!(report.mutants, 0);
    assert_eq!(report.diagnostics.len(), 1);
    assert!(
        report.diagnostics[0]
            .message
            .contains("the rulebook's own examples fail (a member of 30)"),
        "{}",
        report.diagnostics[0].message
    );
}

/// The command line: the figure, `--coverage-min` and the JSON of both.
#[test]
fn the_command_line_fails_below_the_minimum_and_writes_json() {
    let dir = std::env::temp_dir().join(format!("rochdale-quality-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("coverage.coop");
    std::fs::write(&path, COVERAGE).expect("write");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rochdale"))
            .args(args)
            .output()
            .expect("runs")
    };
    let file = path.to_str().expect("utf-8");
    // 7 of 9 parts: 77.7%, below 78 and not below 77.
    let below = run(&["test", "--coverage", "--coverage-min", "78", file]);
    assert_eq!(below.status.code(), Some(1));
    let text = String::from_utf8_lossy(&below.stdout);
    assert!(text.contains("coverage 77.7% (7 of 9 parts)"), "{text}");
    assert!(text.contains("never false in the examples"), "{text}");
    assert!(text.contains("clauses      2/3"), "{text}");
    let above = run(&["test", "--coverage", "--coverage-min", "77", file]);
    assert_eq!(above.status.code(), Some(0));
    let json = run(&["test", "--coverage", "--format", "json", file]);
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(parsed[0]["percent"], 77.7);
    let missed: Vec<(&str, u64)> = parsed[0]["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["covered"] == false)
        .map(|i| {
            (
                i["kind"].as_str().unwrap_or(""),
                i["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // The shares clause is on line 15; the interest tranche on line 22.
    assert_eq!(missed, [("clause", 15), ("tranche", 22)]);

    let path = dir.join("mutation.coop");
    std::fs::write(&path, MUTATION).expect("write");
    let json = run(&[
        "test",
        "--mutate",
        "--format",
        "json",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(json.status.code(), Some(0));
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(parsed[0]["mutants"], 4);
    assert_eq!(parsed[0]["killed"], 1);
    let places: Vec<(u64, u64)> = parsed[0]["survivors"]
        .as_array()
        .expect("survivors")
        .iter()
        .map(|s| {
            (
                s["line"].as_u64().unwrap_or(0),
                s["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // minimum_age's 16 (twice) at line 7, column 34; `m.age >= minimum_age`
    // at line 9, column 20.
    assert_eq!(places, [(7, 34), (7, 34), (9, 20)]);
    std::fs::remove_dir_all(&dir).ok();
}
