//! Inputs the fuzzers (fuzz/) found worth keeping, each with what Rochdale
//! must say about it. A crash found by fuzzing is added here with its fix.

use rochdale::{Code, SourceFile};

fn codes(name: &str) -> Vec<Code> {
    let path = format!("tests/fuzz/{name}");
    let text = std::fs::read_to_string(&path).expect("the saved input");
    let report = rochdale::test_source(&SourceFile::new(path, text));
    report.diagnostics.iter().map(|d| d.code).collect()
}

/// A mutated rulebook of 170 chained rules that breaks off into stray text
/// (`rule r170: Integee they own ...`): the `check` target stopped on it
/// with a timeout while the machine was loaded. It is one syntax error,
/// found at once.
#[test]
fn chained_rules_cut_short_are_one_syntax_error() {
    assert_eq!(codes("check-slow-chained-rules.coop"), vec![Code::Syntax]);
}
