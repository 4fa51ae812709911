//! The member list as columns.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::column::{Col, Fixed};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::Program;
use crate::register::{Options, Source};
use crate::semantics::effects;
use crate::syntax::ast::ChangeOp;
use crate::types::Type;
use crate::value::Value;

/// Members' names and their attributes, a column per attribute. An
/// attribute left out of the list is one value for all (its default), so
/// it takes no memory per member.
#[derive(Debug, Clone)]
pub struct MemberColumns {
    /// All names, one after another.
    names: String,
    /// Where each name ends in `names`.
    ends: Vec<u64>,
    columns: Vec<Col>,
    /// Who of them is a member, when not everyone is: a register's former
    /// members (a `left` date), and, where it gives the day each joined,
    /// those with none (not yet admitted).
    members: Option<Vec<bool>>,
    /// The day each person joined and left, as the register gives them
    /// (empty when it gives none): who is an applicant or a former member
    /// to an aggregate over them.
    joined: Vec<Option<time::Date>>,
    left: Vec<Option<time::Date>>,
}

/// A column being read from a list, in the most compact shape that still
/// holds every value exactly.
enum Builder {
    Fixed(u32, Vec<i64>),
    Dec(Vec<Decimal>),
    Bool(Vec<bool>),
    Values(Vec<Option<Value>>),
}

impl Builder {
    fn for_type(ty: Type) -> Builder {
        match ty {
            Type::Money(c) => Builder::Fixed(c.minor_digits(), Vec::new()),
            Type::Integer => Builder::Fixed(0, Vec::new()),
            Type::Decimal | Type::Percent | Type::Measure(_) => Builder::Dec(Vec::new()),
            Type::Bool => Builder::Bool(Vec::new()),
            _ => Builder::Values(Vec::new()),
        }
    }

    fn push(&mut self, v: Option<Value>) {
        match (&mut *self, &v) {
            (Builder::Fixed(scale, values), Some(Value::Number(d))) => {
                if let Some(n) = fixed_at(*d, *scale) {
                    values.push(n);
                    return;
                }
            }
            (Builder::Dec(values), Some(Value::Number(d))) => {
                values.push(*d);
                return;
            }
            (Builder::Bool(values), Some(Value::Bool(b))) => {
                values.push(*b);
                return;
            }
            (Builder::Values(values), _) => {
                values.push(v);
                return;
            }
            _ => {}
        }
        // The value does not fit this shape: widen, then push again.
        self.widen(v.as_ref());
        self.push(v);
    }

    /// The next wider shape: fixed point to decimals (for a number), and
    /// anything to plain values.
    fn widen(&mut self, v: Option<&Value>) {
        let number = matches!(v, Some(Value::Number(_)));
        *self = match std::mem::replace(self, Builder::Values(Vec::new())) {
            Builder::Fixed(scale, values) if number => {
                Builder::Dec(values.into_iter().map(|n| Decimal::new(n, scale)).collect())
            }
            other => Builder::Values(other.into_values()),
        };
    }

    fn into_values(self) -> Vec<Option<Value>> {
        match self {
            Builder::Fixed(scale, v) => v
                .into_iter()
                .map(|n| Some(Value::Number(Decimal::new(n, scale))))
                .collect(),
            Builder::Dec(v) => v.into_iter().map(|d| Some(Value::Number(d))).collect(),
            Builder::Bool(v) => v.into_iter().map(|b| Some(Value::Bool(b))).collect(),
            Builder::Values(v) => v,
        }
    }

    fn finish(self) -> Col {
        match self {
            Builder::Fixed(scale, values) => Col::Fixed(Arc::new(Fixed { scale, values })),
            Builder::Dec(v) => Col::Dec(Arc::new(v)),
            Builder::Bool(v) => Col::Bool(Arc::new(v)),
            Builder::Values(v) => Col::Values(Arc::new(v)),
        }
    }
}

/// `d` as an integer at `scale`, if it is exactly one.
fn fixed_at(d: Decimal, scale: u32) -> Option<i64> {
    if d.scale() > scale {
        let mut n = d.normalize();
        if n.scale() > scale {
            return None;
        }
        n.rescale(scale);
        return i64::try_from(n.mantissa()).ok();
    }
    let m = 10i128.checked_pow(scale - d.scale())?;
    i64::try_from(d.mantissa().checked_mul(m)?).ok()
}

impl MemberColumns {
    /// Reads a member list (the CSV of `rochdale simulate --members`: a
    /// column `name`, then attributes by name). Every bad line is reported.
    pub fn from_csv(program: &Program, text: &str) -> Result<MemberColumns, Vec<Diagnostic>> {
        Self::from_register(program, Source::Csv(text), &Options::default()).map(|(m, _)| m)
    }

    /// Reads a register (CSV or a spreadsheet, read as `options` say), with
    /// the notes about it (the columns it ignored). Every bad row is
    /// reported.
    pub fn from_register(
        program: &Program,
        source: Source<'_>,
        options: &Options,
    ) -> Result<(MemberColumns, Vec<Diagnostic>), Vec<Diagnostic>> {
        // Built at the first row, when the register has said which
        // attributes it gives: the others stay one default for everyone.
        let mut builders: Option<Vec<Option<Builder>>> = None;
        let mut names = String::new();
        let mut ends: Vec<u64> = Vec::new();
        let mut too_many = false;
        let mut members: Vec<bool> = Vec::new();
        let (mut joined, mut left) = (Vec::new(), Vec::new());
        let notes = crate::register::read_rows(program, source, options, |row| {
            if ends.len() >= super::MAX_BATCH_MEMBERS {
                if !too_many {
                    too_many = true;
                    return Err(too_many_members(row.line));
                }
                return Ok(());
            }
            let builders = builders.get_or_insert_with(|| {
                program
                    .member_attrs
                    .iter()
                    .zip(row.given)
                    .map(|(a, given)| given.then(|| Builder::for_type(a.ty)))
                    .collect()
            });
            names.push_str(row.name);
            ends.push(names.len() as u64);
            members.push(row.left.is_none() && (row.joined.is_some() || !row.dates_given));
            joined.push(row.joined);
            left.push(row.left);
            for (b, v) in builders.iter_mut().zip(row.values) {
                if let Some(b) = b {
                    b.push(v);
                }
            }
            Ok(())
        })?;
        let builders =
            builders.unwrap_or_else(|| program.member_attrs.iter().map(|_| None).collect());
        let columns = builders
            .into_iter()
            .zip(&program.member_attrs)
            .map(|(b, a)| match b {
                Some(b) => b.finish(),
                None => match &a.default {
                    Some(v) => Col::One(v.clone()),
                    None => Col::Values(Arc::new(vec![None; ends.len()])),
                },
            })
            .collect();
        let members = MemberColumns {
            names,
            ends,
            columns,
            members: (!members.iter().all(|m| *m)).then_some(members),
            joined: if joined.iter().chain(&left).any(Option::is_some) {
                joined
            } else {
                Vec::new()
            },
            left: if left.iter().any(Option::is_some) {
                left
            } else {
                Vec::new()
            },
        };
        if members.has_duplicate_names() {
            // The row-by-row reader names the line of each repeat.
            return Err(crate::register::read(program, source, options)
                .err()
                .unwrap_or_else(|| {
                    vec![
                        Diagnostic::error(Code::BadInputFile, "a person is listed twice")
                            .help("each person appears once"),
                    ]
                }));
        }
        Ok((members, notes))
    }

    /// People given by name, with their values attribute-major
    /// (`columns[attr][person]`, as a simulation holds them), as columns.
    pub fn from_rows(program: &Program, people: &[String], columns: &[Vec<Option<Value>>]) -> Self {
        let mut names = String::new();
        let mut ends = Vec::with_capacity(people.len());
        for name in people {
            names.push_str(name);
            ends.push(names.len() as u64);
        }
        let columns = program
            .member_attrs
            .iter()
            .enumerate()
            .map(|(a, attr)| {
                let mut b = Builder::for_type(attr.ty);
                for m in 0..people.len() {
                    b.push(columns.get(a).and_then(|c| c.get(m)).cloned().flatten());
                }
                b.finish()
            })
            .collect();
        MemberColumns {
            names,
            ends,
            columns,
            members: None,
            joined: Vec::new(),
            left: Vec::new(),
        }
    }

    /// The day each person joined and left (empty when the register gives
    /// none).
    pub fn dates(&self) -> (&[Option<time::Date>], &[Option<time::Date>]) {
        (&self.joined, &self.left)
    }

    /// Who is a member, by person, when not everyone of the register is.
    pub fn members(&self) -> Option<&[bool]> {
        self.members.as_deref()
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Member `m`'s name.
    pub fn name(&self, m: usize) -> &str {
        let start = match m.checked_sub(1) {
            Some(previous) => self.ends.get(previous).map_or(0, |e| *e as usize),
            None => 0,
        };
        let end = self.ends.get(m).map_or(start, |e| *e as usize);
        self.names.get(start..end).unwrap_or("")
    }

    /// The columns, by attribute.
    pub fn columns(&self) -> &[Col] {
        &self.columns
    }

    /// Attribute `attr`'s values for every member.
    pub fn column(&self, attr: usize) -> Option<&Col> {
        self.columns.get(attr)
    }

    pub(super) fn set_column(&mut self, attr: usize, col: Col) {
        if let Some(c) = self.columns.get_mut(attr) {
            *c = col;
        }
    }

    /// Attributes kept for a period go back to their defaults.
    pub(super) fn reset_each_period(&mut self, program: &Program) {
        for (c, a) in self.columns.iter_mut().zip(&program.member_attrs) {
            if a.each_period {
                if let Some(d) = &a.default {
                    *c = Col::One(d.clone());
                }
            }
        }
    }

    fn has_duplicate_names(&self) -> bool {
        use std::hash::{Hash, Hasher};
        let mut hashes: Vec<(u64, u32)> = (0..self.len())
            .map(|m| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                self.name(m).hash(&mut h);
                (h.finish(), m as u32)
            })
            .collect();
        hashes.sort_unstable();
        hashes
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && self.name(w[0].1 as usize) == self.name(w[1].1 as usize))
    }
}

/// The diagnostic for a member list longer than
/// [`super::MAX_BATCH_MEMBERS`], at the line where it goes past.
pub fn too_many_members(line: u64) -> Diagnostic {
    Diagnostic::error(
        Code::TooLarge,
        format!(
            "line {line}: a batch holds at most {} members",
            super::MAX_BATCH_MEMBERS
        ),
    )
    .help("split the member list and run each part as a batch of its own")
}

/// Attribute `attr` (column `old`) after `op` by `v` for the members in
/// `mask`: in fixed point where it can be, else member by member by
/// [`effects::changed`], the row executor's own rule (and its diagnostic).
pub(super) fn changed(
    members: &MemberColumns,
    (old, attr): (&Col, &str),
    op: ChangeOp,
    v: &Col,
    mask: &[bool],
    span: crate::span::Span,
) -> Result<Col, Box<Diagnostic>> {
    use crate::program::ArithOp;
    let n = members.len();
    let all = mask.iter().all(|b| *b);
    let zero = matches!(old, Col::One(Value::Number(d)) if d.is_zero());
    let fast = match op {
        ChangeOp::Set => Some(v.clone()),
        // The usual first trade of a period: nothing to add to.
        ChangeOp::Add if zero && matches!(v, Col::Fixed(_) | Col::Dec(_)) => Some(v.clone()),
        ChangeOp::Add => super::column::fixed_arith(ArithOp::Add, old, v, n),
        ChangeOp::Subtract => super::column::fixed_arith(ArithOp::Sub, old, v, n),
    };
    let new = match fast {
        Some(col) => col,
        None => {
            let mut out = Vec::with_capacity(n);
            for (i, keep) in mask.iter().enumerate().take(n) {
                out.push(if *keep {
                    let delta = v.decimal_at(i).unwrap_or_default();
                    effects::changed(op, old.decimal_at(i), delta, members.name(i), attr, span)?
                } else {
                    old.decimal_at(i).unwrap_or_default()
                });
            }
            return Ok(Col::Dec(Arc::new(out)));
        }
    };
    if all {
        return Ok(new);
    }
    // Members outside the filter keep their old value.
    let mut values = Vec::with_capacity(n);
    for (i, keep) in mask.iter().enumerate().take(n) {
        values.push(if *keep {
            new.value_at(i)
        } else {
            old.value_at(i)
        });
    }
    let mut b = Builder::Values(Vec::new());
    if let Some(Some(Value::Number(_))) = values.first() {
        b = Builder::Dec(Vec::new());
    }
    for v in values {
        b.push(v);
    }
    Ok(b.finish())
}
