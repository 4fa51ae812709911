//! Evaluation of a checked program over inputs.
//!
//! Every number is a [`Decimal`]; every operation that could overflow is
//! checked; division by zero, a missing input and a blown step budget are
//! diagnostics with the span of the expression, never a panic.
//!
//! Rules without parameters are computed once; rules of one member are
//! computed once per member. Division that does not terminate is rounded to
//! 28 significant digits, the precision of the 96-bit decimal (see
//! docs/language.md, "Numbers").

pub(crate) mod allocate;
mod election;
mod reasons;
mod trace;
mod vote;

use rust_decimal::Decimal;

pub use crate::semantics::apportion::apportion;
pub use allocate::{AllocationOutcome, TrancheOutcome};
pub use election::{CandidateVotes, ElectionOutcome, StageOutcome, TransferValue};
pub use reasons::{
    Breach, ParameterBreach, Refusal, constant_limit_breaches, parameter_limit_breaches,
    scenario_breach_diagnostic,
};
pub use trace::{AGGREGATE_SHOWN, MAX_TRACE_NODES, TraceNode, TraceWhat};
pub use vote::{ClassConsentOutcome, ResolutionOutcome};

use crate::diagnostic::{Code, Diagnostic};
use crate::program::{
    ArithOp, BuiltinId, CompareOp, Ir, IrKind, Memo, Program, ResolutionQuery, Rounding, Vote,
};
use crate::semantics::builtins::{self, Form};
use crate::span::Span;
use crate::syntax::ast::AggregateKind;
use crate::value::Value;

pub(crate) use crate::semantics::operators::{
    arithmetic, compare, date_arithmetic, internal, money_text, negate, overflow, pick,
};

/// Steps one evaluator may take before it stops with [`Code::StepBudget`].
/// One step is one node of an expression evaluated for one member.
pub const DEFAULT_STEP_BUDGET: u64 = 200_000_000;

/// How deeply evaluation may nest (expressions within rules within rules).
pub const MAX_EVAL_DEPTH: u32 = 500;

/// The values a program is evaluated over.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Every parameter's value, by index.
    pub params: Vec<Value>,
    /// Members' names, by index.
    pub member_names: Vec<String>,
    /// Member values, attribute-major: `members[attr][member]`; `None` when
    /// not given and without a default.
    pub members: Vec<Vec<Option<Value>>>,
    /// The period's figures; `None` when not given.
    pub period: Vec<Option<Value>>,
    /// Each resolution's votes, by member; `None` when no vote was taken.
    pub votes: Vec<Option<Vec<Vote>>>,
    /// Each resolution's votes not given in person (may be shorter than
    /// `votes`: none).
    pub absent_votes: Vec<Vec<crate::program::AbsentVote>>,
    /// Which meeting the votes are taken at: the first call, a second call
    /// (its quorum), or a confirming meeting (its threshold).
    pub sitting: crate::syntax::ast::Sitting,
    /// Which people in the table are members now (in a simulation, those
    /// admitted and not gone). Empty: all of them.
    pub active: Vec<bool>,
    /// The date of the step being run, in a simulation.
    pub today: Option<time::Date>,
    /// When each person was admitted, in a simulation (empty otherwise).
    pub joined: Vec<Option<time::Date>>,
    /// When each person left, in a simulation (empty otherwise).
    pub left: Vec<Option<time::Date>>,
    /// Per parameter, for a dated one not yet in force on the date of the
    /// step or example: the date its first value is from (reading it then
    /// is E0707). Empty when every parameter has a value.
    pub not_in_force: Vec<Option<time::Date>>,
    /// The first day of the period being run (in a simulation), or of the
    /// period an example dated under a financial year falls in: where
    /// `accrued` starts counting. `None` when it is not known.
    pub period_start: Option<time::Date>,
    /// Per slot of [`Program::histories`], per person: the attribute's
    /// value from each date on, within the period. Empty (for a slot or a
    /// person): the value now, held the whole period.
    pub histories: Vec<Vec<Vec<(time::Date, Decimal)>>>,
    /// Per parameter: its values from each date on within the period, for
    /// a rate `accrued` reads. Empty: its value now, throughout.
    pub schedules: Vec<Vec<(time::Date, Decimal)>>,
    /// What the cooperative's accounts named by an `if a loss` block hold
    /// before the close (a reserve's balance; the losses carried forward
    /// not yet set off), kept by the engine or given by an example. An
    /// account not here holds nothing.
    pub balances: std::collections::BTreeMap<String, Decimal>,
}

impl Inputs {
    /// How many people the table holds (members or not).
    pub fn member_count(&self) -> usize {
        self.member_names.len()
    }

    /// Whether person `m` is a member now.
    pub fn is_active(&self, m: usize) -> bool {
        self.active
            .get(m)
            .copied()
            .unwrap_or(self.active.is_empty())
    }

    /// Whether person `m` is among `who` (`semantics::status::counts`):
    /// a member now, one never admitted, one who left, or anyone.
    pub fn standing(&self, who: crate::syntax::ast::Who, m: usize) -> bool {
        crate::semantics::status::counts(
            who,
            self.is_active(m),
            self.joined.get(m).is_some_and(Option::is_some),
            self.left.get(m).is_some_and(Option::is_some),
        )
    }

    /// Whether person `m` was on the member roll at the end of `date`:
    /// admitted on or before it and not gone by it. Without admission
    /// dates (an example), the members now.
    pub fn on_roll(&self, m: usize, date: time::Date) -> bool {
        match self.joined.get(m) {
            Some(Some(joined)) => {
                *joined <= date && self.left.get(m).copied().flatten().is_none_or(|l| l > date)
            }
            Some(None) => false,
            None => self.is_active(m),
        }
    }

    /// The members now, by index.
    pub fn members_now(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.member_count()).filter(|&m| self.is_active(m))
    }
}

/// What [`Evaluator::with_probe`] calls with each node evaluated and its value.
pub type Probe<'a> = Box<dyn FnMut(&Ir, &Value) + 'a>;

/// An evaluation result. The diagnostic is boxed: a small `Result` keeps
/// the recursive frames small (deep rulebooks) and the hot path fast.
pub type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// Evaluates rules of one program over one set of inputs, remembering each
/// rule's value so that it is computed once.
pub struct Evaluator<'a> {
    program: &'a Program,
    inputs: &'a Inputs,
    global_memo: Vec<Option<Value>>,
    member_memo: Vec<MemberMemo>,
    allocation_memo: Vec<Option<std::sync::Arc<AllocationOutcome>>>,
    tracer: Option<Box<trace::Tracer>>,
    /// Told of every node evaluated and its value (`rochdale test
    /// --coverage`); `None` costs one check per node, as the tracer does.
    probe: Option<Probe<'a>>,
    /// While an allocation or vote with a record date is computed: that date.
    roll: Option<time::Date>,
    /// While a resolution with `voter m requires C` is counted: who may
    /// vote, by member (the others are no part of its count).
    voters: Option<Vec<bool>>,
    steps: u64,
    budget: u64,
    depth: u32,
}

impl<'a> Evaluator<'a> {
    /// An evaluator with the default step budget.
    pub fn new(program: &'a Program, inputs: &'a Inputs) -> Self {
        Evaluator {
            program,
            inputs,
            // Memory is made on first use: a decision at a till computes a
            // rule or two and should not pay for the whole rulebook.
            global_memo: Vec::new(),
            member_memo: Vec::new(),
            allocation_memo: Vec::new(),
            tracer: None,
            probe: None,
            roll: None,
            voters: None,
            steps: 0,
            budget: DEFAULT_STEP_BUDGET,
            depth: 0,
        }
    }

    /// Tells `probe` of every node evaluated from now on, with its value
    /// (what `rochdale test --coverage` records).
    pub fn with_probe(mut self, probe: Probe<'a>) -> Self {
        self.probe = Some(probe);
        self
    }

    /// Sets the step budget.
    pub fn with_budget(mut self, budget: u64) -> Self {
        self.budget = budget;
        self
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The value of rule `rule` for `args` (which must match its parameters'
    /// types; a member is [`Value::Member`] with its index in the inputs).
    pub fn rule(&mut self, rule: usize, args: Vec<Value>) -> Result<Value> {
        let span = self
            .program
            .rules
            .get(rule)
            .map_or_else(Span::default, |r| r.span);
        self.call(rule, args, span)
    }

    /// Evaluates an expression with `frame` holding its local slots.
    pub fn eval(&mut self, ir: &Ir, frame: &mut Vec<Value>) -> Result<Value> {
        self.steps += 1;
        if self.steps > self.budget {
            return Err(budget_exceeded(self.budget, ir.span));
        }
        self.depth += 1;
        if self.depth > MAX_EVAL_DEPTH {
            self.depth -= 1;
            return Err(too_deep(ir.span));
        }
        let result = if self.tracer.is_some() {
            self.eval_traced(ir, frame)
        } else {
            self.eval_node(ir, frame)
        };
        if let (Some(probe), Ok(value)) = (self.probe.as_mut(), &result) {
            probe(ir, value);
        }
        self.depth -= 1;
        result
    }

    /// Dispatches on the node's kind. Each arm of any size is a function of
    /// its own so that this frame, which recursion repeats, stays small.
    fn eval_node(&mut self, ir: &Ir, frame: &mut Vec<Value>) -> Result<Value> {
        let span = ir.span;
        match &ir.kind {
            IrKind::Const(v) => Ok(v.clone()),
            IrKind::Param(p) => self.param(*p, span),
            IrKind::Local(slot) => frame
                .get(*slot)
                .cloned()
                .ok_or_else(|| internal("local slot", span)),
            IrKind::Attr { member, attr } => self.eval_attribute(member, *attr, frame, span),
            IrKind::PeriodBound(end) => self.period_bound(*end, span),
            IrKind::DaysMember(member) => self.eval_days_member(member, frame, span),
            IrKind::Accrued {
                member,
                attr,
                slot,
                rate,
                unit,
            } => self.eval_accrued(member, (*attr, *slot), *rate, *unit, frame, span),
            IrKind::DaysHeld { member, attr, slot } => {
                self.eval_days_held(member, (*attr, *slot), frame, span)
            }
            IrKind::Period(field) => self.period(*field, span),
            IrKind::Call { rule, args } => self.eval_call(*rule, args, frame, span),
            IrKind::Neg(x) => Ok(Value::Number(negate(self.number(x, frame)?))),
            IrKind::Not(x) => Ok(Value::Bool(!self.boolean(x, frame)?)),
            IrKind::IsNone(x) => Ok(Value::Bool(crate::semantics::operators::is_none(
                &self.eval(x, frame)?,
            ))),
            IrKind::Arith(op, l, r) => self.eval_arith(*op, l, r, frame, span),
            IrKind::Compare(op, l, r) => self.eval_compare(*op, l, r, frame, span),
            IrKind::And(l, r) => {
                let left = self.boolean(l, frame)?;
                if !left && self.tracing() {
                    // A derivation shows every failing clause, as a refusal
                    // lists them; the value is false whatever the right is
                    // (which may not be computable once the left fails).
                    let _ = self.boolean(r, frame);
                    return Ok(Value::Bool(false));
                }
                Ok(Value::Bool(left && self.boolean(r, frame)?))
            }
            IrKind::Or(l, r) => Ok(Value::Bool(
                self.boolean(l, frame)? || self.boolean(r, frame)?,
            )),
            IrKind::If {
                branches,
                otherwise,
            } => self.eval_if(branches, otherwise, frame),
            IrKind::Builtin {
                builtin,
                args,
                rounding,
            } => self.eval_builtin(*builtin, args, *rounding, frame, span),
            IrKind::Aggregate {
                kind,
                who,
                var,
                value,
                filter,
            } => self.aggregate(
                (*kind, *who),
                *var,
                value.as_deref(),
                filter.as_deref(),
                frame,
                span,
            ),
            IrKind::Because {
                condition, reason, ..
            } => {
                let v = self.eval(condition, frame)?;
                if v == Value::Bool(false) && self.tracing() {
                    self.pause_trace();
                    let detail = self.detail(condition, frame);
                    self.resume_trace();
                    let program = self.program;
                    let inputs = self.inputs;
                    self.trace_note(|| {
                        let reason =
                            crate::semantics::wording::fill(reason, program, &inputs.params);
                        match detail {
                            Some(d) => format!("fails: {reason}: {d}"),
                            None => format!("fails: {reason}"),
                        }
                    });
                }
                Ok(v)
            }
            IrKind::Exceptions {
                base,
                exceptions,
                order,
            } => self.eval_exceptions(base, exceptions, order, frame),
            IrKind::Allocated {
                allocation,
                tranche,
                member,
            } => self.eval_allocated(*allocation, *tranche, member.as_deref(), frame, span),
            IrKind::LossBorne {
                allocation,
                form,
                member,
            } => self.eval_loss_borne(*allocation, *form, member.as_deref(), frame, span),
            IrKind::Resolution { resolution, query } => self.eval_resolution(*resolution, *query),
            IrKind::Today => self.inputs.today.map(Value::Date).ok_or_else(|| {
                Box::new(
                    Diagnostic::error(
                        Code::MissingValue,
                        "`today` is the date of a step, and there is none here",
                    )
                    .at(span, "no date")
                    .help("`today` has a value while a scenario runs; an example cannot use it"),
                )
            }),
        }
    }

    fn eval_exceptions(
        &mut self,
        base: &Ir,
        exceptions: &[crate::program::ExceptionIr],
        order: &[usize],
        frame: &mut Vec<Value>,
    ) -> Result<Value> {
        for &i in order {
            let exception = &exceptions[i];
            if self.boolean(&exception.condition, frame)? {
                if self.tracing() {
                    if let Some(node) = self.tracer.as_mut().and_then(|t| t.current_node()) {
                        node.exception = Some(exception.span);
                        node.waived = exception.waiver;
                    }
                }
                return self.eval(&exception.value, frame);
            }
        }
        if exceptions.iter().any(|e| e.waiver) {
            self.trace_note(|| "not waived: the condition itself decides".to_string());
        } else {
            self.trace_note(|| "no exception applies: the base rule".to_string());
        }
        self.eval(base, frame)
    }

    fn eval_resolution(&mut self, resolution: usize, query: ResolutionQuery) -> Result<Value> {
        let outcome = self.resolution(resolution)?;
        self.trace_note(|| outcome.reason.clone());
        Ok(match query {
            ResolutionQuery::Passes => Value::Bool(outcome.passed),
            ResolutionQuery::Quorate => Value::Bool(outcome.quorate),
            ResolutionQuery::VotesFor => Value::Number(outcome.votes_for),
            ResolutionQuery::VotesAgainst => Value::Number(outcome.votes_against),
            ResolutionQuery::ShareFor => Value::Number(outcome.share_for),
        })
    }

    fn eval_allocated(
        &mut self,
        allocation: usize,
        tranche: usize,
        member: Option<&Ir>,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        self.pause_trace();
        let outcome = self.allocation(allocation);
        self.resume_trace();
        let outcome = outcome?;
        let t = outcome
            .tranches
            .get(tranche)
            .ok_or_else(|| internal("unknown tranche", span))?;
        let member = match member {
            None => None,
            Some(m) => match self.eval(m, frame)? {
                Value::Member(i) => Some(i),
                _ => return Err(internal("tranche share of a non-member", span)),
            },
        };
        if self.tracing() {
            // The amount's own derivation, under a step of its own.
            if let Some(def) = self.program.allocations.get(allocation) {
                let money = crate::types::Type::Money(def.currency);
                let mut step =
                    TraceNode::fact("the amount allocated".into(), None, money, def.amount.span);
                step.value = Some(Value::Number(outcome.amount));
                self.trace_open(step);
                let mut scratch = vec![Value::Bool(false); def.frame_size.max(2)];
                let _ = self.eval(&def.amount, &mut scratch);
                self.trace_close();
            }
            let facts = self.allocation_facts(allocation, &outcome, tranche, member, span);
            self.trace_children(facts);
        }
        Ok(Value::Number(member.map_or(t.total, |i| t.member(i))))
    }

    /// What a form of an allocation's `if a loss` block bore (for a
    /// member, their charge): zero when the amount was not a loss.
    fn eval_loss_borne(
        &mut self,
        allocation: usize,
        form: usize,
        member: Option<&Ir>,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        self.pause_trace();
        let outcome = self.allocation(allocation);
        self.resume_trace();
        let outcome = outcome?;
        let member = match member {
            None => None,
            Some(m) => match self.eval(m, frame)? {
                Value::Member(i) => Some(i),
                _ => return Err(internal("loss borne by a non-member", span)),
            },
        };
        let part = outcome.loss.as_ref().and_then(|l| l.parts.get(form));
        let borne = match (part, member) {
            (None, _) => Decimal::ZERO,
            (Some(p), None) => p.total,
            (Some(p), Some(i)) => p
                .members
                .iter()
                .find(|(m, _)| *m == i)
                .map_or(Decimal::ZERO, |(_, d)| *d),
        };
        if let Some(p) = part {
            self.trace_note(|| p.how.clone());
        }
        Ok(Value::Number(borne))
    }

    fn param(&self, p: usize, span: Span) -> Result<Value> {
        if let Some(Some(from)) = self.inputs.not_in_force.get(p) {
            return Err(not_in_force(
                self.program,
                p,
                *from,
                self.inputs.today,
                span,
            ));
        }
        self.inputs
            .params
            .get(p)
            .cloned()
            .ok_or_else(|| missing_param(self.program, p, span))
    }

    fn period(&self, field: usize, span: Span) -> Result<Value> {
        self.inputs
            .period
            .get(field)
            .cloned()
            .flatten()
            .ok_or_else(|| missing_period(self.program, field, self.inputs.today.is_some(), span))
    }

    fn eval_attribute(
        &mut self,
        member: &Ir,
        attr: usize,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let Value::Member(index) = self.eval(member, frame)? else {
            return Err(internal("attribute of a non-member", span));
        };
        self.trace_what(|| TraceWhat::Attribute {
            member: index,
            attr,
        });
        self.attribute(index as usize, attr, span)
    }

    fn eval_call(
        &mut self,
        rule: usize,
        args: &[Ir],
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a, frame)?);
        }
        self.call(rule, values, span)
    }

    /// `period.start` or `period.end`: from the period being run; its end
    /// is known in advance only under a financial year.
    fn period_bound(&self, end: bool, span: Span) -> Result<Value> {
        let unknown = |what: &str, help: &str| {
            Box::new(
                Diagnostic::error(
                    Code::MissingValue,
                    format!("the period's {what} is not known here"),
                )
                .at(span, "needed here")
                .help(help.to_string()),
            )
        };
        let Some(start) = self.inputs.period_start else {
            return Err(unknown(
                "first day",
                "in a scenario the period begins at its first step or the day after a close; date an example `on DATE` and declare `financial year from ...` in the header",
            ));
        };
        if !end {
            return Ok(Value::Date(start));
        }
        self.program
            .calendar
            .and_then(|c| crate::semantics::time::period_containing(&c, start))
            .map(|(_, last)| Value::Date(last))
            .ok_or_else(|| {
                unknown(
                    "last day",
                    "declare `financial year from ...` in the header, so that the period's end is known before its close",
                )
            })
    }

    // The arms of `eval` that need locals of their own are functions: the
    // evaluator recurses through `eval` (MAX_EVAL_DEPTH levels), so its frame
    // is kept small.

    /// `days_member(m)`: the days of the period so far `m` has been a member.
    #[inline(never)]
    fn eval_days_member(
        &mut self,
        member: &Ir,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let Value::Member(m) = self.eval(member, frame)? else {
            return Err(internal(
                "`days_member` of something that is not a member",
                span,
            ));
        };
        let Value::Date(from) = self.period_bound(false, span)? else {
            return Err(internal("a period's start that is not a date", span));
        };
        let today = self.inputs.today.unwrap_or(from);
        let to = today.next_day().unwrap_or(today);
        let m = m as usize;
        // In a simulation someone never admitted has no days; in
        // an example (no admission dates) a member is one all along.
        let joined = match self.inputs.joined.get(m) {
            Some(None) => return Ok(Value::Number(Decimal::ZERO)),
            Some(Some(j)) => Some(*j),
            None => None,
        };
        let left = self.inputs.left.get(m).copied().flatten();
        Ok(Value::Number(Decimal::from(
            crate::semantics::time::member_days(joined, left, from, to),
        )))
    }

    /// `days_held(m.x)`: the days of the period so far with `m.x` above zero.
    #[inline(never)]
    fn eval_days_held(
        &mut self,
        member: &Ir,
        (attr, slot): (usize, usize),
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let (m, from, to) = self.accrual_span(member, "days_held", frame, span)?;
        let now = self.held_now(m, (attr, slot), span)?;
        let held = self.held(m, slot, from, &now);
        Ok(Value::Number(Decimal::from(
            crate::semantics::time::days_held(&held, from, to),
        )))
    }

    /// The member, the period's first day and the day after today: the span
    /// `accrued` and `days_held` count over.
    fn accrual_span(
        &mut self,
        member: &Ir,
        what: &str,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<(usize, time::Date, time::Date)> {
        let Value::Member(m) = self.eval(member, frame)? else {
            return Err(internal(
                &format!("`{what}` of something that is not a member"),
                span,
            ));
        };
        let (Some(from), Some(today)) = (self.inputs.period_start, self.inputs.today) else {
            return Err(Box::new(
                Diagnostic::error(
                    Code::MissingValue,
                    format!("`{what}` needs the period's dates, and they are not known here"),
                )
                .at(span, "from when to when?")
                .help("in a scenario the period runs from the day after the last close (or the first step) to today; in an example, declare `financial year from ...` in the header and date the example `on DATE`, the day the figure is read"),
            ));
        };
        Ok((m as usize, from, today.next_day().unwrap_or(today)))
    }

    /// The attribute's value now, when the engine keeps no history of it
    /// for this member (an example): it is then taken as held all period.
    fn held_now(
        &mut self,
        m: usize,
        (attr, slot): (usize, usize),
        span: Span,
    ) -> Result<Option<Decimal>> {
        let kept = self
            .inputs
            .histories
            .get(slot)
            .and_then(|h| h.get(m))
            .is_some_and(|h| !h.is_empty());
        if kept {
            return Ok(None);
        }
        let value = self.attribute(m, attr, span)?;
        Ok(Some(value.as_number().unwrap_or_default()))
    }

    /// A member's figure day by day: the engine's history, or the value now
    /// from the period's first day (see [`Self::held_now`]).
    fn held(
        &self,
        m: usize,
        slot: usize,
        from: time::Date,
        now: &Option<Decimal>,
    ) -> std::borrow::Cow<'_, [(time::Date, Decimal)]> {
        match (now, self.inputs.histories.get(slot).and_then(|h| h.get(m))) {
            (None, Some(h)) => std::borrow::Cow::Borrowed(h.as_slice()),
            (Some(v), _) => std::borrow::Cow::Owned(vec![(from, *v)]),
            (None, None) => std::borrow::Cow::Owned(Vec::new()),
        }
    }

    /// `accrued(m.x, rate)`: the attribute's history and the rate's
    /// schedule, from the period's first day to the end of today, through
    /// the one definition (`semantics::time::accrue`).
    fn eval_accrued(
        &mut self,
        member: &Ir,
        (attr, slot): (usize, usize),
        rate: usize,
        unit: crate::units::TimeUnit,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        use crate::semantics::time::{AccrualError, accrue};
        let (m, from, to) = self.accrual_span(member, "accrued", frame, span)?;
        let now = self.held_now(m, (attr, slot), span)?;
        let held = self.held(m, slot, from, &now);
        let constant: Vec<(time::Date, Decimal)>;
        let dated = self.program.params.get(rate).map(|p| &p.dated);
        let rates = match self.inputs.schedules.get(rate) {
            Some(s) if !s.is_empty() => s.as_slice(),
            // An example: a dated rate's own values, each from its date.
            _ if dated.is_some_and(|d| !d.is_empty()) => {
                constant = dated
                    .into_iter()
                    .flatten()
                    .map(|(d, v)| (*d, v.as_number().unwrap_or_default()))
                    .collect();
                &constant
            }
            _ => {
                let value = self.param(rate, span)?;
                constant = vec![(from, value.as_number().unwrap_or_default())];
                &constant
            }
        };
        match accrue(&held, rates, unit, self.program.day_count, from, to) {
            Ok(d) => Ok(Value::Number(d)),
            Err(AccrualError::NoRate(day)) => Err(Box::new(
                Diagnostic::error(
                    Code::NotInForce,
                    format!(
                        "no rate is in force on {}, a day `accrued` counts",
                        crate::syntax::ast::format_date(day)
                    ),
                )
                .at(span, "needed here")
                .help("give the rate a value from the period's first day on"),
            )),
            Err(AccrualError::NoDayCount) => {
                Err(internal("`accrued` per year without a day count", span))
            }
            Err(AccrualError::Overflow) => Err(overflow(span)),
        }
    }

    fn eval_arith(
        &mut self,
        op: ArithOp,
        l: &Ir,
        r: &Ir,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let a = self.eval(l, frame)?;
        let b = self.eval(r, frame)?;
        match (a, b) {
            (Value::Number(a), Value::Number(b)) => {
                arithmetic(op, a, b, span, r.span).map(Value::Number)
            }
            (a, b) => date_arithmetic(op, a, b, span),
        }
    }

    fn eval_compare(
        &mut self,
        op: CompareOp,
        l: &Ir,
        r: &Ir,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let a = self.eval(l, frame)?;
        let b = self.eval(r, frame)?;
        let ordering = compare(&a, &b).ok_or_else(|| internal("incomparable values", span))?;
        Ok(Value::Bool(op.holds(ordering)))
    }

    fn eval_if(
        &mut self,
        branches: &[(Ir, Ir)],
        otherwise: &Ir,
        frame: &mut Vec<Value>,
    ) -> Result<Value> {
        for (condition, value) in branches {
            if self.boolean(condition, frame)? {
                return self.eval(value, frame);
            }
        }
        self.eval(otherwise, frame)
    }

    /// A built-in function of values, computed by its row of the table.
    fn eval_builtin(
        &mut self,
        builtin: BuiltinId,
        args: &[Ir],
        rounding: Option<Rounding>,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let Form::Function(f) = &builtins::get(builtin).form else {
            return Err(internal(
                "a built-in that is not a function of values",
                span,
            ));
        };
        // One or two arguments (every built-in but a long `min`) stay on
        // the stack: a decision at a till should not allocate for `abs`.
        let apply = |ev: &mut Self, values: &[Value]| {
            if let Some(explain) = f.explain {
                ev.trace_note(|| explain(values, rounding));
            }
            (f.one)(values, rounding, span)
        };
        match args {
            [x] => {
                let values = [self.eval(x, frame)?];
                apply(self, &values)
            }
            [x, y] => {
                let values = [self.eval(x, frame)?, self.eval(y, frame)?];
                apply(self, &values)
            }
            _ => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, frame)?);
                }
                apply(self, &values)
            }
        }
    }

    /// Whether person `m` counts now: a member, or on the roll of the
    /// record date in force.
    pub(crate) fn counts(&self, m: usize) -> bool {
        match self.roll {
            Some(date) => self.inputs.on_roll(m, date),
            None => self.inputs.is_active(m),
        }
    }

    /// Whether person `m` is among `who`: the members (on the roll of a
    /// record date, if one is in force), or as `semantics::status` says.
    pub(crate) fn among(&self, who: crate::syntax::ast::Who, m: usize) -> bool {
        match who {
            crate::syntax::ast::Who::Members => self.counts(m),
            _ => self.inputs.standing(who, m),
        }
    }

    /// Runs `f` with the member roll of `record_date` (if any) in force.
    fn with_roll<T>(
        &mut self,
        record_date: Option<&Ir>,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let Some(ir) = record_date else {
            return f(self);
        };
        let mut frame = vec![Value::Bool(false); 4];
        let date = match self.eval(ir, &mut frame)? {
            Value::Date(d) => d,
            _ => return Err(internal("a record date that is not a date", ir.span)),
        };
        let before = self.roll.replace(date);
        let out = f(self);
        self.roll = before;
        out
    }

    fn number(&mut self, ir: &Ir, frame: &mut Vec<Value>) -> Result<Decimal> {
        self.eval(ir, frame)?
            .as_number()
            .ok_or_else(|| internal("expected a number", ir.span))
    }

    fn boolean(&mut self, ir: &Ir, frame: &mut Vec<Value>) -> Result<bool> {
        self.eval(ir, frame)?
            .as_bool()
            .ok_or_else(|| internal("expected a yes/no value", ir.span))
    }

    fn attribute(&self, member: usize, attr: usize, span: Span) -> Result<Value> {
        match self
            .inputs
            .members
            .get(attr)
            .and_then(|col| col.get(member))
        {
            Some(Some(v)) => Ok(v.clone()),
            _ => {
                let name = self
                    .inputs
                    .member_names
                    .get(member)
                    .map_or("a member", String::as_str);
                let attr_name = self
                    .program
                    .member_attrs
                    .get(attr)
                    .map_or("?", |a| a.name.as_str());
                Err(Box::new(Diagnostic::error(
                    Code::MissingValue,
                    format!("the member `{name}` has no value for `{attr_name}`"),
                )
                .at(span, "needed here")
                .help(format!(
                    "give `{name}` a value for `{attr_name}`, or give `{attr_name}` a default in the member schema (`{attr_name}: Type = value`)"
                ))))
            }
        }
    }

    fn call(&mut self, rule: usize, mut args: Vec<Value>, span: Span) -> Result<Value> {
        let program = self.program;
        let def = program
            .rules
            .get(rule)
            .ok_or_else(|| internal("unknown rule", span))?;
        if self.tracing() {
            let args_typed: Vec<(Value, crate::types::Type)> = args
                .iter()
                .cloned()
                .zip(def.params.iter().map(|(_, t)| *t))
                .collect();
            self.trace_what(|| TraceWhat::Rule {
                rule,
                args: args_typed,
            });
            // Every derivation is shown in full, so nothing is taken from memory.
            args.resize(def.frame_size.max(args.len()), Value::Bool(false));
            return self.eval(&def.body, &mut args);
        }
        let member = match (def.memo, args.first()) {
            (Memo::Global, _) => {
                if let Some(Some(v)) = self.global_memo.get(rule) {
                    return Ok(v.clone());
                }
                None
            }
            (Memo::PerMember, Some(Value::Member(m))) => {
                let m = *m as usize;
                if let Some(v) = self.member_memo.get(rule).and_then(|memo| memo.get(m)) {
                    return Ok(v.clone());
                }
                Some(m)
            }
            _ => None,
        };
        args.resize(def.frame_size.max(args.len()), Value::Bool(false));
        let value = self.eval(&def.body, &mut args)?;
        match (def.memo, member) {
            (Memo::Global, _) => {
                if self.global_memo.len() <= rule {
                    self.global_memo
                        .resize(self.program.rules.len().max(rule + 1), None);
                }
                self.global_memo[rule] = Some(value.clone());
            }
            (Memo::PerMember, Some(m)) => {
                let members = self.inputs.member_count();
                if self.member_memo.len() <= rule {
                    self.member_memo.resize(
                        self.program.rules.len().max(rule + 1),
                        MemberMemo::default(),
                    );
                }
                self.member_memo[rule].insert(m, value.clone(), members);
            }
            _ => {}
        }
        Ok(value)
    }

    fn aggregate(
        &mut self,
        (kind, who): (AggregateKind, crate::syntax::ast::Who),
        var: usize,
        value: Option<&Ir>,
        filter: Option<&Ir>,
        frame: &mut Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        if frame.len() <= var {
            frame.resize(var + 1, Value::Bool(false));
        }
        let mut total = Decimal::ZERO;
        let mut count: i64 = 0;
        let mut best: Option<Value> = None;
        let mut truth = matches!(kind, AggregateKind::All);
        for m in 0..self.inputs.member_count() {
            if !self.among(who, m) {
                continue;
            }
            frame[var] = Value::Member(m as u32);
            if let Some(f) = filter {
                if !self.boolean(f, frame)? {
                    continue;
                }
            }
            match kind {
                AggregateKind::Count => count += 1,
                AggregateKind::Sum => {
                    let v = self.number(
                        value.ok_or_else(|| internal("sum without value", span))?,
                        frame,
                    )?;
                    total = total.checked_add(v).ok_or_else(|| overflow(span))?;
                }
                AggregateKind::Min | AggregateKind::Max => {
                    let v = self.eval(
                        value.ok_or_else(|| internal("min without value", span))?,
                        frame,
                    )?;
                    best = Some(match best {
                        None => v,
                        Some(b) => pick(b, v, kind == AggregateKind::Max),
                    });
                }
                AggregateKind::Any => {
                    let holds = match value {
                        Some(v) => self.boolean(v, frame)?,
                        None => true,
                    };
                    if holds {
                        truth = true;
                        break;
                    }
                }
                AggregateKind::All => {
                    let v = value.ok_or_else(|| internal("all without value", span))?;
                    if !self.boolean(v, frame)? {
                        truth = false;
                        break;
                    }
                }
            }
        }
        Ok(match kind {
            AggregateKind::Count => Value::Number(Decimal::from(count)),
            AggregateKind::Sum => Value::Number(total),
            AggregateKind::Any | AggregateKind::All => Value::Bool(truth),
            AggregateKind::Min | AggregateKind::Max => {
                best.ok_or_else(|| {
                    Box::new(Diagnostic::error(
                    Code::EmptyAggregate,
                    format!("`{}` over no members has no value", kind.as_str()),
                )
                .at(span, "no member passes the filter")
                .help("guard it with `if count(each member m where ...) > 0 then ... else ...`"))
                })?
            }
        })
    }
}

/// A rule's values for the members it was computed for. Sparse while few
/// members are asked about (one act, one till sale), so that an evaluator
/// over a million members costs nothing until it is used for many; dense
/// once it is (a sum over all members).
#[derive(Debug, Clone, Default)]
enum MemberMemo {
    #[default]
    Empty,
    Sparse(Vec<(usize, Value)>),
    Dense(Vec<Option<Value>>),
}

/// How many members a sparse memo holds before it turns dense.
const SPARSE_MEMO: usize = 32;

impl MemberMemo {
    fn get(&self, m: usize) -> Option<&Value> {
        match self {
            MemberMemo::Empty => None,
            MemberMemo::Sparse(list) => list.iter().find(|(k, _)| *k == m).map(|(_, v)| v),
            MemberMemo::Dense(all) => all.get(m).and_then(Option::as_ref),
        }
    }

    fn insert(&mut self, m: usize, value: Value, members: usize) {
        match self {
            MemberMemo::Empty => *self = MemberMemo::Sparse(vec![(m, value)]),
            MemberMemo::Sparse(list) if list.len() < SPARSE_MEMO => list.push((m, value)),
            MemberMemo::Sparse(list) => {
                let mut all = vec![None; members.max(m + 1)];
                for (k, v) in list.drain(..) {
                    if let Some(slot) = all.get_mut(k) {
                        *slot = Some(v);
                    }
                }
                all[m] = Some(value);
                *self = MemberMemo::Dense(all);
            }
            MemberMemo::Dense(all) => {
                if all.len() <= m {
                    all.resize(m + 1, None);
                }
                all[m] = Some(value);
            }
        }
    }
}

#[cold]
fn not_in_force(
    program: &Program,
    p: usize,
    from: time::Date,
    today: Option<time::Date>,
    span: Span,
) -> Box<Diagnostic> {
    let name = program.params.get(p).map_or("?", |d| d.name.as_str());
    let on = today.map_or_else(
        || "on the example's date".to_string(),
        |d| format!("on {}", crate::value::format_date(d)),
    );
    Box::new(
        Diagnostic::error(
            Code::NotInForce,
            format!(
                "`{name}` has no value in force {on}: its first value is from {}",
                crate::value::format_date(from)
            ),
        )
        .at(span, "not yet in force")
        .help("date the step or example on or after the first value's date, or give the parameter a value from an earlier date"),
    )
}

#[cold]
fn missing_param(program: &Program, p: usize, span: Span) -> Box<Diagnostic> {
    let name = program.params.get(p).map_or("?", |d| d.name.as_str());
    Box::new(
        Diagnostic::error(
            Code::MissingValue,
            format!("the parameter `{name}` has no value"),
        )
        .at(span, "needed here")
        .help("give every parameter a value"),
    )
}

#[cold]
fn missing_period(
    program: &Program,
    field: usize,
    in_scenario: bool,
    span: Span,
) -> Box<Diagnostic> {
    let name = program
        .period_fields
        .get(field)
        .map_or("?", |d| d.name.as_str());
    // In a scenario a figure not kept in the books is known only at the
    // close; one kept in the books can be read at any step.
    let help = if in_scenario {
        format!(
            "`{name}` is given at the close (`close period {{ {name} ... }}`); to read it during the period, take it from the books in the rulebook's `period {{ ... }}`, as in `{name}: Money = debits of \"costs\"`"
        )
    } else {
        format!("give the period a `{name}`, as in `period {{ {name} ... }}` in the example")
    };
    Box::new(
        Diagnostic::error(
            Code::MissingValue,
            format!("the period's `{name}` is not given"),
        )
        .at(span, "needed here")
        .help(help),
    )
}

#[cold]
fn budget_exceeded(budget: u64, span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            Code::StepBudget,
            format!("evaluation took more than {budget} steps and was stopped"),
        )
        .at(span, "stopped here")
        .help("the rules do too much work for these inputs; simplify them, or raise the step budget for large member lists"),
    )
}

#[cold]
fn too_deep(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            Code::EvalTooDeep,
            format!("rules call each other more than {MAX_EVAL_DEPTH} levels deep"),
        )
        .at(span, "too deep")
        .help("shorten the chain of rules that use one another"),
    )
}
