//! The same year run by Rochdale from tests/fixtures/rochdale-1844.1.coop: the
//! rulebook's own rules, act and allocation, over the member list as a
//! batch.

use rochdale::batch::{Batch, MemberColumns};

use crate::data::Outcome;

/// The rulebook, checked.
pub fn program(text: &str) -> Result<rochdale::Program, String> {
    rochdale::check_source(text)
        .program
        .ok_or_else(|| "the rulebook does not check".to_string())
}

/// Reads the member list into columns.
pub fn load(program: &rochdale::Program, text: &str) -> Result<MemberColumns, String> {
    MemberColumns::from_csv(program, text).map_err(|d| {
        d.iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn pence(d: rust_decimal::Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (d * rust_decimal::Decimal::ONE_HUNDRED)
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// The year: a quarter's trade at provisional prices, the costs paid, and
/// the period closed. Returns the outcome and how many expressions fell
/// back to member-by-member evaluation (zero is the fast path).
pub fn year(
    program: &rochdale::Program,
    members: MemberColumns,
    costs: i64,
) -> Result<(Outcome, usize), String> {
    let err = |d: rochdale::Diagnostic| d.message;
    let phases = std::env::var_os("ROCHDALE_BENCH_PHASES").is_some();
    let mut clock = std::time::Instant::now();
    let mut lap = |what: &str| {
        if phases {
            eprintln!("  {what}: {:.1} ms", clock.elapsed().as_secs_f64() * 1e3);
        }
        clock = std::time::Instant::now();
    };
    let mut batch = Batch::new(program, members);
    let eligible = batch.member_rule("eligible").map_err(err)?;
    let n = batch.members().len();
    let admitted = (0..n)
        .filter(|&i| eligible.bool_at(i) == Some(true))
        .count();
    lap("admission");
    batch.apply_act("trade_quarter", &[]).map_err(err)?;
    lap("trade at provisional prices");
    let costs = format!("£{}.{:02}", costs / 100, costs % 100);
    batch.apply_act("pay_costs", &[&costs]).map_err(err)?;
    let mut close = batch.close_period(&[]).map_err(err)?;
    lap("close: the allocation");
    let fallbacks = batch.fallbacks();
    let a = close.allocations.swap_remove(0);
    let mut t = a.tranches.into_iter();
    let (reserve, education, interest, dividend) = match (t.next(), t.next(), t.next(), t.next()) {
        (Some(r), Some(e), Some(i), Some(d)) => (r, e, i, d),
        _ => return Err("the allocation has four tranches".into()),
    };
    Ok((
        Outcome {
            admitted,
            surplus: pence(a.amount),
            reserve: pence(reserve.total),
            education: pence(education.total),
            interest_total: pence(interest.total),
            dividend_total: pence(dividend.total),
            interest: interest.shares.unwrap_or_default(),
            dividend: dividend.shares.unwrap_or_default(),
        },
        fallbacks,
    ))
}
