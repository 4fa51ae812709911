//! The types of the language and how they combine under arithmetic.
//!
//! The rules here carry the guarantee that units are checked: money keeps its
//! currency, money times a percentage is money, money divided by money is a
//! plain number, and money plus a percentage is an error with a message a
//! lawyer can act on.

use serde::Serialize;

use crate::currency::Currency;
use crate::syntax::ast::BinaryOp;
use crate::units::{Dim, UnitId, Units};

/// Index of an enumeration in [`crate::program::Program::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct EnumId(pub u32);

/// An enumeration: a closed list of named choices.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The attribute or parameter that introduced it.
    pub name: String,
    /// The variants in order.
    pub variants: Vec<String>,
}

/// The names a rulebook gives its own types: the currency `Money` is
/// counted in, its enumerations' variants and its units. A type is `Copy`
/// and holds indices ([`EnumId`], [`UnitId`]); whatever reads a written
/// value or writes a value out asks one of these what they name. The
/// checker provides it while it checks, the checked program afterwards.
pub trait Vocabulary {
    /// The currency of a bare `Money`, if the rulebook declares one.
    fn currency(&self) -> Option<Currency>;

    /// The enumerations, indexed by [`EnumId`].
    fn enums(&self) -> &[EnumDef];

    /// The units, indexed by [`UnitId`].
    fn units(&self) -> &Units;

    /// The enumeration and variant a bare name stands for, if it is one.
    fn variant(&self, name: &str) -> Option<(EnumId, u32)> {
        self.enums().iter().enumerate().find_map(|(e, def)| {
            def.variants
                .iter()
                .position(|v| v == name)
                .map(|v| (EnumId(e as u32), v as u32))
        })
    }

    /// The name of a variant (`None` for indices out of range).
    fn variant_name(&self, e: EnumId, variant: u32) -> Option<&str> {
        self.enums()
            .get(e.0 as usize)
            .and_then(|d| d.variants.get(variant as usize))
            .map(String::as_str)
    }
}

/// A type of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// Yes or no.
    Bool,
    /// A whole number.
    Integer,
    /// A number with decimals.
    Decimal,
    /// A percentage; held as a fraction (20% is 0.2).
    Percent,
    /// An amount of money in one currency.
    Money(Currency),
    /// A quantity with units: `12 km_month`, `£90 per km_month`, `kWh per hour`.
    Measure(Dim),
    /// A calendar date.
    Date,
    /// Text.
    Text,
    /// One of the variants of an enumeration.
    Enum(EnumId),
    /// A member of the cooperative.
    Member,
    /// A value of a type, or `none` (`Date?`): it must be checked with
    /// `is none` before it is used.
    Optional(Present),
    /// The type of an expression that already had an error; it combines with
    /// anything silently so that one mistake is reported once.
    Error,
}

/// The types an optional value may hold when it is present (every type
/// but a member, an error and another optional), so that [`Type`] stays
/// `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Present {
    /// Yes or no.
    Bool,
    /// A whole number.
    Integer,
    /// A number with decimals.
    Decimal,
    /// A percentage.
    Percent,
    /// Money in one currency.
    Money(Currency),
    /// A quantity with units.
    Measure(Dim),
    /// A calendar date.
    Date,
    /// Text.
    Text,
    /// A variant of an enumeration.
    Enum(EnumId),
}

impl Present {
    /// The type of the value when it is there.
    pub fn ty(self) -> Type {
        match self {
            Present::Bool => Type::Bool,
            Present::Integer => Type::Integer,
            Present::Decimal => Type::Decimal,
            Present::Percent => Type::Percent,
            Present::Money(c) => Type::Money(c),
            Present::Measure(d) => Type::Measure(d),
            Present::Date => Type::Date,
            Present::Text => Type::Text,
            Present::Enum(e) => Type::Enum(e),
        }
    }

    /// The present form of `ty`, if it can be optional.
    pub fn of(ty: Type) -> Option<Present> {
        Some(match ty {
            Type::Bool => Present::Bool,
            Type::Integer => Present::Integer,
            Type::Decimal => Present::Decimal,
            Type::Percent => Present::Percent,
            Type::Money(c) => Present::Money(c),
            Type::Measure(d) => Present::Measure(d),
            Type::Date => Present::Date,
            Type::Text => Present::Text,
            Type::Enum(e) => Present::Enum(e),
            Type::Member | Type::Optional(_) | Type::Error => return None,
        })
    }
}

impl Type {
    /// The type of the value inside an optional one; any other type as it is.
    pub fn present(self) -> Type {
        match self {
            Type::Optional(p) => p.ty(),
            other => other,
        }
    }

    /// Whether the value may be `none`.
    pub fn is_optional(self) -> bool {
        matches!(self, Type::Optional(_))
    }

    /// Whether arithmetic applies.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Type::Integer | Type::Decimal | Type::Percent | Type::Money(_) | Type::Measure(_)
        )
    }

    /// The dimension of a number, money or quantity.
    pub fn dim(self) -> Option<Dim> {
        match self {
            Type::Integer | Type::Decimal => Some(Dim::NONE),
            Type::Percent => Some(Dim::PERCENT),
            Type::Money(c) => Some(Dim::money(c)),
            Type::Measure(d) => Some(d),
            _ => None,
        }
    }

    /// The type of a value of dimension `dim`: a number, money, or a measure.
    pub fn of_dim(dim: Dim) -> Type {
        if dim.has_units() {
            return Type::Measure(dim);
        }
        match dim.currency() {
            None if dim.is_percent() => Type::Percent,
            None => Type::Decimal,
            Some((c, 1)) => Type::Money(c),
            Some(_) => Type::Measure(dim),
        }
    }

    /// The name used in the language, such as `Money in GBP`; `units` names
    /// a quantity's units.
    pub fn name(self, units: &Units) -> String {
        match self {
            Type::Bool => "Bool".into(),
            Type::Integer => "Integer".into(),
            Type::Decimal => "Decimal".into(),
            Type::Percent => "Percent".into(),
            Type::Money(c) => format!("Money in {c}"),
            Type::Measure(d) => d.display(units).to_string(),
            Type::Date => "Date".into(),
            Type::Text => "Text".into(),
            Type::Enum(_) => "an enumeration".into(),
            Type::Member => "Member".into(),
            Type::Optional(p) => format!("{}?", p.ty().name(units)),
            Type::Error => "(error)".into(),
        }
    }

    /// The type described for a reader of the rulebook: "an amount of money
    /// (GBP)", "a percentage"; `units` names a quantity's units.
    pub fn plain(self, units: &Units) -> String {
        match self {
            Type::Bool => "a yes/no value".into(),
            Type::Integer => "a whole number".into(),
            Type::Decimal => "a number".into(),
            Type::Percent => "a percentage".into(),
            Type::Money(c) => format!("an amount of money ({c})"),
            Type::Measure(d) => match (d.currency(), d.numerators().is_empty()) {
                (Some((c, 1)), true) => {
                    format!(
                        "an amount of money ({c}) per {}",
                        unit_names(&d.denominators(), units)
                    )
                }
                (None, false) if d.denominators().is_empty() => {
                    format!("a quantity in {}", d.display(units))
                }
                (None, true) if d.is_percent() => {
                    format!("a percentage per {}", unit_names(&d.denominators(), units))
                }
                _ => format!("a rate in {}", d.display(units)),
            },
            Type::Date => "a date".into(),
            Type::Text => "a text".into(),
            Type::Enum(_) => "a choice from a list".into(),
            Type::Member => "a member".into(),
            Type::Optional(p) => format!("{}, or none", p.ty().plain(units)),
            Type::Error => "a value with an error".into(),
        }
    }

    /// Whether a value of type `self` may stand where `expected` is required
    /// (a whole number may stand for a number).
    pub fn fits(self, expected: Type) -> bool {
        self == expected
            || self == Type::Error
            || expected == Type::Error
            || (self == Type::Integer && expected == Type::Decimal)
            // A value that is there may stand where one may be missing.
            || matches!(expected, Type::Optional(p) if !self.is_optional() && self.fits(p.ty()))
    }

    /// The common type of two values that must agree (branches of an `if`,
    /// the two sides of a comparison), if there is one.
    pub fn unify(a: Type, b: Type) -> Option<Type> {
        match (a, b) {
            (Type::Error, t) | (t, Type::Error) => Some(t),
            (Type::Integer, Type::Decimal) | (Type::Decimal, Type::Integer) => Some(Type::Decimal),
            (a, b) if a == b => Some(a),
            // An expectation of an optional value: a value of its type.
            (Type::Optional(p), t) | (t, Type::Optional(p)) if t.fits(p.ty()) => {
                Some(Type::Optional(p))
            }
            _ => None,
        }
    }
}

fn unit_names(ids: &[UnitId], units: &Units) -> String {
    ids.iter()
        .map(|u| units.name(*u))
        .collect::<Vec<_>>()
        .join("·")
}

/// What kind of mismatch an arithmetic error is (each has its own code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// Kinds of quantity that do not combine.
    General,
    /// Money in two currencies.
    Currency,
    /// Quantities in two different units added or compared.
    Units,
    /// A rate applied to a quantity in another unit.
    RateUnit,
}

/// Why two types do not combine under an operator, in words for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArithmeticError {
    /// What went wrong.
    pub message: String,
    /// What to write instead.
    pub help: String,
    /// Which kind of mismatch.
    pub kind: Mismatch,
}

fn arith_err(message: String, help: impl Into<String>) -> ArithmeticError {
    ArithmeticError {
        message,
        help: help.into(),
        kind: Mismatch::General,
    }
}

/// Arithmetic where a side has units.
fn measure_arithmetic(
    op: BinaryOp,
    left: Type,
    right: Type,
    units: &Units,
) -> Result<Type, ArithmeticError> {
    let (Some(a), Some(b)) = (left.dim(), right.dim()) else {
        return Err(arith_err(
            format!(
                "{} and {} cannot be combined",
                left.plain(units),
                right.plain(units)
            ),
            "arithmetic works on numbers, percentages, money and quantities",
        ));
    };
    match op {
        BinaryOp::Add | BinaryOp::Sub => {
            if Type::unify(left, right).is_some() {
                return Ok(left);
            }
            let joined = if op == BinaryOp::Sub {
                "subtracted from"
            } else {
                "added to"
            };
            Err(ArithmeticError {
                message: format!("{} cannot be {joined} {}", right.plain(units), left.plain(units)),
                help: "only quantities in the same unit add up; convert one of them with a rate parameter first".into(),
                kind: Mismatch::Units,
            })
        }
        _ => {
            let sign = if op == BinaryOp::Mul { 1 } else { -1 };
            if op == BinaryOp::Mul {
                for (rate, quantity) in [(a, b), (b, a)] {
                    let per = rate.denominators();
                    let counted = quantity.numerators();
                    if !per.is_empty()
                        && !counted.is_empty()
                        && !per.iter().any(|u| counted.contains(u))
                    {
                        return Err(ArithmeticError {
                            message: format!(
                                "a rate per {} is applied to a quantity in {}",
                                unit_names(&per, units),
                                unit_names(&counted, units)
                            ),
                            help: format!(
                                "a rate per {} multiplies a quantity in {}; check which quantity the rate is for",
                                unit_names(&per, units),
                                unit_names(&per, units)
                            ),
                            kind: Mismatch::RateUnit,
                        });
                    }
                }
            }
            match a.combine(&b, sign) {
                Some(d) => Ok(Type::of_dim(d)),
                None => Err(arith_err(
                    format!(
                        "{} and {} cannot be combined",
                        left.plain(units),
                        right.plain(units)
                    ),
                    "the result would mix currencies or need too many units",
                )),
            }
        }
    }
}

/// The result type of `left op right` for an arithmetic operator. `names`
/// are the operands as written, when short enough to quote in a help line;
/// `units` names the units of quantities in messages.
pub fn arithmetic(
    op: BinaryOp,
    left: Type,
    right: Type,
    names: (Option<&str>, Option<&str>),
    units: &Units,
) -> Result<Type, ArithmeticError> {
    use Type::*;
    if left == Error || right == Error {
        return Ok(Error);
    }
    if matches!(left, Measure(_)) || matches!(right, Measure(_)) {
        return measure_arithmetic(op, left, right, units);
    }
    // Dates: the days between two, or a date some days on.
    match (op, left, right) {
        (BinaryOp::Sub, Date, Date) => return Ok(Integer),
        (BinaryOp::Add | BinaryOp::Sub, Date, Integer) | (BinaryOp::Add, Integer, Date) => {
            return Ok(Date);
        }
        (_, Date, _) | (_, _, Date) => {
            return Err(arith_err(
                "dates can only be subtracted from each other (giving days) or moved by a whole number of days".into(),
                "write `today - m.notice_given` for the days between, or `m.joined + 30` for thirty days later",
            ));
        }
        _ => {}
    }
    if let (Money(a), Money(b)) = (left, right) {
        if a != b {
            return Err(ArithmeticError {
                message: format!(
                    "this combines money in {a} with money in {b}"
                ),
                help: "amounts in different currencies cannot be combined; convert one of them with an exchange-rate parameter first".into(),
                kind: Mismatch::Currency,
            });
        }
    }
    let verb = match op {
        BinaryOp::Add => "added",
        BinaryOp::Sub => "subtracted",
        BinaryOp::Mul => "multiplied",
        _ => "divided",
    };
    // "added to" / "subtracted from", for the messages about + and -.
    let joined = if op == BinaryOp::Sub {
        "subtracted from"
    } else {
        "added to"
    };
    let result = match (op, left, right) {
        // Addition and subtraction need the same kind of quantity.
        (BinaryOp::Add | BinaryOp::Sub, Integer, Integer) => Some(Integer),
        (BinaryOp::Add | BinaryOp::Sub, Integer | Decimal, Integer | Decimal) => Some(Decimal),
        (BinaryOp::Add | BinaryOp::Sub, Percent, Percent) => Some(Percent),
        (BinaryOp::Add | BinaryOp::Sub, Money(c), Money(_)) => Some(Money(c)),

        // Multiplication scales.
        (BinaryOp::Mul, Integer, Integer) => Some(Integer),
        (BinaryOp::Mul, Integer | Decimal, Integer | Decimal) => Some(Decimal),
        (BinaryOp::Mul, Percent, Integer | Decimal | Percent)
        | (BinaryOp::Mul, Integer | Decimal, Percent) => Some(Percent),
        (BinaryOp::Mul, Money(c), Integer | Decimal | Percent)
        | (BinaryOp::Mul, Integer | Decimal | Percent, Money(c)) => Some(Money(c)),

        // Division.
        (BinaryOp::Div, Integer | Decimal, Integer | Decimal) => Some(Decimal),
        (BinaryOp::Div, Percent, Integer | Decimal) => Some(Percent),
        (BinaryOp::Div, Percent, Percent) => Some(Decimal),
        (BinaryOp::Div, Integer | Decimal, Percent) => Some(Decimal),
        (BinaryOp::Div, Money(c), Integer | Decimal | Percent) => Some(Money(c)),
        (BinaryOp::Div, Money(_), Money(_)) => Some(Decimal),
        _ => None,
    };
    if let Some(t) = result {
        return Ok(t);
    }
    let (amount, pct) = if left == Percent {
        (names.1.unwrap_or("amount"), names.0.unwrap_or("rate"))
    } else {
        (names.0.unwrap_or("amount"), names.1.unwrap_or("rate"))
    };
    Err(match (op, left, right) {
        (BinaryOp::Add | BinaryOp::Sub, Money(_), Percent)
        | (BinaryOp::Add | BinaryOp::Sub, Percent, Money(_)) => arith_err(
            format!("a percentage cannot be {joined} an amount of money"),
            format!(
                "a percentage of an amount is a multiplication: did you mean `{amount} * {pct}` (the percentage itself) or `{amount} * (100% {} {pct})`?",
                op.as_str()
            ),
        ),
        (BinaryOp::Add | BinaryOp::Sub, Money(c), Integer | Decimal)
        | (BinaryOp::Add | BinaryOp::Sub, Integer | Decimal, Money(c)) => arith_err(
            format!("a plain number cannot be {joined} an amount of money"),
            format!(
                "write the number as money, for example `{}5.00`, or make the parameter's type Money",
                c.symbol()
                    .map_or_else(|| format!("{} ", c.code()), str::to_string)
            ),
        ),
        (BinaryOp::Add | BinaryOp::Sub, Percent, Integer | Decimal)
        | (BinaryOp::Add | BinaryOp::Sub, Integer | Decimal, Percent) => arith_err(
            format!("a plain number cannot be {joined} a percentage"),
            "write the number as a percentage, for example `100%` instead of `1`",
        ),
        (BinaryOp::Mul, Money(_), Money(_)) => arith_err(
            "two amounts of money cannot be multiplied together".into(),
            "multiply an amount by a number or a percentage, such as `price * 2` or `price * markup`",
        ),
        (BinaryOp::Div, Integer | Decimal | Percent, Money(_)) => arith_err(
            "a number cannot be divided by an amount of money".into(),
            "divide money by money to get a ratio, or money by a number to share it",
        ),
        _ if left == Bool || right == Bool => arith_err(
            format!("a yes/no value cannot be used as a number (it is {verb} here)"),
            "yes/no values combine with `and`, `or` and `not`; to count them, use `count(each member m where ...)`",
        ),
        _ => arith_err(
            format!(
                "{} and {} cannot be {verb} together",
                left.plain(units),
                right.plain(units)
            ),
            "arithmetic works on numbers, percentages and money; check the types of both sides",
        ),
    })
}
