//! The whole pipeline on random rulebooks: a generator writes well-typed
//! rulebooks (random rates, rounding modes, conditions, tranches, weights and
//! acts), random scenarios run against them, and for every one: it checks,
//! every allocation conserves money to the penny (tranches add up to the
//! amount, members' shares to their tranche), the books balance, and the
//! same inputs give the same bytes.

use proptest::prelude::*;
use rust_decimal::Decimal;

const MODES: [&str; 7] = [
    "half up",
    "half down",
    "half even",
    "down",
    "up",
    "floor",
    "ceiling",
];

/// What varies from one generated rulebook to the next.
#[derive(Debug, Clone)]
struct Book {
    markup: u32,       // in tenths of a percent
    price_mode: usize, // index into MODES
    price_step: usize, // 0.01, 0.05 or 0.10
    min_age: u32,
    min_shares: Option<u32>, // pence
    reserve: u32,            // in tenths of a percent
    education: Option<u32>,
    interest: Option<u32>, // tenths of a percent of shares
    interest_cap: bool,
    allocation_mode: usize,
    weight: usize,      // purchases, shares or both
    floor: Option<u32>, // a floor on the reserve, in pence
    scope: usize,       // the interest rounded: unstated, pooled, each member's
}

fn book() -> impl Strategy<Value = Book> {
    (
        (
            0u32..500,
            0usize..7,
            0usize..3,
            14u32..21,
            prop::option::of(0u32..2_000),
        ),
        (
            0u32..400,
            prop::option::of(0u32..100),
            prop::option::of(0u32..100),
            any::<bool>(),
        ),
        (0usize..7, 0usize..3, prop::option::of(0u32..500), 0usize..3),
    )
        .prop_map(
            |(
                (markup, price_mode, price_step, min_age, min_shares),
                (reserve, education, interest, interest_cap),
                (allocation_mode, weight, floor, scope),
            )| Book {
                markup,
                price_mode,
                price_step,
                min_age,
                min_shares,
                reserve,
                education,
                interest,
                interest_cap,
                allocation_mode,
                weight,
                floor,
                scope,
            },
        )
}

fn percent(tenths: u32) -> String {
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn pence(p: u32) -> String {
    format!("£{}.{:02}", p / 100, p % 100)
}

fn rulebook(b: &Book) -> String {
    let step = ["0.01", "0.05", "0.10"][b.price_step];
    let eligible = match b.min_shares {
        Some(s) => format!(
            "m.age >= min_age because \"too young\"\n    and m.shares >= {} because \"too few shares\"",
            pence(s)
        ),
        None => "m.age >= min_age because \"too young\"".to_string(),
    };
    let weight = ["m.purchases", "m.shares", "m.purchases + m.shares"][b.weight];
    let mut tranches = String::new();
    match b.floor {
        Some(f) => {
            tranches += &format!(
                "  reserve fund: {}, at least min({}, remainder)\n",
                percent(b.reserve),
                pence(f)
            )
        }
        None => tranches += &format!("  reserve fund: {}\n", percent(b.reserve)),
    }
    if let Some(e) = b.education {
        tranches += &format!("  education fund: {}\n", percent(e));
    }
    if let Some(i) = b.interest {
        let cap = if b.interest_cap {
            ", at most remainder"
        } else {
            ", at most remainder / 2"
        };
        tranches += &format!(
            "  interest: each member m where eligible(m): m.shares * {}{cap}\n",
            percent(i)
        );
    }
    tranches += &format!(
        "  dividend: remainder, to each member m where eligible(m) in proportion to {weight}\n"
    );
    format!(
        r#"rulebook "Generated" currency GBP
member {{
  age: Integer
  shares: Money = £0
  purchases: Money = £0 each period
}}
period {{
  sales: Money = credits of "sales"
  costs: Money = debits of "costs"
}}
parameter markup: Percent = {markup}
parameter min_age: Integer = {min_age}
rule price(cost: Money): Money = round(cost * (100% + markup), to {step}, {mode})
rule eligible(m) =
    {eligible}
rule surplus: Money = max(period.sales - period.costs, £0)
allocate surplus rounding {amode}{scope} {{
{tranches}}}
act join(m, payment: Money) {{
  requires m.age >= min_age because "too young"
  admit m
  add payment to m.shares
  post payment debit "cash" credit "capital" of m
}}
act purchase(m, cost: Money) {{
  add price(cost) to m.purchases
  post price(cost) debit "cash" credit "sales"
}}
act trade_all(cost: Money) {{
  for each member m where eligible(m) {{
    add price(cost) to m.purchases
    post price(cost) debit "cash" credit "sales"
  }}
}}
act pay_costs(amount: Money) {{ post amount debit "costs" credit "cash" }}
"#,
        markup = percent(b.markup),
        min_age = b.min_age,
        mode = MODES[b.price_mode],
        amode = MODES[b.allocation_mode],
        scope = ["", " pooled", " each"][b.scope],
    )
}

#[derive(Debug, Clone)]
enum Step {
    Join(usize, u32),
    Purchase(usize, u32),
    TradeAll(u32),
    Costs(u32),
    Close,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..5, 0u32..3_000).prop_map(|(m, p)| Step::Join(m, p)),
        3 => (0usize..5, 0u32..9_000).prop_map(|(m, p)| Step::Purchase(m, p)),
        2 => (0u32..2_000).prop_map(Step::TradeAll),
        1 => (0u32..1_500).prop_map(Step::Costs),
        1 => Just(Step::Close),
    ]
}

fn scenario(ages: &[u32], steps: &[Step]) -> String {
    let members: Vec<String> = ages
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{{\"name\": \"p{i}\", \"age\": {a}}}"))
        .collect();
    let steps: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let date = format!("\"date\": \"2026-{:02}-{:02}\"", 1 + i / 28, 1 + i % 28);
            let act = |name: &str, args: String| {
                format!("{{{date}, \"act\": \"{name}\", \"args\": [{args}]}}")
            };
            match s {
                Step::Join(m, p) => act("join", format!("\"p{m}\", \"{}\"", pence(*p))),
                Step::Purchase(m, p) => act("purchase", format!("\"p{m}\", \"{}\"", pence(*p))),
                Step::TradeAll(p) => act("trade_all", format!("\"{}\"", pence(*p))),
                Step::Costs(p) => act("pay_costs", format!("\"{}\"", pence(*p))),
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

fn amount(v: &rochdale::value::ValueView) -> Decimal {
    v.value
        .parse::<Decimal>()
        .unwrap_or_else(|_| panic!("an amount: {}", v.value))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn random_rulebooks_conserve_money_balance_the_books_and_repeat(
        b in book(),
        ages in prop::collection::vec(12u32..40, 5),
        mut steps in prop::collection::vec(step(), 1..24),
    ) {
        steps.push(Step::Close);
        let text = rulebook(&b);
        let checked = rochdale::check_source(&text);
        let program = match checked.program {
            Some(p) => p,
            None => {
                let messages: Vec<String> = checked.diagnostics.iter().map(|d| d.message.clone()).collect();
                return Err(TestCaseError::fail(format!("a generated rulebook does not check: {messages:?}\n{text}")));
            }
        };
        let json = scenario(&ages, &steps);
        let (def, members) = rochdale::simulate::input::read_json(&program, &json)
            .map_err(|d| TestCaseError::fail(format!("{:?}", d[0].message)))?;
        let outcome = rochdale::simulate::simulate(&program, &def, members.clone());
        prop_assert!(outcome.trial_balance.balanced, "the books do not balance");
        prop_assert_eq!(&outcome.trial_balance.total_debit.value, &outcome.trial_balance.total_credit.value);
        for period in &outcome.periods {
            for a in &period.allocations {
                let total: Decimal = a.tranches.iter().map(|t| amount(&t.total)).sum();
                prop_assert_eq!(total, amount(&a.amount), "tranches do not add up to the amount");
                for t in &a.tranches {
                    if !t.members.is_empty() {
                        let shared: Decimal = t.members.iter().map(|m| amount(&m.value)).sum();
                        prop_assert_eq!(shared, amount(&t.total), "shares of {} do not add up", t.label);
                        prop_assert!(t.members.iter().all(|m| amount(&m.value) >= Decimal::ZERO));
                    }
                    // Every amount is a whole number of pence.
                    prop_assert!(amount(&t.total).scale() <= 2 || amount(&t.total).normalize().scale() <= 2);
                }
            }
        }
        // An act that fails is a fault of the rules or figures, reported,
        // never a crash; none of these acts can fail on these figures
        // except a close whose tranches ask too much.
        for s in &outcome.steps {
            if let Some(d) = &s.diagnostic {
                prop_assert!(
                    d.code == rochdale::Code::AllocationFailed,
                    "step {} failed: {}", s.step, d.message
                );
            }
        }
        // Deterministic: the same rulebook and scenario give the same bytes,
        // through the library's JSON interface too.
        // The same by columns (as it ran) and member by member.
        let by_rows = rochdale::simulate::simulate_by_rows(&program, &def, members.clone());
        prop_assert_eq!(
            serde_json::to_string(&outcome).unwrap_or_default(),
            serde_json::to_string(&by_rows).unwrap_or_default(),
            "by columns and member by member differ"
        );
        let again = rochdale::simulate::simulate(&program, &def, members);
        prop_assert_eq!(
            serde_json::to_string(&outcome).unwrap_or_default(),
            serde_json::to_string(&again).unwrap_or_default()
        );
        let file = rochdale::SourceFile::new("generated.coop", text.clone());
        let request = rochdale::api::RunRequest { scenario_json: Some(json), ..Default::default() };
        let first = rochdale::api::simulate(&file, &request).map_err(|f| f.to_json());
        let second = rochdale::api::simulate(&file, &request).map_err(|f| f.to_json());
        prop_assert_eq!(first, second);
    }
}
