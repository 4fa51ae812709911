//! Units of measure: the quantities a cooperative counts in (hours worked,
//! km-months of duct, kWh), and their dimensions through arithmetic.
//!
//! A dimension is a currency and units with whole exponents: £ per km_month
//! is GBP¹·km_month⁻¹. Multiplying adds exponents, dividing subtracts them,
//! and only quantities of one dimension can be added or compared.

use std::fmt;
use std::sync::{Mutex, OnceLock};

use crate::currency::Currency;

/// A unit, by its interned name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(u16);

/// The most distinct unit names one process knows.
pub const MAX_UNITS: usize = 4096;

fn names() -> &'static Mutex<Vec<String>> {
    static NAMES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    NAMES.get_or_init(|| Mutex::new(Vec::new()))
}

impl UnitId {
    /// The unit with this name (the same name is always the same unit).
    /// `None` when the process has seen [`MAX_UNITS`] names already.
    pub fn intern(name: &str) -> Option<UnitId> {
        let mut all = names()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(i) = all.iter().position(|n| n == name) {
            return Some(UnitId(i as u16));
        }
        if all.len() >= MAX_UNITS {
            return None;
        }
        all.push(name.to_string());
        Some(UnitId((all.len() - 1) as u16))
    }

    /// The unit's name.
    pub fn name(self) -> String {
        let all = names()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        all.get(self.0 as usize)
            .cloned()
            .unwrap_or_else(|| "?".into())
    }
}

/// How many distinct units one dimension may have.
pub const MAX_DIMENSION_UNITS: usize = 4;

/// A dimension: a currency with an exponent, and units with exponents.
/// Kept in a canonical form (units sorted by name, no zero exponents), so
/// two equal dimensions compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dim {
    currency: Option<(Currency, i8)>,
    units: [(UnitId, i8); MAX_DIMENSION_UNITS],
    len: u8,
}

impl Dim {
    /// No dimension: a plain number.
    pub const NONE: Dim = Dim {
        currency: None,
        units: [(UnitId(0), 0); MAX_DIMENSION_UNITS],
        len: 0,
    };

    /// Money in `currency`.
    pub fn money(currency: Currency) -> Dim {
        Dim {
            currency: Some((currency, 1)),
            ..Dim::NONE
        }
    }

    /// One `unit`.
    pub fn unit(unit: UnitId) -> Dim {
        let mut d = Dim::NONE;
        d.units[0] = (unit, 1);
        d.len = 1;
        d
    }

    /// The currency and its exponent, if any.
    pub fn currency(&self) -> Option<(Currency, i8)> {
        self.currency
    }

    /// The units and their exponents.
    pub fn units(&self) -> &[(UnitId, i8)] {
        &self.units[..self.len as usize]
    }

    /// Whether it has any unit (not just money, not a plain number).
    pub fn has_units(&self) -> bool {
        self.len > 0
    }

    /// `self × other^sign` (sign 1 to multiply, -1 to divide). `None` when
    /// the result would need more than [`MAX_DIMENSION_UNITS`] units or an
    /// exponent out of range, or mixes currencies.
    pub fn combine(&self, other: &Dim, sign: i8) -> Option<Dim> {
        let currency = match (self.currency, other.currency) {
            (None, None) => None,
            (Some(c), None) => Some(c),
            (None, Some((c, e))) => Some((c, e.checked_mul(sign)?)),
            (Some((a, ea)), Some((b, eb))) if a == b => {
                let e = ea.checked_add(eb.checked_mul(sign)?)?;
                (e != 0).then_some((a, e))
            }
            _ => return None,
        };
        let mut list: Vec<(UnitId, i8)> = self.units().to_vec();
        for &(u, e) in other.units() {
            let e = e.checked_mul(sign)?;
            match list.iter_mut().find(|(v, _)| *v == u) {
                Some(entry) => entry.1 = entry.1.checked_add(e)?,
                None => list.push((u, e)),
            }
        }
        list.retain(|(_, e)| *e != 0);
        if list.len() > MAX_DIMENSION_UNITS {
            return None;
        }
        list.sort_by_key(|(u, _)| u.name());
        let mut d = Dim {
            currency,
            ..Dim::NONE
        };
        for (i, entry) in list.iter().enumerate() {
            d.units[i] = *entry;
        }
        d.len = list.len() as u8;
        Some(d)
    }

    /// Units with a negative exponent (what a rate is "per").
    pub fn denominators(&self) -> Vec<UnitId> {
        self.units()
            .iter()
            .filter(|(_, e)| *e < 0)
            .map(|(u, _)| *u)
            .collect()
    }

    /// Units with a positive exponent.
    pub fn numerators(&self) -> Vec<UnitId> {
        self.units()
            .iter()
            .filter(|(_, e)| *e > 0)
            .map(|(u, _)| *u)
            .collect()
    }
}

fn power(name: &str, e: i8) -> String {
    if e.abs() == 1 {
        name.to_string()
    } else {
        format!("{name}^{}", e.abs())
    }
}

impl fmt::Display for Dim {
    /// `km_month`, `GBP per km_month`, `kWh per hour`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut top: Vec<String> = Vec::new();
        let mut bottom: Vec<String> = Vec::new();
        if let Some((c, e)) = self.currency {
            if e > 0 { &mut top } else { &mut bottom }.push(power(c.code(), e));
        }
        for &(u, e) in self.units() {
            if e > 0 { &mut top } else { &mut bottom }.push(power(&u.name(), e));
        }
        let top = if top.is_empty() {
            "1".to_string()
        } else {
            top.join("·")
        };
        if bottom.is_empty() {
            f.write_str(&top)
        } else {
            write!(f, "{top} per {}", bottom.join("·"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_cancel_against_their_unit() {
        let km = UnitId::intern("km_month_test").unwrap();
        let gbp = Currency::from_code("GBP").unwrap();
        let rate = Dim::money(gbp).combine(&Dim::unit(km), -1).unwrap();
        assert_eq!(rate.to_string(), "GBP per km_month_test");
        let money = rate.combine(&Dim::unit(km), 1).unwrap();
        assert_eq!(money, Dim::money(gbp));
    }

    #[test]
    fn different_units_do_not_cancel() {
        let kwh = UnitId::intern("kWh_test").unwrap();
        let hour = UnitId::intern("hour_test").unwrap();
        let power = Dim::unit(kwh).combine(&Dim::unit(hour), -1).unwrap();
        assert_eq!(power.to_string(), "kWh_test per hour_test");
        assert_ne!(Dim::unit(kwh), Dim::unit(hour));
    }
}
