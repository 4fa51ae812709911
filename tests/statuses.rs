//! Aggregates and `for each` that name whom they go over (issue 17, item
//! 3, its first part): `each member`, `each applicant` (listed, never
//! admitted), `each former member` (left) and `each person`.

use rochdale::api::{self, RunRequest};
use rochdale::span::SourceFile;
use serde_json::Value as Json;

const RULEBOOK: &str = r#"rulebook "Standing" currency GBP
member { age: Integer = 30  repayment: Money = £0 }
rule members_now: Integer = count(each member m)
rule applicants: Integer = count(each applicant a)
rule former: Integer = count(each former member f)
rule people: Integer = count(each person p)
rule still_owed: Money = sum(f.repayment for each former member f)
act join(m) { admit m }
act leave(m, owed: Money) {
  remove m
  set m.repayment to owed
  post owed debit "capital" of m credit "repayments due" of m
}
act repay_everyone {
  for each former member f where f.repayment > £0 {
    post f.repayment debit "repayments due" of f credit "cash"
    set f.repayment to £0
  }
}
act pay_in(amount: Money) { post amount debit "cash" credit "reserve" }
scenario "a year" {
  members {
    ada: joined 2020-01-01
    ben: joined 2019-01-01, left 2025-06-30, repayment £40.00
    cy: age 20
    dee: age 50
  }
  opening balances {
    debit "cash" £100.00
    credit "capital" of ada £60.00
    credit "repayments due" of ben £40.00
  }
  on 2026-01-10 join(cy)
  on 2026-02-01 leave(ada, £60.00)
  on 2026-03-01 repay_everyone()
}
"#;

fn explain(step: usize, value: &str) -> String {
    let request = RunRequest {
        scenario: Some("a year".into()),
        step: Some(step),
        value: Some(value.into()),
        ..RunRequest::default()
    };
    let json = api::explain(&SourceFile::new("standing.coop", RULEBOOK), &request)
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let v: Json = serde_json::from_str(&json).expect("JSON");
    v["value"]["display"].as_str().unwrap_or("").to_string()
}

#[test]
fn each_counts_the_people_of_its_standing() {
    // After step 1: ada and cy members, ben former, dee an applicant.
    let counts = |step| ["members_now", "applicants", "former", "people"].map(|r| explain(step, r));
    assert_eq!(counts(1), ["2", "1", "1", "4"]);
    // ada leaves: two former members, one member.
    assert_eq!(counts(2), ["1", "1", "2", "4"]);
    // ben's £40.00 and ada's £60.00 are owed, then repaid.
    assert_eq!(explain(2, "still_owed"), "£100.00");
    assert_eq!(explain(3, "still_owed"), "£0.00");
}

#[test]
fn for_each_former_member_repays_them() {
    let request = RunRequest {
        scenario: Some("a year".into()),
        ..RunRequest::default()
    };
    let json = api::simulate(&SourceFile::new("standing.coop", RULEBOOK), &request).expect("runs");
    let o: Json = serde_json::from_str(&json).expect("JSON");
    let steps: Vec<&str> = o["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["done", "done", "done"]);
    // Cash £100.00 less £40.00 to ben and £60.00 to ada: nothing left; the
    // repayments due of both back to nothing.
    let cash = o["funds"]
        .as_array()
        .expect("funds")
        .iter()
        .find(|f| f["name"] == "cash")
        .map(|f| f["value"]["value"].as_str().unwrap_or("").to_string());
    assert_eq!(cash.as_deref(), Some("0.00"));
    assert_eq!(o["trial_balance"]["balanced"], true);
}

#[test]
fn the_words_are_written_back_and_admitting_applicants_is_no_slip() {
    let text = RULEBOOK.replace(
        "act pay_in(amount: Money)",
        "act admit_all { for each applicant a { admit a } }\nact pay_in(amount: Money)",
    );
    let checked = rochdale::check_source(&text);
    assert!(
        checked.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        checked.diagnostics
    );
    let formatted = rochdale::format::format_source(&text).expect("formats");
    assert!(formatted.contains("for each applicant a {"), "{formatted}");
    assert!(
        formatted.contains("count(each former member f)"),
        "{formatted}"
    );
    assert!(formatted.contains("sum(f.repayment for each former member f)"));
}
