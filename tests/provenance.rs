//! Provenance: every outcome names the rules that produced it, by a hash
//! of the rulebook's structure that layout and comments do not change.

use rochdale::{SourceFile, check_source};
use sha2::Digest;

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
    // The quarters closed before the amendment name the rules as written,
    // the two after it the amended rules.
    assert_eq!(
        json["periods"][1]["in_force"]["hash"],
        program.provenance.hash
    );
    assert_eq!(json["periods"][2]["in_force"]["hash"], in_force["hash"]);
    assert_eq!(json["periods"][3]["in_force"]["hash"], in_force["hash"]);
    // Before the motion (step 38) the rules are as written; after, amended.
    let file = SourceFile::new("rulebooks/rochdale-1844.coop", text.clone());
    use rochdale::explain::{Context, explain_in};
    let before = explain_in(
        &file,
        &program,
        Context::Scenario {
            scenario,
            members: members.clone(),
            step: Some(37),
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
            step: Some(38),
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
        .find(|l| l.starts_with("Period 3 closed"))
        .expect("a period line");
    let mask = |s: &str| {
        s.rsplit_once("rules ")
            .map(|(head, _)| head.to_string())
            .unwrap_or_default()
    };
    assert_eq!(mask(&documented), mask(line));
    assert!(!mask(line).is_empty());
}

/// The hash of every rulebook in rulebooks/, pinned. A hash changes only
/// when the rulebook is edited or when the canonical encoding
/// (src/provenance/encoding/) changes, and either must be deliberate: a
/// change of encoding comes with a new `VERSION` and is described in
/// docs/language.md ("The canonical encoding").
const PINNED: &[(&str, &str)] = &[
    (
        "community-land-trust.coop",
        "fe5dc9752877ecfcbd2aed26cb12c3d1235f9346f648e076da690d9d3b4d09a5",
    ),
    (
        "ethical-provider-framework.coop",
        "e9f2e25cf9f8f4c4845af407211ff9f0b010891e4d4d1138052e88157d248279",
    ),
    (
        "multi-stakeholder-uk.coop",
        "6a3dcde5717b63cad8e89dc0cdd33e9fa822e859eb3b46402da0ccc19e83b8ea",
    ),
    (
        "public-service-mutual.coop",
        "37c9b706f369448b536a89792aad67146d66287fcb63873c49ffcfdac3899466",
    ),
    (
        "rochdale-1844.coop",
        "8bc433e7c673c597f6cabed543495434d2ed2be288bae0f15f7a50a98d533089",
    ),
    (
        "thin-layer-network.coop",
        "1f068955d981f0196d4708c72fe118a65fa78922b1f9be8fb72e90ed4fa218c1",
    ),
    (
        "worker-cooperative-spain.coop",
        "4d37a314ae9558c407bc1b95141ac4de7dc36dfe8eb8eee889bd9f05c4116e56",
    ),
];

#[test]
fn every_bundled_rulebook_has_its_pinned_hash() {
    let mut files: Vec<String> = std::fs::read_dir("rulebooks")
        .expect("rulebooks/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "coop"))
        .map(|path| {
            path.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let actual: Vec<(String, String)> = files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(format!("rulebooks/{file}")).expect("readable");
            (file.clone(), hash(&text))
        })
        .collect();
    let pinned: Vec<(String, String)> = PINNED
        .iter()
        .map(|(f, h)| (f.to_string(), h.to_string()))
        .collect();
    let table: String = actual
        .iter()
        .map(|(f, h)| format!("    (\"{f}\", \"{h}\"),\n"))
        .collect();
    assert!(
        pinned == actual,
        "The provenance hash of a bundled rulebook changed, or a rulebook was added \
         or removed. A hash must change only deliberately: because the rulebook was \
         edited, or because the canonical encoding changed (then with a new \
         encoding VERSION, described in docs/language.md). If that is what happened, \
         set PINNED in tests/provenance.rs to:\n{table}"
    );
}

/// The section "The canonical encoding" of docs/language.md.
fn encoding_section() -> String {
    let docs = std::fs::read_to_string("docs/language.md").expect("docs");
    let section = docs
        .split("\n## The canonical encoding\n")
        .nth(1)
        .expect("a section on the canonical encoding");
    section
        .split("\n## ")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The first fenced block of `lang` in `markdown`.
fn block(markdown: &str, lang: &str) -> String {
    let start = markdown
        .find(&format!("```{lang}\n"))
        .unwrap_or_else(|| panic!("a {lang} block"))
        + lang.len()
        + 4;
    let len = markdown[start..]
        .find("```\n")
        .expect("the end of the block");
    markdown[start..start + len].to_string()
}

/// The documented encoding is what Rochdale writes, byte for byte, and the
/// documented hash is its SHA-256 (worked out with `sha256sum` when the
/// section was written, and here through the sha2 crate directly).
#[test]
fn the_documented_encoding_and_hash_are_real() {
    let section = encoding_section();
    let rulebook = block(&section, "coop");
    let documented = block(&section, "text");
    let book = rochdale::parse(&rulebook).expect("parses");
    assert_eq!(rochdale::provenance::canonical(&book), documented);
    let hex: String = sha2::Sha256::digest(documented.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash(&rulebook), hex);
    assert!(
        section.contains(&format!("`{hex}`")),
        "docs/language.md shows the hash {hex}"
    );
}

/// The SHA-256 of the encoding, streamed, is the SHA-256 of the encoding
/// written out whole, for every bundled rulebook.
#[test]
fn the_hash_is_the_sha256_of_the_whole_encoding() {
    for (file, pinned) in PINNED {
        let text = std::fs::read_to_string(format!("rulebooks/{file}")).expect("readable");
        let encoding = rochdale::provenance::canonical(&rochdale::parse(&text).expect("parses"));
        assert!(encoding.starts_with("rochdale-canonical 1\n(rulebook "));
        let hex: String = sha2::Sha256::digest(encoding.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&hex, pinned, "{file}");
    }
}

/// Each pair differs in one name only, of the same length, in each place a
/// name can stand: the shape of the tree is the same, its words are not.
#[test]
fn a_name_changed_in_place_changes_the_hash() {
    const BOOK: &str = r#"rulebook "Shop" currency GBP
member { age: Integer  shares: Money = £0 }
period { surplus: Money }
article 3a "Admission" {
  text "Sixteen."
  parameter min_age: Integer = 16
  rule adult(m) = m.age >= min_age
}
allocate period.surplus rounding down {
  reserve: 10%
  dividend: remainder, to each member m in proportion to m.shares
}
act join(m, pay: Money) {
  admit m
  post pay debit "cash" credit "capital" of m
}
example "one" {
  members { ada: age 30 }
  expect adult(ada)
}
"#;
    let variants = [
        ("rulebook \"Shop\"", "rulebook \"Shoq\""),
        ("article 3a", "article 3b"),
        ("\"Admission\"", "\"Admissiom\""),
        ("text \"Sixteen.\"", "text \"Sixteem.\""),
        ("min_age: Integer", "max_age: Integer"),
        ("reserve: 10%", "reservo: 10%"),
        ("credit \"capital\"", "credit \"capitol\""),
        ("example \"one\"", "example \"two\""),
    ];
    let base = hash(BOOK);
    let mut seen = vec![base.clone()];
    for (from, to) in variants {
        assert!(BOOK.contains(from), "{from}");
        let changed = BOOK.replacen(from, to, 1);
        let h = check_source(&changed)
            .program
            .map(|p| p.provenance.hash)
            .unwrap_or_else(|| {
                // A renamed parameter leaves its use dangling: hash the tree.
                rochdale::provenance::Provenance::of(&rochdale::parse(&changed).expect("parses"))
                    .hash
            });
        assert!(
            !seen.contains(&h),
            "{from} -> {to} gives a hash already seen"
        );
        seen.push(h);
    }
}

/// Under the old hash of the `Debug` text with positions cut out, a legal
/// text reading like a position was cut out too, and these two hashed the
/// same.
#[test]
fn a_text_that_reads_like_a_position_is_hashed_as_text() {
    let with = |text: &str| {
        format!("rulebook \"R\" currency GBP\narticle 1 \"A\" {{\n  text \"{text}\"\n}}\n")
    };
    assert_ne!(hash(&with("")), hash(&with("Span {{ start: 0, end: 0 }")));
    assert_ne!(hash(&with("a")), hash(&with("aSpan {{ start: 1, end: 2 }")));
}

/// Texts that hold the encoding's own delimiters: each pair would encode
/// the same if strings were written without their lengths, and does not.
#[test]
fn delimiters_inside_a_text_cannot_forge_structure() {
    let article =
        |items: &str| format!("rulebook \"R\" currency GBP\narticle 1 \"A\" {{\n{items}}}\n");
    let pairs = [
        // `(text a) (text b)` naively, either way.
        (
            article("  text \"a\"\n  text \"b\"\n"),
            article("  text \"a) (text b\"\n"),
        ),
        // With lengths, but a length forged inside the text.
        (
            article("  text \"a\"\n  text \"b\"\n"),
            article("  text \"a) (text 1:b\"\n"),
        ),
        // A legal text and a source against one legal text.
        (
            article("  text \"a\"\n  source \"b\"\n"),
            article("  text \"a) (source b\"\n"),
        ),
        // Two paragraphs against one with a line break: equal when joined.
        (
            article("  text \"a\"\n  text \"b\"\n"),
            article("  text \"a\\nb\"\n"),
        ),
        // The title swallowing the legal text.
        (
            article("  text \"b\"\n"),
            "rulebook \"R\" currency GBP\narticle 1 \"A (text b\" {\n}\n".to_string(),
        ),
    ];
    for (a, b) in &pairs {
        assert_ne!(hash(a), hash(b), "\n{a}\n{b}");
    }
    // The two texts of the first pair, encoded: each string says its length.
    let encoded = rochdale::provenance::canonical(&rochdale::parse(&pairs[0].1).expect("parses"));
    assert!(
        encoded.contains("(article 1:1 1:A (text 10:a) (text b))"),
        "{encoded}"
    );
}

/// Numbers count by value and by kind; spellings of one operator, of one
/// amount of money and redundant brackets do not count.
#[test]
fn numbers_count_by_value_and_operators_by_meaning() {
    let rule = |body: &str| format!("rulebook \"R\" currency GBP\nrule r = {body}\n");
    for (a, b) in [
        ("£1.00 > £0", "£1 > £0"),
        ("£1.00 > £0", "1.00 GBP > £0"),
        ("£1.00 > £0", "GBP 1 > £0"),
        ("20% > 0%", "20.0% > 0%"),
        ("1 <= 2", "1 ≤ 2"),
        ("2 * 3 > 1", "2 × 3 > 1"),
        ("1 + (2 * 3) > 0", "1 + 2 * 3 > 0"),
    ] {
        assert_eq!(hash(&rule(a)), hash(&rule(b)), "{a} against {b}");
    }
    for (a, b) in [
        ("16.0 > 1", "16 > 1"),
        ("(1 + 2) * 3 > 0", "1 + 2 * 3 > 0"),
        ("£1.00 > £0", "£1.01 > £0"),
        ("-1 < 0", "1 < 0"),
    ] {
        assert_ne!(hash(&rule(a)), hash(&rule(b)), "{a} against {b}");
    }
}

/// Moving a parameter after a rule inside one article changes nothing (the
/// tree keeps an article's items by kind); swapping two rules does.
#[test]
fn order_counts_as_documented() {
    let book =
        |items: &str| format!("rulebook \"R\" currency GBP\narticle 1 \"A\" {{\n{items}}}\n");
    let p = "  parameter x: Integer = 1\n";
    let r = "  rule a = x + 1\n";
    let s = "  rule b = x + 2\n";
    assert_eq!(
        hash(&book(&format!("{p}{r}{s}"))),
        hash(&book(&format!("{r}{s}{p}")))
    );
    assert_ne!(
        hash(&book(&format!("{p}{r}{s}"))),
        hash(&book(&format!("{p}{s}{r}")))
    );
}

/// `rochdale diff` compares by the same encoding: two paragraphs made one
/// with a line break is a change of the article's legal text, and a
/// comment is no change at all.
#[test]
fn the_structural_diff_compares_by_the_encoding() {
    use rochdale::diff::{DiffOptions, Version, diff};
    let two = "rulebook \"R\" currency GBP\narticle 1 \"A\" {\n  text \"a\"\n  text \"b\"\n  parameter x: Integer = 1\n}\n";
    let one = two.replace("  text \"a\"\n  text \"b\"\n", "  text \"a\\nb\"\n");
    let commented = two.replace("= 1\n", "= 1  -- one\n");
    let changes = |old: &str, new: &str| {
        let (old, new) = (
            SourceFile::new("old.coop", old),
            SourceFile::new("new.coop", new),
        );
        diff(
            Version::new(&old),
            Version::new(&new),
            &DiffOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics))
        .changes
    };
    let found = changes(two, &one);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].kind.as_str(), found[0].name.as_str()),
        ("article", "1")
    );
    assert_eq!(found[0].parts, vec!["legal text".to_string()]);
    assert!(changes(two, &commented).is_empty());
}

/// `effective on adoption` is the default written out: the 1844 rulebook
/// with it on its motion has the hash it has without it (pinned above), and
/// a later date is other rules.
#[test]
fn an_amendment_effective_on_adoption_keeps_the_hash() {
    let (text, program, _) = first_year();
    let written = text.replacen(
        "} amend markup = 12.5%",
        "} amend markup = 12.5% effective on adoption",
        1,
    );
    assert_ne!(written, text, "the 1844 motion is found");
    assert_eq!(hash(&written), program.provenance.hash);
    let later = text.replacen(
        "} amend markup = 12.5%",
        "} amend markup = 12.5% effective 28 days after adoption",
        1,
    );
    assert_ne!(hash(&later), program.provenance.hash);
}

/// A share of the whole vote per class is another rule than a weight per
/// member, and what a silent class's share does is part of it; `unvoted
/// shares lapse` written out is what the rule means when nothing is.
#[test]
fn class_shares_are_their_own_rule() {
    let book = |weights: &str| {
        format!(
            "rulebook \"Shares\" currency GBP\nmember {{ class: Worker or Consumer }}\nresolution r {{\n  {weights}\n  passes when for > against\n}}\n"
        )
    };
    let per_member = hash(&book("weighted by class { Worker: 50, Consumer: 50 }"));
    let shares = hash(&book(
        "weighted by class share { Worker: 50%, Consumer: 50% }",
    ));
    let lapse = hash(&book(
        "weighted by class share { Worker: 50%, Consumer: 50% } unvoted share lapses",
    ));
    let shared = hash(&book(
        "weighted by class share { Worker: 50%, Consumer: 50% } unvoted share goes to the other classes",
    ));
    assert_ne!(per_member, shares);
    assert_eq!(shares, lapse);
    assert_ne!(lapse, shared);
}
