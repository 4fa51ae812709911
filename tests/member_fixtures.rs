//! Members shared by examples (issue 22, item 14b): a `members NAME { ... }`
//! fixture, declared once and named by examples. The figures are worked in
//! tests/rulebooks/member-fixtures.coop.

#[test]
fn an_example_has_its_fixtures_members_first_in_the_order_named_then_its_own() {
    let text = std::fs::read_to_string("tests/rulebooks/member-fixtures.coop").expect("readable");
    let program = rochdale::check_source(&text)
        .program
        .expect("the rulebook checks");
    let names: Vec<&[String]> = program
        .examples
        .iter()
        .map(|e| e.member_names.as_slice())
        .collect();
    assert_eq!(names[0], ["ada", "ben"]);
    assert_eq!(names[1], ["ada", "ben", "cy", "dan"]);
    // ben's age comes from the fixture (17), dan's from the example (50).
    let age = program
        .member_attrs
        .iter()
        .position(|a| a.name == "age")
        .expect("an age");
    let ages: Vec<String> = program.examples[1].members[age]
        .iter()
        .map(|v| format!("{v:?}"))
        .collect();
    assert_eq!(
        ages[1],
        format!("{:?}", Some(rochdale::value::Value::Number(17.into())))
    );
    assert_eq!(
        ages[3],
        format!("{:?}", Some(rochdale::value::Value::Number(50.into())))
    );
}

#[test]
fn two_fixtures_of_one_name_are_an_error() {
    let text = r#"rulebook "F" currency GBP
member { age: Integer = 30 }
members founders { ada: age 30 }
members founders { ben: age 40 }
"#;
    let checked = rochdale::check_source(text);
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0201"]);
    assert!(checked.program.is_none());
}
