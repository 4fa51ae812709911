//! The checker's questions about the years that go badly (issue 17): an
//! allocation whose amount may be a loss and says nothing of one (E0321),
//! and a tranche shared among filtered members with nowhere for its money
//! to go if none passes (E0322). And `loss borne by ...`, read in examples.

/// The codes of the checker's diagnostics for a rulebook whose allocation
/// divides `amount` (with `rules` before it) into `tranches`.
fn codes(rules: &str, amount: &str, tranches: &str) -> Vec<&'static str> {
    let text = format!(
        "rulebook \"L\" currency GBP\nmember {{ age: Integer = 30  purchases: Money = £0 }}\nperiod {{ sales: Money  costs: Money }}\n{rules}\nallocate {amount} rounding down {{\n{tranches}\n}}\n"
    );
    let checked = rochdale::check_source(&text);
    checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

const SPLIT: &str =
    "  reserve: 10%\n  dividend: remainder, to each member m in proportion to m.purchases";

#[test]
fn a_difference_may_be_a_loss() {
    assert_eq!(codes("", "period.sales - period.costs", SPLIT), ["E0321"]);
    // Through a rule, and through rounding, which never crosses zero.
    let rule = "rule surplus: Money = round(period.sales - period.costs, to 0.01, down)";
    assert_eq!(codes(rule, "surplus", SPLIT), ["E0321"]);
    // A minus sign, and a negative figure added on.
    assert_eq!(codes("", "-period.costs", SPLIT), ["E0321"]);
    assert_eq!(codes("", "period.sales + -£1.00", SPLIT), ["E0321"]);
    // A branch that may be negative is enough.
    let branch = "rule surplus: Money = if period.sales > £0 then period.sales else period.sales - period.costs";
    assert_eq!(codes(branch, "surplus", SPLIT), ["E0321"]);
    // `min` is below zero when any argument is.
    assert_eq!(
        codes("", "min(period.sales, period.sales - period.costs)", SPLIT),
        ["E0321"]
    );
}

#[test]
fn a_bounded_amount_is_never_a_loss() {
    // The period's figures are taken as given.
    assert_eq!(codes("", "period.sales", SPLIT), Vec::<&str>::new());
    // `max` with zero, `abs`, sums and products of such figures.
    assert!(codes("", "max(period.sales - period.costs, £0)", SPLIT).is_empty());
    assert!(codes("", "abs(period.sales - period.costs)", SPLIT).is_empty());
    let rule = "rule surplus: Money = max(period.sales - period.costs, £0)";
    // (`2 rounding` is the number 2 before `rounding down`, not a quantity
    // of a unit called "rounding".)
    assert!(codes(rule, "surplus + period.sales * 2", SPLIT).is_empty());
    assert!(codes("", "min(period.sales, period.costs)", SPLIT).is_empty());
}

#[test]
fn a_loss_block_answers_the_question() {
    let tranches = format!("{SPLIT}\n  if a loss {{\n    carried forward\n  }}");
    assert!(codes("", "period.sales - period.costs", &tranches).is_empty());
}

#[test]
fn a_filtered_split_asks_where_its_money_goes() {
    let filtered = "  reserve: 10%\n  dividend: remainder, to each member m where m.age >= 16 in proportion to m.purchases";
    assert_eq!(codes("", "period.sales", filtered), ["E0322"]);
    let answered = format!("{filtered}\n    else to reserve \"reserve\"");
    assert!(codes("", "period.sales", &answered).is_empty());
}

#[test]
fn loss_borne_must_name_a_form_that_bears_it() {
    let text = "rulebook \"L\" currency GBP\nmember { purchases: Money = £0 }\nperiod { surplus: Money }\nallocate period.surplus rounding down {\n  reserve: 10%\n  dividend: remainder, to each member m in proportion to m.purchases\n  if a loss {\n    from reserve \"reserve\"\n  }\n}\nrule owed(m): Money = loss borne by m\n";
    let checked = rochdale::check_source(text);
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0314"]);
    assert!(checked.diagnostics[0].message.contains("the members"));
}

#[test]
fn loss_borne_reads_each_form() {
    // A loss of £10.00: the reserve holds £3.00 and bears at most half of
    // it, £1.50; the members bear all that is left, £8.50, by purchases
    // 3 : 1 of 4: £6.375 and £2.125, floors 637p and 212p, the penny left
    // to ada (the remainders tie at .5, and the first takes it); nothing
    // is left to carry forward.
    let text = r#"rulebook "L" currency GBP
member { purchases: Money = £0 }
period { surplus: Money }
allocate period.surplus rounding down {
  reserve: 10%
  dividend: remainder, to each member m in proportion to m.purchases
  if a loss {
    from reserve "reserve", at most 50%
    to each member m in proportion to m.purchases
    carried forward
  }
}
example "a loss of ten pounds" {
  members { ada: purchases £30.00  ben: purchases £10.00 }
  period { surplus -£10.00 }
  reserve "reserve" £3.00
  expect loss borne by reserve "reserve" = £1.50
  expect loss borne by ada = £6.38
  expect loss borne by ben = £2.12
  expect loss carried forward = £0.00
}
example "a surplus: nothing borne" {
  members { ada: purchases £30.00  ben: purchases £10.00 }
  period { surplus £10.00 }
  expect loss borne by reserve "reserve" = £0.00
  expect loss borne by ada = £0.00
  expect loss carried forward = £0.00
}
"#;
    let report = rochdale::test_source(&rochdale::SourceFile::new("l.coop", text.to_string()));
    let failed: Vec<_> = report
        .examples
        .iter()
        .filter(|e| !e.passed)
        .map(|e| &e.name)
        .collect();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.examples.len(), 2);
    assert!(failed.is_empty(), "{failed:?}");
}
