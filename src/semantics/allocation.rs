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

    /// What the cooperative's account `name` holds before the close: a
    /// reserve's balance, or the losses carried forward
    /// ([`crate::program::LOSSES_CARRIED_FORWARD`]) not yet set off. Zero
    /// for an account that holds nothing (and in an example, unless given).
    fn balance(&mut self, name: &str) -> Decimal;
}

/// What an allocation gave, before an executor shapes it.
pub struct Planned<W, S> {
    /// The amount divided, in minor units (zero for a loss).
    pub total: i128,
    /// Each tranche in order (each takes nothing from a loss).
    pub tranches: Vec<PlannedTranche<W, S>>,
    /// The losses carried forward set against the amount before it was
    /// divided, in minor units.
    pub set_off: i128,
    /// For a negative amount, how it was charged.
    pub loss: Option<PlannedLoss<W, S>>,
}

/// How a loss was charged, form by form.
pub struct PlannedLoss<W, S> {
    /// The loss, in minor units (above zero).
    pub total: i128,
    /// Each form of the `if a loss` block, in order.
    pub parts: Vec<PlannedLossPart<W, S>>,
}

/// What one form of an `if a loss` block bore.
pub struct PlannedLossPart<W, S> {
    /// What it bore, in minor units.
    pub taken: i128,
    /// How, in words.
    pub how: String,
    /// The members' weights, for a loss charged to members.
    pub weights: Option<W>,
    /// Each member's charge, for a loss charged to members.
    pub shares: Option<S>,
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
    /// Nobody was entitled to the split: the total went to the tranche's
    /// `else to reserve` account.
    pub fell_back: bool,
}

/// Runs allocation `def` over the figures an executor computes.
pub fn plan<F: Figures>(ex: &mut F, def: &AllocationDef) -> Result<Planned<F::Weights, F::Shares>> {
    let digits = def.currency.minor_digits();
    let show = |minor: i128| money_text(from_minor(minor, digits), def.currency);
    let amount = ex.figure(&def.amount, Decimal::ZERO)?;
    let mut total = amount_in_minor(amount, def)?;
    if total < 0 {
        return plan_loss(ex, def, -total);
    }
    // Losses carried forward are set against a surplus first: what is
    // divided is what remains of it.
    let mut set_off = 0;
    let mut amount = amount;
    if def.loss.as_ref().is_some_and(|l| l.carries_forward()) {
        let carried = balance_in_minor(ex, crate::program::LOSSES_CARRIED_FORWARD, digits);
        set_off = carried.min(total);
        if set_off > 0 {
            total -= set_off;
            amount = from_minor(total, digits);
        }
    }
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
        let mut fell_back = false;
        let shares = match &weights {
            None => None,
            Some(w) => match (ex.apportion(w, taken), &t.otherwise) {
                (Some(shares), _) => Some(shares),
                (None, Some(reserve)) => {
                    // Nobody entitled: the tranche says where its money goes.
                    fell_back = true;
                    how.push_str(&format!(
                        ", no member entitled: to the reserve \"{reserve}\""
                    ));
                    None
                }
                (None, None) => {
                    return Err(failed(
                        t.span,
                        format!(
                            "no member has a share of \"{}\" to receive {}",
                            t.label,
                            show(taken)
                        ),
                        "check the filter and the weights, or say where the money goes: `else to reserve \"reserve fund\"`",
                    ));
                }
            },
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
            weights: if fell_back { None } else { weights },
            shares,
            fell_back,
        });
    }
    if remaining != 0 {
        return Err(failed(
            def.span,
            format!("{} is left unallocated", show(remaining)),
            "make the last tranche take `remainder` without a cap",
        ));
    }
    Ok(Planned {
        total,
        tranches,
        set_off,
        loss: None,
    })
}

/// What account `name` holds, in whole minor units (a fraction of one is
/// not there to be charged), never below zero.
fn balance_in_minor<F: Figures>(ex: &mut F, name: &str, digits: u32) -> i128 {
    let held = ex.balance(name).max(Decimal::ZERO);
    let floor = round(held, Decimal::new(1, digits), RoundingMode::Down).unwrap_or(Decimal::ZERO);
    to_minor(floor, digits).unwrap_or(0)
}

/// A loss of `loss` minor units charged by the allocation's `if a loss`
/// block, form by form in the order written: each reserve up to its
/// balance (or its limit), then the members by largest remainder, or the
/// rest carried forward. Every tranche takes nothing. A loss the forms
/// cannot bear in full fails, naming the shortfall.
fn plan_loss<F: Figures>(
    ex: &mut F,
    def: &AllocationDef,
    loss: i128,
) -> Result<Planned<F::Weights, F::Shares>> {
    use crate::program::LossFormDef;
    let digits = def.currency.minor_digits();
    let show = |minor: i128| money_text(from_minor(minor, digits), def.currency);
    let Some(block) = &def.loss else {
        return Err(failed(
            def.amount.span,
            format!("the amount to allocate is negative ({})", show(-loss)),
            "say how a loss is charged: `if a loss { from reserve \"reserve fund\"  to each member m in proportion to m.purchases  carried forward }`",
        ));
    };
    let mut remaining = loss;
    let mut parts = Vec::with_capacity(block.forms.len());
    for form in &block.forms {
        let left = from_minor(remaining, digits);
        let part = match form {
            LossFormDef::Reserve { name, at_most, .. } => {
                let balance = balance_in_minor(ex, name, digits);
                let mut how = format!("from the reserve \"{name}\" (balance {})", show(balance));
                let mut limit = balance;
                if let Some(cap) = at_most {
                    let figure = ex.figure(cap, left)?;
                    let cap_minor = if cap.ty == crate::types::Type::Percent {
                        // A share of the balance, rounded down: never more
                        // than the limit allows.
                        let share = from_minor(balance, digits)
                            .checked_mul(figure)
                            .ok_or_else(|| overflow(cap.span))?;
                        how.push_str(&format!(
                            ", at most {}% of it",
                            (figure * Decimal::ONE_HUNDRED).normalize()
                        ));
                        let down = round(share, Decimal::new(1, digits), RoundingMode::Down)
                            .ok_or_else(|| overflow(cap.span))?;
                        to_minor(down, digits).ok_or_else(|| overflow(cap.span))?
                    } else {
                        how.push_str(&format!(", at most {}", money_text(figure, def.currency)));
                        let down = round(figure, Decimal::new(1, digits), RoundingMode::Down)
                            .ok_or_else(|| overflow(cap.span))?;
                        to_minor(down, digits).ok_or_else(|| overflow(cap.span))?
                    };
                    limit = limit.min(cap_minor.max(0));
                }
                let taken = limit.min(remaining);
                how.push_str(&format!(": {} of {} left", show(taken), show(remaining)));
                PlannedLossPart {
                    taken,
                    how,
                    weights: None,
                    shares: None,
                }
            }
            LossFormDef::Members { split, .. } => {
                let negative_weight = |who: &str| {
                    failed(
                        split.weight.span,
                        format!("{who} has a negative weight in the loss"),
                        "a loss is charged in proportion to amounts of zero or more",
                    )
                };
                let w =
                    ex.per_member(split.filter.as_ref(), &split.weight, left, &negative_weight)?;
                match ex.apportion(&w, remaining) {
                    Some(shares) => PlannedLossPart {
                        taken: remaining,
                        how: format!(
                            "to the members, {} in proportion to their weights by largest remainder, a debt each owes",
                            show(remaining)
                        ),
                        weights: Some(w),
                        shares: Some(shares),
                    },
                    // Nobody to charge: the next form bears it.
                    None => PlannedLossPart {
                        taken: 0,
                        how: "to the members: none has a weight above zero".to_string(),
                        weights: None,
                        shares: None,
                    },
                }
            }
            LossFormDef::CarriedForward { .. } => PlannedLossPart {
                taken: remaining,
                how: format!(
                    "carried forward, {}, to be set against the next surpluses",
                    show(remaining)
                ),
                weights: None,
                shares: None,
            },
        };
        remaining -= part.taken;
        parts.push(part);
    }
    if remaining > 0 {
        return Err(Box::new(
            Diagnostic::error(
                Code::LossShortfall,
                format!(
                    "a loss of {} is more than its forms can bear: {} is left uncharged",
                    show(loss),
                    show(remaining)
                ),
            )
            .at(block.span, format!("{} short", show(remaining)))
            .help("end the `if a loss` block with `carried forward` or `to each member m in proportion to W`, or raise the reserves' limits"),
        ));
    }
    let tranches = def
        .tranches
        .iter()
        .map(|_| PlannedTranche {
            taken: 0,
            how: format!("nothing: a loss of {}", show(loss)),
            weights: None,
            shares: None,
            fell_back: false,
        })
        .collect();
    Ok(Planned {
        total: 0,
        tranches,
        set_off: 0,
        loss: Some(PlannedLoss { total: loss, parts }),
    })
}

/// What of a member's share `amount` of a tranche `credited to m.shares up
/// to CEILING` goes to their shares, when they hold `held`: as much as
/// brings them to the ceiling, and nothing for one who holds it already.
/// The rest of the share is theirs as the tranche's. The one definition
/// the engine books by.
pub fn credited(amount: Decimal, held: Decimal, ceiling: Decimal) -> Decimal {
    amount
        .min((ceiling - held).max(Decimal::ZERO))
        .max(Decimal::ZERO)
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

/// The amount to allocate in minor units: a whole number of them (below
/// zero for a loss, which [`plan_loss`] charges).
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
