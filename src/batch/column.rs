//! Columns: one value per member, held as compactly as the values allow.
//!
//! Numbers are exact fixed-point integers (`value = n / 10^scale`) as long
//! as they fit an `i64`; money at its minor unit is the common case. An
//! operation that would overflow, or a division, moves to a column of
//! [`Decimal`]s computed by the evaluator's own arithmetic, so both paths
//! give the same values (tests/batch.rs compares them on random inputs).

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::program::{ArithOp, CompareOp};
use crate::semantics::rounding::divide_i64;
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

/// `f` of each member's pair of values, the loop chosen by operand shape
/// so that the compiler sees a plain loop over slices.
#[inline]
fn zip_map<T: Copy>(
    x: Operand<'_>,
    y: Operand<'_>,
    n: usize,
    f: impl Fn(i64, i64) -> Option<T>,
) -> Option<Vec<T>> {
    match (x, y) {
        (Operand::Column(a, _), Operand::Column(b, _)) => {
            a.iter().zip(b).take(n).map(|(p, q)| f(*p, *q)).collect()
        }
        (Operand::Column(a, _), Operand::One(q, _)) => a.iter().take(n).map(|p| f(*p, q)).collect(),
        (Operand::One(p, _), Operand::Column(b, _)) => b.iter().take(n).map(|q| f(p, *q)).collect(),
        (Operand::One(p, _), Operand::One(q, _)) => Some(vec![f(p, q)?; n]),
    }
}

/// Fixed-point `a op b` for `n` members, or `None` when it would overflow
/// (or for division): the caller then uses decimals.
pub fn fixed_arith(op: ArithOp, a: &Col, b: &Col, n: usize) -> Option<Col> {
    let (x, y) = (operand(a)?, operand(b)?);
    let (out, scale) = match op {
        ArithOp::Add | ArithOp::Sub => {
            let scale = x.scale().max(y.scale());
            let (mx, my) = (pow10(scale - x.scale())?, pow10(scale - y.scale())?);
            let out = match (op, mx, my) {
                (ArithOp::Add, 1, 1) => zip_map(x, y, n, i64::checked_add)?,
                (ArithOp::Sub, 1, 1) => zip_map(x, y, n, i64::checked_sub)?,
                (ArithOp::Add, _, _) => zip_map(x, y, n, |p, q| {
                    p.checked_mul(mx)?.checked_add(q.checked_mul(my)?)
                })?,
                _ => zip_map(x, y, n, |p, q| {
                    p.checked_mul(mx)?.checked_sub(q.checked_mul(my)?)
                })?,
            };
            (out, scale)
        }
        ArithOp::Mul => {
            let scale = x.scale() + y.scale();
            if scale > MAX_FIXED_SCALE {
                return None;
            }
            (zip_map(x, y, n, i64::checked_mul)?, scale)
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
    // Bring both sides to one scale first (a no-op for the usual case of
    // money against money), then compare in a plain loop.
    let (x, y) = (rescaled(x, mx, n)?, rescaled(y, my, n)?);
    let (x, y) = (x.as_operand(), y.as_operand());
    let out = match op {
        CompareOp::Eq => zip_map(x, y, n, |p, q| Some(p == q))?,
        CompareOp::Ne => zip_map(x, y, n, |p, q| Some(p != q))?,
        CompareOp::Lt => zip_map(x, y, n, |p, q| Some(p < q))?,
        CompareOp::Le => zip_map(x, y, n, |p, q| Some(p <= q))?,
        CompareOp::Gt => zip_map(x, y, n, |p, q| Some(p > q))?,
        CompareOp::Ge => zip_map(x, y, n, |p, q| Some(p >= q))?,
    };
    Some(Col::Bool(Arc::new(out)))
}

/// An operand multiplied up to a larger scale (borrowed when unchanged).
enum Scaled<'a> {
    Same(Operand<'a>),
    Column(Vec<i64>),
}

impl Scaled<'_> {
    fn as_operand(&self) -> Operand<'_> {
        match self {
            Scaled::Same(o) => *o,
            Scaled::Column(v) => Operand::Column(v, 0),
        }
    }
}

fn rescaled(x: Operand<'_>, m: i64, n: usize) -> Option<Scaled<'_>> {
    if m == 1 {
        return Some(Scaled::Same(x));
    }
    match x {
        Operand::One(v, s) => Some(Scaled::Same(Operand::One(v.checked_mul(m)?, s))),
        Operand::Column(v, _) => Some(Scaled::Column(
            v.iter()
                .take(n)
                .map(|p| p.checked_mul(m))
                .collect::<Option<Vec<i64>>>()?,
        )),
    }
}

/// Fixed-point rounding to a power-of-ten step (0.01, 1, 0.001), as
/// [`crate::semantics::round`] does it: the result has the step's decimal
/// places.
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
        // One loop per mode, so that the mode is not decided per member.
        macro_rules! each {
            ($mode:expr) => {
                out.extend(f.values.iter().map(|&v| divide_i64(v, d, $mode)))
            };
        }
        match mode {
            RoundingMode::HalfUp => each!(RoundingMode::HalfUp),
            RoundingMode::HalfDown => each!(RoundingMode::HalfDown),
            RoundingMode::HalfEven => each!(RoundingMode::HalfEven),
            RoundingMode::Down => each!(RoundingMode::Down),
            RoundingMode::Up => each!(RoundingMode::Up),
            RoundingMode::Floor => each!(RoundingMode::Floor),
            RoundingMode::Ceiling => each!(RoundingMode::Ceiling),
        }
    }
    Some(Col::Fixed(Arc::new(Fixed {
        scale: places,
        values: out,
    })))
}

/// `f` of each member's values of `cols` (a built-in's function over one
/// value, applied member by member where no kernel can): numbers as a
/// column of decimals, anything else as values. `None` if a value is
/// missing or `f` gives none.
pub fn per_value(
    cols: &[Col],
    n: usize,
    mut f: impl FnMut(&[Value]) -> Option<Value>,
) -> Option<Col> {
    let mut args: Vec<Value> = Vec::with_capacity(cols.len());
    let mut out: Vec<Value> = Vec::with_capacity(n);
    for i in 0..n {
        args.clear();
        for c in cols {
            args.push(c.value_at(i)?);
        }
        out.push(f(&args)?);
    }
    if out.iter().all(|v| matches!(v, Value::Number(_))) {
        let numbers = out.iter().filter_map(Value::as_number).collect();
        return Some(Col::Dec(Arc::new(numbers)));
    }
    Some(Col::from_values(out.into_iter().map(Some).collect()))
}

/// Negation of a fixed-point column.
pub fn fixed_neg(a: &Col) -> Option<Col> {
    fixed_map(a, i64::checked_neg)
}

/// `f` of every value of a fixed-point column, at the same scale (the
/// kernel of a built-in such as `abs`).
pub fn fixed_map(a: &Col, f: fn(i64) -> Option<i64>) -> Option<Col> {
    let Col::Fixed(x) = a else { return None };
    let values = x.values.iter().map(|v| f(*v)).collect::<Option<Vec<_>>>()?;
    Some(Col::Fixed(Arc::new(Fixed {
        scale: x.scale,
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
    use crate::semantics::round;

    #[test]
    fn integer_rounding_matches_the_decimal_rounding_in_every_mode() {
        use RoundingMode::*;
        let modes = [HalfUp, HalfDown, HalfEven, Down, Up, Floor, Ceiling];
        // Every value from -3.000 to 3.000 in steps of 0.001, to 0.01: the
        // column kernel against the decimal route, value by value.
        let values: Vec<i64> = (-3000i64..=3000).collect();
        let col = Col::Fixed(Arc::new(Fixed {
            scale: 3,
            values: values.clone(),
        }));
        for mode in modes {
            let Some(Col::Fixed(out)) = fixed_round(&col, Decimal::new(1, 2), mode) else {
                panic!("a fixed column rounds in fixed point");
            };
            assert_eq!(out.scale, 2);
            for (v, r) in values.iter().zip(&out.values) {
                let decimal = round(Decimal::new(*v, 3), Decimal::new(1, 2), mode).unwrap();
                assert_eq!(Decimal::new(*r, 2), decimal, "{v} {mode:?}");
            }
        }
    }
}
