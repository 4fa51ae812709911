//! The documentation is tested: every complete rulebook in docs/ checks and
//! passes its examples, every `coop-error` block fails with its code, and
//! every diagnostic code is documented.

use rochdale::{Code, SourceFile, test_source};

/// Fenced blocks of `lang` in a Markdown text, with their starting line.
fn blocks(markdown: &str, lang: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut current {
            None if line.trim() == format!("```{lang}") => current = Some((i + 1, String::new())),
            None => {}
            Some(_) if line.trim() == "```" => out.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    out
}

fn docs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("docs").expect("docs/ exists") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).expect("readable");
            out.push((path.display().to_string(), text));
        }
    }
    out
}

#[test]
fn rulebooks_in_the_docs_check_and_pass() {
    let mut seen = 0;
    for (name, text) in docs() {
        for (line, block) in blocks(&text, "coop") {
            let report = test_source(&SourceFile::new(format!("{name}:{line}"), block.clone()));
            let failures: Vec<String> = report
                .diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .chain(
                    report
                        .examples
                        .iter()
                        .filter(|e| !e.passed)
                        .map(|e| format!("example {} failed", e.name)),
                )
                .collect();
            assert!(failures.is_empty(), "{name}:{line}: {failures:?}\n{block}");
            // Its scenarios run: no failed step, books balanced.
            let program = rochdale::check_source(&block).program.expect("checks");
            for scenario in program
                .scenarios
                .iter()
                .filter(|s| s.members_file.is_none())
            {
                let members = rochdale::simulate::input::MemberTable::inline(scenario);
                let o = rochdale::simulate::simulate(&program, scenario, members);
                assert!(o.trial_balance.balanced, "{name}:{line}");
                assert!(
                    o.steps
                        .iter()
                        .all(|s| s.status != rochdale::simulate::StepStatus::Failed),
                    "{name}:{line}: {:?}",
                    o.steps
                );
            }
            seen += 1;
        }
    }
    assert!(seen >= 2, "expected rulebooks in docs/, found {seen}");
}

#[test]
fn error_examples_in_the_docs_fail_with_their_code() {
    let mut seen = 0;
    for (name, text) in docs() {
        for (line, block) in blocks(&text, "coop-error") {
            let code = block
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("-- error: "))
                .unwrap_or_else(|| panic!("{name}:{line}: first line must be `-- error: CODE`"))
                .trim()
                .to_string();
            let report = test_source(&SourceFile::new(format!("{name}:{line}"), block.clone()));
            let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert!(
                codes.contains(&code.as_str()),
                "{name}:{line}: expected {code}, got {codes:?}"
            );
            seen += 1;
        }
    }
    assert!(seen >= 1);
}

#[test]
fn every_code_is_documented_once() {
    let text = std::fs::read_to_string("docs/diagnostics.md").expect("docs/diagnostics.md");
    for code in Code::ALL {
        let heading = format!("## {}:", code.as_str());
        assert_eq!(
            text.matches(&heading).count(),
            1,
            "{} must have one section",
            code.as_str()
        );
    }
    let headings = text.lines().filter(|l| l.starts_with("## E")).count();
    assert_eq!(
        headings,
        Code::ALL.len(),
        "a section documents a code that does not exist"
    );
}

/// The tutorial's comparison is what `rochdale diff` prints for the rulebook
/// of its step 7 and that rulebook with the reserve at 10%.
#[test]
fn the_tutorials_comparison_is_what_diff_prints() {
    use rochdale::diff::{DiffOptions, Version, diff};
    let text = std::fs::read_to_string("docs/tutorial.md").expect("the tutorial");
    let step7 = &text[text.find("## 7.").expect("step 7")..];
    let (_, shop) = blocks(step7, "coop")
        .into_iter()
        .next()
        .expect("step 7's rulebook");
    let amended_line = "parameter reserve_share: Percent = 10%";
    let amended = shop.replace("parameter reserve_share: Percent = 20%", amended_line);
    assert!(amended.contains(amended_line) && amended != shop);
    let (old, new) = (
        SourceFile::new("shop.coop", shop),
        SourceFile::new("shop-amended.coop", amended),
    );
    let found = diff(
        Version::new(&old),
        Version::new(&new),
        &DiffOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let step8 = &text[text.find("## 8.").expect("step 8")..];
    let (_, shown) = blocks(step8, "text")
        .into_iter()
        .next()
        .expect("the output shown");
    // The first two lines carry the provenance hashes, which change only
    // with the rulebook or the canonical encoding: they are exact too.
    let lines = |t: &str| t.lines().collect::<Vec<_>>().join("\n");
    assert_eq!(
        lines(&found.to_text()),
        lines(&shown),
        "docs/tutorial.md step 8 differs from the output"
    );
}

/// The rows of the tables that docs/language.md marks as lists of built-ins
/// (`<!-- built-ins ... -->` before the table): each call and its line.
fn documented_builtins(markdown: &str) -> Vec<(String, String)> {
    documented_rows(markdown, "<!-- built-ins")
}

/// The rows (first cell as code, second) of the tables marked by `marker`.
fn documented_rows(markdown: &str, marker: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    let mut tables = 0;
    while let Some(line) = lines.next() {
        if !line.starts_with(marker) {
            continue;
        }
        tables += 1;
        // The heading row and its rule, then one row per built-in.
        let rows = lines.by_ref().skip(2).take_while(|l| l.starts_with('|'));
        for row in rows {
            let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
            let [call, doc] = cells[..] else {
                panic!("a row of a table of built-ins has two cells: {row}");
            };
            let call = call
                .strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .unwrap_or_else(|| panic!("the call is written as code: {row}"));
            out.push((call.to_string(), doc.to_string()));
        }
    }
    assert!(tables >= 1, "docs/language.md marks no table `{marker}`");
    out
}

/// docs/language.md lists exactly the day counts of
/// `semantics::time::DAY_COUNTS`, each with its line.
#[test]
fn the_day_counts_are_the_table() {
    use rochdale::semantics::time::DAY_COUNTS;
    let text = std::fs::read_to_string("docs/language.md").expect("docs/language.md");
    let documented = documented_rows(&text, "<!-- day counts");
    let table: Vec<(String, String)> = DAY_COUNTS
        .iter()
        .map(|d| (d.name.to_string(), d.doc.to_string()))
        .collect();
    assert_eq!(
        documented, table,
        "docs/language.md's table of day counts must be DAY_COUNTS's rows, in order"
    );
}

/// docs/language.md lists every built-in of the table with its doc line,
/// once, and lists nothing else as a built-in.
#[test]
fn the_languages_builtins_are_the_tables() {
    use rochdale::semantics::builtins::BUILTINS;
    let text = std::fs::read_to_string("docs/language.md").expect("docs/language.md");
    let mut documented = documented_builtins(&text);
    let mut table: Vec<(String, String)> = BUILTINS
        .iter()
        .map(|b| (b.call.to_string(), b.doc.to_string()))
        .collect();
    documented.sort();
    table.sort();
    for row in &table {
        assert_eq!(
            documented.iter().filter(|d| *d == row).count(),
            1,
            "docs/language.md must list `{}` once, as | `{}` | {} |",
            row.0,
            row.0,
            row.1
        );
    }
    assert_eq!(
        documented, table,
        "docs/language.md lists built-ins that src/semantics/builtins.rs has not"
    );
}

/// What the playground's editor highlights, as src/syntax/keywords.rs and
/// src/semantics/builtins.rs give it.
fn editor_words() -> String {
    let keywords: Vec<&str> = rochdale::syntax::KEYWORDS.iter().map(|k| k.word).collect();
    let builtins = rochdale::semantics::builtins::names();
    let json = serde_json::json!({
        "about": "Written by `UPDATE=1 cargo test --test docs` from src/syntax/keywords.rs and src/semantics/builtins.rs; do not edit.",
        "keywords": keywords,
        "builtins": builtins,
    });
    serde_json::to_string_pretty(&json).expect("json") + "\n"
}

/// playground/src/keywords.json, which the editor's highlighting reads, is
/// the language's words as they are now. `UPDATE=1` writes it.
#[test]
fn the_editors_words_are_the_languages() {
    let path = "playground/src/keywords.json";
    let expected = editor_words();
    if std::env::var_os("UPDATE").is_some() {
        std::fs::write(path, &expected).expect("writes playground/src/keywords.json");
    }
    let found = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        found == expected,
        "{path} is out of date: run `UPDATE=1 cargo test --test docs`\n{expected}"
    );
}
