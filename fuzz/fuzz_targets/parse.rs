//! Any text: the parser returns a tree or diagnostics, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = rochdale::parse(text);
});
