//! `rochdale diff`: the change to the text and its impact per member, with
//! figures worked out by hand.

use std::path::Path;
use std::process::{Command, Output};

use rochdale::SourceFile;
use rochdale::diff::{
    ChangeKind, DiffOptions, Effect, RulebookDiff, ScenarioChoice, Version, diff,
};
use rochdale::simulate::StepStatus;

/// Version 1844.1, kept as a fixture: the figures below were worked by hand
/// for its year of one close (tests/fixtures/README.md).
const ORIGINAL: &str = "tests/fixtures/rochdale-1844.1.coop";

fn original() -> SourceFile {
    let text = std::fs::read_to_string(ORIGINAL).expect("the 1844 rulebook");
    SourceFile::new(ORIGINAL, text)
}

/// The 1844 rulebook with one line replaced (which must be there).
fn amended(from: &str, to: &str) -> SourceFile {
    let old = original();
    assert!(old.text.contains(from), "the rulebook has `{from}`");
    SourceFile::new("amended.coop", old.text.replace(from, to))
}

fn compare(old: &SourceFile, new: &SourceFile, options: &DiffOptions) -> RulebookDiff {
    let dir = Path::new("rulebooks");
    match diff(
        Version::in_dir(old, dir),
        Version::in_dir(new, dir),
        options,
    ) {
        Ok(d) => d,
        Err(e) => panic!("{:?}", e.diagnostics),
    }
}

fn member<'a>(d: &'a RulebookDiff, name: &str) -> &'a rochdale::diff::MemberImpact {
    let sim = d.simulation.as_ref().expect("a scenario was run");
    sim.members
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} is in the comparison"))
}

/// (old, new, difference) of one account of a member, as displayed.
fn account(d: &RulebookDiff, name: &str, account: &str) -> (String, String, String) {
    let m = member(d, name);
    let c = m
        .changes
        .iter()
        .find(|c| c.kind == "account" && c.name == account)
        .unwrap_or_else(|| panic!("{name}'s {account} changes"));
    let show = |v: &Option<rochdale::value::ValueView>| {
        v.as_ref()
            .map(|v| v.display.clone())
            .unwrap_or_else(|| "-".into())
    };
    (show(&c.old), show(&c.new), show(&c.difference))
}

const RESERVE_10: &str = "parameter reserve_share: Percent = 10%";
const RESERVE_20: &str = "parameter reserve_share: Percent = 20%";

#[test]
fn doubling_the_reserve_share_shows_each_members_dividend() {
    let old = original();
    let new = amended(RESERVE_10, RESERVE_20);
    let d = compare(&old, &new, &DiffOptions::default());

    // The text: one parameter changed, old and new values shown.
    assert_eq!(d.changes.len(), 1, "{:?}", d.changes);
    let c = &d.changes[0];
    assert_eq!(
        (c.kind.as_str(), c.name.as_str(), c.change),
        ("parameter", "reserve_share", ChangeKind::Changed)
    );
    assert_eq!(c.article.as_deref(), Some("9"));
    assert_eq!(c.old.as_deref(), Some("10%: Percent"));
    assert_eq!(c.new.as_deref(), Some("20%: Percent"));

    // The first year (worked in rulebooks/rochdale-1844.coop): surplus £34.00.
    // Reserve 10% = £3.40 becomes 20% = £6.80. Education 2.5% = £0.85 and
    // interest £5.80 (27 x £0.20 + cooper's £8.00 x 5%) stay. The dividend
    // was 34.00 - 3.40 - 0.85 - 5.80 = £23.95 and is now
    // 34.00 - 6.80 - 0.85 - 5.80 = £20.55.
    let sim = d.simulation.as_ref().expect("the scenario ran");
    assert_eq!(sim.scenario, "first year");
    let tranche = |label: &str| {
        let t = sim
            .tranches
            .iter()
            .find(|t| t.label == label)
            .unwrap_or_else(|| panic!("{label} changes"));
        (
            t.old.as_ref().map(|v| v.display.clone()),
            t.new.as_ref().map(|v| v.display.clone()),
            t.difference.as_ref().map(|v| v.display.clone()),
        )
    };
    assert_eq!(
        tranche("reserve fund"),
        (
            Some("£3.40".into()),
            Some("£6.80".into()),
            Some("+£3.40".into())
        )
    );
    assert_eq!(
        tranche("dividend on purchases"),
        (
            Some("£23.95".into()),
            Some("£20.55".into()),
            Some("-£3.40".into())
        )
    );
    assert!(sim.tranches.iter().all(|t| t.label != "education fund"));

    // Purchases for the year (worked in the rulebook): the 20 founders buying
    // £5.00 goods a quarter ("A") £22.26 each, the 8 buying £8.00 goods
    // ("B") £35.60 each; £730.00 in all. The dividend of £20.55 by largest
    // remainder:
    //   A: 20.55 x 22.26 / 730 = 0.62663... -> 62p, remainder .663
    //   B: 20.55 x 35.60 / 730 = 1.00216... -> £1.00, remainder .216
    //   floors 20 x 62p + 8 x 100p = 2,040p; 2,055p - 2,040p = 15p left for
    //   the 15 largest remainders: the first 15 A-members (ties go to the
    //   member listed first) get 63p, the other 5 A-members 62p.
    // Under 10% (the rulebook's own figures): A 73p, B £1.17, r_taylor £1.16.
    let first_a = [
        "howarth",
        "cooper",
        "s_ashworth",
        "m_ashworth",
        "daly",
        "bent",
        "smithies",
        "collier",
        "mallalieu",
        "manock",
        "standring",
        "kershaw",
        "j_holt",
        "j_tweedale",
        "s_tweedale",
    ];
    for name in first_a {
        assert_eq!(
            account(&d, name, "dividend on purchases"),
            ("£0.73".into(), "£0.63".into(), "-£0.10".into()),
            "{name}"
        );
    }
    for name in ["a_tweedale", "maden", "hill", "rudman", "scowcroft"] {
        assert_eq!(
            account(&d, name, "dividend on purchases"),
            ("£0.73".into(), "£0.62".into(), "-£0.11".into()),
            "{name}"
        );
    }
    for name in [
        "smith",
        "w_taylor",
        "wilkinson",
        "brooks",
        "garside",
        "healey",
        "bamford",
    ] {
        assert_eq!(
            account(&d, name, "dividend on purchases"),
            ("£1.17".into(), "£1.00".into(), "-£0.17".into()),
            "{name}"
        );
    }
    assert_eq!(
        account(&d, "r_taylor", "dividend on purchases"),
        ("£1.16".into(), "£1.00".into(), "-£0.16".into())
    );
    // The dividend is the only account that moves: the net is the same.
    let howarth = member(&d, "howarth");
    assert_eq!(howarth.changes.len(), 1);
    assert_eq!(howarth.effect, Effect::Loses);
    assert_eq!(
        howarth.net.as_ref().map(|v| v.display.as_str()),
        Some("-£0.10")
    );
    // young was refused under both: unchanged.
    assert_eq!(member(&d, "young").effect, Effect::Unchanged);

    // Totals: 28 members lose, young is unchanged; the largest loss is a
    // B-member's 17p, smith being the first listed.
    let t = &sim.totals;
    assert_eq!(
        (t.members, t.gain, t.lose, t.unchanged, t.admissions_changed),
        (29, 0, 28, 1, 0)
    );
    let loss = t.largest_loss.as_ref().expect("a loss");
    assert_eq!(
        (loss.member.as_str(), loss.amount.display.as_str()),
        ("smith", "-£0.17")
    );
    assert!(t.largest_gain.is_none());
    // Every money the members lose goes to the reserve: 15 x 10p + 5 x 11p
    // + 7 x 17p + 16p = 1.50 + 0.55 + 1.19 + 0.16 = £3.40.
    let fund = sim
        .funds
        .iter()
        .find(|f| f.name == "reserve fund")
        .expect("the reserve moves");
    assert_eq!(
        fund.difference.as_ref().map(|v| v.display.as_str()),
        Some("+£3.40")
    );
    assert!(sim.admissions.is_empty() && sim.steps.is_empty());
}

#[test]
fn raising_the_minimum_shareholding_shows_who_is_no_longer_admitted() {
    let old = original();
    let new = amended(
        "parameter minimum_shares: Integer = 4",
        "parameter minimum_shares: Integer = 5",
    );
    let json = SourceFile::new(
        "tests/diff/admission-quarter.json",
        std::fs::read_to_string("tests/diff/admission-quarter.json").expect("scenario"),
    );
    let d = compare(
        &old,
        &new,
        &DiffOptions {
            scenario: ScenarioChoice::Json(&json),
            members: None,
        },
    );
    let sim = d.simulation.as_ref().expect("the scenario ran");

    // ben joins with £4.00: enough for 4 shares of £1, not for 5.
    assert_eq!(sim.admissions.len(), 1);
    let a = &sim.admissions[0];
    assert_eq!(
        (a.member.as_str(), a.old_member, a.new_member),
        ("ben", true, false)
    );
    assert_eq!(
        a.reasons,
        ["members must hold the minimum shareholding (article 13): £4.00 < £5.00"]
    );
    let step = sim
        .steps
        .iter()
        .find(|s| s.step == 2)
        .expect("step 2 flips");
    assert_eq!(
        (step.old, step.new),
        (StepStatus::Done, StepStatus::Refused)
    );
    // dan (15) is refused under both; under the new rules for two reasons.
    let dan = sim.steps.iter().find(|s| s.step == 4).expect("step 4");
    assert_eq!(
        (dan.old, dan.new),
        (StepStatus::Refused, StepStatus::Refused)
    );
    assert_eq!(dan.new_reasons.len(), 2);

    // Old: ada £5, ben £4, cy £6 of shares; a quarter's trade at +10%:
    // ada £11, ben £11, cy £22 = £44 of sales; costs £30; surplus £14.00.
    //   reserve 10% = £1.40, education 2.5% = £0.35,
    //   interest 5% of 5 + 4 + 6 = £0.75, dividend 14 - 1.40 - 0.35 - 0.75 = £11.50
    //   split 11 : 11 : 22 -> 2.875, 2.875, 5.75 -> 2.87 + 2.87 + 5.75 = 11.49,
    //   the last penny to ada (tied with ben, listed first): 2.88, 2.87, 5.75.
    // New: ben is not a member and does not trade: sales £33, surplus £3.00.
    //   reserve £0.30, education 2.5% of 3 = 0.075 -> £0.07 (down),
    //   interest 0.25 + 0.30 = £0.55, dividend 3 - 0.30 - 0.07 - 0.55 = £2.08
    //   split 11 : 22 -> 0.6933, 1.3866 -> 0.69 + 1.38 = 2.07, the last
    //   penny to cy (remainder .66 against .33): ada £0.69, cy £1.39.
    assert_eq!(
        account(&d, "ada", "dividend on purchases"),
        ("£2.88".into(), "£0.69".into(), "-£2.19".into())
    );
    assert_eq!(
        account(&d, "cy", "dividend on purchases"),
        ("£5.75".into(), "£1.39".into(), "-£4.36".into())
    );
    // ben's accounts go: capital £4.00, interest £0.20, dividend £2.87.
    assert_eq!(
        account(&d, "ben", "capital"),
        ("£4.00".into(), "-".into(), "-£4.00".into())
    );
    let ben = member(&d, "ben");
    assert_eq!(ben.net.as_ref().map(|v| v.display.as_str()), Some("-£7.07"));
    let reserve = sim
        .tranches
        .iter()
        .find(|t| t.label == "reserve fund")
        .expect("reserve");
    assert_eq!(
        reserve.new.as_ref().map(|v| v.display.as_str()),
        Some("£0.30")
    );
    let t = &sim.totals;
    assert_eq!(
        (t.members, t.lose, t.unchanged, t.admissions_changed),
        (4, 3, 1, 1)
    );

    // The examples: "admission" gives ada (£4.00 of shares) no longer eligible.
    let admission = d
        .examples
        .iter()
        .find(|e| e.name == "admission")
        .expect("the admission example changes");
    assert!(admission.old_passed && !admission.new_passed);
    assert!(admission.values.iter().any(|v| v.expect == "eligible(ada)"
        && v.old.as_ref().map(|v| v.value.as_str()) == Some("true")
        && v.new.as_ref().map(|v| v.value.as_str()) == Some("false")));
}

#[test]
fn layout_and_comments_are_no_change() {
    let old = original();
    let new = SourceFile::new(
        "relaid.coop",
        old.text
            .replace(RESERVE_10, &format!("-- a comment\n  {RESERVE_10}  -- why"))
            .replace("  rule surplus", "\n\n  rule   surplus"),
    );
    let d = compare(&old, &new, &DiffOptions::default());
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert!(d.examples.is_empty());
    let sim = d.simulation.as_ref().expect("ran");
    assert!(sim.members.iter().all(|m| m.changes.is_empty()));
    assert_eq!(sim.totals.unchanged, sim.totals.members);
    assert!(d.to_text().contains("none: the rules are the same"));
}

#[test]
fn parts_added_removed_changed_and_moved_are_named() {
    let old = SourceFile::new(
        "old.coop",
        r#"rulebook "Shop" version "1" currency GBP
member { age: Integer }
article 1 "Prices" {
  text "Cost plus a tenth."
  parameter markup: Percent = 10%
  rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)
}
rule old_rule: Integer = 1
"#,
    );
    let new = SourceFile::new(
        "new.coop",
        r#"rulebook "Shop" version "2" currency GBP
member { age: Integer  joined: Date = 2026-01-01 }
article 1 "Prices" {
  text "Cost plus a tenth, rounded up."
  parameter markup: Percent = 10%
}
article 2 "Rounding" {
  rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, up)
}
act buy(m, cost: Money) { requires cost > £0 because "something must be bought" }
"#,
    );
    let d = diff(
        Version::new(&old),
        Version::new(&new),
        &DiffOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let summary: Vec<(String, String, ChangeKind, Vec<String>)> = d
        .changes
        .iter()
        .map(|c| (c.kind.clone(), c.name.clone(), c.change, c.parts.clone()))
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        summary,
        vec![
            (
                s("header"),
                s("rulebook"),
                ChangeKind::Changed,
                vec![s("version")]
            ),
            (
                s("article"),
                s("1"),
                ChangeKind::Changed,
                vec![s("legal text")]
            ),
            (
                s("rule"),
                s("price"),
                ChangeKind::Changed,
                vec![s("moved from article 1")]
            ),
            (s("rule"), s("old_rule"), ChangeKind::Removed, vec![]),
            (
                s("member attribute"),
                s("joined"),
                ChangeKind::Added,
                vec![]
            ),
            (s("article"), s("2"), ChangeKind::Added, vec![]),
            (s("act"), s("buy"), ChangeKind::Added, vec![]),
        ]
    );
    assert!(d.simulation.is_none());
    assert_eq!(
        d.notes,
        ["the rulebook has no scenario: only its examples are compared"]
    );
}

fn rochdale(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A folder with the amended 1844 rulebook and the members file it names.
fn amended_folder(tag: &str, from: &str, to: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rochdale-diff-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::copy(
        "rulebooks/rochdale-1844-founders.csv",
        dir.join("rochdale-1844-founders.csv"),
    )
    .expect("copy members");
    let path = dir.join("amended.coop");
    std::fs::write(&path, amended(from, to).text).expect("write");
    path
}

#[test]
fn the_command_prints_each_members_change_and_totals() {
    let new = amended_folder("text", RESERVE_10, RESERVE_20);
    let o = rochdale(&["diff", ORIGINAL, new.to_str().expect("utf-8 path")]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for line in [
        "  ~ parameter reserve_share (article 9)",
        "      10%: Percent  ->  20%: Percent",
        "    period 1 reserve fund: £3.40 -> £6.80  (+£3.40)",
        "    account reserve fund: £3.40 Cr -> £6.80 Cr  (+£3.40 Cr)",
        // The 15 A-members who keep a rounding penny, once (worked in
        // doubling_the_reserve_share_shows_each_members_dividend).
        "  15 members (howarth, cooper, s_ashworth, m_ashworth, daly, bent, smithies, collier, mallalieu, manock and 5 more), each: loses £0.10",
        "    dividend on purchases: £0.73 -> £0.63  (-£0.10)",
        "  5 members (a_tweedale, maden, hill, rudman, scowcroft), each: loses £0.11",
        "    dividend on purchases: £0.73 -> £0.62  (-£0.11)",
        "  7 members (smith, w_taylor, wilkinson, brooks, garside, healey, bamford), each: loses £0.17",
        "  r_taylor: loses £0.16",
        "  29 people: 0 gain, 28 lose, 1 unchanged; 0 admissions change",
        "  largest loss: smith -£0.17",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
    // Each group's figure is printed once: 4 groups, 4 dividend lines.
    let dividends = out
        .lines()
        .filter(|l| l.starts_with("    dividend on purchases:"))
        .count();
    assert_eq!(dividends, 4, "{out}");
    // One change: nothing to attribute.
    assert!(!out.contains("on its own"), "{out}");
}

#[test]
fn json_output_has_a_stable_shape() {
    let new = amended_folder(
        "json",
        "parameter minimum_shares: Integer = 4",
        "parameter minimum_shares: Integer = 5",
    );
    let o = rochdale(&[
        "diff",
        ORIGINAL,
        new.to_str().expect("utf-8 path"),
        "--scenario-file",
        "tests/diff/admission-quarter.json",
        "--format",
        "json",
    ]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}");
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(parsed["simulation"]["totals"].is_object());
    // The hashes change with any edit of the rulebook; the test of
    // provenance is tests/provenance.rs.
    insta::assert_snapshot!(without_hashes(&out));
}

/// `"hash": "3ae6..."` as `"hash": "[hash]"`.
fn without_hashes(json: &str) -> String {
    json.lines()
        .map(|line| match line.find("\"hash\": \"") {
            Some(i) => format!("{}\"hash\": \"[hash]\",", &line[..i]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn errors_in_either_version_or_a_missing_file_are_reported() {
    let o = rochdale(&["diff", ORIGINAL, "rulebooks/no-such.coop"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("E0001"));

    let broken = amended_folder(
        "broken",
        RESERVE_10,
        "parameter reserve_share: Percent = £10",
    );
    let o = rochdale(&["diff", ORIGINAL, broken.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("amended.coop"), "{err}");

    let o = rochdale(&["diff", ORIGINAL, ORIGINAL, "--scenario", "second year"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no scenario \"second year\""), "{err}");
}

const AGE_16: &str = "parameter minimum_age: Integer = 16";
const AGE_14: &str = "parameter minimum_age: Integer = 14";
const EDUCATION_2_5: &str = "parameter education_share: Percent = 2.5%";
const EDUCATION_5: &str = "parameter education_share: Percent = 5%";

/// The 1844 rulebook with the education share doubled and the age lowered.
fn education_and_age() -> SourceFile {
    let one = amended(EDUCATION_2_5, EDUCATION_5);
    assert!(one.text.contains(AGE_16));
    SourceFile::new("amended.coop", one.text.replace(AGE_16, AGE_14))
}

/// (gain, lose, unchanged, admissions changed).
fn counts(t: &rochdale::diff::Totals) -> (usize, usize, usize, usize) {
    (t.gain, t.lose, t.unchanged, t.admissions_changed)
}

#[test]
fn two_changes_are_each_shown_alone_and_together() {
    let d = compare(&original(), &education_and_age(), &DiffOptions::default());
    let sim = d.simulation.as_ref().expect("the scenario ran");
    assert_eq!(sim.parameters_alone.len(), 2, "{:?}", sim.parameters_alone);
    let alone = |name: &str| {
        sim.parameters_alone
            .iter()
            .find(|p| p.parameter == name)
            .unwrap_or_else(|| panic!("{name} run alone"))
    };
    let given = |p: &rochdale::diff::ParameterAlone, who: &str| {
        p.members
            .iter()
            .find(|m| m.member == who)
            .map(|m| m.amount.display.clone())
    };

    // Education 5% alone: surplus £34.00, reserve £3.40, education £1.70,
    // interest £5.80; dividends 34.00 - 3.40 - 1.70 - 5.80 = £23.10.
    //   A (£22.26 of £730): 23.10 x 22.26 / 730 = 0.70440 -> 70p, rem .440
    //   B (£35.60 of £730): 23.10 x 35.60 / 730 = 1.12652 -> 112p, rem .652
    //   floors 20 x 70 + 8 x 112 = 2,296p; 14p left: the 8 B-members
    //   (.652) then the first 6 A-members (.440, in list order).
    //   A: 71p (first 6) or 70p, against 73p: -2p or -3p; B: £1.13 against
    //   £1.17 (-4p) and r_taylor's £1.16 (-3p). All 28 lose; young is
    //   refused as before.
    let education = alone("education_share");
    assert_eq!(
        (
            education.old.display.as_str(),
            education.new.display.as_str()
        ),
        ("2.5%", "5%")
    );
    assert_eq!(counts(&education.totals), (0, 28, 1, 0));
    assert_eq!(given(education, "bent").as_deref(), Some("-£0.02"));
    assert_eq!(given(education, "smithies").as_deref(), Some("-£0.03"));
    assert_eq!(given(education, "smith").as_deref(), Some("-£0.04"));
    assert_eq!(given(education, "r_taylor").as_deref(), Some("-£0.03"));
    // 6 x 2p + 14 x 3p + 7 x 4p + 3p = 85p, the education fund's rise.
    let lost: i64 = education
        .members
        .iter()
        .map(|m| {
            m.amount
                .value
                .parse::<f64>()
                .map(|v| (v * 100.0).round() as i64)
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(lost, -85);

    // Age 14 alone: young (15) joins with £4.00 and buys £10.00 in the year
    // (£1.10 + 2 x £2.20 + 2 x £2.25), so surplus is £44.00: reserve £4.40,
    // education £1.10, interest 28 x £0.20 + cooper's extra £0.20 = £6.00;
    // dividends 44.00 - 4.40 - 1.10 - 6.00 = £32.50 over £740.00:
    //   A 32.50 x 22.26 / 740 = 0.97763 -> 97p, rem .763
    //   B 32.50 x 35.60 / 740 = 1.56351 -> 156p, rem .351
    //   young 32.50 x 10 / 740 = 0.43918 -> 43p, rem .918
    //   floors 1,940 + 1,248 + 43 = 3,231p; 19p left: young, then the
    //   first 18 A-members. A +25p (18) or +24p (rudman, scowcroft);
    //   B £1.56: +39p, r_taylor +40p; young 44p + 20p interest = +64p.
    let age = alone("minimum_age");
    assert_eq!(counts(&age.totals), (29, 0, 0, 1));
    assert_eq!(given(age, "howarth").as_deref(), Some("+£0.25"));
    assert_eq!(given(age, "scowcroft").as_deref(), Some("+£0.24"));
    assert_eq!(given(age, "smith").as_deref(), Some("+£0.39"));
    assert_eq!(given(age, "young").as_deref(), Some("+£0.64"));

    // Together: surplus £44.00, education 5% = £2.20, dividends
    // 44.00 - 4.40 - 2.20 - 6.00 = £31.40; everyone gains, which neither
    // the education change alone (28 lose) nor the sum of counts tells.
    assert_eq!(counts(&sim.totals), (29, 0, 0, 1));
    let tranche = sim
        .tranches
        .iter()
        .find(|t| t.label == "dividend on purchases")
        .expect("the dividend moves");
    assert_eq!(
        tranche.new.as_ref().map(|v| v.display.as_str()),
        Some("£31.40")
    );
}

#[test]
fn a_new_members_payment_is_not_a_gain_and_cash_keeps_its_side() {
    let d = compare(&original(), &education_and_age(), &DiffOptions::default());
    let sim = d.simulation.as_ref().expect("the scenario ran");
    // young joins with £4.00 (own payment) and is given, together,
    // 31.40 x 10 / 740 = 0.42432 -> 42p of dividend (its remainder .432 is
    // below the A-members' .4546, which take the 10 pennies left) and 20p
    // interest on £4.00 at 5%: 62p.
    let young = member(&d, "young");
    let shown = |v: &Option<rochdale::value::ValueView>| v.as_ref().map(|v| v.display.clone());
    assert_eq!(shown(&young.net).as_deref(), Some("+£4.62"));
    assert_eq!(shown(&young.paid_in).as_deref(), Some("+£4.00"));
    assert_eq!(shown(&young.given).as_deref(), Some("+£0.62"));
    assert_eq!(young.effect, Effect::Gains);
    // The largest gain is counted by what the rules gave: young's 62p
    // against r_taylor's 35p (£1.16 -> £1.51).
    let gain = sim.totals.largest_gain.as_ref().expect("a gain");
    assert_eq!(
        (gain.member.as_str(), gain.amount.display.as_str()),
        ("young", "+£0.62")
    );

    // Cash, a debit balance: £116.00 + £730.00 - £696.00 = £150.00 Dr
    // before; young's £4.00 and £10.00 of purchases make it £164.00 Dr.
    let cash = sim
        .funds
        .iter()
        .find(|f| f.name == "cash")
        .expect("cash moves");
    assert_eq!(cash.side, Some(rochdale::diff::Side::Debit));
    let reserve = sim
        .funds
        .iter()
        .find(|f| f.name == "reserve fund")
        .expect("the reserve moves");
    assert_eq!(reserve.side, Some(rochdale::diff::Side::Credit));
    let text = d.to_text();
    for line in [
        "    account cash: £150.00 Dr -> £164.00 Dr  (+£14.00 Dr)",
        "    account reserve fund: £3.40 Cr -> £4.40 Cr  (+£1.00 Cr)",
        "  young: gains £0.62 from the rules; own payments +£4.00",
        "    minimum_age 16 -> 14: 29 gain, 0 lose, 0 unchanged; 1 admissions change; largest gain young +£0.64",
        "    education_share 2.5% -> 5%: 0 gain, 28 lose, 1 unchanged; 0 admissions change; largest loss smith -£0.04",
        "    all the changes together: 29 gain, 0 lose, 0 unchanged; 1 admissions change",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
}

#[test]
fn members_who_change_alike_are_one_line_in_text_and_each_in_json() {
    let d = compare(&original(), &education_and_age(), &DiffOptions::default());
    // Together the dividend is £31.40 over £740.00:
    //   A 31.40 x 22.26 / 740 = 0.94454 -> 94p, rem .454
    //   B 31.40 x 35.60 / 740 = 1.51059 -> 151p, rem .059
    //   young 31.40 x 10 / 740 = 0.42432 -> 42p, rem .432
    //   floors 1,880 + 1,208 + 42 = 3,130p; 10p left to the first 10
    //   A-members: 95p (+22p); the other 10 A 94p (+21p); B £1.51: +34p,
    //   r_taylor +35p.
    let text = d.to_text();
    for line in [
        "  10 members (howarth, cooper, s_ashworth, m_ashworth, daly, bent, smithies, collier, mallalieu, manock), each: gains £0.22",
        "    dividend on purchases: £0.73 -> £0.95  (+£0.22)",
        "  10 members (standring, kershaw, j_holt, j_tweedale, s_tweedale, a_tweedale, maden, hill, rudman, scowcroft), each: gains £0.21",
        "    dividend on purchases: £0.73 -> £0.94  (+£0.21)",
        "  7 members (smith, w_taylor, wilkinson, brooks, garside, healey, bamford), each: gains £0.34",
        "  r_taylor: gains £0.35",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    assert!(!text.contains("  howarth:"), "{text}");
    // JSON keeps every person: the 28 founders and young.
    let json = serde_json::to_value(&d).expect("JSON");
    let members = json["simulation"]["members"].as_array().expect("members");
    assert_eq!(members.len(), 29);
    assert_eq!(members[0]["name"], "howarth");
    assert_eq!(members[0]["given"]["display"], "+£0.22");
}

#[test]
fn a_dated_parameter_is_compared_with_every_value_and_date() {
    // A fourth value added to tests/rulebooks/dated-rate.coop's schedule:
    // the change shows the whole schedule both sides, not only the first
    // value (which is the same).
    let path = "tests/rulebooks/dated-rate.coop";
    let text = std::fs::read_to_string(path).expect("readable");
    let old = SourceFile::new(path, text.clone());
    let from = "£13.45 per hour from 2025-10-01";
    assert!(text.contains(from));
    let new = SourceFile::new(
        "new.coop",
        text.replace(
            from,
            "£13.45 per hour from 2025-10-01, £14.00 per hour from 2026-10-01",
        ),
    );
    let d = diff(
        Version::new(&old),
        Version::new(&new),
        &DiffOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let change = d
        .changes
        .iter()
        .find(|c| c.kind == "parameter" && c.name == "living_wage")
        .expect("the parameter changed");
    let schedule = "£12.00 per hour from 2023-10-01, £12.60 per hour from 2024-10-01, £13.45 per hour from 2025-10-01";
    assert_eq!(
        change.old.as_deref(),
        Some(format!("{schedule}: Money per hour").as_str())
    );
    assert_eq!(
        change.new.as_deref(),
        Some(format!("{schedule}, £14.00 per hour from 2026-10-01: Money per hour").as_str())
    );
}

/// The same change read backwards: ben, refused under 5 shares, is admitted
/// under 4; the old refusal is said as what was, not as a reason now.
#[test]
fn someone_now_admitted_is_shown_with_the_old_refusal_as_past() {
    let old = amended(
        "parameter minimum_shares: Integer = 4",
        "parameter minimum_shares: Integer = 5",
    );
    let new = original();
    let json = SourceFile::new(
        "tests/diff/admission-quarter.json",
        std::fs::read_to_string("tests/diff/admission-quarter.json").expect("scenario"),
    );
    let d = compare(
        &old,
        &new,
        &DiffOptions {
            scenario: ScenarioChoice::Json(&json),
            members: None,
        },
    );
    let text = d.to_text();
    let line = "    ben: now admitted (was refused: members must hold the minimum shareholding (article 13): £4.00 < £5.00)";
    assert!(
        text.lines().any(|l| l == line),
        "missing {line:?} in\n{text}"
    );
}
