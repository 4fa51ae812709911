//! One cell of a register read against its attribute's type: the forms a
//! spreadsheet exports (`1,200.00` for money, `01/04/2026` for a date in a
//! stated order) besides the forms of the language, and the plain forms
//! read without the full value parser.

use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::types::Type;
use crate::value::Value;

/// Which number comes first in a date written with slashes (`01/04/2026`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// `01/04/2026` is 1 April 2026 (the United Kingdom, most of Europe).
    DayFirst,
    /// `01/04/2026` is 4 January 2026 (the United States).
    MonthFirst,
}

/// Why a cell could not be read: what is wrong, and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// What is wrong with the cell.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

impl CellProblem {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        CellProblem {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The value of a cell written in the commonest plain forms, read without
/// the full value parser: a whole number (`42`, `-7`) for an integer, and
/// an amount with the currency's symbol and at most its minor digits
/// (`£5`, `£5.5`, `£1234.56`) for money. Anything else is `None` and goes to
/// the parser, so this only ever agrees with it (tests/batch.rs checks).
pub fn plain_cell(cell: &str, ty: Type) -> Option<Value> {
    let cell = cell.trim();
    let (negative, digits) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cell),
    };
    let number = match ty.present() {
        Type::Integer => {
            let n = plain_digits(digits)?;
            Decimal::from_i128_with_scale(n as i128, 0)
        }
        Type::Money(currency) => {
            let amount = digits.strip_prefix(currency.symbol()?)?;
            let (whole, fraction) = match amount.split_once('.') {
                Some((w, f)) => (w, f),
                None => (amount, ""),
            };
            let places = fraction.len() as u32;
            if places > currency.minor_digits()
                || (amount.contains('.') && places == 0)
                || !fraction.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let whole = plain_digits(whole)?;
            let fraction: u64 = if fraction.is_empty() {
                0
            } else {
                fraction.parse().ok()?
            };
            let mantissa = (whole as i128)
                .checked_mul(10i128.pow(places))?
                .checked_add(fraction as i128)?;
            Decimal::try_from_i128_with_scale(mantissa, places).ok()?
        }
        _ => return None,
    };
    let number = if negative {
        if number.is_zero() {
            return None;
        }
        -number
    } else {
        number
    };
    Some(Value::Number(number))
}

/// Decimal digits without a sign or a leading zero (`0` itself allowed),
/// at most 15 of them.
fn plain_digits(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty()
        || bytes.len() > 15
        || !bytes.iter().all(u8::is_ascii_digit)
        || (bytes.len() > 1 && bytes[0] == b'0')
    {
        return None;
    }
    text.parse().ok()
}

/// The help line for money that does not look like an amount.
pub fn money_help(currency: Currency) -> String {
    let symbol = currency.symbol().unwrap_or("");
    format!(
        "write an amount in {} such as 1,200.00, 1200 or {symbol}1,200.00 (a comma between thousands, a point before the {} decimal places)",
        currency.code(),
        currency.minor_digits()
    )
}

/// An amount as a register writes it: plain (`8.00`, `1200`), with
/// thousands separators (`1,200.00`) and the currency's symbol if wanted
/// (`£1,200.00`, `-£5`). `None` when the cell is not made of digits,
/// commas and a point (it is left to the language's own reader); a problem
/// when it is, but not as an amount of this currency is written.
pub fn register_money(cell: &str, currency: Currency) -> Option<Result<Value, CellProblem>> {
    let text = cell.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let rest = match currency.symbol() {
        Some(symbol) => rest.strip_prefix(symbol).unwrap_or(rest).trim_start(),
        None => rest,
    };
    if rest.is_empty()
        || !rest
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return None;
    }
    let wrong = || CellProblem::new(format!("`{text}` is not an amount"), money_help(currency));
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    if !thousands(whole) {
        return Some(Err(wrong()));
    }
    let digits_after = match fraction {
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Some(Err(wrong()));
        }
        Some(f) => f,
        None => "",
    };
    if digits_after.len() as u32 > currency.minor_digits() {
        return Some(Err(CellProblem::new(
            format!(
                "`{text}` has more decimal places than {} has ({})",
                currency.code(),
                currency.minor_digits()
            ),
            "a member's money is a balance, exact to the smallest unit of the currency: round it in the register",
        )));
    }
    let plain: String = whole.chars().filter(|&c| c != ',').collect();
    let written = if digits_after.is_empty() {
        plain
    } else {
        format!("{plain}.{digits_after}")
    };
    let Ok(amount) = Decimal::from_str_exact(&written) else {
        return Some(Err(CellProblem::new(
            format!("`{text}` is too large an amount"),
            money_help(currency),
        )));
    };
    Some(Ok(Value::Number(if negative { -amount } else { amount })))
}

/// Whether `whole` is digits, or digits grouped in threes by commas
/// (`1,200`, `12,345,678`; not `1,20` or `,200`).
fn thousands(whole: &str) -> bool {
    let groups: Vec<&str> = whole.split(',').collect();
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    match groups.as_slice() {
        [] => false,
        [only] => all_digits(only),
        [first, rest @ ..] => {
            all_digits(first)
                && first.len() <= 3
                && rest.iter().all(|g| g.len() == 3 && all_digits(g))
        }
    }
}

/// The help line for a date that cannot be read.
pub const DATE_HELP: &str = "write dates as 2026-04-01, or say how the register writes them with `--dates day-first` (01/04/2026 is 1 April) or `--dates month-first` (4 January)";

/// A date written with slashes (`01/04/2026`), read in the order given.
/// `None` when the cell has no slash (it is left to the language's reader,
/// which reads `2026-04-01`).
pub fn slash_date(cell: &str, order: Option<DateOrder>) -> Option<Result<Value, CellProblem>> {
    let text = cell.trim();
    if !text.contains('/') {
        return None;
    }
    let iso = DATE_HELP;
    let parts: Vec<&str> = text.split('/').collect();
    let numbers: Option<Vec<u32>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let (Some(numbers), 3) = (numbers, parts.len()) else {
        return Some(Err(CellProblem::new(
            format!("`{text}` is not a date"),
            iso,
        )));
    };
    if parts[2].len() != 4 {
        return Some(Err(CellProblem::new(
            format!("`{text}` does not give the year in full"),
            "write the year with four digits (01/04/2026), or the date as 2026-04-01",
        )));
    }
    let (a, b, year) = (numbers[0], numbers[1], numbers[2] as i32);
    let Some(order) = order else {
        let message = if a <= 12 && b <= 12 && a != b {
            format!(
                "`{text}` could be {} or {}",
                spoken(a, b, year),
                spoken(b, a, year)
            )
        } else {
            format!("`{text}` is written with slashes, in an order not stated")
        };
        return Some(Err(CellProblem::new(message, iso)));
    };
    let (day, month) = match order {
        DateOrder::DayFirst => (a, b),
        DateOrder::MonthFirst => (b, a),
    };
    Some(calendar(year, month, day).ok_or_else(|| {
        CellProblem::new(
            format!("`{text}` is not a day of the calendar"),
            format!(
                "read {}, the day is {day} and the month {month}",
                match order {
                    DateOrder::DayFirst => "day first",
                    DateOrder::MonthFirst => "month first",
                }
            ),
        )
    }))
}

/// `1 April 2026`, for the message of an ambiguous date.
fn spoken(day: u32, month: u32, year: i32) -> String {
    match u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
    {
        Some(m) => format!("{day} {m} {year}"),
        None => format!("{day}/{month}/{year}"),
    }
}

/// The date `year`-`month`-`day`, if there is one.
pub fn calendar(year: i32, month: u32, day: u32) -> Option<Value> {
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    time::Date::from_calendar_date(year, month, u8::try_from(day).ok()?)
        .ok()
        .map(Value::Date)
}

/// A number a spreadsheet holds as floating point, as the decimal it
/// shows: the shortest text that reads back as the same number (`8.1`,
/// not `8.0999999999999996`), so no binary fraction reaches a value.
pub fn number_text(n: f64) -> Option<String> {
    // `Display` for f64 writes the shortest round-trip digits, never an
    // exponent.
    n.is_finite().then(|| format!("{n}"))
}

/// A date a spreadsheet holds as a serial day number (1900 system: day 1
/// is 1900-01-01, with Excel's phantom 1900-02-29 as day 60; or 1904
/// system), if it is a whole day. Counted in integers: no floating point.
pub fn serial_date(serial: f64, is_1904: bool) -> Option<Value> {
    if !serial.is_finite() || serial.fract() != 0.0 || !(0.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial as i64;
    // Excel counts 1900-02-29, which did not exist: serials from 61 on are
    // one day ahead of a count from 1899-12-31, so they count from 12-30.
    let (epoch, days) = if is_1904 {
        (
            time::Date::from_calendar_date(1904, time::Month::January, 1).ok()?,
            days,
        )
    } else if days >= 61 {
        (
            time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?,
            days,
        )
    } else if days == 60 {
        return None;
    } else {
        (
            time::Date::from_calendar_date(1899, time::Month::December, 31).ok()?,
            days,
        )
    };
    epoch
        .checked_add(time::Duration::days(days))
        .map(Value::Date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp() -> Currency {
        Currency::from_code("GBP").expect("GBP")
    }

    fn money(text: &str) -> Option<Result<String, String>> {
        register_money(text, gbp()).map(|r| match r {
            Ok(Value::Number(n)) => Ok(n.to_string()),
            Ok(other) => Err(format!("{other:?}")),
            Err(p) => Err(p.message),
        })
    }

    #[test]
    fn amounts_as_registers_write_them() {
        assert_eq!(money("8.00"), Some(Ok("8.00".into())));
        assert_eq!(money("1,200.00"), Some(Ok("1200.00".into())));
        assert_eq!(money("1200"), Some(Ok("1200".into())));
        assert_eq!(money("£1,200.00"), Some(Ok("1200.00".into())));
        assert_eq!(money("-£12,345,678.9"), Some(Ok("-12345678.9".into())));
        assert_eq!(money(" 0.05 "), Some(Ok("0.05".into())));
    }

    #[test]
    fn amounts_that_look_wrong_are_problems_or_left_to_the_parser() {
        for bad in [
            "8,00", "1,20,000", "1.200,00", ",200", "8.", "1.2.3", "1200,",
        ] {
            assert!(
                matches!(money(bad), Some(Err(_))),
                "{bad}: {:?}",
                money(bad)
            );
        }
        assert_eq!(
            money("8.005"),
            Some(Err(
                "`8.005` has more decimal places than GBP has (2)".into()
            ))
        );
        // Not digits: the language's reader decides (and says why).
        assert_eq!(money("$5"), None);
        assert_eq!(money("five"), None);
    }

    fn date(text: &str, order: Option<DateOrder>) -> Option<Result<String, String>> {
        slash_date(text, order).map(|r| match r {
            Ok(Value::Date(d)) => Ok(d.to_string()),
            Ok(other) => Err(format!("{other:?}")),
            Err(p) => Err(p.message),
        })
    }

    #[test]
    fn slash_dates_in_a_stated_order() {
        assert_eq!(
            date("01/04/2026", Some(DateOrder::DayFirst)),
            Some(Ok("2026-04-01".into()))
        );
        assert_eq!(
            date("01/04/2026", Some(DateOrder::MonthFirst)),
            Some(Ok("2026-01-04".into()))
        );
        assert_eq!(
            date("31/12/2025", Some(DateOrder::DayFirst)),
            Some(Ok("2025-12-31".into()))
        );
        assert!(matches!(
            date("31/02/2026", Some(DateOrder::DayFirst)),
            Some(Err(_))
        ));
        assert!(matches!(
            date("12/31/2025", Some(DateOrder::DayFirst)),
            Some(Err(_))
        ));
        assert!(matches!(
            date("01/04/26", Some(DateOrder::DayFirst)),
            Some(Err(_))
        ));
        assert_eq!(date("2026-04-01", None), None);
    }

    #[test]
    fn an_ambiguous_date_without_an_order_names_both_readings() {
        let problem = slash_date("01/04/2026", None)
            .and_then(Result::err)
            .expect("a problem");
        assert_eq!(
            problem.message,
            "`01/04/2026` could be 1 April 2026 or 4 January 2026"
        );
        assert!(
            problem.help.contains("--dates day-first"),
            "{}",
            problem.help
        );
    }

    #[test]
    fn serial_days_count_from_the_spreadsheet_epoch() {
        let d = |s: f64, is_1904| match serial_date(s, is_1904) {
            Some(Value::Date(d)) => Some(d.to_string()),
            _ => None,
        };
        // 2026-04-01 is 46113 days after 1899-12-30 (by hand: 1900-01-01 is
        // day 1, plus Excel's phantom 29 February).
        assert_eq!(d(46113.0, false).as_deref(), Some("2026-04-01"));
        assert_eq!(d(1.0, false).as_deref(), Some("1900-01-01"));
        assert_eq!(d(59.0, false).as_deref(), Some("1900-02-28"));
        assert_eq!(d(61.0, false).as_deref(), Some("1900-03-01"));
        assert_eq!(d(60.0, false), None);
        assert_eq!(d(0.0, true).as_deref(), Some("1904-01-01"));
        assert_eq!(d(46113.5, false), None);
    }

    #[test]
    fn floating_point_numbers_become_their_shortest_decimal() {
        assert_eq!(number_text(8.1).as_deref(), Some("8.1"));
        assert_eq!(number_text(1200.0).as_deref(), Some("1200"));
        assert_eq!(
            number_text(0.1 + 0.2).as_deref(),
            Some("0.30000000000000004")
        );
        assert_eq!(number_text(f64::NAN), None);
    }
}
