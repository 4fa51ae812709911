//! Inputs just inside each nesting limit work; just outside, they are
//! refused with a diagnostic. These run on the test harness's ordinary
//! thread (2 MiB stack, debug build), the tightest place Rochdale runs.

use rochdale::{Code, SourceFile, test_source};

fn report(text: String) -> rochdale::TestReport {
    test_source(&SourceFile::new("limits.coop", text))
}

fn codes(r: &rochdale::TestReport) -> Vec<Code> {
    let mut codes: Vec<Code> = r.diagnostics.iter().map(|d| d.code).collect();
    for e in &r.examples {
        for x in &e.expectations {
            codes.extend(x.diagnostic.iter().map(|d| d.code));
        }
    }
    codes
}

const HEADER: &str = "rulebook \"Limits\" currency GBP\n";

#[test]
fn brackets_at_the_nesting_limit_evaluate() {
    let depth = rochdale::syntax::MAX_NESTING - 2; // the example's braces count too
    let text = format!(
        "{HEADER}rule deep: Integer = {}1{}\nexample \"e\" {{ expect deep = 1 }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let r = report(text);
    assert_eq!((r.passed(), r.failed()), (1, 0), "{:?}", codes(&r));
}

#[test]
fn brackets_beyond_the_limit_are_refused() {
    let depth = rochdale::syntax::MAX_NESTING + 1;
    let text = format!(
        "{HEADER}rule deep: Integer = {}1{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(codes(&report(text)), vec![Code::TooDeep]);
}

#[test]
fn nested_ifs_at_the_limit_evaluate() {
    let depth = rochdale::syntax::MAX_NESTING - 2;
    let text = format!(
        "{HEADER}rule deep: Integer = {}1{}\nexample \"e\" {{ expect deep = 1 }}\n",
        "if true then ".repeat(depth),
        " else 2".repeat(depth)
    );
    let r = report(text);
    assert_eq!((r.passed(), r.failed()), (1, 0), "{:?}", codes(&r));
}

#[test]
fn a_long_else_if_chain_is_not_nesting() {
    // 500 branches in one chain: flat in the grammar, so no limit applies.
    let mut body = String::from("if false then 0");
    for i in 1..500 {
        body += &format!(" else if false then {i}");
    }
    body += " else 500";
    let text =
        format!("{HEADER}rule chain: Integer = {body}\nexample \"e\" {{ expect chain = 500 }}\n");
    let r = report(text);
    assert_eq!((r.passed(), r.failed()), (1, 0), "{:?}", codes(&r));
}

#[test]
fn operator_chains_up_to_the_depth_limit_evaluate() {
    let terms = rochdale::syntax::MAX_EXPR_DEPTH as usize; // depth = terms - 1 + 1
    let sum = vec!["1"; terms].join(" + ");
    let text = format!(
        "{HEADER}rule total: Integer = {sum}\nexample \"e\" {{ expect total = {terms} }}\n"
    );
    let r = report(text);
    assert_eq!((r.passed(), r.failed()), (1, 0), "{:?}", codes(&r));

    let sum = vec!["1"; terms + 2].join(" + ");
    let text = format!("{HEADER}rule total: Integer = {sum}\n");
    assert_eq!(codes(&report(text)), vec![Code::TooDeep]);
}

#[test]
fn a_long_chain_of_rules_is_stopped_not_crashed() {
    // Each rule uses the next: evaluation nests two levels per rule.
    for (rules, fits) in [(200usize, true), (5_000, false)] {
        let mut text = String::from(HEADER);
        for i in 0..rules {
            text += &format!("rule r{i}: Integer = r{} + 1\n", i + 1);
        }
        text +=
            &format!("rule r{rules}: Integer = 0\nexample \"deep\" {{ expect r0 = {rules} }}\n");
        let r = report(text);
        if fits {
            assert_eq!((r.passed(), r.failed()), (1, 0), "{:?}", codes(&r));
        } else {
            assert_eq!(codes(&r), vec![Code::EvalTooDeep]);
        }
    }
}

#[test]
fn the_step_budget_stops_evaluation() {
    let text = format!(
        "{HEADER}member {{ n: Integer }}\nrule pairs: Integer = sum(count(each member b where b.n > a.n) for each member a)\n\
         example \"e\" {{ members {{ x: n 1  y: n 2  z: n 3 }}  expect pairs = 3 }}\n"
    );
    let checked = rochdale::check_source(&text);
    let program = checked.program.expect("checks");
    let example = &program.examples[0];
    let inputs = rochdale::example::example_inputs(example);
    let rule = program.rule_id("pairs").expect("rule exists");
    // Three members: the full evaluation fits a generous budget ...
    let value = rochdale::eval::Evaluator::new(&program, &inputs).rule(rule, vec![]);
    assert_eq!(value.ok().and_then(|v| v.as_number()), Some(3.into()));
    // ... and a budget of 10 steps stops it with a diagnostic.
    let stopped = rochdale::eval::Evaluator::new(&program, &inputs)
        .with_budget(10)
        .rule(rule, vec![]);
    assert_eq!(stopped.err().map(|d| d.code), Some(Code::StepBudget));
}

#[test]
fn a_rulebook_beyond_the_size_limit_is_refused_before_parsing() {
    let limit = rochdale::syntax::MAX_SOURCE_BYTES;
    // A comment line repeated: cheap to make, and only its size matters.
    let line = "-- a long rulebook\n";
    let text = format!("{HEADER}{}", line.repeat(limit / line.len() + 1));
    assert!(text.len() > limit);
    let checked = rochdale::check_source(&text);
    let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::TooLarge]);
    assert!(checked.diagnostics[0].help.is_some());
}

#[test]
fn a_simulation_beyond_the_member_limit_is_refused() {
    use rochdale::simulate::input::{MAX_SIMULATION_MEMBERS, size_diagnostics};
    assert!(size_diagnostics(MAX_SIMULATION_MEMBERS, 10).is_empty());
    let d = size_diagnostics(MAX_SIMULATION_MEMBERS + 1, 10);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::TooLarge);
    assert_eq!(
        d[0].message,
        format!(
            "the simulation has {} people; it holds at most {MAX_SIMULATION_MEMBERS}",
            MAX_SIMULATION_MEMBERS + 1
        )
    );
    assert!(
        d[0].help
            .as_deref()
            .unwrap_or("")
            .contains("split the member list")
    );
}

#[test]
fn a_timeline_beyond_the_step_limit_is_refused() {
    use rochdale::simulate::input::{MAX_SCENARIO_STEPS, size_diagnostics};
    assert!(size_diagnostics(3, MAX_SCENARIO_STEPS).is_empty());
    let d = size_diagnostics(3, MAX_SCENARIO_STEPS + 1);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::TooLarge);
    assert!(
        d[0].message.contains("a timeline holds at most"),
        "{}",
        d[0].message
    );
    assert!(d[0].help.as_deref().unwrap_or("").contains("--acts"));
}

#[test]
fn a_batch_beyond_the_member_limit_is_refused() {
    let d = rochdale::batch::too_many_members(100_000_002);
    assert_eq!(d.code, Code::TooLarge);
    assert_eq!(
        d.message,
        format!(
            "line 100000002: a batch holds at most {} members",
            rochdale::batch::MAX_BATCH_MEMBERS
        )
    );
}

#[test]
fn units_beyond_the_limit_are_refused() {
    // Units belong to the rulebook: the (MAX_UNITS + 1)-th is refused.
    let max = rochdale::units::MAX_UNITS;
    let mut text = String::from(HEADER);
    for i in 0..=max {
        text += &format!("unit u{i}\n");
    }
    let checked = rochdale::check_source(&text);
    let too_large: Vec<&rochdale::Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::TooLarge)
        .collect();
    assert!(!too_large.is_empty(), "{:?}", checked.diagnostics);
    assert_eq!(too_large[0].message, "too many different units");
    assert!(checked.program.is_none());
}

/// The CLI's exit status, standard output and standard error.
fn simulate_cli(args: &[&str]) -> (Option<i32>, String, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .arg("simulate")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn scenario_parameters_that_break_a_limit_are_refused_before_the_run() {
    // rochdale-1844.coop: `limit interest_on_capital_is_limited:
    // capital_interest <= 5% per year`; the scenario sets 10% per year (and markup 10%,
    // which no limit reads and which is not named).
    let (code, out, err) = simulate_cli(&[
        "rulebooks/rochdale-1844.coop",
        "--scenario-file",
        "tests/scenarios/parameter_breaks_limit.json",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "", "nothing ran, so nothing is reported");
    // The message wraps on the terminal's width: its parts, each on one line.
    for part in [
        "E0313",
        "parameters.capital_interest: the scenario's value breaks the limit",
        "`interest_on_capital_is_limited` (from Rochdale principle of limited interest on capital; ICA",
        "10% per year > 5% per year",
        "tests/scenarios/parameter_breaks_limit.json:3:17",
    ] {
        assert!(err.contains(part), "missing {part:?} in\n{err}");
    }
    assert!(!err.contains("parameters.markup"), "{err}");
    assert!(!err.contains("would be breached"), "no act ran: {err}");
}

#[test]
fn scenario_parameters_at_the_limit_run() {
    let dir = std::env::temp_dir().join(format!("rochdale-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("at-the-limit.json");
    let text = std::fs::read_to_string("tests/scenarios/parameter_breaks_limit.json")
        .expect("scenario")
        .replace(
            "\"capital_interest\": \"10% per year\"",
            "\"capital_interest\": \"5% per year\"",
        );
    std::fs::write(&path, text).expect("write");
    let (code, out, err) = simulate_cli(&[
        "rulebooks/rochdale-1844.coop",
        "--scenario-file",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("ada"), "{out}");
}

#[test]
fn a_rulebook_scenario_whose_parameters_break_a_limit_does_not_check() {
    let text = format!(
        "{HEADER}member {{ shares: Money = £0 }}\n\
         parameter rate: Percent = 5%\n\
         limit cap: rate <= 9.25% source \"rule 12\"\n\
         act join(m) {{ admit m }}\n\
         scenario \"ok\" {{\n  parameter rate = 9.25%\n  members {{ ada: shares £0 }}\n  on 2026-04-01 join(ada)\n}}\n\
         scenario \"generous\" {{\n  parameter rate = 10%\n  members {{ ada: shares £0 }}\n  on 2026-04-01 join(ada)\n}}\n"
    );
    let checked = rochdale::check_source(&text);
    let errors: Vec<&rochdale::Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(checked.program.is_none());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, Code::ConstantBreachesLimit);
    assert_eq!(
        errors[0].message,
        "scenario \"generous\": rate: the scenario's value breaks the limit `cap` (from rule 12): 10% > 9.25%"
    );
    // At the place the scenario sets it: the second `parameter rate`.
    let span = errors[0].span.expect("a place");
    let second = text.rfind("parameter rate = 10%").expect("in the text") + "parameter ".len();
    assert_eq!(span.start, second);
}

#[test]
fn a_very_long_line_is_quoted_as_a_window_around_the_error() {
    // 250 kB on one line (5 MB behaves alike, but parsing it in a debug
    // build takes a minute).
    let head = "rulebook \"Limits\" currency GBP ";
    let filler = "parameter a: Integer = 1 ".repeat(10_000);
    let text = format!("{head}{filler}parameter b: Integer = = 2 {filler}\n");
    assert!(text.len() > 500_000);
    let err = text.find("= = 2").expect("the error") + 2; // the second `=`
    let file = SourceFile::new("huge.coop", text.clone());
    let checked = rochdale::check_source(&file.text);
    let shown = rochdale::diagnostic::render_text(&checked.diagnostics, &file, false);
    assert_eq!(checked.diagnostics.len(), 1, "{shown}");
    // The place, by line and column (characters, from 1): all ASCII here.
    assert!(
        shown.contains(&format!("[huge.coop:1:{}]", err + 1)),
        "{shown}"
    );
    // 80 characters either side of the place, not 5 MB.
    let quoted = shown
        .lines()
        .find(|l| l.starts_with(" 1 │ "))
        .expect("the quoted line");
    let expected =
        &text[err - rochdale::diagnostic::WINDOW..err + 1 + rochdale::diagnostic::WINDOW];
    assert_eq!(quoted, format!(" 1 │ {expected}"));
    assert!(shown.len() < 2_000, "{} bytes", shown.len());
}

/// One word of 100,000 letters where a rulebook should start: the message
/// quotes its first 40 letters, not the whole word.
#[test]
fn a_huge_word_is_not_quoted_whole() {
    let text = "x".repeat(100_000);
    let checked = rochdale::check_source(&text);
    let d = checked.diagnostics.first().expect("a syntax error");
    assert_eq!(d.code, Code::Syntax);
    let quoted = format!("`{}…` (a word too long to quote)", "x".repeat(40));
    assert!(d.message.contains(&quoted), "{}", d.message);
    assert!(d.message.len() < 400, "{} bytes", d.message.len());
}
