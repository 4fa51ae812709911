//! One decision at a till, with criterion: an admission (`eligible(m)`)
//! and a provisional price (`price(cost)`) from rulebooks/rochdale-1844.coop,
//! each with a fresh evaluator as a service makes one per decision.
//!
//!     cargo bench --bench decision
//!
//! Target (docs/performance.md): under a microsecond each. The benchmark
//! binary of bench/ reports the median and the 99th percentile.

use criterion::{Criterion, criterion_group, criterion_main};
use rochdale::eval::{Evaluator, Inputs};
use rochdale::value::Value;
use rust_decimal::Decimal;
use std::hint::black_box;

fn decisions(c: &mut Criterion) {
    let text = include_str!("../rulebooks/rochdale-1844.coop");
    let program = rochdale::check_source(text)
        .program
        .expect("the rulebook checks");
    let eligible = program.rule_id("eligible").expect("eligible");
    let price = program.rule_id("price").expect("price");
    let mut members: Vec<Vec<Option<Value>>> = program
        .member_attrs
        .iter()
        .map(|a| vec![a.default.clone()])
        .collect();
    members[program.member_attr_id("age").expect("age")][0] =
        Some(Value::Number(Decimal::from(30)));
    members[program.member_attr_id("shares").expect("shares")][0] =
        Some(Value::Number(Decimal::new(500, 2)));
    let inputs = Inputs {
        params: program.default_params(),
        member_names: vec!["ada".into()],
        members,
        period: vec![None; program.period_fields.len()],
        votes: vec![None; program.resolutions.len()],
        ..Inputs::default()
    };
    c.bench_function("admission: eligible(ada)", |b| {
        b.iter(|| {
            let mut ev = Evaluator::new(&program, &inputs);
            let v = ev.rule(eligible, vec![Value::Member(black_box(0))]);
            assert_eq!(v, Ok(Value::Bool(true)));
        })
    });
    c.bench_function("price: price(£1.15)", |b| {
        b.iter(|| {
            let mut ev = Evaluator::new(&program, &inputs);
            let v = ev.rule(price, vec![Value::Number(black_box(Decimal::new(115, 2)))]);
            assert_eq!(v, Ok(Value::Number(Decimal::new(127, 2))));
        })
    });
}

criterion_group!(benches, decisions);
criterion_main!(benches);
