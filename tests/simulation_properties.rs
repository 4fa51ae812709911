//! Random valid scenarios: after every step the trial balance is zero, an
//! allocation conserves money, a refused step leaves the books and the
//! members unchanged, and two runs give identical JSON.

use proptest::prelude::*;
use rochdale::simulate::{StepStatus, input, simulate};

const RULEBOOK: &str = r#"
rulebook "P" currency GBP
member { age: Integer  shares: Money = £0  purchases: Money = £0 each period }
period { sales: Money = credits of "sales"  costs: Money = debits of "costs" }
parameter markup: Percent = 10%
rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)
rule eligible(m) = m.age >= 16 because "members must be 16 or over"
limit holding: m.shares <= £50.00 for each member m
rule surplus: Money = max(period.sales - period.costs, £0)
allocate surplus rounding half even {
  reserve fund: 10%
  interest: each member m: m.shares * 3%, at most remainder
  dividend: remainder, to each member m in proportion to m.purchases
}
resolution ordinary { passes when for > against }
act join(m, payment: Money) {
  requires eligible(m) and payment >= £1 because "one share at least"
  admit m
  add payment to m.shares
  post payment debit "cash" credit "capital" of m
}
act purchase(m, cost: Money) {
  add price(cost) to m.purchases
  post price(cost) debit "cash" credit "sales"
}
act pay_costs(amount: Money) { post amount debit "costs" credit "cash" }
act leave(m) {
  post m.shares debit "capital" of m credit "cash"
  set m.shares to £0
  remove m
}
"#;

#[derive(Debug, Clone)]
enum Step {
    Join(usize, u32),
    Purchase(usize, u32),
    Costs(u32),
    Leave(usize),
    Motion(Vec<bool>),
    Close,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..6, 0u32..3000).prop_map(|(m, p)| Step::Join(m, p)),
        (0usize..6, 0u32..5000).prop_map(|(m, p)| Step::Purchase(m, p)),
        (0u32..8000).prop_map(Step::Costs),
        (0usize..6).prop_map(Step::Leave),
        prop::collection::vec(any::<bool>(), 6).prop_map(Step::Motion),
        Just(Step::Close),
    ]
}

fn pence(p: u32) -> String {
    format!("£{}.{:02}", p / 100, p % 100)
}

fn scenario_json(steps: &[Step]) -> String {
    let members: Vec<String> = (0..6)
        .map(|i| format!("{{\"name\": \"p{i}\", \"age\": {}}}", 12 + i * 3))
        .collect();
    let mut day = 1;
    let steps: Vec<String> = steps
        .iter()
        .map(|s| {
            day += 1;
            let date = format!("\"date\": \"2026-{:02}-{:02}\"", 1 + day / 28, 1 + day % 28);
            match s {
                Step::Join(m, p) => format!("{{{date}, \"act\": \"join\", \"args\": [\"p{m}\", \"{}\"]}}", pence(*p)),
                Step::Purchase(m, p) => format!("{{{date}, \"act\": \"purchase\", \"args\": [\"p{m}\", \"{}\"]}}", pence(*p)),
                Step::Costs(p) => format!("{{{date}, \"act\": \"pay_costs\", \"args\": [\"{}\"]}}", pence(*p)),
                Step::Leave(m) => format!("{{{date}, \"act\": \"leave\", \"args\": [\"p{m}\"]}}"),
                Step::Motion(v) => {
                    let for_: Vec<String> = (0..6).filter(|i| v[*i]).map(|i| format!("\"p{i}\"")).collect();
                    format!("{{{date}, \"motion\": \"ordinary\", \"for\": [{}], \"amend\": {{\"markup\": \"12%\"}}}}", for_.join(", "))
                }
                Step::Close => format!("{{{date}, \"close\": true}}"),
            }
        })
        .collect();
    format!(
        "{{\"name\": \"random\", \"members\": [{}], \"steps\": [{}]}}",
        members.join(", "),
        steps.join(", ")
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, .. ProptestConfig::default() })]

    #[test]
    fn the_books_balance_and_refusals_change_nothing(steps in prop::collection::vec(step(), 1..14)) {
        let program = rochdale::check_source(RULEBOOK).program.expect("checks");
        let json = scenario_json(&steps);
        let (scenario, members) = input::read_json(&program, &json).unwrap_or_else(|d| panic!("{json}\n{d:?}"));
        let mut previous: Option<rochdale::simulate::SimulationOutcome> = None;
        for k in 1..=scenario.steps.len() {
            let mut prefix = scenario.clone();
            prefix.steps.truncate(k);
            let o = simulate(&program, &prefix, members.clone());
            prop_assert!(o.trial_balance.balanced, "unbalanced after step {k}");
            for p in &o.periods {
                for a in &p.allocations {
                    let total: rust_decimal::Decimal = a.tranches.iter().map(|t| t.total.value.parse::<rust_decimal::Decimal>().unwrap_or_default()).sum();
                    prop_assert_eq!(total.to_string(), a.amount.value.parse::<rust_decimal::Decimal>().unwrap_or_default().to_string());
                }
            }
            let last = &o.steps[k - 1];
            if last.status != StepStatus::Done {
                if let Some(prev) = &previous {
                    let journal = |x: &rochdale::simulate::SimulationOutcome| serde_json::to_string(&x.journal).unwrap_or_default();
                    let people = |x: &rochdale::simulate::SimulationOutcome| serde_json::to_string(&x.members).unwrap_or_default();
                    let params = |x: &rochdale::simulate::SimulationOutcome| serde_json::to_string(&x.parameters).unwrap_or_default();
                    prop_assert_eq!(journal(&o), journal(prev), "a refused step posted to the books");
                    prop_assert_eq!(people(&o), people(prev), "a refused step changed a member");
                    prop_assert_eq!(params(&o), params(prev), "a refused step changed a parameter");
                }
            }
            previous = Some(o);
        }
        let a = serde_json::to_string(&simulate(&program, &scenario, members.clone())).unwrap_or_default();
        let b = serde_json::to_string(&simulate(&program, &scenario, members)).unwrap_or_default();
        prop_assert_eq!(a, b);
    }
}
