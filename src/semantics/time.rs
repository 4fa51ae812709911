//! Time, defined once: day counts, spans of days, repeated dates and
//! interest accrued over a period.
//!
//! Every span is half-open, `[from, to)`, as `Date − Date` already is: the
//! day money is paid in earns, the day it is withdrawn does not. Every sum
//! is exact and divided once per basis at the end, so both executors, which
//! call these functions, get the same 28-digit decimal.
//!
//! The day counts are one table, [`DAY_COUNTS`], like the built-ins: the
//! checker looks a rulebook's `day count` up in it, docs/language.md lists
//! its rows, and the arithmetic of each is its row's [`Basis`].

use rust_decimal::Decimal;
use time::{Date, Duration, Month};

use crate::units::{Calendar, TimeGroup, TimeUnit};

// The table of day counts is data the checked program names, so it lives
// in `units` (below the program); its arithmetic is here.
pub use crate::units::{Basis, DAY_COUNTS, DayCount, DayCountId};

/// The days in `[from, to)`: negative when `to` comes first.
pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

/// Splits `[from, to)` into pieces of `(days, basis)`: the year fraction
/// is the sum of `days / basis`. An empty or backward span has no piece.
fn pieces(basis: Basis, from: Date, to: Date, mut piece: impl FnMut(i64, u32)) {
    if to <= from {
        return;
    }
    match basis {
        Basis::Fixed(days) => piece(days_between(from, to), days),
        Basis::CalendarYears => {
            let mut start = from;
            while start < to {
                let year = start.year();
                let next_year = Date::from_calendar_date(year + 1, Month::January, 1)
                    .ok()
                    .filter(|d| *d < to)
                    .unwrap_or(to);
                let length = if time::util::is_leap_year(year) {
                    366
                } else {
                    365
                };
                piece(days_between(start, next_year), length);
                start = next_year;
            }
        }
    }
}

/// The years from one date to another under a day count, exact but for
/// the 28th digit of each division (one per basis).
pub fn year_fraction(day_count: DayCountId, from: Date, to: Date) -> Decimal {
    let mut sums = Sums::default();
    pieces(day_count.row().basis, from, to, |days, basis| {
        sums.add(basis, Decimal::from(days));
    });
    sums.total(Decimal::ONE).unwrap_or_default()
}

/// Exact sums kept apart by basis until the one division each.
#[derive(Default)]
struct Sums(Vec<(u32, Decimal)>);

impl Sums {
    fn add(&mut self, basis: u32, amount: Decimal) -> Option<()> {
        match self.0.iter_mut().find(|(b, _)| *b == basis) {
            Some((_, sum)) => *sum = sum.checked_add(amount)?,
            None => self.0.push((basis, amount)),
        }
        Some(())
    }

    /// `Σ sum × factor / basis`.
    fn total(&self, factor: Decimal) -> Option<Decimal> {
        self.0
            .iter()
            .try_fold(Decimal::ZERO, |total, (basis, sum)| {
                let part = sum
                    .checked_mul(factor)?
                    .checked_div(Decimal::from(*basis))?;
                total.checked_add(part)
            })
    }
}

/// A date moved by whole months. If `from` is the last day of its month,
/// so is the result (the end-of-month rule of financial calendars);
/// otherwise a day the month lacks becomes its last day (31 January plus
/// a month is 28 or 29 February).
pub fn add_months(from: Date, months: i64) -> Option<Date> {
    let index = i64::from(from.year()) * 12 + i64::from(u8::from(from.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let length = month.length(year);
    let end_of_month = from.day() == from.month().length(from.year());
    let day = if end_of_month {
        length
    } else {
        from.day().min(length)
    };
    Date::from_calendar_date(year, month, day).ok()
}

/// The date `count` units after `from`, each computed from `from` itself,
/// never chained, so a month's short day does not drift into the next.
pub fn advance(from: Date, unit: TimeUnit, count: i64) -> Option<Date> {
    let steps = count.checked_mul(i64::from(unit.in_base()))?;
    match unit.group() {
        TimeGroup::Days => from.checked_add(Duration::days(steps)),
        TimeGroup::Months => add_months(from, steps),
    }
}

/// The first day of each occurrence of a unit of time from `from`, up to
/// and including `to`, with its last day (the day before the next one
/// starts). At most `limit` occurrences: `None` if there would be more.
/// An occurrence that would end past the calendar's end ends there.
pub fn occurrences(
    unit: TimeUnit,
    from: Date,
    to: Date,
    limit: usize,
) -> Option<Vec<(Date, Date)>> {
    let mut out = Vec::new();
    let mut start = from;
    let mut k: i64 = 0;
    while start <= to {
        if out.len() == limit {
            return None;
        }
        k += 1;
        // Past the calendar's end, the occurrence runs to its last day.
        let Some(next) = advance(from, unit, k) else {
            out.push((start, Date::MAX));
            break;
        };
        out.push((start, next.previous_day().unwrap_or(start)));
        start = next;
    }
    Some(out)
}

/// The value in force on `day` of values each from a date (in increasing
/// date order): the last from that day or before; `None` before the first.
pub fn in_force_on<T>(dated: &[(Date, T)], day: Date) -> Option<&T> {
    in_force_index(dated, day).map(|i| &dated[i].1)
}

/// Which of `dated`'s values is in force on `day`: its index.
pub fn in_force_index<T>(dated: &[(Date, T)], day: Date) -> Option<usize> {
    dated.partition_point(|(d, _)| *d <= day).checked_sub(1)
}

/// A figure's value from each date on, in date order: what a member held,
/// and from when. Before the first date the figure is zero.
pub type History<'a> = &'a [(Date, Decimal)];

/// A rate's value from each date on, in date order. Before the first date
/// no rate is in force.
pub type Schedule<'a> = &'a [(Date, Decimal)];

/// Why interest could not be accrued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccrualError {
    /// No rate was in force on this day of the span.
    NoRate(Date),
    /// A rate per month, quarter or year over days needs a day count.
    NoDayCount,
    /// A figure too large to hold exactly.
    Overflow,
}

/// The value of a history or schedule on a day: the last entry from that
/// day or before.
fn on(entries: &[(Date, Decimal)], day: Date) -> Option<Decimal> {
    let after = entries.partition_point(|(d, _)| *d <= day);
    after.checked_sub(1).map(|i| entries[i].1)
}

/// Interest over `[from, to)`: on each day, the figure held that day times
/// the rate in force that day, for a rate per `unit`; days become years
/// under `day_count` for a rate per month, quarter or year. Pro rata for a
/// figure held part of the span and for a rate that changes within it fall
/// out of the one sum.
pub fn accrue(
    held: History<'_>,
    rates: Schedule<'_>,
    unit: TimeUnit,
    day_count: Option<DayCountId>,
    from: Date,
    to: Date,
) -> Result<Decimal, AccrualError> {
    // Where the figure or the rate changes inside the span.
    let mut cuts: Vec<Date> = held
        .iter()
        .chain(rates)
        .map(|(d, _)| *d)
        .filter(|d| *d > from && *d < to)
        .collect();
    cuts.push(to);
    cuts.sort_unstable();
    cuts.dedup();

    let (basis, factor) = match (unit.group(), day_count) {
        (TimeGroup::Days, _) => (Basis::Fixed(unit.in_base()), Decimal::ONE),
        (TimeGroup::Months, Some(dc)) => (dc.row().basis, Decimal::from(12 / unit.in_base())),
        (TimeGroup::Months, None) => return Err(AccrualError::NoDayCount),
    };
    let mut sums = Sums::default();
    let mut start = from;
    for end in cuts {
        if end <= start {
            continue;
        }
        let amount = on(held, start).unwrap_or(Decimal::ZERO);
        if !amount.is_zero() {
            let rate = on(rates, start).ok_or(AccrualError::NoRate(start))?;
            let daily = amount.checked_mul(rate).ok_or(AccrualError::Overflow)?;
            let mut failed = false;
            pieces(basis, start, end, |days, basis| {
                let piece = daily.checked_mul(Decimal::from(days));
                failed |= piece.and_then(|p| sums.add(basis, p)).is_none();
            });
            if failed {
                return Err(AccrualError::Overflow);
            }
        }
        start = end;
    }
    sums.total(factor).ok_or(AccrualError::Overflow)
}

/// The days of `[from, to)` that someone admitted on `joined` and leaving
/// on `left` (the day they are no longer a member) was a member.
pub fn member_days(joined: Option<Date>, left: Option<Date>, from: Date, to: Date) -> i64 {
    let start = joined.map_or(from, |j| j.max(from));
    let end = left.map_or(to, |l| l.min(to));
    days_between(start, end).max(0)
}

/// The days of `[from, to)` on which the figure was above zero.
pub fn days_held(held: History<'_>, from: Date, to: Date) -> i64 {
    let mut days = 0;
    let mut start = from;
    let mut cuts: Vec<Date> = held
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| *d > from && *d < to)
        .collect();
    cuts.push(to);
    for end in cuts {
        if end > start {
            if on(held, start).is_some_and(|v| v > Decimal::ZERO) {
                days += days_between(start, end);
            }
            start = end;
        }
    }
    days
}

/// The period of the financial year `cal` that holds `day`: its first
/// and its last day.
pub fn period_containing(cal: &Calendar, day: Date) -> Option<(Date, Date)> {
    // The year's start on or before `day`, then whole periods on.
    let this_year = Date::from_calendar_date(day.year(), cal.month, cal.day).ok()?;
    let year_start = if this_year <= day {
        this_year
    } else {
        Date::from_calendar_date(day.year() - 1, cal.month, cal.day).ok()?
    };
    let months = cal.length.months();
    let mut k = 0;
    while add_months(year_start, (k + 1) * months)? <= day {
        k += 1;
    }
    let start = add_months(year_start, k * months)?;
    let last = add_months(year_start, (k + 1) * months)?.previous_day()?;
    Some((start, last))
}

#[cfg(test)]
mod calendar_tests {
    use super::*;
    use crate::units::PeriodLength;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::from_calendar_date(y, Month::try_from(m).expect("month"), day).expect("date")
    }

    #[test]
    fn the_1844_quarters_from_21_december() {
        let cal = Calendar {
            month: Month::December,
            day: 21,
            length: PeriodLength::Quarter,
        };
        // Q1 1844-12-21..1845-03-20 (90 days: 11 + 31 + 28 + 20), Q2
        // 03-21..06-20 (92), Q3 06-21..09-20 (92), Q4 09-21..12-20 (91).
        let q = |day| period_containing(&cal, day).expect("a period");
        assert_eq!(q(d(1844, 12, 21)), (d(1844, 12, 21), d(1845, 3, 20)));
        assert_eq!(q(d(1845, 3, 20)), (d(1844, 12, 21), d(1845, 3, 20)));
        assert_eq!(q(d(1845, 3, 21)), (d(1845, 3, 21), d(1845, 6, 20)));
        assert_eq!(q(d(1845, 9, 20)), (d(1845, 6, 21), d(1845, 9, 20)));
        assert_eq!(q(d(1845, 12, 20)), (d(1845, 9, 21), d(1845, 12, 20)));
        assert_eq!(q(d(1845, 12, 21)), (d(1845, 12, 21), d(1846, 3, 20)));
        let days: i64 = [
            q(d(1845, 1, 1)),
            q(d(1845, 4, 1)),
            q(d(1845, 7, 1)),
            q(d(1845, 10, 1)),
        ]
        .iter()
        .map(|(a, b)| (*b - *a).whole_days() + 1)
        .sum();
        assert_eq!(days, 365);
    }

    #[test]
    fn a_year_from_1_april_and_months_from_1_january() {
        let year = Calendar {
            month: Month::April,
            day: 1,
            length: PeriodLength::Year,
        };
        assert_eq!(
            period_containing(&year, d(2027, 3, 31)),
            Some((d(2026, 4, 1), d(2027, 3, 31)))
        );
        assert_eq!(
            period_containing(&year, d(2027, 4, 1)),
            Some((d(2027, 4, 1), d(2028, 3, 31)))
        );
        let months = Calendar {
            month: Month::January,
            day: 1,
            length: PeriodLength::Month,
        };
        // February of a leap year ends on the 29th.
        assert_eq!(
            period_containing(&months, d(2028, 2, 10)),
            Some((d(2028, 2, 1), d(2028, 2, 29)))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::RoundingStrategy;

    /// A decimal from its text (the crate's macro is not a dependency).
    fn dec(text: &str) -> Decimal {
        text.parse().expect("a decimal literal in a test")
    }

    /// A date from `YYYY-MM-DD`.
    fn day(text: &str) -> Date {
        let part = |i: usize| text.split('-').nth(i).and_then(|p| p.parse::<i32>().ok());
        let (y, m, d) = (part(0), part(1), part(2));
        let month = m
            .and_then(|m| u8::try_from(m).ok())
            .and_then(|m| Month::try_from(m).ok());
        Date::from_calendar_date(
            y.unwrap_or(0),
            month.unwrap_or(Month::January),
            d.map_or(0, |d| d as u8),
        )
        .expect("a date literal in a test")
    }

    fn dc(name: &str) -> Option<DayCountId> {
        Some(DayCountId::of_name(name).expect("a known day count"))
    }

    fn pennies(d: Decimal, strategy: RoundingStrategy) -> Decimal {
        d.round_dp_with_strategy(2, strategy)
    }

    const FIVE: &str = "0.05";

    #[test]
    fn the_table_names_three_day_counts() {
        let names: Vec<_> = DAY_COUNTS.iter().map(|d| d.name).collect();
        assert_eq!(names, ["actual/365", "actual/actual", "actual/360"]);
        assert_eq!(DayCountId::of_name("30/360"), None);
    }

    #[test]
    fn pro_rata_for_a_member_who_paid_in_july() {
        // £1,000.00 paid on 2026-07-01, 5% a year, year ending 31 March:
        // 1 July to 1 April is 31+31+30+31+30+31+31+28+31 = 274 days.
        // £1,000 × 5% × 274/365 = £37.534246..., £37.53 rounded down.
        let held = [(day("2026-07-01"), dec("1000.00"))];
        let rates = [(day("2026-04-01"), dec(FIVE))];
        let from = day("2026-04-01");
        let to = day("2027-04-01");
        assert_eq!(days_between(day("2026-07-01"), to), 274);
        let interest = accrue(&held, &rates, TimeUnit::Year, dc("actual/365"), from, to).unwrap();
        assert_eq!(interest, dec("50") * dec("274") / dec("365"));
        assert_eq!(pennies(interest, RoundingStrategy::ToZero), dec("37.53"));
        // actual/360: £50 × 274/360 = £38.0555..., £38.06 half up.
        let interest = accrue(&held, &rates, TimeUnit::Year, dc("actual/360"), from, to).unwrap();
        assert_eq!(
            pennies(interest, RoundingStrategy::MidpointAwayFromZero),
            dec("38.06")
        );
    }

    #[test]
    fn held_all_year_earns_the_whole_rate_exactly() {
        let held = [(day("2026-04-01"), dec("1000.00"))];
        let rates = [(day("2026-04-01"), dec(FIVE))];
        let (from, to) = (day("2026-04-01"), day("2027-04-01"));
        let interest = accrue(&held, &rates, TimeUnit::Year, dc("actual/365"), from, to).unwrap();
        assert_eq!(interest, dec("50.00"));
    }

    #[test]
    fn a_withdrawal_stops_interest_on_what_was_withdrawn() {
        // £1,000 from 1 April (183 days to 1 October), £600 after (182 days
        // to 1 April): (1,000 × 183 + 600 × 182) × 5% / 365 = 14,610 / 365
        // = £40.027397..., £40.02 rounded down.
        let held = [
            (day("2026-04-01"), dec("1000.00")),
            (day("2026-10-01"), dec("600.00")),
        ];
        let rates = [(day("2026-04-01"), dec(FIVE))];
        let (from, to) = (day("2026-04-01"), day("2027-04-01"));
        assert_eq!(days_between(from, day("2026-10-01")), 183);
        let interest = accrue(&held, &rates, TimeUnit::Year, dc("actual/365"), from, to).unwrap();
        assert_eq!(interest, dec("14610") / dec("365"));
        assert_eq!(pennies(interest, RoundingStrategy::ToZero), dec("40.02"));
    }

    #[test]
    fn actual_actual_splits_at_the_new_year() {
        // 2027-07-01 to 2028-07-01: 184 days of 2027 over 365 and 182 of the
        // leap year 2028 over 366 (31+29+31+30+31+30). £50 × (184/365 +
        // 182/366) = £50.068867..., £50.07; under actual/365, 366/365 gives
        // £50.136986..., £50.14.
        let held = [(day("2027-07-01"), dec("1000.00"))];
        let rates = [(day("2027-01-01"), dec(FIVE))];
        let (from, to) = (day("2027-07-01"), day("2028-07-01"));
        let isda = accrue(&held, &rates, TimeUnit::Year, dc("actual/actual"), from, to).unwrap();
        assert_eq!(
            isda,
            dec("50") * dec("184") / dec("365") + dec("50") * dec("182") / dec("366")
        );
        assert_eq!(
            pennies(isda, RoundingStrategy::MidpointAwayFromZero),
            dec("50.07")
        );
        let fixed = accrue(&held, &rates, TimeUnit::Year, dc("actual/365"), from, to).unwrap();
        assert_eq!(
            pennies(fixed, RoundingStrategy::MidpointAwayFromZero),
            dec("50.14")
        );
    }

    #[test]
    fn a_financial_year_with_a_leap_day() {
        // 2027-04-01 to 2028-04-01, 366 days: 275 in 2027, 91 in 2028
        // (31+29+31). actual/365: £50 × 366/365 = £50.14; ISDA: £50 ×
        // (275/365 + 91/366) = £50.102926..., £50.10.
        let held = [(day("2027-04-01"), dec("1000.00"))];
        let rates = [(day("2027-04-01"), dec(FIVE))];
        let (from, to) = (day("2027-04-01"), day("2028-04-01"));
        assert_eq!(days_between(from, to), 366);
        let isda = accrue(&held, &rates, TimeUnit::Year, dc("actual/actual"), from, to).unwrap();
        assert_eq!(
            pennies(isda, RoundingStrategy::MidpointAwayFromZero),
            dec("50.10")
        );
        let fixed = accrue(&held, &rates, TimeUnit::Year, dc("actual/365"), from, to).unwrap();
        assert_eq!(
            pennies(fixed, RoundingStrategy::MidpointAwayFromZero),
            dec("50.14")
        );
    }

    #[test]
    fn actual_actual_over_a_calendar_year_is_one() {
        let year = year_fraction(
            dc("actual/actual").unwrap(),
            day("2026-01-01"),
            day("2027-01-01"),
        );
        assert_eq!(year, Decimal::ONE);
        let leap = year_fraction(
            dc("actual/actual").unwrap(),
            day("2028-01-01"),
            day("2029-01-01"),
        );
        assert_eq!(leap, Decimal::ONE);
        // 274/365 under actual/365.
        let part = year_fraction(
            dc("actual/365").unwrap(),
            day("2026-07-01"),
            day("2027-04-01"),
        );
        assert_eq!(part, dec("274") / dec("365"));
    }

    #[test]
    fn a_rate_that_changes_mid_period_applies_from_its_date() {
        // £1,000 all year from 1 April; 4% until 1 October (183 days), 6%
        // after (182 days): (1,000 × 4% × 183 + 1,000 × 6% × 182) / 365 =
        // (7,320 + 10,920) / 365 = 18,240 / 365 = £49.972602...
        let held = [(day("2026-04-01"), dec("1000"))];
        let rates = [
            (day("2026-04-01"), dec("0.04")),
            (day("2026-10-01"), dec("0.06")),
        ];
        let (from, to) = (day("2026-04-01"), day("2027-04-01"));
        let interest = accrue(&held, &rates, TimeUnit::Year, dc("actual/365"), from, to).unwrap();
        assert_eq!(interest, dec("18240") / dec("365"));
    }

    #[test]
    fn rates_per_quarter_month_day_and_week() {
        // £1,000 for the 90 days of 1 January to 1 April 2026.
        let held = [(day("2026-01-01"), dec("1000"))];
        let (from, to) = (day("2026-01-01"), day("2026-04-01"));
        assert_eq!(days_between(from, to), 90);
        // 1.25% a quarter is 5% a year: £50 × 90/365.
        let quarterly = [(from, dec("0.0125"))];
        let q = accrue(
            &held,
            &quarterly,
            TimeUnit::Quarter,
            dc("actual/365"),
            from,
            to,
        )
        .unwrap();
        assert_eq!(
            q,
            dec("1000") * dec("0.0125") * dec("90") * dec("4") / dec("365")
        );
        // 0.01% a day, no day count needed: £1,000 × 0.0001 × 90 = £9.
        let daily = [(from, dec("0.0001"))];
        let d = accrue(&held, &daily, TimeUnit::Day, None, from, to).unwrap();
        assert_eq!(d, dec("9"));
        // 0.7% a week: £7 a week over 90/7 weeks = £90.
        let weekly = [(from, dec("0.007"))];
        let w = accrue(&held, &weekly, TimeUnit::Week, None, from, to).unwrap();
        assert_eq!(w, dec("90"));
        // A rate per month with no day count is refused.
        let monthly = [(from, dec("0.004"))];
        assert_eq!(
            accrue(&held, &monthly, TimeUnit::Month, None, from, to),
            Err(AccrualError::NoDayCount)
        );
    }

    #[test]
    fn no_rate_in_force_is_named_by_its_day() {
        let held = [(day("2026-04-01"), dec("1000"))];
        let rates = [(day("2026-06-01"), dec(FIVE))];
        let got = accrue(
            &held,
            &rates,
            TimeUnit::Year,
            dc("actual/365"),
            day("2026-04-01"),
            day("2027-04-01"),
        );
        assert_eq!(got, Err(AccrualError::NoRate(day("2026-04-01"))));
        // Nothing held before the rate: nothing to accrue, no error.
        let late = [(day("2026-06-01"), dec("1000"))];
        let got = accrue(
            &late,
            &rates,
            TimeUnit::Year,
            dc("actual/365"),
            day("2026-04-01"),
            day("2027-04-01"),
        );
        assert_eq!(got, Ok(dec("50") * dec("304") / dec("365")));
    }

    #[test]
    fn days_a_member_was_one_and_held_capital() {
        // Admitted 2026-07-01, read at the close of 2027-03-31 (to 1 April).
        let (from, to) = (day("2026-04-01"), day("2027-04-01"));
        assert_eq!(member_days(Some(day("2026-07-01")), None, from, to), 274);
        assert_eq!(member_days(None, Some(day("2026-05-01")), from, to), 30);
        assert_eq!(member_days(Some(day("2027-05-01")), None, from, to), 0);
        // Held from 1 July, all withdrawn 1 October: 92 days.
        let held = [
            (day("2026-07-01"), dec("10")),
            (day("2026-10-01"), dec("0")),
        ];
        assert_eq!(days_held(&held, from, to), 92);
    }

    #[test]
    fn weekly_occurrences_count_fifty_two_mondays() {
        // 2026-04-06 and 2027-03-29 are Mondays: 357 / 7 + 1 = 52.
        let weeks =
            occurrences(TimeUnit::Week, day("2026-04-06"), day("2027-03-29"), 1000).unwrap();
        assert_eq!(weeks.len(), 52);
        assert_eq!(weeks[0], (day("2026-04-06"), day("2026-04-12")));
        assert_eq!(weeks[51].0, day("2027-03-29"));
        assert_eq!(
            occurrences(TimeUnit::Week, day("2026-04-06"), day("2027-03-29"), 51),
            None
        );
    }

    #[test]
    fn monthly_from_a_month_end_keeps_to_month_ends() {
        let months =
            occurrences(TimeUnit::Month, day("2026-04-30"), day("2027-03-31"), 100).unwrap();
        let starts: Vec<String> = months.iter().map(|(s, _)| s.to_string()).collect();
        assert_eq!(
            starts,
            [
                "2026-04-30",
                "2026-05-31",
                "2026-06-30",
                "2026-07-31",
                "2026-08-31",
                "2026-09-30",
                "2026-10-31",
                "2026-11-30",
                "2026-12-31",
                "2027-01-31",
                "2027-02-28",
                "2027-03-31"
            ]
        );
        // From the 31st of a month, not chained: 31 Jan, 28 Feb, 31 Mar.
        let from_31 =
            occurrences(TimeUnit::Month, day("2026-01-31"), day("2026-03-31"), 10).unwrap();
        let starts: Vec<String> = from_31.iter().map(|(s, _)| s.to_string()).collect();
        assert_eq!(starts, ["2026-01-31", "2026-02-28", "2026-03-31"]);
        // From the 30th (not a month end): 30 Jan, 28 Feb, 30 Mar.
        let from_30 =
            occurrences(TimeUnit::Month, day("2026-01-30"), day("2026-03-31"), 10).unwrap();
        let starts: Vec<String> = from_30.iter().map(|(s, _)| s.to_string()).collect();
        assert_eq!(starts, ["2026-01-30", "2026-02-28", "2026-03-30"]);
        // Quarters of the 1844 year: 90, 92, 92, 91 days.
        let quarters =
            occurrences(TimeUnit::Quarter, day("1844-12-21"), day("1845-12-20"), 10).unwrap();
        let lengths: Vec<i64> = quarters
            .iter()
            .map(|(s, e)| days_between(*s, *e) + 1)
            .collect();
        assert_eq!(lengths, [90, 92, 92, 91]);
        assert_eq!(quarters[0].1, day("1845-03-20"));
    }

    #[test]
    fn a_year_from_a_leap_day_falls_on_the_last_of_february() {
        assert_eq!(add_months(day("2028-02-29"), 12), Some(day("2029-02-28")));
        assert_eq!(add_months(day("2028-02-29"), 48), Some(day("2032-02-29")));
        assert_eq!(add_months(day("2026-03-15"), -3), Some(day("2025-12-15")));
    }
}
