//! How well a rulebook's worked examples pin down its rules:
//! [`coverage`] (which rules, clauses, exceptions, tranches, limits, acts
//! and requirements the examples and scenarios exercise) and [`mutate`]
//! (small changes to the rules that no example notices).
//!
//! Both run the stages as `rochdale test` does (`pipeline`, `example`,
//! `simulate`) and only watch: coverage through the row executor's probe
//! (`eval::Evaluator::with_probe`), mutation by checking and running
//! changed copies of the syntax tree in process.

pub mod coverage;
pub mod mutate;
mod operators;

use crate::span::{SourceFile, Span};

/// The text at `span`, on one line, cut to 60 characters.
pub(crate) fn snippet(file: &SourceFile, span: Span) -> String {
    let text = file.text.get(span.start..span.end).unwrap_or("");
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        let cut: String = one_line.chars().take(57).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

/// A share in tenths of a percent, rounded down, so that 100 means all.
pub(crate) fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    ((part * 1000) / whole) as f64 / 10.0
}
