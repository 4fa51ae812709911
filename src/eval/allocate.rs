//! Allocation: dividing an amount into tranches, and tranches among
//! members, so that every penny is accounted for.
//!
//! Amounts are carried in integer minor units (pence) once rounded, so the
//! tranches add up to the amount and each member's shares add up to their
//! tranche exactly. Shares use the largest-remainder method: each member
//! first gets their exact share rounded down to the penny; the pennies left
//! go one each to the members with the largest fractions left over; a tie
//! between fractions goes to the member who comes first in the member list.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::{Evaluator, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{ALLOCATION_MEMBER_SLOT, AllocationDef, REMAINDER_SLOT, TrancheAmount};
use crate::span::Span;
use crate::value::Value;

/// What an allocation gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationOutcome {
    /// The amount divided.
    pub amount: Decimal,
    /// Each tranche in order.
    pub tranches: Vec<TrancheOutcome>,
}

/// What one tranche took, and how it was shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrancheOutcome {
    /// The tranche's label.
    pub label: String,
    /// Its total.
    pub total: Decimal,
    /// Each member's share (member index, amount), for shared tranches;
    /// members without a share are left out.
    pub members: Vec<(u32, Decimal)>,
    /// How the total was reached, in words.
    pub how: String,
    /// For a shared tranche: each taking part member's weight, and the
    /// name of what the weight is.
    #[serde(skip)]
    pub weights: Vec<(u32, Decimal)>,
    /// The type of the weights.
    #[serde(skip)]
    pub weight_type: crate::types::Type,
}

impl TrancheOutcome {
    /// A member's share of this tranche (zero if none).
    pub fn member(&self, member: u32) -> Decimal {
        self.members
            .binary_search_by_key(&member, |(m, _)| *m)
            .map_or(Decimal::ZERO, |i| self.members[i].1)
    }
}

pub(crate) fn failed(span: Span, message: String, help: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(Code::AllocationFailed, message)
            .at(span, "cannot be allocated")
            .help(help),
    )
}

/// `amount` in minor units, if it has no more digits than they allow.
pub(crate) fn to_minor(amount: Decimal, digits: u32) -> Option<i128> {
    let scaled = amount.checked_mul(Decimal::from(10i64.pow(digits)))?;
    if !scaled.fract().is_zero() {
        return None;
    }
    scaled.to_i128()
}

pub(crate) fn from_minor(minor: i128, digits: u32) -> Decimal {
    // Minor units of any real amount fit a 96-bit mantissa.
    Decimal::try_from_i128_with_scale(minor, digits).unwrap_or(Decimal::MAX)
}

/// Shares `total` minor units among `weights` (member, weight >= 0) by the
/// largest-remainder method. The shares add up to `total` exactly.
pub fn apportion(total: i128, weights: &[(u32, Decimal)]) -> Option<Vec<(u32, i128)>> {
    if weights.is_empty() {
        return (total == 0).then(Vec::new);
    }
    // Exact path: all weights as integers at one scale, in i128.
    let scale = weights.iter().map(|(_, w)| w.scale()).max().unwrap_or(0);
    let ints: Option<Vec<i128>> = weights
        .iter()
        .map(|(_, w)| {
            let mut w = *w;
            w.rescale(scale);
            (w.scale() == scale).then(|| w.mantissa())
        })
        .collect();
    let sum: Option<i128> = ints
        .as_ref()
        .and_then(|v| v.iter().try_fold(0i128, |acc, x| acc.checked_add(*x)));
    let (mut shares, mut remainders): (Vec<i128>, Vec<i128>) = (Vec::new(), Vec::new());
    let exact = match (&ints, sum) {
        (Some(ints), Some(sum)) if sum > 0 => ints
            .iter()
            .map(|w| {
                let n = total.checked_mul(*w)?;
                Some((n / sum, n % sum))
            })
            .collect::<Option<Vec<_>>>(),
        _ => None,
    };
    match exact {
        Some(parts) => {
            for (q, r) in parts {
                shares.push(q);
                remainders.push(r);
            }
        }
        None => {
            // Weights too large for exact integers: divide in decimals. The
            // shares still add up to the total; only a tie at the 28th digit
            // could go to a different member.
            let sum: Decimal = weights.iter().map(|(_, w)| *w).sum();
            if sum <= Decimal::ZERO {
                return (total == 0).then(|| weights.iter().map(|(m, _)| (*m, 0)).collect());
            }
            let total_d = Decimal::from_i128_with_scale(total, 0);
            for (_, w) in weights {
                let exact = total_d.checked_mul(*w)?.checked_div(sum)?;
                let floor = exact.floor();
                shares.push(floor.to_i128()?);
                // Remainders in units of 10^-18 keep the order of fractions.
                remainders.push(
                    ((exact - floor) * Decimal::from(1_000_000_000_000_000_000i64)).to_i128()?,
                );
            }
        }
    }
    let given: i128 = shares.iter().sum();
    let mut left = total - given;
    if left < 0 || left > shares.len() as i128 {
        return None;
    }
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    for &i in &order {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    Some(weights.iter().map(|(m, _)| *m).zip(shares).collect())
}

/// The amount to allocate in minor units: a whole number of them, and not
/// negative (a loss is not allocated).
pub(crate) fn amount_in_minor(amount: Decimal, def: &AllocationDef) -> Result<i128> {
    let digits = def.currency.minor_digits();
    let Some(total) = to_minor(amount, digits) else {
        return Err(failed(
            def.amount.span,
            format!(
                "the amount to allocate, {amount}, has more digits than the currency's smallest unit"
            ),
            "round the amount before allocating it",
        ));
    };
    if total < 0 {
        return Err(failed(
            def.amount.span,
            format!(
                "the amount to allocate is negative ({})",
                super::money_text(from_minor(total, digits), def.currency)
            ),
            "only a surplus can be allocated; treat a loss with its own rules",
        ));
    }
    Ok(total)
}

/// What tranche `index` of `def` takes in minor units, given its amount
/// after floor and cap (`raw`) and what `remaining` of the whole: rounded by
/// the allocation's mode, or all that is left for a last tranche that takes
/// the rest; never negative and never more than remains.
pub(crate) fn tranche_taken(
    def: &AllocationDef,
    index: usize,
    raw: Decimal,
    remaining: i128,
) -> Result<i128> {
    let Some(t) = def.tranches.get(index) else {
        return Err(super::internal("unknown tranche", def.span));
    };
    let digits = def.currency.minor_digits();
    if raw < Decimal::ZERO {
        return Err(failed(
            t.span,
            format!("the tranche \"{}\" comes to a negative amount", t.label),
            "a tranche takes nothing or more; check its formula and its floor",
        ));
    }
    let taken = if def.last_takes_rest && index + 1 == def.tranches.len() {
        remaining
    } else {
        let rounded = super::round(raw, Decimal::new(1, digits), def.mode)
            .ok_or_else(|| super::overflow(t.span))?;
        to_minor(rounded, digits).ok_or_else(|| super::overflow(t.span))?
    };
    if taken > remaining {
        let show = |minor: i128| super::money_text(from_minor(minor, digits), def.currency);
        return Err(failed(
            t.span,
            format!(
                "the tranche \"{}\" needs {} but only {} remains",
                t.label,
                show(taken),
                show(remaining)
            ),
            "cap the tranche with `at most remainder`, or lower the tranches before it",
        ));
    }
    Ok(taken)
}

impl Evaluator<'_> {
    /// The outcome of allocation `index` (computed once per evaluator).
    pub fn allocation(&mut self, index: usize) -> Result<std::sync::Arc<AllocationOutcome>> {
        if let Some(Some(done)) = self.allocation_memo.get(index) {
            return Ok(done.clone());
        }
        let program = self.program;
        let def = program
            .allocations
            .get(index)
            .ok_or_else(|| super::internal("unknown allocation", Span::default()))?;
        let outcome = std::sync::Arc::new(
            self.with_roll(def.record_date.as_ref(), |ev| ev.run_allocation(def))?,
        );
        if self.allocation_memo.len() <= index {
            self.allocation_memo
                .resize(self.program.allocations.len().max(index + 1), None);
        }
        if let Some(slot) = self.allocation_memo.get_mut(index) {
            *slot = Some(outcome.clone());
        }
        Ok(outcome)
    }

    fn run_allocation(&mut self, def: &AllocationDef) -> Result<AllocationOutcome> {
        let digits = def.currency.minor_digits();
        let mut frame = vec![Value::Bool(false); def.frame_size.max(ALLOCATION_MEMBER_SLOT + 1)];
        let amount = self.number(&def.amount, &mut frame)?;
        let show = |minor: i128| super::money_text(from_minor(minor, digits), def.currency);
        let total = amount_in_minor(amount, def)?;
        let mut remaining = total;
        let mut tranches = Vec::with_capacity(def.tranches.len());
        let members = self.inputs.member_count() as u32;
        for (i, t) in def.tranches.iter().enumerate() {
            frame[REMAINDER_SLOT] = Value::Number(from_minor(remaining, digits));
            let mut per_member: Option<Vec<(u32, Decimal)>> = None;
            let mut raw = match &t.amount {
                TrancheAmount::Share(p) => {
                    let p = self.number(p, &mut frame)?;
                    amount
                        .checked_mul(p)
                        .ok_or_else(|| super::overflow(t.span))?
                }
                TrancheAmount::Amount(e) => self.number(e, &mut frame)?,
                TrancheAmount::EachMember { filter, value } => {
                    let mut list = Vec::new();
                    let mut sum = Decimal::ZERO;
                    for m in 0..members {
                        if !self.counts(m as usize) {
                            continue;
                        }
                        frame[ALLOCATION_MEMBER_SLOT] = Value::Member(m);
                        if let Some(f) = filter {
                            if !self.boolean(f, &mut frame)? {
                                continue;
                            }
                        }
                        let v = self.number(value, &mut frame)?;
                        if v < Decimal::ZERO {
                            return Err(failed(
                                value.span,
                                format!(
                                    "{} would be given a negative amount in \"{}\"",
                                    self.member_name(m),
                                    t.label
                                ),
                                "a member's amount in a tranche must not be negative",
                            ));
                        }
                        sum = sum.checked_add(v).ok_or_else(|| super::overflow(t.span))?;
                        list.push((m, v));
                    }
                    per_member = Some(list);
                    sum
                }
            };
            let asked = raw;
            let mut how = match &t.amount {
                TrancheAmount::Share(_) => {
                    let p = if amount.is_zero() {
                        Decimal::ZERO
                    } else {
                        raw / amount
                    };
                    format!(
                        "{}% of {}",
                        (p * Decimal::ONE_HUNDRED).normalize(),
                        show(total)
                    )
                }
                TrancheAmount::Amount(e) if e.kind_is_remainder() => "what remained".to_string(),
                TrancheAmount::Amount(_) => super::money_text(raw, def.currency),
                TrancheAmount::EachMember { .. } => format!(
                    "each member's amount, {} in all",
                    super::money_text(raw, def.currency)
                ),
            };
            if let Some(floor) = &t.at_least {
                let floor = self.number(floor, &mut frame)?;
                if floor > raw {
                    how.push_str(&format!(
                        ", raised to its floor of {}",
                        super::money_text(floor, def.currency)
                    ));
                }
                raw = raw.max(floor);
            }
            if let Some(cap) = &t.at_most {
                let cap = self.number(cap, &mut frame)?;
                if cap < raw {
                    how.push_str(&format!(
                        ", capped at {}",
                        super::money_text(cap, def.currency)
                    ));
                    if per_member.is_some() {
                        how.push_str(" and scaled down pro rata");
                    }
                }
                raw = raw.min(cap);
            }
            let _ = asked;
            let last_takes_rest = def.last_takes_rest && i + 1 == def.tranches.len();
            let taken = tranche_taken(def, i, raw, remaining)?;
            let weights = match (&per_member, &t.split) {
                (Some(list), _) => Some(list.clone()),
                (None, Some(split)) => {
                    let mut list = Vec::new();
                    for m in 0..members {
                        if !self.counts(m as usize) {
                            continue;
                        }
                        frame[ALLOCATION_MEMBER_SLOT] = Value::Member(m);
                        if let Some(f) = &split.filter {
                            if !self.boolean(f, &mut frame)? {
                                continue;
                            }
                        }
                        let w = self.number(&split.weight, &mut frame)?;
                        if w < Decimal::ZERO {
                            return Err(failed(
                                split.weight.span,
                                format!(
                                    "{} has a negative weight in \"{}\"",
                                    self.member_name(m),
                                    t.label
                                ),
                                "shares are in proportion to amounts of zero or more",
                            ));
                        }
                        list.push((m, w));
                    }
                    Some(list)
                }
                (None, None) => None,
            };
            let kept_weights = weights.clone().unwrap_or_default();
            let shares = match weights {
                None => Vec::new(),
                Some(w) => {
                    let Some(shares) = apportion(taken, &w) else {
                        return Err(failed(
                            t.span,
                            format!(
                                "no member has a share of \"{}\" to receive {}",
                                t.label,
                                show(taken)
                            ),
                            "check the filter and the weights: at least one member needs a weight above zero",
                        ));
                    };
                    shares
                        .into_iter()
                        .filter(|(_, s)| *s != 0)
                        .map(|(m, s)| (m, from_minor(s, digits)))
                        .collect()
                }
            };
            remaining -= taken;
            let is_remainder =
                matches!(&t.amount, TrancheAmount::Amount(e) if e.kind_is_remainder());
            if last_takes_rest {
                how.push_str(", taking what rounding left");
            } else if !is_remainder {
                how.push_str(&format!(
                    ", rounded {} to the minor unit",
                    def.mode.as_str()
                ));
            }
            let weight_type = match (&t.amount, &t.split) {
                (TrancheAmount::EachMember { value, .. }, _) => value.ty,
                (_, Some(split)) => split.weight.ty,
                _ => crate::types::Type::Decimal,
            };
            tranches.push(TrancheOutcome {
                label: t.label.clone(),
                total: from_minor(taken, digits),
                members: shares,
                how,
                weights: kept_weights,
                weight_type,
            });
        }
        if remaining != 0 {
            return Err(failed(
                def.span,
                format!("{} is left unallocated", show(remaining)),
                "make the last tranche take `remainder` without a cap",
            ));
        }
        Ok(AllocationOutcome {
            amount: from_minor(total, digits),
            tranches,
        })
    }

    /// The steps that explain a tranche's total or a member's share of it.
    pub(super) fn allocation_facts(
        &self,
        allocation: usize,
        outcome: &AllocationOutcome,
        tranche: usize,
        member: Option<u32>,
        span: Span,
    ) -> Vec<crate::eval::TraceNode> {
        use crate::eval::TraceNode;
        let Some(def) = self.program.allocations.get(allocation) else {
            return Vec::new();
        };
        let money = crate::types::Type::Money(def.currency);
        let Some(t) = outcome.tranches.get(tranche) else {
            return Vec::new();
        };
        let earlier: Vec<String> = outcome.tranches[..tranche]
            .iter()
            .map(|e| {
                format!(
                    "\"{}\" {}",
                    e.label,
                    super::money_text(e.total, def.currency)
                )
            })
            .collect();
        let mut facts = Vec::new();
        let mut tranche_text = format!("the tranche \"{}\": {}", t.label, t.how);
        if !earlier.is_empty() {
            tranche_text.push_str(&format!(" (after {})", earlier.join(", ")));
        }
        facts.push(TraceNode::fact(
            tranche_text,
            Some(Value::Number(t.total)),
            money,
            span,
        ));
        if let Some(m) = member {
            let share = t.member(m);
            let text = match t.weights.iter().find(|(w, _)| *w == m) {
                Some((_, weight)) => {
                    let all: Decimal = t.weights.iter().map(|(_, w)| *w).sum();
                    let shown = |d: Decimal| match t.weight_type {
                        crate::types::Type::Money(c) => super::money_text(d, c),
                        crate::types::Type::Percent => {
                            format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
                        }
                        _ => d.normalize().to_string(),
                    };
                    format!(
                        "{}'s share of {}: in proportion to {} of {}, to the minor unit by largest remainder",
                        self.member_name(m).trim_matches('`'),
                        super::money_text(t.total, def.currency),
                        shown(*weight),
                        shown(all)
                    )
                }
                None => format!(
                    "{} has no share of this tranche",
                    self.member_name(m).trim_matches('`')
                ),
            };
            facts.push(TraceNode::fact(
                text,
                Some(Value::Number(share)),
                money,
                span,
            ));
        }
        facts
    }

    pub(super) fn member_name(&self, m: u32) -> String {
        self.inputs
            .member_names
            .get(m as usize)
            .map_or_else(|| format!("member {m}"), |n| format!("`{n}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn a_three_way_tie_goes_to_the_first_members() {
        // £1.00 among three equal weights: 33p each, one penny left; the
        // three remainders tie, so the first member gets it.
        let shares = apportion(100, &[(0, d(1)), (1, d(1)), (2, d(1))]).unwrap();
        assert_eq!(shares, vec![(0, 34), (1, 33), (2, 33)]);
        // £0.02: the first two.
        let shares = apportion(2, &[(0, d(5)), (1, d(5)), (2, d(5))]).unwrap();
        assert_eq!(shares, vec![(0, 1), (1, 1), (2, 0)]);
    }

    #[test]
    fn largest_remainders_get_the_pennies() {
        // £10.00 by weights 1, 2, 4: exact 142.857, 285.714, 571.428 pence.
        // Floors 142 + 285 + 571 = 998; remainders .857 > .714 > .428, so
        // the first two get a penny each.
        let shares = apportion(1000, &[(0, d(1)), (1, d(2)), (2, d(4))]).unwrap();
        assert_eq!(shares, vec![(0, 143), (1, 286), (2, 571)]);
    }

    #[test]
    fn nobody_to_share_with() {
        assert_eq!(apportion(5, &[]), None);
        assert_eq!(apportion(0, &[]), Some(vec![]));
        assert_eq!(apportion(5, &[(0, d(0))]), None);
    }
}
