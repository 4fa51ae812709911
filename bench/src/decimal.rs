//! The Rochdale dividend written by hand with rust_decimal, the way a
//! careful programmer writes money code with a decimal type.

use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::data::Outcome;

/// The members as read from the list.
pub struct Members {
    pub age: Vec<u32>,
    pub shares: Vec<Decimal>,
    pub cost: Vec<Decimal>,
}

/// Reads the member list (name, age, shares, quarterly_cost).
pub fn load(text: &str) -> Result<Members, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut m = Members {
        age: Vec::new(),
        shares: Vec::new(),
        cost: Vec::new(),
    };
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| e.to_string())? {
        m.age.push(record[1].parse().map_err(|_| "bad age")?);
        m.shares.push(money(&record[2])?);
        m.cost.push(money(&record[3])?);
    }
    Ok(m)
}

fn money(text: &str) -> Result<Decimal, String> {
    let digits = text.strip_prefix('£').ok_or("no £")?;
    Decimal::from_str(digits).map_err(|e| e.to_string())
}

fn pence(d: Decimal) -> i64 {
    (d * Decimal::ONE_HUNDRED).to_i64().unwrap_or(i64::MAX)
}

/// Shares of `total` in proportion to `weights` (None: no share), to the
/// penny by largest remainder, ties to the member listed first.
fn apportion(total: Decimal, weights: &[Option<Decimal>]) -> Vec<Decimal> {
    let penny = Decimal::new(1, 2);
    let sum: Decimal = weights.iter().flatten().sum();
    let mut shares = vec![Decimal::ZERO; weights.len()];
    if sum.is_zero() {
        return shares;
    }
    let mut given = Decimal::ZERO;
    let mut remainders: Vec<(Decimal, u32)> = Vec::new();
    // In pennies: q = floor(total_p * w / sum) exactly, with the remainder.
    let total_p = total / penny;
    for (i, w) in weights.iter().enumerate() {
        if let Some(w) = w {
            let n = total_p * w;
            let r = n % sum;
            let q = (n - r) / sum;
            shares[i] = q * penny;
            given += q;
            if !r.is_zero() {
                remainders.push((r, i as u32));
            }
        }
    }
    let left = (total_p - given).to_usize().unwrap_or(0);
    if left > 0 && left < remainders.len() {
        remainders.select_nth_unstable_by(left - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    for (_, i) in remainders.iter().take(left) {
        shares[*i as usize] += penny;
    }
    shares
}

/// The year: admission, provisional prices, and the division of surplus.
pub fn year(m: &Members, costs: Decimal) -> Outcome {
    let n = m.age.len();
    let minimum = Decimal::new(400, 2);
    let markup = Decimal::new(110, 2);
    let eligible: Vec<bool> = (0..n)
        .map(|i| m.age[i] >= 16 && m.shares[i] >= minimum)
        .collect();
    let purchases: Vec<Decimal> = m
        .cost
        .iter()
        .map(|c| (c * markup).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
        .collect();
    let sales: Decimal = purchases.iter().sum();
    let surplus = sales - costs;
    let down = |d: Decimal| d.round_dp_with_strategy(2, RoundingStrategy::ToZero);
    let reserve = down(surplus * Decimal::new(10, 2));
    let education = down(surplus * Decimal::new(25, 3));
    let mut remaining = surplus - reserve - education;
    let rate = Decimal::new(5, 2);
    let interest_weights: Vec<Option<Decimal>> = (0..n)
        .map(|i| eligible[i].then(|| m.shares[i] * rate))
        .collect();
    let asked: Decimal = interest_weights.iter().flatten().sum();
    let interest_total = down(asked.min(remaining));
    let interest = apportion(interest_total, &interest_weights);
    remaining -= interest_total;
    let dividend_weights: Vec<Option<Decimal>> = (0..n)
        .map(|i| eligible[i].then_some(purchases[i]))
        .collect();
    let dividend = apportion(remaining, &dividend_weights);
    Outcome {
        admitted: eligible.iter().filter(|e| **e).count(),
        surplus: pence(surplus),
        reserve: pence(reserve),
        education: pence(education),
        interest_total: pence(interest_total),
        dividend_total: pence(remaining),
        interest: interest.into_iter().map(pence).collect(),
        dividend: dividend.into_iter().map(pence).collect(),
    }
}
