//! Allocation by the row evaluator: the figures of [`crate::semantics::allocation`]'s
//! steps computed member by member, and the outcome kept with each
//! member's weight for explanations. The steps themselves, and the
//! largest-remainder rule, are defined in [`crate::semantics`].

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Evaluator, Result};
use crate::diagnostic::Diagnostic;
use crate::program::{ALLOCATION_MEMBER_SLOT, AllocationDef, Ir, REMAINDER_SLOT, TrancheAmount};
use crate::semantics::allocation::{self, Figures, from_minor};
use crate::semantics::apportion;
use crate::semantics::rounding::round;
use crate::span::Span;
use crate::syntax::ast::RoundingMode;
use crate::value::Value;

/// What an allocation gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationOutcome {
    /// The amount divided.
    pub amount: Decimal,
    /// Each tranche in order.
    pub tranches: Vec<TrancheOutcome>,
    /// The losses carried forward set against the amount before it was
    /// divided.
    #[serde(skip_serializing_if = "Decimal::is_zero")]
    pub set_off: Decimal,
    /// For a loss: how it was charged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss: Option<LossOutcome>,
}

/// How a loss was charged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LossOutcome {
    /// The loss (above zero).
    pub total: Decimal,
    /// Each form of the `if a loss` block, in order.
    pub parts: Vec<LossPartOutcome>,
}

/// What one form of an `if a loss` block bore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LossPartOutcome {
    /// The account it was charged to: a reserve, each member's
    /// [`crate::program::LOSS_CHARGED`], or
    /// [`crate::program::LOSSES_CARRIED_FORWARD`].
    pub account: String,
    /// What it bore.
    pub total: Decimal,
    /// Each member's charge (member index, amount), for a loss charged to
    /// members; members charged nothing are left out.
    pub members: Vec<(u32, Decimal)>,
    /// How, in words.
    pub how: String,
}

/// The accounts of a loss block's forms, in order.
pub fn loss_accounts(def: &AllocationDef) -> Vec<String> {
    use crate::program::{LOSS_CHARGED, LOSSES_CARRIED_FORWARD, LossFormDef};
    def.loss
        .iter()
        .flat_map(|l| l.forms.iter())
        .map(|f| match f {
            LossFormDef::Reserve { name, .. } => name.clone(),
            LossFormDef::Members { .. } => LOSS_CHARGED.to_string(),
            LossFormDef::CarriedForward { .. } => LOSSES_CARRIED_FORWARD.to_string(),
        })
        .collect()
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

/// The row evaluator's figures for an allocation: one member at a time.
struct RowFigures<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
    frame: Vec<Value>,
}

impl Figures for RowFigures<'_, '_> {
    type Weights = Vec<(u32, Decimal)>;
    type Shares = Vec<(u32, i128)>;

    fn figure(&mut self, ir: &Ir, remainder: Decimal) -> Result<Decimal> {
        self.frame[REMAINDER_SLOT] = Value::Number(remainder);
        self.ev.number(ir, &mut self.frame)
    }

    fn per_member(
        &mut self,
        filter: Option<&Ir>,
        value: &Ir,
        remainder: Decimal,
        negative: &dyn Fn(&str) -> Box<Diagnostic>,
    ) -> Result<Self::Weights> {
        self.frame[REMAINDER_SLOT] = Value::Number(remainder);
        let mut list = Vec::new();
        for m in 0..self.ev.inputs.member_count() as u32 {
            if !self.ev.counts(m as usize) {
                continue;
            }
            self.frame[ALLOCATION_MEMBER_SLOT] = Value::Member(m);
            if let Some(f) = filter {
                if !self.ev.boolean(f, &mut self.frame)? {
                    continue;
                }
            }
            let v = self.ev.number(value, &mut self.frame)?;
            if v < Decimal::ZERO {
                return Err(negative(&self.ev.member_name(m)));
            }
            list.push((m, v));
        }
        Ok(list)
    }

    fn round_each(
        &self,
        weights: Self::Weights,
        digits: u32,
        mode: RoundingMode,
    ) -> Option<Self::Weights> {
        let step = Decimal::new(1, digits);
        weights
            .into_iter()
            .map(|(m, w)| Some((m, round(w, step, mode)?)))
            .collect()
    }

    fn sum(&self, weights: &Self::Weights) -> Option<Decimal> {
        weights
            .iter()
            .try_fold(Decimal::ZERO, |a, (_, w)| a.checked_add(*w))
    }

    fn apportion(&self, weights: &Self::Weights, total: i128) -> Option<Self::Shares> {
        apportion(total, weights)
    }

    fn balance(&mut self, name: &str) -> Decimal {
        self.ev
            .inputs
            .balances
            .get(name)
            .copied()
            .unwrap_or(Decimal::ZERO)
    }
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
        let frame = vec![Value::Bool(false); def.frame_size.max(ALLOCATION_MEMBER_SLOT + 1)];
        let planned = allocation::plan(&mut RowFigures { ev: self, frame }, def)?;
        let tranches = def
            .tranches
            .iter()
            .zip(planned.tranches)
            .map(|(t, p)| TrancheOutcome {
                label: t.label.clone(),
                total: from_minor(p.taken, digits),
                members: members_of(p.shares, digits),
                how: p.how,
                weights: p.weights.unwrap_or_default(),
                weight_type: match (&t.amount, &t.split) {
                    (TrancheAmount::EachMember { value, .. }, _) => value.ty,
                    (_, Some(split)) => split.weight.ty,
                    _ => crate::types::Type::Decimal,
                },
            })
            .collect();
        let loss = planned.loss.map(|l| LossOutcome {
            total: from_minor(l.total, digits),
            parts: loss_accounts(def)
                .into_iter()
                .zip(l.parts)
                .map(|(account, p)| LossPartOutcome {
                    account,
                    total: from_minor(p.taken, digits),
                    members: members_of(p.shares, digits),
                    how: p.how,
                })
                .collect(),
        });
        Ok(AllocationOutcome {
            amount: from_minor(planned.total, digits),
            tranches,
            set_off: from_minor(planned.set_off, digits),
            loss,
        })
    }

    /// The steps that explain a tranche's total or a member's share of it.
    pub(super) fn allocation_facts(
        &mut self,
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
                        crate::types::Type::Percent => crate::value::percent_display(d),
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
                None => {
                    let who = self.member_name(m).trim_matches('`').to_string();
                    let (text, why, var) = self.why_no_share(def, tranche, m, &who);
                    let mut node = TraceNode::fact(text, Some(Value::Number(share)), money, span);
                    node.children = why;
                    node.binds = var.map(|v| (v, m)).into_iter().collect();
                    facts.push(node);
                    return facts;
                }
            };
            facts.push(TraceNode::fact(
                text,
                Some(Value::Number(share)),
                money,
                span,
            ));
            // A share credited to the member's shares up to a ceiling: how
            // much of it, from what they hold as the period closes.
            if let Some(c) = def.tranches.get(tranche).and_then(|d| d.credited.as_ref()) {
                if let Ok((ceiling, held)) = self.credit_terms(c, def.frame_size, m) {
                    let credited = crate::semantics::allocation::credited(share, held, ceiling);
                    let attr = &self.program.member_attrs[c.attr].name;
                    facts.push(TraceNode::fact(
                        format!(
                            "credited to {attr} up to {} (held {}): {} to {attr}, booked to \"{}\", and {} paid",
                            super::money_text(ceiling, def.currency),
                            super::money_text(held, def.currency),
                            super::money_text(credited, def.currency),
                            c.account,
                            super::money_text(share - credited, def.currency)
                        ),
                        Some(Value::Number(credited)),
                        money,
                        span,
                    ));
                }
            }
        }
        facts
    }

    /// For a tranche credited to members' shares: member `m`'s ceiling and
    /// what they hold of the attribute credited (nothing, if no value).
    /// What the engine books at a close and what an explanation says are
    /// both worked from these.
    pub fn credit_terms(
        &mut self,
        c: &crate::program::CreditedDef,
        frame_size: usize,
        m: u32,
    ) -> Result<(Decimal, Decimal)> {
        let mut frame = vec![Value::Bool(false); frame_size.max(ALLOCATION_MEMBER_SLOT + 1)];
        frame[ALLOCATION_MEMBER_SLOT] = Value::Member(m);
        let ceiling = self
            .eval(&c.ceiling, &mut frame)?
            .as_number()
            .unwrap_or_default();
        let held = self
            .inputs
            .members
            .get(c.attr)
            .and_then(|col| col.get(m as usize))
            .and_then(|v| v.as_ref())
            .and_then(Value::as_number)
            .unwrap_or_default();
        Ok((ceiling, held))
    }

    /// Why member `m` has no share of a tranche, and the derivation of the
    /// tranche's `where` condition for them when that is what failed (every
    /// failing clause of it, with its numbers), and the member variable it
    /// is written with.
    #[allow(clippy::type_complexity)]
    fn why_no_share(
        &mut self,
        def: &AllocationDef,
        tranche: usize,
        m: u32,
        who: &str,
    ) -> (String, Vec<crate::eval::TraceNode>, Option<String>) {
        let filter = def.tranches.get(tranche).and_then(|t| match &t.amount {
            TrancheAmount::EachMember { filter, var, .. } => filter.as_ref().map(|f| (f, var)),
            _ => t
                .split
                .as_ref()
                .and_then(|s| s.filter.as_ref().map(|f| (f, &s.var))),
        });
        let counted = self.with_roll(def.record_date.as_ref(), |ev| Ok(ev.counts(m as usize)));
        if counted.is_ok_and(|c| !c) {
            return (
                format!("{who} has no share of this tranche: not a member when it was shared"),
                Vec::new(),
                None,
            );
        }
        let Some((filter, var)) = filter else {
            return (
                format!("{who} has no share of this tranche"),
                Vec::new(),
                None,
            );
        };
        let mut frame = vec![Value::Bool(false); def.frame_size.max(ALLOCATION_MEMBER_SLOT + 1)];
        frame[ALLOCATION_MEMBER_SLOT] = Value::Member(m);
        self.trace_open(crate::eval::TraceNode::fact(
            String::new(),
            None,
            crate::types::Type::Bool,
            filter.span,
        ));
        let held = self.with_roll(def.record_date.as_ref(), |ev| {
            ev.boolean(filter, &mut frame)
        });
        let mut why = self.trace_take().map(|n| n.children).unwrap_or_default();
        let text = match held {
            Ok(false) => {
                // A failed comparison says its numbers, written in the
                // tranche or in the rule it calls alike.
                self.pause_trace();
                let detail = self.with_roll(def.record_date.as_ref(), |ev| {
                    Ok(ev.filter_detail(filter, &mut frame))
                });
                self.resume_trace();
                if let (Ok(Some(detail)), [only]) = (detail, why.as_mut_slice()) {
                    only.notes.push(format!("fails: {detail}"));
                }
                format!(
                    "{who} has no share of this tranche: the `where` condition is false for them"
                )
            }
            _ => format!("{who} has no share of this tranche"),
        };
        (text, why, Some(var.clone()))
    }

    /// The numbers of a failed `where` comparison (`12 < 16`), written in
    /// the tranche or as the body of the rule it calls; none for a clause
    /// with a `because`, whose own note gives them with its reason.
    fn filter_detail(&mut self, filter: &Ir, frame: &mut Vec<Value>) -> Option<String> {
        use crate::program::IrKind;
        let because = |ir: &Ir| matches!(ir.kind, IrKind::Because { .. });
        let IrKind::Call { rule, args } = &filter.kind else {
            return if because(filter) {
                None
            } else {
                self.detail(filter, frame)
            };
        };
        let program = self.program;
        let def = program.rules.get(*rule)?;
        if because(&def.body) {
            return None;
        }
        let mut values = Vec::with_capacity(def.frame_size.max(args.len()));
        for a in args {
            values.push(self.eval(a, frame).ok()?);
        }
        values.resize(def.frame_size.max(values.len()), Value::Bool(false));
        self.detail(&def.body, &mut values)
    }

    pub(super) fn member_name(&self, m: u32) -> String {
        self.inputs
            .member_names
            .get(m as usize)
            .map_or_else(|| format!("member {m}"), |n| format!("`{n}`"))
    }
}

/// The members with a share (of a tranche, or of a loss), as amounts: those
/// whose share is nothing are left out.
fn members_of(shares: Option<Vec<(u32, i128)>>, digits: u32) -> Vec<(u32, Decimal)> {
    shares
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, s)| *s != 0)
        .map(|(m, s)| (m, from_minor(s, digits)))
        .collect()
}
