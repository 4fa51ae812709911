//! An allocation for every member at once: the steps of
//! [`crate::semantics::allocation`] with weights as columns and shares in
//! minor units, by [`crate::semantics::apportion`].

use std::sync::Arc;

use rust_decimal::Decimal;

use super::column::{self, Col};
use super::eval::{ColumnEvaluator, Result};
use super::{BatchAllocation, BatchTranche};

use crate::diagnostic::Diagnostic;
use crate::program::{ALLOCATION_MEMBER_SLOT, AllocationDef, Ir, REMAINDER_SLOT};
use crate::semantics::allocation::{self, Figures, from_minor};
use crate::semantics::apportion::{apportion, apportion_fixed};
use crate::semantics::operators::internal;
use crate::semantics::rounding::{divide_i64, round};
use crate::span::Span;
use crate::syntax::ast::RoundingMode;
use crate::value::Value;

fn number(col: Col, span: Span) -> Result<Decimal> {
    match col {
        Col::One(Value::Number(d)) => Ok(d),
        _ => Err(internal("a figure for every member", span)),
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
    let digits = def.currency.minor_digits();
    let n = ev.members();
    let frame = vec![Col::One(Value::Bool(false)); def.frame_size.max(ALLOCATION_MEMBER_SLOT + 1)];
    let planned = allocation::plan(&mut ColumnFigures { ev, frame, n }, def)?;
    if planned.loss.is_some() || planned.set_off != 0 {
        // A loss's parts and a set-off are booked by a simulation's close,
        // member by member; a batch has no books to charge them to.
        return Err(Box::new(super::not_batchable(
            def.span,
            "a loss charged by an `if a loss` block".into(),
        )));
    }
    Ok(BatchAllocation {
        amount: from_minor(planned.total, digits),
        digits,
        tranches: def
            .tranches
            .iter()
            .zip(planned.tranches)
            .map(|(t, p)| BatchTranche {
                label: t.label.clone(),
                total: from_minor(p.taken, digits),
                shares: p.shares,
                how: p.how,
            })
            .collect(),
    })
}

/// The column executor's figures for an allocation: every member at once.
struct ColumnFigures<'e, 'a> {
    ev: &'e mut ColumnEvaluator<'a>,
    frame: Vec<Col>,
    n: usize,
}

impl Figures for ColumnFigures<'_, '_> {
    type Weights = Weights;
    type Shares = Vec<i64>;

    fn figure(&mut self, ir: &Ir, remainder: Decimal) -> Result<Decimal> {
        self.frame[REMAINDER_SLOT] = Col::One(Value::Number(remainder));
        self.frame[ALLOCATION_MEMBER_SLOT] = Col::One(Value::Bool(false));
        number(self.ev.eval(ir, &mut self.frame)?, ir.span)
    }

    fn per_member(
        &mut self,
        filter: Option<&Ir>,
        value: &Ir,
        remainder: Decimal,
        negative: &dyn Fn(&str) -> Box<Diagnostic>,
    ) -> Result<Weights> {
        self.frame[REMAINDER_SLOT] = Col::One(Value::Number(remainder));
        self.frame[ALLOCATION_MEMBER_SLOT] = Col::Rows;
        let w = weights(self.ev, filter, value, &mut self.frame, negative, self.n);
        self.frame[ALLOCATION_MEMBER_SLOT] = Col::One(Value::Bool(false));
        w
    }

    fn round_each(&self, weights: Weights, digits: u32, mode: RoundingMode) -> Option<Weights> {
        weights.round_each(digits, mode)
    }

    fn sum(&self, weights: &Weights) -> Option<Decimal> {
        weights.sum()
    }

    fn apportion(&self, weights: &Weights, total: i128) -> Option<Vec<i64>> {
        weights.apportion(total, self.n)
    }

    fn balance(&mut self, name: &str) -> Decimal {
        // Allocations with an `if a loss` block close member by member
        // (`period_allocations`); over a register alone, nothing is held.
        self.ev.balance(name)
    }
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
    negative: &dyn Fn(&str) -> Box<Diagnostic>,
    n: usize,
) -> Result<Weights> {
    let mask = match filter {
        Some(f) => {
            let col = ev.eval(f, frame)?;
            let active = ev.active();
            Some(match col {
                Col::Bool(b) => Arc::unwrap_or_clone(b),
                // A person who is not a member takes no part whatever the
                // filter says, and may lack what it reads (an age never
                // given, as their join failed on it): no yes or no is
                // needed of them.
                col => (0..n)
                    .map(|i| match col.bool_at(i) {
                        None if active.is_some_and(|a| !a[i]) => Some(false),
                        b => b,
                    })
                    .collect::<Option<Vec<bool>>>()
                    .ok_or_else(|| internal("a yes/no filter", f.span))?,
            })
        }
        None => None,
    };
    // Only members share: in a simulation, those admitted and not gone.
    let mask = match (mask, ev.active()) {
        (mask, None) => mask,
        (None, Some(active)) => Some(active.to_vec()),
        (Some(mut m), Some(active)) => {
            for (keep, member) in m.iter_mut().zip(active) {
                *keep &= *member;
            }
            Some(m)
        }
    };
    let takes_part = |i: usize| mask.as_ref().is_none_or(|m| m[i]);
    let col = ev.eval(value, frame)?;
    let negative = |m: usize| negative(&format!("`{}`", ev.member_name(m)));
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
                .ok_or_else(|| internal("a number for every member", value.span))?;
            if w < Decimal::ZERO {
                return Err(negative(i));
            }
            out.push((i as u32, w));
        }
    }
    Ok(Weights::Dec(out))
}

impl Weights {
    /// Every weight rounded to `digits` decimal places by `mode`: integers
    /// at a finer scale divided down by [`divide_i64`], decimals by [`round`].
    fn round_each(self, digits: u32, mode: RoundingMode) -> Option<Weights> {
        match self {
            Weights::Fixed(f, mask) if f.scale <= digits => Some(Weights::Fixed(f, mask)),
            Weights::Fixed(f, mask) => {
                let d = 10i64.checked_pow(f.scale - digits)?;
                let values = f.values.iter().map(|v| divide_i64(*v, d, mode)).collect();
                let f = column::Fixed {
                    scale: digits,
                    values,
                };
                Some(Weights::Fixed(Arc::new(f), mask))
            }
            Weights::Dec(w) => {
                let step = Decimal::new(1, digits);
                w.into_iter()
                    .map(|(m, x)| Some((m, round(x, step, mode)?)))
                    .collect::<Option<Vec<_>>>()
                    .map(Weights::Dec)
            }
        }
    }

    fn sum(&self) -> Option<Decimal> {
        match self {
            Weights::Fixed(f, mask) => {
                let total = f
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask.as_ref().is_none_or(|m| m[*i]))
                    .try_fold(0i128, |a, (_, x)| a.checked_add(*x as i128))?;
                Decimal::try_from_i128_with_scale(total, f.scale).ok()
            }
            Weights::Dec(w) => w
                .iter()
                .try_fold(Decimal::ZERO, |a, (_, x)| a.checked_add(*x)),
        }
    }

    /// Shares of `total` minor units by largest remainder, for every member
    /// (zero for those not taking part); `None` if nobody can receive them.
    fn apportion(&self, total: i128, n: usize) -> Option<Vec<i64>> {
        match self {
            Weights::Fixed(f, mask) => apportion_fixed(total, &f.values, mask.as_deref()),
            Weights::Dec(w) => {
                let shares = apportion(total, w)?;
                let mut out = vec![0i64; n];
                for (m, s) in shares {
                    out[m as usize] = i64::try_from(s).ok()?;
                }
                Some(out)
            }
        }
    }
}
