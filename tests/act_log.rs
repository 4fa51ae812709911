//! Scenarios from outside the rulebook: a CSV act log against figures
//! worked by hand, the same timeline as JSON and as CSV giving the same
//! bytes, each rule of a step checked once (one code, wherever the step is
//! written), bad lines placed by file, line and column, and steps read as a
//! stream rather than as a whole file.

use std::io::Read;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rochdale::diagnostic::render_text;
use rochdale::simulate::input;
use rochdale::{Code, Diagnostic, Program, SourceFile};

/// Version 1844.1, one close a year (tests/fixtures/README.md): the act logs
/// here close once, on a date of their own.
const RULEBOOK: &str = "tests/fixtures/rochdale-1844.1.coop";
const MEMBERS: &str = "tests/scenarios/year-members.csv";

fn rochdale(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn program() -> Program {
    let text = std::fs::read_to_string(RULEBOOK).expect("readable");
    rochdale::check_source(&text).program.expect("checks")
}

fn simulate(scenario: (&str, &str), format: &str) -> Output {
    let o = rochdale(&[
        "simulate",
        RULEBOOK,
        scenario.0,
        scenario.1,
        "--members",
        MEMBERS,
        "--format",
        format,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// `name`'s account `account` in an outcome as JSON, as displayed.
fn account(outcome: &serde_json::Value, name: &str, account: &str) -> String {
    outcome["members"]
        .as_array()
        .and_then(|ms| ms.iter().find(|m| m["name"] == name))
        .and_then(|m| m["accounts"].as_array())
        .and_then(|a| a.iter().find(|a| a["name"] == account))
        .and_then(|a| a["value"]["display"].as_str())
        .unwrap_or("")
        .to_string()
}

fn fund(outcome: &serde_json::Value, name: &str) -> String {
    outcome["funds"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["name"] == name))
        .and_then(|f| f["value"]["display"].as_str())
        .unwrap_or("")
        .to_string()
}

/// The figures of docs/scenarios.md ("By hand"), from the outcome as JSON.
fn assert_the_year_worked_by_hand(outcome: &serde_json::Value) {
    let statuses: Vec<&str> = outcome["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["status"].as_str().unwrap_or(""))
        .collect();
    // cy is 15: refused; everything else is done.
    assert_eq!(
        statuses,
        [
            "done", "done", "refused", "done", "done", "done", "done", "done", "done"
        ]
    );
    // The markup is raised to 12.5%: 2 for of 2 cast, at least 75% needed.
    let amendment = &outcome["amendments"][0];
    assert_eq!(amendment["parameter"], "markup");
    assert_eq!(amendment["new"]["display"], "12.5%");
    // Sales £110.00 + £55.00 + £40.00 × 112.5% = £210.00; costs £150.00.
    let period = &outcome["periods"][0];
    let figure = |n: &str| {
        period["figures"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["name"] == n))
            .and_then(|f| f["value"]["display"].as_str())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(figure("sales"), "£210.00");
    assert_eq!(figure("costs"), "£150.00");
    // Surplus £60.00: reserve 10% £6.00, education 2.5% £1.50, interest
    // 5% of £4.00 = £0.20 each; £52.10 of dividends by purchases £155 : £55:
    // 3,845.48p and 1,364.52p, the penny left to the larger remainder.
    assert_eq!(account(outcome, "ada", "interest on capital"), "£0.20");
    assert_eq!(account(outcome, "ben", "interest on capital"), "£0.20");
    assert_eq!(account(outcome, "ada", "dividend on purchases"), "£38.45");
    assert_eq!(account(outcome, "ben", "dividend on purchases"), "£13.65");
    assert_eq!(account(outcome, "ada", "capital"), "£4.00");
    assert_eq!(account(outcome, "cy", "capital"), "");
    assert_eq!(fund(outcome, "reserve fund"), "£6.00");
    assert_eq!(fund(outcome, "education fund"), "£1.50");
    // Cash: £8.00 + £210.00 - £150.00 = £68.00, a debit.
    assert_eq!(fund(outcome, "cash"), "-£68.00");
    assert_eq!(outcome["trial_balance"]["balanced"], true);
}

#[test]
fn an_act_log_gives_the_statements_worked_by_hand() {
    let o = simulate(("--acts", "tests/scenarios/year.csv"), "json");
    let outcome: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(outcome["scenario"], "year");
    assert_the_year_worked_by_hand(&outcome);
}

#[test]
fn the_same_timeline_as_json_and_as_csv_gives_the_same_bytes() {
    for format in ["text", "json", "csv"] {
        let json = simulate(("--scenario-file", "tests/scenarios/year.json"), format);
        let csv = simulate(("--acts", "tests/scenarios/year.csv"), format);
        assert!(!json.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&json.stdout),
            String::from_utf8_lossy(&csv.stdout),
            "--format {format}"
        );
    }
}

/// The `csv` block of docs/scenarios.md's "Act logs".
fn documented_act_log() -> String {
    let docs = std::fs::read_to_string("docs/scenarios.md").expect("docs");
    let section = docs.split("## Act logs").nth(1).expect("the section");
    let block = section.split("```csv\n").nth(1).expect("a csv block");
    block.split("```").next().expect("closed").to_string()
}

#[test]
fn the_documented_act_log_runs_through_the_api() {
    let documented = documented_act_log();
    let file = std::fs::read_to_string("tests/scenarios/year.csv").expect("readable");
    assert_eq!(
        documented, file,
        "docs/scenarios.md shows tests/scenarios/year.csv"
    );
    let rulebook = SourceFile::new(
        RULEBOOK,
        std::fs::read_to_string(RULEBOOK).expect("readable"),
    );
    let request = rochdale::api::RunRequest {
        members_csv: Some(std::fs::read_to_string(MEMBERS).expect("readable")),
        ..Default::default()
    };
    let json = rochdale::api::simulate_act_log(&rulebook, &documented, &request)
        .unwrap_or_else(|f| panic!("{}", f.to_json()));
    let outcome: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(outcome["scenario"], "acts");
    assert_the_year_worked_by_hand(&outcome);
    // A bad line fails with its place in the act log.
    let failure = rochdale::api::simulate_act_log(
        &rulebook,
        "1845-01-01,join,ada,£4.00\n1845-01-02,purchse,ada,£1.00\n",
        &request,
    )
    .expect_err("unknown act");
    assert_eq!(failure.file.name, "acts.csv");
    assert_eq!(failure.diagnostics.len(), 1);
    assert!(
        failure.diagnostics[0]
            .message
            .starts_with("acts.csv:2:12: there is no act `purchse`"),
        "{}",
        failure.diagnostics[0].message
    );
}

#[test]
fn each_bad_line_is_placed_by_file_line_and_column() {
    let program = program();
    let name = "tests/scenarios/bad_acts.csv";
    let text = std::fs::read_to_string(name).expect("readable");
    let errors = input::read_act_log(&program, name, &text).expect_err("bad lines");
    let found: Vec<(Code, &str)> = errors
        .iter()
        .map(|d| (d.code, d.message.split(": ").next().unwrap_or("")))
        .collect();
    let at = |place: &str| format!("{name}:{place}");
    assert_eq!(
        found
            .iter()
            .map(|(c, p)| (*c, p.to_string()))
            .collect::<Vec<_>>(),
        vec![
            // `join` without its payment: the act's cell, column 12.
            (Code::ArgumentCount, at("2:12")),
            (Code::UnknownName, at("3:12")),
            // `lots` for the cost: the fourth cell, column 25.
            (Code::BadValue, at("4:25")),
            // 1844-12-01 after 1845-01-03: the date's cell.
            (Code::BadScenario, at("5:1")),
            (Code::UnknownName, at("6:12")),
            // `cost=£1.00`: the period's figure is `costs`.
            (Code::UnknownAttribute, at("7:25")),
            (Code::BadDate, at("8:1")),
            (Code::BadInputFile, at("9:12")),
        ]
    );
    for d in &errors {
        assert!(d.help.is_some(), "{d:?}");
        let span = d.span.expect("a cell");
        // The span is the cell the column names (on its line of the file).
        let (line, column) = SourceFile::new(name, text.clone()).line_column(span.start);
        assert!(
            d.message.starts_with(&format!("{name}:{line}:{column}: ")),
            "{d:?}"
        );
    }
    assert!(errors[1].help.as_deref() == Some("did you mean `purchase`?"));
    let out = render_text(&errors, &SourceFile::new(name, text), false);
    insta::assert_snapshot!("bad_act_log", out);
}

/// Out of order, an unknown parameter in an amendment, an unknown act: each
/// rule has one code and one message, wherever the step is written.
#[test]
fn a_rule_of_a_step_is_the_same_in_a_rulebook_json_and_an_act_log() {
    let program = program();
    let from_rulebook = |steps: &str| -> Vec<Diagnostic> {
        let text = std::fs::read_to_string(RULEBOOK).expect("readable");
        let text = format!("{text}\nscenario \"x\" {{\n  members {{ ada: age 30 }}\n{steps}}}\n");
        rochdale::check_source(&text)
            .diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .collect()
    };
    let from_json = |steps: &str| {
        input::read_json(&program, &format!("{{\"steps\": [{steps}]}}")).expect_err("bad")
    };
    let from_csv = |lines: &str| input::read_act_log(&program, "a.csv", lines).expect_err("bad");
    let cases: [(Vec<Diagnostic>, Vec<Diagnostic>, Vec<Diagnostic>); 3] = [
        (
            from_rulebook("  on 1845-03-01 join(ada, £4.00)\n  on 1845-02-01 join(ada, £4.00)\n"),
            from_json(
                r#"{"date": "1845-03-01", "act": "join", "args": ["ada", "£4.00"]},
                   {"date": "1845-02-01", "act": "join", "args": ["ada", "£4.00"]}"#,
            ),
            from_csv("1845-03-01,join,ada,£4.00\n1845-02-01,join,ada,£4.00\n"),
        ),
        (
            from_rulebook("  on 1845-03-01 motion special { for ada } amend markp = 12.5%\n"),
            from_json(
                r#"{"date": "1845-03-01", "motion": "special", "for": ["ada"], "amend": {"markp": "12.5%"}}"#,
            ),
            from_csv("1845-03-01,motion special,for=ada,markp=12.5%\n"),
        ),
        (
            from_rulebook("  on 1845-03-01 purchse(ada, £1.00)\n"),
            from_json(r#"{"date": "1845-03-01", "act": "purchse", "args": ["ada", "£1.00"]}"#),
            from_csv("1845-03-01,purchse,ada,£1.00\n"),
        ),
    ];
    let expected = [
        (
            Code::BadScenario,
            "this step is dated 1845-02-01, before the step above it (1845-03-01)",
        ),
        (Code::UnknownName, "there is no parameter `markp`"),
        (Code::UnknownName, "there is no act `purchse`"),
    ];
    for ((rulebook, json, csv), (code, message)) in cases.into_iter().zip(expected) {
        for (source, errors, place) in [
            ("rulebook", rulebook, ""),
            ("json", json, "steps[1].date: "),
            ("csv", csv, "a.csv:2:1: "),
        ] {
            assert_eq!(errors.len(), 1, "{source}: {errors:?}");
            let d = &errors[0];
            assert_eq!(d.code, code, "{source}: {d:?}");
            assert!(d.message.ends_with(message), "{source}: {}", d.message);
            assert!(d.help.is_some(), "{source}");
            if code == Code::BadScenario {
                assert_eq!(d.message, format!("{place}{message}"), "{source}");
            }
        }
    }
}

/// Counts the bytes a reader has given.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicUsize>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
}

#[test]
fn steps_are_read_as_a_stream_not_as_a_whole_file() {
    let program = program();
    let n = 20_000;
    let purchase = |i: usize| (format!("m{i}"), format!("£{}.{:02}", 1 + i % 9, i % 100));
    let mut json = String::from("{\"name\": \"many\", \"members\": [], \"steps\": [\n");
    let mut csv = String::from("date,act,args...\n");
    for i in 0..n {
        let (who, cost) = purchase(i);
        if i > 0 {
            json.push_str(",\n");
        }
        json.push_str(&format!(
            "  {{\"date\": \"1845-01-01\", \"act\": \"purchase\", \"args\": [\"{who}\", \"{cost}\"]}}"
        ));
        csv.push_str(&format!("1845-01-01,purchase,{who},{cost}\n"));
    }
    json.push_str("\n]}\n");
    assert!(json.len() > 1_000_000 && csv.len() > 500_000);

    let read = Arc::new(AtomicUsize::new(0));
    let reader = Counting {
        inner: json.as_bytes(),
        read: read.clone(),
    };
    let (header, mut steps) = input::steps_from_json_reader(&program, reader);
    assert_eq!(header.name, "many");
    let first = steps.next().expect("a step").expect("lowered");
    // The first step is handed on after one buffer of the file, not all of it.
    assert!(
        read.load(Ordering::Relaxed) <= 128 * 1024,
        "{}",
        read.load(Ordering::Relaxed)
    );
    assert_eq!(first.place, "steps[0]");
    let rest: Vec<_> = steps.collect::<Result<_, _>>().expect("all lowered");
    assert_eq!(rest.len(), n - 1);
    assert_eq!(read.load(Ordering::Relaxed), json.len());

    let read = Arc::new(AtomicUsize::new(0));
    let reader = Counting {
        inner: csv.as_bytes(),
        read: read.clone(),
    };
    let (_, mut steps) = input::steps_from_act_log(&program, "many.csv", reader);
    let first = steps.next().expect("a step").expect("lowered");
    assert!(
        read.load(Ordering::Relaxed) <= 128 * 1024,
        "{}",
        read.load(Ordering::Relaxed)
    );
    assert_eq!(first.place, "many.csv:2");
    assert_eq!(steps.count(), n - 1);

    // The same steps either way: the 12,346th purchase is m12345's £7.45.
    let (def, _) = input::read_json(&program, &json).expect("reads");
    let (log, _) = input::read_act_log(&program, "many.csv", &csv).expect("reads");
    let describe = |s: &rochdale::program::StepDef| format!("{} {:?}", s.date, s.kind);
    assert_eq!(def.steps.len(), n);
    assert_eq!(
        def.steps.iter().map(describe).collect::<Vec<_>>(),
        log.steps.iter().map(describe).collect::<Vec<_>>()
    );
    let rochdale::program::StepDefKind::Act { args, .. } = &log.steps[12_345].kind else {
        panic!("an act");
    };
    assert!(
        matches!(&args[0], rochdale::program::StepArg::Member(m, _) if m == "m12345"),
        "{args:?}"
    );
    assert!(
        matches!(&args[1], rochdale::program::StepArg::Value(rochdale::value::Value::Number(d)) if d.to_string() == "7.45"),
        "{args:?}"
    );
}

#[test]
fn json_numbers_are_read_exactly_and_the_header_comes_first() {
    let text = "rulebook \"Exact\" currency GBP\nmember { age: Integer }\nparameter rate: Decimal = 0.5\nact join(m) { admit m }\n";
    let program = rochdale::check_source(text).program.expect("checks");
    // As a floating-point number this would be 0.12345678901234568.
    let (def, members) = input::read_json(
        &program,
        r#"{"name": "x", "parameters": {"rate": 0.1234567890123456789},
            "members": [{"name": "ada", "age": 30}],
            "steps": [{"date": "2026-01-01", "act": "join", "args": ["ada"]}]}"#,
    )
    .expect("reads");
    assert_eq!(
        def.params[0],
        rochdale::value::Value::Number("0.1234567890123456789".parse().expect("decimal"))
    );
    assert_eq!(members.names, ["ada"]);
    assert_eq!(def.steps.len(), 1);
    // The people after the steps: they would come too late for a stream.
    let errors = input::read_json(
        &program,
        r#"{"name": "x", "steps": [{"date": "2026-01-01", "act": "join", "args": ["ada"]}],
            "members": [{"name": "ada", "age": 30}]}"#,
    )
    .expect_err("members after steps");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, Code::BadInputFile);
    assert!(
        errors[0]
            .message
            .starts_with("members: comes after `steps`"),
        "{}",
        errors[0].message
    );
    // A step with a field it cannot have, or of two kinds.
    for (step, needle) in [
        (
            r#"{"date": "2026-01-01", "act": "join", "args": ["ada"], "colour": "red"}"#,
            "steps[0]: unknown field `colour`",
        ),
        (
            r#"{"date": "2026-01-01", "act": "join", "close": true}"#,
            "steps[0]: a step is one of",
        ),
        (
            r#"{"date": "2026-02-30", "act": "join", "args": ["ada"]}"#,
            "steps[0].date: 2026-02-30 is not a date that exists",
        ),
    ] {
        let errors =
            input::read_json(&program, &format!("{{\"steps\": [{step}]}}")).expect_err("bad step");
        assert!(
            errors[0].message.starts_with(needle),
            "{}",
            errors[0].message
        );
    }
}

#[test]
fn the_command_line_takes_one_scenario_file() {
    let o = rochdale(&[
        "simulate",
        RULEBOOK,
        "--acts",
        "tests/scenarios/year.csv",
        "--scenario-file",
        "tests/scenarios/year.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = rochdale(&[
        "simulate",
        RULEBOOK,
        "--acts",
        "tests/scenarios/bad_acts.csv",
        "--members",
        MEMBERS,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("tests/scenarios/bad_acts.csv:3:12: there is no act `purchse`"),
        "{err}"
    );
}

/// Cut anywhere, a scenario is refused with diagnostics, never a panic; an
/// act log cut at a line's end reads the lines before the cut.
#[test]
fn a_file_cut_short_is_refused_and_never_panics() {
    let program = program();
    let json = std::fs::read_to_string("tests/scenarios/year.json").expect("readable");
    for cut in 0..json.trim_end().len() {
        let Some(prefix) = json.get(..cut) else {
            continue;
        };
        let errors = input::read_json(&program, prefix).expect_err("cut short");
        assert!(
            !errors.is_empty() && errors.iter().all(|d| d.help.is_some()),
            "{cut}"
        );
        // The last word is about the cut: the file is not JSON from there.
        let last = errors.last().expect("one");
        assert_eq!(last.code, Code::BadInputFile, "{cut}: {last:?}");
    }
    let csv = std::fs::read_to_string("tests/scenarios/year.csv").expect("readable");
    let mut lines = 0;
    for (cut, _) in csv.char_indices().filter(|(_, c)| *c == '\n') {
        let (def, _) =
            input::read_act_log(&program, "year.csv", &csv[..=cut]).expect("whole lines");
        assert!(def.steps.len() >= lines);
        lines = def.steps.len();
    }
    assert_eq!(lines, 9);
}

/// A timeline longer than what is checked before the run (10,000 steps)
/// runs as it is read: a bad line after that stops the run there, with
/// every step before it done and written (the journal has one line for
/// each), and the problem shown with its line.
#[test]
fn a_long_act_log_runs_as_it_is_read_and_stops_at_a_late_bad_line() {
    let dir = std::env::temp_dir().join(format!("rochdale-long-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    let log = dir.join("long.csv");
    let mut text = String::from("date,act,args...\n1845-01-01,join,ada,£4.00\n");
    // 100,005 purchases of £1.00 (£1.10 at the provisional price).
    for _ in 0..100_005 {
        text.push_str("1845-02-01,purchase,ada,£1.00\n");
    }
    text.push_str("1845-02-02,purchse,ada,£1.00\n");
    text.push_str("1845-02-03,purchase,ada,£1.00\n");
    std::fs::write(&log, &text).expect("written");
    let out = dir.join("out");
    let o = rochdale(&[
        "simulate",
        RULEBOOK,
        "--acts",
        log.to_str().expect("a path"),
        "--members",
        MEMBERS,
        "--format",
        "csv",
        "--out",
        out.to_str().expect("a path"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    // The bad line is line 100,008 of the file (a header, a join, the
    // purchases, then it).
    assert!(stderr.contains("100008"), "{stderr}");
    assert!(stderr.contains("purchse"), "{stderr}");
    assert!(stderr.contains("E0200"), "{stderr}");
    // One join and 100,005 purchases booked: a journal line each, after
    // the header; the step after the bad line did not run.
    let journal = std::fs::read_to_string(out.join("journal.csv")).expect("written");
    assert_eq!(journal.lines().count(), 1 + 1 + 100_005);
    // ada bought 100,005 times £1.10.
    let statements = String::from_utf8_lossy(&o.stdout);
    let ada = statements
        .lines()
        .find(|l| l.starts_with("ada,"))
        .expect("ada's statement");
    assert!(ada.contains(",110005.50,"), "{ada}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_act_log_is_held_to_the_financial_year() {
    // tests/rulebooks/calendar.coop: from 1 April in quarters. A close on
    // 1 July is off the calendar (the first quarter ends on 30 June); a
    // payment in October with September not closed is a missed close.
    let text = std::fs::read_to_string("tests/rulebooks/calendar.coop").expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    let first = |lines: &str| {
        let Err(errors) = input::read_act_log(&program, "log.csv", lines) else {
            panic!("refused: {lines}");
        };
        (
            errors[0].code.as_str().to_string(),
            errors[0].message.clone(),
        )
    };
    assert_eq!(
        first("2026-04-01,join,ada\n2026-07-01,close period\n"),
        (
            "E0704".to_string(),
            "log.csv:2: this close is dated 2026-07-01, but the period runs from 2026-04-01 to 2026-06-30".to_string()
        )
    );
    assert_eq!(
        first("2026-04-01,join,ada\n2026-06-30,close period\n2026-10-01,pay,ada,£1.00\n"),
        (
            "E0705".to_string(),
            "log.csv:3: the period that ended on 2026-09-30 was not closed".to_string()
        )
    );
    assert!(
        input::read_act_log(
            &program,
            "log.csv",
            "2026-04-01,join,ada\n2026-06-30,close period\n"
        )
        .is_ok()
    );
}
