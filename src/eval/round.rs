//! Rounding to a step with a named mode.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::syntax::ast::RoundingMode;

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

/// Rounds `value` to a multiple of `step` (which must be positive). The
/// result keeps the step's decimal places, so £3 rounded to 0.01 is `3.00`.
/// `None` if the result cannot be represented.
pub fn round(value: Decimal, step: Decimal, mode: RoundingMode) -> Option<Decimal> {
    let step = step.normalize();
    // A power of ten (0.01, 1, 0.001) rounds digits directly and exactly.
    if step.mantissa() == 1 {
        let mut r = value.round_dp_with_strategy(step.scale(), strategy(mode));
        r.rescale(step.scale());
        return Some(r);
    }
    // Any other step (0.05, 0.25, 5): count whole steps, round the count.
    let steps = value.checked_div(step)?;
    let whole = steps.round_dp_with_strategy(0, strategy(mode));
    let mut r = whole.checked_mul(step)?;
    r.rescale(step.scale());
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn r(v: &str, step: &str, mode: RoundingMode) -> String {
        round(d(v), d(step), mode).unwrap().to_string()
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
    }

    #[test]
    fn keeps_the_steps_places() {
        assert_eq!(r("3", "0.01", RoundingMode::HalfUp), "3.00");
    }
}
