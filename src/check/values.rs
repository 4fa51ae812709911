//! Written values, typed: a literal or a variant's name, as a parameter's
//! value, an example's input, a CSV cell or a JSON string gives it, checked
//! against the type its place requires.
//!
//! One set of functions serves the checker, while it checks a rulebook, and
//! the readers of inputs ([`ValueReader`], [`input_value`]), against a
//! checked program: both give the names the rulebook uses for its types
//! through [`Vocabulary`], so no checker is rebuilt to read an input.

use rust_decimal::Decimal;

use super::suggest;
use crate::currency::Currency;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::Program;
use crate::span::Span;
use crate::syntax::ast;
use crate::types::{Type, Vocabulary};
use crate::units::{Dim, Units};
use crate::value::Value;

/// Checks a written value against the type `ty` of the place named `owner`.
/// Problems go to `found`; `None` when the value cannot be used.
pub(super) fn typed_value(
    names: &(impl Vocabulary + ?Sized),
    value: &ast::Value,
    ty: Type,
    owner: &str,
    found: &mut Vec<Diagnostic>,
) -> Option<Value> {
    let span = value.span();
    if let ast::Value::Literal(ast::Literal::None, _) = value {
        if ty.is_optional() || ty == Type::Error {
            return Some(Value::None);
        }
        found.push(not_optional(owner, ty, names, span));
        return None;
    }
    let (value, typed) = match value {
        ast::Value::Literal(literal, _) => typed_literal(names, literal, span, found)?,
        ast::Value::Name(name) => match names.variant(&name.name) {
            Some((e, v)) => (Value::Enum(v), Type::Enum(e)),
            None => {
                let help = match ty {
                    Type::Enum(e) => format!("`{owner}` is one of {}", variants(names, e)),
                    other => format!("`{owner}` needs {}", other.plain(names.units())),
                };
                found.push(
                    Diagnostic::error(
                        Code::BadValue,
                        format!("`{}` is not a value `{owner}` can take", name.name),
                    )
                    .at(span, "not a value")
                    .help(help),
                );
                return None;
            }
        },
    };
    if typed.fits(ty) {
        return Some(value);
    }
    let ty = ty.present();
    let units = names.units();
    if let Type::Measure(d) = ty {
        let timed = d.time_units(units).next().is_some();
        let shown = d.display(units);
        let (message, help) = if timed && typed.dim() == Some(d.without_time(units)) {
            // `6%` where `Percent per year` is needed: the time unit is missing.
            let per: Vec<&str> = d.time_units(units).map(|(_, t, _)| t.name()).collect();
            (
                format!(
                    "`{owner}` is {}, but this value has no unit of time",
                    ty.plain(units)
                ),
                format!(
                    "write the unit of time after the value, such as `{} per {}`",
                    crate::value::literal(&value, typed, names, &[]),
                    per.join(" per ")
                ),
            )
        } else if typed.dim() == Some(Dim::NONE) {
            (
                format!("`{owner}` is counted in {shown}, but this value has no unit"),
                format!("write the unit after the number, such as `12 {shown}`"),
            )
        } else {
            (
                format!(
                    "`{owner}` is counted in {shown}, but this is {}",
                    typed.plain(units)
                ),
                format!("write the value in {shown}"),
            )
        };
        found.push(
            Diagnostic::error(Code::MissingUnit, message)
                .at(span, "wrong unit")
                .help(help),
        );
        return None;
    }
    let code = match (typed, ty) {
        (Type::Money(_), Type::Money(_)) => Code::CurrencyMismatch,
        _ => Code::BadValue,
    };
    found.push(
        Diagnostic::error(
            code,
            format!(
                "`{owner}` needs {}, but this is {}",
                ty.plain(units),
                typed.plain(units)
            ),
        )
        .at(span, format!("{} here", typed.plain(units)))
        .help(value_help(ty, typed, names)),
    );
    None
}

/// The value and type of a literal. Problems go to `found`; `None` when it
/// has no type (an unknown currency or unit, a dimension too complex).
pub(super) fn typed_literal(
    names: &(impl Vocabulary + ?Sized),
    literal: &ast::Literal,
    span: Span,
    found: &mut Vec<Diagnostic>,
) -> Option<(Value, Type)> {
    Some(match literal {
        ast::Literal::Integer(d) => (Value::Number(*d), Type::Integer),
        ast::Literal::Decimal(d) => (Value::Number(*d), Type::Decimal),
        ast::Literal::Percent(d) => (Value::Number(*d), Type::Percent),
        ast::Literal::Money { amount, currency } => {
            let c = currency_named(currency, span, found)?;
            (Value::Number(*amount), Type::Money(c))
        }
        ast::Literal::Measure {
            amount,
            percent,
            currency,
            unit,
            per,
        } => {
            let mut dim = match currency {
                Some(c) => Dim::money(currency_named(c, span, found)?),
                None if *percent => Dim::PERCENT,
                None => Dim::NONE,
            };
            for (u, sign) in [(unit, 1), (per, -1)] {
                if let Some(u) = u {
                    let Some(id) = names.units().lookup(&u.name) else {
                        found.push(unknown_unit(names.units(), u));
                        return None;
                    };
                    dim = dim.combine(&Dim::unit(id), sign)?;
                }
            }
            (Value::Number(*amount), Type::of_dim(dim))
        }
        ast::Literal::Date(d) => (Value::Date(*d), Type::Date),
        ast::Literal::Text(t) => (Value::Text(t.as_str().into()), Type::Text),
        ast::Literal::Bool(b) => (Value::Bool(*b), Type::Bool),
        ast::Literal::None => {
            found.push(
                Diagnostic::error(
                    Code::MaybeMissing,
                    "`none` stands for an optional value that is missing, and has no kind of its own here",
                )
                .at(span, "`none` here")
                .help("`none` is the value of an optional attribute or parameter (`notice_given: Date?`): set it with `set m.notice_given to none`, test it with `m.notice_given is none`"),
            );
            return None;
        }
    })
}

/// `none` given where `owner` of type `ty` must have a value.
fn not_optional(
    owner: &str,
    ty: Type,
    names: &(impl Vocabulary + ?Sized),
    span: Span,
) -> Diagnostic {
    let name = ty.name(names.units());
    Diagnostic::error(
        Code::MaybeMissing,
        format!("`{owner}` must have a value, but this is `none`"),
    )
    .at(span, "no value")
    .help(format!(
        "give {}; or, if it may be missing, make its type optional: `{name}?`",
        ty.plain(names.units())
    ))
}

/// The currency with ISO code `code`; an unknown one goes to `found`.
pub(super) fn currency_named(
    code: &str,
    span: Span,
    found: &mut Vec<Diagnostic>,
) -> Option<Currency> {
    let currency = Currency::from_code(code);
    if currency.is_none() {
        let d = Diagnostic::error(Code::UnknownCurrency, format!("unknown currency `{code}`"))
            .at(span, "not a currency Rochdale knows");
        found.push(match suggest::did_you_mean(code, Currency::codes()) {
            Some(s) => d.help(format!("{s} Currencies are written as ISO 4217 codes")),
            None => d.help(format!(
                "currencies are written as ISO 4217 codes; Rochdale knows {}",
                Currency::codes().collect::<Vec<_>>().join(", ")
            )),
        });
    }
    currency
}

/// The diagnostic for a unit the rulebook does not declare.
pub(super) fn unknown_unit(units: &Units, unit: &ast::Ident) -> Diagnostic {
    let help = suggest::did_you_mean(&unit.name, units.names())
        .unwrap_or_else(|| format!("declare it with `unit {}` before using it", unit.name));
    Diagnostic::error(Code::UnknownType, format!("unknown unit `{}`", unit.name))
        .at(unit.span, "not a declared unit")
        .help(help)
}

/// A member's or period's money is a booked balance: it must be exact to
/// the minor unit. One that is not goes to `found`.
pub(super) fn booked_input(
    written: &ast::Value,
    ty: Type,
    value: &Option<Value>,
    found: &mut Vec<Diagnostic>,
) {
    if let (Type::Money(c), Some(Value::Number(d))) = (ty, value) {
        if d.normalize().scale() > c.minor_digits() {
            found.push(
                Diagnostic::error(
                    Code::BadValue,
                    format!(
                        "{} has more digits than the smallest unit of {c}",
                        written_amount(*d, c)
                    ),
                )
                .at(written.span(), "too precise for a balance")
                .help("balances are booked to the minor unit (pence, cents); round the amount"),
            );
        }
    }
}

fn written_amount(d: Decimal, c: Currency) -> String {
    match c.symbol() {
        Some(s) => format!("{s}{d}"),
        None => format!("{d} {c}"),
    }
}

/// An enumeration's variants, for a help line.
fn variants(names: &(impl Vocabulary + ?Sized), e: crate::types::EnumId) -> String {
    names
        .enums()
        .get(e.0 as usize)
        .map_or(String::new(), |d| d.variants.join(", "))
}

/// Help for a written value of the wrong type.
fn value_help(expected: Type, found: Type, names: &(impl Vocabulary + ?Sized)) -> String {
    match (expected, found) {
        (Type::Money(c), Type::Integer | Type::Decimal) => format!(
            "write it as money, such as `{}`",
            c.symbol()
                .map_or_else(|| format!("5.00 {}", c.code()), |s| format!("{s}5.00"))
        ),
        (Type::Money(c), Type::Money(_)) => format!("write the amount in {c}"),
        (Type::Percent, Type::Integer | Type::Decimal) => {
            "write it as a percentage, such as `5%`".into()
        }
        (Type::Integer, Type::Decimal) => "write a whole number, without decimals".into(),
        (Type::Enum(e), _) => format!("choose one of {}", variants(names, e)),
        (Type::Bool, _) => "write `true` or `false`".into(),
        (Type::Date, _) => "write a date as YYYY-MM-DD".into(),
        (Type::Text, _) => "write text in double quotes".into(),
        _ => format!("write {}", expected.plain(names.units())),
    }
}

/// Help for a text that does not read as a value at all.
fn text_help(names: &(impl Vocabulary + ?Sized), ty: Type) -> String {
    match ty {
        Type::Money(c) => format!(
            "write an amount such as {}",
            c.symbol()
                .map_or_else(|| format!("5.00 {c}"), |s| format!("{s}5.00"))
        ),
        Type::Percent => "write a percentage such as 5%".into(),
        Type::Integer => "write a whole number such as 16".into(),
        Type::Decimal => "write a number such as 0.5".into(),
        Type::Date => "write a date as YYYY-MM-DD".into(),
        Type::Bool => "write true or false".into(),
        Type::Enum(e) => format!("write one of {}", variants(names, e)),
        _ => format!("write {}", ty.plain(names.units())),
    }
}

/// Reads input values written as text (CSV cells, JSON strings) against a
/// program's types. Made once per file; it reads the program's own names.
pub struct ValueReader<'p> {
    program: &'p Program,
}

impl<'p> ValueReader<'p> {
    /// A reader for `program`'s inputs.
    pub fn new(program: &'p Program) -> Self {
        ValueReader { program }
    }

    /// Reads `text` for a place of type `ty` named `owner`. A member's money
    /// is a balance and must be exact to the minor unit (`balance`).
    pub fn read(
        &mut self,
        text: &str,
        ty: Type,
        owner: &str,
        balance: bool,
    ) -> Result<Value, Diagnostic> {
        read(self.program, text, ty, owner, balance)
    }
}

/// Reads one input value (as [`ValueReader::read`] does).
pub fn input_value(
    program: &Program,
    text: &str,
    ty: Type,
    owner: &str,
    balance: bool,
) -> Result<Value, Diagnostic> {
    read(program, text, ty, owner, balance)
}

fn read(
    program: &Program,
    text: &str,
    ty: Type,
    owner: &str,
    balance: bool,
) -> Result<Value, Diagnostic> {
    let written = crate::syntax::parse_value(text.trim()).map_err(|d| {
        let why = d
            .into_iter()
            .next()
            .map_or_else(|| "it does not parse".to_string(), |d| d.message);
        Diagnostic::error(
            Code::BadValue,
            format!("`{}` is not a value: {why}", text.trim()),
        )
        .help(text_help(program, ty))
    })?;
    let mut found = Vec::new();
    let value = typed_value(program, &written, ty, owner, &mut found);
    if balance {
        booked_input(&written, ty, &value, &mut found);
    }
    // The text stands alone (a cell, a string): its place is given by the
    // reader, so the diagnostic drops the span into it.
    match (value, found.into_iter().next()) {
        (Some(v), None) => Ok(v),
        (_, Some(d)) => Err(Diagnostic {
            span: None,
            label: None,
            related: Vec::new(),
            ..d
        }),
        (None, None) => Err(Diagnostic::error(
            Code::BadValue,
            format!("`{text}` is not a value for `{owner}`"),
        )
        .help(text_help(program, ty))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::ValueView;

    const BOOK: &str = r#"
rulebook "Values" currency GBP
unit km_month
unit hour
member {
  class: Worker or Consumer = Consumer
  usage: km_month
  rate: Money per hour
  capital: Money
}
parameter fee: Money = £5.00
parameter usage_price: Money per km_month = £90 per km_month
parameter founding_class: Worker or Consumer = Worker
"#;

    fn program(text: &str) -> Program {
        let book = crate::syntax::parse(text).expect("parses");
        let checked = super::super::check(&book);
        checked.program.expect("checks")
    }

    fn field(program: &Program, name: &str) -> Type {
        program
            .member_attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.ty)
            .expect("an attribute")
    }

    #[test]
    fn a_program_reads_values_as_the_checker_typed_its_parameters() {
        let p = program(BOOK);
        let mut reader = ValueReader::new(&p);
        // The checker typed the parameters; the program reads the same texts
        // to the same values.
        for (text, param) in [
            ("£5.00", "fee"),
            ("£90 per km_month", "usage_price"),
            ("Worker", "founding_class"),
        ] {
            let def = &p.params[p.param_id(param).expect("a parameter")];
            let read = reader.read(text, def.ty, param, false).expect("reads");
            assert_eq!(read, def.value, "{text}");
        }
        // By hand: Worker is the first variant; 12 km_month is the number 12.
        let class = field(&p, "class");
        assert_eq!(
            reader.read("Worker", class, "class", false),
            Ok(Value::Enum(0))
        );
        let usage = field(&p, "usage");
        assert_eq!(
            reader.read(" 12 km_month ", usage, "usage", false),
            Ok(Value::Number(Decimal::from(12)))
        );
        let rate = field(&p, "rate");
        assert_eq!(
            ValueView::new(&Value::Number(Decimal::from(9)), rate, &p, &[]).display,
            "£9.00 per hour"
        );
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_refused_with_its_code_and_help() {
        let p = program(BOOK);
        let usage = field(&p, "usage");
        let d = input_value(&p, "12", usage, "usage", false).expect_err("no unit");
        assert_eq!(d.code, Code::MissingUnit);
        assert_eq!(
            d.message,
            "`usage` is counted in km_month, but this value has no unit"
        );
        assert_eq!(
            d.help.as_deref(),
            Some("write the unit after the number, such as `12 km_month`")
        );
        assert_eq!(d.span, None);
        let d = input_value(&p, "12 hour", usage, "usage", false).expect_err("other unit");
        assert_eq!(
            d.message,
            "`usage` is counted in km_month, but this is a quantity in hour"
        );
        let d = input_value(&p, "12 furlong", usage, "usage", false).expect_err("unknown");
        assert_eq!(d.code, Code::UnknownType);
        assert_eq!(d.message, "unknown unit `furlong`");
        let class = field(&p, "class");
        let d = input_value(&p, "Owner", class, "class", false).expect_err("no variant");
        assert_eq!(d.code, Code::BadValue);
        assert_eq!(
            d.help.as_deref(),
            Some("`class` is one of Worker, Consumer")
        );
        let capital = field(&p, "capital");
        let d = input_value(&p, "£1.005", capital, "capital", true).expect_err("a balance");
        assert_eq!(
            d.message,
            "£1.005 has more digits than the smallest unit of GBP"
        );
        assert!(input_value(&p, "£1.005", capital, "capital", false).is_ok());
        let d = input_value(&p, "€5", capital, "capital", false).expect_err("currency");
        assert_eq!(d.code, Code::CurrencyMismatch);
        let d = input_value(&p, "five", capital, "capital", false).expect_err("a name");
        assert_eq!(d.code, Code::BadValue);
        assert_eq!(
            d.help.as_deref(),
            Some("`capital` needs an amount of money (GBP)")
        );
        let d = input_value(&p, "£", capital, "capital", false).expect_err("not a value");
        assert_eq!(d.code, Code::BadValue);
        assert!(
            d.message.starts_with("`£` is not a value: "),
            "{}",
            d.message
        );
        assert_eq!(d.help.as_deref(), Some("write an amount such as £5.00"));
    }

    #[test]
    fn units_belong_to_each_rulebook() {
        // Two rulebooks in one process, each with as many units as one may
        // declare, none in common: with one table for the process the
        // second would have been refused.
        let book = |prefix: &str| {
            let mut text = String::from("rulebook \"U\" currency GBP\n");
            for i in 0..crate::units::MAX_UNITS {
                text += &format!("unit {prefix}{i}\n");
            }
            text + &format!("parameter q: {prefix}7 = 3 {prefix}7\n")
        };
        let a = program(&book("a"));
        let b = program(&book("b"));
        // Each table also holds the five units of time.
        assert_eq!(a.units.len(), crate::units::MAX_UNITS + 5);
        assert_eq!(b.units.len(), crate::units::MAX_UNITS + 5);
        assert_eq!(a.units.declared().count(), crate::units::MAX_UNITS);
        // The same id names each rulebook's own unit.
        let (qa, qb) = (&a.params[0], &b.params[0]);
        assert_eq!(qa.ty.name(&a.units), "a7");
        assert_eq!(qb.ty.name(&b.units), "b7");
        assert_eq!(ValueView::new(&qa.value, qa.ty, &a, &[]).display, "3 a7");
    }
}
