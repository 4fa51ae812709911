//! Any text: a rulebook that checks has its examples run, within the step
//! budget, never panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let file = rochdale::SourceFile::new("fuzz.coop", text);
    let _ = rochdale::test_source(&file);
});
