//! One corpus through both executors, as Cedar runs its corpus through
//! its implementations: every scenario of every bundled rulebook and test
//! rulebook, and every JSON scenario of tests/scenarios that runs, closed
//! by columns (every member at once) and member by member. The outcomes
//! must be identical, byte for byte. (tests/pipeline_properties.rs does the
//! same for random rulebooks and scenarios.)

use std::path::{Path, PathBuf};

use rochdale::simulate::{Collect, Engine};

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

/// Runs `scenario` both ways; the number of periods closed by columns.
fn both_ways(
    program: &rochdale::Program,
    scenario: &rochdale::program::ScenarioDef,
    members: rochdale::simulate::input::MemberTable,
    place: &str,
) -> usize {
    let mut engine = Engine::of_scenario(program, scenario, members.clone());
    let mut sink = Collect::default();
    for step in &scenario.steps {
        engine.run_step(step, &mut sink).expect("collected");
    }
    let by_columns = engine.column_closes();
    let columns = engine.into_outcome(&scenario.name, sink);
    let rows = rochdale::simulate::simulate_by_rows(program, scenario, members);
    assert_eq!(
        rochdale::api::to_json(&columns),
        rochdale::api::to_json(&rows),
        "{place}: by columns and member by member differ"
    );
    by_columns
}

#[test]
fn every_scenario_closes_the_same_by_columns_and_by_rows() {
    let mut scenarios = 0;
    let mut closed_by_columns = 0;
    for folder in ["rulebooks", "tests/rulebooks"] {
        for path in files(folder, "coop") {
            let text = std::fs::read_to_string(&path).expect("readable");
            let program = rochdale::check_source(&text).program.expect("checks");
            for scenario in &program.scenarios {
                let members = rochdale::simulate::input::scenario_members(
                    &program,
                    scenario,
                    Path::new(folder),
                )
                .expect("members");
                let place = format!("{} / {}", path.display(), scenario.name);
                closed_by_columns += both_ways(&program, scenario, members, &place);
                scenarios += 1;
            }
        }
    }
    // The JSON scenarios of the tests that run, under the 1844 rulebook.
    let text = std::fs::read_to_string("rulebooks/rochdale-1844.coop").expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    for path in files("tests/scenarios", "json") {
        let json = std::fs::read_to_string(&path).expect("readable");
        if let Ok((def, members)) = rochdale::simulate::input::read_json(&program, &json) {
            both_ways(&program, &def, members, &path.display().to_string());
            scenarios += 1;
        }
    }
    assert!(scenarios >= 9, "only {scenarios} scenarios ran");
    // Every bundled year closes by columns: the test compares something.
    assert!(
        closed_by_columns >= 7,
        "only {closed_by_columns} periods closed by columns"
    );
}

/// `rounding half up each` and `pooled` side by side: the scenario of
/// tests/rulebooks/member-rounding.coop closes by columns (the integer
/// columns rounded member by member) and matches the row executor, and the
/// two forms give the figures worked in that rulebook: each 35p, 35p, 36p;
/// pooled 36p, 35p, 36p.
#[test]
fn rounding_each_members_amount_is_the_same_by_columns_and_by_rows() {
    let folder = "tests/rulebooks";
    let text = std::fs::read_to_string("tests/rulebooks/member-rounding.coop").expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let members =
        rochdale::simulate::input::scenario_members(&program, scenario, Path::new(folder))
            .expect("members");
    assert_eq!(
        both_ways(&program, scenario, members.clone(), "member rounding"),
        1
    );
    let outcome = rochdale::simulate::simulate(&program, scenario, members);
    let json: serde_json::Value =
        serde_json::from_str(&rochdale::api::to_json(&outcome)).expect("JSON");
    let shares = |allocation: usize| -> Vec<String> {
        json["periods"][0]["allocations"][allocation]["tranches"][0]["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["value"]["value"].as_str().expect("amount").to_string())
            .collect()
    };
    assert_eq!(shares(0), ["0.35", "0.35", "0.36"], "each");
    assert_eq!(shares(1), ["0.36", "0.35", "0.36"], "pooled");
}

/// A waiver (`C except when E`) in a tranche's filter: the close of
/// tests/rulebooks/waived-conditions.coop runs by columns and matches the
/// row executor (ada and kit £1.50 each; tom was refused).
#[test]
fn a_waived_filter_is_the_same_by_columns_and_by_rows() {
    let text = std::fs::read_to_string("tests/rulebooks/waived-conditions.coop").expect("readable");
    let program = rochdale::check_source(&text).program.expect("checks");
    let scenario = &program.scenarios[0];
    let members = rochdale::simulate::input::MemberTable::inline(scenario);
    assert_eq!(
        both_ways(&program, scenario, members, "waived conditions"),
        1
    );
}
