//! The operators of the language on single values: arithmetic, dates,
//! comparison, `min`/`max`, and the diagnostics they end with. The row
//! evaluator calls these for every node; the column executor calls them
//! for every element it cannot compute in fixed point, and its fixed-point
//! kernels are checked against them (tests/batch.rs).

use std::cmp::Ordering;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::currency::Currency;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::ArithOp;
use crate::span::Span;
use crate::value::Value;

/// Where an operation ends when the rules themselves fail.
pub type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// Exact arithmetic on two numbers; `divisor_span` locates a zero divisor.
/// A division that does not terminate is rounded to 28 significant digits,
/// the precision of the 96-bit decimal (docs/language.md, "Numbers").
pub fn arithmetic(
    op: ArithOp,
    a: Decimal,
    b: Decimal,
    span: Span,
    divisor_span: Span,
) -> Result<Decimal> {
    let result = match op {
        ArithOp::Add => a.checked_add(b),
        ArithOp::Sub => a.checked_sub(b),
        ArithOp::Mul => a.checked_mul(b),
        ArithOp::Div => {
            if b.is_zero() {
                return Err(division_by_zero(span, divisor_span));
            }
            a.checked_div(b)
        }
    };
    result.map(unsigned_zero).ok_or_else(|| overflow(span))
}

/// Days between dates, or a date moved by a number of days.
pub fn date_arithmetic(op: ArithOp, a: Value, b: Value, span: Span) -> Result<Value> {
    let out_of_range = || {
        Box::new(
            Diagnostic::error(
                Code::Overflow,
                "the date is outside the calendar Rochdale counts",
            )
            .at(span, "no such date")
            .help("check the number of days"),
        )
    };
    let days = |d: Decimal| {
        d.to_i64()
            .filter(|d| d.abs() < 10_000_000)
            .map(time::Duration::days)
    };
    match (op, a, b) {
        (ArithOp::Sub, Value::Date(x), Value::Date(y)) => {
            Ok(Value::Number(Decimal::from((x - y).whole_days())))
        }
        (ArithOp::Add, Value::Date(x), Value::Number(n))
        | (ArithOp::Add, Value::Number(n), Value::Date(x)) => days(n)
            .and_then(|d| x.checked_add(d))
            .map(Value::Date)
            .ok_or_else(out_of_range),
        (ArithOp::Sub, Value::Date(x), Value::Number(n)) => days(n)
            .and_then(|d| x.checked_sub(d))
            .map(Value::Date)
            .ok_or_else(out_of_range),
        _ => Err(internal("arithmetic on values that are not numbers", span)),
    }
}

/// `-x`: negation, without a signed zero.
pub fn negate(x: Decimal) -> Decimal {
    unsigned_zero(-x)
}

/// Zero without a sign: the decimal type keeps one (`-0`), and a person
/// reading `-£0.00` would rightly ask what was lost.
#[inline]
pub fn unsigned_zero(d: Decimal) -> Decimal {
    if d.is_zero() && d.is_sign_negative() {
        -d
    } else {
        d
    }
}

/// How two values of one type compare: defined with the values
/// themselves ([`crate::value::compare`]), which the checker needs too.
pub use crate::value::compare;

/// `max(a, b)` (or `min` when `max` is false); between equals, the first.
pub fn pick(a: Value, b: Value, max: bool) -> Value {
    match compare(&a, &b) {
        Some(Ordering::Less) if max => b,
        Some(Ordering::Greater) if !max => b,
        _ => a,
    }
}

/// An amount as a person reads it, such as `£3.00`.
pub fn money_text(amount: Decimal, currency: Currency) -> String {
    crate::value::money_display(amount, currency)
}

/// A division by zero.
#[cold]
pub fn division_by_zero(span: Span, divisor_span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(Code::DivisionByZero, "division by zero")
            .at(divisor_span, "this is zero")
            .related(span, "in this division")
            .help("guard the division, as in `if total = 0 then 0 else part / total`"),
    )
}

/// `x is none`: whether a value of an optional type is missing. The one
/// definition both executors call.
pub fn is_none(value: &Value) -> bool {
    matches!(value, Value::None)
}

/// A result too large for an exact decimal.
#[cold]
pub fn overflow(span: Span) -> Box<Diagnostic> {
    Box::new(
    Diagnostic::error(Code::Overflow, "the result is too large to represent exactly")
        .at(span, "overflows")
        .help("Rochdale's numbers hold up to 28 significant digits (about 7.9 × 10^28); check the inputs for a mistake in magnitude"))
}

/// A state the checker rules out: a bug in Rochdale, reported, not a panic.
#[cold]
pub fn internal(what: &str, span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            Code::EvalTooDeep,
            format!("the evaluator lost its way ({what})"),
        )
        .at(span, "here")
        .help("this is a bug in Rochdale; please report it with the rulebook"),
    )
}
