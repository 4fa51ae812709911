//! Examples as tests: each `example` block's `expect` lines evaluated and
//! compared with the values worked by hand.

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Evaluator, Inputs, compare};
use crate::program::{ExampleDef, Expectation, Program};
use crate::span::Span;
use crate::value::{Value, ValueView};

/// What running one example found.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleOutcome {
    /// The example's name.
    pub name: String,
    /// Where the example is written.
    pub span: Span,
    /// Whether every expectation held.
    pub passed: bool,
    /// Each `expect` line's outcome, in order.
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
    /// Why it failed: a failed comparison or an evaluation error.
    pub diagnostic: Option<Diagnostic>,
}

/// The inputs an example describes.
pub fn example_inputs(example: &ExampleDef) -> Inputs {
    Inputs {
        params: example.params.clone(),
        member_names: example.member_names.clone(),
        members: example.members.clone(),
        period: example.period.clone(),
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

/// Runs one example.
pub fn run_example(program: &Program, example: &ExampleDef) -> ExampleOutcome {
    let inputs = example_inputs(example);
    let mut evaluator = Evaluator::new(program, &inputs);
    let mut frame = vec![Value::Bool(false); example.frame_size];
    let names = &example.member_names;
    let expectations: Vec<ExpectationOutcome> = example
        .expectations
        .iter()
        .map(|expectation| match expectation {
            Expectation::Equal {
                actual,
                expected,
                span,
            } => {
                let got = evaluator.eval(actual, &mut frame);
                let want = evaluator.eval(expected, &mut frame);
                let (got, want) = match (got, want) {
                    (Ok(g), Ok(w)) => (g, w),
                    (Err(d), _) | (_, Err(d)) => {
                        return ExpectationOutcome {
                            span: *span,
                            passed: false,
                            expected: None,
                            actual: None,
                            diagnostic: Some(*d),
                        };
                    }
                };
                // The checker made both sides one type; show both in the
                // left side's type unless it is only a whole number.
                let ty = if actual.ty == crate::types::Type::Integer { expected.ty } else { actual.ty };
                let got_view = ValueView::new(&got, ty, program, names);
                let want_view = ValueView::new(&want, ty, program, names);
                let passed = compare(&got, &want) == Some(std::cmp::Ordering::Equal);
                let diagnostic = (!passed).then(|| {
                    Diagnostic::error(
                        Code::ExpectationFailed,
                        format!(
                            "expected {}, but the rules give {}",
                            want_view.display, got_view.display
                        ),
                    )
                    .at(actual.span, format!("this is {}", got_view.display))
                    .related(expected.span, format!("expected {}", want_view.display))
                    .help("check the worked arithmetic beside the example; if the rules are right, correct the expected value")
                });
                ExpectationOutcome {
                    span: *span,
                    passed,
                    expected: Some(want_view),
                    actual: Some(got_view),
                    diagnostic,
                }
            }
            Expectation::Holds { condition, span } => match evaluator.eval(condition, &mut frame) {
                Ok(v) => {
                    let passed = v == Value::Bool(true);
                    ExpectationOutcome {
                        span: *span,
                        passed,
                        expected: None,
                        actual: Some(ValueView::new(&v, condition.ty, program, names)),
                        diagnostic: (!passed).then(|| {
                            Diagnostic::error(Code::ExpectationFailed, "this condition does not hold")
                                .at(condition.span, "false")
                                .help("check the example's inputs and the rule; `expect a = b` shows both values")
                        }),
                    }
                }
                Err(d) => ExpectationOutcome {
                    span: *span,
                    passed: false,
                    expected: None,
                    actual: None,
                    diagnostic: Some(*d),
                },
            },
        })
        .collect();
    ExampleOutcome {
        name: example.name.clone(),
        span: example.span,
        passed: expectations.iter().all(|e| e.passed),
        expectations,
    }
}
