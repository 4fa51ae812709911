//! Year-end work over very many members, a column at a time.
//!
//! A [`Batch`] holds the member list as columns (one per attribute, numbers
//! as exact integers at a fixed scale wherever they fit), runs the acts that
//! apply to every member alike (`for each member m { ... }` and postings of
//! the cooperative's own accounts), and closes the period: the rulebook's
//! allocations, penny-exact by largest remainder, for every member at once.
//!
//! It computes what [`crate::simulate`] computes for the same acts (tests/
//! batch.rs checks the two against each other on random members), without
//! a journal line or a statement per member: a service that needs those for
//! a handful of members runs a scenario instead.
//!
//! ```
//! use rochdale::batch::{Batch, MemberColumns};
//! let program = rochdale::check_source(r#"
//! rulebook "Tiny" currency GBP
//! member { age: Integer  purchases: Money = £0 }
//! period { surplus: Money }
//! rule eligible(m) = m.age >= 16
//! allocate period.surplus rounding down {
//!   reserve: 10%
//!   dividend: remainder, to each member m where eligible(m) in proportion to m.purchases
//! }
//! "#).program.unwrap();
//! let members = MemberColumns::from_csv(&program, "name,age,purchases\nada,30,£2.00\nben,12,£5.00\ncy,40,£1.00\n").unwrap();
//! let mut batch = Batch::new(&program, members);
//! let close = batch.close_period(&[("surplus", "£10.00")]).unwrap();
//! let dividend = &close.allocations[0].tranches[1];
//! // £10.00 less the 10% reserve: £9.00, shared 2:1 by ada and cy.
//! assert_eq!(dividend.shares.as_deref(), Some(&[600, 0, 300][..]));
//! ```

mod allocate;
pub mod column;
mod eval;
mod members;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

pub use column::{Col, Fixed};
pub use eval::{ColumnEvaluator, Sources};
pub use members::{MemberColumns, too_many_members};

use crate::diagnostic::{Code, Diagnostic};
use crate::program::{EffectIr, Ir, IrKind, Program};
use crate::semantics::effects::negative_post;
use crate::value::Value;

/// The most members one batch holds. Columns of that many members take a
/// few gigabytes; more is refused with a diagnostic rather than exhausting
/// memory.
pub const MAX_BATCH_MEMBERS: usize = 100_000_000;

/// What one allocation gave, for every member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchAllocation {
    /// The amount divided.
    pub amount: Decimal,
    /// Digits of the currency's minor unit: shares are in those units.
    pub digits: u32,
    /// Each tranche in order.
    pub tranches: Vec<BatchTranche>,
}

/// One tranche of an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchTranche {
    /// Its label.
    pub label: String,
    /// Its total.
    pub total: Decimal,
    /// For a tranche shared among members: each member's share in minor
    /// units, in member-list order (zero for those without one).
    pub shares: Option<Vec<i64>>,
    /// How its total was reached, in words.
    pub how: String,
}

impl BatchTranche {
    /// Member `m`'s share as an amount.
    pub fn share(&self, m: usize, digits: u32) -> Decimal {
        let minor = self
            .shares
            .as_ref()
            .and_then(|s| s.get(m))
            .copied()
            .unwrap_or(0);
        Decimal::new(minor, digits)
    }
}

/// What closing a period gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchClose {
    /// The period's figures, by name.
    pub figures: Vec<(String, Option<Decimal>)>,
    /// Each allocation of the rulebook, in order.
    pub allocations: Vec<BatchAllocation>,
}

/// The members of a cooperative as columns, and what acts did to them.
pub struct Batch<'p> {
    program: &'p Program,
    params: Vec<Value>,
    members: MemberColumns,
    /// The cooperative's own accounts: (debits, credits) this period.
    accounts: BTreeMap<String, (Decimal, Decimal)>,
    /// The members' accounts, by name, all members together.
    member_accounts: BTreeMap<String, (Decimal, Decimal)>,
    allocated: Vec<Option<BatchAllocation>>,
    fallbacks: usize,
}

impl<'p> Batch<'p> {
    /// A batch over `members`, with the rulebook's parameters.
    pub fn new(program: &'p Program, members: MemberColumns) -> Self {
        Batch {
            program,
            params: program.default_params(),
            members,
            accounts: BTreeMap::new(),
            member_accounts: BTreeMap::new(),
            allocated: vec![None; program.allocations.len()],
            fallbacks: 0,
        }
    }

    /// How many expressions so far were computed member by member rather
    /// than as columns (zero for the rulebooks in rulebooks/).
    pub fn fallbacks(&self) -> usize {
        self.fallbacks
    }

    /// Sets parameter `name` to the value written in `text` (`12.5%`).
    pub fn set_parameter(&mut self, name: &str, text: &str) -> Result<(), Diagnostic> {
        let p = self
            .program
            .param_id(name)
            .ok_or_else(|| unknown("parameter", name))?;
        let ty = self.program.params[p].ty;
        self.params[p] = crate::check::input_value(self.program, text, ty, name, false)?;
        Ok(())
    }

    /// The member list.
    pub fn members(&self) -> &MemberColumns {
        &self.members
    }

    /// The cooperative's own account `name`: (debits, credits) this period.
    pub fn account(&self, name: &str) -> (Decimal, Decimal) {
        self.accounts.get(name).copied().unwrap_or_default()
    }

    /// Member accounts called `name`, all members together: (debits, credits).
    pub fn member_account(&self, name: &str) -> (Decimal, Decimal) {
        self.member_accounts.get(name).copied().unwrap_or_default()
    }

    /// A rule of one member (`eligible(m)`) for every member.
    pub fn member_rule(&mut self, name: &str) -> Result<Col, Diagnostic> {
        let rule = self
            .program
            .rule_id(name)
            .ok_or_else(|| unknown("rule", name))?;
        let period = vec![None; self.program.period_fields.len()];
        let mut ev = ColumnEvaluator::new(self.sources_with(&period));
        let col = ev.member_rule(rule).map_err(|d| *d);
        self.fallbacks += ev.fallbacks;
        col
    }

    fn sources_with<'s>(&'s self, period: &'s [Option<Value>]) -> Sources<'s> {
        Sources {
            program: self.program,
            n: self.members.len(),
            params: &self.params,
            period,
            attrs: self.members.columns(),
            names: &self.members,
            active: self.members.members(),
            rows: None,
            allocated: &self.allocated,
        }
    }

    /// Runs act `name` with `args` (written as in a rulebook: `£150.00`).
    /// Only acts that treat every member alike run here: postings and
    /// `for each member` changes. The act is all or nothing: if it fails,
    /// nothing has changed.
    pub fn apply_act(&mut self, name: &str, args: &[&str]) -> Result<(), Diagnostic> {
        let program = self.program;
        let a = program
            .acts
            .iter()
            .position(|x| x.name == name)
            .ok_or_else(|| unknown("act", name))?;
        let def = &program.acts[a];
        if def.params.len() != args.len() {
            return Err(Diagnostic::error(
                Code::ArgumentCount,
                format!(
                    "`{name}` takes {} argument(s), not {}",
                    def.params.len(),
                    args.len()
                ),
            )
            .at(def.span, "declared here")
            .help("give one value for each parameter of the act"));
        }
        let mut frame: Vec<Col> = Vec::with_capacity(def.frame_size);
        for ((pname, ty), text) in def.params.iter().zip(args) {
            if *ty == crate::types::Type::Member {
                return Err(not_batchable(
                    def.span,
                    format!("`{name}` is an act of one member"),
                ));
            }
            frame.push(Col::One(crate::check::input_value(
                program, text, *ty, pname, false,
            )?));
        }
        frame.resize(
            def.frame_size.max(frame.len()),
            Col::One(Value::Bool(false)),
        );
        let period = vec![None; program.period_fields.len()];
        let mut changes = Changes::default();
        {
            let mut ev = ColumnEvaluator::new(self.sources_with(&period));
            for r in &def.requires {
                match ev.eval(r, &mut frame).map_err(|d| *d)? {
                    Col::One(Value::Bool(true)) => {}
                    Col::One(Value::Bool(false)) => {
                        return Err(Diagnostic::error(
                            Code::LimitBreached,
                            format!("`{name}` is refused: its requirement does not hold"),
                        )
                        .at(r.span, "does not hold")
                        .help("the act's `requires` must hold before it runs"));
                    }
                    _ => {
                        return Err(not_batchable(
                            r.span,
                            "a requirement that depends on the member".to_string(),
                        ));
                    }
                }
            }
            let done = effects(&mut ev, &def.effects, &mut frame, None, &mut changes);
            self.fallbacks += ev.fallbacks;
            done?;
        }
        changes.apply(self)
    }

    /// Closes the period: its figures from the books or as given (name and
    /// value as written), the allocations computed for every member, and
    /// the attributes kept for a period back to their defaults.
    pub fn close_period(&mut self, given: &[(&str, &str)]) -> Result<BatchClose, Diagnostic> {
        let program = self.program;
        let mut period: Vec<Option<Value>> = vec![None; program.period_fields.len()];
        for (i, field) in program.period_fields.iter().enumerate() {
            if let Some((credits, account)) = &field.ledger {
                let (d, c) = self.account(account);
                period[i] = Some(Value::Number(if *credits { c - d } else { d - c }));
            }
        }
        for (name, text) in given {
            let i = program
                .period_fields
                .iter()
                .position(|f| f.name == *name)
                .ok_or_else(|| unknown("period figure", name))?;
            let ty = program.period_fields[i].ty;
            period[i] = Some(crate::check::input_value(program, text, ty, name, false)?);
        }
        self.allocated = vec![None; program.allocations.len()];
        for a in 0..program.allocations.len() {
            let (outcome, fallbacks) = {
                let mut ev = ColumnEvaluator::new(self.sources_with(&period));
                let outcome = allocate::allocate(&mut ev, &program.allocations[a]);
                (outcome, ev.fallbacks)
            };
            self.fallbacks += fallbacks;
            let outcome = outcome.map_err(|d| *d)?;
            self.allocated[a] = Some(outcome);
        }
        // Handed over, not copied: the shares of a large batch are most of
        // its memory, and a closed period's allocations are not read again.
        let allocations: Vec<BatchAllocation> = std::mem::take(&mut self.allocated)
            .into_iter()
            .flatten()
            .collect();
        self.allocated = vec![None; program.allocations.len()];
        self.members.reset_each_period(program);
        self.accounts.clear();
        self.member_accounts.clear();
        Ok(BatchClose {
            figures: program
                .period_fields
                .iter()
                .zip(&period)
                .map(|(f, v)| (f.name.clone(), v.as_ref().and_then(Value::as_number)))
                .collect(),
            allocations,
        })
    }
}

/// The allocations of a simulation's period, computed by columns for every
/// member at once: the outcome the row evaluator gives, share for share
/// (tests/differential.rs runs every scenario both ways). `None` when an
/// allocation cannot be computed by columns (one on a record date, or a
/// dated parameter not yet in force, whose error the row evaluator gives),
/// and the row evaluator computes them.
pub fn period_allocations(
    program: &Program,
    inputs: &crate::eval::Inputs,
) -> Option<Result<Vec<crate::eval::AllocationOutcome>, Box<Diagnostic>>> {
    // A loss block is charged member by member: its parts are not kept
    // by columns.
    if program
        .allocations
        .iter()
        .any(|a| a.record_date.is_some() || a.loss.is_some())
        || inputs.not_in_force.iter().any(Option::is_some)
    {
        return None;
    }
    let members = MemberColumns::from_rows(program, &inputs.member_names, &inputs.members);
    let active = (!inputs.active.is_empty()).then_some(inputs.active.as_slice());
    let mut allocated: Vec<Option<BatchAllocation>> = vec![None; program.allocations.len()];
    let mut outcomes = Vec::with_capacity(program.allocations.len());
    for (a, def) in program.allocations.iter().enumerate() {
        let sources = Sources {
            program,
            n: members.len(),
            params: &inputs.params,
            period: &inputs.period,
            attrs: members.columns(),
            allocated: &allocated,
            names: &members,
            active,
            rows: Some(inputs),
        };
        let mut ev = ColumnEvaluator::new(sources);
        let outcome = match allocate::allocate(&mut ev, def) {
            Ok(o) => o,
            Err(d) => return Some(Err(d)),
        };
        outcomes.push(crate::eval::AllocationOutcome {
            amount: outcome.amount,
            set_off: Decimal::ZERO,
            loss: None,
            tranches: outcome
                .tranches
                .iter()
                .map(|t| crate::eval::TrancheOutcome {
                    label: t.label.clone(),
                    total: t.total,
                    members: t
                        .shares
                        .iter()
                        .flatten()
                        .enumerate()
                        .filter(|(_, s)| **s != 0)
                        .map(|(m, s)| (m as u32, Decimal::new(*s, outcome.digits)))
                        .collect(),
                    how: t.how.clone(),
                    weights: Vec::new(),
                    weight_type: crate::types::Type::Decimal,
                })
                .collect(),
        });
        allocated[a] = Some(outcome);
    }
    Some(Ok(outcomes))
}

/// What an act will do, gathered before anything changes.
#[derive(Default)]
struct Changes {
    /// (attribute, new column).
    attrs: Vec<(usize, Col)>,
    /// (account, member account?, debit?, amount).
    posts: Vec<(String, bool, bool, Decimal)>,
}

impl Changes {
    fn apply(self, batch: &mut Batch<'_>) -> Result<(), Diagnostic> {
        for (attr, col) in self.attrs {
            batch.members.set_column(attr, col);
        }
        for (account, member, debit, amount) in self.posts {
            let book = if member {
                &mut batch.member_accounts
            } else {
                &mut batch.accounts
            };
            let entry = book.entry(account).or_default();
            if debit {
                entry.0 += amount;
            } else {
                entry.1 += amount;
            }
        }
        Ok(())
    }
}

fn effects(
    ev: &mut ColumnEvaluator<'_>,
    list: &[EffectIr],
    frame: &mut Vec<Col>,
    filter: Option<&[bool]>,
    changes: &mut Changes,
) -> Result<(), Diagnostic> {
    let n = ev.members();
    for effect in list {
        match effect {
            EffectIr::Post {
                amount,
                debit,
                credit,
                span,
            } => {
                let col = ev.eval(amount, frame).map_err(|d| *d)?;
                let total = match &col {
                    Col::One(Value::Number(d)) => match filter {
                        Some(mask) => {
                            let count = mask.iter().filter(|b| **b).count();
                            d.checked_mul(Decimal::from(count as u64))
                        }
                        None => Some(*d),
                    },
                    Col::Fixed(f) => {
                        let keep = |i: usize| filter.is_none_or(|m| m[i]);
                        if let Some(i) = (0..n).find(|&i| keep(i) && f.values[i] < 0) {
                            return Err(negative_post(Decimal::new(f.values[i], f.scale), *span));
                        }
                        let mut total: i128 = 0;
                        for (i, v) in f.values.iter().enumerate() {
                            if keep(i) {
                                total += *v as i128;
                            }
                        }
                        Decimal::try_from_i128_with_scale(total, f.scale).ok()
                    }
                    _ => {
                        let mut total = Decimal::ZERO;
                        for i in 0..n {
                            if filter.is_none_or(|f| f[i]) {
                                let v = col.decimal_at(i).ok_or_else(|| {
                                    not_batchable(*span, "an amount that is not a number".into())
                                })?;
                                if v < Decimal::ZERO {
                                    return Err(negative_post(v, *span));
                                }
                                total += v;
                            }
                        }
                        Some(total)
                    }
                }
                .ok_or_else(|| {
                    Diagnostic::error(Code::Overflow, "the postings add up to too much")
                        .at(*span, "here")
                })?;
                if total < Decimal::ZERO {
                    return Err(negative_post(total, *span));
                }
                for (account, is_debit) in [(debit, true), (credit, false)] {
                    let per_member = match &account.member {
                        None => false,
                        Some(m) if is_row(m, frame) => true,
                        Some(m) => {
                            return Err(not_batchable(
                                m.span,
                                "a posting to one member's account".into(),
                            ));
                        }
                    };
                    changes
                        .posts
                        .push((account.name.to_string(), per_member, is_debit, total));
                }
            }
            EffectIr::ForEach {
                who,
                var,
                filter: f,
                effects: inner,
            } => {
                if *who != crate::syntax::ast::Who::Members {
                    return Err(not_batchable(
                        inner.first().map_or_else(Default::default, effect_span),
                        format!("`for each {}`: a batch holds members only", who.words()),
                    ));
                }
                if filter.is_some() {
                    return Err(not_batchable(
                        inner.first().map_or_else(Default::default, effect_span),
                        "`for each member` inside another".into(),
                    ));
                }
                if frame.len() <= *var {
                    frame.resize(var + 1, Col::One(Value::Bool(false)));
                }
                frame[*var] = Col::Rows;
                let mask = match f {
                    Some(f) => {
                        let col = ev.eval(f, frame).map_err(|d| *d)?;
                        Some(
                            (0..n)
                                .map(|i| col.bool_at(i))
                                .collect::<Option<Vec<bool>>>()
                                .ok_or_else(|| {
                                    not_batchable(f.span, "a filter that is not yes or no".into())
                                })?,
                        )
                    }
                    None => None,
                };
                // Effects one after another, each for every member: the same
                // as member after member, since an act reads the figures as
                // they were before it (its changes land together at the end).
                effects(
                    ev,
                    inner,
                    frame,
                    Some(mask.as_deref().unwrap_or(&vec![true; n])),
                    changes,
                )?;
            }
            EffectIr::Change {
                op,
                member,
                attr,
                value,
                span,
            } => {
                if !is_row(member, frame) || filter.is_none() {
                    return Err(not_batchable(*span, "a change to one member".into()));
                }
                let mask = filter.unwrap_or(&[]);
                let old = changes
                    .attrs
                    .iter()
                    .rev()
                    .find(|(a, _)| a == attr)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_else(|| ev.attr(*attr));
                let v = ev.eval(value, frame).map_err(|d| *d)?;
                let attr_name = &ev.program().member_attrs[*attr].name;
                let new = members::changed(ev.names(), (&old, attr_name), *op, &v, mask, *span)
                    .map_err(|d| *d)?;
                changes.attrs.push((*attr, new));
            }
            EffectIr::Admit(m) | EffectIr::Remove(m) => {
                return Err(not_batchable(
                    m.span,
                    "admitting or removing a member".into(),
                ));
            }
        }
    }
    Ok(())
}

fn is_row(ir: &Ir, frame: &[Col]) -> bool {
    matches!(&ir.kind, IrKind::Local(slot) if matches!(frame.get(*slot), Some(Col::Rows)))
}

fn effect_span(e: &EffectIr) -> crate::span::Span {
    match e {
        EffectIr::Post { span, .. } | EffectIr::Change { span, .. } => *span,
        EffectIr::Admit(m) | EffectIr::Remove(m) => m.span,
        EffectIr::ForEach { effects, .. } => {
            effects.first().map_or_else(Default::default, effect_span)
        }
    }
}

fn not_batchable(span: crate::span::Span, what: String) -> Diagnostic {
    Diagnostic::error(
        Code::NotBatchable,
        format!("{what} cannot run as a batch over all members"),
    )
    .at(span, "here")
    .help("run it in a scenario with `rochdale simulate`, which takes members one at a time")
}

fn unknown(kind: &str, name: &str) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownName,
        format!("the rulebook has no {kind} `{name}`"),
    )
    .help(format!(
        "check the spelling of the {kind}'s name in the rulebook"
    ))
}
