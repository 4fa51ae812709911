//! Every rulebook under rulebooks/ and tests/rulebooks/ checks cleanly and
//! passes all its examples (their figures are worked by hand in comments).

use rochdale::{SourceFile, test_source};

fn rulebooks(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .expect("directory exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "coop"))
        .collect();
    out.sort();
    out
}

fn assert_all_pass(dir: &str, at_least: usize) {
    let mut examples = 0;
    for path in rulebooks(dir) {
        let text = std::fs::read_to_string(&path).expect("readable");
        let report = test_source(&SourceFile::new(path.display().to_string(), text));
        let problems: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .chain(report.examples.iter().filter(|e| !e.passed).flat_map(|e| {
                e.expectations
                    .iter()
                    .filter_map(|x| x.diagnostic.as_ref())
                    .map(move |d| format!("example {:?}: {}", e.name, d.message))
            }))
            .collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
        examples += report.examples.len();
    }
    assert!(
        examples >= at_least,
        "{dir}: {examples} examples, expected at least {at_least}"
    );
}

#[test]
fn example_rulebooks_pass() {
    // Seven cooperatives, at least eight worked examples each.
    assert_all_pass("rulebooks", 56);
}

#[test]
fn construct_rulebooks_pass() {
    assert_all_pass("tests/rulebooks", 18);
}

#[test]
fn every_scenario_of_the_example_rulebooks_runs_balanced() {
    let mut ran = 0;
    for path in rulebooks("rulebooks") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let program = rochdale::check_source(&text).program.expect("checks");
        for scenario in &program.scenarios {
            let members = rochdale::simulate::input::scenario_members(
                &program,
                scenario,
                std::path::Path::new("rulebooks"),
            )
            .unwrap_or_else(|e| panic!("{}: {:?}", path.display(), e.diagnostics));
            let o = rochdale::simulate::simulate(&program, scenario, members);
            assert!(
                o.trial_balance.balanced,
                "{}: {}",
                path.display(),
                scenario.name
            );
            let failed: Vec<_> = o
                .steps
                .iter()
                .filter(|s| s.status == rochdale::simulate::StepStatus::Failed)
                .collect();
            assert!(failed.is_empty(), "{}: {failed:?}", path.display());
            assert!(
                !o.periods.is_empty(),
                "{}: the scenario closes a period",
                path.display()
            );
            ran += 1;
        }
    }
    assert!(ran >= 7, "{ran} scenarios");
}

/// Each rulebook's year, as `rochdale simulate` prints it, under a snapshot:
/// timeline, votes, amendments, the division of surplus, every member's
/// statement and the books. The figures are worked by hand in the comment
/// above each scenario; the snapshot keeps the whole statement from
/// drifting unseen.
#[test]
fn no_bundled_rulebook_says_no_date_with_a_far_off_date() {
    // "No date" is `none` of an optional type (`notice_given: Date?`),
    // not a sentinel such as 9999-12-31.
    for dir in ["rulebooks", "tests/rulebooks"] {
        for path in rulebooks(dir) {
            let text = std::fs::read_to_string(&path).expect("readable");
            for (i, line) in text.lines().enumerate() {
                let code = line.split("--").next().unwrap_or_default();
                assert!(
                    !code.contains("9999-"),
                    "{}:{}: a far-off date stands for no date: {line}",
                    path.display(),
                    i + 1
                );
            }
        }
    }
}

#[test]
fn the_statements_of_every_rulebooks_year() {
    for path in rulebooks("rulebooks") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let program = rochdale::check_source(&text).program.expect("checks");
        for scenario in &program.scenarios {
            let members = rochdale::simulate::input::scenario_members(
                &program,
                scenario,
                std::path::Path::new("rulebooks"),
            )
            .unwrap_or_else(|e| panic!("{}: {:?}", path.display(), e.diagnostics));
            let outcome = rochdale::simulate::simulate(&program, scenario, members);
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("rulebook");
            let name = format!("{stem}-{}", scenario.name.replace(' ', "-"));
            insta::assert_snapshot!(name, without_hashes(&outcome.to_text()));
        }
    }
}

/// `rules 3f2a9c1b0d4e` as `rules [hash]`: the hash changes with any edit of
/// the rulebook's text, and is tested in tests/provenance.rs.
fn without_hashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("rules ") {
        out.push_str(&rest[..i + "rules ".len()]);
        rest = &rest[i + "rules ".len()..];
        let hex = rest.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        if hex >= 12 {
            out.push_str("[hash]");
            rest = &rest[hex..];
        }
    }
    out.push_str(rest);
    out
}

/// The first scenario of a bundled rulebook, run.
fn year_of(path: &str) -> rochdale::simulate::SimulationOutcome {
    let text = std::fs::read_to_string(path).expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    let scenario = program.scenarios.first().expect("a scenario");
    let members = rochdale::simulate::input::scenario_members(
        &program,
        scenario,
        std::path::Path::new("rulebooks"),
    )
    .unwrap_or_else(|e| panic!("{path}: {:?}", e.diagnostics));
    rochdale::simulate::simulate(&program, scenario, members)
}

/// A cooperative account's balance (credit-positive) as displayed.
fn fund(o: &rochdale::simulate::SimulationOutcome, name: &str) -> String {
    o.funds
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.display.clone())
        .unwrap_or_else(|| panic!("no account {name:?}"))
}

/// The thin-layer network's books (issue 22, item 16): a contributed duct
/// is held in custody, not owed to its owner, and usage charges are
/// collected, so cash holds what was paid. Figures from the comment above
/// the rulebook's scenario.
#[test]
fn the_thin_layer_books_hold_contributions_in_custody_and_collect_charges() {
    let o = year_of("rulebooks/thin-layer-network.coop");
    // No member is owed anything for its contribution: its only accounts
    // are its charges and its share of the surplus.
    for member in &o.members {
        for account in &member.accounts {
            assert!(
                ["receivable", "return on use", "return on contribution"]
                    .contains(&account.name.as_str()),
                "{}: {}",
                member.name,
                account.name
            );
        }
    }
    // £300,000.00 + £80,000.00 in custody (a debit), against its contra.
    assert_eq!(fund(&o, "assets held in custody"), "-£380,000.00");
    assert_eq!(
        fund(&o, "custody: title kept by contributors"),
        "£380,000.00"
    );
    // £1,440.00 + £720.00 + £240.00 collected, less £1,900.00 of running
    // costs: £500.00 of cash, a debit balance.
    assert_eq!(fund(&o, "cash"), "-£500.00");
    // Refused: the latecomer, which has not subscribed; op_a's third
    // payment of £360.00, more than it owes; op_b's payment of £0.00.
    let refused: Vec<&str> = o
        .steps
        .iter()
        .filter(|s| s.status == rochdale::simulate::StepStatus::Refused)
        .map(|s| s.what.as_str())
        .collect();
    assert_eq!(
        refused,
        [
            "subscribe(latecomer)",
            "pay_charges(op_a, £360.00)",
            "pay_charges(op_b, £0.00)"
        ]
    );
}

/// Spain's assembly is constituted on first call with more than half of
/// the members (Ley 27/1999, art. 25). 51% rounded up asked 52 of 101 and
/// 102 of 200; more than half is 51 and 101.
#[test]
fn the_spanish_quorum_is_more_than_half_at_every_size() {
    let text =
        std::fs::read_to_string("rulebooks/worker-cooperative-spain.coop").expect("readable");
    for (size, present, quorate) in [
        (101, 51, true),
        (101, 50, false),
        (200, 101, true),
        (200, 100, false),
        (5, 3, true),
        (5, 2, false),
    ] {
        let names: Vec<String> = (0..size).map(|i| format!("p{i}")).collect();
        let members: Vec<String> = names.iter().map(|n| format!("{n}: age 30")).collect();
        let example = format!(
            "example \"a quorum of {present} of {size}\" {{\n  members {{ {} }}\n  votes ordinary {{ for {} }}\n  expect {}quorate(ordinary)\n}}\n",
            members.join("  "),
            names[..present].join(", "),
            if quorate { "" } else { "not " }
        );
        let report = test_source(&SourceFile::new(
            "worker-cooperative-spain.coop",
            format!("{text}\n{example}"),
        ));
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let name = format!("a quorum of {present} of {size}");
        let ran = report
            .examples
            .iter()
            .find(|e| e.name == name)
            .expect("the example ran");
        assert!(ran.passed, "{name}: quorate should be {quorate}");
    }
}

/// The land trust's asset lock is a limit on the whole division of the
/// surplus: a tranche for members added anywhere breaches it in every
/// example that divides a surplus, without any parameter being touched.
#[test]
fn a_new_tranche_for_members_breaches_the_land_trusts_asset_lock() {
    let text = std::fs::read_to_string("rulebooks/community-land-trust.coop").expect("readable");
    let open = "  allocate surplus rounding down {\n";
    assert!(text.contains(open));
    let tranche = "    \"member distribution\": 5%, to each member m where m.tenant in proportion to m.rent_paid\n";
    let amended = text.replacen(open, &format!("{open}{tranche}"), 1);
    let report = test_source(&SourceFile::new("amended.coop", amended.clone()));
    let example = report
        .examples
        .iter()
        .find(|e| e.name == "the surplus goes to local funds")
        .expect("the example");
    assert!(!example.passed);
    // surplus £5,700.36; 5% to members = £285.01, so the locked funds
    // take £5,415.35
    let breach = example
        .expectations
        .iter()
        .filter_map(|x| x.diagnostic.as_ref())
        .find(|d| d.code.as_str() == "E0406")
        .expect("a breach of a limit");
    assert!(
        breach.message.contains("`asset_lock`") && breach.message.contains("£5,415.35"),
        "{}",
        breach.message
    );
    // As written, the same example keeps the lock.
    let report = test_source(&SourceFile::new("clt.coop", text.clone()));
    assert!(report.examples.iter().all(|e| e.passed));

    // In the year's simulation the close that would pay members is
    // refused for the lock, and books nothing: the surplus account stays
    // at what the year's rents and costs left in it.
    let year = |text: &str| {
        let program = rochdale::check_source(text).program.expect("checks");
        let scenario = program.scenarios.first().expect("a year").clone();
        let members = rochdale::simulate::input::scenario_members(
            &program,
            &scenario,
            std::path::Path::new("rulebooks"),
        )
        .expect("its members");
        rochdale::simulate::simulate(&program, &scenario, members)
    };
    let amended = year(&amended);
    let close = amended.steps.last().expect("the close");
    assert_eq!(close.what, "close period");
    assert_eq!(close.status, rochdale::simulate::StepStatus::Refused);
    assert!(
        close.reasons.iter().any(|r| r.contains("`asset_lock`")),
        "{:?}",
        close.reasons
    );
    assert!(amended.periods.is_empty());
    let fund = |o: &rochdale::simulate::SimulationOutcome, name: &str| {
        o.funds
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.display.clone())
    };
    assert_eq!(fund(&amended, "repairs reserve"), None);
    // As written, the close is done and the locked funds take the surplus.
    let written = year(&text);
    let close = written.steps.last().expect("the close");
    assert_eq!(close.status, rochdale::simulate::StepStatus::Done);
    assert_eq!(written.periods.len(), 1);
    assert!(fund(&written, "repairs reserve").is_some());

    // A locked fund turned into a share for members keeps the total, but
    // gives members more than nothing: the second limit of the lock. In
    // the year, ada (rent paid £7,200.00) and ben (£7,500.36) would share
    // the fund's £2,850.18 (50% of £5,700.36) as £1,395.97 and £1,454.21.
    let fund_line = "    local community fund: community_fund_share\n";
    assert!(text.contains(fund_line));
    let shared = text.replacen(
        fund_line,
        "    \"local community fund\": community_fund_share, to each member m in proportion to m.rent_paid\n",
        1,
    );
    let report = test_source(&SourceFile::new("shared.coop", shared.clone()));
    assert!(report.examples.iter().any(|e| !e.passed));
    let year = year(&shared);
    let close = year.steps.last().expect("the close");
    assert_eq!(close.status, rochdale::simulate::StepStatus::Refused);
    for (who, amount) in [("ada", "£1,395.97"), ("ben", "£1,454.21")] {
        assert!(
            close
                .reasons
                .iter()
                .any(|r| r.contains("`nothing_to_members`")
                    && r.contains(&format!("for {who}: {amount}"))),
            "{:?}",
            close.reasons
        );
    }
    assert!(year.periods.is_empty());
}
