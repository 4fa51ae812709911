//! Allocation conserves money: for random amounts, tranche sets and member
//! weights, the tranches add up to the amount, every split adds up to its
//! tranche, to the penny, and no member is paid a negative amount.

use proptest::prelude::*;
use rochdale::eval::{Evaluator, apportion};
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
enum TrancheSpec {
    Percent(u32),    // in tenths of a percent
    Fixed(u32),      // pence, capped by the remainder
    EachMember(u32), // percent of each member's shares, capped
    Split(u32),      // percent of the amount, split by purchases
}

fn tranche() -> impl Strategy<Value = TrancheSpec> {
    prop_oneof![
        (0u32..300).prop_map(TrancheSpec::Percent),
        (0u32..50_000).prop_map(TrancheSpec::Fixed),
        (0u32..40).prop_map(TrancheSpec::EachMember),
        (0u32..300).prop_map(TrancheSpec::Split),
    ]
}

fn pence(p: u64) -> String {
    format!("£{}.{:02}", p / 100, p % 100)
}

fn rulebook(tranches: &[TrancheSpec], mode: &str) -> String {
    let mut text = String::from(
        "rulebook \"P\" currency GBP\nmember { shares: Money = £0  purchases: Money = £0 }\nperiod { surplus: Money }\n",
    );
    text += &format!("allocate period.surplus rounding {mode} {{\n");
    for (i, t) in tranches.iter().enumerate() {
        let line = match t {
            TrancheSpec::Percent(p) => format!("{}.{}%, at most remainder", p / 10, p % 10),
            TrancheSpec::Fixed(p) => format!("{}, at most remainder", pence(*p as u64)),
            TrancheSpec::EachMember(p) => {
                format!("each member m: m.shares * {p}%, at most remainder")
            }
            TrancheSpec::Split(p) => format!(
                "{}.{}%, at most remainder, to each member m in proportion to m.purchases",
                p / 10,
                p % 10
            ),
        };
        text += &format!("  \"t{i}\": {line}\n");
    }
    text += "  \"rest\": remainder, to each member m in proportion to m.purchases\n}\n";
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn allocations_conserve_money(
        amount in 0u64..10_000_000,
        tranches in prop::collection::vec(tranche(), 0..6),
        members in prop::collection::vec((0u64..1_000_000, 1u64..500_000), 1..12),
        mode in prop::sample::select(vec!["down", "half up", "half even", "up", "floor", "ceiling", "half down"]),
    ) {
        // Constant percentages above 100% are rejected by the checker
        // (tested in the diagnostics corpus); here only valid allocations.
        let percent_total: u32 = tranches
            .iter()
            .map(|t| match t {
                TrancheSpec::Percent(p) | TrancheSpec::Split(p) => *p,
                _ => 0,
            })
            .sum();
        prop_assume!(percent_total <= 1000);
        let text = rulebook(&tranches, mode);
        let checked = rochdale::check_source(&text);
        let program = checked.program.unwrap_or_else(|| panic!("{text}\n{:?}", checked.diagnostics));
        let shares = program.member_attr_id("shares").expect("shares");
        let purchases = program.member_attr_id("purchases").expect("purchases");
        let mut columns = vec![Vec::new(); program.member_attrs.len()];
        for (s, p) in &members {
            columns[shares].push(Some(rochdale::value::Value::Number(Decimal::new(*s as i64, 2))));
            columns[purchases].push(Some(rochdale::value::Value::Number(Decimal::new(*p as i64, 2))));
        }
        let inputs = rochdale::eval::Inputs {
            params: program.default_params(),
            member_names: (0..members.len()).map(|i| format!("m{i}")).collect(),
            members: columns,
            period: vec![Some(rochdale::value::Value::Number(Decimal::new(amount as i64, 2)))],
            votes: vec![],
            active: vec![],
            today: None,
            joined: vec![],
            left: vec![],
            not_in_force: vec![],
            ..Default::default()
        };
        let outcome = Evaluator::new(&program, &inputs)
            .allocation(0)
            .unwrap_or_else(|d| panic!("{text}\n{}", d.message));
        let total: Decimal = outcome.tranches.iter().map(|t| t.total).sum();
        prop_assert_eq!(total, Decimal::new(amount as i64, 2), "tranches must add up to the amount");
        for t in &outcome.tranches {
            prop_assert!(t.total >= Decimal::ZERO);
            prop_assert_eq!(t.total.normalize().scale().min(2), t.total.normalize().scale(), "pennies only");
            if !t.members.is_empty() {
                let shared: Decimal = t.members.iter().map(|(_, a)| *a).sum();
                prop_assert_eq!(shared, t.total, "a split must add up to its tranche");
                prop_assert!(t.members.iter().all(|(_, a)| *a >= Decimal::ZERO));
            }
        }
    }

    #[test]
    fn largest_remainder_is_within_a_penny_of_the_exact_share(
        total in 0i128..1_000_000,
        weights in prop::collection::vec(0i64..1_000_000, 1..20),
    ) {
        let w: Vec<(u32, Decimal)> = weights.iter().enumerate().map(|(i, w)| (i as u32, Decimal::new(*w, 2))).collect();
        let sum: i128 = weights.iter().map(|w| *w as i128).sum();
        match apportion(total, &w) {
            None => prop_assert!(sum == 0 && total > 0),
            Some(shares) => {
                prop_assert_eq!(shares.iter().map(|(_, s)| *s).sum::<i128>(), total);
                if sum > 0 {
                    for ((_, s), wi) in shares.iter().zip(&weights) {
                        // exact share = total × w / sum; the share is its floor or floor + 1
                        let floor = total * (*wi as i128) / sum;
                        prop_assert!(*s == floor || *s == floor + 1, "share {} vs floor {}", s, floor);
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// A loss is charged to the penny: the parts add up to the loss (or
    /// the charge fails naming the shortfall, E0409), each reserve bears no
    /// more than its balance and its limit, and the members' charges add
    /// up to their part.
    #[test]
    fn losses_are_charged_to_the_penny(
        loss in 1u64..10_000_000,
        a_balance in 0u64..5_000_000,
        b_balance in 0u64..5_000_000,
        b_limit in 0u32..=100,
        to_members in any::<bool>(),
        carried in any::<bool>(),
        members in prop::collection::vec(0u64..500_000, 1..8),
    ) {
        let mut text = String::from(
            "rulebook \"P\" currency GBP\nmember { purchases: Money = £0 }\nperiod { surplus: Money }\n\
             allocate period.surplus rounding down {\n  rest: remainder, to each member m in proportion to m.purchases\n  if a loss {\n\
             \x20   from reserve \"a\"\n",
        );
        text += &format!("    from reserve \"b\", at most {b_limit}%\n");
        if to_members {
            text += "    to each member m in proportion to m.purchases\n";
        }
        if carried {
            text += "    carried forward\n";
        }
        text += "  }\n}\n";
        let checked = rochdale::check_source(&text);
        let program = checked.program.unwrap_or_else(|| panic!("{text}\n{:?}", checked.diagnostics));
        let purchases = program.member_attr_id("purchases").expect("purchases");
        let mut columns = vec![Vec::new(); program.member_attrs.len()];
        for p in &members {
            columns[purchases].push(Some(rochdale::value::Value::Number(Decimal::new(*p as i64, 2))));
        }
        let money = |p: u64| Decimal::new(p as i64, 2);
        let inputs = rochdale::eval::Inputs {
            params: program.default_params(),
            member_names: (0..members.len()).map(|i| format!("m{i}")).collect(),
            members: columns,
            period: vec![Some(rochdale::value::Value::Number(-money(loss)))],
            balances: [("a".to_string(), money(a_balance)), ("b".to_string(), money(b_balance))]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let charged = Evaluator::new(&program, &inputs).allocation(0);
        // What the reserves can bear: a's balance, and b's limit share of
        // its balance rounded down to the penny.
        let b_cap = b_balance * u64::from(b_limit) / 100;
        let anyone = members.iter().any(|p| *p > 0);
        let can_bear_all = carried || (to_members && anyone) || a_balance + b_cap >= loss;
        match charged {
            Err(d) => {
                prop_assert!(!can_bear_all, "{}", d.message);
                prop_assert_eq!(d.code.as_str(), "E0409");
            }
            Ok(outcome) => {
                prop_assert!(can_bear_all);
                let l = outcome.loss.as_ref().expect("a loss");
                prop_assert_eq!(l.total, money(loss));
                let sum: Decimal = l.parts.iter().map(|p| p.total).sum();
                prop_assert_eq!(sum, money(loss), "the parts add up to the loss");
                prop_assert!(l.parts[0].total <= money(a_balance));
                prop_assert!(l.parts[1].total <= money(b_cap));
                for p in &l.parts {
                    prop_assert!(p.total >= Decimal::ZERO);
                    if !p.members.is_empty() {
                        let shared: Decimal = p.members.iter().map(|(_, a)| *a).sum();
                        prop_assert_eq!(shared, p.total, "members' charges add up to their part");
                    }
                }
                prop_assert!(outcome.tranches.iter().all(|t| t.total.is_zero()));
            }
        }
    }
}
