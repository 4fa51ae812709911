//! Columns: one value per member, held as compactly as the values allow.
//!
//! Numbers are exact fixed-point integers (`value = n / 10^scale`) as long
//! as they fit an `i64`; money at its minor unit is the common case. An
//! operation that would overflow, or a division, moves to a column of
//! [`Decimal`]s computed by the evaluator's own arithmetic, so both paths
//! give the same values (tests/batch.rs compares them on random inputs).

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::eval::round;
use crate::program::{ArithOp, CompareOp};
use crate::syntax::ast::RoundingMode;
use crate::value::Value;

/// The largest scale kept in fixed point: 10^18 still fits an `i64`.
const MAX_FIXED_SCALE: u32 = 18;

/// Numbers as integers at one scale: `values[i] / 10^scale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// Decimal places.
    pub scale: u32,
    /// The scaled values.
    pub values: Vec<i64>,
}

/// A value for every member, or one value for all of them.
#[derive(Debug, Clone)]
pub enum Col {
    /// The same value for every member (a parameter, a period figure).
    One(Value),
    /// Each member itself: the value of `m` in `for each member m`.
    Rows,
    /// Exact fixed-point numbers.
    Fixed(Arc<Fixed>),
    /// Numbers that need the decimal type.
    Dec(Arc<Vec<Decimal>>),
    /// Yes or no.
    Bool(Arc<Vec<bool>>),
    /// Anything else (dates, text, enumerations), `None` where missing.
    Values(Arc<Vec<Option<Value>>>),
}

fn pow10(n: u32) -> Option<i64> {
    10i64.checked_pow(n)
}

impl Col {
    /// The value for member `m`, if there is one.
    pub fn value_at(&self, m: usize) -> Option<Value> {
        match self {
            Col::One(v) => Some(v.clone()),
            Col::Rows => Some(Value::Member(m as u32)),
            Col::Fixed(f) => f
                .values
                .get(m)
                .map(|&n| Value::Number(Decimal::new(n, f.scale))),
            Col::Dec(d) => d.get(m).map(|&d| Value::Number(d)),
            Col::Bool(b) => b.get(m).map(|&b| Value::Bool(b)),
            Col::Values(v) => v.get(m).cloned().flatten(),
        }
    }

    /// The number for member `m`, if this is a column of numbers.
    pub fn decimal_at(&self, m: usize) -> Option<Decimal> {
        match self {
            Col::One(Value::Number(d)) => Some(*d),
            Col::Fixed(f) => f.values.get(m).map(|&n| Decimal::new(n, f.scale)),
            Col::Dec(d) => d.get(m).copied(),
            Col::Values(v) => v.get(m).cloned().flatten().and_then(|v| v.as_number()),
            _ => None,
        }
    }

    /// The truth for member `m`, if this is a column of yes/no values.
    pub fn bool_at(&self, m: usize) -> Option<bool> {
        match self {
            Col::One(Value::Bool(b)) => Some(*b),
            Col::Bool(b) => b.get(m).copied(),
            Col::Values(v) => v.get(m).cloned().flatten().and_then(|v| v.as_bool()),
            _ => None,
        }
    }

    /// A column of `n` values from a function of each member.
    pub fn from_values(values: Vec<Option<Value>>) -> Col {
        Col::Values(Arc::new(values))
    }
}

/// An operand of a fixed-point kernel: a column or one constant, each at a
/// scale.
#[derive(Clone, Copy)]
enum Operand<'a> {
    Column(&'a [i64], u32),
    One(i64, u32),
}

impl Operand<'_> {
    fn scale(&self) -> u32 {
        match self {
            Operand::Column(_, s) | Operand::One(_, s) => *s,
        }
    }

    #[inline]
    fn get(&self, i: usize) -> i64 {
        match self {
            Operand::Column(v, _) => v[i],
            Operand::One(n, _) => *n,
        }
    }
}

fn operand(col: &Col) -> Option<Operand<'_>> {
    match col {
        Col::Fixed(f) => Some(Operand::Column(&f.values, f.scale)),
        Col::One(Value::Number(d)) => {
            let mut d = d.normalize();
            if d.scale() > MAX_FIXED_SCALE {
                return None;
            }
            // normalize() may leave a negative zero; the value is what counts.
            if d.is_zero() {
                d = Decimal::ZERO;
            }
            Some(Operand::One(i64::try_from(d.mantissa()).ok()?, d.scale()))
        }
        _ => None,
    }
}

/// Fixed-point `a op b` for `n` members, or `None` when it would overflow
/// (or for division): the caller then uses decimals.
pub fn fixed_arith(op: ArithOp, a: &Col, b: &Col, n: usize) -> Option<Col> {
    let (x, y) = (operand(a)?, operand(b)?);
    let mut out = Vec::with_capacity(n);
    let scale = match op {
        ArithOp::Add | ArithOp::Sub => {
            let scale = x.scale().max(y.scale());
            let (mx, my) = (pow10(scale - x.scale())?, pow10(scale - y.scale())?);
            let add = op == ArithOp::Add;
            for i in 0..n {
                let (p, q) = (x.get(i).checked_mul(mx)?, y.get(i).checked_mul(my)?);
                out.push(if add {
                    p.checked_add(q)?
                } else {
                    p.checked_sub(q)?
                });
            }
            scale
        }
        ArithOp::Mul => {
            let scale = x.scale() + y.scale();
            if scale > MAX_FIXED_SCALE {
                return None;
            }
            for i in 0..n {
                out.push(x.get(i).checked_mul(y.get(i))?);
            }
            scale
        }
        ArithOp::Div => return None,
    };
    Some(Col::Fixed(Arc::new(Fixed { scale, values: out })))
}

/// Fixed-point comparison for `n` members, or `None` if the scales cannot
/// be brought together.
pub fn fixed_compare(op: CompareOp, a: &Col, b: &Col, n: usize) -> Option<Col> {
    let (x, y) = (operand(a)?, operand(b)?);
    let scale = x.scale().max(y.scale());
    let (mx, my) = (pow10(scale - x.scale())?, pow10(scale - y.scale())?);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (p, q) = (x.get(i).checked_mul(mx)?, y.get(i).checked_mul(my)?);
        out.push(match op {
            CompareOp::Eq => p == q,
            CompareOp::Ne => p != q,
            CompareOp::Lt => p < q,
            CompareOp::Le => p <= q,
            CompareOp::Gt => p > q,
            CompareOp::Ge => p >= q,
        });
    }
    Some(Col::Bool(Arc::new(out)))
}

/// Fixed-point rounding to a power-of-ten step (0.01, 1, 0.001), as
/// [`round`] does it: the result has the step's decimal places.
pub fn fixed_round(a: &Col, step: Decimal, mode: RoundingMode) -> Option<Col> {
    let Col::Fixed(f) = a else { return None };
    let step = step.normalize();
    if step.mantissa() != 1 {
        return None;
    }
    let places = step.scale();
    let mut out = Vec::with_capacity(f.values.len());
    if f.scale <= places {
        let m = pow10(places - f.scale)?;
        for &v in &f.values {
            out.push(v.checked_mul(m)?);
        }
    } else {
        let d = pow10(f.scale - places)?;
        for &v in &f.values {
            out.push(round_div(v, d, mode));
        }
    }
    Some(Col::Fixed(Arc::new(Fixed {
        scale: places,
        values: out,
    })))
}

/// `v / d` rounded by `mode` (d > 1, a power of ten).
#[inline]
fn round_div(v: i64, d: i64, mode: RoundingMode) -> i64 {
    let (q, r) = (v / d, v % d);
    if r == 0 {
        return q;
    }
    let away = if v < 0 { q - 1 } else { q + 1 };
    // Compare twice the remainder with the divisor without overflow.
    let twice = r.unsigned_abs() as u128 * 2;
    let half = (twice).cmp(&(d as u128));
    use std::cmp::Ordering::*;
    match mode {
        RoundingMode::HalfUp => {
            if half == Less {
                q
            } else {
                away
            }
        }
        RoundingMode::HalfDown => {
            if half == Greater {
                away
            } else {
                q
            }
        }
        RoundingMode::HalfEven => match half {
            Less => q,
            Greater => away,
            Equal => {
                if q % 2 == 0 {
                    q
                } else {
                    away
                }
            }
        },
        RoundingMode::Down => q,
        RoundingMode::Up => away,
        RoundingMode::Floor => {
            if v < 0 {
                q - 1
            } else {
                q
            }
        }
        RoundingMode::Ceiling => {
            if v > 0 {
                q + 1
            } else {
                q
            }
        }
    }
}

/// Decimal rounding of a column, element by element, with the evaluator's
/// own [`round`].
pub fn decimal_round(a: &Col, step: Decimal, mode: RoundingMode, n: usize) -> Option<Col> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(round(a.decimal_at(i)?, step, mode)?);
    }
    Some(Col::Dec(Arc::new(out)))
}

/// Negation of a fixed-point column.
pub fn fixed_neg(a: &Col) -> Option<Col> {
    let Col::Fixed(f) = a else { return None };
    let values = f
        .values
        .iter()
        .map(|v| v.checked_neg())
        .collect::<Option<Vec<_>>>()?;
    Some(Col::Fixed(Arc::new(Fixed {
        scale: f.scale,
        values,
    })))
}

/// Absolute values of a fixed-point column.
pub fn fixed_abs(a: &Col) -> Option<Col> {
    let Col::Fixed(f) = a else { return None };
    let values = f
        .values
        .iter()
        .map(|v| v.checked_abs())
        .collect::<Option<Vec<_>>>()?;
    Some(Col::Fixed(Arc::new(Fixed {
        scale: f.scale,
        values,
    })))
}

/// The column as fixed point at `scale`, if every value fits there exactly.
pub fn at_scale(col: &Col, scale: u32, n: usize) -> Option<Vec<i64>> {
    let x = operand(col)?;
    if x.scale() > scale {
        // Only when every value has trailing zeros to drop.
        let d = pow10(x.scale() - scale)?;
        return (0..n)
            .map(|i| {
                let v = x.get(i);
                (v % d == 0).then_some(v / d)
            })
            .collect();
    }
    let m = pow10(scale - x.scale())?;
    (0..n).map(|i| x.get(i).checked_mul(m)).collect()
}

/// The number of decimal places of a fixed-point column or constant.
pub fn fixed_scale(col: &Col) -> Option<u32> {
    operand(col).map(|o| o.scale())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_rounding_matches_the_decimal_rounding_in_every_mode() {
        use RoundingMode::*;
        let modes = [HalfUp, HalfDown, HalfEven, Down, Up, Floor, Ceiling];
        // Every value from -3.000 to 3.000 in steps of 0.001, to 0.01.
        for v in -3000i64..=3000 {
            for mode in modes {
                let fixed = round_div(v, 10, mode);
                let decimal = round(Decimal::new(v, 3), Decimal::new(1, 2), mode).unwrap();
                assert_eq!(Decimal::new(fixed, 2), decimal, "{v} {mode:?}");
            }
        }
    }
}
