//! The JSON shapes of `rochdale check` and `rochdale test` (`--format json`).
//! The CLI and the WASM build print exactly these, so a service sees the same
//! output from either.

use serde::Serialize;

use crate::diagnostic::DiagnosticJson;
use crate::span::SourceFile;
use crate::value::ValueView;
use crate::{Checked, TestReport};

/// `rochdale check --format json`: one entry per file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct CheckFileJson {
    /// The file's name.
    pub file: String,
    /// True when the rulebook has no errors (warnings allowed).
    pub ok: bool,
    /// Everything found.
    pub diagnostics: Vec<DiagnosticJson>,
}

impl CheckFileJson {
    /// The report for one checked file.
    pub fn new(file: &SourceFile, checked: &Checked) -> Self {
        CheckFileJson {
            file: file.name.clone(),
            ok: checked.program.is_some(),
            diagnostics: checked
                .diagnostics
                .iter()
                .map(|d| DiagnosticJson::new(d, file))
                .collect(),
        }
    }
}

/// The whole output of `rochdale check --format json`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct CheckRunJson {
    /// Each file.
    pub files: Vec<CheckFileJson>,
}

/// `rochdale test --format json`: one entry per file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct TestFileJson {
    /// The file's name.
    pub file: String,
    /// The rulebook's name, once it parses.
    pub rulebook: Option<String>,
    /// Which rules: name, version and content hash (once it checks).
    pub provenance: Option<crate::provenance::Provenance>,
    /// Examples that passed.
    pub passed: usize,
    /// Examples that failed (a rulebook that does not check counts as one).
    pub failed: usize,
    /// Problems found by the parser and checker.
    pub diagnostics: Vec<DiagnosticJson>,
    /// Each example.
    pub examples: Vec<ExampleJson>,
}

/// One example's outcome, placed by line.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ExampleJson {
    /// Its name.
    pub name: String,
    /// The line it starts on.
    pub line: usize,
    /// Whether every expectation held.
    pub passed: bool,
    /// Each `expect` line.
    pub expectations: Vec<ExpectationJson>,
}

/// One `expect` line's outcome, placed by line.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ExpectationJson {
    /// The line it is on.
    pub line: usize,
    /// The text of the line, as written.
    pub text: String,
    /// Whether it held.
    pub passed: bool,
    /// The value worked by hand.
    pub expected: Option<ValueView>,
    /// The value the rules gave.
    pub actual: Option<ValueView>,
    /// Why it failed.
    pub diagnostic: Option<DiagnosticJson>,
}

impl TestFileJson {
    /// The JSON report of one tested file.
    pub fn new(file: &SourceFile, report: &TestReport) -> Self {
        TestFileJson {
            file: file.name.clone(),
            rulebook: report.rulebook.clone(),
            provenance: report.provenance.clone(),
            passed: report.passed(),
            failed: report.failed(),
            diagnostics: report
                .diagnostics
                .iter()
                .map(|d| DiagnosticJson::new(d, file))
                .collect(),
            examples: report
                .examples
                .iter()
                .map(|e| ExampleJson {
                    name: e.name.clone(),
                    line: file.line_column(e.span.start).0,
                    passed: e.passed,
                    expectations: e
                        .expectations
                        .iter()
                        .map(|x| ExpectationJson {
                            line: file.line_column(x.span.start).0,
                            text: file.slice(x.span).to_string(),
                            passed: x.passed,
                            expected: x.expected.clone(),
                            actual: x.actual.clone(),
                            diagnostic: x.diagnostic.as_ref().map(|d| DiagnosticJson::new(d, file)),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The whole output of `rochdale test --format json`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct TestRunJson {
    /// Each file.
    pub files: Vec<TestFileJson>,
    /// Examples passed in all files.
    pub passed: usize,
    /// Examples failed in all files.
    pub failed: usize,
}
