//! The stages run in order, as every interface runs them: the text parsed,
//! the syntax tree checked, then the limits that the parameters alone break
//! found by evaluating them (the checker builds the program and never runs
//! it), and for `rochdale test` the examples run.

use serde::Serialize;

use crate::check::{self, Checked};
use crate::diagnostic::Diagnostic;
use crate::example::{self, ExampleOutcome};
use crate::span::SourceFile;
use crate::syntax::{self, ast};

/// Parses and checks a rulebook's text.
pub fn check_source(text: &str) -> Checked {
    match syntax::parse(text) {
        Ok(book) => check_book(&book),
        Err(diagnostics) => Checked {
            program: None,
            diagnostics,
        },
    }
}

/// Checks a parsed rulebook: the checker's findings, and then the limits
/// that the rulebook's own parameters break (E0313), which are errors in
/// the rulebook found by evaluating them.
pub fn check_book(book: &ast::Rulebook) -> Checked {
    let mut checked = check::check(book);
    let Some(program) = &checked.program else {
        return checked;
    };
    let mut breaches = crate::eval::constant_limit_breaches(program);
    if breaches.is_empty() {
        breaches = scenario_breaches(book, program);
    }
    if !breaches.is_empty() {
        checked.program = None;
        checked.diagnostics.extend(breaches);
        // In the order of the text, as the checker reports; the sort is
        // stable, so what the checker found keeps its order.
        checked.diagnostics.sort_by_key(check::text_order);
    }
    checked
}

/// Limits broken by the parameters a scenario of the rulebook sets: the
/// scenario is refused before it could run, as a JSON scenario's are
/// (`simulate::input`), each breach at the parameter that causes it.
fn scenario_breaches(book: &ast::Rulebook, program: &crate::Program) -> Vec<Diagnostic> {
    let written = book.items.iter().filter_map(|item| match item {
        ast::Item::Scenario(s) => Some(s),
        _ => None,
    });
    let mut out = Vec::new();
    for written in written {
        let Some(def) = program
            .scenarios
            .iter()
            .find(|d| d.name == written.name.value)
        else {
            continue;
        };
        let set: Vec<_> = written
            .parameters
            .iter()
            .filter_map(|b| {
                let p = program.params.iter().position(|p| p.name == b.name.name)?;
                Some((p, b.name.name.clone(), b.name.span))
            })
            .collect();
        if set.is_empty() {
            continue;
        }
        for breach in crate::eval::parameter_limit_breaches(program, def.params.clone()) {
            out.extend(
                crate::eval::scenario_breach_diagnostic(program, &breach, &set).map(|d| {
                    Diagnostic {
                        message: format!("scenario \"{}\": {}", def.name, d.message),
                        ..d
                    }
                }),
            );
        }
    }
    out
}

/// What `rochdale test` found in one rulebook.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// The file's name.
    pub file: String,
    /// The rulebook's name, once it parses.
    pub rulebook: Option<String>,
    /// Which rules: name, version and content hash (once it checks).
    pub provenance: Option<crate::provenance::Provenance>,
    /// Problems found by the parser and checker.
    pub diagnostics: Vec<Diagnostic>,
    /// Each example's outcome (empty if the rulebook has errors).
    pub examples: Vec<ExampleOutcome>,
}

impl TestReport {
    /// Examples that passed.
    pub fn passed(&self) -> usize {
        self.examples.iter().filter(|e| e.passed).count()
    }

    /// Examples that failed, counting a rulebook that does not check as one
    /// failure, since none of its examples could run.
    pub fn failed(&self) -> usize {
        let failed = self.examples.iter().filter(|e| !e.passed).count();
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            failed + 1
        } else {
            failed
        }
    }
}

/// Checks a rulebook and runs its examples.
pub fn test_source(file: &SourceFile) -> TestReport {
    let checked = check_source(&file.text);
    let rulebook = checked.program.as_ref().map(|p| p.name.clone());
    let examples = checked
        .program
        .as_ref()
        .map(example::run_examples)
        .unwrap_or_default();
    TestReport {
        file: file.name.clone(),
        rulebook,
        provenance: checked.program.as_ref().map(|p| p.provenance.clone()),
        diagnostics: checked.diagnostics,
        examples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    const BOOK: &str = r#"rulebook "Test Co-op" currency GBP
parameter interest_rate: Percent = 7%
parameter fee: Money = £5
limit fee_cap: fee <= £3
limit interest_cap: interest_rate <= 5% source "Community Shares Handbook 6.1"
limit fee_floor: fee >= £1
"#;

    #[test]
    fn the_checker_builds_the_program_and_the_pipeline_finds_the_broken_limits() {
        let book = syntax::parse(BOOK).expect("parses");
        // The checker alone does not run the rules: the program checks.
        let checked = check::check(&book);
        assert!(checked.program.is_some());
        assert!(checked.diagnostics.is_empty());
        // Run in order, the two limits the parameters break are errors, in
        // the order of the text; the one they keep is not reported.
        let checked = check_book(&book);
        assert!(checked.program.is_none());
        let found: Vec<(Code, &str)> = checked
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code,
                    BOOK[d.span.map_or(0..0, |s| s.start..s.end)].trim_end(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (Code::ConstantBreachesLimit, "limit fee_cap: fee <= £3"),
                (
                    Code::ConstantBreachesLimit,
                    "limit interest_cap: interest_rate <= 5% source \"Community Shares Handbook 6.1\""
                ),
            ]
        );
        assert_eq!(
            check_source(BOOK).diagnostics,
            checked.diagnostics,
            "check_source is parse then check_book"
        );
    }
}
