//! Rounding: what each mode does with the part below the step.
//!
//! [`away_from_zero`] is the one definition of the modes. Every route that
//! rounds decides through it: decimals here ([`round`]), integer columns in
//! the batch ([`divide_i64`]), tranches in an allocation. A new mode is a new
//! arm of that `match` (plus its spelling in the grammar, the parser and the
//! formatter); the compiler points at every other place.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::syntax::ast::RoundingMode;

/// Whether a quotient that is not whole moves away from zero (to the next
/// multiple further from zero) rather than toward it.
///
/// - `negative`: the value rounded is below zero;
/// - `half`: how the part left over compares with half a step;
/// - `odd`: whether the quotient truncated toward zero is odd (for ties to
///   even).
///
/// Only called when something is left over: a whole quotient is exact in
/// every mode.
#[inline(always)]
pub fn away_from_zero(mode: RoundingMode, negative: bool, half: Ordering, odd: bool) -> bool {
    match mode {
        RoundingMode::HalfUp => half != Ordering::Less,
        RoundingMode::HalfDown => half == Ordering::Greater,
        RoundingMode::HalfEven => match half {
            Ordering::Less => false,
            Ordering::Greater => true,
            Ordering::Equal => odd,
        },
        RoundingMode::Down => false,
        RoundingMode::Up => true,
        RoundingMode::Floor => negative,
        RoundingMode::Ceiling => !negative,
    }
}

/// `n / d` rounded to a whole number by `mode` (`d` above zero).
#[inline(always)]
pub fn divide_i128(n: i128, d: i128, mode: RoundingMode) -> i128 {
    let (q, r) = (n / d, n % d);
    if r == 0 {
        return q;
    }
    // Twice the remainder against the divisor, without overflow.
    let half = (r.unsigned_abs()).cmp(&(d.unsigned_abs() - r.unsigned_abs()));
    if away_from_zero(mode, n < 0, half, q % 2 != 0) {
        if n < 0 { q - 1 } else { q + 1 }
    } else {
        q
    }
}

/// `v / d` rounded to a whole number by `mode` (`d` above zero): the
/// integer columns' route, deciding exactly as [`divide_i128`].
#[inline(always)]
pub fn divide_i64(v: i64, d: i64, mode: RoundingMode) -> i64 {
    let (q, r) = (v / d, v % d);
    if r == 0 {
        return q;
    }
    let half = (r.unsigned_abs()).cmp(&(d.unsigned_abs() - r.unsigned_abs()));
    if away_from_zero(mode, v < 0, half, q % 2 != 0) {
        if v < 0 { q - 1 } else { q + 1 }
    } else {
        q
    }
}

/// Rounds `value` to a multiple of `step` (which must be positive). The
/// result keeps the step's decimal places, so £3 rounded to 0.01 is `3.00`.
/// Exact for every step: the value and the step are taken as integers at
/// one scale and the count of steps is rounded by [`divide_i128`]. `None` if
/// the result cannot be represented.
pub fn round(value: Decimal, step: Decimal, mode: RoundingMode) -> Option<Decimal> {
    let step = step.normalize();
    if step <= Decimal::ZERO {
        return None;
    }
    let scale = value.scale().max(step.scale());
    let at_scale = |d: Decimal| -> Option<i128> {
        let up = scale - d.scale();
        d.mantissa().checked_mul(10i128.checked_pow(up)?)
    };
    let (n, s) = (at_scale(value)?, at_scale(step)?);
    let count = divide_i128(n, s, mode);
    // The result is `count` steps, written at the step's own places.
    Decimal::try_from_i128_with_scale(count.checked_mul(step.mantissa())?, step.scale()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::RoundingStrategy;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn r(v: &str, step: &str, mode: RoundingMode) -> String {
        round(d(v), d(step), mode).unwrap().to_string()
    }

    const MODES: [RoundingMode; 7] = RoundingMode::ALL;

    /// rust_decimal's own strategies: an independent route to compare with.
    fn strategy(mode: RoundingMode) -> RoundingStrategy {
        match mode {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }

    #[test]
    fn every_mode_on_a_tie() {
        use RoundingMode::*;
        // 2.345 lies exactly between 2.34 and 2.35.
        assert_eq!(r("2.345", "0.01", HalfUp), "2.35");
        assert_eq!(r("2.345", "0.01", HalfDown), "2.34");
        assert_eq!(r("2.345", "0.01", HalfEven), "2.34");
        assert_eq!(r("2.355", "0.01", HalfEven), "2.36");
        assert_eq!(r("2.345", "0.01", Down), "2.34");
        assert_eq!(r("2.345", "0.01", Up), "2.35");
        assert_eq!(r("2.345", "0.01", Floor), "2.34");
        assert_eq!(r("2.345", "0.01", Ceiling), "2.35");
        // Negative ties separate floor from down and ceiling from up.
        assert_eq!(r("-2.345", "0.01", HalfUp), "-2.35");
        assert_eq!(r("-2.345", "0.01", Down), "-2.34");
        assert_eq!(r("-2.345", "0.01", Floor), "-2.35");
        assert_eq!(r("-2.345", "0.01", Ceiling), "-2.34");
        assert_eq!(r("-2.345", "0.01", Up), "-2.35");
        assert_eq!(r("-2.345", "0.01", HalfEven), "-2.34");
        assert_eq!(r("-2.355", "0.01", HalfEven), "-2.36");
    }

    #[test]
    fn steps_other_than_powers_of_ten() {
        use RoundingMode::*;
        // 1.025 is exactly between 1.00 and 1.05.
        assert_eq!(r("1.025", "0.05", HalfUp), "1.05");
        assert_eq!(r("1.025", "0.05", HalfEven), "1.00");
        assert_eq!(r("1.024", "0.05", HalfUp), "1.00");
        assert_eq!(r("12.5", "5", HalfUp), "15");
        assert_eq!(r("12.4", "5", Ceiling), "15");
        // A step of 0.03: 0.045 is exactly one and a half steps, a tie
        // that a rounded quotient (0.045 / 0.03 in 28 digits) keeps only
        // by luck; the integer route sees it exactly.
        assert_eq!(r("0.045", "0.03", HalfUp), "0.06");
        assert_eq!(r("0.045", "0.03", HalfDown), "0.03");
        assert_eq!(r("0.045", "0.03", HalfEven), "0.06");
    }

    #[test]
    fn keeps_the_steps_places() {
        assert_eq!(r("3", "0.01", RoundingMode::HalfUp), "3.00");
        assert_eq!(r("-0.001", "0.01", RoundingMode::Down), "0.00");
    }

    #[test]
    fn the_integer_routes_agree() {
        for mode in MODES {
            for v in -1000i64..=1000 {
                for dv in [1i64, 2, 3, 7, 10, 100] {
                    assert_eq!(
                        divide_i64(v, dv, mode) as i128,
                        divide_i128(v as i128, dv as i128, mode),
                        "{v} / {dv} {mode:?}"
                    );
                }
            }
        }
    }

    proptest! {
        /// To a power of ten, every mode gives rust_decimal's own rounding.
        #[test]
        fn powers_of_ten_match_rust_decimal(
            mantissa in -10_000_000_000i64..10_000_000_000,
            scale in 0u32..10,
            places in 0u32..6,
            mode in prop::sample::select(MODES.to_vec()),
        ) {
            let v = Decimal::new(mantissa, scale);
            let mut expected = v.round_dp_with_strategy(places, strategy(mode));
            expected.rescale(places);
            prop_assert_eq!(round(v, Decimal::new(1, places), mode), Some(expected));
        }

        /// Any step: the result is a multiple of the step, within one step
        /// of the value, on the side the mode says.
        #[test]
        fn any_step_lands_on_a_multiple(
            mantissa in -1_000_000i64..1_000_000,
            step in 1i64..500,
            mode in prop::sample::select(MODES.to_vec()),
        ) {
            let (v, s) = (Decimal::new(mantissa, 3), Decimal::new(step, 2));
            let out = round(v, s, mode).unwrap();
            prop_assert!((out / s).fract().is_zero());
            prop_assert!((out - v).abs() < s);
            match mode {
                RoundingMode::Floor => prop_assert!(out <= v),
                RoundingMode::Ceiling => prop_assert!(out >= v),
                RoundingMode::Down => prop_assert!(out.abs() <= v.abs()),
                RoundingMode::Up => prop_assert!(out.abs() >= v.abs()),
                _ => prop_assert!((out - v).abs() * Decimal::TWO <= s),
            }
        }
    }
}
