//! `rochdale test --mutate`: mutants of a rulebook's syntax tree (the
//! operators of [`super::operators`]), each checked and its examples run in
//! process. A mutant that no example notices survives: the examples leave
//! that part of the rules open. Acts are not mutated: they run only in
//! scenarios, which have no expectations for a mutant to fail. docs/mutation.md gives the figures.

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::files::Files;
use crate::span::{SourceFile, Span};
use crate::syntax::ast::{
    Allocation, Argument, Expr, ExprKind, Item, Limit, Resolution, RuleDef, Rulebook, TrancheAmount,
};

use super::operators::{Change, Node, OPERATORS};
use super::percent;

/// A mutant that no example kills.
#[derive(Debug, Clone, Serialize)]
pub struct Survivor {
    /// The operator that made it.
    pub operator: &'static str,
    /// What it changed.
    pub what: String,
    /// Where.
    pub span: Span,
    /// The example that would kill it.
    pub suggest: String,
}

/// What mutating one rulebook found.
#[derive(Debug, Clone, Serialize)]
pub struct MutationReport {
    /// The file's name.
    pub file: String,
    /// The rulebook's name, once it checks.
    pub rulebook: Option<String>,
    /// Problems with the rulebook itself (its examples must pass first).
    pub diagnostics: Vec<Diagnostic>,
    /// Mutants made.
    pub mutants: usize,
    /// Mutants that do not check (counted apart: the checker kills them).
    pub not_checking: usize,
    /// Mutants an example kills.
    pub killed: usize,
    /// Mutants no example kills, in the order of the text.
    pub survivors: Vec<Survivor>,
    /// Killed in percent of the mutants that check, rounded down to a tenth.
    pub score: f64,
}

impl MutationReport {
    /// Each survivor as a warning drawn at its place.
    pub fn diagnostics_of_survivors(&self) -> Vec<Diagnostic> {
        self.survivors
            .iter()
            .map(|s| {
                Diagnostic::warning(
                    Code::MutantSurvives,
                    format!("a mutant survives: {}", s.what),
                )
                .at(s.span, format!("no example notices ({})", s.operator))
                .help(format!("pin it with {}", s.suggest))
            })
            .collect()
    }
}

/// Every node the operators may change, in a fixed order, each handed to
/// `f`. Only the rules are mutated, never the examples or scenarios that
/// test them.
fn visit(book: &mut Rulebook, f: &mut dyn FnMut(Node<'_>)) {
    for item in &mut book.items {
        match item {
            Item::Parameter(p) => f(Node::Parameter(&mut p.default, &p.name.name)),
            Item::Article(a) => {
                for p in &mut a.parameters {
                    f(Node::Parameter(&mut p.default, &p.name.name));
                }
                for r in &mut a.rules {
                    rule(r, f);
                }
                for l in &mut a.limits {
                    limit(l, f);
                }
                for x in &mut a.allocations {
                    allocation(x, f);
                }
                for r in &mut a.resolutions {
                    resolution(r, f);
                }
            }
            Item::Rule(r) => rule(r, f),
            Item::Limit(l) => limit(l, f),
            Item::Allocation(x) => allocation(x, f),
            Item::Resolution(r) => resolution(r, f),
            // Acts run only in scenarios, which have no expectations for a
            // mutant to fail; coverage says which acts they run.
            Item::Act(_) => {}
            // Elections are counted only in scenarios, likewise.
            Item::Election(_) => {}
            Item::Unit(_)
            | Item::MemberSchema(_)
            | Item::PeriodSchema(_)
            | Item::Scenario(_)
            | Item::Example(_)
            | Item::Members(_) => {}
        }
    }
}

fn rule(r: &mut RuleDef, f: &mut dyn FnMut(Node<'_>)) {
    expr(&mut r.body, f);
    for e in &mut r.exceptions {
        expr(&mut e.condition, f);
        expr(&mut e.value, f);
    }
    f(Node::Exceptions(&mut r.exceptions));
}

fn limit(l: &mut Limit, f: &mut dyn FnMut(Node<'_>)) {
    expr(&mut l.condition, f);
}

fn resolution(r: &mut Resolution, f: &mut dyn FnMut(Node<'_>)) {
    if let Some(d) = &mut r.record_date {
        expr(d, f);
    }
}

fn allocation(a: &mut Allocation, f: &mut dyn FnMut(Node<'_>)) {
    expr(&mut a.amount, f);
    if let Some((mode, span)) = &mut a.rounding {
        f(Node::Rounding(mode, *span, true));
    }
    if let Some(d) = &mut a.record_date {
        expr(d, f);
    }
    for t in &mut a.tranches {
        match &mut t.amount {
            TrancheAmount::Expr(x) => expr(x, f),
            TrancheAmount::EachMember { filter, value, .. } => {
                if let Some(x) = filter {
                    expr(x, f);
                }
                expr(value, f);
            }
        }
        for x in [&mut t.at_most, &mut t.at_least].into_iter().flatten() {
            expr(x, f);
        }
        if let Some(split) = &mut t.split {
            if let Some(x) = &mut split.filter {
                expr(x, f);
            }
            expr(&mut split.weight, f);
        }
    }
    f(Node::Tranches(&mut a.tranches));
}

/// An expression, then the expressions inside it.
fn expr(e: &mut Expr, f: &mut dyn FnMut(Node<'_>)) {
    f(Node::Expr(e));
    match &mut e.kind {
        ExprKind::Literal(_)
        | ExprKind::Name(_)
        | ExprKind::Allocated { .. }
        | ExprKind::LossBorne(_)
        | ExprKind::Remainder
        | ExprKind::Attribute(..)
        | ExprKind::Period(_) => {}
        ExprKind::Because(inner, _) | ExprKind::Unary(_, inner) | ExprKind::IsNone(inner, _) => {
            expr(inner, f)
        }
        ExprKind::Binary(_, l, r) => {
            expr(l, f);
            expr(r, f);
        }
        ExprKind::If {
            branches,
            otherwise,
        } => {
            for (c, v) in branches {
                expr(c, f);
                expr(v, f);
            }
            expr(otherwise, f);
        }
        ExprKind::Call { args, .. } => {
            for a in args {
                match a {
                    Argument::Expr(x) | Argument::Step(x, _) => expr(x, f),
                    Argument::Mode(mode, span) => f(Node::Rounding(mode, *span, false)),
                }
            }
        }
        ExprKind::Aggregate { value, filter, .. } => {
            for x in [value, filter].into_iter().flatten() {
                expr(x, f);
            }
        }
    }
}

/// Every mutant of `book`: (node, operator, variant), in the order of
/// [`visit`] and the operator table.
fn mutants(book: &Rulebook) -> Vec<(usize, usize, usize)> {
    let mut copy = book.clone();
    let mut out = Vec::new();
    let mut node = 0;
    visit(&mut copy, &mut |n| {
        for (o, op) in OPERATORS.iter().enumerate() {
            for k in 0..(op.count)(&n) {
                out.push((node, o, k));
            }
        }
        node += 1;
    });
    out
}

/// `book` with mutant `(node, operator, variant)` made, and what changed.
fn make(book: &Rulebook, target: (usize, usize, usize), text: &str) -> (Rulebook, Change) {
    let mut copy = book.clone();
    let mut node = 0;
    let mut change = None;
    visit(&mut copy, &mut |mut n| {
        if node == target.0 && change.is_none() {
            change = Some((OPERATORS[target.1].apply)(&mut n, target.2, text));
        }
        node += 1;
    });
    let change = change.unwrap_or(Change {
        span: Span::default(),
        what: String::new(),
        suggest: String::new(),
    });
    (copy, change)
}

/// Whether every example of a checked rulebook passes; `None` if it does
/// not check.
fn examples_pass(book: &Rulebook, files: Files) -> Option<bool> {
    let checked = crate::pipeline::check_book_in(book, files);
    let program = checked.program?;
    Some(
        program
            .examples
            .iter()
            .all(|e| crate::example::run_example(&program, e).passed),
    )
}

/// Makes every mutant of a rulebook and runs its examples on each.
pub fn mutate(file: &SourceFile, files: Files) -> MutationReport {
    let mut report = MutationReport {
        file: file.name.clone(),
        rulebook: None,
        diagnostics: Vec::new(),
        mutants: 0,
        not_checking: 0,
        killed: 0,
        survivors: Vec::new(),
        score: 0.0,
    };
    let book = match crate::syntax::parse(&file.text) {
        Ok(book) => book,
        Err(diagnostics) => {
            report.diagnostics = diagnostics;
            return report;
        }
    };
    let checked = crate::pipeline::check_book_in(&book, files);
    let Some(program) = &checked.program else {
        report.diagnostics = checked.diagnostics;
        return report;
    };
    report.rulebook = Some(program.name.clone());
    // A mutant is killed by a failing example, so the rulebook's own
    // examples must all pass first.
    let failing: Vec<String> = program
        .examples
        .iter()
        .map(|e| crate::example::run_example(program, e))
        .filter(|o| !o.passed)
        .map(|o| o.name)
        .collect();
    if !failing.is_empty() {
        report.diagnostics.push(
            Diagnostic::error(
                Code::ExpectationFailed,
                format!(
                    "the rulebook's own examples fail ({}), so no mutant can be judged",
                    failing.join(", ")
                ),
            )
            .help("run `rochdale test` and make every example pass first"),
        );
        return report;
    }
    for target in mutants(&book) {
        let (mutant, change) = make(&book, target, &file.text);
        report.mutants += 1;
        match examples_pass(&mutant, files) {
            None => report.not_checking += 1,
            Some(false) => report.killed += 1,
            Some(true) => report.survivors.push(Survivor {
                operator: OPERATORS[target.1].name,
                what: change.what,
                span: change.span,
                suggest: change.suggest,
            }),
        }
    }
    report.survivors.sort_by_key(|s| (s.span.start, s.span.end));
    report.score = percent(report.killed, report.mutants - report.not_checking);
    report
}
