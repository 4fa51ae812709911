//! The column-at-a-time evaluator: each node of an expression is computed
//! for every member at once.
//!
//! A node it cannot compute as columns (a vote, a date sum, a value that
//! needs more than fixed point and is not a plain number) is computed member
//! by member with the ordinary [`Evaluator`], and so is any node whose
//! column computation fails: the columns see every member, while `and`,
//! `or` and `if` look only at the members they must, so an error in a
//! column may not be an error of the rules. The member-by-member result is
//! then the answer, with the evaluator's own diagnostic if there is one.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::column::{self, Col};
use crate::eval::{Evaluator, Inputs};
use crate::program::{BuiltinId, CompareOp, Ir, IrKind, Memo, Program, Rounding};
use crate::semantics::builtins::{self, Form, Kernel};
use crate::semantics::operators::{self, arithmetic, compare, internal};
use crate::syntax::ast::AggregateKind;
use crate::value::Value;

/// Where a column evaluation ends when the rules themselves fail.
pub type Result<T> = std::result::Result<T, Box<crate::Diagnostic>>;

/// What the column evaluator reads: the program and the batch's state.
pub struct Sources<'a> {
    /// The program.
    pub program: &'a Program,
    /// How many members.
    pub n: usize,
    /// Every parameter's value.
    pub params: &'a [Value],
    /// The period's figures.
    pub period: &'a [Option<Value>],
    /// Each member attribute as a column.
    pub attrs: &'a [Col],
    /// The members' names.
    pub names: &'a super::MemberColumns,
    /// Which people are members now (in a simulation: admitted and not
    /// gone); `None`: all of them. Only members count in an aggregate or
    /// share in an allocation.
    pub active: Option<&'a [bool]>,
    /// The same state as the row evaluator sees it, when the caller has it
    /// (a simulation): what a member-by-member fallback evaluates over, so
    /// that `today`, votes and dates of admission are there too.
    pub rows: Option<&'a Inputs>,
    /// Allocations computed so far: per allocation, per tranche, the total
    /// and each member's share in minor units.
    pub allocated: &'a [Option<super::BatchAllocation>],
}

impl ColumnEvaluator<'_> {
    /// What the cooperative's account `name` holds, from the rows the
    /// caller has (a simulation's); nothing without them.
    pub(super) fn balance(&self, name: &str) -> Decimal {
        self.src
            .rows
            .and_then(|r| r.balances.get(name).copied())
            .unwrap_or(Decimal::ZERO)
    }
}

/// Computes expressions over every member at once.
pub struct ColumnEvaluator<'a> {
    src: Sources<'a>,
    memo: Vec<Option<Col>>,
    /// Calls of rules with column arguments: (rule, arguments' identity,
    /// the arguments themselves, kept so that no address is reused, value).
    calls: Vec<(usize, Vec<usize>, Vec<Col>, Col)>,
    fallback: Option<Inputs>,
    /// How many nodes were computed member by member (for tests and
    /// benchmarks: a fast path that silently falls back is a slow path).
    pub fallbacks: usize,
}

impl<'a> ColumnEvaluator<'a> {
    /// An evaluator over `src`.
    pub fn new(src: Sources<'a>) -> Self {
        let rules = src.program.rules.len();
        ColumnEvaluator {
            src,
            memo: vec![None; rules],
            calls: Vec::new(),
            fallback: None,
            fallbacks: 0,
        }
    }

    /// How many members.
    pub fn members(&self) -> usize {
        self.src.n
    }

    /// Which people are members now (`None`: all of them).
    pub fn active(&self) -> Option<&'a [bool]> {
        self.src.active
    }

    /// The members, by name.
    pub fn names(&self) -> &'a super::MemberColumns {
        self.src.names
    }

    /// Member `m`'s name.
    pub fn member_name(&self, m: usize) -> &'a str {
        self.src.names.name(m)
    }

    /// The program.
    pub fn program(&self) -> &'a Program {
        self.src.program
    }

    /// Member attribute `attr` as a column.
    pub fn attr(&self, attr: usize) -> Col {
        self.src
            .attrs
            .get(attr)
            .cloned()
            .unwrap_or(Col::One(Value::Bool(false)))
    }

    /// The value of `ir` for every member, with `frame` holding the local
    /// slots (use [`Col::Rows`] for the slot of the member).
    pub fn eval(&mut self, ir: &Ir, frame: &mut Vec<Col>) -> Result<Col> {
        match self.columns(ir, frame) {
            Some(Ok(col)) => Ok(col),
            // The rules failed for a reason a member-by-member run also
            // meets (a call deeper down already fell back): report it.
            Some(Err(d)) => Err(d),
            None => self.member_by_member(ir, frame),
        }
    }

    /// A rule of one member (such as `eligible(m)`) for every member.
    pub fn member_rule(&mut self, rule: usize) -> Result<Col> {
        self.call(rule, &[Col::Rows])
    }

    fn call(&mut self, rule: usize, args: &[Col]) -> Result<Col> {
        let program = self.src.program;
        let def = &program.rules[rule];
        let memoised = match def.memo {
            Memo::Global => true,
            Memo::PerMember => matches!(args, [Col::Rows]),
            Memo::None => false,
        };
        if memoised {
            if let Some(Some(col)) = self.memo.get(rule) {
                return Ok(col.clone());
            }
        }
        // A rule of values (`price(m.cost)`) called again with the very same
        // columns: the same result.
        let key: Option<Vec<usize>> = (!memoised)
            .then(|| {
                args.iter()
                    .map(column_identity)
                    .collect::<Option<Vec<usize>>>()
            })
            .flatten();
        if let Some(key) = &key {
            if let Some((.., col)) = self.calls.iter().find(|(r, k, ..)| *r == rule && k == key) {
                return Ok(col.clone());
            }
        }
        let mut frame: Vec<Col> = args.to_vec();
        frame.resize(def.frame_size.max(args.len()), Col::One(Value::Bool(false)));
        let col = self.eval(&def.body, &mut frame)?;
        if memoised {
            self.memo[rule] = Some(col.clone());
        } else if let Some(key) = key {
            self.calls.push((rule, key, args.to_vec(), col.clone()));
        }
        Ok(col)
    }

    /// `Some(Ok)` computed as columns; `Some(Err)` a failure of the rules
    /// that came from a member-by-member computation deeper down; `None`
    /// when this node is better computed member by member.
    fn columns(&mut self, ir: &Ir, frame: &mut Vec<Col>) -> Option<Result<Col>> {
        let n = self.src.n;
        let col = match &ir.kind {
            IrKind::Const(v) => Col::One(v.clone()),
            IrKind::Param(p) => Col::One(self.src.params.get(*p)?.clone()),
            IrKind::Period(f) => Col::One(self.src.period.get(*f)?.clone()?),
            IrKind::Local(slot) => frame.get(*slot)?.clone(),
            IrKind::Attr { member, attr } => match self.columns(member, frame)? {
                Ok(Col::Rows) => self.src.attrs.get(*attr)?.clone(),
                Ok(Col::One(Value::Member(m))) => {
                    Col::One(self.src.attrs.get(*attr)?.value_at(m as usize)?)
                }
                Ok(_) => return None,
                Err(e) => return Some(Err(e)),
            },
            IrKind::Call { rule, args } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    match self.columns(a, frame)? {
                        Ok(c) => values.push(c),
                        Err(e) => return Some(Err(e)),
                    }
                }
                return Some(self.call(*rule, &values));
            }
            IrKind::Arith(op, l, r) => {
                let (a, b) = (self.sub(l, frame)?, self.sub(r, frame)?);
                if let (Col::One(Value::Number(x)), Col::One(Value::Number(y))) = (&a, &b) {
                    return Some(
                        arithmetic(*op, *x, *y, ir.span, r.span)
                            .map(|d| Col::One(Value::Number(d))),
                    );
                }
                match column::fixed_arith(*op, &a, &b, n) {
                    Some(c) => c,
                    None => decimal_arith(*op, &a, &b, n)?,
                }
            }
            IrKind::Compare(op, l, r) => {
                let (a, b) = (self.sub(l, frame)?, self.sub(r, frame)?);
                match column::fixed_compare(*op, &a, &b, n) {
                    Some(c) => c,
                    None => value_compare(*op, &a, &b, n)?,
                }
            }
            IrKind::Neg(x) => {
                let a = self.sub(x, frame)?;
                match column::fixed_neg(&a) {
                    Some(c) => c,
                    None => decimal_map(&a, n, |d| Some(-d))?,
                }
            }
            IrKind::Builtin {
                builtin,
                args,
                rounding,
            } => {
                let mut cols = Vec::with_capacity(args.len());
                for a in args {
                    cols.push(self.sub(a, frame)?);
                }
                builtin_columns(*builtin, &cols, *rounding, n)?
            }
            IrKind::Not(x) => {
                let a = self.sub(x, frame)?;
                bool_map(&a, n, |b| !b)?
            }
            IrKind::IsNone(x) => match self.sub(x, frame)? {
                Col::One(v) => Col::One(Value::Bool(operators::is_none(&v))),
                col => {
                    let mut out = Vec::with_capacity(n);
                    for i in 0..n {
                        out.push(operators::is_none(&col.value_at(i)?));
                    }
                    Col::Bool(Arc::new(out))
                }
            },
            IrKind::And(l, r) | IrKind::Or(l, r) => {
                let and = matches!(ir.kind, IrKind::And(..));
                let a = self.sub(l, frame)?;
                // A constant left side decides alone, as in the rules.
                if let Col::One(Value::Bool(b)) = a {
                    if b != and {
                        return Some(Ok(Col::One(Value::Bool(b))));
                    }
                    return Some(self.eval(r, frame));
                }
                let b = self.sub(r, frame)?;
                match (&a, &b) {
                    (Col::Bool(x), Col::Bool(y)) => Col::Bool(Arc::new(
                        x.iter()
                            .zip(y.iter())
                            .map(|(p, q)| if and { *p && *q } else { *p || *q })
                            .collect(),
                    )),
                    _ => {
                        let mut out = Vec::with_capacity(n);
                        for i in 0..n {
                            let (x, y) = (a.bool_at(i)?, b.bool_at(i)?);
                            out.push(if and { x && y } else { x || y });
                        }
                        Col::Bool(Arc::new(out))
                    }
                }
            }
            IrKind::Because { condition, .. } => return Some(self.eval(condition, frame)),
            IrKind::If {
                branches,
                otherwise,
            } => {
                let mut pairs = Vec::with_capacity(branches.len());
                for (c, v) in branches {
                    pairs.push((self.sub(c, frame)?, self.sub(v, frame)?));
                }
                let other = self.sub(otherwise, frame)?;
                select(&pairs, &other, n)?
            }
            IrKind::Exceptions {
                base,
                exceptions,
                order,
            } => {
                let mut pairs = Vec::with_capacity(order.len());
                for &i in order {
                    let e = exceptions.get(i)?;
                    pairs.push((self.sub(&e.condition, frame)?, self.sub(&e.value, frame)?));
                }
                let other = self.sub(base, frame)?;
                select(&pairs, &other, n)?
            }
            // Over the members by columns; over people of another standing
            // (which a batch's register does not say), member by member.
            IrKind::Aggregate {
                kind,
                who: crate::syntax::ast::Who::Members,
                var,
                value,
                filter,
            } => return self.aggregate(*kind, *var, value.as_deref(), filter.as_deref(), frame),
            IrKind::Aggregate { .. } => return None,
            IrKind::Allocated {
                allocation,
                tranche,
                member,
            } => {
                let outcome = self.src.allocated.get(*allocation)?.as_ref()?;
                let t = outcome.tranches.get(*tranche)?;
                match member {
                    None => Col::One(Value::Number(t.total)),
                    Some(m) => {
                        let who = self.sub(m, frame)?;
                        let shares = t.shares.as_ref();
                        let digits = outcome.digits;
                        match (who, shares) {
                            (Col::Rows, Some(s)) => Col::Fixed(Arc::new(column::Fixed {
                                scale: digits,
                                values: s.clone(),
                            })),
                            (Col::Rows, None) => Col::One(Value::Number(Decimal::new(0, digits))),
                            _ => return None,
                        }
                    }
                }
            }
            // Member by member, through the row evaluator: the history of
            // each is the engine's.
            IrKind::Today
            | IrKind::PeriodBound(_)
            | IrKind::Resolution { .. }
            | IrKind::LossBorne { .. }
            | IrKind::Accrued { .. }
            | IrKind::DaysHeld { .. }
            | IrKind::DaysMember(_) => return None,
        };
        Some(Ok(col))
    }

    /// A sub-expression as columns; a failure of the rules deeper down
    /// still leaves this node to the member-by-member path, which reports
    /// it where the rules really meet it.
    fn sub(&mut self, ir: &Ir, frame: &mut Vec<Col>) -> Option<Col> {
        self.columns(ir, frame)?.ok()
    }

    fn aggregate(
        &mut self,
        kind: AggregateKind,
        var: usize,
        value: Option<&Ir>,
        filter: Option<&Ir>,
        frame: &mut Vec<Col>,
    ) -> Option<Result<Col>> {
        let n = self.src.n;
        // Inside a rule of one member, the aggregate's members and that
        // member would share the rows: leave it to the member-by-member path.
        if frame.iter().any(|c| !matches!(c, Col::One(_))) {
            return None;
        }
        if frame.len() <= var {
            frame.resize(var + 1, Col::One(Value::Bool(false)));
        }
        let saved = std::mem::replace(&mut frame[var], Col::Rows);
        let filter = filter.map(|f| self.sub(f, frame));
        let value = value.map(|v| self.sub(v, frame));
        frame[var] = saved;
        // Which members count; a missing yes/no is the evaluator's to report.
        let mask: Option<Vec<bool>> = match filter {
            Some(f) => {
                let f = f?;
                Some(
                    (0..n)
                        .map(|i| f.bool_at(i))
                        .collect::<Option<Vec<bool>>>()?,
                )
            }
            None => None,
        };
        let active = self.src.active;
        let counts = |i: usize| {
            active.is_none_or(|a| a.get(i).copied().unwrap_or(false))
                && mask.as_ref().is_none_or(|m| m[i])
        };
        let value = match value {
            Some(v) => Some(v?),
            None => None,
        };
        let result = match kind {
            AggregateKind::Count => {
                Value::Number(Decimal::from((0..n).filter(|&i| counts(i)).count() as u64))
            }
            AggregateKind::Sum => {
                let v = value?;
                // The evaluator adds decimals in member order; exact sums
                // of fixed-point values are the same number.
                match (&v, column::fixed_scale(&v)) {
                    (Col::Fixed(f), Some(scale)) => {
                        let mut total: i128 = 0;
                        for (i, x) in f.values.iter().enumerate() {
                            if counts(i) {
                                total = total.checked_add(*x as i128)?;
                            }
                        }
                        Value::Number(Decimal::try_from_i128_with_scale(total, scale).ok()?)
                    }
                    _ => {
                        let mut total = Decimal::ZERO;
                        for i in 0..n {
                            if counts(i) {
                                total = total.checked_add(v.decimal_at(i)?)?;
                            }
                        }
                        Value::Number(total)
                    }
                }
            }
            _ => return None,
        };
        Some(Ok(Col::One(result)))
    }

    /// Computes `ir` for each member with the ordinary evaluator.
    fn member_by_member(&mut self, ir: &Ir, frame: &mut [Col]) -> Result<Col> {
        self.fallbacks += 1;
        let n = self.src.n;
        if self.fallback.is_none() && self.src.rows.is_none() {
            self.fallback = Some(self.inputs());
        }
        let Some(inputs) = self.src.rows.or(self.fallback.as_ref()) else {
            return Err(internal("no inputs", ir.span));
        };
        let mut ev = Evaluator::new(self.src.program, inputs);
        // Rows vary; anything else is the same for every member.
        if !frame.iter().any(|c| !matches!(c, Col::One(_))) {
            let mut values: Vec<Value> = frame
                .iter()
                .map(|c| c.value_at(0).unwrap_or(Value::Bool(false)))
                .collect();
            return ev.eval(ir, &mut values).map(Col::One);
        }
        let mut out = Vec::with_capacity(n);
        let mut values: Vec<Value> = Vec::with_capacity(frame.len());
        let active = self.src.active;
        for m in 0..n {
            // Only members are evaluated, as the row evaluator does: a
            // person not admitted may lack the figures a rule reads.
            if active.is_some_and(|a| !a.get(m).copied().unwrap_or(false)) {
                out.push(None);
                continue;
            }
            values.clear();
            values.extend(
                frame
                    .iter()
                    .map(|c| c.value_at(m).unwrap_or(Value::Bool(false))),
            );
            out.push(Some(ev.eval(ir, &mut values)?));
        }
        Ok(Col::from_values(out))
    }

    /// The batch's state as the ordinary evaluator's inputs.
    fn inputs(&self) -> Inputs {
        let n = self.src.n;
        Inputs {
            params: self.src.params.to_vec(),
            member_names: (0..n).map(|i| self.member_name(i).to_string()).collect(),
            members: self
                .src
                .attrs
                .iter()
                .map(|c| (0..n).map(|m| c.value_at(m)).collect())
                .collect(),
            period: self.src.period.to_vec(),
            votes: vec![None; self.src.program.resolutions.len()],
            active: self.src.active.map(<[bool]>::to_vec).unwrap_or_default(),
            joined: self.src.names.dates().0.to_vec(),
            left: self.src.names.dates().1.to_vec(),
            ..Inputs::default()
        }
    }
}

/// A built-in function of values for every member, through its row of the
/// table: the row's kernel, or else its function over one value, member by
/// member. `None` leaves the node to the member-by-member path (a value
/// missing, or a call that fails for some member: the rules may never
/// compute it for that member).
fn builtin_columns(
    builtin: BuiltinId,
    cols: &[Col],
    rounding: Option<Rounding>,
    n: usize,
) -> Option<Col> {
    let Form::Function(f) = &builtins::get(builtin).form else {
        return None;
    };
    let span = crate::span::Span::default();
    // One value for everybody (`max(result, €0)` of the whole cooperative):
    // one value, by the one-value function, not a column.
    if let Some(values) = cols
        .iter()
        .map(|c| match c {
            Col::One(v) => Some(v.clone()),
            _ => None,
        })
        .collect::<Option<Vec<Value>>>()
    {
        return (f.one)(&values, rounding, span).ok().map(Col::One);
    }
    // Every kernel is named here, so a new one cannot go unhandled.
    let kernel = match f.column {
        Kernel::Fixed(op) => match cols {
            [a] => column::fixed_map(a, op),
            _ => None,
        },
        Kernel::Round => match (cols, rounding) {
            ([a], Some(r)) => column::fixed_round(a, r.step, r.mode),
            _ => None,
        },
        Kernel::Pick { max } => match cols {
            [first, rest @ ..] => pick_columns(max, first, rest, n),
            [] => None,
        },
        Kernel::PerValue => None,
    };
    if kernel.is_some() {
        return kernel;
    }
    column::per_value(cols, n, |values| (f.one)(values, rounding, span).ok())
}

/// The largest (`max`) or smallest of the columns for each member, the
/// first kept between equals as in [`crate::semantics::operators::pick`].
fn pick_columns(max: bool, first: &Col, rest: &[Col], n: usize) -> Option<Col> {
    let mut best = first.clone();
    for next in rest {
        // max: take `next` where it is greater; min: where less.
        let op = if max { CompareOp::Gt } else { CompareOp::Lt };
        let take = match column::fixed_compare(op, next, &best, n) {
            Some(c) => c,
            None => value_compare(op, next, &best, n)?,
        };
        best = select(&[(take, next.clone())], &best, n)?;
    }
    Some(best)
}

/// The identity of a column that is shared rather than computed afresh
/// (an attribute, a remembered result): the address of its values. `None`
/// for anything else, which is never looked up.
fn column_identity(col: &Col) -> Option<usize> {
    match col {
        Col::Fixed(f) => Some(Arc::as_ptr(f) as usize),
        Col::Dec(d) => Some(Arc::as_ptr(d) as usize),
        Col::Bool(b) => Some(Arc::as_ptr(b) as usize),
        Col::Values(v) => Some(Arc::as_ptr(v) as usize),
        Col::Rows => Some(0),
        Col::One(_) => None,
    }
}

fn decimal_arith(op: crate::program::ArithOp, a: &Col, b: &Col, n: usize) -> Option<Col> {
    let span = crate::span::Span::default();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(arithmetic(op, a.decimal_at(i)?, b.decimal_at(i)?, span, span).ok()?);
    }
    Some(Col::Dec(Arc::new(out)))
}

fn decimal_map(a: &Col, n: usize, f: impl Fn(Decimal) -> Option<Decimal>) -> Option<Col> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let d = f(a.decimal_at(i)?)?;
        out.push(if d.is_zero() { Decimal::ZERO } else { d });
    }
    Some(Col::Dec(Arc::new(out)))
}

fn bool_map(a: &Col, n: usize, f: impl Fn(bool) -> bool) -> Option<Col> {
    if let Col::One(Value::Bool(b)) = a {
        return Some(Col::One(Value::Bool(f(*b))));
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(f(a.bool_at(i)?));
    }
    Some(Col::Bool(Arc::new(out)))
}

fn value_compare(op: CompareOp, a: &Col, b: &Col, n: usize) -> Option<Col> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(op.holds(compare(&a.value_at(i)?, &b.value_at(i)?)?));
    }
    Some(Col::Bool(Arc::new(out)))
}

/// For each member, the value of the first pair whose condition holds, or
/// `other`.
fn select(pairs: &[(Col, Col)], other: &Col, n: usize) -> Option<Col> {
    // All constant conditions: one branch for everybody.
    if pairs.iter().all(|(c, _)| matches!(c, Col::One(_))) {
        for (c, v) in pairs {
            if c.bool_at(0)? {
                return Some(v.clone());
            }
        }
        return Some(other.clone());
    }
    let choice = |i: usize| -> Option<&Col> {
        for (c, v) in pairs {
            if c.bool_at(i)? {
                return Some(v);
            }
        }
        Some(other)
    };
    // Fixed point when every branch is: bring them to one scale.
    let scales: Option<Vec<u32>> = pairs
        .iter()
        .map(|(_, v)| column::fixed_scale(v))
        .chain(std::iter::once(column::fixed_scale(other)))
        .collect();
    if let Some(scales) = scales {
        let scale = scales.into_iter().max()?;
        let mut branches: Vec<Vec<i64>> = Vec::with_capacity(pairs.len() + 1);
        for (_, v) in pairs {
            branches.push(column::at_scale(v, scale, n)?);
        }
        branches.push(column::at_scale(other, scale, n)?);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            // The first branch whose condition holds, or the last (`else`).
            let mut k = pairs.len();
            for (j, (c, _)) in pairs.iter().enumerate() {
                if c.bool_at(i)? {
                    k = j;
                    break;
                }
            }
            out.push(branches.get(k).and_then(|b| b.get(i)).copied()?);
        }
        return Some(Col::Fixed(Arc::new(column::Fixed { scale, values: out })));
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(Some(choice(i)?.value_at(i)?));
    }
    Some(Col::from_values(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{Batch, MemberColumns};
    use std::str::FromStr;

    const RULEBOOK: &str = r#"rulebook "Built-ins" currency GBP
member {
  balance: Money
  age: Integer
  joined: Date
}
parameter base: Money = £1.00
rule pennies(m: Member): Money = round(m.balance * 3%, to 0.01, half even)
rule nickels(m: Member): Money = round(m.balance * 3%, to 0.05, half up)
rule size(m: Member): Money = abs(m.balance)
rule quarter(m: Member): Decimal = abs((m.age - 40) / 4)
rule top(m: Member): Money = max(m.balance, base, £0.50)
rule low(m: Member): Integer = min(m.age, 35)
rule first(m: Member): Date = min(m.joined, 2020-01-01)
"#;

    const MEMBERS: &str = "name,balance,age,joined\n\
        ada,-£2.35,31,2019-05-01\n\
        bo,£10.05,50,2021-01-01\n\
        cy,£0.00,40,2020-01-01\n";

    fn n(s: &str) -> Value {
        Value::Number(Decimal::from_str(s).unwrap())
    }

    fn day(year: i32, month: time::Month, day: u8) -> Value {
        Value::Date(time::Date::from_calendar_date(year, month, day).unwrap())
    }

    /// Each built-in over every member as columns: the values worked by
    /// hand, the row evaluator's values member by member, the kernel the
    /// table names (a fixed-point column) or else the function over one
    /// value (decimals), and never the member-by-member path.
    #[test]
    fn builtins_as_columns_agree_with_the_hand_and_the_row_evaluator() {
        let program = crate::check::check(&crate::syntax::parse(RULEBOOK).expect("parses"))
            .program
            .expect("checks");
        let members = MemberColumns::from_csv(&program, MEMBERS).expect("reads");
        let inputs = Inputs {
            params: program.default_params(),
            member_names: (0..3).map(|m| members.name(m).to_string()).collect(),
            members: members
                .columns()
                .iter()
                .map(|c| (0..3).map(|m| c.value_at(m)).collect())
                .collect(),
            ..Inputs::default()
        };
        let mut batch = Batch::new(&program, members);
        // -2.35 × 3% = -0.0705, 10.05 × 3% = 0.3015: to pennies (half even)
        // -0.07 and 0.30; to nickels (half up) -1.41 and 6.03 steps, so
        // -0.05 and 0.30.
        let cases: [(&str, [Value; 3], bool); 7] = [
            ("pennies", [n("-0.07"), n("0.30"), n("0.00")], true),
            ("nickels", [n("-0.05"), n("0.30"), n("0.00")], false),
            ("size", [n("2.35"), n("10.05"), n("0.00")], true),
            // (31 - 40) / 4 = -2.25; (50 - 40) / 4 = 2.5: a division, so
            // decimals, and `abs` over one value.
            ("quarter", [n("2.25"), n("2.5"), n("0")], false),
            ("top", [n("1.00"), n("10.05"), n("1.00")], true),
            ("low", [n("31"), n("35"), n("35")], true),
            (
                "first",
                [
                    day(2019, time::Month::May, 1),
                    day(2020, time::Month::January, 1),
                    day(2020, time::Month::January, 1),
                ],
                false,
            ),
        ];
        for (rule, expected, fixed) in cases {
            let col = batch.member_rule(rule).expect(rule);
            assert_eq!(matches!(col, Col::Fixed(_)), fixed, "{rule}: {col:?}");
            let r = program.rule_id(rule).expect(rule);
            let mut ev = Evaluator::new(&program, &inputs);
            for (m, want) in expected.iter().enumerate() {
                assert_eq!(col.value_at(m).as_ref(), Some(want), "{rule} of member {m}");
                let one = ev.rule(r, vec![Value::Member(m as u32)]).expect(rule);
                assert_eq!(&one, want, "{rule} of member {m}, by the row evaluator");
            }
        }
        assert_eq!(batch.fallbacks(), 0);
    }
}
