//! The streamed reports (what `rochdale simulate` writes as it runs) are
//! byte for byte the reports of the outcome held in memory, for every
//! scenario of every bundled rulebook and every test scenario, in every
//! format and in every file of `--out`.

use std::path::{Path, PathBuf};

use rochdale::simulate::stream::{Report, Streamed};
use rochdale::simulate::{Engine, Sink};

fn rulebooks(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "coop"))
        .collect();
    out.sort();
    out
}

fn streamed(
    program: &rochdale::Program,
    scenario: &rochdale::program::ScenarioDef,
    members: rochdale::simulate::input::MemberTable,
    report: Report,
    out: Option<&Path>,
) -> Vec<u8> {
    let mut stdout = Vec::new();
    let mut sink = Streamed::new(&mut stdout, report, out).expect("outputs");
    let mut engine = Engine::of_scenario(program, scenario, members);
    sink.begin(&engine.summary(&scenario.name))
        .expect("written");
    for step in &scenario.steps {
        engine
            .run_step(step, &mut sink as &mut dyn Sink)
            .expect("written");
    }
    sink.finish(&engine, &scenario.name).expect("written");
    stdout
}

#[test]
fn streamed_reports_are_the_reports_of_the_outcome() {
    let mut compared = 0;
    let mut projected = 0;
    let dir = std::env::temp_dir().join(format!("rochdale-streaming-{}", std::process::id()));
    for folder in ["rulebooks", "tests/rulebooks"] {
        for path in rulebooks(folder) {
            let text = std::fs::read_to_string(&path).expect("readable");
            let Some(program) = rochdale::check_source(&text).program else {
                continue;
            };
            // Each scenario, and each as a projection over five years
            // where it can be one (an `every year` block, a financial year).
            let projections: Vec<_> = program
                .scenarios
                .iter()
                .filter_map(|s| rochdale::check::steps::with_years(&program, s, 5).ok())
                .collect();
            for scenario in program.scenarios.iter().chain(&projections) {
                let Ok(members) = rochdale::simulate::input::scenario_members(
                    &program,
                    scenario,
                    Path::new(folder),
                ) else {
                    continue;
                };
                // A file of the scenario before this one must not be
                // taken for this one's.
                let _ = std::fs::remove_file(dir.join("projection.csv"));
                let outcome = rochdale::simulate::simulate(&program, scenario, members.clone());
                let json = rochdale::api::to_json(&outcome);
                let place = format!("{} / {}", path.display(), scenario.name);
                let text_out = streamed(&program, scenario, members.clone(), Report::Text, None);
                assert_eq!(
                    String::from_utf8_lossy(&text_out),
                    outcome.to_text(),
                    "{place}"
                );
                let json_out = streamed(&program, scenario, members.clone(), Report::Json, None);
                assert_eq!(
                    String::from_utf8_lossy(&json_out),
                    format!("{json}\n"),
                    "{place}"
                );
                let csv_out =
                    streamed(&program, scenario, members.clone(), Report::Csv, Some(&dir));
                assert_eq!(
                    String::from_utf8_lossy(&csv_out),
                    outcome.statements_csv(),
                    "{place}"
                );
                let projection_out = streamed(
                    &program,
                    scenario,
                    members.clone(),
                    Report::ProjectionCsv,
                    None,
                );
                assert_eq!(
                    String::from_utf8_lossy(&projection_out),
                    outcome.projection_csv(),
                    "{place}"
                );
                let file = |name: &str| std::fs::read_to_string(dir.join(name)).expect("written");
                assert_eq!(file("report.txt"), outcome.to_text(), "{place}");
                assert_eq!(file("outcome.json"), json, "{place}");
                assert_eq!(file("statements.csv"), outcome.statements_csv(), "{place}");
                assert_eq!(file("journal.csv"), outcome.journal_csv(), "{place}");
                assert_eq!(
                    file("trial_balance.csv"),
                    outcome.trial_balance_csv(),
                    "{place}"
                );
                // projection.csv only for a run that closes a financial year.
                match std::fs::read_to_string(dir.join("projection.csv")) {
                    Ok(csv) => {
                        assert_eq!(csv, outcome.projection_csv(), "{place}");
                        assert!(!outcome.projection.is_empty(), "{place}");
                        projected += 1;
                    }
                    Err(_) => assert!(outcome.projection.is_empty(), "{place}"),
                }
                // The spill files are gone.
                let left: Vec<_> = std::fs::read_dir(&dir)
                    .expect("folder")
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
                    .collect();
                assert!(left.is_empty(), "{place}: {left:?}");
                compared += 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    // Seven rulebooks with a year each, and the test rulebooks' scenarios.
    assert!(compared >= 7, "only {compared} scenarios compared");
    // The projection of tests/rulebooks/projection.coop (as written, and
    // over five years) at least, and the other rulebooks with a year.
    assert!(projected >= 2, "only {projected} projections compared");
}

#[test]
fn a_reader_that_goes_away_ends_the_report_quietly() {
    use std::io::Write;
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }
    let mut w = rochdale::simulate::stream::Quiet::new(Closed);
    assert!(w.write_all(b"Timeline\n").is_ok());
    assert!(w.flush().is_ok());
}
