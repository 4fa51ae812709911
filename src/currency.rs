//! Currencies: ISO 4217 codes, their symbols and minor units.

use serde::Serialize;
use std::fmt;

/// A currency Rochdale knows, by its ISO 4217 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Currency(&'static str);

/// (code, symbol, digits of the minor unit). Symbols are only for the
/// currencies whose symbol is unambiguous in a rulebook.
const CURRENCIES: &[(&str, Option<&str>, u32)] = &[
    ("GBP", Some("£"), 2),
    ("EUR", Some("€"), 2),
    ("USD", Some("$"), 2),
    ("JPY", Some("¥"), 0),
    ("CHF", None, 2),
    ("SEK", None, 2),
    ("NOK", None, 2),
    ("DKK", None, 2),
    ("PLN", None, 2),
    ("CZK", None, 2),
    ("CAD", None, 2),
    ("AUD", None, 2),
    ("NZD", None, 2),
    ("ARS", None, 2),
    ("UYU", None, 2),
    ("BRL", None, 2),
    ("MXN", None, 2),
    ("CLP", None, 0),
    ("COP", None, 2),
    ("INR", None, 2),
    ("KES", None, 2),
    ("ZAR", None, 2),
];

impl Currency {
    /// The currency with this ISO code, if Rochdale knows it.
    pub fn from_code(code: &str) -> Option<Currency> {
        CURRENCIES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(c, _, _)| Currency(c))
    }

    /// The currency written with this symbol (`£`, `€`, `$`, `¥`).
    pub fn from_symbol(symbol: &str) -> Option<Currency> {
        CURRENCIES
            .iter()
            .find(|(_, s, _)| *s == Some(symbol))
            .map(|(c, _, _)| Currency(c))
    }

    /// Every known code, for suggestions.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(c, _, _)| *c)
    }

    /// The ISO code, such as `GBP`.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The symbol, if the currency has one Rochdale writes.
    pub fn symbol(self) -> Option<&'static str> {
        CURRENCIES
            .iter()
            .find(|(c, _, _)| *c == self.0)
            .and_then(|(_, s, _)| *s)
    }

    /// Digits after the decimal point in the minor unit: 2 for pence and
    /// cents, 0 for yen.
    pub fn minor_digits(self) -> u32 {
        CURRENCIES
            .iter()
            .find(|(c, _, _)| *c == self.0)
            .map_or(2, |(_, _, d)| *d)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
