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

/// `members from "register.csv"` inside examples, the file read beside the
/// rulebook with the members reader: tests/member-files/ works the figures.
#[test]
fn an_examples_members_are_read_from_a_file_beside_the_rulebook() {
    let path = "tests/member-files/examples-from-a-file.coop";
    let text = std::fs::read_to_string(path).expect("readable");
    let file = rochdale::SourceFile::new(path, text.clone());
    let dir = std::path::Path::new("tests/member-files");
    let report = rochdale::pipeline::test_source_in(&file, rochdale::files::Files::Dir(dir));
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.examples.len(), 2);
    assert!(
        report.examples.iter().all(|e| e.passed),
        "{:?}",
        report.examples
    );
    // The order: the fixture's members, the file's, then the example's own.
    let book = rochdale::parse(&text).expect("parses");
    let files: std::collections::BTreeMap<String, String> = [(
        "register.csv".to_string(),
        std::fs::read_to_string("tests/member-files/register.csv").expect("readable"),
    )]
    .into();
    let checked = rochdale::pipeline::check_book_in(&book, rochdale::files::Files::Map(&files));
    let program = checked.program.expect("checks");
    assert_eq!(
        program.examples[1].member_names,
        ["cy", "ada", "ben", "dan"]
    );
}

#[test]
fn a_member_file_that_cannot_be_read_is_reported_where_it_is_named() {
    let text = r#"rulebook "M" currency GBP
member { age: Integer = 30 }
rule adult(m) = m.age >= 18
example "e" {
  members from "register.csv"
  expect adult(ada)
}
"#;
    let named_at = text.find("\"register.csv\"").expect("named");
    // Without a place to read files from (as `test_source`).
    let report = rochdale::test_source(&rochdale::SourceFile::new("m.coop", text));
    let d = &report.diagnostics[0];
    assert_eq!(
        (d.code.as_str(), d.span.map(|s| s.start)),
        ("E0001", Some(named_at))
    );
    assert!(report.examples.is_empty());
    // A file whose cell is not the attribute's type: the reader's own words.
    let files: std::collections::BTreeMap<String, String> =
        [("register.csv".to_string(), "name,age\nada,x\n".to_string())].into();
    let book = rochdale::parse(text).expect("parses");
    let checked = rochdale::pipeline::check_book_in(&book, rochdale::files::Files::Map(&files));
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0600"]);
    assert!(
        checked.diagnostics[0]
            .message
            .starts_with("register.csv: line 2"),
        "{}",
        checked.diagnostics[0].message
    );
    assert!(checked.program.is_none());
}
