//! # Rochdale
//!
//! Rules-as-code for cooperatives. A rulebook (a cooperative's internal
//! regulations as plain text) is parsed, checked with units and evaluated in
//! exact decimal arithmetic. The data flows one way:
//!
//! ```text
//! text --syntax::parse--> AST --check::check--> Program --eval/example--> outcomes
//! ```
//!
//! ```
//! let source = r#"
//! rulebook "Tiny Co-op" currency GBP
//! parameter markup: Percent = 10%
//! rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)
//! example "a loaf" { expect price(£1.15) = £1.27 }
//! "#;
//! let report = rochdale::test_source(&rochdale::SourceFile::new("tiny.coop", source));
//! assert_eq!(report.passed(), 1);
//! assert_eq!(report.failed(), 0);
//! ```
//!
//! Every problem is a [`Diagnostic`] with a stable code, a span and a help
//! line; nothing panics on bad input.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

// pest's generated parser names `alloc` (pest is built without its `std`
// feature: see Cargo.toml).
extern crate alloc;

pub mod api;
pub mod batch;
pub mod check;
pub mod currency;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod example;
pub mod explain;
pub mod files;
pub mod format;
pub mod program;
pub mod provenance;
pub mod report;
pub mod semantics;
pub mod simulate;
pub mod span;
pub mod syntax;
pub mod types;
pub mod units;
pub mod value;

use serde::Serialize;

pub use check::Checked;
pub use diagnostic::{Code, Diagnostic, DiagnosticJson, Severity};
pub use example::{ExampleOutcome, ExpectationOutcome};
pub use program::Program;
pub use span::{SourceFile, Span};

/// Parses a rulebook's text into its syntax tree.
pub fn parse(text: &str) -> Result<syntax::ast::Rulebook, Vec<Diagnostic>> {
    syntax::parse(text)
}

/// Parses and checks a rulebook's text.
pub fn check_source(text: &str) -> Checked {
    match syntax::parse(text) {
        Ok(book) => check::check(&book),
        Err(diagnostics) => Checked {
            program: None,
            diagnostics,
        },
    }
}

/// What `rochdale test` found in one rulebook.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// The file's name.
    pub file: String,
    /// The rulebook's name, once it parses.
    pub rulebook: Option<String>,
    /// Which rules: name, version and content hash (once it checks).
    pub provenance: Option<provenance::Provenance>,
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
