//! Runtime values, and how they are written for people and machines.
//!
//! A value does not carry its type: the checker knows every node's type, so
//! a number is a bare [`Decimal`] whether it counts pounds, percent or
//! people. [`ValueView`] joins a value with its type for output.

use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;
use std::sync::Arc;

pub use crate::syntax::ast::format_date;
use crate::types::{Type, Vocabulary};

/// A value computed or given as input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Yes or no.
    Bool(bool),
    /// Every number: integers, decimals, percentages (as fractions) and money.
    Number(Decimal),
    /// A calendar date.
    Date(time::Date),
    /// Text.
    Text(Arc<str>),
    /// The index of an enumeration variant.
    Enum(u32),
    /// The index of a member in the member table.
    Member(u32),
}

/// How two values of one type compare (`None` for values of two kinds).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Enum(x), Value::Enum(y)) => Some(x.cmp(y)),
        (Value::Member(x), Value::Member(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

impl Value {
    /// The number inside, if this is one.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(d) => Some(*d),
            _ => None,
        }
    }

    /// The truth inside, if this is a yes/no value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// A value with its type, written out: what outcomes carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueView {
    /// The type's name, such as `Money in GBP`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The exact value in a canonical form: `30.00` for £30, `0.2` for 20%,
    /// `2026-04-05`, `true`, a variant's or member's name.
    pub value: String,
    /// The value as a person reads it: `£30.00`, `20%`.
    pub display: String,
}

impl ValueView {
    /// Writes `value` of type `ty`. `names` (the program) names variants and
    /// units; `members` names members by index.
    pub fn new(
        value: &Value,
        ty: Type,
        names: &(impl Vocabulary + ?Sized),
        members: &[String],
    ) -> Self {
        let units = names.units();
        // A zero has no sign in output, however it was computed.
        let unsigned;
        let value = match value {
            Value::Number(d) if d.is_zero() => {
                unsigned = Value::Number(d.abs());
                &unsigned
            }
            other => other,
        };
        let (exact, display) = match (value, ty) {
            (Value::Number(d), Type::Money(c)) => {
                (money_amount(*d, c.minor_digits()), money_display(*d, c))
            }
            (Value::Number(d), Type::Measure(dim)) => {
                let exact = d.normalize().to_string();
                let display = match dim.currency() {
                    Some((c, 1)) if dim.numerators().is_empty() => {
                        let per: Vec<&str> =
                            dim.denominators().iter().map(|u| units.name(*u)).collect();
                        format!("{} per {}", money_display(*d, c), per.join("·"))
                    }
                    _ => format!("{exact} {}", dim.display(units)),
                };
                (exact, display)
            }
            (Value::Number(d), Type::Percent) => {
                let percent = (*d * Decimal::ONE_HUNDRED).normalize();
                (d.normalize().to_string(), format!("{percent}%"))
            }
            (Value::Number(d), _) => {
                let s = d.normalize().to_string();
                (s.clone(), s)
            }
            (Value::Bool(b), _) => (b.to_string(), b.to_string()),
            (Value::Date(d), _) => {
                let s = format_date(*d);
                (s.clone(), s)
            }
            (Value::Text(t), _) => (t.to_string(), format!("\"{t}\"")),
            (Value::Enum(i), Type::Enum(e)) => {
                let name = names
                    .variant_name(e, *i)
                    .map_or_else(|| format!("variant {i}"), str::to_string);
                (name.clone(), name)
            }
            (Value::Enum(i), _) => (i.to_string(), i.to_string()),
            (Value::Member(i), _) => {
                let name = members
                    .get(*i as usize)
                    .cloned()
                    .unwrap_or_else(|| format!("member {i}"));
                (name.clone(), name)
            }
        };
        ValueView {
            ty: ty.name(units),
            value: exact,
            display,
        }
    }
}

/// A value written as in a rulebook, so that it reads back to itself:
/// `£1440.00` (no grouping), `12.5%`, `120 km_month`, `£12.00 per km_month`,
/// `2026-04-05`, `Worker`, `true`. What scenarios in JSON are written with.
pub fn literal(
    value: &Value,
    ty: Type,
    names: &(impl Vocabulary + ?Sized),
    members: &[String],
) -> String {
    let units = names.units();
    let money = |d: Decimal, c: crate::currency::Currency| {
        let amount = money_amount(d.abs(), c.minor_digits());
        let sign = if d.is_sign_negative() && !d.is_zero() {
            "-"
        } else {
            ""
        };
        match c.symbol() {
            Some(sym) => format!("{sign}{sym}{amount}"),
            None => format!("{sign}{amount} {}", c.code()),
        }
    };
    match (value, ty) {
        (Value::Number(d), Type::Money(c)) => money(*d, c),
        (Value::Number(d), Type::Measure(dim)) => match dim.currency() {
            Some((c, 1)) if dim.numerators().is_empty() => {
                let per: Vec<&str> = dim.denominators().iter().map(|u| units.name(*u)).collect();
                format!("{} per {}", money(*d, c), per.join(" per "))
            }
            _ => format!("{} {}", d.normalize(), dim.display(units)),
        },
        (Value::Number(d), Type::Percent) => {
            format!("{}%", (*d * Decimal::ONE_HUNDRED).normalize())
        }
        (Value::Number(d), _) => d.normalize().to_string(),
        _ => ValueView::new(value, ty, names, members).value,
    }
}

/// An amount as a person reads it: `£30.00`, `-£3.50`, `12.00 CHF`.
pub fn money_display(amount: Decimal, currency: crate::currency::Currency) -> String {
    let amount = if amount.is_zero() {
        amount.abs()
    } else {
        amount
    };
    let text = group_thousands(&money_amount(amount, currency.minor_digits()));
    match currency.symbol() {
        Some(sym) if text.starts_with('-') => format!("-{sym}{}", &text[1..]),
        Some(sym) => format!("{sym}{text}"),
        None => format!("{text} {}", currency.code()),
    }
}

/// `1234567.50` as `1,234,567.50`, for people.
fn group_thousands(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", number),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// An amount with at least the currency's minor digits (`30` becomes `30.00`)
/// and any further digits it really has (`3.005` stays `3.005`).
fn money_amount(amount: Decimal, minor_digits: u32) -> String {
    let normal = amount.normalize();
    let mut shown = normal;
    if normal.scale() < minor_digits {
        shown.rescale(minor_digits);
    }
    shown.to_string()
}
