//! The stages run in order, as every interface runs them: the text parsed,
//! the syntax tree checked, then the limits that the parameters alone break
//! found by evaluating them (the checker builds the program and never runs
//! it), and for `rochdale test` the examples run.

use serde::Serialize;

use crate::check::{self, Checked};
use crate::diagnostic::{Code, Diagnostic};
use crate::example::{self, ExampleOutcome};
use crate::files::Files;
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
///
/// An example that reads its members from a file (`members from "x.csv"`)
/// is left out: [`check_book_in`] reads the file and checks it too.
pub fn check_book(book: &ast::Rulebook) -> Checked {
    with_constant_limits(book, check::check(book))
}

/// [`check_book`] with the member files its examples name (`members from
/// "x.csv"`) read from `files`: the rulebook is checked without those
/// examples, each file is read with the program's types, and the rulebook
/// is checked again with their members.
pub fn check_book_in(book: &ast::Rulebook, files: Files) -> Checked {
    let mut checked = check::check(book);
    let named = example_files(book);
    if !named.is_empty() && checked.program.is_some() {
        checked = match read_example_files(checked.program.as_ref(), &named, files) {
            Ok(read) => check::check_with_files(book, read),
            Err(errors) => Checked {
                program: None,
                diagnostics: checked.diagnostics.into_iter().chain(errors).collect(),
            },
        };
    }
    with_constant_limits(book, checked)
}

/// A checked rulebook with the limits its own parameters, and its
/// scenarios' parameters, break (E0313).
fn with_constant_limits(book: &ast::Rulebook, mut checked: Checked) -> Checked {
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

/// Each member file the examples of `book` name, with where it is first named.
fn example_files(book: &ast::Rulebook) -> Vec<(String, crate::span::Span)> {
    let mut out: Vec<(String, crate::span::Span)> = Vec::new();
    for item in &book.items {
        if let ast::Item::Example(e) = item {
            if let Some(f) = &e.members_file {
                if !out.iter().any(|(n, _)| *n == f.value) {
                    out.push((f.value.clone(), f.span));
                }
            }
        }
    }
    out
}

/// Reads each named member file with the program's types, or says why not,
/// at the place the file is named.
fn read_example_files(
    program: Option<&crate::program::Program>,
    named: &[(String, crate::span::Span)],
    files: Files,
) -> Result<check::ExampleFiles, Vec<Diagnostic>> {
    let Some(program) = program else {
        return Ok(check::ExampleFiles::default());
    };
    let mut read = check::ExampleFiles::default();
    let mut errors = Vec::new();
    for (name, span) in named {
        let at = |d: Diagnostic, code: Code| {
            // A file's own problems name their line; reading names the file.
            let message = match code {
                Code::Io => d.message,
                _ => format!("{name}: {}", d.message),
            };
            let mut placed = Diagnostic::error(code, message).at(*span, "members read from here");
            placed.help = d.help.or_else(|| {
                Some("a member file has a `name` column and one for each attribute".into())
            });
            placed
        };
        match files.read(name) {
            Err(d) => errors.push(at(d, Code::Io)),
            Ok(file) => match members_csv(program, &file.text) {
                Ok(table) => {
                    read.insert(name.clone(), table);
                }
                Err(ds) => errors.extend(ds.into_iter().map(|d| at(d, Code::BadInputFile))),
            },
        }
    }
    if errors.is_empty() {
        Ok(read)
    } else {
        Err(errors)
    }
}

/// A CSV member list read with `program`'s types: names, and values by
/// attribute, by the one members reader (`register`).
fn members_csv(
    program: &crate::program::Program,
    text: &str,
) -> Result<check::MemberFile, Vec<Diagnostic>> {
    crate::register::read_csv(program, text).map(|t| (t.names, t.columns))
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

/// Checks a rulebook and runs its examples. An example's `members from`
/// file cannot be read here: [`test_source_in`] says where files are.
pub fn test_source(file: &SourceFile) -> TestReport {
    test_source_in(file, Files::None)
}

/// [`test_source`], with the files the examples name read from `files`.
pub fn test_source_in(file: &SourceFile, files: Files) -> TestReport {
    let checked = match syntax::parse(&file.text) {
        Ok(book) => check_book_in(&book, files),
        Err(diagnostics) => Checked {
            program: None,
            diagnostics,
        },
    };
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
