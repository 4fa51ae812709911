//! Member registers as cooperatives keep them (issue 22, item 11): CSV with
//! columns the rules do not use, plain money and spreadsheet dates, every
//! problem at once; and .xlsx/.ods files (tests/registers/, made by
//! make.py there) read with their typed cells.

use rochdale::Program;
use rochdale::batch::MemberColumns;
use rochdale::diagnostic::{Severity, render_text};
use rochdale::register::{self, DateOrder, MAX_REPORTED, Options, RegisterFile, Source};
use rochdale::value::Value;

const RULEBOOK: &str = r#"rulebook "Register" currency GBP
member {
  age: Integer = 30
  shares: Money = £0
  joined: Date = 2026-01-01
}
"#;

fn program() -> Program {
    let checked = rochdale::check_source(RULEBOOK);
    checked.program.unwrap_or_else(|| {
        panic!("{:?}", checked.diagnostics);
    })
}

fn options() -> Options {
    Options::default()
}

/// Each person's cells as text: `name age shares joined`.
fn people(program: &Program, source: Source<'_>, options: &Options) -> Vec<String> {
    let read = register::read(program, source, options).unwrap_or_else(|ds| {
        panic!(
            "{}",
            render_text(&ds, &rochdale::SourceFile::new("x", ""), false)
        )
    });
    table_rows(program, &read.members)
}

fn table_rows(program: &Program, members: &register::MemberTable) -> Vec<String> {
    let attr = |name: &str| program.member_attr_id(name).expect("attribute");
    members
        .names
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let cell = |a: usize| match &members.columns[a][m] {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Date(d)) => d.to_string(),
                Some(other) => format!("{other:?}"),
                None => "-".into(),
            };
            format!(
                "{name} {} {} {}",
                cell(attr("age")),
                cell(attr("shares")),
                cell(attr("joined"))
            )
        })
        .collect()
}

fn problems(program: &Program, csv: &str, options: &Options) -> Vec<String> {
    match register::read(program, Source::Csv(csv), options) {
        Ok(_) => panic!("read, but should not have:\n{csv}"),
        Err(ds) => ds
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect(),
    }
}

#[test]
fn a_column_the_rules_do_not_know_is_ignored_with_a_note() {
    let program = program();
    let csv = "name,age,email,phone\nada,31,ada@example.org,0161 000 0000\nben,45,,\n";
    let read = register::read(&program, Source::Csv(csv), &options()).expect("reads");
    assert_eq!(
        table_rows(&program, &read.members),
        ["ada 31 0 2026-01-01", "ben 45 0 2026-01-01"]
    );
    let notes: Vec<(Severity, &str, &str)> = read
        .notes
        .iter()
        .map(|d| (d.severity, d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                Severity::Warning,
                "E0601",
                "line 1, column 3: the rules have no attribute `email`; the column is ignored"
            ),
            (
                Severity::Warning,
                "E0601",
                "line 1, column 4: the rules have no attribute `phone`; the column is ignored"
            ),
        ]
    );
    // The note points at the header cell: `email` is bytes 9..14.
    assert_eq!(read.notes[0].span.map(|s| (s.start, s.end)), Some((9, 14)));
}

#[test]
fn a_register_saved_by_a_spreadsheet_as_csv_is_read() {
    // "CSV UTF-8" from a spreadsheet: a byte-order mark, CRLF line ends.
    let program = program();
    let csv = "\u{feff}name,age,shares\r\nada,31,\"1,200.00\"\r\nben,45,8\r\n";
    assert_eq!(
        people(&program, Source::Csv(csv), &options()),
        ["ada 31 1200.00 2026-01-01", "ben 45 8 2026-01-01"]
    );
    let sheet = Options {
        sheet: Some("Members".into()),
        ..Options::default()
    };
    assert_eq!(
        problems(&program, csv, &sheet),
        ["E0600: --sheet Members: the register is CSV, which has no sheets"]
    );
}

#[test]
fn a_near_miss_of_an_attribute_is_still_an_error() {
    let program = program();
    assert_eq!(
        problems(&program, "name,age,sharez\nada,30,£4.00\n", &options()),
        ["E0600: line 1, column 3: members have no attribute `sharez`"]
    );
}

#[test]
fn columns_are_mapped_to_attributes_and_to_the_name() {
    let program = program();
    let csv = "Member,Share capital,Age (years)\nada,£5.00,30\nben,£7.50,41\n";
    let options = Options {
        map: vec![
            ("Member".into(), "name".into()),
            ("Share capital".into(), "shares".into()),
            ("Age (years)".into(), "age".into()),
        ],
        ..Options::default()
    };
    assert_eq!(
        people(&program, Source::Csv(csv), &options),
        ["ada 30 5.00 2026-01-01", "ben 41 7.50 2026-01-01"]
    );
}

#[test]
fn a_map_to_an_unknown_attribute_or_column_says_what_there_is() {
    let program = program();
    let options = Options {
        map: vec![
            ("Capital".into(), "shars".into()),
            ("Agee".into(), "age".into()),
        ],
        ..Options::default()
    };
    let ds = register::read(
        &program,
        Source::Csv("name,Capital,Age\nada,£1,30\n"),
        &options,
    )
    .expect_err("bad map");
    let shown: Vec<(String, Option<String>)> = ds
        .iter()
        .filter(|d| d.message.starts_with("--map"))
        .map(|d| (d.message.clone(), d.help.clone()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "--map Capital=shars: members have no attribute `shars`".to_string(),
                Some("did you mean `shares`?".to_string())
            ),
            (
                "--map Agee=age: the register has no column `Agee`".to_string(),
                Some("did you mean `Age`?".to_string())
            ),
        ]
    );
    assert_eq!(
        Options::parse_map("Share capital=shares"),
        Ok(("Share capital".into(), "shares".into()))
    );
    assert!(Options::parse_map("shares").is_err());
    assert!(Options::parse_map("=shares").is_err());
}

#[test]
fn money_is_read_as_registers_write_it() {
    let program = program();
    let csv = "name,shares\na,8.00\nb,\"1,200.00\"\nc,1200\nd,\"£1,200.00\"\ne,£3.5\nf,-2\n";
    assert_eq!(
        people(&program, Source::Csv(csv), &options()),
        [
            "a 30 8.00 2026-01-01",
            "b 30 1200.00 2026-01-01",
            "c 30 1200 2026-01-01",
            "d 30 1200.00 2026-01-01",
            "e 30 3.5 2026-01-01",
            "f 30 -2 2026-01-01",
        ]
    );
}

#[test]
fn money_that_looks_wrong_gets_a_help_line() {
    let program = program();
    let ds = register::read(
        &program,
        Source::Csv("name,shares\na,\"8,00\"\nb,8.005\n"),
        &options(),
    )
    .expect_err("bad money");
    let shown: Vec<(String, String)> = ds
        .iter()
        .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "line 2, column 2 (`shares`): `8,00` is not an amount".to_string(),
                "write an amount in GBP such as 1,200.00, 1200 or £1,200.00 (a comma between thousands, a point before the 2 decimal places)".to_string()
            ),
            (
                "line 3, column 2 (`shares`): `8.005` has more decimal places than GBP has (2)"
                    .to_string(),
                "a member's money is a balance, exact to the smallest unit of the currency: round it in the register".to_string()
            ),
        ]
    );
}

#[test]
fn a_value_no_form_reads_gets_the_forms_of_a_register_as_help() {
    let program = program();
    let ds = register::read(
        &program,
        Source::Csv("name,shares,joined\na,abc,tomorrow\n"),
        &options(),
    )
    .expect_err("unreadable");
    let helps: Vec<&str> = ds.iter().filter_map(|d| d.help.as_deref()).collect();
    assert_eq!(helps.len(), 2, "{ds:#?}");
    assert!(
        helps[0].starts_with("write an amount in GBP such as 1,200.00"),
        "{}",
        helps[0]
    );
    assert!(
        helps[1].starts_with("write dates as 2026-04-01"),
        "{}",
        helps[1]
    );
}

#[test]
fn dates_with_slashes_are_read_in_the_stated_order() {
    let program = program();
    let csv = "name,joined\na,2026-04-01\nb,01/04/2026\nc,31/12/2025\n";
    let day_first = Options {
        dates: Some(DateOrder::DayFirst),
        ..Options::default()
    };
    assert_eq!(
        people(&program, Source::Csv(csv), &day_first),
        [
            "a 30 0 2026-04-01",
            "b 30 0 2026-04-01",
            "c 30 0 2025-12-31"
        ]
    );
    let month_first = Options {
        dates: Some(DateOrder::MonthFirst),
        ..Options::default()
    };
    assert_eq!(
        people(
            &program,
            Source::Csv("name,joined\nb,01/04/2026\nc,12/31/2025\n"),
            &month_first
        ),
        ["b 30 0 2026-01-04", "c 30 0 2025-12-31"]
    );
}

#[test]
fn a_slash_date_without_an_order_names_the_flag() {
    let program = program();
    let ds = register::read(
        &program,
        Source::Csv("name,joined\nb,01/04/2026\n"),
        &options(),
    )
    .expect_err("ambiguous");
    assert_eq!(
        ds[0].message,
        "line 2, column 2 (`joined`): `01/04/2026` could be 1 April 2026 or 4 January 2026"
    );
    let help = ds[0].help.clone().unwrap_or_default();
    assert!(
        help.contains("--dates day-first") && help.contains("--dates month-first"),
        "{help}"
    );
}

#[test]
fn every_problem_is_reported_at_once_with_its_line_and_column() {
    let program = program();
    let csv = "name,age,shares,joined\n\
               ada,thirty,£1.00,2026-04-01\n\
               ben,40,\"8,00\",01/04/2026\n\
               ,41,£1,2026-01-01\n\
               cy,42,£2,2026-02-30\n\
               ada,43,£3,2026-01-01\n";
    let found = problems(&program, csv, &options());
    // One for each bad cell, the nameless line and the repeated name, in
    // the order of the file.
    let places: Vec<&str> = found
        .iter()
        .map(|p| p.split(':').nth(1).unwrap_or("").trim())
        .collect();
    assert_eq!(
        places,
        [
            "line 2, column 2 (`age`)",
            "line 3, column 3 (`shares`)",
            "line 3, column 4 (`joined`)",
            "line 4",
            "line 5, column 4 (`joined`)",
            "line 6",
        ],
        "{found:#?}"
    );
    // Line 2 was refused for its age, but it still names ada: line 6 is a
    // repeat, reported now rather than once line 2 is mended.
    assert_eq!(
        found.last().map(String::as_str),
        Some("E0600: line 6: `ada` is listed twice (also on line 2)")
    );
}

#[test]
fn problems_past_the_cap_are_counted() {
    let program = program();
    let mut csv = String::from("name,age\n");
    for i in 0..(MAX_REPORTED + 7) {
        csv.push_str(&format!("p{i},old\n"));
    }
    let found = problems(&program, &csv, &options());
    assert_eq!(found.len(), MAX_REPORTED + 1);
    assert_eq!(
        found.last().map(String::as_str),
        Some("E0600: and 7 more problems in the register")
    );
    assert!(found[MAX_REPORTED - 1].starts_with("E0306: line 51, column 2 (`age`)"));
}

#[test]
fn the_batch_reads_a_register_with_the_same_reader() {
    let program = program();
    let csv = "Member,age,email\nada,31,a@x\nben,45,\n";
    let options = Options {
        map: vec![("Member".into(), "name".into())],
        ..Options::default()
    };
    let (members, notes) =
        MemberColumns::from_register(&program, Source::Csv(csv), &options).expect("reads");
    assert_eq!(members.len(), 2);
    assert_eq!(members.name(0), "ada");
    assert_eq!(members.name(1), "ben");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].code.as_str(), "E0601");
}

fn fixture(name: &str) -> RegisterFile {
    RegisterFile::open(std::path::Path::new(&format!("tests/registers/{name}"))).expect("fixture")
}

fn spreadsheet_options(sheet: Option<&str>) -> Options {
    Options {
        map: vec![("Share capital".into(), "shares".into())],
        dates: Some(DateOrder::DayFirst),
        sheet: sheet.map(str::to_string),
    }
}

/// What make.py writes: numbers, dates and text as the spreadsheet typed
/// them, the number 1200.5 read through its decimal text.
const SPREADSHEET_PEOPLE: [&str; 3] = [
    "ada 30 1200.5 2026-04-01",
    "ben 45 1200.00 2025-01-01",
    "cy 15 8 2026-04-01",
];

#[test]
fn an_xlsx_register_is_read_with_its_typed_cells() {
    let program = program();
    let file = fixture("members.xlsx");
    let read = register::read(&program, file.source(), &spreadsheet_options(None)).expect("reads");
    assert_eq!(table_rows(&program, &read.members), SPREADSHEET_PEOPLE);
    let notes: Vec<&str> = read.notes.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        notes,
        ["row 1, cell E1: the rules have no attribute `email`; the column is ignored"]
    );
}

#[test]
fn an_ods_register_is_read_as_the_xlsx_is() {
    let program = program();
    let file = fixture("members.ods");
    let read = register::read(&program, file.source(), &spreadsheet_options(None)).expect("reads");
    assert_eq!(table_rows(&program, &read.members), SPREADSHEET_PEOPLE);
}

#[test]
fn a_sheet_is_chosen_by_name() {
    let program = program();
    for name in ["members.xlsx", "members.ods"] {
        let file = fixture(name);
        let options = Options {
            sheet: Some("Leavers".into()),
            ..Options::default()
        };
        assert_eq!(
            people(&program, file.source(), &options),
            ["dot 70 0 2026-01-01"],
            "{name}"
        );
        let options = Options {
            sheet: Some("Leaver".into()),
            ..Options::default()
        };
        let ds = register::read(&program, file.source(), &options).expect_err("no sheet");
        assert_eq!(ds[0].message, "the spreadsheet has no sheet `Leaver`");
        assert_eq!(ds[0].help.as_deref(), Some("did you mean `Leavers`?"));
    }
}

#[test]
fn spreadsheet_cells_that_are_no_exact_value_are_each_reported() {
    let program = program();
    let file = fixture("bad.xlsx");
    let ds = register::read(&program, file.source(), &options()).expect_err("bad cells");
    let messages: Vec<&str> = ds.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "row 2, cell B2 (`shares`): `8.005` has more decimal places than GBP has (2)",
            "row 2, cell C2 (`joined`): the cell holds a time of day or no calendar day",
            "row 2, cell D2 (`age`): the cell holds `#DIV/0!`, not a value",
        ]
    );
    // No place in a text: the message names the cell.
    assert!(ds.iter().all(|d| d.span.is_none()));
}

#[test]
fn the_rendered_report_of_a_register() {
    let program = program();
    let text = "name,age,shares,email\nada,thirty,\"8,00\",a@x\nben,40,£1.005,\n";
    let file = rochdale::SourceFile::new("register.csv", text);
    let ds = register::read(&program, Source::Csv(text), &options()).expect_err("bad");
    insta::assert_snapshot!(render_text(&ds, &file, false));
}

// ------------------------------------------------------- the command line

fn rochdale(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(args)
        .output()
        .expect("runs")
}

/// A file in a directory of this test's own.
fn temp_file(tag: &str, name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("rochdale-register-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

/// `quarterly_cost` and `age` of `who` in a simulation's JSON outcome.
fn figures_of(stdout: &[u8], who: &str) -> Vec<(String, String)> {
    let outcome: serde_json::Value = serde_json::from_slice(stdout).expect("JSON outcome");
    let member = outcome["members"]
        .as_array()
        .and_then(|ms| ms.iter().find(|m| m["name"] == who))
        .unwrap_or_else(|| panic!("no {who} in the outcome"));
    member["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter(|a| a["name"] == "age" || a["name"] == "quarterly_cost")
        .map(|a| {
            (
                a["name"].as_str().unwrap_or("").to_string(),
                a["value"]["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn simulate_reads_a_register_with_its_flags_and_notes_what_it_ignores() {
    let csv = temp_file(
        "notes",
        "register.csv",
        "Full name,age,quarterly_cost,email\nzed,40,\"1,200.00\",z@example.org\n",
    );
    let out = rochdale(&[
        "simulate",
        "rulebooks/rochdale-1844.coop",
        "--members",
        &csv,
        "--map",
        "Full name=name",
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("E0601") && stderr.contains("the rules have no attribute `email`"),
        "{stderr}"
    );
    assert_eq!(
        figures_of(&out.stdout, "zed"),
        [
            ("age".to_string(), "40".to_string()),
            ("quarterly_cost".to_string(), "1200.00".to_string())
        ]
    );
}

#[test]
fn simulate_reads_a_spreadsheet_register() {
    // The register's `joined` column (the 1844 rulebook has no attribute
    // of that name) gives the day each person joined: ada and ben are
    // members when the timeline begins, cy (01/04/2026) once the date
    // order is stated.
    let base = [
        "simulate",
        "rulebooks/rochdale-1844.coop",
        "--members",
        "tests/registers/members.ods",
        "--map",
        "Share capital=quarterly_cost",
    ];
    let out = rochdale(&base);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("row 4, cell C4 (`joined`): `01/04/2026` could be 1 April 2026"),
        "{stderr}"
    );
    // The rulebook's own scenario begins in 1844, before they joined.
    let mut dated = base.to_vec();
    dated.extend(["--dates", "day-first"]);
    let out = rochdale(&dated);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`ada` joined on 2026-04-01, after the timeline begins (1844-12-21)"),
        "{stderr}"
    );
    // A timeline of 2026: ada buys without joining, being a member already.
    let scenario = temp_file(
        "ods",
        "2026.json",
        r#"{"name": "2026", "steps": [{"date": "2026-05-01", "act": "purchase", "args": ["ada", "£2.00"]}]}"#,
    );
    dated.extend(["--scenario-file", &scenario, "--format", "json"]);
    let out = rochdale(&dated);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        figures_of(&out.stdout, "ada"),
        [
            ("age".to_string(), "30".to_string()),
            ("quarterly_cost".to_string(), "1200.50".to_string())
        ]
    );
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        outcome["steps"][0]["status"], "done",
        "{}",
        outcome["steps"]
    );
    let joined: Vec<(&str, &str)> = outcome["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap_or(""),
                m["joined"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        joined,
        [
            ("ada", "2026-04-01"),
            ("ben", "2025-01-01"),
            ("cy", "2026-04-01")
        ]
    );
}

#[test]
fn a_bad_map_or_an_unstated_date_order_stops_the_run_with_help() {
    let csv = temp_file(
        "bad",
        "register.csv",
        "name,age,notice_given\nzed,40,01/04/2026\n",
    );
    let out = rochdale(&[
        "simulate",
        "rulebooks/rochdale-1844.coop",
        "--members",
        &csv,
        "--map",
        "age=agee",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--map age=agee: members have no attribute `agee`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `age`?"), "{stderr}");
    assert!(
        stderr.contains("`01/04/2026` could be 1 April 2026 or 4 January 2026"),
        "{stderr}"
    );
    assert!(stderr.contains("--dates day-first"), "{stderr}");
    // With the order stated, the same file is read.
    let out = rochdale(&[
        "explain",
        "rulebooks/rochdale-1844.coop",
        "--scenario",
        "first year",
        "--members",
        &csv,
        "--dates",
        "day-first",
        "--value",
        "zed.notice_given",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2026-04-01"), "{stdout}");
}
