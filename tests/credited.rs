//! Dividends credited as shares up to a ceiling (issue 17, item 5: the 1844
//! model, `credited to m.shares up to £5.00, booked to "capital"`): the
//! quarter of docs/language.md, worked by hand, and what the checker says
//! of a clause that cannot apply.

use rochdale::simulate::{self, SimulationOutcome, input};

const QUARTER: &str = r#"rulebook "Pioneers" currency GBP
member { shares: Money = £0  purchases: Money = £0 each period  count: Integer = 0 }
period { sales: Money = credits of "sales"  costs: Money = debits of "costs" }
parameter share_ceiling: Money = £5.00
rule surplus: Money = period.sales - period.costs
allocate surplus rounding down {
  dividend on purchases: remainder, to each member m in proportion to m.purchases
    credited to m.shares up to share_ceiling, booked to "capital"
  if a loss {
    carried forward
  }
}
act join(m, payment: Money) {
  admit m
  add payment to m.shares
  post payment debit "cash" credit "capital" of m
}
act buy(m, amount: Money) {
  add amount to m.purchases
  post amount debit "cash" credit "sales"
}
act pay_costs(amount: Money) { post amount debit "costs" credit "cash" }
scenario "a quarter" {
  members { a: shares £0  b: shares £0  c: shares £0 }
  on 2026-01-01 join(a, £4.00)
  on 2026-01-01 join(b, £4.50)
  on 2026-01-01 join(c, £6.00)
  on 2026-03-01 buy(a, £50.00)
  on 2026-03-01 buy(b, £30.00)
  on 2026-03-01 buy(c, £20.00)
  on 2026-03-31 pay_costs(£90.00)
  on 2026-03-31 close period
}
"#;

fn run(text: &str) -> SimulationOutcome {
    let checked = rochdale::check_source(text);
    let program = checked
        .program
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
    let s = &program.scenarios[0];
    simulate::simulate(&program, s, input::MemberTable::inline(s))
}

/// Each member's shares, capital account and dividend account.
fn held(o: &SimulationOutcome) -> Vec<String> {
    o.members
        .iter()
        .map(|m| {
            let attr = |n: &str| {
                m.attributes
                    .iter()
                    .find(|a| a.name == n)
                    .map_or("-".to_string(), |a| a.value.value.clone())
            };
            let account = |n: &str| {
                m.accounts
                    .iter()
                    .find(|a| a.name == n)
                    .map_or("-".to_string(), |a| a.value.value.clone())
            };
            format!(
                "{} shares {} capital {} dividend {}",
                m.name,
                attr("shares"),
                account("capital"),
                account("dividend on purchases")
            )
        })
        .collect()
}

#[test]
fn a_dividend_builds_the_shares_up_to_the_ceiling_and_the_rest_is_paid() {
    let o = run(QUARTER);
    // Surplus £100.00 - £90.00 = £10.00, by purchases 50 : 30 : 20: a
    // £5.00, b £3.00, c £2.00. a holds £4.00: £1.00 to shares, £4.00 paid;
    // b holds £4.50: £0.50 and £2.50; c holds £6.00, over the ceiling:
    // nothing credited, £2.00 paid.
    assert_eq!(
        held(&o),
        [
            "a shares 5.00 capital 5.00 dividend 4.00",
            "b shares 5.00 capital 5.00 dividend 2.50",
            "c shares 6.00 capital 6.00 dividend 2.00",
        ]
    );
    let tranche = &o.periods[0].allocations[0].tranches[0];
    assert_eq!(tranche.total.value, "10.00");
    assert!(
        tranche.how.ends_with(
            "; £1.50 credited to shares (booked to \"capital\"), £8.50 paid as dividend on purchases"
        ),
        "{}",
        tranche.how
    );
    // The member's share is the whole of it, credited or paid.
    let shares: Vec<String> = tranche
        .members
        .iter()
        .map(|n| format!("{} {}", n.name, n.value.value))
        .collect();
    assert_eq!(shares, ["a 5.00", "b 3.00", "c 2.00"]);
    // Cash £14.50 + £100.00 - £90.00 = £24.50: the credit moves nothing in
    // cash, only between what the cooperative owes each member.
    let cash = o.funds.iter().find(|f| f.name == "cash").expect("cash");
    assert_eq!(cash.value.value, "-24.50");
    assert!(o.trial_balance.balanced);
}

#[test]
fn a_ceiling_that_is_a_members_own_figure() {
    // The ceiling may depend on the member: £4.20 for all but c.
    let text = QUARTER.replace(
        "credited to m.shares up to share_ceiling",
        "credited to m.shares up to (if m.shares > £5.00 then £10.00 else £4.20)",
    );
    // a: £4.00 + 20p of £5.00; b: £4.50 is over £4.20, nothing; c: £6.00
    // + all of £2.00 (under £10.00).
    assert_eq!(
        held(&run(&text)),
        [
            "a shares 4.20 capital 4.20 dividend 4.80",
            "b shares 4.50 capital 4.50 dividend 3.00",
            "c shares 8.00 capital 8.00 dividend -",
        ]
    );
}

/// The first error the checker reports for `text`.
fn first_error(text: &str) -> (String, String) {
    let checked = rochdale::check_source(text);
    let d = checked
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    (d.code.as_str().to_string(), d.message.clone())
}

#[test]
fn what_cannot_be_credited_is_an_error() {
    let tranche = "  dividend on purchases: remainder, to each member m in proportion to m.purchases\n    credited to m.shares up to share_ceiling, booked to \"capital\"\n";
    let not_shared = QUARTER.replace(
        tranche,
        "  reserve: remainder\n    credited to m.shares up to share_ceiling, booked to \"capital\"\n",
    );
    assert_eq!(
        first_error(&not_shared),
        (
            "E0314".to_string(),
            "only a tranche shared among members can be credited to their shares".to_string()
        )
    );
    let other_member = QUARTER.replace("credited to m.shares", "credited to x.shares");
    assert_eq!(
        first_error(&other_member),
        (
            "E0200".to_string(),
            "`x` is not the tranche's member, `m`".to_string()
        )
    );
    let not_money = QUARTER.replace("credited to m.shares", "credited to m.count");
    assert_eq!(
        first_error(&not_money),
        (
            "E0302".to_string(),
            "a tranche is credited to money (GBP), but `count` is a whole number".to_string()
        )
    );
}

#[test]
fn the_explanation_says_how_much_was_credited_and_paid() {
    let file = rochdale::SourceFile::new("pioneers.coop", QUARTER);
    let request = rochdale::api::RunRequest {
        scenario: Some("a quarter".into()),
        value: Some("allocated \"dividend on purchases\" to a".into()),
        ..Default::default()
    };
    let json = rochdale::api::explain(&file, &request).expect("explains");
    // a's £5.00, of which the £1.00 that brings her £4.00 to £5.00.
    assert!(
        json.contains(
            "credited to shares up to £5.00 (held £4.00): £1.00 to shares, booked to \\\"capital\\\", and £4.00 paid"
        ),
        "{json}"
    );
}
