//! Examples as tests: each `example` block's `expect` lines evaluated and
//! compared with the values worked by hand, and every legal limit checked.

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Breach, Evaluator, Inputs, Probe};
use crate::program::{ExampleDef, Expectation, Ir, IrKind, Program};
use crate::semantics::compare;
use crate::span::Span;
use crate::types::Type;
use crate::value::{Value, ValueView};

/// What running one example found.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleOutcome {
    /// The example's name.
    pub name: String,
    /// Where the example is written.
    pub span: Span,
    /// Whether every expectation held and no limit was broken unexpectedly.
    pub passed: bool,
    /// Each `expect` line's outcome, in order, then any unexpected breach.
    pub expectations: Vec<ExpectationOutcome>,
}

/// What one `expect` line found.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectationOutcome {
    /// Where the line is written.
    pub span: Span,
    /// Whether it held.
    pub passed: bool,
    /// The value worked by hand (for `expect a = b`).
    pub expected: Option<ValueView>,
    /// The value the rules gave.
    pub actual: Option<ValueView>,
    /// For a refusal: the reasons the rules give.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Why it failed: a failed comparison or an evaluation error.
    pub diagnostic: Option<Diagnostic>,
}

impl ExpectationOutcome {
    fn error(span: Span, diagnostic: Diagnostic) -> Self {
        ExpectationOutcome {
            span,
            passed: false,
            expected: None,
            actual: None,
            reasons: Vec::new(),
            diagnostic: Some(diagnostic),
        }
    }
}

impl ExpectationOutcome {
    /// A fault met while evaluating (a division by zero, a missing value)
    /// is drawn where it happened, in a rule; the `expect` line that ran it,
    /// and the members it names, are added, so the text output says which
    /// expectation and member as the JSON does.
    fn placed_at(mut self, expectation: &Expectation, names: &[String]) -> Self {
        let span = expectation.span();
        if let Some(d) = self.diagnostic.take() {
            let fault = !matches!(d.code, Code::ExpectationFailed | Code::BadExpectation);
            let elsewhere = d.span.is_some_and(|s| {
                s.source != span.source || s.start < span.start || s.end > span.end
            });
            self.diagnostic = Some(if fault && elsewhere {
                let mut members = Vec::new();
                match expectation {
                    Expectation::Equal {
                        actual, expected, ..
                    } => {
                        members_named(actual, &mut members);
                        members_named(expected, &mut members);
                    }
                    Expectation::Holds { condition: ir, .. }
                    | Expectation::Refused { call: ir, .. } => members_named(ir, &mut members),
                    Expectation::Breach { .. } => {}
                }
                let whom: Vec<&str> = members
                    .iter()
                    .filter_map(|m| names.get(*m as usize).map(String::as_str))
                    .collect();
                let label = if whom.is_empty() {
                    "while checking this expectation".to_string()
                } else {
                    format!("while checking this expectation, for {}", whom.join(", "))
                };
                d.related(span, label)
            } else {
                d
            });
        }
        self
    }
}

/// The members an expression names (`ada` in `ratio(ada)`), each once.
fn members_named(ir: &Ir, out: &mut Vec<u32>) {
    if let IrKind::Const(Value::Member(m)) = &ir.kind {
        if !out.contains(m) {
            out.push(*m);
        }
        return;
    }
    let mut visit = |x: &Ir| members_named(x, out);
    match &ir.kind {
        IrKind::Attr { member, .. }
        | IrKind::Accrued { member, .. }
        | IrKind::DaysHeld { member, .. }
        | IrKind::DaysMember(member) => visit(member),
        IrKind::Call { args, .. } | IrKind::Builtin { args, .. } => args.iter().for_each(visit),
        IrKind::Neg(x) | IrKind::Not(x) | IrKind::IsNone(x) => visit(x),
        IrKind::Because { condition, .. } => visit(condition),
        IrKind::Arith(_, l, r)
        | IrKind::Compare(_, l, r)
        | IrKind::And(l, r)
        | IrKind::Or(l, r) => {
            visit(l);
            visit(r);
        }
        IrKind::If {
            branches,
            otherwise,
        } => {
            for (c, v) in branches {
                visit(c);
                visit(v);
            }
            visit(otherwise);
        }
        _ => {}
    }
}

/// The inputs an example describes.
pub fn example_inputs(example: &ExampleDef) -> Inputs {
    Inputs {
        params: example.params.clone(),
        member_names: example.member_names.clone(),
        members: example.members.clone(),
        period: example.period.clone(),
        votes: example.votes.clone(),
        absent_votes: example.absent_votes.clone(),
        balances: example.balances.clone(),
        active: Vec::new(),
        joined: Vec::new(),
        left: Vec::new(),
        not_in_force: example.not_in_force.clone(),
        // A dated example reads figures on its date; `accrued` from the
        // first day of its period under the financial year.
        today: example.date,
        period_start: example.period_start,
        ..Inputs::default()
    }
}

/// Runs every example of a program, in order.
pub fn run_examples(program: &Program) -> Vec<ExampleOutcome> {
    program
        .examples
        .iter()
        .map(|e| run_example(program, e))
        .collect()
}

struct Runner<'a> {
    program: &'a Program,
    evaluator: Evaluator<'a>,
    frame: Vec<Value>,
    names: &'a [String],
    /// The example's parameters, which fill the figures of expected reasons.
    params: &'a [Value],
}

impl Runner<'_> {
    fn view(&self, v: &Value, ty: Type) -> ValueView {
        ValueView::new(v, ty, self.program, self.names)
    }

    fn equal(&mut self, actual: &Ir, expected: &Ir, span: Span) -> ExpectationOutcome {
        let got = self.evaluator.eval(actual, &mut self.frame);
        let want = self.evaluator.eval(expected, &mut self.frame);
        let (got, want) = match (got, want) {
            (Ok(g), Ok(w)) => (g, w),
            (Err(d), _) | (_, Err(d)) => return ExpectationOutcome::error(span, *d),
        };
        // The checker made both sides one type; show both in the left
        // side's type unless it is only a whole number.
        let ty = if actual.ty == Type::Integer {
            expected.ty
        } else {
            actual.ty
        };
        let got_view = self.view(&got, ty);
        let want_view = self.view(&want, ty);
        let passed = compare(&got, &want) == Some(std::cmp::Ordering::Equal);
        let diagnostic = (!passed).then(|| {
            // Two values that differ can read alike once rounded for
            // display (46.6% and 46.60194...%): then both are written exactly.
            let (want_text, got_text) = if want_view.display == got_view.display {
                let exact = |v: &Value, view: &crate::value::ValueView| match (v, ty) {
                    (Value::Number(d), Type::Percent) => {
                        format!("{}%", (*d * rust_decimal::Decimal::ONE_HUNDRED).normalize())
                    }
                    _ => view.value.clone(),
                };
                (exact(&want, &want_view), exact(&got, &got_view))
            } else {
                (want_view.display.clone(), got_view.display.clone())
            };
            Diagnostic::error(
                Code::ExpectationFailed,
                format!("expected {want_text}, but the rules give {got_text}"),
            )
            .at(actual.span, format!("this is {got_text}"))
            .related(expected.span, format!("expected {want_text}"))
            .help("check the worked arithmetic beside the example; if the rules are right, correct the expected value")
        });
        ExpectationOutcome {
            span,
            passed,
            expected: Some(want_view),
            actual: Some(got_view),
            reasons: Vec::new(),
            diagnostic,
        }
    }

    fn holds(&mut self, condition: &Ir, span: Span) -> ExpectationOutcome {
        match self.evaluator.eval(condition, &mut self.frame) {
            Ok(v) => {
                let passed = v == Value::Bool(true);
                ExpectationOutcome {
                    span,
                    passed,
                    expected: None,
                    actual: Some(self.view(&v, condition.ty)),
                    reasons: Vec::new(),
                    diagnostic: (!passed).then(|| {
                        Diagnostic::error(Code::ExpectationFailed, "this condition does not hold")
                            .at(condition.span, "false")
                            .help("check the example's inputs and the rule; `expect a = b` shows both values")
                    }),
                }
            }
            Err(d) => ExpectationOutcome::error(span, *d),
        }
    }

    fn refused(&mut self, call: &Ir, expected: &[String], span: Span) -> ExpectationOutcome {
        let IrKind::Call { rule, args } = &call.kind else {
            return ExpectationOutcome::error(
                span,
                Diagnostic::error(Code::BadExpectation, "expected a call of a rule")
                    .at(call.span, "here")
                    .help("write `expect not eligible(cy) because \"reason\"`"),
            );
        };
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            match self.evaluator.eval(a, &mut self.frame) {
                Ok(v) => values.push(v),
                Err(d) => return ExpectationOutcome::error(span, *d),
            }
        }
        let (holds, refusals) = match self.evaluator.refusals(*rule, values) {
            Ok(r) => r,
            Err(d) => return ExpectationOutcome::error(span, *d),
        };
        let given: Vec<String> = refusals.iter().map(|r| r.reason.clone()).collect();
        // An expected reason may embed figures as the rule's does: both
        // are compared as a reader reads them.
        let expected: Vec<String> = expected
            .iter()
            .map(|r| crate::semantics::wording::fill(r, self.program, self.params))
            .collect();
        let expected = expected.as_slice();
        let mut want = expected.to_vec();
        let mut got = given.clone();
        want.sort();
        got.sort();
        let passed = !holds && want == got;
        let diagnostic = (!passed).then(|| {
            let message = if holds {
                "expected a refusal, but the rules accept".to_string()
            } else {
                let missing: Vec<&String> =
                    expected.iter().filter(|r| !given.contains(r)).collect();
                let extra: Vec<&String> = given.iter().filter(|r| !expected.contains(r)).collect();
                let mut parts = Vec::new();
                if !missing.is_empty() {
                    parts.push(format!("not refused because {}", quoted(&missing)));
                }
                if !extra.is_empty() {
                    parts.push(format!("also refused because {}", quoted(&extra)));
                }
                format!("the refusal's reasons differ: {}", parts.join("; "))
            };
            Diagnostic::error(Code::ExpectationFailed, message)
                .at(
                    call.span,
                    if holds {
                        "accepted"
                    } else {
                        "refused for other reasons"
                    },
                )
                .help(if refusals.is_empty() {
                    "the rules give no reasons: add `because \"...\"` to the clauses of the rule"
                        .to_string()
                } else {
                    format!(
                        "the rules refuse because: {}",
                        refusals
                            .iter()
                            .map(|r| r.sentence())
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                })
        });
        ExpectationOutcome {
            span,
            passed,
            expected: None,
            actual: Some(self.view(&Value::Bool(holds), Type::Bool)),
            reasons: refusals.iter().map(|r| r.sentence()).collect(),
            diagnostic,
        }
    }
}

fn quoted(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs one example.
pub fn run_example(program: &Program, example: &ExampleDef) -> ExampleOutcome {
    run_example_probed(program, example, None)
}

/// [`run_example`], telling `probe` of every node evaluated (what
/// `rochdale test --coverage` records).
pub fn run_example_probed(
    program: &Program,
    example: &ExampleDef,
    probe: Option<Probe<'_>>,
) -> ExampleOutcome {
    let inputs = example_inputs(example);
    let evaluator = match probe {
        Some(probe) => Evaluator::new(program, &inputs).with_probe(probe),
        None => Evaluator::new(program, &inputs),
    };
    let mut runner = Runner {
        program,
        evaluator,
        frame: vec![Value::Bool(false); example.frame_size],
        names: &example.member_names,
        params: &inputs.params,
    };
    let mut expected_breaches: Vec<(usize, Option<u32>, Span)> = Vec::new();
    let mut outcomes: Vec<Option<ExpectationOutcome>> = example
        .expectations
        .iter()
        .map(|expectation| match expectation {
            Expectation::Equal {
                actual,
                expected,
                span,
            } => Some(runner.equal(actual, expected, *span)),
            Expectation::Holds { condition, span } => Some(runner.holds(condition, *span)),
            Expectation::Refused {
                call,
                reasons,
                span,
            } => Some(runner.refused(call, reasons, *span)),
            Expectation::Breach {
                limit,
                member,
                span,
            } => {
                expected_breaches.push((*limit, *member, *span));
                None
            }
        })
        .zip(&example.expectations)
        .map(|(outcome, expectation)| {
            outcome.map(|o| o.placed_at(expectation, &example.member_names))
        })
        .collect();

    // Every limit is checked in every example: a breach must be expected.
    let mut extra = Vec::new();
    match runner.evaluator.limit_breaches() {
        Ok(breaches) => {
            let found = |limit: usize, member: Option<u32>| {
                breaches
                    .iter()
                    .find(|b| b.limit == limit && b.member == member)
            };
            let mut slot = 0;
            for (limit, member, span) in &expected_breaches {
                while outcomes.get(slot).is_some_and(Option::is_some) {
                    slot += 1;
                }
                let outcome =
                    breach_outcome(&runner, found(*limit, *member), *limit, *member, *span);
                if let Some(place) = outcomes.get_mut(slot) {
                    *place = Some(outcome);
                }
            }
            for b in &breaches {
                if !expected_breaches
                    .iter()
                    .any(|(l, m, _)| *l == b.limit && *m == b.member)
                {
                    let d = runner.evaluator.breach_diagnostic(b);
                    extra.push(ExpectationOutcome::error(program.limits[b.limit].span, d));
                }
            }
        }
        Err(d) => extra.push(ExpectationOutcome::error(example.span, *d)),
    }
    let expectations: Vec<ExpectationOutcome> =
        outcomes.into_iter().flatten().chain(extra).collect();
    ExampleOutcome {
        name: example.name.clone(),
        span: example.span,
        passed: expectations.iter().all(|e| e.passed),
        expectations,
    }
}

fn breach_outcome(
    runner: &Runner<'_>,
    found: Option<&Breach>,
    limit: usize,
    member: Option<u32>,
    span: Span,
) -> ExpectationOutcome {
    match found {
        Some(b) => ExpectationOutcome {
            span,
            passed: true,
            expected: None,
            actual: None,
            reasons: b.detail.iter().cloned().collect(),
            diagnostic: None,
        },
        None => {
            let def = &runner.program.limits[limit];
            let whose = member
                .and_then(|m| runner.names.get(m as usize))
                .map(|n| format!(" for `{n}`"))
                .unwrap_or_default();
            ExpectationOutcome::error(
                span,
                Diagnostic::error(
                    Code::ExpectationFailed,
                    format!(
                        "expected the limit `{}` to be breached{whose}, but it holds",
                        def.name
                    ),
                )
                .at(span, "not breached")
                .related(def.span, "the limit")
                .help("check the example's figures against the limit"),
            )
        }
    }
}
