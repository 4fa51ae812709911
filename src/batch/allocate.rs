//! An allocation for every member at once: the same steps as
//! `eval::allocate`, with weights as columns and shares in minor units.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::column::{self, Col};
use super::eval::{ColumnEvaluator, Result};
use super::{BatchAllocation, BatchTranche};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{apportion, round};
use crate::program::{ALLOCATION_MEMBER_SLOT, AllocationDef, REMAINDER_SLOT, TrancheAmount};
use crate::span::Span;
use crate::value::Value;

fn failed(span: Span, message: String, help: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(Code::AllocationFailed, message)
            .at(span, "cannot be allocated")
            .help(help),
    )
}

fn overflow(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(Code::Overflow, "the result is too large to represent exactly")
            .at(span, "overflows")
            .help("check the figures for a mistake of magnitude"),
    )
}

fn to_minor(amount: Decimal, digits: u32) -> Option<i128> {
    let scaled = amount.checked_mul(Decimal::from(10i64.pow(digits)))?;
    if !scaled.fract().is_zero() {
        return None;
    }
    scaled.to_i128()
}

fn from_minor(minor: i128, digits: u32) -> Decimal {
    Decimal::try_from_i128_with_scale(minor, digits).unwrap_or(Decimal::MAX)
}

fn number(col: Col, span: Span) -> Result<Decimal> {
    match col {
        Col::One(Value::Number(d)) => Ok(d),
        _ => Err(crate::eval::internal("a figure for every member", span)),
    }
}

/// Computes allocation `def` for every member.
pub fn allocate(ev: &mut ColumnEvaluator<'_>, def: &AllocationDef) -> Result<BatchAllocation> {
    if def.record_date.is_some() {
        return Err(Box::new(
            super::not_batchable(def.span, "an allocation on a record date".into()),
        ));
    }
    let n = ev.members();
    let digits = def.currency.minor_digits();
    let unit = Decimal::new(1, digits);
    let mut frame = vec![Col::One(Value::Bool(false)); def.frame_size.max(ALLOCATION_MEMBER_SLOT + 1)];
    let amount = number(ev.eval(&def.amount, &mut frame)?, def.amount.span)?;
    let Some(total) = to_minor(amount, digits) else {
        return Err(failed(
            def.amount.span,
            format!("the amount to allocate, {amount}, has more digits than the currency's smallest unit"),
            "round the amount before allocating it",
        ));
    };
    if total < 0 {
        return Err(failed(
            def.amount.span,
            format!("the amount to allocate is negative ({})", from_minor(total, digits)),
            "only a surplus can be allocated; treat a loss with its own rules",
        ));
    }
    let mut remaining = total;
    let mut tranches = Vec::with_capacity(def.tranches.len());
    for (i, t) in def.tranches.iter().enumerate() {
        frame[REMAINDER_SLOT] = Col::One(Value::Number(from_minor(remaining, digits)));
        frame[ALLOCATION_MEMBER_SLOT] = Col::One(Value::Bool(false));
        // Each member's own amount, for a tranche of per-member amounts.
        let mut per_member: Option<Weights> = None;
        let mut raw = match &t.amount {
            TrancheAmount::Share(p) => {
                let p = number(ev.eval(p, &mut frame)?, p.span)?;
                amount.checked_mul(p).ok_or_else(|| overflow(t.span))?
            }
            TrancheAmount::Amount(e) => number(ev.eval(e, &mut frame)?, e.span)?,
            TrancheAmount::EachMember { filter, value } => {
                frame[ALLOCATION_MEMBER_SLOT] = Col::Rows;
                let w = weights(ev, filter.as_ref(), value, &mut frame, &t.label, n)?;
                let sum = w.sum().ok_or_else(|| overflow(t.span))?;
                per_member = Some(w);
                sum
            }
        };
        frame[ALLOCATION_MEMBER_SLOT] = Col::One(Value::Bool(false));
        if let Some(floor) = &t.at_least {
            let floor = number(ev.eval(floor, &mut frame)?, floor.span)?;
            raw = raw.max(floor);
        }
        if let Some(cap) = &t.at_most {
            let cap = number(ev.eval(cap, &mut frame)?, cap.span)?;
            raw = raw.min(cap);
        }
        if raw < Decimal::ZERO {
            return Err(failed(
                t.span,
                format!("the tranche \"{}\" comes to a negative amount", t.label),
                "a tranche takes nothing or more; check its formula and its floor",
            ));
        }
        let last_takes_rest = def.last_takes_rest && i + 1 == def.tranches.len();
        let taken = if last_takes_rest {
            remaining
        } else {
            let rounded = round(raw, unit, def.mode).ok_or_else(|| overflow(t.span))?;
            to_minor(rounded, digits).ok_or_else(|| overflow(t.span))?
        };
        if taken > remaining {
            return Err(failed(
                t.span,
                format!(
                    "the tranche \"{}\" needs {} but only {} remains",
                    t.label,
                    from_minor(taken, digits),
                    from_minor(remaining, digits)
                ),
                "cap the tranche with `at most remainder`, or lower the tranches before it",
            ));
        }
        let weights = match (per_member, &t.split) {
            (Some(w), _) => Some(w),
            (None, Some(split)) => {
                frame[ALLOCATION_MEMBER_SLOT] = Col::Rows;
                let w = weights(ev, split.filter.as_ref(), &split.weight, &mut frame, &t.label, n)?;
                frame[ALLOCATION_MEMBER_SLOT] = Col::One(Value::Bool(false));
                Some(w)
            }
            (None, None) => None,
        };
        let shares = match weights {
            None => None,
            Some(w) => Some(w.apportion(taken, n).ok_or_else(|| {
                failed(
                    t.span,
                    format!(
                        "no member has a share of \"{}\" to receive {}",
                        t.label,
                        from_minor(taken, digits)
                    ),
                    "check the filter and the weights: at least one member needs a weight above zero",
                )
            })?),
        };
        remaining -= taken;
        tranches.push(BatchTranche {
            label: t.label.clone(),
            total: from_minor(taken, digits),
            shares,
        });
    }
    if remaining != 0 {
        return Err(failed(
            def.span,
            format!("{} is left unallocated", from_minor(remaining, digits)),
            "make the last tranche take `remainder` without a cap",
        ));
    }
    Ok(BatchAllocation {
        amount: from_minor(total, digits),
        digits,
        tranches,
    })
}

/// The weights of the members taking part in a tranche.
enum Weights {
    /// Exact integers at one scale; `None` for members not taking part.
    Fixed(Vec<Option<i64>>, u32),
    /// Decimals, for weights that need them: (member, weight).
    Dec(Vec<(u32, Decimal)>),
}

fn weights(
    ev: &mut ColumnEvaluator<'_>,
    filter: Option<&crate::program::Ir>,
    value: &crate::program::Ir,
    frame: &mut Vec<Col>,
    label: &str,
    n: usize,
) -> Result<Weights> {
    let mask = match filter {
        Some(f) => {
            let col = ev.eval(f, frame)?;
            Some(
                (0..n)
                    .map(|i| col.bool_at(i))
                    .collect::<Option<Vec<bool>>>()
                    .ok_or_else(|| crate::eval::internal("a yes/no filter", f.span))?,
            )
        }
        None => None,
    };
    let takes_part = |i: usize| mask.as_ref().is_none_or(|m| m[i]);
    let col = ev.eval(value, frame)?;
    let negative = |m: usize| {
        failed(
            value.span,
            format!("member {} has a negative weight in \"{label}\"", m + 1),
            "shares are in proportion to amounts of zero or more",
        )
    };
    if let Some(scale) = column::fixed_scale(&col) {
        if let Some(ints) = column::at_scale(&col, scale, n) {
            let mut out = Vec::with_capacity(n);
            for (i, w) in ints.into_iter().enumerate() {
                if takes_part(i) {
                    if w < 0 {
                        return Err(negative(i));
                    }
                    out.push(Some(w));
                } else {
                    out.push(None);
                }
            }
            return Ok(Weights::Fixed(out, scale));
        }
    }
    let mut out = Vec::new();
    for i in 0..n {
        if takes_part(i) {
            let w = col
                .decimal_at(i)
                .ok_or_else(|| crate::eval::internal("a number for every member", value.span))?;
            if w < Decimal::ZERO {
                return Err(negative(i));
            }
            out.push((i as u32, w));
        }
    }
    Ok(Weights::Dec(out))
}

impl Weights {
    fn sum(&self) -> Option<Decimal> {
        match self {
            Weights::Fixed(w, scale) => {
                let total = w.iter().flatten().try_fold(0i128, |a, x| a.checked_add(*x as i128))?;
                Decimal::try_from_i128_with_scale(total, *scale).ok()
            }
            Weights::Dec(w) => w.iter().try_fold(Decimal::ZERO, |a, (_, x)| a.checked_add(*x)),
        }
    }

    /// Shares of `total` minor units by largest remainder, for every member
    /// (zero for those not taking part); `None` if nobody can receive them.
    fn apportion(self, total: i128, n: usize) -> Option<Vec<i64>> {
        match self {
            Weights::Fixed(w, _) => {
                let sum: i128 = w.iter().flatten().map(|x| *x as i128).sum();
                if sum <= 0 {
                    return (total == 0).then(|| vec![0; n]);
                }
                let mut shares = vec![0i64; n];
                let mut remainders: Vec<(i128, u32)> = Vec::new();
                let mut given: i128 = 0;
                for (i, x) in w.iter().enumerate() {
                    let Some(x) = x else { continue };
                    let Some(product) = total.checked_mul(*x as i128) else {
                        return self_dec(w, total, n);
                    };
                    let (q, r) = (product / sum, product % sum);
                    shares[i] = i64::try_from(q).ok()?;
                    given += q;
                    if r > 0 {
                        remainders.push((r, i as u32));
                    }
                }
                let left = usize::try_from(total - given).ok()?;
                if left > remainders.len() {
                    return None;
                }
                // The `left` largest remainders, ties to the member listed
                // first: a selection, not a sort, since only they matter.
                let order = |a: &(i128, u32), b: &(i128, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
                if left > 0 && left < remainders.len() {
                    remainders.select_nth_unstable_by(left - 1, order);
                }
                for (_, i) in remainders.iter().take(left) {
                    shares[*i as usize] += 1;
                }
                Some(shares)
            }
            Weights::Dec(w) => {
                let shares = apportion(total, &w)?;
                let mut out = vec![0i64; n];
                for (m, s) in shares {
                    out[m as usize] = i64::try_from(s).ok()?;
                }
                Some(out)
            }
        }
    }
}

/// The decimal route for weights too large for exact integer products.
fn self_dec(w: Vec<Option<i64>>, total: i128, n: usize) -> Option<Vec<i64>> {
    let list: Vec<(u32, Decimal)> = w
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.map(|x| (i as u32, Decimal::from(x))))
        .collect();
    Weights::Dec(list).apportion(total, n)
}
