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
    /// No value, of an optional type (`none`).
    None,
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
        // Only an expectation compares a missing value: none is none.
        (Value::None, Value::None) => Some(Ordering::Equal),
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
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
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
        let (exact, display) = match (value, ty.present()) {
            (Value::None, _) => ("none".to_string(), "none".to_string()),
            (Value::Number(d), Type::Money(c)) => {
                let exact = money_amount(*d, c.minor_digits());
                let display = money_display_of(&exact, c);
                (exact, display)
            }
            (Value::Number(d), Type::Measure(dim)) => {
                let exact = d.normalize().to_string();
                let per = || -> String {
                    let per: Vec<&str> =
                        dim.denominators().iter().map(|u| units.name(*u)).collect();
                    per.join("·")
                };
                let display = match dim.currency() {
                    Some((c, 1)) if dim.numerators().is_empty() => {
                        format!("{} per {}", money_display(*d, c), per())
                    }
                    None if dim.is_percent() => format!("{} per {}", percent_display(*d), per()),
                    _ => format!("{exact} {}", dim.display(units)),
                };
                (exact, display)
            }
            (Value::Number(d), Type::Percent) => (d.normalize().to_string(), percent_display(*d)),
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
    match (value, ty.present()) {
        (Value::None, _) => "none".to_string(),
        (Value::Number(d), Type::Money(c)) => money(*d, c),
        (Value::Number(d), Type::Measure(dim)) => match dim.currency() {
            Some((c, 1)) if dim.numerators().is_empty() => {
                let per: Vec<&str> = dim.denominators().iter().map(|u| units.name(*u)).collect();
                format!("{} per {}", money(*d, c), per.join(" per "))
            }
            None if dim.is_percent() => {
                let per: Vec<&str> = dim.denominators().iter().map(|u| units.name(*u)).collect();
                format!(
                    "{}% per {}",
                    (*d * Decimal::ONE_HUNDRED).normalize(),
                    per.join(" per ")
                )
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

/// Decimal places of a percentage shown as they are: a rate as a
/// rulebook writes it (`9.25%`, `0.125%`).
pub const PERCENT_EXACT_PLACES: u32 = 4;

/// Decimal places a percentage with more than [`PERCENT_EXACT_PLACES`]
/// (a computed share, `46.60194174757281553398058252%`) is rounded to for
/// display (half away from zero): `46.6%`. The exact value stays in JSON.
pub const PERCENT_DISPLAY_PLACES: u32 = 2;

/// A fraction as a person reads a percentage: `0.0925` as `9.25%`, a
/// computed `0.466019417...` as `46.6%`.
pub fn percent_display(fraction: Decimal) -> String {
    let Some(percent) = fraction.checked_mul(Decimal::ONE_HUNDRED) else {
        // Too large to scale: the fraction itself, exactly.
        return format!("{} (as a fraction)", fraction.normalize());
    };
    let percent = percent.normalize();
    let shown = if percent.scale() > PERCENT_EXACT_PLACES {
        percent
            .round_dp_with_strategy(
                PERCENT_DISPLAY_PLACES,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            )
            .normalize()
    } else {
        percent
    };
    // A zero has no sign in output.
    let shown = if shown.is_zero() { shown.abs() } else { shown };
    format!("{shown}%")
}

/// An amount as a person reads it: `£30.00`, `-£3.50`, `12.00 CHF`.
pub fn money_display(amount: Decimal, currency: crate::currency::Currency) -> String {
    money_display_of(&money_amount(amount, currency.minor_digits()), currency)
}

/// [`money_display`] from the amount's exact text (`-1234.50`): grouped in
/// thousands, with the currency's symbol or code. A statement shows
/// millions of amounts, so this writes into one string.
fn money_display_of(exact: &str, currency: crate::currency::Currency) -> String {
    let (negative, digits) = match exact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, exact),
    };
    let whole = digits.find('.').unwrap_or(digits.len());
    let symbol = currency.symbol();
    let mut out = String::with_capacity(exact.len() + whole / 3 + 8);
    if negative {
        out.push('-');
    }
    if let Some(sym) = symbol {
        out.push_str(sym);
    }
    for (i, c) in digits[..whole].char_indices() {
        if i > 0 && (whole - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(&digits[whole..]);
    if symbol.is_none() {
        out.push(' ');
        out.push_str(currency.code());
    }
    out
}

/// An amount with at least the currency's minor digits (`30` becomes `30.00`)
/// and any further digits it really has (`3.005` stays `3.005`).
fn money_amount(amount: Decimal, minor_digits: u32) -> String {
    // The digits of the mantissa, its trailing zeros beyond the minor
    // digits dropped and any missing ones added: what `normalize` then
    // `rescale` give, without the formatting machinery.
    let mut mantissa = amount.mantissa().unsigned_abs();
    let mut scale = amount.scale();
    while scale > minor_digits && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    let mut digits = mantissa.to_string().into_bytes();
    digits.resize(
        digits.len() + (minor_digits.saturating_sub(scale)) as usize,
        b'0',
    );
    let scale = scale.max(minor_digits) as usize;
    if digits.len() <= scale {
        let mut padded = vec![b'0'; scale + 1 - digits.len()];
        padded.extend_from_slice(&digits);
        digits = padded;
    }
    let point = digits.len() - scale;
    let mut out = String::with_capacity(digits.len() + 2);
    if amount.is_sign_negative() && mantissa != 0 {
        out.push('-');
    }
    // The digits are ASCII.
    out.extend(digits[..point].iter().map(|b| char::from(*b)));
    if scale > 0 {
        out.push('.');
        out.extend(digits[point..].iter().map(|b| char::from(*b)));
    }
    out
}

#[cfg(test)]
mod money_tests {
    use super::*;
    use crate::currency::Currency;
    use proptest::prelude::*;

    fn gbp() -> Currency {
        Currency::from_code("GBP").expect("GBP is known")
    }

    /// The amount as `rust_decimal` writes it, normalised then given the
    /// minor digits: the route `money_amount` replaces.
    fn by_decimal(amount: Decimal, minor_digits: u32) -> String {
        let mut shown = amount.normalize();
        if shown.scale() < minor_digits {
            shown.rescale(minor_digits);
        }
        shown.to_string()
    }

    #[test]
    fn amounts_are_written_with_their_minor_digits_and_grouped_for_people() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        assert_eq!(money_amount(d("30"), 2), "30.00");
        assert_eq!(money_amount(d("3.005"), 2), "3.005");
        assert_eq!(money_amount(d("3.50000"), 2), "3.50");
        assert_eq!(money_amount(d("-0.07"), 2), "-0.07");
        assert_eq!(money_amount(d("0.000"), 2), "0.00");
        assert_eq!(money_amount(d("1234567"), 0), "1234567");
        assert_eq!(money_display(d("1234567.5"), gbp()), "£1,234,567.50");
        assert_eq!(money_display(d("-3.5"), gbp()), "-£3.50");
        assert_eq!(money_display(d("999"), gbp()), "£999.00");
        assert_eq!(money_display(d("-1000"), gbp()), "-£1,000.00");
        let chf = Currency::from_code("CHF").expect("CHF is known");
        assert_eq!(money_display(d("-1200"), chf), "-1,200.00 CHF");
    }

    proptest! {
        #[test]
        fn money_amount_agrees_with_rust_decimal(
            mantissa in any::<i64>(),
            scale in 0u32..=18,
            minor in 0u32..=3,
        ) {
            let amount = Decimal::new(mantissa, scale);
            prop_assert_eq!(money_amount(amount, minor), by_decimal(amount, minor));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("a decimal")
    }

    #[test]
    fn percentages_as_written_are_shown_exactly() {
        assert_eq!(percent_display(d("0.0925")), "9.25%");
        assert_eq!(percent_display(d("0.00125")), "0.125%");
        // Four places of the percentage, the most shown as they are.
        assert_eq!(percent_display(d("0.000125")), "0.0125%");
        assert_eq!(percent_display(d("0.12345678")), "12.35%");
        assert_eq!(percent_display(d("1")), "100%");
        assert_eq!(percent_display(d("-0.05")), "-5%");
    }

    #[test]
    fn computed_percentages_are_rounded_to_two_places_for_display() {
        // 48 / 103 = 0.46601941747572815533980582524...
        let share = d("48") / d("103");
        assert_eq!(percent_display(share), "46.6%");
        // 2/3: 66.666...% rounds up; 1/3 rounds down.
        assert_eq!(percent_display(d("2") / d("3")), "66.67%");
        assert_eq!(percent_display(d("1") / d("3")), "33.33%");
        // A tiny negative share rounds to 0%, without a sign.
        assert_eq!(percent_display(d("-0.0000001")), "0%");
    }

    #[test]
    fn json_keeps_the_exact_percentage() {
        let share = d("48") / d("103");
        struct Plain(crate::units::Units);
        impl crate::types::Vocabulary for Plain {
            fn currency(&self) -> Option<crate::currency::Currency> {
                None
            }
            fn enums(&self) -> &[crate::types::EnumDef] {
                &[]
            }
            fn units(&self) -> &crate::units::Units {
                &self.0
            }
        }
        let names = Plain(crate::units::Units::default());
        let view = ValueView::new(&Value::Number(share), Type::Percent, &names, &[]);
        assert_eq!(view.display, "46.6%");
        assert_eq!(view.value, share.normalize().to_string());
        assert!(view.value.len() > 20, "{}", view.value);
    }
}
