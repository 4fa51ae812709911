//! Units of measure: the quantities a cooperative counts in (hours worked,
//! km-months of duct, kWh), and their dimensions through arithmetic.
//!
//! A dimension is a currency and units with whole exponents: £ per km_month
//! is GBP¹·km_month⁻¹. Multiplying adds exponents, dividing subtracts them,
//! and only quantities of one dimension can be added or compared.

use std::fmt;

use crate::currency::Currency;

/// A unit: its index in the rulebook's [`Units`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(u16);

impl Default for Units {
    /// The table of a rulebook that declares no unit: the units of time.
    fn default() -> Units {
        Units::new(std::iter::empty()).unwrap_or(Units { names: Vec::new() })
    }
}

/// The most units one rulebook may declare.
pub const MAX_UNITS: usize = 4096;

/// The units a rulebook declares, by name. The checker builds the table and
/// the checked program keeps it (`Program::units`): a [`UnitId`] means
/// something only with the table it came from, and whatever writes a
/// unit's name gets it here. There is no process-wide table.
///
/// Ids are given in the order of the names, so a dimension's canonical order
/// (by id) is alphabetical: `kWh·hour` reads the same whichever unit was
/// declared first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Units {
    /// Sorted, without repeats; a unit's id is its index.
    names: Vec<String>,
}

impl Units {
    /// The table of these names (repeats count once). `None` when there are
    /// more than [`MAX_UNITS`].
    pub fn new(names: impl IntoIterator<Item = String>) -> Option<Units> {
        let mut names: Vec<String> = names.into_iter().collect();
        if names.len() > MAX_UNITS {
            return None;
        }
        // The units of time are the language's: in every table, so a rate
        // per year means the same in every rulebook.
        names.extend(TimeUnit::ALL.iter().map(|t| t.name().to_string()));
        names.sort_unstable();
        names.dedup();
        Some(Units { names })
    }

    /// The unit a rulebook names: one it declares, or a unit of time
    /// written singular or plural (`3 years`).
    pub fn lookup(&self, name: &str) -> Option<UnitId> {
        self.id(name)
            .or_else(|| TimeUnit::of_name(name).and_then(|t| self.time_id(t)))
    }

    /// The unit of time `id` is, if it is one.
    pub fn time(&self, id: UnitId) -> Option<TimeUnit> {
        TimeUnit::ALL
            .into_iter()
            .find(|t| self.name(id) == t.name())
    }

    /// The id of a unit of time in this table.
    pub fn time_id(&self, unit: TimeUnit) -> Option<UnitId> {
        self.id(unit.name())
    }

    /// The units the rulebook declares: every unit but those of time.
    pub fn declared(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .map(String::as_str)
            .filter(|n| TimeUnit::ALL.iter().all(|t| t.name() != *n))
    }

    /// The unit with this name, if the rulebook declares it.
    pub fn id(&self, name: &str) -> Option<UnitId> {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()
            .map(|i| UnitId(i as u16))
    }

    /// A unit's name (`?` for an id from another table).
    pub fn name(&self, id: UnitId) -> &str {
        self.names.get(id.0 as usize).map_or("?", String::as_str)
    }

    /// Every unit's name, in alphabetical order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// How many units there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the table holds no unit at all (only a table not made by
    /// [`Units::new`], such as the default).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
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
    /// A number shown as a percentage (`5% per year`). Kept canonical: set
    /// only when there is no currency and no unit with a positive exponent,
    /// so a rate times money is plain money per its units.
    percent: bool,
}

impl Dim {
    /// No dimension: a plain number.
    pub const NONE: Dim = Dim {
        currency: None,
        units: [(UnitId(0), 0); MAX_DIMENSION_UNITS],
        len: 0,
        percent: false,
    };

    /// A percentage: a plain number shown as one.
    pub const PERCENT: Dim = Dim {
        percent: true,
        ..Dim::NONE
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

    /// Whether it is a percentage, or a percentage per units (`% per year`).
    pub fn is_percent(&self) -> bool {
        self.percent
    }

    /// The unit of time of a percentage per one unit of time (`5% per
    /// year`), the only rate written in words ("five per cent a year").
    pub fn percent_per_time(&self, units: &Units) -> Option<TimeUnit> {
        match (self.percent, self.currency, self.units()) {
            (true, None, [(unit, -1)]) => units.time(*unit),
            _ => None,
        }
    }

    /// The same dimension without its percentage mark: what a rate is
    /// compared with when the mark is the only difference.
    pub fn without_percent(&self) -> Dim {
        Dim {
            percent: false,
            ..*self
        }
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
        // By id, which is alphabetical (see [`Units`]).
        list.sort_by_key(|(u, _)| *u);
        // Percent × percent is a percentage, money × percent money; a
        // percentage over a percentage is a plain number.
        let percent = if sign > 0 {
            self.percent || other.percent
        } else {
            self.percent && !other.percent
        };
        let mut d = Dim {
            currency,
            percent: percent && currency.is_none() && list.iter().all(|(_, e)| *e < 0),
            ..Dim::NONE
        };
        for (i, entry) in list.iter().enumerate() {
            d.units[i] = *entry;
        }
        d.len = list.len() as u8;
        Some(d)
    }

    /// The units of time in it, each with its exponent.
    pub fn time_units<'a>(
        &'a self,
        units: &'a Units,
    ) -> impl Iterator<Item = (UnitId, TimeUnit, i8)> + 'a {
        self.units()
            .iter()
            .filter_map(move |&(u, e)| units.time(u).map(|t| (u, t, e)))
    }

    /// The dimension without its units of time: what `5% per year` is
    /// when the year is left out (a percentage).
    pub fn without_time(&self, units: &Units) -> Dim {
        let mut out = *self;
        out.units = [(UnitId(0), 0); MAX_DIMENSION_UNITS];
        let kept: Vec<(UnitId, i8)> = self
            .units()
            .iter()
            .filter(|(u, _)| units.time(*u).is_none())
            .copied()
            .collect();
        for (i, entry) in kept.iter().enumerate() {
            out.units[i] = *entry;
        }
        out.len = kept.len() as u8;
        out
    }

    /// The dimension with unit `from` replaced by `to` (same exponent):
    /// `% per quarter` as `% per year`.
    pub fn replace_unit(&self, from: UnitId, to: UnitId) -> Option<Dim> {
        let e = self.units().iter().find(|(u, _)| *u == from)?.1;
        let mut out = *self;
        out.units = [(UnitId(0), 0); MAX_DIMENSION_UNITS];
        out.len = 0;
        let mut list: Vec<(UnitId, i8)> = self
            .units()
            .iter()
            .filter(|(u, _)| *u != from)
            .copied()
            .collect();
        match list.iter_mut().find(|(u, _)| *u == to) {
            Some(entry) => entry.1 = entry.1.checked_add(e)?,
            None => list.push((to, e)),
        }
        list.retain(|(_, e)| *e != 0);
        list.sort_by_key(|(u, _)| *u);
        for (i, entry) in list.iter().enumerate() {
            out.units[i] = *entry;
        }
        out.len = list.len() as u8;
        Some(out)
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

impl Dim {
    /// The dimension written with its units' names: `km_month`,
    /// `GBP per km_month`, `kWh per hour`.
    pub fn display<'a>(&'a self, units: &'a Units) -> impl fmt::Display + 'a {
        DimDisplay { dim: self, units }
    }
}

struct DimDisplay<'a> {
    dim: &'a Dim,
    units: &'a Units,
}

impl fmt::Display for DimDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut top: Vec<String> = Vec::new();
        let mut bottom: Vec<String> = Vec::new();
        if let Some((c, e)) = self.dim.currency {
            if e > 0 { &mut top } else { &mut bottom }.push(power(c.code(), e));
        }
        for &(u, e) in self.dim.units() {
            if e > 0 { &mut top } else { &mut bottom }.push(power(self.units.name(u), e));
        }
        let top = if self.dim.percent {
            "Percent".to_string()
        } else if top.is_empty() {
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

/// A unit of calendar time, which the language knows without a
/// declaration (docs/language.md, "Time").
///
/// The five fall into two groups that convert exactly among themselves:
/// days and weeks (a week is 7 days), and months, quarters and years (a
/// year is 4 quarters or 12 months). Between the groups there is no exact
/// conversion: only a day count turns days into years
/// (`semantics::time::DAY_COUNTS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeUnit {
    /// A calendar day.
    Day,
    /// Seven days.
    Week,
    /// A calendar month.
    Month,
    /// Three months.
    Quarter,
    /// Twelve months.
    Year,
}

/// The two groups of [`TimeUnit`] that convert exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeGroup {
    /// Days and weeks, counted in days.
    Days,
    /// Months, quarters and years, counted in months.
    Months,
}

impl TimeUnit {
    /// Every unit of time, shortest first.
    pub const ALL: [TimeUnit; 5] = [
        TimeUnit::Day,
        TimeUnit::Week,
        TimeUnit::Month,
        TimeUnit::Quarter,
        TimeUnit::Year,
    ];

    /// The unit a rulebook writes (`year`), or its plural (`years`).
    pub fn of_name(name: &str) -> Option<TimeUnit> {
        let singular = name.strip_suffix('s').unwrap_or(name);
        TimeUnit::ALL.into_iter().find(|u| u.name() == singular)
    }

    /// The unit's name, singular.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Quarter => "quarter",
            TimeUnit::Year => "year",
        }
    }

    /// The group it converts within.
    pub fn group(self) -> TimeGroup {
        match self {
            TimeUnit::Day | TimeUnit::Week => TimeGroup::Days,
            TimeUnit::Month | TimeUnit::Quarter | TimeUnit::Year => TimeGroup::Months,
        }
    }

    /// How many of its group's base unit (a day, or a month) it holds.
    pub fn in_base(self) -> u32 {
        match self {
            TimeUnit::Day | TimeUnit::Month => 1,
            TimeUnit::Week => 7,
            TimeUnit::Quarter => 3,
            TimeUnit::Year => 12,
        }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How long each period of a financial year is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodLength {
    /// One period a year.
    Year,
    /// Two, of six months.
    Half,
    /// Four, of three months.
    Quarter,
    /// Twelve, of a month.
    Month,
}

impl PeriodLength {
    /// The months in one period.
    pub fn months(self) -> i64 {
        match self {
            PeriodLength::Year => 12,
            PeriodLength::Half => 6,
            PeriodLength::Quarter => 3,
            PeriodLength::Month => 1,
        }
    }

    /// As written after `in` (`quarters`); a year is written as nothing.
    pub fn of_name(name: &str) -> Option<PeriodLength> {
        Some(match name {
            "halves" => PeriodLength::Half,
            "quarters" => PeriodLength::Quarter,
            "months" => PeriodLength::Month,
            _ => return None,
        })
    }

    /// How it is written after `in`, or `None` for a year.
    pub fn name(self) -> Option<&'static str> {
        match self {
            PeriodLength::Year => None,
            PeriodLength::Half => Some("halves"),
            PeriodLength::Quarter => Some("quarters"),
            PeriodLength::Month => Some("months"),
        }
    }
}

/// The first day a financial year may start on: the 28th at most, so
/// that every period starts on the same day of its month.
pub const LAST_START_DAY: u8 = 28;

/// A rulebook's financial year: the day it starts (`financial year from 1
/// April`) and how it is divided (`in quarters`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Calendar {
    /// The month the year starts in.
    pub month: time::Month,
    /// The day of that month, 1 to [`LAST_START_DAY`].
    pub day: u8,
    /// Its periods.
    pub length: PeriodLength,
}

/// How a day count turns days into a fraction of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The days between, over a fixed number of days whatever the year.
    Fixed(u32),
    /// The days in each calendar year over that year's length, 365 or 366
    /// (ISDA's actual/actual).
    CalendarYears,
}

/// One day-count convention: a row of [`DAY_COUNTS`].
#[derive(Debug)]
pub struct DayCount {
    /// As a rulebook writes it after `day count`.
    pub name: &'static str,
    /// Its line in docs/language.md.
    pub doc: &'static str,
    /// Its arithmetic.
    pub basis: Basis,
}

/// The day counts the language knows, as financial markets name them.
pub static DAY_COUNTS: &[DayCount] = &[
    DayCount {
        name: "actual/365",
        doc: "the days between, over 365 whatever the year (actual/365 fixed)",
        basis: Basis::Fixed(365),
    },
    DayCount {
        name: "actual/actual",
        doc: "the days in each calendar year over that year's length, 365 or 366 (actual/actual ISDA)",
        basis: Basis::CalendarYears,
    },
    DayCount {
        name: "actual/360",
        doc: "the days between, over 360",
        basis: Basis::Fixed(360),
    },
];

/// A row of [`DAY_COUNTS`], made only by looking a name up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayCountId(u8);

impl DayCountId {
    /// The day count a rulebook names, if the language knows it.
    pub fn of_name(name: &str) -> Option<DayCountId> {
        DAY_COUNTS
            .iter()
            .position(|d| d.name == name)
            .and_then(|i| u8::try_from(i).ok())
            .map(DayCountId)
    }

    /// The row at `index` of [`DAY_COUNTS`], if there is one.
    pub fn nth(index: usize) -> Option<DayCountId> {
        (index < DAY_COUNTS.len())
            .then(|| u8::try_from(index).ok().map(DayCountId))
            .flatten()
    }

    /// Its index in [`DAY_COUNTS`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// Its row.
    pub fn row(self) -> &'static DayCount {
        &DAY_COUNTS[usize::from(self.0)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: &[&str]) -> Units {
        Units::new(names.iter().map(|n| n.to_string())).expect("a few units")
    }

    #[test]
    fn rates_cancel_against_their_unit() {
        let units = table(&["km_month"]);
        let km = units.id("km_month").expect("declared");
        let gbp = Currency::from_code("GBP").expect("known");
        let rate = Dim::money(gbp).combine(&Dim::unit(km), -1).expect("a rate");
        assert_eq!(rate.display(&units).to_string(), "GBP per km_month");
        let money = rate.combine(&Dim::unit(km), 1).expect("money");
        assert_eq!(money, Dim::money(gbp));
    }

    #[test]
    fn different_units_do_not_cancel() {
        let units = table(&["kWh", "hour"]);
        let (kwh, hour) = (units.id("kWh").unwrap(), units.id("hour").unwrap());
        let power = Dim::unit(kwh).combine(&Dim::unit(hour), -1).unwrap();
        assert_eq!(power.display(&units).to_string(), "kWh per hour");
        assert_ne!(Dim::unit(kwh), Dim::unit(hour));
    }

    #[test]
    fn ids_follow_the_names_so_a_product_reads_alphabetically() {
        // Declared in either order, `b·a` and `a·b` are one dimension,
        // written `a·b`.
        for order in [["b_unit", "a_unit"], ["a_unit", "b_unit"]] {
            let units = table(&order);
            assert_eq!(units.declared().collect::<Vec<_>>(), ["a_unit", "b_unit"]);
            let (a, b) = (units.id("a_unit").unwrap(), units.id("b_unit").unwrap());
            let ab = Dim::unit(b).combine(&Dim::unit(a), 1).unwrap();
            assert_eq!(ab, Dim::unit(a).combine(&Dim::unit(b), 1).unwrap());
            assert_eq!(ab.display(&units).to_string(), "a_unit·b_unit");
        }
    }

    #[test]
    fn each_table_is_its_own() {
        // Two rulebooks' tables: the same id is a different unit in each,
        // and a name one does not declare is unknown there.
        // Every table also holds the five units of time, in name order:
        // day, hour?, kWh?, month, quarter, week, year.
        let one = table(&["hour"]);
        let two = table(&["kWh", "hour"]);
        assert_eq!(one.id("hour"), Some(UnitId(1)));
        assert_eq!(two.id("hour"), Some(UnitId(1)));
        assert_eq!(two.name(UnitId(2)), "kWh");
        assert_eq!(one.name(UnitId(2)), "month");
        assert_eq!(one.id("kWh"), None);
        assert_eq!(one.name(UnitId(6)), "?");
        assert_eq!(one.declared().collect::<Vec<_>>(), ["hour"]);
        assert_eq!(one.time(UnitId(0)), Some(TimeUnit::Day));
        assert_eq!(one.time(UnitId(1)), None);
        let full: Vec<String> = (0..=MAX_UNITS).map(|i| format!("u{i}")).collect();
        assert!(Units::new(full[..MAX_UNITS].to_vec()).is_some());
        assert!(Units::new(full).is_none());
    }
}
