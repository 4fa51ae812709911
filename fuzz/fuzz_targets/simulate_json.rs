//! A JSON scenario of any shape, run against a bundled rulebook: an
//! outcome or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const RULEBOOKS: [(&str, &str); 3] = [
    (
        "rochdale-1844.coop",
        include_str!("../../rulebooks/rochdale-1844.coop"),
    ),
    (
        "thin-layer-network.coop",
        include_str!("../../rulebooks/thin-layer-network.coop"),
    ),
    (
        "worker-cooperative-spain.coop",
        include_str!("../../rulebooks/worker-cooperative-spain.coop"),
    ),
];

// The first byte picks the rulebook (and, by its top bit, a summary); the
// rest is the scenario's JSON text.
fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(scenario) = std::str::from_utf8(rest) else {
        return;
    };
    let (name, text) = RULEBOOKS[choice as usize % RULEBOOKS.len()];
    let file = rochdale::SourceFile::new(name, text);
    let request = rochdale::api::RunRequest {
        scenario_json: Some(scenario.to_string()),
        summary: choice & 0x80 != 0,
        ..Default::default()
    };
    let _ = rochdale::api::simulate(&file, &request);
});
