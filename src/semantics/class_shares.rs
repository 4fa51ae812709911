//! Votes weighted by class share (`weighted by class share { Worker: 50%,
//! Consumer: 30%, Investor: 20% }`): each class holds a fixed share of the
//! whole vote, whatever its size, and its for and against, among its own
//! votes cast, count at that share.
//!
//! The totals are exact fractions, never rounded: a class of three members
//! with one for and two against gives a third of its share for, and a
//! threshold of two thirds is met or not met exactly. They are kept as
//! fractions of 128-bit integers; a count too large for them (far beyond
//! any meeting) is an overflow, never a rounded result.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::syntax::ast::Unvoted;

/// An exact fraction, kept in lowest terms with a positive denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    num: i128,
    den: i128,
}

/// A count too large for exact fractions of 128-bit integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    /// Nothing.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };

    /// `num / den`, reduced; `den` must not be zero.
    fn new(num: i128, den: i128) -> Result<Ratio, Overflow> {
        if den == 0 {
            return Err(Overflow);
        }
        let g = gcd(num, den);
        let sign = if den < 0 { -1 } else { 1 };
        Ok(Ratio {
            num: sign * (num / g),
            den: sign * (den / g),
        })
    }

    /// A decimal, exactly: its digits over a power of ten.
    pub fn from_decimal(d: Decimal) -> Result<Ratio, Overflow> {
        let den = 10i128.checked_pow(d.scale()).ok_or(Overflow)?;
        Ratio::new(d.mantissa(), den)
    }

    /// A whole number.
    pub fn whole(n: u64) -> Ratio {
        Ratio {
            num: i128::from(n),
            den: 1,
        }
    }

    /// The sum.
    pub fn plus(self, o: Ratio) -> Result<Ratio, Overflow> {
        let num = self
            .num
            .checked_mul(o.den)
            .and_then(|a| o.num.checked_mul(self.den).and_then(|b| a.checked_add(b)))
            .ok_or(Overflow)?;
        Ratio::new(num, self.den.checked_mul(o.den).ok_or(Overflow)?)
    }

    /// The product.
    pub fn times(self, o: Ratio) -> Result<Ratio, Overflow> {
        // Cross-reduced first, so that products stay small.
        let g1 = gcd(self.num, o.den);
        let g2 = gcd(o.num, self.den);
        let num = (self.num / g1).checked_mul(o.num / g2).ok_or(Overflow)?;
        let den = (self.den / g2).checked_mul(o.den / g1).ok_or(Overflow)?;
        Ratio::new(num, den)
    }

    /// The quotient; `None` when dividing by nothing.
    pub fn over(self, o: Ratio) -> Result<Option<Ratio>, Overflow> {
        if o.num == 0 {
            return Ok(None);
        }
        self.times(Ratio::new(o.den, o.num)?).map(Some)
    }

    /// Whether it is nothing.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// The order of two fractions, exactly.
    pub fn cmp_exact(self, o: Ratio) -> Result<Ordering, Overflow> {
        let a = self.num.checked_mul(o.den).ok_or(Overflow)?;
        let b = o.num.checked_mul(self.den).ok_or(Overflow)?;
        Ok(a.cmp(&b))
    }

    /// As a decimal for display, to the 28 digits a decimal holds (the
    /// decisions are taken on the fraction itself).
    pub fn to_decimal(self) -> Decimal {
        let (Ok(num), Ok(den)) = (i64::try_from(self.num), i64::try_from(self.den)) else {
            return Decimal::from_i128_with_scale(self.num, 0)
                .checked_div(Decimal::from_i128_with_scale(self.den, 0))
                .unwrap_or_default();
        };
        Decimal::from(num)
            .checked_div(Decimal::from(den))
            .unwrap_or_default()
    }
}

/// One class's share of the vote and its members' votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassVotes {
    /// Its share of the whole vote, as a fraction (50% is 0.5).
    pub share: Decimal,
    /// Its members' votes for.
    pub for_: u64,
    /// Its members' votes against (abstentions too, when the resolution
    /// counts them against).
    pub against: u64,
}

/// The weighted totals of a vote by class share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareTally {
    /// The weight of the votes for.
    pub for_: Ratio,
    /// The weight of the votes against.
    pub against: Ratio,
    /// The weight of the votes cast: the shares of the classes that cast a
    /// vote (all of it when unvoted share goes to the other classes and any
    /// class voted).
    pub cast: Ratio,
    /// The whole vote: 100%.
    pub all: Ratio,
}

/// Counts a vote by class share: each class's share is divided among its
/// own votes cast (for and against), so its for counts `share × for /
/// (for + against)`. A class that casts no vote lapses (its share counts
/// neither way, out of a whole still of 100%) or, with `unvoted share goes
/// to the other classes`, the voting classes hold the whole vote in
/// proportion to their shares.
pub fn tally(classes: &[ClassVotes], unvoted: Unvoted) -> Result<ShareTally, Overflow> {
    let mut for_ = Ratio::ZERO;
    let mut against = Ratio::ZERO;
    let mut cast = Ratio::ZERO;
    for c in classes {
        let votes = c.for_.checked_add(c.against).ok_or(Overflow)?;
        if votes == 0 {
            continue;
        }
        let share = Ratio::from_decimal(c.share)?;
        let each = share.times(Ratio::new(1, i128::from(votes))?)?;
        for_ = for_.plus(each.times(Ratio::whole(c.for_))?)?;
        against = against.plus(each.times(Ratio::whole(c.against))?)?;
        cast = cast.plus(share)?;
    }
    let all = Ratio::whole(1);
    if unvoted == Unvoted::Shared {
        if let Some(scale) = all.over(cast)? {
            return Ok(ShareTally {
                for_: for_.times(scale)?,
                against: against.times(scale)?,
                cast: all,
                all,
            });
        }
    }
    Ok(ShareTally {
        for_,
        against,
        cast,
        all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(p: i64) -> Decimal {
        Decimal::new(p, 2)
    }

    fn r(n: i128, d: i128) -> Ratio {
        Ratio::new(n, d).expect("a fraction")
    }

    #[test]
    fn each_class_counts_at_its_share_whatever_its_size() {
        // Workers 50%: 3 for, 1 against → 37.5% for, 12.5% against.
        // Consumers 30%: 1 for, 9 against → 3% for, 27% against.
        // Investors 20%: 0 for, 2 against → 20% against.
        // For 40.5%, against 59.5%; per member it would be 4 for, 12 against.
        let t = tally(
            &[
                ClassVotes {
                    share: pct(50),
                    for_: 3,
                    against: 1,
                },
                ClassVotes {
                    share: pct(30),
                    for_: 1,
                    against: 9,
                },
                ClassVotes {
                    share: pct(20),
                    for_: 0,
                    against: 2,
                },
            ],
            Unvoted::Lapse,
        )
        .expect("counts");
        assert_eq!(t.for_, r(81, 200));
        assert_eq!(t.against, r(119, 200));
        assert_eq!(t.cast, r(1, 1));
    }

    #[test]
    fn a_silent_class_lapses_or_is_shared_out() {
        // Investors (20%) cast no vote; workers 50% all for, consumers 30%
        // 1 for 2 against: for 50% + 10% = 60%, against 20%, of 80% cast.
        let classes = [
            ClassVotes {
                share: pct(50),
                for_: 4,
                against: 0,
            },
            ClassVotes {
                share: pct(30),
                for_: 1,
                against: 2,
            },
            ClassVotes {
                share: pct(20),
                for_: 0,
                against: 0,
            },
        ];
        let lapse = tally(&classes, Unvoted::Lapse).expect("counts");
        assert_eq!(
            (lapse.for_, lapse.against, lapse.cast),
            (r(3, 5), r(1, 5), r(4, 5))
        );
        // Shared: scaled by 100/80: for 75%, against 25%, of 100%.
        let shared = tally(&classes, Unvoted::Shared).expect("counts");
        assert_eq!(
            (shared.for_, shared.against, shared.cast),
            (r(3, 4), r(1, 4), r(1, 1))
        );
    }

    #[test]
    fn thirds_stay_exact() {
        // One class, 1 for and 2 against: exactly a third for.
        let t = tally(
            &[ClassVotes {
                share: pct(100),
                for_: 1,
                against: 2,
            }],
            Unvoted::Lapse,
        )
        .expect("counts");
        assert_eq!(t.for_, r(1, 3));
        assert_eq!(t.for_.cmp_exact(r(1, 3)), Ok(Ordering::Equal));
        assert_eq!(t.for_.to_decimal().round_dp(4), Decimal::new(3333, 4));
    }
}
