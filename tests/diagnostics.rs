//! Each broken rulebook under tests/diagnostics/ declares, on its first line
//! (`-- expect: E0300`), the code it must produce. The test checks that code
//! is reported and snapshots the rendered diagnostics, as `rochdale test`
//! prints them (checker diagnostics, then failed expectations). A case
//! whose second line is `-- years: N` is run as `rochdale simulate --years
//! N` runs its only scenario: the projection's problems follow.

use rochdale::diagnostic::render_text;
use rochdale::{SourceFile, test_source};

fn rendered(file: &SourceFile) -> (String, Vec<&'static str>) {
    let report = test_source(file);
    let mut diagnostics = report.diagnostics.clone();
    let years = file
        .text
        .lines()
        .nth(1)
        .and_then(|l| l.strip_prefix("-- years: "))
        .map(|n| n.trim().parse::<u32>().expect("a number of years"));
    if let Some(years) = years {
        let program = rochdale::check_source(&file.text)
            .program
            .expect("a projection case checks");
        if let Err(ds) = rochdale::check::steps::with_years(&program, &program.scenarios[0], years)
        {
            diagnostics.extend(ds);
        }
    }
    for example in &report.examples {
        for expectation in &example.expectations {
            diagnostics.extend(expectation.diagnostic.clone());
        }
    }
    let codes = diagnostics.iter().map(|d| d.code.as_str()).collect();
    (render_text(&diagnostics, file, false), codes)
}

#[test]
fn broken_rulebooks_report_their_code() {
    insta::glob!("diagnostics/*.coop", |path| {
        let text = std::fs::read_to_string(path).expect("test file is readable");
        let expected = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("-- expect: "))
            .expect("first line names the expected code")
            .trim()
            .to_string();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let file = SourceFile::new(name, text);
        let (output, codes) = rendered(&file);
        assert!(
            codes.contains(&expected.as_str()),
            "{name}: expected {expected}, got {codes:?}\n{output}"
        );
        insta::assert_snapshot!(output);
    });
}
