//! Shares by the largest-remainder method: the one definition.
//!
//! Each member first gets their exact share rounded down to the minor unit;
//! the units left go one each to the members with the largest fractions
//! left over; between equal fractions, the member who comes first in the
//! member list. The shares add up to the total exactly.
//!
//! Weights are exact integers at one scale wherever they fit (the column
//! executor keeps them so; the row evaluator's decimals are brought to one
//! scale), and the tie rule is one sort key ([`whole_shares_and_winners`]).
//! Only weights too large for 128-bit products go through decimals
//! ([`by_decimals`]), where the same key orders fractions to 10^-18.

use std::cmp::Reverse;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// A weight held as an exact integer (at a scale common to all weights).
pub trait Weight: Copy {
    /// The weight as a 128-bit integer.
    fn wide(self) -> i128;
}

impl Weight for i64 {
    #[inline(always)]
    fn wide(self) -> i128 {
        self as i128
    }
}

impl Weight for i128 {
    #[inline(always)]
    fn wide(self) -> i128 {
        self
    }
}

/// Shares `total` minor units among `weights` (member, weight >= 0). The
/// result lists the same members in the same order. `None` if nobody can
/// receive a non-zero total (no weights, or all zero).
pub fn apportion(total: i128, weights: &[(u32, Decimal)]) -> Option<Vec<(u32, i128)>> {
    let members = || weights.iter().map(|(m, _)| *m);
    // All weights as integers at one scale.
    let scale = weights.iter().map(|(_, w)| w.scale()).max().unwrap_or(0);
    let ints: Option<Vec<i128>> = weights
        .iter()
        .map(|(_, w)| {
            let mut w = *w;
            w.rescale(scale);
            (w.scale() == scale).then(|| w.mantissa())
        })
        .collect();
    let shares = match ints {
        Some(ints) if ints.iter().all(|w| i64::try_from(*w).is_ok()) => {
            let narrow: Vec<i64> = ints.iter().map(|w| *w as i64).collect();
            apportion_fixed(total, &narrow, None)?
        }
        Some(ints) => apportion_fixed(total, &ints, None)?,
        None => {
            // Weights with too many digits for one scale.
            let values: Vec<Decimal> = weights.iter().map(|(_, w)| *w).collect();
            return Some(members().zip(by_decimals(total, &values)?).collect());
        }
    };
    Some(members().zip(shares.into_iter().map(i128::from)).collect())
}

/// Shares of `total` minor units for every member of a column of integer
/// weights (zero for those outside `mask`). `None` if nobody can receive a
/// non-zero total.
pub fn apportion_fixed<W: Weight>(total: i128, w: &[W], mask: Option<&[bool]>) -> Option<Vec<i64>> {
    let sum = fixed_sum(w, mask)?;
    if sum <= 0 {
        return (total == 0).then(|| vec![0; w.len()]);
    }
    // Shares are kept in 64 bits; no real amount comes near. A larger total
    // goes through decimals.
    if i64::try_from(total).is_err() || total < 0 {
        return decimal_route(total, w, mask);
    }
    let largest = w
        .iter()
        .enumerate()
        .filter(|(i, _)| mask.is_none_or(|m| m[*i]))
        .map(|(_, x)| x.wide())
        .max()
        .unwrap_or(0);
    // Products that fit 64 bits divide several times faster than 128-bit
    // ones; the result is the same either way.
    let narrow = u64::try_from(total)
        .ok()
        .zip(u64::try_from(sum).ok())
        .filter(|(t, _)| u64::try_from(largest).is_ok_and(|l| t.checked_mul(l).is_some()));
    if narrow.is_none() && total.checked_mul(largest).is_none() {
        return decimal_route(total, w, mask);
    }
    let n = w.len();
    // Each remainder becomes a sort key: larger remainders first and,
    // between equal ones, the member listed first. One integer when the
    // remainders (below the sum) leave room for the member's place.
    let place_bits = 64 - (n.max(1) as u64).leading_zeros();
    let remainder_bits = 128 - (sum as u128).leading_zeros();
    let (mut shares, winners) = if place_bits + remainder_bits <= 64 {
        let place_mask = (1u64 << place_bits) - 1;
        whole_shares_and_winners(
            w,
            mask,
            (total, sum, narrow),
            |r, i| ((r as u64) << place_bits) | (place_mask - i as u64),
            |k| (place_mask - (k & place_mask)) as usize,
        )?
    } else if remainder_bits + 32 <= 128 && n <= u32::MAX as usize {
        whole_shares_and_winners(
            w,
            mask,
            (total, sum, narrow),
            |r, i| (r << 32) | (u32::MAX - i as u32) as u128,
            |k| (u32::MAX - k as u32) as usize,
        )?
    } else {
        whole_shares_and_winners(
            w,
            mask,
            (total, sum, narrow),
            |r, i| (r, Reverse(i)),
            |(_, Reverse(i))| i,
        )?
    };
    for m in winners {
        shares[m] += 1;
    }
    Some(shares)
}

fn fixed_sum<W: Weight>(w: &[W], mask: Option<&[bool]>) -> Option<i128> {
    let mut total: i128 = 0;
    match mask {
        Some(m) => {
            for (x, keep) in w.iter().zip(m) {
                if *keep {
                    total = total.checked_add(x.wide())?;
                }
            }
        }
        None => {
            for x in w {
                total = total.checked_add(x.wide())?;
            }
        }
    }
    Some(total)
}

/// Each member's whole share and remainder by `divide`: the shares, the
/// total given, and a sort key (`key`) for each member with a remainder.
fn quotients<W: Weight, K>(
    w: &[W],
    mask: Option<&[bool]>,
    key: impl Fn(u128, usize) -> K,
    divide: impl Fn(i128) -> (i64, u128),
) -> (Vec<i64>, i64, Vec<K>) {
    let mut shares = vec![0i64; w.len()];
    let mut given: i64 = 0;
    let mut keys = Vec::new();
    let mut one = |i: usize, x: i128, shares: &mut [i64]| {
        let (q, r) = divide(x);
        shares[i] = q;
        given += q;
        if r > 0 {
            keys.push(key(r, i));
        }
    };
    match mask {
        Some(m) => {
            for (i, (x, keep)) in w.iter().zip(m).enumerate() {
                if *keep {
                    one(i, x.wide(), &mut shares);
                }
            }
        }
        None => {
            for (i, x) in w.iter().enumerate() {
                one(i, x.wide(), &mut shares);
            }
        }
    }
    (shares, given, keys)
}

/// Each member's whole share, and the members who get a unit more: those
/// with the largest remainders, by their sort keys (`key` makes one from a
/// remainder and a member's place, `place` reads the place back). This is
/// where the tie rule lives.
fn whole_shares_and_winners<W: Weight, K: Ord + Copy>(
    w: &[W],
    mask: Option<&[bool]>,
    (total, sum, narrow): (i128, i128, Option<(u64, u64)>),
    key: impl Fn(u128, usize) -> K,
    place: impl Fn(K) -> usize,
) -> Option<(Vec<i64>, Vec<usize>)> {
    let (shares, given, keys) = match narrow {
        Some((total, sum)) => quotients(w, mask, key, |x| {
            let p = total * x as u64;
            ((p / sum) as i64, (p % sum) as u128)
        }),
        None => quotients(w, mask, key, |x| {
            let p = total * x;
            ((p / sum) as i64, (p % sum) as u128)
        }),
    };
    let left = usize::try_from(total - given as i128).ok()?;
    let winners = largest_keys(keys, left)?.into_iter().map(place).collect();
    Some((shares, winners))
}

/// The `left` largest keys: a selection, not a sort, since only they
/// matter. `None` if there are fewer keys than units left (which exact
/// division never gives).
fn largest_keys<K: Ord + Copy>(mut keys: Vec<K>, left: usize) -> Option<Vec<K>> {
    if left > keys.len() {
        return None;
    }
    if left > 0 && left < keys.len() {
        keys.select_nth_unstable_by(left - 1, |a, b| b.cmp(a));
    }
    keys.truncate(left);
    Some(keys)
}

/// Integer weights whose products with the total overflow 128 bits.
fn decimal_route<W: Weight>(total: i128, w: &[W], mask: Option<&[bool]>) -> Option<Vec<i64>> {
    let kept: Vec<usize> = (0..w.len())
        .filter(|i| mask.is_none_or(|m| m[*i]))
        .collect();
    let values: Option<Vec<Decimal>> = kept
        .iter()
        .map(|&i| Decimal::try_from_i128_with_scale(w[i].wide(), 0).ok())
        .collect();
    let shares = by_decimals(total, &values?)?;
    let mut out = vec![0i64; w.len()];
    for (i, s) in kept.into_iter().zip(shares) {
        out[i] = i64::try_from(s).ok()?;
    }
    Some(out)
}

/// Weights too large for exact integer products: divide in decimals. The
/// shares still add up to the total; fractions are ordered to 10^-18, by
/// the same key as the integer route, so only a tie at the 18th digit
/// could go to a different member.
fn by_decimals(total: i128, weights: &[Decimal]) -> Option<Vec<i128>> {
    let sum = weights
        .iter()
        .try_fold(Decimal::ZERO, |a, w| a.checked_add(*w))?;
    if sum <= Decimal::ZERO {
        return (total == 0).then(|| vec![0; weights.len()]);
    }
    let total_d = Decimal::try_from_i128_with_scale(total, 0).ok()?;
    let mut shares = Vec::with_capacity(weights.len());
    let mut keys = Vec::new();
    for (i, w) in weights.iter().enumerate() {
        let exact = total_d.checked_mul(*w)?.checked_div(sum)?;
        let floor = exact.floor();
        shares.push(floor.to_i128()?);
        let fraction = ((exact - floor) * Decimal::from(1_000_000_000_000_000_000i64)).to_u128()?;
        if fraction > 0 {
            keys.push((fraction, Reverse(i)));
        }
    }
    let given: i128 = shares.iter().sum();
    let left = usize::try_from(total - given).ok()?;
    for (_, Reverse(i)) in largest_keys(keys, left)? {
        shares[i] += 1;
    }
    Some(shares)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn a_three_way_tie_goes_to_the_first_members() {
        // £1.00 among three equal weights: 33p each, one penny left; the
        // three remainders tie, so the first member gets it.
        let shares = apportion(100, &[(0, d(1)), (1, d(1)), (2, d(1))]).unwrap();
        assert_eq!(shares, vec![(0, 34), (1, 33), (2, 33)]);
        // £0.02: the first two.
        let shares = apportion(2, &[(0, d(5)), (1, d(5)), (2, d(5))]).unwrap();
        assert_eq!(shares, vec![(0, 1), (1, 1), (2, 0)]);
    }

    #[test]
    fn largest_remainders_get_the_pennies() {
        // £10.00 by weights 1, 2, 4: exact 142.857, 285.714, 571.428 pence.
        // Floors 142 + 285 + 571 = 998; remainders .857 > .714 > .428, so
        // the first two get a penny each.
        let shares = apportion(1000, &[(0, d(1)), (1, d(2)), (2, d(4))]).unwrap();
        assert_eq!(shares, vec![(0, 143), (1, 286), (2, 571)]);
    }

    #[test]
    fn nobody_to_share_with() {
        assert_eq!(apportion(5, &[]), None);
        assert_eq!(apportion(0, &[]), Some(vec![]));
        assert_eq!(apportion(5, &[(0, d(0))]), None);
        assert_eq!(
            apportion_fixed::<i64>(5, &[3, 4], Some(&[false, false])),
            None
        );
    }

    #[test]
    fn weights_of_28_digits_share_exactly() {
        // Thirds written to 28 places (the precision of a division): their
        // integers at scale 28 need 128 bits; £1.00 still goes 34/33/33.
        let third = Decimal::ONE / Decimal::from(3);
        let shares = apportion(100, &[(0, third), (1, third), (2, third)]).unwrap();
        assert_eq!(shares, vec![(0, 34), (1, 33), (2, 33)]);
    }

    /// The rule written the slow way: exact fractions, sorted.
    fn by_sorting(total: i128, w: &[i64], mask: &[bool]) -> Option<Vec<i64>> {
        let sum: i128 = w
            .iter()
            .zip(mask)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x as i128)
            .sum();
        if sum == 0 {
            return (total == 0).then(|| vec![0; w.len()]);
        }
        let mut shares = vec![0i64; w.len()];
        let mut rest = Vec::new();
        for (i, (x, k)) in w.iter().zip(mask).enumerate() {
            if *k {
                let p = total * *x as i128;
                shares[i] = (p / sum) as i64;
                rest.push((p % sum, i));
            }
        }
        let given: i128 = shares.iter().map(|s| *s as i128).sum();
        rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in rest.into_iter().take((total - given) as usize) {
            shares[i] += 1;
        }
        Some(shares)
    }

    proptest! {
        /// Every route (64-bit keys, 128-bit keys, the decimal route for
        /// huge weights, decimals of the row evaluator) gives the shares of
        /// the rule written out by sorting exact fractions.
        #[test]
        fn every_route_gives_the_sorted_shares(
            total in 0i128..10_000_000_000,
            people in prop::collection::vec((0i64..1_000_000, any::<bool>()), 1..60),
            scale in 0u32..4,
            huge in any::<bool>(),
        ) {
            let w: Vec<i64> = people
                .iter()
                .map(|(x, _)| if huge { x.saturating_mul(1_000_000_000_000) } else { *x })
                .collect();
            let mask: Vec<bool> = people.iter().map(|(_, k)| *k).collect();
            let expected = by_sorting(total, &w, &mask);
            prop_assert_eq!(&apportion_fixed(total, &w, Some(&mask)), &expected);
            let wide: Vec<i128> = w.iter().map(|x| *x as i128).collect();
            prop_assert_eq!(&apportion_fixed(total, &wide, Some(&mask)), &expected);
            let list: Vec<(u32, Decimal)> = w
                .iter()
                .zip(&mask)
                .enumerate()
                .filter(|(_, (_, k))| **k)
                .map(|(i, (x, _))| (i as u32, Decimal::new(*x, scale)))
                .collect();
            let by_rows = apportion(total, &list).map(|shares| {
                let mut out = vec![0i64; w.len()];
                for (m, s) in shares {
                    out[m as usize] = s as i64;
                }
                out
            });
            prop_assert_eq!(by_rows, expected);
        }
    }
}
