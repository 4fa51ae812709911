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
    assert_all_pass("tests/rulebooks", 13);
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
