//! The Rochdale dividend written by hand in integer minor units (pence in
//! i64, products in i128): what a careful programmer would write without
//! a rules engine.

use crate::data::Outcome;

/// The members as read from the list.
pub struct Members {
    pub age: Vec<u32>,
    pub shares: Vec<i64>,
    pub cost: Vec<i64>,
}

/// Reads the member list (name, age, shares, quarterly_cost).
pub fn load(text: &str) -> Result<Members, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut m = Members {
        age: Vec::new(),
        shares: Vec::new(),
        cost: Vec::new(),
    };
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| e.to_string())?
    {
        m.age.push(int(&record[1]).ok_or("bad age")? as u32);
        m.shares.push(pence(&record[2]).ok_or("bad shares")?);
        m.cost.push(pence(&record[3]).ok_or("bad cost")?);
    }
    Ok(m)
}

fn int(b: &[u8]) -> Option<i64> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0i64, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + (c - b'0') as i64)
    })
}

/// `£12.34` in pence.
fn pence(b: &[u8]) -> Option<i64> {
    let b = b.strip_prefix("£".as_bytes())?;
    let dot = b.iter().position(|c| *c == b'.')?;
    let (pounds, p) = (int(&b[..dot])?, &b[dot + 1..]);
    (p.len() == 2).then_some(())?;
    Some(pounds * 100 + int(p)?)
}

/// Shares of `total` pence in proportion to `weights` (None: no share),
/// by largest remainder, ties to the member listed first.
pub(crate) fn apportion(total: i64, weights: &[Option<i64>]) -> Vec<i64> {
    let sum: i128 = weights.iter().flatten().map(|w| *w as i128).sum();
    let mut shares = vec![0i64; weights.len()];
    if sum == 0 {
        return shares;
    }
    let mut given = 0i64;
    let mut remainders: Vec<(i128, u32)> = Vec::new();
    for (i, w) in weights.iter().enumerate() {
        if let Some(w) = w {
            let n = total as i128 * *w as i128;
            let q = (n / sum) as i64;
            shares[i] = q;
            given += q;
            let r = n % sum;
            if r > 0 {
                remainders.push((r, i as u32));
            }
        }
    }
    let left = (total - given) as usize;
    if left > 0 && left < remainders.len() {
        remainders.select_nth_unstable_by(left - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    for (_, i) in remainders.iter().take(left) {
        shares[*i as usize] += 1;
    }
    shares
}

/// The year: admission, provisional prices, and the division of surplus.
pub fn year(m: &Members, costs: i64) -> Outcome {
    let n = m.age.len();
    let eligible: Vec<bool> = (0..n)
        .map(|i| m.age[i] >= 16 && m.shares[i] >= 400)
        .collect();
    // Provisional price: cost + 10%, half up to the penny.
    let purchases: Vec<i64> = m.cost.iter().map(|c| (c * 110 + 50) / 100).collect();
    let sales: i64 = purchases.iter().sum();
    let surplus = sales - costs;
    assert!(surplus >= 0, "the generated year makes a surplus");
    // Reserve 10% and education 2.5%, rounded down.
    let reserve = surplus / 10;
    let education = surplus * 25 / 1000;
    let mut remaining = surplus - reserve - education;
    // Interest at 5% on the shares of those admitted, at most what remains.
    let interest_weights: Vec<Option<i64>> =
        (0..n).map(|i| eligible[i].then_some(m.shares[i])).collect();
    let asked: i64 = interest_weights.iter().flatten().sum::<i64>() * 5; // in 1/100 pence
    let interest_total = (asked / 100).min(remaining);
    let interest = apportion(interest_total, &interest_weights);
    remaining -= interest_total;
    // The rest as a dividend on purchases.
    let dividend_weights: Vec<Option<i64>> = (0..n)
        .map(|i| eligible[i].then_some(purchases[i]))
        .collect();
    let dividend = apportion(remaining, &dividend_weights);
    Outcome {
        admitted: eligible.iter().filter(|e| **e).count(),
        surplus,
        reserve,
        education,
        interest_total,
        dividend_total: remaining,
        interest,
        dividend,
    }
}
