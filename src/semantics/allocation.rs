//! The steps of an allocation, defined once: the amount in minor units,
//! each tranche's figure (a share, a sum, or each member's amount), its
//! floor and cap, its rounding, what remains, the division among members
//! by largest remainder, and every way this can fail.
//!
//! An executor supplies only the figures: the row evaluator computes them
//! member by member ([`crate::eval`]), the column executor for every member
//! at once ([`crate::batch`]). Both run [`plan`], so both give the same
//! tranches, the same shares and the same messages.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::operators::{Result, money_text, overflow};
use super::rounding::round;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{AllocationDef, Ir, TrancheAmount};
use crate::span::Span;
use crate::syntax::ast::RoundingMode;

/// What an executor computes for an allocation.
pub trait Figures {
    /// The members' figures of one tranche: each taking part member's
    /// amount or weight.
    type Weights;
    /// Each member's share of a tranche, in minor units.
    type Shares;

    /// A figure of the whole cooperative (the amount, a percentage, a sum,
    /// a floor, a cap), with `remainder` standing for what is left.
    fn figure(&mut self, ir: &Ir, remainder: Decimal) -> Result<Decimal>;

    /// The figure `value` of each member taking part (`filter`, if any,
    /// holds), with `remainder` standing for what is left. A figure below
    /// zero fails with `negative(member)`.
    fn per_member(
        &mut self,
        filter: Option<&Ir>,
        value: &Ir,
        remainder: Decimal,
        negative: &dyn Fn(&str) -> Box<Diagnostic>,
    ) -> Result<Self::Weights>;

    /// Every weight rounded to a multiple of the minor unit (`digits`
    /// decimal places) by `mode`, through [`super::rounding`]: the members'
    /// own amounts of a tranche under `rounding MODE each`. `None` if a
    /// result cannot be held.
    fn round_each(
        &self,
        weights: Self::Weights,
        digits: u32,
        mode: RoundingMode,
    ) -> Option<Self::Weights>;

    /// The sum of the weights, if it can be held.
    fn sum(&self, weights: &Self::Weights) -> Option<Decimal>;

    /// `total` minor units shared by [`super::apportion`]; `None` if no
    /// member can receive them.
    fn apportion(&self, weights: &Self::Weights, total: i128) -> Option<Self::Shares>;
}

/// What an allocation gave, before an executor shapes it.
pub struct Planned<W, S> {
    /// The amount divided, in minor units.
    pub total: i128,
    /// Each tranche in order.
    pub tranches: Vec<PlannedTranche<W, S>>,
}

/// One tranche, as planned.
pub struct PlannedTranche<W, S> {
    /// What it took, in minor units.
    pub taken: i128,
    /// How its total was reached, in words.
    pub how: String,
    /// The members' weights, for a shared tranche.
    pub weights: Option<W>,
    /// Each member's share, for a shared tranche.
    pub shares: Option<S>,
}

/// Runs allocation `def` over the figures an executor computes.
pub fn plan<F: Figures>(ex: &mut F, def: &AllocationDef) -> Result<Planned<F::Weights, F::Shares>> {
    let digits = def.currency.minor_digits();
    let show = |minor: i128| money_text(from_minor(minor, digits), def.currency);
    let amount = ex.figure(&def.amount, Decimal::ZERO)?;
    let total = amount_in_minor(amount, def)?;
    let mut remaining = total;
    let mut tranches = Vec::with_capacity(def.tranches.len());
    for (i, t) in def.tranches.iter().enumerate() {
        let left = from_minor(remaining, digits);
        let negative_amount = |who: &str| {
            failed(
                match &t.amount {
                    TrancheAmount::EachMember { value, .. } => value.span,
                    _ => t.span,
                },
                format!("{who} would be given a negative amount in \"{}\"", t.label),
                "a member's amount in a tranche must not be negative",
            )
        };
        let mut per_member = None;
        // Under `rounding MODE each`, the members' amounts are already rounded.
        let weights_are_amounts = matches!(t.amount, TrancheAmount::EachMember { .. });
        let mut raw = match &t.amount {
            TrancheAmount::Share(p) => {
                let p = ex.figure(p, left)?;
                amount.checked_mul(p).ok_or_else(|| overflow(t.span))?
            }
            TrancheAmount::Amount(e) => ex.figure(e, left)?,
            TrancheAmount::EachMember { filter, value, .. } => {
                let mut w = ex.per_member(filter.as_ref(), value, left, &negative_amount)?;
                if def.round_each_member {
                    // Each member's amount rounded on its own: the total is
                    // their sum, and sharing it gives each their amount.
                    w = ex
                        .round_each(w, digits, def.mode)
                        .ok_or_else(|| overflow(t.span))?;
                }
                let sum = ex.sum(&w).ok_or_else(|| overflow(t.span))?;
                per_member = Some(w);
                sum
            }
        };
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
            TrancheAmount::Amount(_) => money_text(raw, def.currency),
            TrancheAmount::EachMember { .. } if def.round_each_member => format!(
                "each member's amount rounded {} on its own, {} in all",
                def.mode.as_str(),
                money_text(raw, def.currency)
            ),
            TrancheAmount::EachMember { .. } => format!(
                "each member's amount, {} in all",
                money_text(raw, def.currency)
            ),
        };
        if let Some(floor) = &t.at_least {
            let floor = ex.figure(floor, left)?;
            if floor > raw {
                how.push_str(&format!(
                    ", raised to its floor of {}",
                    money_text(floor, def.currency)
                ));
            }
            raw = raw.max(floor);
        }
        if let Some(cap) = &t.at_most {
            let cap = ex.figure(cap, left)?;
            if cap < raw {
                how.push_str(&format!(", capped at {}", money_text(cap, def.currency)));
                if per_member.is_some() {
                    how.push_str(" and scaled down pro rata");
                }
            }
            raw = raw.min(cap);
        }
        let last_takes_rest = def.last_takes_rest && i + 1 == def.tranches.len();
        let taken = tranche_taken(def, i, raw, remaining)?;
        let weights = match (per_member, &t.split) {
            (Some(w), _) => Some(w),
            (None, Some(split)) => {
                let negative_weight = |who: &str| {
                    failed(
                        split.weight.span,
                        format!("{who} has a negative weight in \"{}\"", t.label),
                        "shares are in proportion to amounts of zero or more",
                    )
                };
                Some(ex.per_member(split.filter.as_ref(), &split.weight, left, &negative_weight)?)
            }
            (None, None) => None,
        };
        let shares = match &weights {
            None => None,
            Some(w) => Some(ex.apportion(w, taken).ok_or_else(|| {
                failed(
                    t.span,
                    format!(
                        "no member has a share of \"{}\" to receive {}",
                        t.label,
                        show(taken)
                    ),
                    "check the filter and the weights: at least one member needs a weight above zero",
                )
            })?),
        };
        remaining -= taken;
        let is_remainder = matches!(&t.amount, TrancheAmount::Amount(e) if e.kind_is_remainder());
        if last_takes_rest {
            how.push_str(", taking what rounding left");
        } else if !(is_remainder || def.round_each_member && weights_are_amounts) {
            how.push_str(&format!(
                ", rounded {} to the minor unit",
                def.mode.as_str()
            ));
        }
        tranches.push(PlannedTranche {
            taken,
            how,
            weights,
            shares,
        });
    }
    if remaining != 0 {
        return Err(failed(
            def.span,
            format!("{} is left unallocated", show(remaining)),
            "make the last tranche take `remainder` without a cap",
        ));
    }
    Ok(Planned { total, tranches })
}

/// An allocation that cannot be made.
pub fn failed(span: Span, message: String, help: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(Code::AllocationFailed, message)
            .at(span, "cannot be allocated")
            .help(help),
    )
}

/// `amount` in minor units, if it has no more digits than they allow.
pub fn to_minor(amount: Decimal, digits: u32) -> Option<i128> {
    let scaled = amount.checked_mul(Decimal::from(10i64.pow(digits)))?;
    if !scaled.fract().is_zero() {
        return None;
    }
    scaled.to_i128()
}

/// An amount of `minor` units of a currency with `digits` minor digits.
pub fn from_minor(minor: i128, digits: u32) -> Decimal {
    // Minor units of any real amount fit a 96-bit mantissa.
    Decimal::try_from_i128_with_scale(minor, digits).unwrap_or(Decimal::MAX)
}

/// The amount to allocate in minor units: a whole number of them, and not
/// negative (a loss is not allocated).
fn amount_in_minor(amount: Decimal, def: &AllocationDef) -> Result<i128> {
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
                money_text(from_minor(total, digits), def.currency)
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
fn tranche_taken(def: &AllocationDef, index: usize, raw: Decimal, remaining: i128) -> Result<i128> {
    let Some(t) = def.tranches.get(index) else {
        return Err(super::operators::internal("unknown tranche", def.span));
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
        let rounded =
            round(raw, Decimal::new(1, digits), def.mode).ok_or_else(|| overflow(t.span))?;
        to_minor(rounded, digits).ok_or_else(|| overflow(t.span))?
    };
    if taken > remaining {
        let show = |minor: i128| money_text(from_minor(minor, digits), def.currency);
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
