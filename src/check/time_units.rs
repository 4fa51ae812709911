//! Units of time in arithmetic: the exact conversions the checker writes
//! into the IR, and the errors where there is none.
//!
//! Months, quarters and years convert among themselves, and days and weeks
//! (docs/language.md, "Time"). A conversion is a multiplication or a
//! division by a whole number, written as an ordinary `Arith` node with a
//! constant typed by its true dimension (`4 quarter per year`): neither
//! executor knows about time, and `explain` shows the constant as it is.
//! Between days and years there is no conversion: a day count does that,
//! through `years(...)`.

use rust_decimal::Decimal;

use crate::diagnostic::{Code, Diagnostic};
use crate::program::{ArithOp, Ir, IrKind};
use crate::syntax::ast::BinaryOp;
use crate::types::Type;
use crate::units::{Dim, TimeUnit, UnitId, Units};
use crate::value::Value;

/// What to do with the two sides of an operator whose units of time differ.
pub(super) enum Aligned {
    /// Nothing to do: the sides go on as they are.
    AsIs(Ir, Ir),
    /// One side was converted; the operator now applies.
    Converted(Ir, Ir),
    /// No conversion exists.
    Refused(Diagnostic),
}

/// Whether `ir`'s type has a unit of time (the cheap test before aligning).
pub(super) fn has_time(ir: &Ir, units: &Units) -> bool {
    ir.ty
        .dim()
        .is_some_and(|d| d.time_units(units).next().is_some())
}

/// The one unit of time in a dimension, with its exponent, when it has
/// exactly one.
fn single_time(dim: &Dim, units: &Units) -> Option<(UnitId, TimeUnit, i8)> {
    let mut found = dim.time_units(units);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// `ir` in `to` instead of `from` (a unit of time of `ir`'s dimension with
/// exponent `e`, ±1): multiplied or divided by how many `from`s make a
/// `to` (or the other way round), whichever is whole.
fn convert(ir: Ir, from: (UnitId, TimeUnit), to: (UnitId, TimeUnit), e: i8) -> Option<Ir> {
    let (small, big) = if from.1.in_base() < to.1.in_base() {
        (from, to)
    } else {
        (to, from)
    };
    let factor = Decimal::from(big.1.in_base() / small.1.in_base());
    // The constant is `factor small per big`: 12 month per year.
    let constant_dim = Dim::unit(small.0).combine(&Dim::unit(big.0), -1)?;
    // Per a smaller unit to per a bigger one, or a quantity in a bigger unit
    // to a smaller one: the value grows (× factor); otherwise ÷ factor.
    let grows = (e < 0) == (from.0 == small.0);
    let (op, sign) = if grows {
        (ArithOp::Mul, 1)
    } else {
        (ArithOp::Div, -1)
    };
    let dim = ir.ty.dim()?.combine(&constant_dim, sign)?;
    let span = ir.span;
    let constant = Ir {
        kind: IrKind::Const(Value::Number(factor)),
        ty: Type::Measure(constant_dim),
        span,
    };
    Some(Ir {
        kind: IrKind::Arith(op, Box::new(ir), Box::new(constant)),
        ty: Type::of_dim(dim),
        span,
    })
}

fn refused_across(a: TimeUnit, b: TimeUnit, at: crate::span::Span) -> Aligned {
    Aligned::Refused(
        Diagnostic::error(
            Code::TimeConversion,
            format!("a figure per {a} and a figure per {b} do not convert exactly"),
        )
        .at(at, format!("{a} against {b}"))
        .help(
            "months, quarters and years convert exactly, and days and weeks; between them use `years(from, to)`, which counts days under the rulebook's `day count`",
        ),
    )
}

/// Brings the units of time of `l` and `r` together for `op`: for `+`,
/// `-` and comparisons the two must be one kind, for `*` a rate per one
/// unit may meet a quantity in another; `/` is left as it is.
pub(super) fn align(l: Ir, r: Ir, op: BinaryOp, units: &Units, at: crate::span::Span) -> Aligned {
    let same_kind = !matches!(op, BinaryOp::Mul | BinaryOp::Div);
    let (Some(dl), Some(dr)) = (l.ty.dim(), r.ty.dim()) else {
        return Aligned::AsIs(l, r);
    };
    if op == BinaryOp::Div {
        return Aligned::AsIs(l, r);
    }
    if dl == dr || l.ty == Type::Error || r.ty == Type::Error {
        return Aligned::AsIs(l, r);
    }
    let (tl, tr) = (single_time(&dl, units), single_time(&dr, units));
    if same_kind {
        match (tl, tr) {
            (Some((ul, a, el)), Some((ur, b, er)))
                if el == er && dl.replace_unit(ul, ur) == Some(dr) =>
            {
                if a.group() != b.group() {
                    return refused_across(a, b, at);
                }
                // Convert the side whose conversion is a multiplication.
                let l_grows = (el < 0) == (a.in_base() < b.in_base());
                let converted = if l_grows {
                    convert(l.clone(), (ul, a), (ur, b), el).map(|l| (l, r.clone()))
                } else {
                    convert(r.clone(), (ur, b), (ul, a), er).map(|r| (l.clone(), r))
                };
                match converted {
                    Some((l, r)) => Aligned::Converted(l, r),
                    None => Aligned::AsIs(l, r),
                }
            }
            (Some((_, t, e)), None) | (None, Some((_, t, e)))
                if dl.without_time(units) == dr.without_time(units) =>
            {
                let (timed, bare) = if tl.is_some() { (&l, &r) } else { (&r, &l) };
                let what = if e < 0 {
                    format!("{} per {t}", without_time_name(timed.ty, units))
                } else {
                    format!("counted in {t}s")
                };
                Aligned::Refused(
                    Diagnostic::error(
                        Code::RateWithoutTime,
                        format!(
                            "one side is {}, the other {} with no unit of time",
                            timed.ty.plain(units),
                            bare.ty.plain(units)
                        ),
                    )
                    .at(at, format!("{what} against no unit of time"))
                    .help(format!(
                        "write the unit of time on both sides, such as `5% per {t}`: a rate per {t} is not comparable with one per quarter or per day until it says which"
                    )),
                )
            }
            _ => Aligned::AsIs(l, r),
        }
    } else {
        // A rate per one unit of time times a quantity in another.
        let pairs = [(tl, tr, true), (tr, tl, false)];
        for (rate, quantity, rate_left) in pairs {
            let (Some((ur, a, -1)), Some((uq, b, 1))) = (rate, quantity) else {
                continue;
            };
            if ur == uq {
                continue;
            }
            if a.group() != b.group() {
                return refused_across(a, b, at);
            }
            let (rate_ir, quantity_ir) = if rate_left { (&l, &r) } else { (&r, &l) };
            let Some(q) = convert(quantity_ir.clone(), (uq, b), (ur, a), 1) else {
                return Aligned::AsIs(l, r);
            };
            let rate_ir = rate_ir.clone();
            return if rate_left {
                Aligned::Converted(rate_ir, q)
            } else {
                Aligned::Converted(q, rate_ir)
            };
        }
        Aligned::AsIs(l, r)
    }
}

/// A type written without its units of time, for a message: `Percent`
/// for `Percent per year`.
fn without_time_name(ty: Type, units: &Units) -> String {
    match ty.dim() {
        Some(d) => Type::of_dim(d.without_time(units)).name(units),
        None => ty.name(units),
    }
}

/// `ir` as a value of the declared type `want` (a rule's result, an
/// amount booked): converted when only its unit of time differs and the
/// two convert exactly, refused when one of them has no unit of time.
/// Anything else is left for the caller's own type check.
pub(super) fn coerce(ir: Ir, want: Type, units: &Units) -> Result<Ir, Diagnostic> {
    let (Some(have), Some(dw)) = (ir.ty.dim(), want.dim()) else {
        return Ok(ir);
    };
    if have == dw || ir.ty == Type::Error || want == Type::Error {
        return Ok(ir);
    }
    let at = ir.span;
    match (single_time(&have, units), single_time(&dw, units)) {
        (Some((uh, a, eh)), Some((uw, b, ew)))
            if eh == ew && have.replace_unit(uh, uw) == Some(dw) =>
        {
            if a.group() != b.group() {
                return match refused_across(a, b, at) {
                    Aligned::Refused(d) => Err(d),
                    _ => Ok(ir),
                };
            }
            Ok(convert(ir.clone(), (uh, a), (uw, b), eh).unwrap_or(ir))
        }
        (Some((_, t, _)), None) | (None, Some((_, t, _)))
            if have.without_time(units) == dw.without_time(units) =>
        {
            let help = if dw.time_units(units).next().is_none() {
                format!(
                    "an amount per {t} is not an amount: over the period so far write `accrued(m.shares, rate)`, or multiply it by a span of time such as `years(from, to)` or `1 {t}`"
                )
            } else {
                format!("write the unit of time on the value too, such as `5% per {t}`")
            };
            Err(Diagnostic::error(
                Code::RateWithoutTime,
                format!(
                    "this is {}, but {} is needed",
                    ir.ty.plain(units),
                    want.plain(units)
                ),
            )
            .at(at, format!("this is {}", ir.ty.plain(units)))
            .help(help))
        }
        _ => Ok(ir),
    }
}
