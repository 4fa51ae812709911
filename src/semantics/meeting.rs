//! Meeting procedure, defined once: how long notice is counted, when a
//! confirming meeting may be held, and which votes not given in person
//! count. The row evaluator's count of a vote (`eval::vote`) and the
//! engine's motion step (`simulate`) both call these, for an example's
//! `votes` block and a scenario's `motion` alike.

use time::Date;

use crate::program::AbsentVote;
use crate::syntax::ast::{Interval, IntervalUnit};

/// The date `interval` after `from`: for clear days, the first day that
/// leaves that many whole days between (14 clear days from 1 May: 16 May).
/// `None` past the calendar's end.
pub fn after(from: Date, interval: Interval) -> Option<Date> {
    let count = i64::from(interval.count);
    match interval.unit {
        IntervalUnit::Days => from.checked_add(time::Duration::days(count)),
        IntervalUnit::ClearDays => from.checked_add(time::Duration::days(count + 1)),
        IntervalUnit::Months => super::time::add_months(from, count),
    }
}

/// Whether `to` is at least `interval` after `from`.
pub fn at_least(from: Date, to: Date, interval: Interval) -> bool {
    after(from, interval).is_some_and(|earliest| to >= earliest)
}

/// Whether `to` is at most `interval` after `from`.
pub fn at_most(from: Date, to: Date, interval: Interval) -> bool {
    // Past the calendar's end, any date is within it.
    after(from, interval).is_none_or(|latest| to <= latest)
}

/// The days from `from` to `to`, as notice is counted in `unit`: plain
/// days, or clear days (neither the first nor the last counted).
pub fn days_between(from: Date, to: Date, unit: IntervalUnit) -> i64 {
    let days = (to - from).whole_days();
    match unit {
        IntervalUnit::ClearDays => (days - 1).max(0),
        IntervalUnit::Days | IntervalUnit::Months => days,
    }
}

/// An interval in words: "15 days", "14 clear days", "1 month".
pub fn describe(interval: Interval) -> String {
    let n = interval.count;
    let unit = match (interval.unit, n == 1) {
        (IntervalUnit::Days, true) => "day",
        (IntervalUnit::Days, false) => "days",
        (IntervalUnit::ClearDays, true) => "clear day",
        (IntervalUnit::ClearDays, false) => "clear days",
        (IntervalUnit::Months, true) => "month",
        (IntervalUnit::Months, false) => "months",
    };
    format!("{n} {unit}")
}

/// What the rules allow of votes not given in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbsentRules {
    /// How many proxies one member present may hold (`None`: no proxies).
    pub proxies: Option<u32>,
    /// Whether votes by post count.
    pub postal: bool,
}

/// Why a vote not given in person is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCounted {
    /// The rules allow no proxies.
    NoProxies,
    /// The rules allow no votes by post.
    NoPostal,
    /// The proxy's holder is not present in person.
    HolderAbsent,
    /// The holder already holds as many proxies as one member may.
    OverLimit(u32),
}

/// Which votes not given in person count, in the order written: `None`
/// for one that counts, else why not. A holder must be present in person
/// (`present(holder)`, which is false for one who votes by proxy or by
/// post); beyond the limit, the proxies written first are the ones that
/// count.
pub fn absent_votes(
    rules: AbsentRules,
    absent: &[AbsentVote],
    present: impl Fn(usize) -> bool,
) -> Vec<Option<NotCounted>> {
    let mut held: Vec<(usize, u32)> = Vec::new();
    absent
        .iter()
        .map(|vote| match (vote.proxy, rules.proxies) {
            (None, _) if rules.postal => None,
            (None, _) => Some(NotCounted::NoPostal),
            (Some(_), None) => Some(NotCounted::NoProxies),
            (Some(holder), Some(limit)) => {
                let by_person = absent.iter().any(|a| a.voter == holder);
                if by_person || !present(holder) {
                    return Some(NotCounted::HolderAbsent);
                }
                let i = held
                    .iter()
                    .position(|(h, _)| *h == holder)
                    .unwrap_or_else(|| {
                        held.push((holder, 0));
                        held.len() - 1
                    });
                let count = &mut held[i].1;
                if *count >= limit {
                    Some(NotCounted::OverLimit(limit))
                } else {
                    *count += 1;
                    None
                }
            }
        })
        .collect()
}

/// Why a vote is not counted, in words, naming the voter and the holder.
pub fn not_counted_words(why: NotCounted, voter: &str, holder: Option<&str>) -> String {
    let holder = holder.unwrap_or("?");
    match why {
        NotCounted::NoProxies => {
            format!("{voter}'s vote by proxy is not counted: these rules allow no proxies")
        }
        NotCounted::NoPostal => {
            format!("{voter}'s vote by post is not counted: these rules allow no postal votes")
        }
        NotCounted::HolderAbsent => format!(
            "{voter}'s vote by proxy is not counted: {holder}, who holds it, is not present in person"
        ),
        NotCounted::OverLimit(n) => format!(
            "{voter}'s vote by proxy is not counted: {holder} already holds {n} prox{}, the most one member may hold",
            if n == 1 { "y" } else { "ies" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> Date {
        let month = time::Month::try_from(m).expect("a month");
        Date::from_calendar_date(y, month, d).expect("a date")
    }

    fn days(count: u32) -> Interval {
        Interval {
            count,
            unit: IntervalUnit::Days,
        }
    }

    #[test]
    fn notice_is_counted_in_days_clear_days_and_months() {
        // 15 days from 1 May is 16 May: the 16th is enough, the 15th not.
        assert!(at_least(date(2026, 5, 1), date(2026, 5, 16), days(15)));
        assert!(!at_least(date(2026, 5, 1), date(2026, 5, 15), days(15)));
        // 14 clear days from 1 May: the 2nd to the 15th between, so the
        // 16th at the earliest.
        let clear = Interval {
            count: 14,
            unit: IntervalUnit::ClearDays,
        };
        assert!(at_least(date(2026, 5, 1), date(2026, 5, 16), clear));
        assert!(!at_least(date(2026, 5, 1), date(2026, 5, 15), clear));
        assert_eq!(
            days_between(date(2026, 5, 1), date(2026, 5, 15), IntervalUnit::ClearDays),
            13
        );
        // At most 1 month after 31 January 2026: 28 February, not 1 March.
        let month = Interval {
            count: 1,
            unit: IntervalUnit::Months,
        };
        assert!(at_most(date(2026, 1, 31), date(2026, 2, 28), month));
        assert!(!at_most(date(2026, 1, 31), date(2026, 3, 1), month));
        assert_eq!(describe(month), "1 month");
        assert_eq!(describe(clear), "14 clear days");
    }

    #[test]
    fn proxies_count_up_to_the_limit_and_only_with_a_holder_present() {
        let rules = AbsentRules {
            proxies: Some(2),
            postal: false,
        };
        let proxy = |voter, holder| AbsentVote {
            voter,
            proxy: Some(holder),
        };
        // 1 holds for 3, 4 and 5: the third is over the limit of 2. 2 is
        // absent, so the proxy it holds for 6 does not count; 7 votes by
        // post, which these rules do not allow.
        let absent = [
            proxy(3, 1),
            proxy(4, 1),
            proxy(5, 1),
            proxy(6, 2),
            AbsentVote {
                voter: 7,
                proxy: None,
            },
        ];
        let out = absent_votes(rules, &absent, |m| m == 1);
        assert_eq!(
            out,
            vec![
                None,
                None,
                Some(NotCounted::OverLimit(2)),
                Some(NotCounted::HolderAbsent),
                Some(NotCounted::NoPostal),
            ]
        );
        // No proxies at all.
        let none = AbsentRules {
            proxies: None,
            postal: true,
        };
        assert_eq!(
            absent_votes(none, &absent[..1], |_| true),
            vec![Some(NotCounted::NoProxies)]
        );
    }
}
