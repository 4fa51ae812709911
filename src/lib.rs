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
//! [`pipeline`] runs the stages in that order; docs/architecture.md ranks
//! every module, and a test holds each to using only earlier ones.
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
pub mod document;
pub mod eval;
pub mod example;
pub mod explain;
pub mod files;
pub mod format;
#[cfg(feature = "cli")]
pub mod lsp;
pub mod pipeline;
pub mod program;
pub mod provenance;
pub mod quality;
pub mod register;
pub mod report;
pub mod semantics;
#[cfg(feature = "cli")]
pub mod serve;
pub mod simulate;
pub mod span;
pub mod syntax;
pub mod types;
pub mod units;
pub mod value;

pub use check::Checked;
pub use diagnostic::{Code, Diagnostic, DiagnosticJson, Severity};
pub use example::{ExampleOutcome, ExpectationOutcome};
pub use pipeline::{TestReport, check_source, test_source};
pub use program::Program;
pub use span::{SourceFile, Span};
pub use syntax::parse;
