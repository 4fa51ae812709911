//! Code lenses on examples: "run example" above each, which runs it on
//! request (`workspace/executeCommand`) and then shows "passed" or
//! "failed: expected ... got ...".

use crate::example::{self, ExampleOutcome};
use crate::program::Program;
use crate::span::Span;

/// The command a lens runs; its arguments are the document's URI and the
/// example's name.
pub const RUN_EXAMPLE: &str = "rochdale.runExample";

/// Each example of the program: its name, where it is written, and the
/// lens's title (the last outcome, once it has been run).
pub fn lenses<'a>(
    program: &'a Program,
    last: impl Fn(&str) -> Option<&'a str>,
) -> Vec<(String, Span, String)> {
    program
        .examples
        .iter()
        .map(|e| {
            let title = match last(&e.name) {
                Some(outcome) => format!("▶ run example: {outcome}"),
                None => "▶ run example".to_string(),
            };
            (e.name.clone(), e.span, title)
        })
        .collect()
}

/// Runs the example called `name`: "passed", or "failed: ..." with the
/// first expectation that did not hold; `None` if there is no such example.
pub fn run(program: &Program, name: &str) -> Option<String> {
    let def = program.examples.iter().find(|e| e.name == name)?;
    Some(summary(&example::run_example(program, def)))
}

/// An outcome in a few words.
pub fn summary(outcome: &ExampleOutcome) -> String {
    if outcome.passed {
        return "passed".into();
    }
    let Some(failed) = outcome.expectations.iter().find(|x| !x.passed) else {
        return "failed".into();
    };
    match (&failed.expected, &failed.actual) {
        (Some(e), Some(a)) => format!("failed: expected {} got {}", e.display, a.display),
        _ => match &failed.diagnostic {
            Some(d) => format!("failed: {}", d.message),
            None => "failed".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"rulebook "T" currency GBP
parameter markup: Percent = 10%
rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)
example "right" { expect price(£1.15) = £1.27 }
example "wrong" { expect price(£2.00) = £2.21 }
"#;

    #[test]
    fn an_example_run_says_passed_or_what_it_got() {
        let program = crate::pipeline::check_source(BOOK).program.expect("checks");
        assert_eq!(run(&program, "right").as_deref(), Some("passed"));
        // £2.00 × 110% = £2.20 exactly, not £2.21.
        assert_eq!(
            run(&program, "wrong").as_deref(),
            Some("failed: expected £2.21 got £2.20")
        );
        assert_eq!(run(&program, "none"), None);
        let titles: Vec<String> = lenses(&program, |n| (n == "right").then_some("passed"))
            .into_iter()
            .map(|(_, _, t)| t)
            .collect();
        assert_eq!(titles, ["▶ run example: passed", "▶ run example"]);
    }
}
