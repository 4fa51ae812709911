//! Any text: parse and check return a program or diagnostics, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let checked = rochdale::check_source(text);
    // A rulebook that checks can be laid out again; that must not panic either.
    if checked.program.is_some() {
        let _ = rochdale::format::format_source(text);
    }
});
