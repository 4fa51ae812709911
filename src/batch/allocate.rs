//! An allocation for every member at once: the same steps as
//! `eval::allocate`, with weights as columns and shares in minor units.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::column::{self, Col};
use super::eval::{ColumnEvaluator, Result};
use super::{BatchAllocation, BatchTranche};

use crate::eval::allocate::{amount_in_minor, failed, from_minor, tranche_taken};
use crate::eval::{apportion, overflow};
use crate::program::{ALLOCATION_MEMBER_SLOT, AllocationDef, REMAINDER_SLOT, TrancheAmount};
use crate::span::Span;
use crate::value::Value;

fn number(col: Col, span: Span) -> Result<Decimal> {
    match col {
        Col::One(Value::Number(d)) => Ok(d),
        _ => Err(crate::eval::internal("a figure for every member", span)),
    }
}

/// Computes allocation `def` for every member.
pub fn allocate(ev: &mut ColumnEvaluator<'_>, def: &AllocationDef) -> Result<BatchAllocation> {
    if def.record_date.is_some() {
        return Err(Box::new(super::not_batchable(
            def.span,
            "an allocation on a record date".into(),
        )));
    }
    let n = ev.members();
    let digits = def.currency.minor_digits();
    let mut frame =
        vec![Col::One(Value::Bool(false)); def.frame_size.max(ALLOCATION_MEMBER_SLOT + 1)];
    let amount = number(ev.eval(&def.amount, &mut frame)?, def.amount.span)?;
    let total = amount_in_minor(amount, def)?;
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
        let taken = tranche_taken(def, i, raw, remaining)?;
        let weights = match (per_member, &t.split) {
            (Some(w), _) => Some(w),
            (None, Some(split)) => {
                frame[ALLOCATION_MEMBER_SLOT] = Col::Rows;
                let w = weights(
                    ev,
                    split.filter.as_ref(),
                    &split.weight,
                    &mut frame,
                    &t.label,
                    n,
                )?;
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
    /// Exact integers at one scale, with which members take part (all of
    /// them if `None`).
    Fixed(Arc<column::Fixed>, Option<Vec<bool>>),
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
            Some(match col {
                Col::Bool(b) => Arc::unwrap_or_clone(b),
                col => (0..n)
                    .map(|i| col.bool_at(i))
                    .collect::<Option<Vec<bool>>>()
                    .ok_or_else(|| crate::eval::internal("a yes/no filter", f.span))?,
            })
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
    let fixed = match &col {
        Col::Fixed(f) => Some(f.clone()),
        _ => column::fixed_scale(&col).and_then(|scale| {
            column::at_scale(&col, scale, n).map(|values| Arc::new(column::Fixed { scale, values }))
        }),
    };
    if let Some(f) = fixed {
        let negative_at = match &mask {
            Some(m) => f.values.iter().zip(m).position(|(w, keep)| *keep && *w < 0),
            None => f.values.iter().position(|w| *w < 0),
        };
        if let Some(m) = negative_at {
            return Err(negative(m));
        }
        return Ok(Weights::Fixed(f, mask));
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
            Weights::Fixed(f, mask) => {
                let total = fixed_sum(&f.values, mask.as_deref())?;
                Decimal::try_from_i128_with_scale(total, f.scale).ok()
            }
            Weights::Dec(w) => w
                .iter()
                .try_fold(Decimal::ZERO, |a, (_, x)| a.checked_add(*x)),
        }
    }

    /// Shares of `total` minor units by largest remainder, for every member
    /// (zero for those not taking part); `None` if nobody can receive them.
    fn apportion(self, total: i128, n: usize) -> Option<Vec<i64>> {
        match self {
            Weights::Fixed(f, mask) => {
                let w = &f.values;
                let sum = fixed_sum(w, mask.as_deref())?;
                if sum <= 0 {
                    return (total == 0).then(|| vec![0; n]);
                }
                // Shares are kept in 64 bits; no real amount comes near.
                i64::try_from(total).ok()?;
                // Remainders (below the sum) must leave 32 bits for the
                // member's place in their sort key.
                if sum >= 1i128 << 95 {
                    return self_dec(w, mask.as_deref(), total, n);
                }
                let largest = match &mask {
                    Some(m) => w.iter().zip(m).filter(|(_, k)| **k).map(|(x, _)| *x).max(),
                    None => w.iter().copied().max(),
                }
                .unwrap_or(0);
                // Products that fit 64 bits divide several times faster
                // than 128-bit ones; the result is the same either way.
                let narrow = u64::try_from(total)
                    .ok()
                    .zip(u64::try_from(sum).ok())
                    .filter(|(t, _)| t.checked_mul(largest as u64).is_some());
                let mask = mask.as_deref();
                if narrow.is_none() && total.checked_mul(largest as i128).is_none() {
                    return self_dec(w, mask, total, n);
                }
                // Each remainder becomes a sort key: the remainder above the
                // member's place in the list, reversed, so that one integer
                // comparison puts larger remainders first and, between equal
                // ones, the member listed first. In 64 bits when the
                // remainders (below the sum) leave room for the place.
                let place_bits = 64 - (n.max(1) as u64).leading_zeros();
                let remainder_bits = 128 - (sum as u128).leading_zeros();
                let (mut shares, winners) = if place_bits + remainder_bits <= 64 {
                    let place_mask = (1u64 << place_bits) - 1;
                    whole_shares_and_winners(
                        w,
                        mask,
                        (total, sum, narrow),
                        |r, i| ((r as u64) << place_bits) | (place_mask - i as u64),
                        |k| (place_mask - (k & place_mask)) as usize,
                    )?
                } else {
                    whole_shares_and_winners(
                        w,
                        mask,
                        (total, sum, narrow),
                        |r, i| (r << 32) | (u32::MAX - i as u32) as u128,
                        |k| (u32::MAX - k as u32) as usize,
                    )?
                };
                for m in winners {
                    shares[m] += 1;
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

fn fixed_sum(w: &[i64], mask: Option<&[bool]>) -> Option<i128> {
    let mut total: i128 = 0;
    match mask {
        Some(m) => {
            for (x, keep) in w.iter().zip(m) {
                if *keep {
                    total = total.checked_add(*x as i128)?;
                }
            }
        }
        None => {
            for x in w {
                total = total.checked_add(*x as i128)?;
            }
        }
    }
    Some(total)
}

/// Each member's whole share and remainder by `divide`: the shares, the
/// total given, and a sort key (`key`) for each member with a remainder.
fn quotients<K>(
    w: &[i64],
    mask: Option<&[bool]>,
    key: impl Fn(u128, usize) -> K,
    divide: impl Fn(i64) -> (i64, u128),
) -> (Vec<i64>, i64, Vec<K>) {
    let mut shares = vec![0i64; w.len()];
    let mut given: i64 = 0;
    let mut keys = Vec::new();
    let mut one = |i: usize, x: i64, shares: &mut [i64]| {
        let (q, r) = divide(x);
        shares[i] = q;
        given += q;
        if r > 0 {
            keys.push(key(r, i));
        }
    };
    match mask {
        Some(m) => {
            for (i, (x, keep)) in w.iter().zip(m).enumerate() {
                if *keep {
                    one(i, *x, &mut shares);
                }
            }
        }
        None => {
            for (i, x) in w.iter().enumerate() {
                one(i, *x, &mut shares);
            }
        }
    }
    (shares, given, keys)
}

/// Each member's whole share, and the members who get a penny more: those
/// with the largest remainders, by their sort keys (`key` makes one from a
/// remainder and a member's place, `place` reads the place back).
fn whole_shares_and_winners<K: Ord + Copy>(
    w: &[i64],
    mask: Option<&[bool]>,
    (total, sum, narrow): (i128, i128, Option<(u64, u64)>),
    key: impl Fn(u128, usize) -> K,
    place: impl Fn(K) -> usize,
) -> Option<(Vec<i64>, Vec<usize>)> {
    let (shares, given, keys) = match narrow {
        Some((total, sum)) => quotients(w, mask, key, |x| {
            let p = total * x as u64;
            ((p / sum) as i64, (p % sum) as u128)
        }),
        None => quotients(w, mask, key, |x| {
            let p = total * x as i128;
            ((p / sum) as i64, (p % sum) as u128)
        }),
    };
    let left = usize::try_from(total - given as i128).ok()?;
    let winners = largest_keys(keys, left)?.into_iter().map(place).collect();
    Some((shares, winners))
}

/// The `left` largest keys: a selection, not a sort, since only they
/// matter. `None` if there are fewer keys than pennies left (which exact
/// division never gives).
fn largest_keys<K: Ord + Copy>(mut keys: Vec<K>, left: usize) -> Option<Vec<K>> {
    if left > keys.len() {
        return None;
    }
    if left > 0 && left < keys.len() {
        keys.select_nth_unstable_by(left - 1, |a, b| b.cmp(a));
    }
    keys.truncate(left);
    Some(keys)
}

/// The decimal route for weights too large for exact integer products.
fn self_dec(w: &[i64], mask: Option<&[bool]>, total: i128, n: usize) -> Option<Vec<i64>> {
    let list: Vec<(u32, Decimal)> = w
        .iter()
        .enumerate()
        .filter(|(i, _)| mask.is_none_or(|m| m[*i]))
        .map(|(i, x)| (i as u32, Decimal::from(*x)))
        .collect();
    Weights::Dec(list).apportion(total, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_evaluator(total: i128, w: &[i64], mask: &[bool], scale: u32) -> Option<Vec<i64>> {
        let list: Vec<(u32, Decimal)> = w
            .iter()
            .zip(mask)
            .enumerate()
            .filter(|(_, (_, k))| **k)
            .map(|(i, (x, _))| (i as u32, Decimal::new(*x, scale)))
            .collect();
        let shares = apportion(total, &list)?;
        let mut out = vec![0i64; w.len()];
        for (m, s) in shares {
            out[m as usize] = s as i64;
        }
        Some(out)
    }

    proptest! {
        /// The batch's shares (64-bit, 128-bit and decimal routes) are the
        /// evaluator's, for small and very large weights alike.
        #[test]
        fn shares_are_the_evaluators(
            total in 0i128..10_000_000_000,
            people in prop::collection::vec((0i64..1_000_000, any::<bool>(), 0u32..4), 1..60),
            huge in any::<bool>(),
        ) {
            let scale = people[0].2;
            let w: Vec<i64> = people
                .iter()
                .map(|(x, _, _)| if huge { x.saturating_mul(1_000_000_000_000) } else { *x })
                .collect();
            let mask: Vec<bool> = people.iter().map(|(_, k, _)| *k).collect();
            let n = w.len();
            let batch = Weights::Fixed(
                Arc::new(column::Fixed { scale, values: w.clone() }),
                Some(mask.clone()),
            )
            .apportion(total, n);
            prop_assert_eq!(batch, by_evaluator(total, &w, &mask, scale));
        }
    }
}
