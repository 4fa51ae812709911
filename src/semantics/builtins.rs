//! The built-in functions, one row each: the one table that the checker,
//! both executors, the documentation's test and the editor's highlighting
//! read.
//!
//! A row ([`Builtin`]) gives a built-in's name, how a call is written, its
//! signature in the words of the checker's messages (what it takes, the
//! type it gives, the help line of a wrong call), how it is computed, and
//! its documentation line. docs/language.md lists exactly these rows, each
//! with its line (tests/docs.rs checks it), and the playground's editor
//! highlights exactly these names (playground/src/keywords.json, written
//! from this table and checked by the same test).
//!
//! # How far the table goes
//!
//! Every name the language itself gives a meaning is a row, because each
//! is reserved, suggested when misspelt, documented and highlighted alike.
//! What a row holds of the computation depends on its [`Form`]:
//!
//! - **Functions of values** (`round`, `min`, `max`, `abs`): the row *is*
//!   the computation. [`Function::one`] computes one call from its
//!   arguments' values, and [`Function::column`] names the kernel that
//!   computes it for every member at once, with `one` applied member by
//!   member as the fallback of every kernel. The row evaluator and the
//!   column executor both dispatch through the row (`IrKind::Builtin`);
//!   neither holds a copy. A new function of values is a new row here and
//!   its line in docs/language.md (then `UPDATE=1 cargo test --test docs`
//!   for the editor); a new kernel is a [`Kernel`] variant, which the
//!   compiler then asks the column executor to handle.
//! - **Vote queries** (`passes`, `quorate`, `votes_for`, `votes_against`,
//!   `share_for`): the row holds the query and its type. The argument is a
//!   resolution's name, not a value, and the answer is read from the count
//!   of that resolution's vote, which the row evaluator makes once
//!   (`eval::vote`); the column executor asks the row evaluator, since a
//!   vote is the same for every member.
//! - **Aggregates** (`sum`, `count`, `min`, `max`, `any`, `all` over `each
//!   member m`): the row holds their typing and help. They are a form of
//!   the grammar (`aggregate_fn`), not a call, and their evaluation is a
//!   loop over the members with a filter, that stops early (`any`, `all`)
//!   or adds exactly in fixed point (the column executor's `sum`); that loop
//!   is each executor's own business, so they dispatch on the
//!   [`AggregateKind`] the row carries.
//! - **`today`**: a built-in value, written without brackets: the date of
//!   the step being run. It is the one built-in name a rulebook may still
//!   take for its own (as it always could), so it is not reserved.

use rust_decimal::Decimal;

use super::operators::{Result, internal, overflow, pick};
use super::rounding::round;
use super::time::{self as time_semantics, DayCountId};
use crate::program::{BuiltinId, ResolutionQuery, Rounding};
use crate::span::Span;
use crate::syntax::ast::AggregateKind;
use crate::types::Type;
use crate::value::Value;

/// One built-in: a row of [`BUILTINS`].
#[derive(Debug)]
pub struct Builtin {
    /// Its name, as a rulebook writes it.
    pub name: &'static str,
    /// A call as written, as docs/language.md shows it: `abs(x)`.
    pub call: &'static str,
    /// What it gives, in one line: docs/language.md shows this line beside
    /// [`Builtin::call`].
    pub doc: &'static str,
    /// What its arguments may be, in the words of the checker's messages:
    /// "`abs` needs a number, money or a percentage".
    pub takes: &'static str,
    /// Whether an argument of this type is one of those (the checker lets
    /// `Type::Error` through before asking).
    pub accepts: fn(Type) -> bool,
    /// The type of its value, from its arguments' common type (and the step
    /// of `round`).
    pub result: fn(Type, Option<Rounding>) -> Type,
    /// The help line of a wrong call: how a call is written.
    pub usage: &'static str,
    /// What kind of built-in it is, and how it is computed.
    pub form: Form,
}

/// What kind of built-in a row is (see the module's documentation).
#[derive(Debug)]
pub enum Form {
    /// A function of values, computed by its row.
    Function(Function),
    /// A question about a resolution's vote, such as `passes(r)`.
    Vote(ResolutionQuery),
    /// An aggregate over the members, such as `sum(x for each member m)`.
    Aggregate(Aggregate),
    /// `today`: the date of the step being run.
    Today,
    /// `accrued(m.x, rate)`: a member's figure day by day times a rate
    /// parameter (`IrKind::Accrued`, computed by `semantics::time::accrue`).
    Accrued,
    /// `days_member(m)`: the days of the period so far a member has been
    /// one (`IrKind::DaysMember`, `semantics::time::member_days`).
    DaysMember,
    /// `days_held(m.x)`: the days of the period so far on which a member's
    /// figure was above zero (`IrKind::DaysHeld`, `semantics::time::days_held`).
    DaysHeld,
}

/// How a function of values is checked and computed.
#[derive(Debug)]
pub struct Function {
    /// How many arguments it takes.
    pub arguments: Arguments,
    /// Its value for its arguments' values: the one definition, which the
    /// row evaluator calls for every call and the column executor for
    /// every member a kernel cannot compute.
    pub one: OneValue,
    /// How the column executor computes it for every member at once.
    pub column: Kernel,
    /// What `explain` notes on the call's step, from its arguments' values;
    /// a function without a note is not a step of its own in a derivation.
    pub explain: Option<Note>,
    /// Whether it counts days as years: the checker then requires the
    /// rulebook's `day count` and passes its row's index as one more
    /// argument, after those written (`years(from, to)`).
    pub counts_days: bool,
    /// Whether its value is exact to a currency's minor unit (`digits`
    /// places), given whether all its arguments are: what the checker needs
    /// to let an amount be booked as it is.
    pub exact: fn(bool, Option<Rounding>, u32) -> bool,
    /// Whether its value is never below zero, given which of its arguments
    /// never are: what the checker needs to know that an allocation's
    /// amount can never be a loss (`max(result, £0)`).
    pub never_negative: fn(&[bool]) -> bool,
}

/// A function of values over one set of arguments' values.
pub type OneValue = fn(&[Value], Option<Rounding>, Span) -> Result<Value>;

/// What `explain` says of a call, from its arguments' values.
pub type Note = fn(&[Value], Option<Rounding>) -> String;

/// How many arguments a function of values takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arguments {
    /// Exactly this many values.
    Exactly(usize),
    /// This many values or more.
    AtLeast(usize),
    /// A value, `to STEP` and a rounding mode, in that order (`round`).
    Rounded,
}

impl Arguments {
    /// Whether `n` values are a right number.
    pub fn allows(self, n: usize) -> bool {
        match self {
            Arguments::Exactly(k) => n == k,
            Arguments::AtLeast(k) => n >= k,
            Arguments::Rounded => n == 1,
        }
    }

    /// What a call needs, in words: "1 argument", "at least 2 arguments".
    pub fn needs(self) -> String {
        let count = |n: usize| match n {
            1 => "1 argument".to_string(),
            n => format!("{n} arguments"),
        };
        match self {
            Arguments::Exactly(n) => count(n),
            Arguments::AtLeast(n) => format!("at least {}", count(n)),
            Arguments::Rounded => "a value, a step and a mode".into(),
        }
    }
}

/// How the column executor computes a function of values for every member
/// at once. Each kernel gives up (and the function over one value is
/// applied member by member) when its columns are not in fixed point or
/// its result would not fit there.
#[derive(Debug, Clone, Copy)]
pub enum Kernel {
    /// Each value of a fixed-point column through this integer function,
    /// at the column's own scale.
    Fixed(fn(i64) -> Option<i64>),
    /// Fixed-point rounding to a power-of-ten step, deciding as
    /// [`super::rounding::divide_i64`].
    Round,
    /// Choosing between the arguments by comparing them, the first kept
    /// between equals: the largest when `max`, else the smallest.
    Pick {
        /// The largest (`max`) rather than the smallest.
        max: bool,
    },
    /// No kernel: the function over one value, member by member.
    PerValue,
}

/// How an aggregate is checked.
#[derive(Debug)]
pub struct Aggregate {
    /// Which aggregate (the executors dispatch on it).
    pub kind: AggregateKind,
    /// Whether it takes a value for each member.
    pub value: EachValue,
}

/// Whether an aggregate takes a value for each member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EachValue {
    /// Never: `count(each member m where ...)`.
    None,
    /// If wanted: `any(each member m where ...)` or `any(C for each member m)`.
    Optional,
    /// Always: `sum(x for each member m)`.
    Required,
}

fn numeric(t: Type) -> bool {
    t.is_numeric()
}

fn ordered(t: Type) -> bool {
    t.is_numeric() || t == Type::Date
}

fn yes_no(t: Type) -> bool {
    t == Type::Bool
}

fn nothing(_: Type) -> bool {
    false
}

fn same(t: Type, _: Option<Rounding>) -> Type {
    t
}

fn boolean(_: Type, _: Option<Rounding>) -> Type {
    Type::Bool
}

fn number(_: Type, _: Option<Rounding>) -> Type {
    Type::Decimal
}

fn whole_number(_: Type, _: Option<Rounding>) -> Type {
    Type::Integer
}

fn percent(_: Type, _: Option<Rounding>) -> Type {
    Type::Percent
}

fn date(_: Type, _: Option<Rounding>) -> Type {
    Type::Date
}

/// An integer rounded to a fraction of one is no longer an integer.
fn rounded(t: Type, rounding: Option<Rounding>) -> Type {
    match rounding {
        Some(r) if t == Type::Integer && !r.step.fract().is_zero() => Type::Decimal,
        _ => t,
    }
}

fn round_one(args: &[Value], rounding: Option<Rounding>, span: Span) -> Result<Value> {
    match (args, rounding) {
        ([Value::Number(x)], Some(r)) => round(*x, r.step, r.mode)
            .map(Value::Number)
            .ok_or_else(|| overflow(span)),
        _ => Err(internal("`round` of something that is not a number", span)),
    }
}

fn round_note(args: &[Value], rounding: Option<Rounding>) -> String {
    match (args, rounding) {
        ([Value::Number(v)], Some(r)) => format!(
            "{} rounded {} to a multiple of {}",
            v.normalize(),
            r.mode.as_str(),
            r.step.normalize()
        ),
        // Not reached: the checker gives `round` one number and a step;
        // the call then fails as an internal error.
        _ => "rounded".into(),
    }
}

/// Rounded to a step that is a whole number of minor units.
fn round_exact(_: bool, rounding: Option<Rounding>, digits: u32) -> bool {
    rounding.is_some_and(|r| {
        10i64
            .checked_pow(digits)
            .and_then(|scale| r.step.checked_mul(Decimal::from(scale)))
            .is_some_and(|units| units.fract().is_zero())
    })
}

/// As exact as its arguments.
fn as_arguments(arguments: bool, _: Option<Rounding>, _: u32) -> bool {
    arguments
}

/// Never below zero when none of its arguments is: rounding never crosses
/// zero, and the smallest of values above zero is above zero.
fn all_never_negative(arguments: &[bool]) -> bool {
    arguments.iter().all(|a| *a)
}

/// Never below zero when one of its arguments is not: the largest of
/// several values is at least each of them.
fn any_never_negative(arguments: &[bool]) -> bool {
    arguments.iter().any(|a| *a)
}

/// Never below zero, whatever the arguments: a size.
fn always_never_negative(_: &[bool]) -> bool {
    true
}

/// May be below zero (`years(to, from)` counts back).
fn may_be_negative(_: &[bool]) -> bool {
    false
}

fn pick_all(args: &[Value], max: bool, span: Span) -> Result<Value> {
    args.iter()
        .cloned()
        .reduce(|best, next| pick(best, next, max))
        .ok_or_else(|| internal("`min` or `max` without arguments", span))
}

fn min_one(args: &[Value], _: Option<Rounding>, span: Span) -> Result<Value> {
    pick_all(args, false, span)
}

fn max_one(args: &[Value], _: Option<Rounding>, span: Span) -> Result<Value> {
    pick_all(args, true, span)
}

fn abs_one(args: &[Value], _: Option<Rounding>, span: Span) -> Result<Value> {
    match args {
        [Value::Number(x)] => Ok(Value::Number(x.abs())),
        _ => Err(internal("`abs` of something that is not a number", span)),
    }
}

fn dates(t: Type) -> bool {
    t == Type::Date
}

/// The dates and the day count of `years(from, to)`, as the checker passes them.
fn years_args(args: &[Value]) -> Option<(time::Date, time::Date, DayCountId)> {
    match args {
        [Value::Date(from), Value::Date(to), Value::Number(dc)] => {
            let index = usize::try_from(dc.mantissa()).ok()?;
            Some((*from, *to, DayCountId::nth(index)?))
        }
        _ => None,
    }
}

fn years_one(args: &[Value], _: Option<Rounding>, span: Span) -> Result<Value> {
    let (from, to, dc) =
        years_args(args).ok_or_else(|| internal("`years` without two dates", span))?;
    Ok(Value::Number(time_semantics::year_fraction(dc, from, to)))
}

fn years_note(args: &[Value], _: Option<Rounding>) -> String {
    match years_args(args) {
        Some((from, to, dc)) => format!(
            "{} days from {} to {} under {}",
            time_semantics::days_between(from, to),
            crate::syntax::ast::format_date(from),
            crate::syntax::ast::format_date(to),
            dc.row().name
        ),
        None => "years".into(),
    }
}

/// Never exact: a fraction of a year is not counted in pennies.
fn never_exact(_: bool, _: Option<Rounding>, _: u32) -> bool {
    false
}

const A_RESOLUTION: &str = "the name of one resolution";

/// Every built-in, one row each. Rows with one name (`min`, `max`) are
/// told apart by their form: `min(a, b)` is a call, `min(x for each
/// member m)` an aggregate.
pub static BUILTINS: &[Builtin] = &[
    Builtin {
        name: "round",
        call: "round(x, to STEP, MODE)",
        doc: "`x` rounded to a multiple of `STEP`",
        takes: "numbers, money and percentages",
        accepts: numeric,
        result: rounded,
        usage: "write `round(value, to 0.01, half up)`; the modes are half up, half down, half even, up, down, floor and ceiling",
        form: Form::Function(Function {
            arguments: Arguments::Rounded,
            one: round_one,
            column: Kernel::Round,
            explain: Some(round_note),
            counts_days: false,
            exact: round_exact,
            never_negative: all_never_negative,
        }),
    },
    Builtin {
        name: "min",
        call: "min(a, b, ...)",
        doc: "the smallest of two or more values",
        takes: "numbers, money, percentages or dates",
        accepts: ordered,
        result: same,
        usage: "write `min(a, b)` with two or more values",
        form: Form::Function(Function {
            arguments: Arguments::AtLeast(2),
            one: min_one,
            column: Kernel::Pick { max: false },
            explain: None,
            counts_days: false,
            exact: as_arguments,
            never_negative: all_never_negative,
        }),
    },
    Builtin {
        name: "max",
        call: "max(a, b, ...)",
        doc: "the largest of two or more values",
        takes: "numbers, money, percentages or dates",
        accepts: ordered,
        result: same,
        usage: "write `max(a, b)` with two or more values",
        form: Form::Function(Function {
            arguments: Arguments::AtLeast(2),
            one: max_one,
            column: Kernel::Pick { max: true },
            explain: None,
            counts_days: false,
            exact: as_arguments,
            never_negative: any_never_negative,
        }),
    },
    Builtin {
        name: "abs",
        call: "abs(x)",
        doc: "`x` without its sign",
        takes: "a number, money or a percentage",
        accepts: numeric,
        result: same,
        usage: "write `abs(x)`: the size of a number, money or a percentage without its sign",
        form: Form::Function(Function {
            arguments: Arguments::Exactly(1),
            one: abs_one,
            column: Kernel::Fixed(i64::checked_abs),
            explain: None,
            counts_days: false,
            exact: as_arguments,
            never_negative: always_never_negative,
        }),
    },
    Builtin {
        name: "years",
        call: "years(from, to)",
        doc: "the years from one date to another (the first day counted, the last not), under the rulebook's `day count`",
        takes: "two dates",
        accepts: dates,
        result: same,
        usage: "write `years(m.joined, today)`; the rulebook's header names its day count: `day count actual/365`",
        form: Form::Function(Function {
            arguments: Arguments::Exactly(2),
            one: years_one,
            column: Kernel::PerValue,
            explain: Some(years_note),
            counts_days: true,
            exact: never_exact,
            never_negative: may_be_negative,
        }),
    },
    Builtin {
        name: "accrued",
        call: "accrued(m.capital, rate)",
        doc: "the member's figure on each day of the period so far, times the rate in force that day, under the rulebook's `day count`",
        takes: "a member's attribute and a rate parameter per a unit of time",
        accepts: numeric,
        result: same,
        usage: "write `accrued(m.shares, capital_interest)`, where `capital_interest` is a parameter such as `Percent per year = 5% per year`",
        form: Form::Accrued,
    },
    Builtin {
        name: "days_member",
        call: "days_member(m)",
        doc: "the days of the period so far that `m` has been a member",
        takes: "a member",
        accepts: |t| t == Type::Member,
        result: whole_number,
        usage: "write `days_member(m)`: from the later of the period's first day and the member's admission, to the end of today",
        form: Form::DaysMember,
    },
    Builtin {
        name: "days_held",
        call: "days_held(m.capital)",
        doc: "the days of the period so far on which the member's figure was above zero",
        takes: "a member's attribute",
        accepts: numeric,
        result: whole_number,
        usage: "write `days_held(m.shares)`: the days from the period's first day to the end of today on which `m.shares` was more than nothing",
        form: Form::DaysHeld,
    },
    Builtin {
        name: "passes",
        call: "passes(r)",
        doc: "whether resolution `r` passed: quorate and over its threshold (see Resolutions)",
        takes: A_RESOLUTION,
        accepts: nothing,
        result: boolean,
        usage: "write `passes(special)` where `special` is a resolution",
        form: Form::Vote(ResolutionQuery::Passes),
    },
    Builtin {
        name: "quorate",
        call: "quorate(r)",
        doc: "whether enough members were present for resolution `r`",
        takes: A_RESOLUTION,
        accepts: nothing,
        result: boolean,
        usage: "write `quorate(special)` where `special` is a resolution",
        form: Form::Vote(ResolutionQuery::Quorate),
    },
    Builtin {
        name: "votes_for",
        call: "votes_for(r)",
        doc: "the votes for resolution `r`, weighted",
        takes: A_RESOLUTION,
        accepts: nothing,
        result: number,
        usage: "write `votes_for(special)` where `special` is a resolution",
        form: Form::Vote(ResolutionQuery::VotesFor),
    },
    Builtin {
        name: "votes_against",
        call: "votes_against(r)",
        doc: "the votes against resolution `r`, weighted",
        takes: A_RESOLUTION,
        accepts: nothing,
        result: number,
        usage: "write `votes_against(special)` where `special` is a resolution",
        form: Form::Vote(ResolutionQuery::VotesAgainst),
    },
    Builtin {
        name: "share_for",
        call: "share_for(r)",
        doc: "the votes for resolution `r` as a share of its threshold's basis",
        takes: A_RESOLUTION,
        accepts: nothing,
        result: percent,
        usage: "write `share_for(special)` where `special` is a resolution",
        form: Form::Vote(ResolutionQuery::ShareFor),
    },
    Builtin {
        name: "sum",
        call: "sum(x for each member m)",
        doc: "the total of `x` over the members",
        takes: "numbers, money or percentages",
        accepts: numeric,
        result: same,
        usage: "write `sum(VALUE for each member m)`",
        form: Form::Aggregate(Aggregate {
            kind: AggregateKind::Sum,
            value: EachValue::Required,
        }),
    },
    Builtin {
        name: "count",
        call: "count(each member m where C)",
        doc: "how many members pass the filter",
        takes: "no value",
        accepts: nothing,
        result: whole_number,
        usage: "write `count(each member m where CONDITION)`, or `sum(...)` to add values up",
        form: Form::Aggregate(Aggregate {
            kind: AggregateKind::Count,
            value: EachValue::None,
        }),
    },
    Builtin {
        name: "min",
        call: "min(x for each member m)",
        doc: "the smallest `x` of the members (at least one must pass the filter)",
        takes: "numbers, money, percentages or dates",
        accepts: ordered,
        result: same,
        usage: "write `min(VALUE for each member m)`",
        form: Form::Aggregate(Aggregate {
            kind: AggregateKind::Min,
            value: EachValue::Required,
        }),
    },
    Builtin {
        name: "max",
        call: "max(x for each member m)",
        doc: "the largest `x` of the members (at least one must pass the filter)",
        takes: "numbers, money, percentages or dates",
        accepts: ordered,
        result: same,
        usage: "write `max(VALUE for each member m)`",
        form: Form::Aggregate(Aggregate {
            kind: AggregateKind::Max,
            value: EachValue::Required,
        }),
    },
    Builtin {
        name: "any",
        call: "any(C for each member m)",
        doc: "whether `C` holds for at least one member (with no `C`: whether any member passes the filter)",
        takes: "a yes/no condition",
        accepts: yes_no,
        result: boolean,
        usage: "write `any(CONDITION for each member m)`",
        form: Form::Aggregate(Aggregate {
            kind: AggregateKind::Any,
            value: EachValue::Optional,
        }),
    },
    Builtin {
        name: "all",
        call: "all(C for each member m)",
        doc: "whether `C` holds for every member",
        takes: "a yes/no condition",
        accepts: yes_no,
        result: boolean,
        usage: "write `all(VALUE for each member m)`",
        form: Form::Aggregate(Aggregate {
            kind: AggregateKind::All,
            value: EachValue::Required,
        }),
    },
    Builtin {
        name: "today",
        call: "today",
        doc: "the date of the step being run, in a scenario",
        takes: "no arguments",
        accepts: nothing,
        result: date,
        usage: "write `today` without brackets",
        form: Form::Today,
    },
];

/// The row of `id`.
pub fn get(id: BuiltinId) -> &'static Builtin {
    // Ids are made only by `lookup` below, from positions in the table.
    &BUILTINS[id.index()]
}

fn lookup(found: impl Fn(&Builtin) -> bool) -> Option<(BuiltinId, &'static Builtin)> {
    BUILTINS
        .iter()
        .enumerate()
        .find(|(_, b)| found(b))
        .map(|(i, b)| (BuiltinId::new(i as u16), b))
}

/// What a call `name(...)` is, if `name` is a built-in: a function or a vote
/// query when there is one of that name, else the aggregate or value of that
/// name (which cannot be called, and the checker says so).
pub fn called(name: &str) -> Option<(BuiltinId, &'static Builtin)> {
    lookup(|b| b.name == name && matches!(b.form, Form::Function(_) | Form::Vote(_)))
        .or_else(|| lookup(|b| b.name == name))
}

/// The built-in value a bare name is (`today`), if it is one.
pub fn value(name: &str) -> Option<&'static Builtin> {
    lookup(|b| b.name == name && matches!(b.form, Form::Today)).map(|(_, b)| b)
}

/// The row of an aggregate, with its form.
pub fn aggregate(kind: AggregateKind) -> Option<(&'static Builtin, &'static Aggregate)> {
    BUILTINS.iter().find_map(|b| match &b.form {
        Form::Aggregate(a) if a.kind == kind => Some((b, a)),
        _ => None,
    })
}

/// Whether a rulebook may not take `name` for its own: every built-in's
/// name but `today`'s.
pub fn is_reserved(name: &str) -> bool {
    BUILTINS
        .iter()
        .any(|b| b.name == name && !matches!(b.form, Form::Today))
}

/// The built-in names, each once, in the table's order.
pub fn names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::with_capacity(BUILTINS.len());
    for b in BUILTINS {
        if !out.contains(&b.name) {
            out.push(b.name);
        }
    }
    out
}

/// The names of the vote queries, in the table's order.
pub fn vote_queries() -> impl Iterator<Item = &'static str> {
    BUILTINS
        .iter()
        .filter(|b| matches!(b.form, Form::Vote(_)))
        .map(|b| b.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::RoundingMode;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn function(name: &str) -> &'static Function {
        match called(name).map(|(_, b)| &b.form) {
            Some(Form::Function(f)) => f,
            other => panic!("{name} is not a function: {other:?}"),
        }
    }

    fn num(s: &str) -> Value {
        Value::Number(d(s))
    }

    #[test]
    fn each_name_and_form_has_one_row() {
        for (i, a) in BUILTINS.iter().enumerate() {
            for b in &BUILTINS[i + 1..] {
                let same_form = std::mem::discriminant(&a.form) == std::mem::discriminant(&b.form);
                assert!(!(a.name == b.name && same_form), "{} twice", a.name);
                assert_ne!(a.call, b.call);
            }
            assert!(a.call.starts_with(a.name), "{}", a.call);
            assert!(!a.doc.is_empty() && !a.usage.is_empty());
        }
        assert_eq!(
            names(),
            [
                "round",
                "min",
                "max",
                "abs",
                "years",
                "accrued",
                "days_member",
                "days_held",
                "passes",
                "quorate",
                "votes_for",
                "votes_against",
                "share_for",
                "sum",
                "count",
                "any",
                "all",
                "today"
            ]
        );
    }

    #[test]
    fn every_aggregate_has_its_row_under_its_own_name() {
        use AggregateKind::*;
        for kind in [Sum, Count, Min, Max, Any, All] {
            let (row, _) = aggregate(kind).unwrap_or_else(|| panic!("{kind:?} has no row"));
            assert_eq!(row.name, kind.as_str());
        }
    }

    /// The grammar's aggregates (`aggregate_fn`) are exactly the table's,
    /// and no built-in is a reserved word (a name of the grammar's own).
    #[test]
    fn the_grammars_aggregates_are_the_tables() {
        let in_grammar: Vec<&str> = crate::syntax::keywords::grammar_words()
            .into_iter()
            .filter(|(rule, _)| *rule == "aggregate_fn")
            .map(|(_, w)| w)
            .collect();
        let in_table: Vec<&str> = BUILTINS
            .iter()
            .filter(|b| matches!(b.form, Form::Aggregate(_)))
            .map(|b| b.name)
            .collect();
        assert_eq!(in_grammar, in_table);
        for b in BUILTINS {
            assert!(!crate::syntax::keywords::is_reserved(b.name), "{}", b.name);
        }
    }

    #[test]
    fn ids_name_their_rows() {
        let (id, row) = called("abs").unwrap();
        assert_eq!(get(id).name, "abs");
        assert!(std::ptr::eq(get(id), row));
        // `min` called is the function; written over members, the aggregate.
        assert!(matches!(called("min").unwrap().1.form, Form::Function(_)));
        assert!(matches!(called("sum").unwrap().1.form, Form::Aggregate(_)));
        assert!(called("minimum").is_none());
        assert!(value("today").is_some() && value("abs").is_none());
    }

    #[test]
    fn reserved_names_are_all_but_today() {
        assert!(is_reserved("round") && is_reserved("count") && is_reserved("share_for"));
        assert!(!is_reserved("today") && !is_reserved("total"));
    }

    #[test]
    fn functions_over_one_value() {
        let span = Span::default();
        let half_up = Some(Rounding {
            step: d("0.05"),
            mode: RoundingMode::HalfUp,
        });
        // 1.025 is half-way between 1.00 and 1.05.
        assert_eq!(
            (function("round").one)(&[num("1.025")], half_up, span).unwrap(),
            num("1.05")
        );
        assert_eq!(
            (function("abs").one)(&[num("-2.50")], None, span).unwrap(),
            num("2.50")
        );
        let args = [num("3"), num("-1"), num("2")];
        assert_eq!((function("min").one)(&args, None, span).unwrap(), num("-1"));
        assert_eq!((function("max").one)(&args, None, span).unwrap(), num("3"));
        // Between equals the first is kept: 2.0 and 2.00 are equal numbers.
        let equal = [num("2.0"), num("2.00")];
        let kept = (function("max").one)(&equal, None, span).unwrap();
        assert_eq!(kept.as_number().map(|n| n.scale()), Some(1));
        // A bad call is an internal error, not a panic.
        assert!((function("abs").one)(&[Value::Bool(true)], None, span).is_err());
        assert!((function("min").one)(&[], None, span).is_err());
    }

    #[test]
    fn the_explanation_of_a_rounding() {
        let r = Some(Rounding {
            step: d("0.010"),
            mode: RoundingMode::HalfEven,
        });
        let note = function("round").explain.map(|f| f(&[num("2.3450")], r));
        assert_eq!(
            note.as_deref(),
            Some("2.345 rounded half even to a multiple of 0.01")
        );
        assert!(function("abs").explain.is_none());
    }

    #[test]
    fn types_and_exactness() {
        let tenth = Some(Rounding {
            step: d("0.1"),
            mode: RoundingMode::Down,
        });
        let whole = Some(Rounding {
            step: d("5"),
            mode: RoundingMode::Down,
        });
        let round = called("round").unwrap().1;
        assert_eq!((round.result)(Type::Integer, tenth), Type::Decimal);
        assert_eq!((round.result)(Type::Integer, whole), Type::Integer);
        assert_eq!(
            (called("share_for").unwrap().1.result)(Type::Error, None),
            Type::Percent
        );
        assert_eq!(
            (aggregate(AggregateKind::Count).unwrap().0.result)(Type::Error, None),
            Type::Integer
        );
        // To 0.05 is whole pennies (2 places); to 0.001 is not.
        let f = function("round");
        let step = |s: &str| {
            Some(Rounding {
                step: d(s),
                mode: RoundingMode::Up,
            })
        };
        assert!((f.exact)(false, step("0.05"), 2));
        assert!(!(f.exact)(true, step("0.001"), 2));
        assert!((function("min").exact)(true, None, 2));
        assert!(!(function("abs").exact)(false, None, 2));
    }

    #[test]
    fn argument_counts_in_words() {
        assert_eq!(function("abs").arguments.needs(), "1 argument");
        assert_eq!(function("min").arguments.needs(), "at least 2 arguments");
        assert!(function("max").arguments.allows(3) && !function("max").arguments.allows(1));
        assert!(function("abs").arguments.allows(1) && !function("abs").arguments.allows(2));
    }
}
